"""The after-action report: one self-contained HTML file made from an export.

`render_report(export)` takes the dict `export.export_for(seat)` builds (the DESIGN.md
"Exports" shape) and renders it through a Django template: no script, no external style,
charts drawn here as inline SVG. It reads only the export, so a seat's report holds exactly
what that seat's export holds: the filtering happened once, in the projection, before.
Text from players goes through the template's autoescaping; the SVG is built from numbers and
escaped labels only.
"""

from __future__ import annotations

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

CHART_W, CHART_H = 320, 120
NONE = "\N{EN DASH}"
PAD_L, PAD_R, PAD_T, PAD_B = 46, 10, 10, 22


def render_report(export: dict[str, Any]) -> str:
    """The report as one HTML document."""
    scenario = _scenario(export)
    turns = list(export.get("turns") or [])
    labels = Labels(scenario)
    context = {
        "exercise": export.get("exercise") or {},
        "format_version": export.get("format_version"),
        "title": _title(export, scenario),
        "summary": _summary(export, scenario, labels),
        "charts": _charts(export, turns, labels),
        "turns": [_turn(turn, labels) for turn in turns],
        "roles": _roles(turns, labels),
        "draws": [d for turn in turns for d in _draws(turn, labels)],
        "timeline": [_event(e, labels) for e in export.get("events") or []],
        "messages": [_message(m, labels) for m in export.get("messages") or []],
        "notes": _notes(export),
        "debrief": _debrief(export),
        "turn_label": labels.turn_label.capitalize(),
    }
    return render_to_string("exercises/report.html", context)


# ---- words ---------------------------------------------------------------------------------


@dataclass
class Labels:
    scenario: Scenario | None

    def role(self, role: str | None) -> str:
        if not role:
            return ""
        if role == "facilitator":
            return "Facilitator"
        names = self.scenario.role_names if self.scenario else {}
        return names.get(role, role)

    def action(self, action: str) -> str:
        if action == "free_form":
            return "Free-form move"
        if self.scenario:
            for spec in self.scenario.actions:
                if spec.id == action:
                    return spec.label
        return action

    def variable(self, name: str) -> str:
        var = self.scenario.variables.get(name) if self.scenario else None
        return (var.label or name) if var else name

    def unit(self, name: str) -> str:
        var = self.scenario.variables.get(name) if self.scenario else None
        return (var.unit or "") if var else ""

    def bounds(self, name: str) -> tuple[float | None, float | None]:
        var = self.scenario.variables.get(name) if self.scenario else None
        return (var.min, var.max) if var else (None, None)

    @property
    def turn_label(self) -> str:
        return self.scenario.turn_label if self.scenario else "turn"


def _scenario(export: dict[str, Any]) -> Scenario | None:
    """The scenario the export names: its own text when it carries it, else the bundled one."""
    spec = (export.get("exercise") or {}).get("scenario") or {}
    text = spec.get("text")
    if text:
        try:
            return load_scenario_text(text, "export")
        except ScenarioLoadError:
            pass
    return load_bundled_scenarios().get(spec.get("id", ""))


def _title(export: dict[str, Any], scenario: Scenario | None) -> str:
    name = (export.get("exercise") or {}).get("name") or "Exercise"
    return f"{name}: after-action report"


def _values(state: Any) -> dict[str, Any]:
    """A state's values, whether the export gives the engine's state or its values alone."""
    if not isinstance(state, dict):
        return {}
    values = state.get("values", state)
    return values if isinstance(values, dict) else {}


def fmt(value: Any, unit: str = "") -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        value = round(value, 2)
    if value is None:
        return NONE
    return f"{value}%" if unit == "%" else f"{value} {unit}".strip()


# ---- sections ------------------------------------------------------------------------------


def _summary(export: dict[str, Any], scenario: Scenario | None, labels: Labels) -> dict[str, Any]:
    exercise = export.get("exercise") or {}
    events = export.get("events") or []
    times = [e.get("at") for e in events if e.get("at")]
    spec = exercise.get("scenario") or {}
    return {
        "scenario": scenario.title if scenario else spec.get("id", ""),
        "scenario_id": spec.get("id", ""),
        "version": spec.get("version", ""),
        "started": when(exercise.get("created_at") or (times[0] if times else "")),
        "ended": when(exercise.get("finished_at") or (times[-1] if times else "")),
        "status": exercise.get("status", ""),
        "ending": _ending(export, scenario),
        "seed": exercise.get("seed"),
        "forked_from": _forked_from(events),
        "turns": len(export.get("turns") or []),
        "seats": [_seat(s, labels) for s in export.get("seats") or [] if not s.get("revoked_at")],
    }


def _forked_from(events: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Where a fork came from, as its log recorded it (`exercise.forked`)."""
    for event in events:
        if event.get("type") == "exercise.forked":
            data = event.get("data") or {}
            return {"id": data.get("from"), "name": data.get("name"), "turn": data.get("turn")}
    return None


def _ending(export: dict[str, Any], scenario: Scenario | None) -> dict[str, str] | None:
    ending = (export.get("exercise") or {}).get("ending")
    for event in export.get("events") or []:
        if event.get("type") == "exercise.finished":
            ending = (event.get("data") or {}).get("ending") or ending
    if isinstance(ending, dict):
        return {"title": ending.get("title", ""), "text": ending.get("text", "")}
    if not ending:
        return None
    for spec in scenario.endings if scenario else []:
        if spec.id == ending:
            return {"title": spec.title, "text": spec.text}
    return {"title": str(ending), "text": ""}


def _seat(seat: dict[str, Any], labels: Labels) -> dict[str, Any]:
    name = seat.get("name") or seat.get("role") or seat.get("kind") or ""
    # Only the facilitator's export says who is a bot; for other seats it is not known here.
    known = "bot" in seat or "bot_policy" in seat
    bot = (seat.get("bot") or seat.get("bot_policy") or "") if known else None
    label = labels.role(name)
    return {"name": name, "label": label[:1].upper() + label[1:], "bot": bot}


def _turn(turn: dict[str, Any], labels: Labels) -> dict[str, Any]:
    before, after = _values(turn.get("state_before")), _values(turn.get("state_after"))
    changes = [
        {
            "label": labels.variable(name),
            "before": fmt(before.get(name), labels.unit(name)),
            "after": fmt(value, labels.unit(name)),
        }
        for name, value in after.items()
        if before.get(name) != value
    ]
    rulings = {r.get("move"): r for r in turn.get("rulings") or []}
    return {
        "number": turn.get("number"),
        "narrative": [str(line) for line in turn.get("narrative") or []],
        "moves": [_move(m, labels, rulings.get(m.get("id"))) for m in turn.get("moves") or []],
        "changes": changes,
    }


def _move(move: dict[str, Any], labels: Labels, ruling: dict[str, Any] | None) -> dict[str, Any]:
    result = move.get("result") or {}
    params = move.get("params") or {}
    return {
        "role": labels.role(move.get("role")),
        "action": labels.action(move.get("action", "")),
        "params": ", ".join(f"{k}: {labels.role(str(v))}" for k, v in params.items()),
        "rationale": move.get("rationale", ""),
        "status": move.get("status", ""),
        "text": result.get("text", "") if isinstance(result, dict) else "",
        "reason": result.get("reason", "") if isinstance(result, dict) else "",
        "ruling": _ruling(ruling),
    }


def _ruling(ruling: dict[str, Any] | None) -> str:
    if not ruling:
        return ""
    if ruling.get("chance") is not None:
        return f"ruled: a {round(float(ruling['chance']) * 100)}% chance"
    return f"ruled: {ruling.get('outcome')}"


def _roles(turns: list[dict[str, Any]], labels: Labels) -> list[dict[str, Any]]:
    """Each role's moves and outcomes over the exercise, in the order of the roles' first move."""
    by_role: dict[str, list[dict[str, Any]]] = {}
    for turn in turns:
        rulings = {r.get("move"): r for r in turn.get("rulings") or []}
        for move in turn.get("moves") or []:
            entry = _move(move, labels, rulings.get(move.get("id")))
            entry["turn"] = turn.get("number")
            by_role.setdefault(move.get("role") or "", []).append(entry)
    return [{"label": labels.role(role), "moves": moves} for role, moves in by_role.items()]


def _draws(turn: dict[str, Any], labels: Labels) -> list[dict[str, Any]]:
    out = []
    for draw in turn.get("draws") or []:
        chance, roll = draw.get("chance"), draw.get("roll")
        out.append(
            {
                "turn": turn.get("number"),
                "role": labels.role(draw.get("role")),
                "what": draw.get("label") or draw.get("subject") or draw.get("key", ""),
                "chance": f"{round(float(chance) * 100)}%" if chance is not None else NONE,
                "roll": f"{float(roll):.3f}" if roll is not None else NONE,
                "success": draw.get("success"),
            }
        )
    return out


def _event(event: dict[str, Any], labels: Labels) -> dict[str, Any]:
    data = event.get("data") or {}
    return {
        "seq": event.get("seq"),
        "turn": event.get("turn"),
        "type": event.get("type", ""),
        "at": event.get("at", ""),
        "what": _event_words(event.get("type", ""), data, labels),
    }


def _event_words(kind: str, data: dict[str, Any], labels: Labels) -> str:
    """One line saying what an event was, in words; the data as JSON keys otherwise."""
    if kind == "move.submitted":
        who = labels.role(data.get("role"))
        return f"{who}: {labels.action(data['action'])}" if data.get("action") else f"{who} moved"
    if kind == "message.posted":
        return f"{labels.role(data.get('from'))}: {data.get('body', '')}"
    if kind == "inject":
        return f"{data.get('title', '')}: {data.get('text', '')}"
    if kind == "turn.adjudicated":
        return " ".join(str(line) for line in data.get("narrative") or [])
    if kind in ("state.set",):
        return f"{labels.variable(data.get('variable', ''))} = {data.get('value')}"
    if kind == "note.added" or kind.startswith("note."):
        return str(data.get("text") or data.get("body") or "")
    simple = [f"{k}: {v}" for k, v in data.items() if isinstance(v, (str, int, float, bool))]
    return ", ".join(simple)


def _message(message: dict[str, Any], labels: Labels) -> dict[str, Any]:
    to = message.get("to")
    return {
        "turn": message.get("turn"),
        "from": labels.role(message.get("from") or message.get("sender")),
        "to": "everyone" if to == "all" else ", ".join(labels.role(r) for r in to or []),
        "channel": message.get("channel") or "",
        "body": message.get("body", ""),
    }


def _notes(export: dict[str, Any]) -> list[dict[str, Any]]:
    notes = export.get("notes")
    if isinstance(notes, dict):  # {"observations": [...], "debrief": "..."}
        notes = notes.get("observations") or notes.get("notes") or []
    return [
        {
            "turn": n.get("turn"),
            "seq": n.get("event_seq") or n.get("seq"),
            "text": n.get("text") or n.get("body") or "",
            "at": n.get("at") or n.get("created_at") or "",
        }
        for n in notes or []
        if isinstance(n, dict) and n.get("kind", "observation") != "debrief"
    ]


def _debrief(export: dict[str, Any]) -> str:
    debrief = export.get("debrief")
    notes = export.get("notes")
    if not debrief and isinstance(notes, dict):
        debrief = notes.get("debrief")
    if not debrief and isinstance(notes, list):
        found = [n for n in notes if isinstance(n, dict) and n.get("kind") == "debrief"]
        debrief = found[-1] if found else None
    if isinstance(debrief, dict):
        debrief = debrief.get("text") or debrief.get("body")
    return str(debrief or "")


# ---- charts --------------------------------------------------------------------------------


def _charts(
    export: dict[str, Any], turns: list[dict[str, Any]], labels: Labels
) -> list[dict[str, Any]]:
    """One chart per variable the export holds: its value before turn 1 and after each turn."""
    first = _values(export.get("initial_state"))
    if not first and turns:
        first = _values(turns[0].get("state_before"))
    start = turns[0].get("number", 1) - 1 if turns else 0
    points: list[tuple[int, dict[str, Any]]] = [(start, first)]
    points += [(t.get("number", 0), _values(t.get("state_after"))) for t in turns]
    names: list[str] = []
    for _, values in points:
        names += [n for n in values if n not in names]
    last = max([p[0] for p in points] + [1])
    out = []
    for name in names:
        series = [(t, v[name]) for t, v in points if name in v and _numeric(v[name])]
        out.append(
            {
                "name": name,
                "label": labels.variable(name),
                "last": fmt(series[-1][1], labels.unit(name)) if series else NONE,
                "svg": svg_chart(name, labels, series, start, last),
            }
        )
    return out


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
