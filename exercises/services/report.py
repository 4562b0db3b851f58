"""The after-action report: one self-contained HTML file made from an export.

`render_report(export)` takes the dict `export.export_for(seat)` builds (docs/export-format.md,
typed in `export_types`) and renders it through a Django template: no script, no external
style, charts drawn here as inline SVG. It reads only the export, so a seat's report holds
exactly what that seat's export holds: the filtering happened once, in the projection, before.
Text from players goes through the template's autoescaping; the SVG is built from numbers and
escaped labels only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape
from typing import Any

from django.template.loader import render_to_string

from exercises.engine import (
    Scenario,
    ScenarioLoadError,
    load_bundled_scenarios,
    load_scenario_text,
)

from .export_types import (
    Export,
    ExportEvent,
    ExportMessage,
    ExportMove,
    ExportRuling,
    ExportSeat,
    ExportState,
    ExportTurn,
)
from .report_injects import inject_rows, roll_words
from .report_summary import NONE, at_a_glance, fmt, played_by

CHART_W, CHART_H = 320, 120
PAD_L, PAD_R, PAD_T, PAD_B = 46, 10, 10, 22


def render_report(export: Export) -> str:
    """The report as one HTML document."""
    scenario = _scenario(export)
    turns = export["turns"]
    labels = Labels(scenario, export["me"]["kind"])
    charts = _charts(export, labels)
    context = {
        "exercise": export["exercise"],
        "format_version": export["format_version"],
        "title": f"{export['exercise']['name']}: after-action report",
        "summary": _summary(export, scenario, labels),
        "glance": at_a_glance(export, labels),
        "for_facilitator": export["me"]["kind"] == "facilitator",
        "charts": [c for c in charts if not c["owner"]],
        "own_charts": _by_owner(charts),
        "turns": [_turn(turn, labels) for turn in turns],
        "injects": inject_rows(export, labels, scenario),
        "roles": _roles(turns, labels),
        "objectives": _objectives(export, scenario, labels),
        "role_endings": _role_endings(export, scenario, labels),
        "draws": [d for turn in turns for d in _draws(turn, labels)],
        "timeline": [_event(e, labels) for e in export["events"]],
        "messages": [_message(m, labels) for m in export["messages"]],
        "notes": _notes(export),
        "debrief": _debrief(export),
        "turn_label": labels.turn_label.capitalize(),
    }
    _tell_stories(context, {t["number"]: t["label"] for t in turns if t.get("label")})
    return render_to_string("exercises/report.html", context)


def _tell_stories(context: dict[str, Any], stories: dict[int, str]) -> None:
    """Give every row that shows a turn's number the turn's name in the story, as `story`:
    the number stays, the name ("Day 2, 08:00") follows it."""
    glance = context["glance"]
    rows = [(context["turns"], "number"), (glance["turning_points"], "number")]
    rows += [(glance["decisive_moves"], "turn"), (context["draws"], "turn")]
    rows += [(context["timeline"], "turn"), (context["messages"], "turn")]
    rows += [(context["notes"], "turn"), (context["injects"], "turn")] + [
        (r["moves"], "turn") for r in context["roles"]
    ]
    for items, key in rows:
        for item in items:
            item["story"] = stories.get(item[key], "") if item[key] is not None else ""


# ---- words ---------------------------------------------------------------------------------


@dataclass
class Labels:
    scenario: Scenario | None
    seat_kind: str = "facilitator"

    def role(self, role: str | None) -> str:
        if role is None:  # a draw of a rule that runs once, not for each role
            return ""
        if role == "facilitator":
            return "Facilitator"
        names = self.scenario.role_names if self.scenario else {}
        return names.get(role, role)

    def action(self, action: str) -> str:
        if action == "free_form":
            return "Free-form move"
        if action == "answer_offer":
            return "Answer an offer"
        if self.scenario:
            for spec in self.scenario.actions:
                if spec.id == action:
                    return spec.label
        return action

    def variable(self, name: str) -> str:
        var = self.scenario.variables.get(name) if self.scenario else None
        return (var.label or name) if var else name

    def whose(self, name: str) -> str:
        """A variable's label, with its role's name when it is one role's own."""
        var = self.scenario.variables.get(name) if self.scenario else None
        owner = var.owner if var else None
        return f"{self.role(owner)}: {self.variable(name)}" if owner else self.variable(name)

    def unit(self, name: str) -> str:
        var = self.scenario.variables.get(name) if self.scenario else None
        return (var.unit or "") if var else ""

    def bounds(self, name: str) -> tuple[float | None, float | None]:
        var = self.scenario.variables.get(name) if self.scenario else None
        return (var.min, var.max) if var else (None, None)

    @property
    def turn_label(self) -> str:
        return self.scenario.turn_label if self.scenario else "turn"


def _scenario(export: Export) -> Scenario | None:
    """The scenario the export names: its own text in the facilitator's export, else the
    bundled scenario of that id (None when this server has no such scenario)."""
    spec = export["exercise"]["scenario"]
    text = spec.get("text")
    if text is not None:
        try:
            return load_scenario_text(text, "export")
        except ScenarioLoadError:
            pass  # written for another version of the engine: the bundled one may still do
    return load_bundled_scenarios().get(spec["id"])


def _values(state: ExportState | None) -> dict[str, Any]:
    """A state's values; none for a turn not resolved yet (`state_after` is null)."""
    return state["values"] if state is not None else {}


# ---- sections ------------------------------------------------------------------------------


def _summary(export: Export, scenario: Scenario | None, labels: Labels) -> dict[str, Any]:
    exercise = export["exercise"]
    events = export["events"]
    spec = exercise["scenario"]
    return {
        "scenario": scenario.title if scenario else spec["title"],
        "scenario_id": spec["id"],
        "version": spec["version"],
        "started": when(exercise["created_at"]),
        "ended": when(events[-1]["at"] if events else ""),
        "status": exercise["status"],
        "ending": _ending(exercise["ending"], scenario),
        "seed": exercise.get("seed"),
        "forked_from": _forked_from(events),
        "turns": len(export["turns"]),
        "seats": _seats(export, labels),
    }


def _forked_from(events: list[ExportEvent]) -> dict[str, Any] | None:
    """Where a fork came from, as its log recorded it (`exercise.forked`)."""
    for event in events:
        if event["type"] == "exercise.forked":
            data = event["data"]
            return {"id": data["from"], "name": data["name"], "turn": data["turn"]}
    return None


def _ending(ending: str | None, scenario: Scenario | None) -> dict[str, str] | None:
    if ending is None:
        return None
    for spec in scenario.endings if scenario else []:
        if spec.id == ending:
            return {"title": spec.title, "text": spec.text}
    return {"title": ending, "text": ""}


def _seats(export: Export, labels: Labels) -> list[dict[str, Any]]:
    # Only the facilitator's export says who is a bot; for other seats it is not known here.
    history = played_by(export, labels)
    return [_seat(s, labels, history) for s in export["seats"] if not s.get("revoked_at")]


def _seat(seat: ExportSeat, labels: Labels, history: dict[str, str]) -> dict[str, Any]:
    label = labels.role(seat["name"])
    played = history.get(seat["role"] or "") if seat["kind"] == "role" else None
    return {"name": seat["name"], "label": label[:1].upper() + label[1:], "played_by": played}


def _turn(turn: ExportTurn, labels: Labels) -> dict[str, Any]:
    before, after = _values(turn["state_before"]), _values(turn["state_after"])
    changes = [
        {
            "label": labels.whose(name),
            "before": fmt(before.get(name), labels.unit(name), labels.role),
            "after": fmt(value, labels.unit(name), labels.role),
        }
        for name, value in after.items()
        if before.get(name) != value  # a variable revealed by the turn had no value before
    ]
    rulings = {r["move"]: r for r in turn["rulings"]}
    return {
        "number": turn["number"],
        "narrative": turn["narrative"],
        "moves": [_move(m, labels, rulings.get(m["id"])) for m in turn["moves"]],
        "changes": changes,
    }


def _move(move: ExportMove, labels: Labels, ruling: ExportRuling | None) -> dict[str, Any]:
    result = move["result"]
    return {
        "role": labels.role(move["role"]),
        "action": labels.action(move["action"]),
        "params": ", ".join(f"{k}: {labels.role(str(v))}" for k, v in move["params"].items()),
        "rationale": move["rationale"],
        "status": move["status"],
        "text": result["text"] if result else "",
        "reason": result["reason"] if result else "",
        "ruling": _ruling(ruling),
    }


def _ruling(ruling: ExportRuling | None) -> str:
    if ruling is None:
        return ""
    if ruling["chance"] is not None:
        return f"ruled: a {round(ruling['chance'] * 100)}% chance"
    return f"ruled: {ruling['outcome']}"


def _roles(turns: list[ExportTurn], labels: Labels) -> list[dict[str, Any]]:
    """Each role's moves and outcomes over the exercise, in the order of the roles' first move."""
    by_role: dict[str, list[dict[str, Any]]] = {}
    for turn in turns:
        rulings = {r["move"]: r for r in turn["rulings"]}
        for move in turn["moves"]:
            entry = _move(move, labels, rulings.get(move["id"]))
            entry["turn"] = turn["number"]
            by_role.setdefault(move["role"], []).append(entry)
    return [{"label": labels.role(role), "moves": moves} for role, moves in by_role.items()]


def _objectives(export: Export, scenario: Scenario | None, labels: Labels) -> list[dict[str, Any]]:
    """Each role's objectives the seat may see (the facilitator's: every role's; a role's: its
    own), with the turns after which each held."""
    me = export["me"]
    if me["kind"] == "facilitator":
        goals = (
            {r.id: [(o.id, o.label) for o in r.objectives] for r in scenario.roles}
            if scenario
            else {}
        )
    elif "role" in me:
        goals = {me["role"]: [(o["id"], o["label"]) for o in me.get("objectives", [])]}
    else:
        goals = {}
    held: dict[tuple[str, str], list[int]] = {}
    for turn in export["turns"]:
        state: Any = turn["state_after"]
        if state is None:
            continue
        if "achieved" in state:
            met = {(role, o) for role, ids in state["achieved"].items() for o in ids}
        else:
            met = {(me.get("role", ""), o) for o in state.get("objectives", [])}
        for key in met:
            held.setdefault(key, []).append(turn["number"])
    last = max((t["number"] for t in export["turns"] if t["state_after"] is not None), default=0)
    out = []
    for role, objectives in goals.items():
        rows = []
        for oid, label in objectives:
            turns = held.get((role, oid), [])
            rows.append(
                {
                    "label": label,
                    "met": bool(turns) and turns[-1] == last,
                    "first": turns[0] if turns else None,
                    "turns": ", ".join(str(t) for t in turns),
                }
            )
        if rows:
            out.append({"role": labels.role(role), "objectives": rows})
    return out


def _role_endings(
    export: Export, scenario: Scenario | None, labels: Labels
) -> list[dict[str, str]]:
    """How the exercise ended for each role the seat may know of: every role for the
    facilitator, its own for a role."""
    me = export["me"]
    if me["kind"] != "facilitator":
        ended = me.get("ending")
        if ended is None or "role" not in me:
            return []
        return [
            {"role": labels.role(me["role"]), "title": ended["label"], "text": ended["description"]}
        ]
    state: Any = export["exercise"]["state"]
    chosen = state.get("role_endings", {}) if isinstance(state, dict) else {}
    out = []
    for role in scenario.roles if scenario else []:
        spec = next((e for e in role.endings if e.id == chosen.get(role.id)), None)
        if spec is not None:
            out.append({"role": labels.role(role.id), "title": spec.title, "text": spec.text})
    return out


def _draws(turn: ExportTurn, labels: Labels) -> list[dict[str, Any]]:
    return [
        {
            "turn": turn["number"],
            "role": labels.role(draw["role"]),
            "what": draw["label"],
            # As a d100, as the pages show it: "needed 40 or less, rolled 79".
            "chance": f"{round(draw['chance'] * 100)} or less",
            "roll": str(math.floor(draw["roll"] * 100) + 1),
            "success": draw["success"],
        }
        for draw in turn["draws"]
    ]


def _event(event: ExportEvent, labels: Labels) -> dict[str, Any]:
    return {
        "seq": event["seq"],
        "turn": event["turn"],
        "type": event["type"],
        "headline": headline(event["type"]),
        "at": event["at"],
        "when": f"{event['at'][5:10]} {event['at'][11:16]}",
        "what": _event_words(event["type"], event["data"], labels),
    }


def _event_words(kind: str, data: dict[str, Any], labels: Labels) -> str:
    """One line saying what an event was, in words; its simple data fields otherwise
    (docs/events.md has every type's data)."""
    if kind == "move.submitted":  # another role's is redacted to `{role}`
        who = labels.role(data["role"])
        return f"{who}: {labels.action(data['action'])}" if "action" in data else f"{who} moved"
    if kind == "message.posted":
        return f"{labels.role(data['from'])}: {data['body']}"
    if kind == "inject":
        return f"{data['title']}: {data['text']}"
    if kind == "inject.rolled":
        return f"{data['inject']}: {roll_words(data['draw'])}"
    if kind == "inject.edited":
        return f"{data['inject']}: {', '.join(sorted(data['changes']))} edited"
    if kind == "turn.adjudicated":  # its narrative is told in full under its turn, above
        lines = len(data["narrative"])
        return f"{lines} line{'s' if lines != 1 else ''} of narrative" if lines else ""
    if kind == "role.outcome":
        results = data.get("results") or []
        return "; ".join(f"{labels.action(r['action'])}: {_outcome(r)}" for r in results)
    if kind == "state.set":
        return f"{labels.variable(data['variable'])} = {data['value']}"
    said = _said(kind, data, labels)
    if said is not None:
        return said
    if kind in ("note.added", "note.edited"):
        return str(data["text"])
    simple = [f"{k}: {v}" for k, v in data.items() if isinstance(v, (str, int, float, bool))]
    return ", ".join(simple)


def _said(kind: str, data: dict[str, Any], labels: Labels) -> str | None:
    """The events whose data names roles and turns by id, in words; None for the others."""
    turn = labels.turn_label.capitalize()
    if kind in ("role.ready", "role.unready"):
        return labels.role(data.get("role"))
    if kind == "seat.joined":
        seat = str(data.get("seat"))
        return "Observer" if seat == "observer" else labels.role(seat)
    if kind == "seat.replaced":
        who = f"a bot ({data['bot']})" if data.get("bot") else "a new player"
        return f"{labels.role(data.get('role'))} given to {who}"
    if kind == "turn.opened":
        return f"{turn} {data.get('number')}"
    if kind == "turn.closed":
        return f"{turn} {data.get('number')}: {data.get('reason')}"
    if kind == "vote.cast":
        return f"{labels.role(data.get('role'))}: {round(float(data['chance']) * 100)}%"
    if kind == "exercise.created":
        return f"“{data.get('name')}”"
    return None


def _outcome(result: dict[str, Any]) -> str:
    if not result.get("accepted", True):
        return "refused"
    return "succeeded" if result.get("success") else "failed"


# What each type of event is, for people (docs/events.md); a type not listed reads as words.
HEADLINES = {
    "exercise.created": "Exercise created",
    "exercise.forked": "Made from another exercise",
    "exercise.forked_to": "A new exercise was made from this one",
    "exercise.started": "Exercise started",
    "exercise.paused": "Paused",
    "exercise.resumed": "Resumed",
    "exercise.finished": "Exercise over",
    "turn.opened": "Turn opened",
    "turn.extended": "More time",
    "turn.closed": "Turn closed",
    "turn.adjudicated": "Turn adjudicated",
    "role.outcome": "Results",
    "move.submitted": "Move",
    "move.withdrawn": "Move withdrawn",
    "role.ready": "In for the turn",
    "role.unready": "No longer in",
    "vote.cast": "Estimate",
    "ruling.made": "Ruling",
    "message.posted": "Message",
    "inject": "Inject",
    "commitment.met": "Commitment met",
    "commitment.joined": "Commitment joined",
    "commitment.signal": "Secret signal",
    "rule.fired": "Rule",
    "rule.error": "Rule failed",
    "state.set": "Value set by hand",
    "seat.joined": "Seat joined",
    "seat.replaced": "Seat handed over",
    "note.added": "Note",
    "note.edited": "Note edited",
    "note.deleted": "Note deleted",
    "exercise.options_set": "How turns close",
    "turn.drafted": "Drafted for review",
    "move.overridden": "Outcome overridden",
    "move.rerolled": "Re-rolled",
    "narrative.edited": "Narrative rewritten",
    "ruling.dropped": "Ruling dropped",
    "state.changed": "New value",
    "inject.scheduled": "Inject moved",
    "inject.skipped": "Inject skipped",
    "inject.edited": "Inject edited",
    "inject.rolled": "Inject rolled",
}


def headline(kind: str) -> str:
    return HEADLINES.get(kind) or kind.replace(".", " ").replace("_", " ").capitalize()


def _message(message: ExportMessage, labels: Labels) -> dict[str, Any]:
    to = message["to"]
    return {
        "turn": message["turn"],
        "from": labels.role(message["from"]),
        "to": "everyone" if to == "all" else ", ".join(labels.role(r) for r in to),
        "channel": message["channel"] or "",
        "body": message["body"],
    }


def _notes(export: Export) -> list[dict[str, Any]]:
    return [
        {"turn": n["turn"], "seq": n["event_seq"], "text": n["text"], "at": n["created_at"]}
        for n in export["notes"]
        if n["kind"] == "observation"
    ]


def _debrief(export: Export) -> str:
    """The latest debrief written, if any."""
    debriefs = [n["text"] for n in export["notes"] if n["kind"] == "debrief"]
    return debriefs[-1] if debriefs else ""


# ---- charts --------------------------------------------------------------------------------


def _charts(export: Export, labels: Labels) -> list[dict[str, Any]]:
    """One chart per variable the export holds: its value where play started and after each
    resolved turn. A role's own variables get a small one each (`own`), in its table: a
    hundred full charts would fill ten printed pages."""
    start = export["initial_state"]
    points: list[tuple[int, dict[str, Any]]] = [(start["turn"], start["values"])]
    points += [(t["number"], _values(t["state_after"])) for t in export["turns"]]
    names: list[str] = []
    for _, values in points:
        names += [n for n in values if n not in names]
    first, last = start["turn"], max([p[0] for p in points] + [1])
    out = []
    for name in names:
        series = [(t, v[name]) for t, v in points if name in v and _numeric(v[name])]
        if not series and any(name in v for _, v in points):
            continue  # a text, choice or list of roles: its changes are in each turn's list
        owner = _owner(name, labels)
        draw = svg_sparkline if owner else svg_chart
        out.append(
            {
                "name": name,
                "label": labels.variable(name),
                "owner": labels.role(owner) if owner else "",
                "first": fmt(series[0][1], labels.unit(name)) if series else NONE,
                "last": fmt(series[-1][1], labels.unit(name)) if series else NONE,
                "svg": draw(name, labels, series, first, last),
            }
        )
    return out


def _owner(name: str, labels: Labels) -> str | None:
    var = labels.scenario.variables.get(name) if labels.scenario else None
    return var.owner if var else None


def _by_owner(charts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The roles' own variables, grouped by role, in the order they come."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for chart in charts:
        if chart["owner"]:
            groups.setdefault(chart["owner"], []).append(chart)
    return [{"role": role, "charts": rows} for role, rows in groups.items()]


def _numeric(value: Any) -> bool:
    return isinstance(value, (int, float))


def tick(value: float) -> str:
    """An axis label short enough for the margin: 15280 as 15.3k, 100.0 as 100."""
    if abs(value) >= 10_000:
        return f"{value / 1000:.3g}k"
    if value == int(value):
        return str(int(value))
    return f"{value:.3g}"


def when(at: Any) -> str:
    """An ISO time as `2026-11-22 09:41 UTC` (times are stored in UTC)."""
    text = str(at or "")
    return f"{text[:10]} {text[11:16]} UTC" if len(text) >= 16 else text


def svg_chart(
    name: str, labels: Labels, series: list[tuple[int, Any]], first: int, last: int
) -> str:
    """A line chart as SVG markup: built from numbers, with every label escaped."""
    values = [float(v) for _, v in series]
    low, high = labels.bounds(name)
    is_bool = any(isinstance(v, bool) for _, v in series)
    lo = 0.0 if is_bool else float(low if low is not None else min([*values, 0.0]))
    hi = 1.0 if is_bool else float(high if high is not None else max([*values, 1.0]))
    if hi <= lo:
        hi = lo + 1
    w, h = CHART_W - PAD_L - PAD_R, CHART_H - PAD_T - PAD_B
    span = max(last - first, 1)

    def x(turn: int) -> float:
        return PAD_L + w * (turn - first) / span

    def y(value: float) -> float:
        return PAD_T + h - h * (value - lo) / (hi - lo)

    unit = labels.unit(name)
    words = ", ".join(f"{labels.turn_label} {t}: {fmt(v, unit)}" for t, v in series)
    description = escape(f"{labels.variable(name)}: {words or 'no values'}")
    top = "yes" if is_bool else tick(hi)
    bottom = "no" if is_bool else tick(lo)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" data-variable="{escape(name)}" '
        f'viewBox="0 0 {CHART_W} {CHART_H}" width="{CHART_W}" height="{CHART_H}" role="img" '
        f'aria-label="{description}"><title>{description}</title>',
        f'<line class="axis" x1="{PAD_L}" y1="{PAD_T + h}" x2="{PAD_L + w}" y2="{PAD_T + h}"/>',
        f'<line class="axis" x1="{PAD_L}" y1="{PAD_T}" x2="{PAD_L}" y2="{PAD_T + h}"/>',
        f'<text class="tick" x="{PAD_L - 4}" y="{PAD_T + 8}" text-anchor="end">'
        f"{escape(top)}</text>",
        f'<text class="tick" x="{PAD_L - 4}" y="{PAD_T + h}" text-anchor="end">'
        f"{escape(bottom)}</text>",
        f'<text class="tick" x="{PAD_L}" y="{CHART_H - 6}">{first}</text>',
        f'<text class="tick" x="{PAD_L + w}" y="{CHART_H - 6}" text-anchor="end">{last}</text>',
    ]
    coords = [(x(t), y(float(v))) for t, v in series]
    if len(coords) > 1:
        steps = [f"{'L' if i else 'M'}{cx:.1f},{cy:.1f}" for i, (cx, cy) in enumerate(coords)]
        path = " ".join(steps)
        parts.append(f'<path class="line" d="{path}"/>')
    parts += [f'<circle class="dot" cx="{cx:.1f}" cy="{cy:.1f}" r="2.5"/>' for cx, cy in coords]
    parts.append("</svg>")
    return "".join(parts)


SPARK_W, SPARK_H = 120, 28


def svg_sparkline(
    name: str, labels: Labels, series: list[tuple[int, Any]], first: int, last: int
) -> str:
    """A small line of a variable over the turns, without axes, for a table's row."""
    values = [float(v) for _, v in series]
    low, high = labels.bounds(name)
    lo = float(low if low is not None else min([*values, 0.0]))
    hi = float(high if high is not None else max([*values, 1.0]))
    hi = hi if hi > lo else lo + 1
    span = max(last - first, 1)
    coords = [
        (2 + (SPARK_W - 4) * (t - first) / span, SPARK_H - 3 - (SPARK_H - 6) * (v - lo) / (hi - lo))
        for t, v in zip([t for t, _ in series], values, strict=True)
    ]
    words = ", ".join(f"{labels.turn_label} {t}: {fmt(v, labels.unit(name))}" for t, v in series)
    description = escape(f"{labels.variable(name)}: {words or 'no values'}")
    path = " ".join(f"{'L' if i else 'M'}{x:.1f},{y:.1f}" for i, (x, y) in enumerate(coords))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="spark" data-variable="{escape(name)}" '
        f'viewBox="0 0 {SPARK_W} {SPARK_H}" width="{SPARK_W}" height="{SPARK_H}" role="img" '
        f'aria-label="{description}"><title>{description}</title>'
        + (f'<path class="line" d="{path}"/>' if len(coords) > 1 else "")
        + "".join(f'<circle class="dot" cx="{x:.1f}" cy="{y:.1f}" r="2"/>' for x, y in coords[-1:])
        + "</svg>"
    )
