"""The report's inject table, the evaluator's view HSEEP-style debriefs are built on: each
inject with when it fired, who received it, what they were expected to do and the objective it
tests, and what those roles did that turn.

Made from the export alone, like the rest of the report, so a seat sees only what its export
holds: the facilitator every inject (those that never fired too), with its notes and rolls;
any other seat the injects it received, without what the projection cut from them (what they
test, the notes), and its own moves only.
"""

from __future__ import annotations

import math
from typing import Any, Protocol

from .export_types import Export, ExportEvent, ExportMove


class Labels(Protocol):
    """The report's words for ids (`report.Labels`)."""

    seat_kind: str

    def role(self, role: str | None) -> str: ...
    def action(self, action: str) -> str: ...


CHANNELS = {
    "email": "email",
    "phone": "phone",
    "news": "news",
    "social": "social media",
    "briefing": "briefing",
}


def inject_rows(export: Export, labels: Labels, scenario: Any) -> list[dict[str, Any]]:
    facilitator = export["me"]["kind"] == "facilitator"
    moves = {t["number"]: t["moves"] for t in export["turns"]}
    rolls = _rolls(export["events"])
    rows = [
        _row(e, labels, moves.get(e["turn"], []), rolls.get((e["turn"], e["data"]["inject"])))
        for e in export["events"]
        if e["type"] == "inject"
    ]
    if facilitator and scenario is not None:
        sent = {e["data"]["inject"] for e in export["events"] if e["type"] == "inject"}
        rows += [_unfired(i, rolls) for i in scenario.spec.injects if i.id not in sent]
    return rows


def _row(
    event: ExportEvent, labels: Labels, moves: list[ExportMove], roll: dict[str, Any] | None
) -> dict[str, Any]:
    data = event["data"]
    roles = _recipients(event)
    did = [_did(m, labels) for m in moves if roles is None or m["role"] in roles]
    return {
        "turn": event["turn"],
        "when": f"{event['at'][5:10]} {event['at'][11:16]}",
        "title": data.get("title", ""),
        "from": _from(data),
        "to": _to(event, roles, labels),
        "expected": data.get("expected_action", ""),
        "objective": data.get("objective", ""),
        "notes": data.get("notes", ""),
        "roll": roll_words(roll),
        "did": did,
    }


def _recipients(event: ExportEvent) -> list[str] | None:
    """The roles it went to; None for everyone (or, in a seat's export, where it is unknown:
    that seat's own moves are all it holds)."""
    audience = event.get("audience")
    if not audience or audience.get("all"):
        return None
    return list(audience.get("roles", []))


def _to(event: ExportEvent, roles: list[str] | None, labels: Labels) -> str:
    if "audience" not in event:  # a seat's export: the observer sees what goes to everyone
        return "you" if labels.seat_kind == "role" else "everyone"
    return "everyone" if roles is None else ", ".join(labels.role(r) for r in roles)


def _from(data: dict[str, Any]) -> str:
    channel = CHANNELS.get(str(data.get("channel")), "")
    sender = str(data.get("sender", ""))
    return f"{sender} ({channel})" if sender and channel else sender or channel


def _did(move: ExportMove, labels: Labels) -> str:
    status = "withdrawn" if move["status"] == "withdrawn" else move["status"]
    return f"{labels.role(move['role'])}: {labels.action(move['action'])} ({status})"


def _rolls(events: list[ExportEvent]) -> dict[tuple[int, str], dict[str, Any]]:
    """The facilitator's record of each inject's roll, by turn and inject."""
    return {
        (e["turn"], e["data"]["inject"]): e["data"]["draw"]
        for e in events
        if e["type"] == "inject.rolled"
    }


def roll_words(draw: dict[str, Any] | None) -> str:
    if draw is None:
        return ""
    # As a d100, as the dice table shows it.
    needed, rolled = round(draw["chance"] * 100), math.floor(draw["roll"] * 100) + 1
    return f"needed {needed} or less, rolled {rolled}"


def _unfired(inject: Any, rolls: dict[tuple[int, str], dict[str, Any]]) -> dict[str, Any]:
    missed = [(turn, d) for (turn, iid), d in sorted(rolls.items()) if iid == inject.id]
    return {
        "turn": None,
        "when": "never fired",
        "title": inject.title,
        "from": _from({"sender": inject.sender, "channel": inject.channel}),
        "to": "",
        "expected": inject.expected_action,
        "objective": inject.objective,
        "notes": inject.notes,
        "roll": "; ".join(roll_words(d) for _, d in missed),
        "did": [],
    }
