"""Exports: an exercise as one seat may keep it, in JSON (documented in docs/export-format.md)
and CSV.

`export_for(seat)` builds the one dict every format is made from. The facilitator's holds
everything, enough to re-adjudicate every turn (`verify_exercise`) and to restore the exercise
(`import_exercise`); any other seat's is cut by the projection, the one place that decides
what each audience sees: its events are `event_for`'s, its states `visible_values`', its moves
and rulings its own, its messages those whose event it was shown.

The JSON text is canonical (sorted keys, rows in the order they were made, no field that an
import cannot restore exactly), so an export, imported and exported again, is the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from exercises.engine import (
    FACILITATOR,
    Scenario,
    State,
    visible_commitments,
    visible_values,
)
from exercises.models import Event, Exercise, Move, Note, Seat, Turn

from .errors import Invalid
from .notes import note_dict
from .projection import event_for, move_dict, result_for, viewer
from .scenarios import scenario_of

FORMAT_VERSION = 1


def export_for(seat: Seat) -> dict[str, Any]:
    """The exercise as `seat` may keep it: everything for the facilitator."""
    exercise = Exercise.objects.select_related("snapshot").get(pk=seat.exercise_id)
    scenario = scenario_of(exercise)
    who = viewer(seat)
    events = _events(seat, exercise)
    return {
        "format_version": FORMAT_VERSION,
        "exported_for": seat.name,
        "exercise": _exercise(exercise, scenario, who),
        "me": _me(seat, scenario),
        "seats": _seats(exercise, who),
        "initial_state": _state(scenario, _start(exercise), who),
        "turns": _turns(exercise, scenario, who),
        "events": events,
        "messages": _messages(events),
        "notes": _notes(exercise) if who == FACILITATOR else [],
    }


def dumps(export: dict[str, Any]) -> str:
    """The canonical JSON text of an export."""
    return json.dumps(export, sort_keys=True, ensure_ascii=False, indent=2) + "\n"


def _exercise(exercise: Exercise, scenario: Scenario, who: str) -> dict[str, Any]:
    snapshot = exercise.snapshot
    out: dict[str, Any] = {
        "id": exercise.public_id,
        "name": exercise.name,
        "status": exercise.status,
        "ending": exercise.ending or None,
        "planned_turns": scenario.turns,
        "turn_seconds": exercise.turn_seconds,
        "auto_advance": exercise.auto_advance,
        "created_at": exercise.created_at.isoformat(),
        "last_seq": exercise.last_seq,
        "scenario": {"id": snapshot.scenario_id, "version": snapshot.version},
        "state": _state(scenario, exercise.state, who),
    }
    out["scenario"]["title"] = snapshot.title
    if who == FACILITATOR:
        # The scenario text holds every role's briefing; the seed predicts every roll.
        out["scenario"].update(text=snapshot.text, sha256=snapshot.sha256)
        out.update(seed=exercise.seed, paused_remaining=exercise.paused_remaining)
    return out


def _start(exercise: Exercise) -> dict[str, Any]:
    """The state play started from: the first turn's opening state (a fork's first turn
    follows on from the turn it was forked after), or in the lobby the state as it is."""
    first = exercise.turns.order_by("number").first()
    state: dict[str, Any] = first.state_before if first is not None else exercise.state
    return state


def _me(seat: Seat, scenario: Scenario) -> dict[str, Any]:
    me: dict[str, Any] = {"seat": seat.name, "kind": seat.kind}
    if seat.kind == Seat.Kind.ROLE:
        role = scenario.role(seat.role)
        me.update(role=role.id, name=role.name, briefing=role.briefing)
    return me


def _seats(exercise: Exercise, who: str) -> list[dict[str, Any]]:
    """Every seat, never a token (only hashes are stored, and those stay here)."""
    seats = exercise.seats.order_by("id")
    if who != FACILITATOR:
        # Who joined, who was replaced and who is a bot is the facilitator's business.
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


def _state(scenario: Scenario, data: dict[str, Any] | None, who: str) -> dict[str, Any] | None:
    """A state as the viewer may see it: the engine's whole state for the facilitator."""
    if data is None:
        return None
    if who == FACILITATOR:
        return data
    state = State.from_dict(data)
    return {
        "turn": state.turn,
        "values": visible_values(scenario, state, who),
        "commitments": visible_commitments(scenario, state, who),
        "ending": state.ending,
    }


def _turns(exercise: Exercise, scenario: Scenario, who: str) -> list[dict[str, Any]]:
    moves = Move.objects.filter(exercise=exercise).select_related("turn", "ruling", "seat")
    if who != FACILITATOR:
        moves = moves.filter(role=who)  # none for the observer: no role is "observer"
    by_turn: dict[int, list[Move]] = {}
    for move in moves.prefetch_related("votes__seat").order_by("id"):
        by_turn.setdefault(move.turn.number, []).append(move)
    turns = exercise.turns.order_by("number")
    return [_turn(turn, by_turn.get(turn.number, []), scenario, who) for turn in turns]


def _turn(turn: Turn, moves: list[Move], scenario: Scenario, who: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "number": turn.number,
        "phase": turn.phase,
        "opened_at": turn.opened_at.isoformat(),
        "deadline": _at(turn.deadline),
        "closed_at": _at(turn.closed_at),
        "resolved_at": _at(turn.resolved_at),
        "ready": list(turn.ready),
        "state_before": _state(scenario, turn.state_before, who),
        "state_after": _state(scenario, turn.state_after, who),
        "moves": [_move(m, scenario, turn, who) for m in moves],
        "rulings": [_ruling(m, who) for m in moves if hasattr(m, "ruling")],
        "narrative": list(turn.narrative),
        "draws": _draws(turn, moves, who),
    }
    if who == FACILITATOR:
        out["state_at_close"] = turn.state_at_close
    return out


def _move(move: Move, scenario: Scenario, turn: Turn, who: str) -> dict[str, Any]:
    result = move.result
    if result is not None and turn.state_after is not None:
        result = result_for(scenario, State.from_dict(turn.state_after), who, result)
    out = {**move_dict(move), "result": result, "created_at": move.created_at.isoformat()}
    if who == FACILITATOR:
        out["votes"] = [
            {"role": v.seat.name, "chance": v.chance, "created_at": v.created_at.isoformat()}
            for v in sorted(move.votes.all(), key=lambda v: v.pk)
        ]
    return out


def _ruling(move: Move, who: str) -> dict[str, Any]:
    ruling = move.ruling
    out: dict[str, Any] = {
        "move": move.public_id,
        "chance": ruling.chance,
        "outcome": ruling.outcome or None,
        "created_at": ruling.created_at.isoformat(),
    }
    if who == FACILITATOR:
        # The role was told the chance or outcome (`ruling.made`), and its move's result.
        out.update(
            narrative=ruling.narrative,
            failure_narrative=ruling.failure_narrative,
            changes=ruling.changes,
        )
    return out


def _draws(turn: Turn, moves: list[Move], who: str) -> list[dict[str, Any]]:
    """Every roll for the facilitator; for a role, the rolls of its own moves, which its
    results showed it; none for the observer."""
    if who == FACILITATOR:
        return list(turn.draws)
    mine = {m.result["draw"]["key"] for m in moves if m.result and m.result.get("draw")}
    return [d for d in turn.draws if d.get("key") in mine]


def _events(seat: Seat, exercise: Exercise) -> list[dict[str, Any]]:
    rows = Event.objects.filter(exercise=exercise).order_by("seq")
    if viewer(seat) == FACILITATOR:
        # Audiences too: an import restores the log exactly as it was.
        return [
            {**e.as_dict(), "audience": e.audience, "redacted": e.redacted} for e in rows.iterator()
        ]
    shown = (event_for(seat, e) for e in rows.iterator())
    return [e for e in shown if e is not None]


def _messages(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The messages the seat was shown, from its own events: the log is the truth."""
    return [
        {
            "seq": e["seq"],
            "turn": e["turn"],
            "at": e["at"],
            "from": e["data"]["from"],
            "to": e["data"]["to"],
            "channel": e["data"].get("channel"),
            "body": e["data"]["body"],
        }
        for e in events
        if e["type"] == "message.posted"
    ]


def _notes(exercise: Exercise) -> list[dict[str, Any]]:
    # Without their row ids, which an import cannot keep.
    rows = Note.objects.filter(exercise=exercise).order_by("id")
    return [{k: v for k, v in note_dict(n).items() if k != "id"} for n in rows]


def _at(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


# ---- CSV ------------------------------------------------------------------------------------

# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(export: dict[str, Any]) -> str:
    """`turn,variable,value`: the state play started from (turn 0, or the turn a fork started
    after), then after every resolved turn; the variables the export holds, flat as `simulate`
    names them."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["turn", "variable", "value"])
    rows = [(export["initial_state"]["turn"], export["initial_state"])]
    rows += [(t["number"], t["state_after"]) for t in export["turns"] if t["state_after"]]
    for number, state in rows:
        for name, value in sorted(state["values"].items()):
            writer.writerow([number, cell(name), cell(value)])
    return out.getvalue()


def cell(value: Any) -> str | int | float:
    """A value as a CSV cell: numbers as numbers (-3 stays -3), text that a spreadsheet would
    take for a formula made inert with a leading apostrophe."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


# ---- formats --------------------------------------------------------------------------------

FORMATS = ("json", "csv", "html")
CONTENT_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "html": "text/html; charset=utf-8",
}


def render(export: dict[str, Any], format: str) -> tuple[str, str]:
    """The export as text in `format`, and its Content-Type."""
    if format == "json":
        return dumps(export), CONTENT_TYPES[format]
    if format == "csv":
        return csv_text(export), CONTENT_TYPES[format]
    if format == "html":
        from .report import render_report

        return render_report(export), CONTENT_TYPES[format]
    raise Invalid(f"format is one of {', '.join(FORMATS)}")


def filename(export: dict[str, Any], format: str) -> str:
    """`exercise-<id>-<seat>.<format>`: ids and seat names are plain ASCII."""
    return f"exercise-{export['exercise']['id']}-{export['exported_for']}.{format}"
