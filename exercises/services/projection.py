"""The one place that decides what each audience sees, for snapshots and events alike.

A seat is the facilitator (everything), the observer (the public only) or a role (the public,
its own briefing, private state, moves, results and the messages addressed to it). The HTTP
API and the WebSocket stream both call these functions; nothing else filters.
"""

from __future__ import annotations

from statistics import fmean
from typing import Any

from exercises.engine import FACILITATOR, OBSERVER, can_see, params_schema, visible_values
from exercises.engine.state import visible_commitments
from exercises.models import Event, Exercise, Move, Seat, Turn

from .locking import current_turn
from .notes import notes_of
from .scenarios import scenario_of, state_of


def viewer(seat: Seat) -> str:
    """The engine's name for the seat's point of view."""
    if seat.kind == Seat.Kind.FACILITATOR:
        return FACILITATOR
    if seat.kind == Seat.Kind.OBSERVER:
        return OBSERVER
    return seat.role


def event_for(seat: Seat, event: Event) -> dict[str, Any] | None:
    """The event as `seat` may see it, or None when it may not see it at all."""
    return shown_to(viewer(seat), event.as_dict(), event.audience, event.redacted)


def shown_to(
    who: str,
    event: dict[str, Any],
    audience: dict[str, Any] | None,
    redacted: dict[str, Any] | None,
) -> dict[str, Any] | None:
    """`event` (`Event.as_dict()`) as the viewer `who` may see it, or None.

    Pure, so the live stream can project an event it received over the channel layer for
    every viewer without reading it back from the database; `event_for` is this on a row.
    """
    if who == FACILITATOR:
        return event
    audience = audience or {}
    if audience.get("all") or (who != OBSERVER and who in audience.get("roles", [])):
        return event
    if redacted is not None:
        return {**event, "data": redacted}
    return None


def events_for(seat: Seat, since: int, limit: int = 1000) -> list[dict[str, Any]]:
    """Up to `limit` events the seat may see after `since`, oldest first.

    The log is read a page at a time until `limit` are found or it ends: a seat sees a
    subsequence, so one page of rows may hold none of its events while later pages do, and a
    client that got an empty answer would take itself to be up to date.
    """
    rows = Event.objects.filter(exercise_id=seat.exercise_id).order_by("seq")
    out: list[dict[str, Any]] = []
    after = since
    while len(out) < limit:
        page = list(rows.filter(seq__gt=after)[:limit])
        for event in page:
            shown = event_for(seat, event)
            if shown is not None:
                out.append(shown)
                if len(out) == limit:
                    break
        if len(page) < limit:
            break
        after = page[-1].seq
    return out


def result_for(scenario: Any, state: Any, who: str, result: dict[str, Any]) -> dict[str, Any]:
    """A move's result (`MoveResult.to_dict()`) as `who` may see it: without the changes to
    variables it may not see in `state` (a lab's scaling also raises the hidden risk)."""
    if who == FACILITATOR:
        return result
    changes = result.get("changes") or []
    shown = [c for c in changes if can_see(scenario, state, who, c["variable"])]
    return {**result, "changes": shown}


def move_dict(move: Move) -> dict[str, Any]:
    return {
        "id": move.public_id,
        "turn": move.turn.number,
        "role": move.role,
        "action": move.action,
        "params": move.params,
        "rationale": move.rationale,
        "status": move.status,
    }


def exercise_view(seat: Seat) -> dict[str, Any]:
    """`GET /exercises/{id}`: the exercise as this seat sees it."""
    exercise: Exercise = seat.exercise
    scenario = scenario_of(exercise)
    state = state_of(exercise)
    who = viewer(seat)
    turn = current_turn(exercise)
    public = visible_values(scenario, state, OBSERVER)
    view: dict[str, Any] = {
        "id": exercise.public_id,
        "name": exercise.name,
        "scenario": {"id": scenario.id, "title": scenario.title, "version": scenario.version},
        "status": exercise.status,
        "ending": exercise.ending or None,
        "turn": _turn_dict(turn, scenario.turns),
        "me": _me(seat, who, scenario, state, turn),
        "state": visible_values(scenario, state, FACILITATOR) if who == FACILITATOR else public,
        "roles": _roles(exercise, scenario, turn),
        "last_seq": exercise.last_seq,
    }
    if who == FACILITATOR:
        view["rulings_pending"] = _rulings_pending(turn)
        view["commitments"] = visible_commitments(scenario, state, FACILITATOR)
        view["notes"] = notes_of(exercise)
    return view


def _turn_dict(turn: Turn | None, of: int) -> dict[str, Any] | None:
    if turn is None:
        return None
    deadline = turn.deadline.isoformat() if turn.deadline else None
    return {"number": turn.number, "of": of, "phase": turn.phase, "deadline": deadline}


def _me(seat: Seat, who: str, scenario: Any, state: Any, turn: Turn | None) -> dict[str, Any]:
    me: dict[str, Any] = {"seat": seat.name}
    if seat.kind != Seat.Kind.ROLE:
        return me
    public = visible_values(scenario, state, OBSERVER)
    mine = visible_values(scenario, state, who)
    role = scenario.role(who)
    me.update(
        role={"id": role.id, "name": role.name},
        briefing=role.briefing,
        private_state={k: v for k, v in mine.items() if k not in public},
        actions=[_action(scenario, action, who) for action in scenario.actions_for(who)],
        commitments=visible_commitments(scenario, state, who),
        moves=[move_dict(m) for m in _current_moves(turn, seat.role)],
        moves_per_turn=scenario.spec.moves_per_turn,
        bot=seat.bot_policy or None,
    )
    return me


def _action(scenario: Any, action: Any, role: str) -> dict[str, Any]:
    return {
        "id": action.id,
        "label": action.label,
        "description": action.description,
        "params": params_schema(scenario, action, role),
        "cost": {k: v for k, v in action.cost.items()},
        "requires": [pre.reason for pre in action.requires],
        "free": action.free,
    }


def _current_moves(turn: Turn | None, role: str) -> list[Move]:
    if turn is None:
        return []
    return list(turn.moves.filter(role=role).exclude(status=Move.Status.WITHDRAWN).order_by("id"))


def _roles(exercise: Exercise, scenario: Any, turn: Turn | None) -> list[dict[str, Any]]:
    submitted = set()
    if turn is not None:
        submitted = set(
            turn.moves.exclude(status=Move.Status.WITHDRAWN).values_list("role", flat=True)
        )
    ready = set(turn.ready) if turn is not None else set()
    # `submitted`: has a move in this turn; `ready`: is in (the turn closes when all are).
    return [
        {"id": r.id, "name": r.name, "submitted": r.id in submitted, "ready": r.id in ready}
        for r in scenario.roles
    ]


def _rulings_pending(turn: Turn | None) -> list[dict[str, Any]]:
    if turn is None:
        return []
    pending = turn.moves.filter(action="free_form", status=Move.Status.SUBMITTED, ruling=None)
    out = []
    for move in pending.order_by("id"):
        cast = list(move.votes.select_related("seat"))
        votes = [{"role": v.seat.name, "chance": v.chance} for v in cast]
        mean = round(fmean(v.chance for v in cast), 4) if cast else None
        out.append({**move_dict(move), "votes": votes, "mean": mean})
    return out
