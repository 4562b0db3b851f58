"""The facilitator's changes to the scenario injects: one moved to a later turn, skipped, or
edited before it fires. The engine keeps them in its state (`scheduled`, `skipped`, `edits`),
so that the openings honour them and replaying an export reproduces them; each is a
facilitator-only event. And the injects timed within their turn, which the sweep sends once
their minute has come."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from exercises import engine
from exercises.engine import Rejected, State
from exercises.models import Exercise, Seat, Turn

from . import engine_log, events
from .errors import Busy, Conflict, Invalid
from .locking import current_turn_number, locked, require_facilitator
from .scenarios import scenario_of, scenario_of_snapshot_id, state_of


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


def edit_inject(seat: Seat, inject_id: str, changes: dict[str, Any]) -> None:
    """A scenario inject's words, recipients or minute changed before it fires."""
    require_facilitator(seat)
    if not isinstance(changes, dict) or not changes:
        raise Invalid("an edit changes at least one field")
    with events.write_transaction():
        exercise = _unfinished(seat)
        try:
            new = engine.edit_inject(scenario_of(exercise), state_of(exercise), inject_id, changes)
        except Rejected as exc:
            raise Invalid(str(exc)) from exc
        _save(exercise, new, "inject.edited", {"inject": inject_id, "changes": changes})


def fire_timed(now: datetime) -> int:
    """Send the injects timed within an open turn whose minute has come; how many turns sent
    some. Asked of every open turn every second, so an exercise whose scenario times no inject
    and whose facilitator edited none (most) costs a row of three columns; the others are
    judged without the lock first, since nearly every sweep finds none due."""
    sent = 0
    due = Turn.objects.filter(phase=Turn.Phase.OPEN, exercise__status=Exercise.Status.RUNNING)
    edited = set(due.filter(exercise__state__has_key="edits").values_list("pk", flat=True))
    for pk, snapshot_id, opened_at in due.values_list("pk", "exercise__snapshot_id", "opened_at"):
        if pk not in edited and not _times_injects(scenario_of_snapshot_id(snapshot_id)):
            continue
        exercise = Turn.objects.select_related("exercise").get(pk=pk).exercise
        minutes = (now - opened_at).total_seconds() / 60
        state = state_of(exercise)
        # Every inject judged, fired or not, is recorded in `tried`: unchanged, none came due.
        if _timed(exercise, state, minutes).state.tried == state.tried:
            continue
        try:
            sent += _fire_timed_locked(exercise.public_id, minutes)
        except Busy:
            continue  # the next sweep tries again
    return sent


def _times_injects(scenario: engine.Scenario) -> bool:
    return any(i.after_minutes is not None for i in scenario.spec.injects)


def _timed(exercise: Exercise, state: State, minutes: float) -> engine.Opening:
    return engine.fire_timed(scenario_of(exercise), state, exercise.seed, minutes)


def _fire_timed_locked(public_id: str, minutes: float) -> bool:
    with events.write_transaction():
        exercise = locked(public_id)
        if exercise.status != Exercise.Status.RUNNING:
            return False
        state = state_of(exercise)
        opening = _timed(exercise, state, minutes)
        if opening.state.tried == state.tried:
            return False
        exercise.state = opening.state.to_dict()
        exercise.save(update_fields=["state"])
        engine_log.publish(exercise, current_turn_number(exercise), opening.events)
        return True


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
