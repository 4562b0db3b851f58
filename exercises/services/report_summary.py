"""The report's first part: what a sponsor reads in five minutes, made from the export alone.

The ending, the key numbers from start to end, the decisive moves, the turning points and what
each role did. "Key" and "decisive" are measured the same way everywhere: a change as a share
of its variable's range (its bounds, or its own size when it has none), so that a budget in
billions does not drown a risk in percent.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any, Protocol

from exercises.engine import Scenario

from .export_types import Export, ExportEvent, ExportMove, ExportSeat, ExportTurn


class Labels(Protocol):
    """The report's words for ids (`report.Labels`)."""

    scenario: Scenario | None

    def role(self, role: str | None) -> str: ...
    def action(self, action: str) -> str: ...
    def variable(self, name: str) -> str: ...
    def unit(self, name: str) -> str: ...
    def bounds(self, name: str) -> tuple[float | None, float | None]: ...

    @property
    def turn_label(self) -> str: ...


KEY_NUMBERS, DECISIVE_MOVES, TURNING_POINTS = 8, 5, 4
NONE = "\N{EN DASH}"


def fmt(value: Any, unit: str = "", role: Callable[[str], str] = str) -> str:
    """A value in words; `role` names a list's role ids, as the rest of the report does."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):  # a list of role ids
        return ", ".join(role(r) for r in value) or "none"
    if value == "":
        return "none"
    if isinstance(value, float):
        value = round(value, 2)
    if value is None:
        return NONE
    return f"{value}%" if unit == "%" else f"{value} {unit}".strip()


def at_a_glance(export: Export, labels: Labels) -> dict[str, Any]:
    turns = [t for t in export["turns"] if t["state_after"] is not None]
    start = export["initial_state"]["values"]
    end = _final_values(export)
    return {
        "turns_played": len(turns),
        "planned_turns": export["exercise"]["planned_turns"],
        "key_numbers": _key_numbers(start, end, labels),
        "decisive_moves": _decisive_moves(turns, labels),
        "turning_points": _turning_points(turns, export["events"], labels),
        "roles": _roles(export, turns, labels),
    }


def _final_values(export: Export) -> dict[str, Any]:
    resolved = [t for t in export["turns"] if t["state_after"] is not None]
    last = resolved[-1]["state_after"] if resolved else None
    return last["values"] if last is not None else export["initial_state"]["values"]


def weight(name: str, before: Any, after: Any, labels: Labels) -> float:
    """How big a change is, as a share of the variable's range; a role's own variables weigh
    nothing here: a sponsor reads the world's numbers, the detail has the rest."""
    if _owned(name, labels):
        return 0.0
    if isinstance(before, bool | str | list) or isinstance(after, bool | str | list):
        return 1.0 if before != after else 0.0  # a new choice or list changes it all
    if not isinstance(before, (int, float)) or not isinstance(after, (int, float)):
        return 0.0
    low, high = labels.bounds(name)
    span = (high - low) if low is not None and high is not None and high > low else None
    span = span or max(abs(before), abs(after), 1.0)
    return abs(after - before) / span


def _owned(name: str, labels: Labels) -> bool:
    var = labels.scenario.variables.get(name) if labels.scenario else None
    return bool(var and var.owner)


def _key_numbers(
    start: dict[str, Any], end: dict[str, Any], labels: Labels
) -> list[dict[str, str]]:
    changed = [
        (weight(n, start[n], end[n], labels), n)
        for n in end
        if n in start and start[n] != end[n] and not _owned(n, labels)
    ]
    changed.sort(key=lambda pair: (-pair[0], pair[1]))
    return [_number(n, start[n], end[n], labels) for _, n in changed[:KEY_NUMBERS]]


def _number(name: str, before: Any, after: Any, labels: Labels) -> dict[str, str]:
    unit = labels.unit(name)
    direction = ""
    if isinstance(before, (int, float)) and not isinstance(before, bool):
        direction = "up" if after > before else "down"
    return {
        "label": labels.variable(name),
        "start": fmt(before, unit, labels.role),
        "end": fmt(after, unit, labels.role),
        "direction": direction,
    }


def _move_weight(move: ExportMove, before: dict[str, Any], labels: Labels) -> float:
    result = move["result"]
    if result is None or not result["accepted"]:
        return 0.0
    total = 0.0
    for change in result["changes"]:
        name = change["variable"]
        old = before.get(name, 0)
        if "delta" in change and isinstance(change["delta"], (int, float)):
            new = old + change["delta"] if isinstance(old, (int, float)) else old
        else:
            new = change.get("value", old)
        total += weight(name, old, new, labels)
    return total


def _decisive_moves(turns: list[ExportTurn], labels: Labels) -> list[dict[str, Any]]:
    scored = []
    for turn in turns:
        before = turn["state_before"]["values"] if turn["state_before"] else {}
        for move in turn["moves"]:
            score = _move_weight(move, before, labels)
            if score > 0:
                scored.append((score, turn["number"], move))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [_move_line(number, move, labels) for _, number, move in scored[:DECISIVE_MOVES]]


def _move_line(turn: int, move: ExportMove, labels: Labels) -> dict[str, Any]:
    result = move["result"]
    text = (result["public"] or result["text"]) if result else ""
    return {
        "turn": turn,
        "role": labels.role(move["role"]),
        "action": labels.action(move["action"]),
        "status": move["status"],
        "text": text,
    }


def _turning_points(
    turns: list[ExportTurn], events: list[ExportEvent], labels: Labels
) -> list[dict[str, Any]]:
    """The few turns that moved the state most, and the turn that reached an ending, in the
    order they happened, each with the injects that landed in it: a bounded list, however
    long the exercise ran, so that the summary stays a page or two."""
    scored = sorted(((_turn_weight(t, labels), t["number"]) for t in turns), reverse=True)
    chosen = {number for score, number in scored[:TURNING_POINTS] if score > 0}
    injects: dict[int, list[str]] = {}
    for event in events:
        if event["type"] == "inject" and event["data"].get("title"):
            injects.setdefault(event["turn"], []).append(str(event["data"]["title"]))
    ended = [t["number"] for t in turns if _ending(t)]
    chosen |= set(ended)
    return [_point(t, injects.get(t["number"], []), labels) for t in turns if t["number"] in chosen]


def _turn_weight(turn: ExportTurn, labels: Labels) -> float:
    before = turn["state_before"]["values"] if turn["state_before"] else {}
    after = turn["state_after"]["values"] if turn["state_after"] else {}
    return sum(weight(n, before[n], v, labels) for n, v in after.items() if n in before)


def _point(turn: ExportTurn, injects: list[str], labels: Labels) -> dict[str, Any]:
    before = turn["state_before"]["values"] if turn["state_before"] else {}
    after = turn["state_after"]["values"] if turn["state_after"] else {}
    moved = sorted(
        (n for n in after if n in before and before[n] != after[n] and not _owned(n, labels)),
        key=lambda n: -weight(n, before[n], after[n], labels),
    )[:3]
    return {
        "number": turn["number"],
        "headline": _headline(turn, before, labels),
        "injects": injects,
        "changes": [_number(n, before[n], after[n], labels) for n in moved],
        "ending": _ending(turn),
    }


def _ending(turn: ExportTurn) -> str | None:
    after = turn["state_after"]
    return after["ending"] if after is not None else None


def _headline(turn: ExportTurn, before: dict[str, Any], labels: Labels) -> str:
    """The public line of the turn's weightiest move: the narrative's first line is only
    whichever role comes first in the scenario."""
    scored = [(_move_weight(m, before, labels), m) for m in turn["moves"] if m["result"]]
    best = max(scored, key=lambda pair: pair[0], default=(0.0, None))
    result = best[1]["result"] if best[1] is not None and best[0] > 0 else None
    if result is not None and result["public"]:
        return result["public"]
    return turn["narrative"][0] if turn["narrative"] else ""


def _roles(export: Export, turns: list[ExportTurn], labels: Labels) -> list[dict[str, Any]]:
    history = played_by(export, labels)
    moves: dict[str, list[ExportMove]] = {}
    for turn in turns:
        for move in turn["moves"]:
            moves.setdefault(move["role"], []).append(move)
    roles = [s["role"] for s in export["seats"] if s["role"] and not s.get("revoked_at")]
    # Another seat's export holds only the moves it saw: a role without any there is unknown,
    # not idle, so it is left out rather than shown as making none.
    everything = export["me"]["kind"] == "facilitator"
    out = []
    for role in dict.fromkeys(roles):
        mine = moves.get(role, [])
        if not mine and not everything:
            continue
        statuses = Counter(m["status"] for m in mine)
        actions = Counter(labels.action(m["action"]) for m in mine)
        out.append(
            {
                "label": labels.role(role),
                "played_by": history.get(role),
                "moves": len(mine),
                "succeeded": statuses.get("succeeded", 0),
                "failed": statuses.get("failed", 0),
                "rejected": statuses.get("rejected", 0),
                "actions": [_times(a, n) for a, n in actions.most_common(3)],
            }
        )
    return out


def _times(action: str, count: int) -> str:
    return f"{action} \N{MULTIPLICATION SIGN}{count}" if count > 1 else action


def played_by(export: Export, labels: Labels) -> dict[str, str]:
    """Who played each role over time, as the facilitator's export records it ("a person
    (months 1-8), then a bot (no-pause) from month 9"); nothing for other seats' exports,
    which do not say who is a bot."""
    seats = [s for s in export["seats"] if s["role"] and not s.get("revoked_at")]
    if not seats or any("bot_policy" not in s for s in seats):
        return {}
    turns = {t["number"]: t for t in export["turns"]}
    return {s["role"]: _history(s, export["events"], turns, labels) for s in seats if s["role"]}


def _first_turn_after(event: ExportEvent, turns: dict[int, ExportTurn]) -> int:
    """The first turn a new player or bot could move in: a seat handed over after its turn
    closed plays from the next one."""
    turn = turns.get(event["turn"])
    closed = turn["closed_at"] if turn else None
    return event["turn"] + 1 if closed and event["at"] >= closed else event["turn"]


def _history(
    seat: ExportSeat, events: list[ExportEvent], turns: dict[int, ExportTurn], labels: Labels
) -> str:
    role = seat["role"]
    changes = [
        (_first_turn_after(e, turns), e["data"].get("bot") or "")
        for e in events
        if e["type"] == "seat.replaced" and e["data"].get("role") == role
    ]
    created = next((e["data"] for e in events if e["type"] == "exercise.created"), {})
    first = seat.get("bot_policy") or ""
    if changes:  # the creation names the first bots, not their policy
        first = "a bot" if role in (created.get("bots") or []) else ""
    spans: list[list[Any]] = [[1, first]]
    for turn, who in changes:
        start = max(turn, 1)
        if who == spans[-1][1]:
            continue
        if start == spans[-1][0]:
            spans[-1][1] = who
        else:
            spans.append([start, who])
    return _spans_words(spans, labels.turn_label)


def _who(policy: str) -> str:
    if not policy:
        return "a person"
    return policy if policy == "a bot" else f"a bot ({policy})"


def _spans_words(spans: list[list[Any]], turn_label: str) -> str:
    if len(spans) == 1:
        return _who(spans[0][1])
    words = []
    for i, (start, who) in enumerate(spans):
        end = spans[i + 1][0] - 1 if i + 1 < len(spans) else None
        if end is None:
            words.append(f"{_who(who)} from {turn_label} {start}")
        elif end == start:
            words.append(f"{_who(who)} ({turn_label} {start})")
        else:
            words.append(f"{_who(who)} ({turn_label}s {start}\N{EN DASH}{end})")
    return ", then ".join(words)
