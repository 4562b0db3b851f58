"""The facilitator's commands: start, pause, resume, extend, finish, injects, values set by
hand, and seats handed to a new player or a bot."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from django.utils import timezone

from exercises.engine import OBSERVER, Rejected, Scenario, State, StateChange, can_see, fire_inject
from exercises.engine.effects import apply_changes
from exercises.engine.scenario import TEXTUAL, Variable
from exercises.models import Exercise, Seat, Turn, hash_token

from . import engine_log, events
from .creation import new_token
from .errors import Conflict, Invalid
from .locking import current_turn, current_turn_number, locked, require_facilitator
from .scenarios import scenario_of, state_of
from .status import finish_locked, tell_everyone, transition
from .turns import open_turn, redraft, schedule_bots


def start(seat: Seat) -> None:
    require_facilitator(seat)
    with events.write_transaction():
        exercise = locked(seat.exercise.public_id)
        transition(exercise, Exercise.Status.RUNNING)
        exercise.save(update_fields=["status"])
        events.append(exercise, "exercise.started", {}, turn=0, audience=events.EVERYONE)
        open_turn(exercise)


def pause(seat: Seat) -> None:
    require_facilitator(seat)
    with events.write_transaction():
        exercise = locked(seat.exercise.public_id)
        transition(exercise, Exercise.Status.PAUSED)
        turn = current_turn(exercise)
        if turn and turn.deadline and turn.phase == turn.Phase.OPEN:
            # The clock stops: what was left is given back on resume.
            exercise.paused_remaining = max(0.0, (turn.deadline - timezone.now()).total_seconds())
            turn.deadline = None
            turn.save(update_fields=["deadline"])
        exercise.save(update_fields=["status", "paused_remaining"])
        tell_everyone(exercise, "exercise.paused", {})


def resume(seat: Seat) -> None:
    require_facilitator(seat)
    with events.write_transaction():
        exercise = locked(seat.exercise.public_id)
        transition(exercise, Exercise.Status.RUNNING)
        turn = current_turn(exercise)
        deadline = None
        if turn and exercise.paused_remaining is not None and turn.phase == turn.Phase.OPEN:
            turn.deadline = timezone.now() + timedelta(seconds=exercise.paused_remaining)
            turn.save(update_fields=["deadline"])
            deadline = turn.deadline.isoformat()
        exercise.paused_remaining = None
        exercise.save(update_fields=["status", "paused_remaining"])
        tell_everyone(exercise, "exercise.resumed", {"deadline": deadline})
        _catch_up(exercise, turn)


def _catch_up(exercise: Exercise, turn: Any) -> None:
    """What a pause held back: a turn that resolved meanwhile advances, bots that were given
    seats meanwhile move."""
    if turn is not None and turn.phase == turn.Phase.RESOLVED and exercise.auto_advance:
        open_turn(exercise)  # schedules the bots itself
    else:
        schedule_bots(exercise)


def extend(seat: Seat, seconds: int) -> None:
    require_facilitator(seat)
    if not 1 <= seconds <= 7 * 24 * 3600:
        raise Invalid("seconds must be between 1 and 604800")
    with events.write_transaction():
        exercise = locked(seat.exercise.public_id)
        turn = current_turn(exercise)
        if turn is None or turn.phase != turn.Phase.OPEN:
            raise Conflict("no turn is open")
        _require_deadline(exercise, turn)
        if exercise.status == Exercise.Status.PAUSED:
            # The clock is stopped: the extension is added to the time given back on resume.
            exercise.paused_remaining = (exercise.paused_remaining or 0.0) + seconds
            exercise.save(update_fields=["paused_remaining"])
            events.append(
                exercise,
                "turn.extended",
                {"seconds": seconds, "deadline": None},
                turn=turn.number,
                audience=events.EVERYONE,
            )
            return
        base = max(turn.deadline or timezone.now(), timezone.now())
        turn.deadline = base + timedelta(seconds=seconds)
        turn.save(update_fields=["deadline"])
        events.append(
            exercise,
            "turn.extended",
            {"deadline": turn.deadline.isoformat()},
            turn=turn.number,
            audience=events.EVERYONE,
        )


def _require_deadline(exercise: Exercise, turn: Any) -> None:
    # Extending an untimed turn would quietly give it a deadline it never had, and the turn
    # would then close on its own: a facilitator who wants a clock should say so.
    stopped = exercise.status == Exercise.Status.PAUSED
    has_deadline = exercise.paused_remaining is not None if stopped else turn.deadline is not None
    if not has_deadline:
        raise Conflict("this turn has no deadline to extend: it closes when you close it")


def finish(seat: Seat) -> None:
    require_facilitator(seat)
    with events.write_transaction():
        exercise = locked(seat.exercise.public_id)
        finish_locked(exercise, ending=None)


def inject(
    seat: Seat,
    inject_id: str | None,
    title: str | None,
    text: str | None,
    to: list[str] | None = None,
) -> None:
    """A scripted inject from the scenario, fired now as the engine fires it on its turn (so it
    will not fire again by itself), or an ad-hoc one the facilitator writes."""
    require_facilitator(seat)
    with events.write_transaction():
        exercise = locked(seat.exercise.public_id)
        if inject_id:
            _fire_scripted(exercise, inject_id)
            return
        scenario = scenario_of(exercise)
        if not title or not text:
            raise Invalid("an ad-hoc inject needs a title and a text")
        for role in to or []:
            if role not in scenario.role_ids:
                raise Invalid(f"there is no role {role!r}")
        events.append(
            exercise,
            "inject",
            {"inject": inject_id, "title": title, "text": text},
            turn=current_turn_number(exercise),
            audience=events.to_roles(*to) if to else events.EVERYONE,
        )


def _fire_scripted(exercise: Exercise, inject_id: str) -> None:
    state = state_of(exercise)
    try:
        fired = fire_inject(scenario_of(exercise), state, inject_id, state.turn + 1)
    except Rejected as exc:
        raise Invalid(str(exc)) from exc
    exercise.state = fired.state.to_dict()
    exercise.save(update_fields=["state"])
    engine_log.publish(exercise, current_turn_number(exercise), fired.events)


def _check_number(var: Variable, value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise Invalid(f"{var.name} is a number")
    if not math.isfinite(value):
        raise Invalid(f"{var.name} must be a finite number")
    if why := var.out_of_bounds(value):
        raise Invalid(why)


def set_state(seat: Seat, variable: str, value: Any, reason: str) -> None:
    """The facilitator overrules the rules: a variable set by hand, with the reason recorded."""
    require_facilitator(seat)
    if not reason or not reason.strip():
        raise Invalid("setting a value needs a reason")
    with events.write_transaction():
        exercise = locked(seat.exercise.public_id)
        scenario = scenario_of(exercise)
        var = scenario.variables.get(variable)
        if var is None:
            raise Invalid(f"there is no variable {variable!r}")
        if var.type in TEXTUAL:
            if problem := var.misfit(value):
                raise Invalid(problem)
        elif var.type == "bool":
            if not isinstance(value, bool):
                raise Invalid(f"{variable} is true or false")
        else:
            _check_number(var, value)
        state = state_of(exercise)
        change = StateChange(variable, value=value, reason=reason)
        new = state.evolve(values=apply_changes(scenario, state.values, [change]))
        exercise.state = new.to_dict()
        exercise.save(update_fields=["state"])
        events.append(
            exercise,
            "state.set",
            {"variable": variable, "value": new.values[variable], "reason": reason},
            turn=current_turn_number(exercise),
            audience=events.FACILITATOR_ONLY,
        )
        tell_viewers(exercise, scenario, new, variable)
        turn = current_turn(exercise)
        if turn is not None and turn.phase == Turn.Phase.REVIEW:
            # Publishing adjudicates from the state as it is then: the draft shows that now.
            redraft(exercise, turn)


def tell_viewers(exercise: Exercise, scenario: Scenario, state: State, variable: str) -> None:
    """Every seat that may see the variable learns its new value at once (without the
    facilitator's reason, which stays in `state.set`)."""
    if can_see(scenario, state, OBSERVER, variable):
        audience = events.EVERYONE
    else:
        audience = events.to_roles(
            *(r for r in scenario.role_ids if can_see(scenario, state, r, variable))
        )
        if audience.facilitator_only:
            return
    data = {"variable": variable, "value": state.values[variable]}
    turn = current_turn_number(exercise)
    events.append(exercise, "state.changed", data, turn=turn, audience=audience)


def replace_seat(seat: Seat, role: str, bot_policy: str | None) -> str | None:
    """Give an absent player's role to a bot (`bot_policy`), or to a new player (a new token,
    returned once; the old token stops working)."""
    require_facilitator(seat)
    with events.write_transaction():
        exercise = locked(seat.exercise.public_id)
        scenario = scenario_of(exercise)
        if role not in scenario.role_ids:
            raise Invalid(f"there is no role {role!r}")
        if bot_policy and bot_policy not in scenario.policies:
            raise Invalid(f"{scenario.id} has no policy {bot_policy!r}")
        old = Seat.objects.get(exercise=exercise, kind=Seat.Kind.ROLE, role=role, revoked_at=None)
        # Either way the old seat is revoked: its token, the browser sessions and the sockets
        # bound to it stop reading the role's briefing, state and messages. A bot's new token
        # is made and thrown away: a bot needs none, and nobody may hold its seat.
        token = new_token()
        old.revoked_at = timezone.now()
        old.save(update_fields=["revoked_at"])
        Seat.objects.create(
            exercise=exercise,
            kind=Seat.Kind.ROLE,
            role=role,
            token_hash=hash_token(token),
            bot_policy=bot_policy or "",
        )
        events.append(
            exercise,
            "seat.replaced",
            {"role": role, "bot": bot_policy or None},
            turn=current_turn_number(exercise),
            # The old seat's socket is closed on it at once (exercises/live). A new player
            # reads it in the role's log; which roles bots play is the facilitator's alone.
            audience=events.FACILITATOR_ONLY if bot_policy else events.to_roles(role),
        )
        if bot_policy:
            schedule_bots(exercise)
            return None
    return token
