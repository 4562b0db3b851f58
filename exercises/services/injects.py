"""The facilitator's changes to the scenario injects' schedule: an inject moved to a later turn,
or skipped. The engine keeps them in its state (`scheduled`, `skipped`), so that the openings
honour them and replaying an export reproduces them; each is a facilitator-only event."""

from __future__ import annotations

from typing import Any

from exercises import engine
from exercises.engine import Rejected, State
from exercises.models import Exercise, Seat

from . import events
from .errors import Conflict, Invalid
from .locking import current_turn_number, locked, require_facilitator
from .scenarios import scenario_of, state_of


def schedule_inject(seat: Seat, inject_id: str, turn: int) -> None:
    """A scenario inject moved to a later turn: it fires as that turn opens instead."""
    require_facilitator(seat)
    with events.write_transaction():
        exercise = _unfinished(seat)
        try:
            new = engine.schedule_inject(scenario_of(exercise), state_of(exercise), inject_id, turn)
        except Rejected as exc:
            raise Invalid(str(exc)) from exc
        _save(exercise, new, "inject.scheduled", {"inject": inject_id, "turn": turn})


def skip_inject(seat: Seat, inject_id: str) -> None:
    """A scenario inject that will not fire by itself (it can still be sent by hand)."""
    require_facilitator(seat)
    with events.write_transaction():
        exercise = _unfinished(seat)
        try:
            new = engine.skip_inject(scenario_of(exercise), state_of(exercise), inject_id)
        except Rejected as exc:
            raise Invalid(str(exc)) from exc
        _save(exercise, new, "inject.skipped", {"inject": inject_id})


def _unfinished(seat: Seat) -> Exercise:
    exercise = locked(seat.exercise.public_id)
    if exercise.status == Exercise.Status.FINISHED:
        raise Conflict("the exercise is finished")
    return exercise


def _save(exercise: Exercise, new: State, type: str, data: dict[str, Any]) -> None:
    exercise.state = new.to_dict()
    exercise.save(update_fields=["state"])
    turn = current_turn_number(exercise)
    events.append(exercise, type, data, turn=turn, audience=events.FACILITATOR_ONLY)
