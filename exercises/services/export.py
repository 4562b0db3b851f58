"""Exports: an exercise as one seat may keep it, in JSON (documented in docs/export-format.md)
and CSV.

`export_for(seat)` builds the one dict every format is made from, typed in `export_types`.
The facilitator's holds everything, enough to re-adjudicate every turn (`verify_exercise`) and
to restore the exercise (`import_exercise`); any other seat's is cut by the projection, the one
place that decides what each audience sees (`projection.state_for`, `seats_for`, `moves_for`,
...): this module only assembles what those functions give it.

The JSON text is canonical (sorted keys, rows in the order they were made, no field that an
import cannot restore exactly), so an export, imported and exported again, is the same bytes.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from typing import Any

from exercises.engine import Scenario
from exercises.engine.replay import FORMAT_VERSION
from exercises.engine.state import visible_role_endings
from exercises.models import Exercise, Move, Seat, Turn

from . import projection
from .errors import Invalid
from .export_types import (
    Export,
    ExportEvent,
    ExportExercise,
    ExportMe,
    ExportMessage,
    ExportMove,
    ExportState,
    ExportTurn,
)
from .projection import move_dict, viewer
from .report import render_report
from .scenarios import scenario_of, state_of


def export_for(seat: Seat) -> Export:
    """The exercise as `seat` may keep it: everything for the facilitator."""
    exercise = Exercise.objects.select_related("snapshot").get(pk=seat.exercise_id)
    scenario = scenario_of(exercise)
    who = viewer(seat)
    events = projection.export_events_for(seat)
    return {
        "format_version": FORMAT_VERSION,
        "exported_for": seat.name,
        "exercise": _exercise(exercise, scenario, who),
        "me": _me(seat, scenario),
        "seats": projection.seats_for(exercise, who),
        "initial_state": projection.state_for(scenario, _start(exercise), who),
        "turns": _turns(exercise, scenario, who),
        "events": events,
        "messages": _messages(events),
        "notes": projection.export_notes_for(exercise, who),
    }


def dumps(export: Export) -> str:
    """The canonical JSON text of an export."""
    return json.dumps(export, sort_keys=True, ensure_ascii=False, indent=2) + "\n"


def _exercise(exercise: Exercise, scenario: Scenario, who: str) -> ExportExercise:
    out: ExportExercise = {
        "id": exercise.public_id,
        "name": exercise.name,
        "status": exercise.status,
        "ending": exercise.ending or None,
        "planned_turns": scenario.turns,
        "turn_seconds": exercise.turn_seconds,
        "auto_advance": exercise.auto_advance,
        "close_when": exercise.close_when,
        "review": exercise.review,
        "created_at": exercise.created_at.isoformat(),
        "last_seq": projection.last_seq_for(exercise, who),
        "scenario": projection.scenario_for(exercise, who),
        "state": projection.state_for(scenario, exercise.state, who),
    }
    if projection.keeps_the_dice(who):
        out["seed"], out["paused_remaining"] = exercise.seed, exercise.paused_remaining
    return out


def _start(exercise: Exercise) -> dict[str, Any]:
    """The state play started from: the first turn's opening state (a fork's first turn
    follows on from the turn it was forked after), or in the lobby the state as it is."""
    first = exercise.turns.order_by("number").first()
    state: dict[str, Any] = first.state_before if first is not None else exercise.state
    return state


def _me(seat: Seat, scenario: Scenario) -> ExportMe:
    me: ExportMe = {"seat": seat.name, "kind": seat.kind}
    if seat.kind == Seat.Kind.ROLE:
        role = scenario.role(seat.role)
        me["role"], me["name"], me["briefing"] = role.id, role.name, role.briefing
        if role.objectives:
            me["objectives"] = [
                {"id": o.id, "label": o.label, "description": o.description}
                for o in role.objectives
            ]
        ended = visible_role_endings(scenario, state_of(seat.exercise), role.id).get(role.id)
        if ended is not None:
            me["ending"] = {
                "id": ended["id"],
                "label": ended["title"],
                "description": ended["text"],
            }
    return me


def _turns(exercise: Exercise, scenario: Scenario, who: str) -> list[ExportTurn]:
    moves = Move.objects.filter(exercise=exercise).select_related("turn", "ruling", "seat")
    by_turn: dict[int, list[Move]] = {}
    for move in projection.moves_for(moves, who).prefetch_related("votes__seat").order_by("id"):
        by_turn.setdefault(move.turn.number, []).append(move)
    turns = exercise.turns.order_by("number")
    return [_turn(turn, by_turn.get(turn.number, []), scenario, who) for turn in turns]


def _turn(turn: Turn, moves: list[Move], scenario: Scenario, who: str) -> ExportTurn:
    def state(data: dict[str, Any] | None) -> ExportState | None:
        return None if data is None else projection.state_for(scenario, data, who)

    out: ExportTurn = {
        "number": turn.number,
        "phase": projection.phase_for(turn.phase, who),
        "opened_at": turn.opened_at.isoformat(),
        "deadline": _at(turn.deadline),
        "closed_at": _at(turn.closed_at),
        "resolved_at": _at(turn.resolved_at),
        "ready": list(turn.ready),
        "state_before": state(turn.state_before),
        "state_after": state(turn.state_after),
        "moves": [_move(m, scenario, turn, who) for m in moves],
        "rulings": [projection.ruling_for(m, who) for m in moves if hasattr(m, "ruling")],
        "narrative": list(turn.narrative),
        "draws": projection.draws_for(scenario, turn, moves, who),
    }
    if projection.turn_close_state_shown(who):
        out["state_at_close"] = state(turn.state_at_close)
    if label := scenario.turn_name(turn.number):
        out["label"] = label
    review = projection.review_for(turn, who)
    if review is not None:
        out["review"] = review
    return out


def _move(move: Move, scenario: Scenario, turn: Turn, who: str) -> ExportMove:
    out: ExportMove = {
        **move_dict(move, scenario, who),  # type: ignore[typeddict-item]
        "result": projection.move_result_for(scenario, turn.state_after, who, move),
        "created_at": move.created_at.isoformat(),
    }
    votes = projection.votes_for(move, who)
    if votes is not None:
        out["votes"] = votes
    return out


def _messages(events: list[ExportEvent]) -> list[ExportMessage]:
    """The messages the seat was shown, from its own events: the log is the truth."""
    return [
        {
            "seq": e["seq"],
            "turn": e["turn"],
            "at": e["at"],
            "from": e["data"]["from"],
            "to": e["data"]["to"],
            "channel": e["data"].get("channel"),  # logs older than channels have none
            "body": e["data"]["body"],
        }
        for e in events
        if e["type"] == "message.posted"
    ]


def _at(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


# ---- CSV ------------------------------------------------------------------------------------

# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(export: Export) -> str:
    """`turn,variable,value`: the state play started from (turn 0, or the turn a fork started
    after), then after every resolved turn; the variables the export holds, flat as `simulate`
    names them."""
    start = export["initial_state"]
    points = [(start["turn"], start["values"])]
    points += [
        (t["number"], t["state_after"]["values"]) for t in export["turns"] if t["state_after"]
    ]
    return csv_table(points)


def csv_table(points: Iterable[tuple[int, Mapping[str, Any]]]) -> str:
    """One row per turn and variable, the variables sorted by name."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["turn", "variable", "value"])
    for number, values in points:
        for name, value in sorted(values.items()):
            writer.writerow([number, cell(name), cell(value)])
    return out.getvalue()


def cell(value: Any) -> str | int | float:
    """A value as a CSV cell: numbers as numbers (-3 stays -3), a list of role ids joined by
    `;`, text that a spreadsheet would take for a formula made inert with a leading apostrophe."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    if isinstance(value, list):  # a `roles` variable: ids, which never need quoting
        return ";".join(value)
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


# ---- formats --------------------------------------------------------------------------------

FORMATS = ("json", "csv", "html")
CONTENT_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "html": "text/html; charset=utf-8",
}


def render(export: Export, format: str) -> tuple[str, str]:
    """The export as text in `format`, and its Content-Type."""
    if format == "json":
        return dumps(export), CONTENT_TYPES[format]
    if format == "csv":
        return csv_text(export), CONTENT_TYPES[format]
    if format == "html":
        return render_report(export), CONTENT_TYPES[format]
    raise Invalid(f"format is one of {', '.join(FORMATS)}")


def filename(export: Export, format: str) -> str:
    """`exercise-<id>-<seat>.<format>`: ids and seat names are plain ASCII."""
    return f"exercise-{export['exercise']['id']}-{export['exported_for']}.{format}"
