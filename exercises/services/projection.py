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
from exercises.engine.state import (
    visible_commitments,
    visible_objectives,
    visible_role_endings,
)
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
    SeatState,
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
        return _cut(event)
    if redacted is not None:
        return {**event, "data": redacted}
    return None


# Fields of events to everyone that only the facilitator may read. Which roles bots play is the
# facilitator's alone, as in every seat's view and export (`seats_for`); cut here, not where
# the event is written, so that logs written before, and exports of them, are cut too.
FACILITATOR_FIELDS = {
    "exercise.created": frozenset({"bots"}),
    # What an inject tests and the facilitator's notes on it travel with the inject, for the
    # facilitator's log and report; its recipients read only its words, sender and channel.
    "inject": frozenset({"expected_action", "objective", "notes"}),
}


def _cut(event: dict[str, Any]) -> dict[str, Any]:
    """An event a seat other than the facilitator may see, without what is the facilitator's."""
    kind = event.get("type", "")
    if kind == "role.outcome":
        # The role's results are stored whole, each with what its role may learn of it
        # (`outcome_result`), so that the facilitator reads the dice its role may not.
        results = [_revealed(r, r.get("reveal", "roll")) for r in event["data"]["results"]]
        return {**event, "data": {**event["data"], "results": results}}
    hidden = FACILITATOR_FIELDS.get(kind)
    if not hidden:
        return event
    return {**event, "data": {k: v for k, v in event["data"].items() if k not in hidden}}


def last_seq_for(exercise: Exercise, who: str) -> int:
    """The seq of the last event the seat may see: its cursor, so that an event it may not see
    (a secret move's) does not move what its view says.

    Read backwards from the end of the log; the last few events are nearly always the seat's.
    """
    if who == FACILITATOR:
        return exercise.last_seq
    rows = Event.objects.filter(exercise_id=exercise.pk).order_by("-seq")
    for seq, audience, redacted in rows.values_list("seq", "audience", "redacted").iterator():
        if shown_to(who, {}, audience, redacted) is not None:
            return int(seq)
    return 0


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
    shown = changes_seen(scenario, state, who, result)
    return _revealed({**result, "changes": shown}, scenario.reveal(result["action"]))


def changes_seen(scenario: Any, state: Any, who: str, result: dict[str, Any]) -> list[Any]:
    changes = result.get("changes") or []
    return [c for c in changes if can_see(scenario, state, who, c["variable"])]


def outcome_result(
    scenario: Scenario, state: State, role: str, result: dict[str, Any]
) -> dict[str, Any]:
    """A move's result as its role's `role.outcome` stores it: without the changes to variables
    the role may not see, and, where its action reveals less than the roll, saying so in
    `reveal`; `shown_to` cuts it for the role, the facilitator reads it whole."""
    shown = changes_seen(scenario, state, role, result)
    reveal = scenario.reveal(result["action"])
    return {**result, "changes": shown, **({"reveal": reveal} if reveal != "roll" else {})}


def _revealed(result: dict[str, Any], reveal: str) -> dict[str, Any]:
    """What the actor learns of its move (the action's `reveal`, docs/scenario-reference.md):
    the roll, the outcome without the roll, or only the text. With the text alone the changes
    go too, since which variables moved tells the branch."""
    if reveal == "roll" or not result.get("accepted"):
        return result
    if reveal == "outcome":
        return {**result, "draw": None}
    return {**result, "success": None, "draw": None, "changes": []}


# A move whose actor learns only the text of its result is shown to it as resolved, neither
# succeeded nor failed.
RESOLVED = "resolved"


def move_dict(
    move: Move, scenario: Scenario | None = None, who: str = FACILITATOR
) -> dict[str, Any]:
    """A move; given the scenario, with its status as `who` may know it."""
    return {
        "id": move.public_id,
        "turn": move.turn.number,
        "role": move.role,
        "action": move.action,
        "params": move.params,
        "rationale": move.rationale,
        "status": _status_for(move, scenario, who),
    }


def _status_for(move: Move, scenario: Scenario | None, who: str) -> str:
    played = move.status in (Move.Status.SUCCEEDED, Move.Status.FAILED)
    if scenario is None or who == FACILITATOR or not played:
        return move.status
    return RESOLVED if scenario.reveal(move.action) == "text" else move.status


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
        "turn": _turn_dict(turn, scenario.turns, who),
        "close_when": exercise.close_when,
        "review": exercise.review,
        "me": _me(seat, who, scenario, state, turn),
        "state": visible_values(scenario, state, FACILITATOR) if who == FACILITATOR else public,
        "roles": _roles(exercise, scenario, turn, who),
        "last_seq": last_seq_for(exercise, who),
    }
    if who == FACILITATOR:
        view["rulings_pending"] = _rulings_pending(turn)
        view["draft"] = turn.draft if turn is not None and turn.phase == Turn.Phase.REVIEW else None
        view["commitments"] = visible_commitments(scenario, state, FACILITATOR)
        view["objectives"] = visible_objectives(scenario, state, FACILITATOR)
        if state.role_endings:
            view["role_endings"] = visible_role_endings(scenario, state, FACILITATOR)
        view["notes"] = notes_of(exercise)
    return view


def _turn_dict(turn: Turn | None, of: int, who: str) -> dict[str, Any] | None:
    if turn is None:
        return None
    deadline = turn.deadline.isoformat() if turn.deadline else None
    phase = phase_for(turn.phase, who)
    return {"number": turn.number, "of": of, "phase": phase, "deadline": deadline}


def phase_for(phase: str, who: str) -> str:
    """A turn in review is the facilitator's draft: to everyone else it is still being
    adjudicated, and they learn nothing more until it is published."""
    if phase == Turn.Phase.REVIEW and who != FACILITATOR:
        return Turn.Phase.ADJUDICATING
    return phase


def _me(seat: Seat, who: str, scenario: Any, state: Any, turn: Turn | None) -> dict[str, Any]:
    me: dict[str, Any] = {"seat": seat.name}
    if seat.kind != Seat.Kind.ROLE:
        return me
    me.update(
        role_sees(scenario, state, who),
        moves=[move_dict(m, scenario, who) for m in _current_moves(turn, seat.role)],
        bot=seat.bot_policy or None,
    )
    return me


def role_sees(scenario: Scenario, state: State, role_id: str) -> dict[str, Any]:
    """What a role's own part of its view holds in `state`, with or without an exercise: the
    player's page shows it, and so does the preview of an uploaded scenario."""
    public = visible_values(scenario, state, OBSERVER)
    mine = visible_values(scenario, state, role_id)
    role = scenario.role(role_id)
    sees: dict[str, Any] = {
        "role": {"id": role.id, "name": role.name},
        "briefing": role.briefing,
        "private_state": {k: v for k, v in mine.items() if k not in public},
        "actions": [_action(scenario, a, role_id) for a in scenario.actions_for(role_id)],
        "commitments": visible_commitments(scenario, state, role_id),
        "moves_per_turn": scenario.spec.moves_per_turn,
    }
    if role.objectives:
        sees["objectives"] = visible_objectives(scenario, state, role_id)[role_id]
    if any(action.offer is not None for action in scenario.actions):
        sees["offers"] = _offers(scenario, state, role_id, "to")
        sees["offers_made"] = _offers(scenario, state, role_id, "from")
    mine_ended = visible_role_endings(scenario, state, role_id).get(role_id)
    if mine_ended is not None:
        sees["my_ending"] = mine_ended
    return sees


def _offers(scenario: Any, state: Any, who: str, side: str) -> list[dict[str, Any]]:
    """The offers waiting that `who` was made (side `to`) or made (side `from`)."""
    names = scenario.role_names
    out = []
    for offer in state.offers:
        if offer[side] != who:
            continue
        action = scenario.action(offer["action"])
        out.append(
            {
                "id": offer["id"],
                "from": offer["from"],
                "to": offer["to"],
                "label": action.label if action else offer["action"],
                "text": offer["text"] if side == "to" else f"Asked of {names.get(offer['to'])}.",
                "until": offer["until"],
            }
        )
    return out


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


def _roles(exercise: Exercise, scenario: Any, turn: Turn | None, who: str) -> list[dict[str, Any]]:
    submitted = set()
    if turn is not None:
        live = turn.moves.exclude(status=Move.Status.WITHDRAWN)
        moved = live.values_list("role", "action").distinct()
        # A secret move counts only for those its `move.submitted` event goes to, as the
        # pages apply that event to this list: its role and the facilitator.
        submitted = {
            role
            for role, action in moved
            if who in (FACILITATOR, role) or not scenario.is_secret(action)
        }
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
    out: SeatState = {
        "turn": state.turn,
        "values": visible_values(scenario, state, who),
        "commitments": visible_commitments(scenario, state, who),
        "ending": state.ending,
    }
    role = scenario.role(who) if who in scenario.role_ids else None
    if role is not None and role.objectives:
        out["objectives"] = list(state.achieved.get(who, ()))
    if role is not None and who in state.role_endings:
        out["role_ending"] = state.role_endings[who]
    return out


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


def review_for(turn: Turn, who: str) -> dict[str, Any] | None:
    """The facilitator's overrides, re-rolls and narrative edits of a turn: the facilitator's
    alone (every other seat sees only the published result)."""
    if who != FACILITATOR:
        return None
    return dict(turn.review) if turn.review else None


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
        "audience": ruling.audience,
        "created_at": ruling.created_at.isoformat(),
    }
    if who == FACILITATOR:
        out["narrative"] = ruling.narrative
        out["failure_narrative"] = ruling.failure_narrative
        out["changes"] = ruling.changes
    return out


def draws_for(scenario: Scenario, turn: Turn, moves: Iterable[Move], who: str) -> list[DrawRecord]:
    """Every roll for the facilitator; for a role, the rolls of its own `moves` that their
    results showed it (their actions reveal the roll); none for the observer."""
    draws = cast(list[DrawRecord], list(turn.draws))
    if who == FACILITATOR:
        return draws
    mine = {
        m.result["draw"]["key"]
        for m in moves
        if m.result and m.result.get("draw") and scenario.reveal(m.action) == "roll"
    }
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
