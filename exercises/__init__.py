"""The exercise app: scenarios, exercises, seats, turns, moves and their events."""
