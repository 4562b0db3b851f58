"""The exercise's status (lobby, running, paused, finished): guarded transitions, and ending it."""

from __future__ import annotations

from typing import Any

from exercises.models import Exercise, TransitionError

from . import events
from .errors import Conflict
from .locking import current_turn_number


def tell_everyone(exercise: Exercise, type: str, data: dict[str, Any]) -> None:
    """An event every seat sees, about the current turn."""
    events.append(
        exercise, type, data, turn=current_turn_number(exercise), audience=events.EVERYONE
    )


def transition(exercise: Exercise, to: str) -> None:
    try:
        exercise.check_transition(to)
    except TransitionError as exc:
        raise Conflict(str(exc)) from exc
    exercise.status = to


def finish_locked(exercise: Exercise, ending: str | None) -> None:
    transition(exercise, Exercise.Status.FINISHED)
    exercise.ending = ending or exercise.ending
    exercise.save(update_fields=["status", "ending"])
    tell_everyone(exercise, "exercise.finished", {"ending": ending})
