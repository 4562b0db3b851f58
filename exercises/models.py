"""Persistence for exercises: scenario snapshot, exercise, seat, turn, move, ruling, message, event.

Nothing here yet.
"""
