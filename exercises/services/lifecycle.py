"""Creating and joining exercises, and the facilitator's commands.

Every write starts by locking the exercise row (`locked`), so writes to one exercise are
serialised: on PostgreSQL by the row lock, on SQLite by the immediate transaction every atomic
block opens (settings). Checks made after the lock cannot be invalidated before commit.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import connection
from django.utils import timezone

from exercises.engine import (
    Rejected,
    Scenario,
    StateChange,
    fire_inject,
    initial_state,
    load_bundled_scenarios,
)
from exercises.engine.effects import apply_changes
from exercises.models import Exercise, ScenarioSnapshot, Seat, TransitionError, Turn, hash_token

from . import engine_log, events, rows
from .errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized
from .scenarios import scenario_of, state_of


@dataclass(frozen=True)
class Created:
    exercise: Exercise
    tokens: dict[str, str]  # seat name -> token, shown once


def new_token() -> str:
    return secrets.token_urlsafe(24)  # 192 bits


def snapshot_for(scenario: Scenario) -> ScenarioSnapshot:
    sha = hashlib.sha256(scenario.source.encode()).hexdigest()
    snapshot, _ = ScenarioSnapshot.objects.get_or_create(
        sha256=sha,
        defaults={
            "scenario_id": scenario.id,
            "version": str(scenario.version),
            "title": scenario.title,
            "text": scenario.source,
        },
    )
    return snapshot


def bundled(scenario_id: str) -> Scenario:
    try:
        return load_bundled_scenarios()[scenario_id]
    except KeyError:
        raise NotFound(f"there is no scenario {scenario_id!r}") from None


def create_exercise(
    scenario: Scenario,
    name: str,
    *,
    seed: str | None = None,
    turn_seconds: int | None = None,
    bots: dict[str, str] | None = None,
    auto_advance: bool = False,
) -> Created:
    """A new exercise in the lobby, with a seat and a fresh token for every role."""
    bots = bots or {}
    for role, policy in bots.items():
        if role not in scenario.role_ids:
            raise Invalid(f"there is no role {role!r} to give a bot")
        if policy not in scenario.policies:
            raise Invalid(f"{scenario.id} has no policy {policy!r}")
    if not name.strip():
        raise Invalid("an exercise needs a name")
    if turn_seconds is not None and turn_seconds < 1:
        raise Invalid("turn_seconds must be at least 1")
    with events.write_transaction():
        exercise = Exercise.objects.create(
            name=name.strip()[:200],
            snapshot=snapshot_for(scenario),
            seed=seed or secrets.token_hex(8),
            turn_seconds=turn_seconds,
            auto_advance=auto_advance,
            state=initial_state(scenario).to_dict(),
        )
        tokens = {}
        for kind, role in [
            ("facilitator", ""),
            ("observer", ""),
            *[("role", r) for r in scenario.role_ids],
        ]:
            token = new_token()
            Seat.objects.create(
                exercise=exercise,
                kind=kind,
                role=role,
                token_hash=hash_token(token),
                bot_policy=bots.get(role, ""),
            )
            tokens[role or kind] = token
        events.append(
            exercise,
            "exercise.created",
            {"name": exercise.name, "scenario": scenario.id, "bots": sorted(bots)},
            turn=0,
            audience=events.EVERYONE,
        )
    return Created(exercise, tokens)


def authenticate(public_id: str, token: str | None) -> Seat:
    """The seat this token opens in this exercise: 401 without a valid token, 403 for a seat
    of another exercise, 404 when the exercise does not exist."""
    if not token:
        raise Unauthorized("a seat token is needed")
    seat = rows.seat_by_token_hash(hash_token(token))
    if seat is None or seat.revoked_at is not None:
        raise Unauthorized("this token does not open any seat")
    if seat.exercise.public_id != public_id:
        if not Exercise.objects.filter(public_id=public_id).exists():
            raise NotFound("there is no such exercise")
        raise Forbidden("this token is for another exercise")
    return seat


def seat_by_token(token: str) -> Seat:
    seat = rows.seat_by_token_hash(hash_token(token))
    if seat is None or seat.revoked_at is not None:
        raise Unauthorized("this link does not open any seat")
    return seat


def seat_in_session(seats: Mapping[str, Any], public_id: str) -> Seat:
    """The seat a browser holds in this exercise: `seats` is what `/join/<token>` put in its
    session, {exercise public id: seat pk}."""
    seat_pk = seats.get(public_id)
    if seat_pk is None:
        raise Unauthorized("a seat token is needed (or open your /join/ link in this browser)")
    seat = (
        Seat.objects.select_related("exercise")
        .filter(pk=seat_pk, exercise__public_id=public_id, revoked_at=None)
        .first()
    )
    if seat is None:
        raise Unauthorized("this browser's seat was given to someone else; ask for a new link")
    return seat


def join(seat: Seat) -> Seat:
    """Mark the seat as joined (first use of its link or token)."""
    if seat.joined_at is not None:
        return seat
    with events.write_transaction():
        exercise = locked(seat.exercise.public_id)
        updated = Seat.objects.filter(pk=seat.pk, joined_at=None).update(joined_at=timezone.now())
        if updated:
            events.append(
                exercise,
                "seat.joined",
                {"seat": seat.name},
                turn=current_turn_number(exercise),
                audience=events.FACILITATOR_ONLY,
            )
    seat.refresh_from_db()
    return seat


def locked(public_id: str) -> Exercise:
    """The exercise, locked for the rest of the transaction."""
    try:
        return Exercise.objects.select_for_update().get(public_id=public_id)
    except Exercise.DoesNotExist:
        raise NotFound("there is no such exercise") from None


def locked_for(seat: Seat, *, as_bot: bool = False) -> Exercise:
    """The exercise, locked, once the seat is known to still be the caller's: a request may
    have waited for the lock while its seat was revoked or given to a bot."""
    fresh = _locked_seat(seat)
    _check_still_yours(seat, fresh.revoked_at is not None, fresh.bot_policy, as_bot=as_bot)
    return fresh.exercise


def locked_with_turn(seat: Seat, *, as_bot: bool = False) -> tuple[Exercise, Turn | None]:
    """`locked_for` and `current_turn` together: in one query on SQLite, where the immediate
    transaction already holds the only write lock, since moves are the hottest write."""
    if connection.vendor == "sqlite":
        found = rows.current_turn_of_seat(seat.pk)
        if found is not None:
            turn, revoked, bot_policy = found
            _check_still_yours(seat, revoked, bot_policy, as_bot=as_bot)
            return turn.exercise, turn
    exercise = locked_for(seat, as_bot=as_bot)
    return exercise, current_turn(exercise)


def _check_still_yours(seat: Seat, revoked: bool, bot_policy: str, *, as_bot: bool) -> None:
    if revoked:
        raise Unauthorized("this seat has been given to someone else")
    if bot_policy and not as_bot:
        raise Forbidden(f"{seat.role} is played by a bot")
    seat.bot_policy = bot_policy


def _locked_seat(seat: Seat) -> Seat:
    """The seat as it is now, with its exercise locked."""
    if connection.vendor == "sqlite":
        # The immediate transaction already holds SQLite's one write lock, so nothing can
        # change under this read: one query gives the fresh seat and its exercise.
        fresh = Seat.objects.select_related("exercise").filter(pk=seat.pk).first()
    else:
        # On PostgreSQL the seat is read after the exercise lock is granted: read in the
        # same statement, it would be the version from before the wait, missing a revocation.
        exercise = locked(seat.exercise.public_id)
        fresh = Seat.objects.filter(pk=seat.pk).first()
        if fresh is not None:
            fresh.exercise = exercise
    if fresh is None:
        raise Unauthorized("this seat no longer exists")
    return fresh


def current_turn(exercise: Exercise) -> Turn | None:
    return exercise.turns.order_by("-number").first()


def current_turn_number(exercise: Exercise) -> int:
    return exercise.turns.order_by("-number").values_list("number", flat=True).first() or 0


def tell_everyone(exercise: Exercise, type: str, data: dict[str, Any]) -> None:
    """An event every seat sees, about the current turn."""
    events.append(
        exercise, type, data, turn=current_turn_number(exercise), audience=events.EVERYONE
    )


def require_facilitator(seat: Seat) -> None:
    if seat.kind != Seat.Kind.FACILITATOR:
        raise Forbidden("only the facilitator steers the exercise")


def transition(exercise: Exercise, to: str) -> None:
    try:
        exercise.check_transition(to)
    except TransitionError as exc:
        raise Conflict(str(exc)) from exc
    exercise.status = to


def start(seat: Seat) -> None:
    from .turns import open_turn

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
    from .bots import schedule_bots
    from .turns import open_turn

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


def finish(seat: Seat) -> None:
    require_facilitator(seat)
    with events.write_transaction():
        exercise = locked(seat.exercise.public_id)
        finish_locked(exercise, ending=None)


def finish_locked(exercise: Exercise, ending: str | None) -> None:
    transition(exercise, Exercise.Status.FINISHED)
    exercise.ending = ending or exercise.ending
    exercise.save(update_fields=["status", "ending"])
    tell_everyone(exercise, "exercise.finished", {"ending": ending})


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
        if var.type == "bool" and not isinstance(value, bool):
            raise Invalid(f"{variable} is true or false")
        if var.type != "bool" and (isinstance(value, bool) or not isinstance(value, int | float)):
            raise Invalid(f"{variable} is a number")
        if var.type != "bool" and not math.isfinite(value):
            raise Invalid(f"{variable} must be a finite number")
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
        token = None
        if bot_policy:
            old.bot_policy = bot_policy
            old.save(update_fields=["bot_policy"])
        else:
            token = new_token()
            old.revoked_at = timezone.now()
            old.save(update_fields=["revoked_at"])
            Seat.objects.create(
                exercise=exercise, kind=Seat.Kind.ROLE, role=role, token_hash=hash_token(token)
            )
        events.append(
            exercise,
            "seat.replaced",
            {"role": role, "bot": bot_policy or None},
            turn=current_turn_number(exercise),
            # The role's player learns it at once, not from the bot's first move.
            audience=events.to_roles(role),
        )
        if bot_policy:
            from .bots import schedule_bots

            schedule_bots(exercise)
    return token
