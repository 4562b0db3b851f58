"""Moves: submit, replace, withdraw, say you are done; rulings and probability votes.

Checks run in the order the API documents: permission, idempotent replay, turn open, then the
scenario's rules. All of them run after the exercise lock is taken, so a move checked as
"turn open" cannot land after the turn was closed: the close waits for the lock, or the move
sees the turn closed and gets a 409.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError

from exercises import engine
from exercises.models import Exercise, Move, ProbabilityVote, Ruling, Seat, Turn

from . import events, rows
from .errors import Conflict, Forbidden, Invalid, NotFound
from .locking import current_turn, locked, locked_for, locked_with_turn, require_facilitator
from .projection import move_dict
from .scenarios import role_name, scenario_of, state_of
from .turns import close_if_everyone_is_in, redraft


def body_hash(action: str, params: dict[str, Any], rationale: str, replaces: str = "") -> str:
    # `replaces` only when given, so that the hashes of moves that replace nothing stay as
    # they were stored.
    extra = {"replaces": replaces} if replaces else {}
    body = json.dumps(
        {"action": action, "params": params, "rationale": rationale, **extra},
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode()).hexdigest()


def require_role(seat: Seat, *, as_bot: bool = False) -> None:
    if seat.kind != Seat.Kind.ROLE:
        raise Forbidden("only a role's seat moves for that role")
    if seat.is_bot and not as_bot:
        raise Forbidden(f"{role_name(seat.exercise, seat.role)} is played by a bot")


def submit_move(
    seat: Seat,
    action: str,
    params: dict[str, Any],
    rationale: str = "",
    idempotency_key: str = "",
    *,
    replaces: str = "",
    as_bot: bool = False,
) -> tuple[Move, bool]:
    """The move and whether it was created now (False: a replay of the same key).

    With `replaces`, the role's live move of that id is withdrawn in the same transaction:
    when the new move is refused, the old one stays.
    """
    require_role(seat, as_bot=as_bot)
    digest = body_hash(action, params, rationale, replaces)
    proposal = Proposal(action, params, rationale, idempotency_key, digest, replaces)
    try:
        with events.write_transaction():
            return _submit_locked(seat, proposal, as_bot=as_bot)
    except IntegrityError:
        # Two requests with one key raced past the lookup; the constraint let one in.
        existing = Move.objects.get(seat=seat, idempotency_key=idempotency_key)
        return _replay(existing, digest), False


@dataclass(frozen=True)
class Proposal:
    action: str
    params: dict[str, Any]
    rationale: str
    key: str
    digest: str
    replaces: str


def _submit_locked(seat: Seat, proposal: Proposal, *, as_bot: bool) -> tuple[Move, bool]:
    action, params, rationale, key = (
        proposal.action,
        proposal.params,
        proposal.rationale,
        proposal.key,
    )
    exercise, turn = locked_with_turn(seat, as_bot=as_bot)
    existing, live = _replay_and_live(seat, key, turn)
    if existing is not None:
        return _replay(existing, proposal.digest), False
    turn = _check_open(exercise, turn)
    if proposal.replaces:
        replaced = _withdraw(exercise, seat, proposal.replaces)
        live = [(pk, move) for pk, move in live if pk != replaced.pk]
    scenario = scenario_of(exercise)
    candidate = engine.Move(seat.role, action, params, text=rationale)
    try:
        checked = engine.check_move(
            scenario, state_of(exercise), candidate, [move for _, move in live]
        )
    except engine.Rejected as exc:
        raise Invalid(str(exc), code="move_rejected") from exc
    move = rows.insert(
        Move(
            exercise=exercise,
            turn=turn,
            seat=seat,
            role=seat.role,
            action=action,
            params=checked,
            rationale=rationale,
            idempotency_key=key,
            body_hash=proposal.digest,
        )
    )
    events.append(
        exercise,
        "move.submitted",
        move_dict(move),
        turn=turn.number,
        audience=events.to_roles(seat.role),
        redacted=_redacted(scenario, move),
    )
    if proposal.replaces or not scenario.is_secret(action):
        # A secret move alone changes nobody's view of who is in, nor when the turn closes.
        _update_ready(exercise, turn, seat.role, scenario, [m.action for _, m in live] + [action])
    return move, True


def _redacted(scenario: Any, move: Move) -> dict[str, Any] | None:
    """What the other seats learn of a move: that its role moved, or of a secret one nothing."""
    return None if scenario.is_secret(move.action) else {"role": move.role}


def _replay(existing: Move, digest: str) -> Move:
    if existing.body_hash != digest:
        raise Conflict(
            "this idempotency key was already used for a different move",
            code="idempotency_conflict",
        )
    return existing


def _open_turn(exercise: Exercise) -> Turn:
    return _check_open(exercise, current_turn(exercise))


def _check_open(exercise: Exercise, turn: Turn | None) -> Turn:
    if exercise.status != Exercise.Status.RUNNING:
        raise Conflict(f"the exercise is {exercise.status}", code="not_open")
    if turn is None or turn.phase != Turn.Phase.OPEN:
        raise Conflict("the turn is not open for moves", code="not_open")
    return turn


def _replay_and_live(
    seat: Seat, key: str, turn: Turn | None
) -> tuple[Move | None, list[tuple[int, engine.Move]]]:
    """The move this seat already made with this key, if any, and the role's live moves in
    the turn (their primary keys, and as the engine sees them). One query, since a
    submission is the hottest write there is and a role may have many live moves."""
    if turn is None:
        return Move.objects.filter(seat=seat, idempotency_key=key).first() if key else None, []
    replayed, live = None, []
    for row in rows.live_moves_and_key(turn.pk, seat.role, seat.pk, key):
        pk, seat_pk, used_key, turn_pk, status, action, params, rationale = row
        if key and seat_pk == seat.pk and used_key == key:
            replayed = pk
        if turn_pk == turn.pk and status == Move.Status.SUBMITTED:
            live.append((pk, engine.Move(seat.role, action, params, text=rationale)))
    existing = None if replayed is None else Move.objects.select_related("turn").get(pk=replayed)
    return existing, live


def _counted(scenario: Any, actions: list[str]) -> int:
    free = {a.id for a in scenario.actions if a.free}
    return sum(1 for action in actions if action not in free)


def _update_ready(
    exercise: Exercise, turn: Turn, role: str, scenario: Any, live_actions: list[str]
) -> None:
    """A role whose moves fill its limit is in."""
    full = _counted(scenario, live_actions) >= scenario.spec.moves_per_turn
    _set_ready(exercise, turn, role, full)


def _set_ready(exercise: Exercise, turn: Turn, role: str, ready: bool) -> None:
    current = set(turn.ready)
    if (role in current) == ready:
        return
    turn.ready = sorted(current | {role}) if ready else sorted(current - {role})
    turn.save(update_fields=["ready"])
    events.append(
        exercise,
        "role.ready" if ready else "role.unready",
        {"role": role},
        turn=turn.number,
        audience=events.EVERYONE,
    )
    if ready:
        close_if_everyone_is_in(exercise, turn)


def declare_ready(seat: Seat, *, as_bot: bool = False) -> None:
    """The role has made all the moves it will make this turn."""
    require_role(seat, as_bot=as_bot)
    with events.write_transaction():
        exercise = locked_for(seat, as_bot=as_bot)
        turn = _open_turn(exercise)
        _set_ready(exercise, turn, seat.role, True)


def withdraw_move(seat: Seat, move_id: str) -> Move:
    require_role(seat)
    with events.write_transaction():
        exercise = locked_for(seat)
        move = _withdraw(exercise, seat, move_id)
        if _counts(scenario_of(exercise), move.action):
            _set_ready(exercise, move.turn, seat.role, False)
    return move


def _counts(scenario: Any, action: str) -> bool:
    """Whether the move counted against its role's limit: withdrawing a free one (a secret
    one is always free) leaves the role in, or not, as it was, and tells nobody."""
    spec = scenario.action(action)
    return spec is None or not spec.free


def _withdraw(exercise: Exercise, seat: Seat, move_id: str) -> Move:
    move, turn = _move_in_open_turn(exercise, move_id, role=seat.role)
    move.status = Move.Status.WITHDRAWN
    move.save(update_fields=["status"])
    _drop_ruling(exercise, move, turn)
    events.append(
        exercise,
        "move.withdrawn",
        {"id": move.public_id, "role": move.role},
        turn=turn.number,
        audience=events.to_roles(move.role),
        redacted=_redacted(scenario_of(exercise), move),
    )
    move.turn = turn
    return move


def _drop_ruling(exercise: Exercise, move: Move, turn: Turn) -> None:
    """A ruling belongs to the move it was made on: a move withdrawn or replaced takes its
    ruling with it, and the facilitator and the mover are told, so neither reads it as the
    ruling of the move that replaced it."""
    deleted, _ = Ruling.objects.filter(move=move).delete()
    if deleted:
        events.append(
            exercise,
            "ruling.dropped",
            {"move": move.public_id, "role": move.role},
            turn=turn.number,
            audience=events.to_roles(move.role),
        )


def _move_to_rule(exercise: Exercise, move_id: str) -> tuple[Move, Turn]:
    """A live free-form move of the turn that is open, or in review."""
    move = Move.objects.filter(exercise=exercise, public_id=move_id).first()
    if move is None:
        raise NotFound("there is no such move")
    if move.action != engine.FREE_FORM:
        raise NotFound("that move is not a free-form move")
    turn = current_turn(exercise)
    phases = (Turn.Phase.OPEN, Turn.Phase.REVIEW)
    if turn is None or turn.phase not in phases or exercise.status == Exercise.Status.FINISHED:
        raise Conflict("no turn is open or in review", code="not_open")
    if move.turn_id != turn.pk or move.status != Move.Status.SUBMITTED:
        raise Conflict("the move is not a live move of the current turn", code="not_open")
    return move, turn


def _move_in_open_turn(
    exercise: Exercise, move_id: str, *, role: str | None = None, free_form: bool = False
) -> tuple[Move, Turn]:
    """A live move of the open turn: of `role` only, or a free-form one, when asked."""
    move = Move.objects.filter(exercise=exercise, public_id=move_id).first()
    if move is None or (role and move.role != role):
        raise NotFound("there is no such move" + (" of yours" if role else ""))
    if free_form and move.action != engine.FREE_FORM:
        raise NotFound("that move is not a free-form move")
    turn = _open_turn(exercise)
    if move.turn_id != turn.pk or move.status != Move.Status.SUBMITTED:
        raise Conflict("the move is not a live move of the open turn", code="not_open")
    return move, turn


def rule_on_move(
    seat: Seat,
    move_id: str,
    *,
    chance: float | None = None,
    outcome: str | None = None,
    narrative: str = "",
    failure_narrative: str = "",
    changes: list[dict[str, Any]] | None = None,
    audience: Any = "everyone",
) -> Ruling:
    """The facilitator's ruling: a chance the server rolls at adjudication, or an outcome.
    Its narrative goes to `audience`: "everyone", "mover", or a list of roles (and the mover).
    Made on a turn in review, it is part of the draft: only the facilitator learns of it."""
    require_facilitator(seat)
    if (chance is None) == (outcome is None):
        raise Invalid("give either a chance or an outcome")
    if chance is not None and (not math.isfinite(chance) or not 0 <= chance <= 1):
        raise Invalid("chance must be between 0 and 1")
    if outcome is not None and outcome not in ("success", "failure"):
        raise Invalid("outcome must be success or failure")
    with events.write_transaction():
        exercise = locked(seat.exercise.public_id)
        move, turn = _move_to_rule(exercise, move_id)
        checked = _check_changes(exercise, changes or [])
        try:
            shared = engine.check_ruling_audience(scenario_of(exercise), audience)
        except engine.Rejected as exc:
            raise Invalid(str(exc)) from exc
        ruling, _ = Ruling.objects.update_or_create(
            move=move,
            defaults={
                "chance": chance,
                "outcome": outcome or "",
                "narrative": narrative,
                "failure_narrative": failure_narrative,
                "changes": checked,
                "audience": shared,
            },
        )
        in_review = turn.phase == Turn.Phase.REVIEW
        events.append(
            exercise,
            "ruling.made",
            {
                "move": move.public_id,
                "role": move.role,
                "chance": chance,
                "outcome": outcome,
                "audience": shared,
            },
            turn=turn.number,
            audience=events.FACILITATOR_ONLY if in_review else events.to_roles(move.role),
        )
        if in_review:
            redraft(exercise, turn)
        else:
            close_if_everyone_is_in(exercise, turn)
    return ruling


def _check_changes(exercise: Exercise, changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The ruling's changes as they will be recorded, checked by the engine, which checks
    them again when the move is played."""
    try:
        return engine.check_ruling_changes(scenario_of(exercise), changes)
    except engine.Rejected as exc:
        raise Invalid(str(exc)) from exc


def vote(seat: Seat, move_id: str, chance: float) -> ProbabilityVote:
    """A player's estimate of a free-form move's chance; the facilitator sees every vote."""
    require_role(seat)
    if isinstance(chance, bool) or not isinstance(chance, int | float) or not 0 <= chance <= 1:
        raise Invalid("chance must be a number between 0 and 1")
    with events.write_transaction():
        exercise = locked_for(seat)
        move, turn = _move_in_open_turn(exercise, move_id, free_form=True)
        cast, _ = ProbabilityVote.objects.update_or_create(
            move=move, seat=seat, defaults={"chance": float(chance)}
        )
        events.append(
            exercise,
            "vote.cast",
            {"move": move.public_id, "role": seat.role, "chance": float(chance)},
            turn=turn.number,
            audience=events.FACILITATOR_ONLY,
        )
    return cast
