"""The one place that decides what each audience sees, for snapshots and events alike.

A seat is the facilitator (everything), the observer (the public only) or a role (the public,
its own briefing, private state, moves, results and the messages addressed to it). The HTTP
API, the WebSocket stream and the exports all call these functions; nothing else filters.
"""

from __future__ import annotations

from collections.abc import Iterable
from statistics import fmean
from typing import Any, cast

from django.db.models import QuerySet

from exercises.engine import (
    FACILITATOR,
    OBSERVER,
    Scenario,
    State,
    can_see,
    params_schema,
    visible_values,
)
from exercises.engine.state import visible_commitments
from exercises.models import Event, Exercise, Move, Note, Seat, Turn

from .export_types import (
    DrawRecord,
    EngineState,
    ExportEvent,
    ExportNote,
    ExportRuling,
    ExportSeat,
    ExportState,
    MoveResultRecord,
    ScenarioRef,
    VoteRecord,
)
from .locking import current_turn
from .notes import note_dict, notes_of
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
    """A move's result (`MoveResult.to_dict()`), or a rule's notice, as `who` may see it:
    without the changes to variables it may not see in `state` (a lab's scaling also raises
    the hidden risk)."""
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


# ---- exports --------------------------------------------------------------------------------
# What each seat's export holds (docs/export-format.md): the facilitator's everything, enough
# to re-adjudicate and restore; any other seat's what that seat was shown during play.


def state_for(scenario: Scenario, data: dict[str, Any], who: str) -> ExportState:
    """A stored state as `who` may keep it: the engine's whole state for the facilitator; the
    variables and commitments it may see in that state for anyone else."""
    if who == FACILITATOR:
        return cast(EngineState, data)
    state = State.from_dict(data)
    return {
        "turn": state.turn,
        "values": visible_values(scenario, state, who),
        "commitments": visible_commitments(scenario, state, who),
        "ending": state.ending,
    }


def scenario_for(exercise: Exercise, who: str) -> ScenarioRef:
    """The scenario's name for everyone; its text (every role's briefing) for the facilitator."""
    snapshot = exercise.snapshot
    ref: ScenarioRef = {
        "id": snapshot.scenario_id,
        "version": snapshot.version,
        "title": snapshot.title,
    }
    if who == FACILITATOR:
        ref["text"], ref["sha256"] = snapshot.text, snapshot.sha256
    return ref


def keeps_the_dice(who: str) -> bool:
    """The seed predicts every roll, and a paused clock is the facilitator's business."""
    return who == FACILITATOR


def seats_for(exercise: Exercise, who: str) -> list[ExportSeat]:
    """Every seat ever made for the facilitator; the seats in use, without who joined, who was
    replaced or who is a bot, for anyone else."""
    seats = exercise.seats.order_by("id")
    if who != FACILITATOR:
        return [
            {"name": s.name, "kind": s.kind, "role": s.role or None}
            for s in seats.filter(revoked_at=None)
        ]
    return [
        {
            "name": s.name,
            "kind": s.kind,
            "role": s.role or None,
            "bot_policy": s.bot_policy or None,
            "created_at": s.created_at.isoformat(),
            "joined_at": _at(s.joined_at),
            "revoked_at": _at(s.revoked_at),
        }
        for s in seats
    ]


def moves_for(moves: QuerySet[Move], who: str) -> QuerySet[Move]:
    """Every move for the facilitator, a role's own for a role, none for the observer."""
    if who == FACILITATOR:
        return moves
    return moves.filter(role=who)  # no role is called "observer"


def turn_close_state_shown(who: str) -> bool:
    """The state a turn was adjudicated from holds the facilitator's changes and the hidden
    variables: the facilitator's alone."""
    return who == FACILITATOR


def move_result_for(
    scenario: Scenario, state_after: dict[str, Any] | None, who: str, move: Move
) -> MoveResultRecord | None:
    """A move's result without the changes to variables `who` may not see after the turn."""
    if move.result is None or state_after is None:
        return cast(MoveResultRecord | None, move.result)
    shown = result_for(scenario, State.from_dict(state_after), who, move.result)
    return cast(MoveResultRecord, shown)


def votes_for(move: Move, who: str) -> list[VoteRecord] | None:
    """The players' estimates of a free-form move's chance: the facilitator's only (None)."""
    if who != FACILITATOR:
        return None
    return [
        {"role": v.seat.name, "chance": v.chance, "created_at": v.created_at.isoformat()}
        for v in sorted(move.votes.all(), key=lambda v: v.pk)
    ]


def ruling_for(move: Move, who: str) -> ExportRuling:
    """A ruling: its chance or outcome for the move's role (which `ruling.made` told it), and
    the narratives and changes for the facilitator."""
    ruling = move.ruling
    out: ExportRuling = {
        "move": move.public_id,
        "chance": ruling.chance,
        "outcome": ruling.outcome or None,
        "created_at": ruling.created_at.isoformat(),
    }
    if who == FACILITATOR:
        out["narrative"] = ruling.narrative
        out["failure_narrative"] = ruling.failure_narrative
        out["changes"] = ruling.changes
    return out


def draws_for(turn: Turn, moves: Iterable[Move], who: str) -> list[DrawRecord]:
    """Every roll for the facilitator; for a role, the rolls of its own `moves`, which their
    results showed it; none for the observer."""
    draws = cast(list[DrawRecord], list(turn.draws))
    if who == FACILITATOR:
        return draws
    mine = {m.result["draw"]["key"] for m in moves if m.result and m.result.get("draw")}
    return [d for d in draws if d["key"] in mine]


def export_events_for(seat: Seat) -> list[ExportEvent]:
    """The log as `seat` saw it; the facilitator's with each event's audience, so that an
    import restores the log exactly as it was."""
    rows = Event.objects.filter(exercise_id=seat.exercise_id).order_by("seq")
    if viewer(seat) == FACILITATOR:
        return [
            cast(ExportEvent, {**e.as_dict(), "audience": e.audience, "redacted": e.redacted})
            for e in rows.iterator()
        ]
    shown = (event_for(seat, e) for e in rows.iterator())
    return [cast(ExportEvent, e) for e in shown if e is not None]


def export_notes_for(exercise: Exercise, who: str) -> list[ExportNote]:
    """The facilitator's notes, without their row ids (an import cannot keep them); nobody
    else's export holds any."""
    if who != FACILITATOR:
        return []
    rows = Note.objects.filter(exercise=exercise).order_by("id")
    return [cast(ExportNote, {k: v for k, v in note_dict(n).items() if k != "id"}) for n in rows]


def _at(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
