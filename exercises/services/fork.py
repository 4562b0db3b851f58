"""Forking: a new exercise that starts from a resolved turn of an old one ("what if").

The fork keeps the old exercise's scenario snapshot (the same row: replay never reads a file),
starts from the state after the chosen turn, and keeps the seed unless asked for a new one.
Its seats are the old one's roles with the same bots, or the bots the facilitator names, each
with a fresh token shown once. Where it came from is recorded in both logs: the fork's
`exercise.forked` event (everyone) and the old exercise's `exercise.forked_to` (facilitator).
The fork is made by `creation.create_exercise`, like any other exercise, then given its state.
"""

from __future__ import annotations

import secrets

from exercises.engine import Scenario, State, initial_state
from exercises.models import Exercise, Seat, Turn

from . import creation, events, locking
from .errors import Conflict, Invalid
from .scenarios import scenario_of


def fork_exercise(
    seat: Seat,
    turn: int,
    *,
    name: str | None = None,
    new_seed: bool = False,
    bots: dict[str, str] | None = None,
) -> creation.Created:
    """A new exercise in the lobby that plays on from after `turn` (0: from the start)."""
    locking.require_facilitator(seat)
    old: Exercise = seat.exercise
    scenario = scenario_of(old)
    state = start_state(old, scenario, turn)
    if bots is None:
        bots = same_bots(old)
    label = f"{scenario.turn_label} {turn}" if turn else "the start"
    with events.write_transaction():
        created = creation.create_exercise(
            scenario,
            name or f"{old.name} (what if, from {label})",
            seed=secrets.token_hex(8) if new_seed else old.seed,
            turn_seconds=old.turn_seconds,
            bots=bots,
            auto_advance=old.auto_advance,
            close_when=old.close_when,
            review=old.review,
            # the operator who made the exercise finds its forks in the lobby too
            created_by=old.created_by,
        )
        fork = created.exercise
        fork.state = state.to_dict()
        fork.save(update_fields=["state"])
        origin = {"from": old.public_id, "name": old.name, "turn": turn, "new_seed": new_seed}
        events.append(fork, "exercise.forked", origin, turn=0, audience=events.EVERYONE)
        locked = locking.locked(old.public_id)
        events.append(
            locked,
            "exercise.forked_to",
            {"to": fork.public_id, "name": fork.name, "turn": turn, "new_seed": new_seed},
            turn=locking.current_turn_number(locked),
            audience=events.FACILITATOR_ONLY,
        )
    return created


def start_state(old: Exercise, scenario: Scenario, turn: int) -> State:
    """The state after `turn` of `old`, checked to leave something to play."""
    if turn == 0:
        return initial_state(scenario)
    row = Turn.objects.filter(exercise=old, number=turn).first()
    if row is None:
        # A fork's own start: the state after that turn of the exercise it came from.
        origin = origin_of(old)
        if origin is not None and origin[1] == turn:
            return start_state(origin[0], scenario, turn)
        raise Invalid(f"there is no {scenario.turn_label} {turn}")
    if row.phase != Turn.Phase.RESOLVED or row.state_after is None:
        raise Conflict(f"{scenario.turn_label} {turn} is not resolved yet")
    state = State.from_dict(row.state_after)
    if state.ending is not None or turn >= scenario.turns:
        raise Conflict(f"the exercise ended with {scenario.turn_label} {turn}: nothing to play")
    return state


def origin_of(exercise: Exercise) -> tuple[Exercise, int] | None:
    """The exercise and turn a fork came from, as its log recorded it; None for others."""
    event = exercise.events.filter(type="exercise.forked").first()
    if event is None:
        return None
    origin = Exercise.objects.filter(public_id=event.data["from"]).first()
    return (origin, int(event.data["turn"])) if origin is not None else None


def same_bots(old: Exercise) -> dict[str, str]:
    """The roles bots play in `old` now, and their policies."""
    seats = old.seats.filter(kind=Seat.Kind.ROLE, revoked_at=None).exclude(bot_policy="")
    return {s.role: s.bot_policy for s in seats}
