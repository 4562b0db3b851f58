"""Replaying an export: every resolved turn played again by the engine alone.

Each turn starts from the state its adjudication started from (`state_at_close`: the opening
state plus the facilitator's changes while it was open), takes the moves that were in play
(every move not withdrawn, with the facilitator's ruling on a free-form one), the facilitator's
review of it if it had one (overrides, re-rolls, narrative edits) and the seed, and
must give the recorded state after, rolls, narrative and each move's result. Each turn's
opening is played again too (the injects it fires), from the state the turn before left,
where the log shows the facilitator changed nothing in between. Reads only the export (a
JSON document, docs/export-format.md), never a database, and needs no Django: an export checks
on a machine that never saw the exercise, as a chess library replays a game from its moves.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from .adjudication import adjudicate
from .inject_text import edit_inject
from .loader import ScenarioLoadError, load_scenario_text
from .moves import Rejected
from .opening import open_turn, schedule_inject, skip_inject
from .records import move_from_record
from .review import Review
from .scenario import Scenario
from .state import State, initial_state

# The version of the export format this module reads; the server writes the same
# (exercises/services/export.py, and a test keeps the two equal).
FORMAT_VERSION = 1
PLAYED = ("succeeded", "failed", "rejected")  # the statuses adjudication gives
# Events of the facilitator's changes to the state outside adjudication.
BY_HAND = ("state.set", "inject")
# Events of the facilitator's changes to the injects' schedule, which replay makes again.
RESCHEDULED = ("inject.scheduled", "inject.skipped", "inject.edited")


class Uncheckable(Exception):
    """An export that cannot be re-adjudicated: a seat's (no seed), another format, broken."""


@dataclass(frozen=True)
class Difference:
    turn: int
    what: str  # a variable's name, or which record (draws, narrative, a move's result)
    recorded: Any
    replayed: Any

    def __str__(self) -> str:
        return (
            f"turn {self.turn}: {self.what}: recorded {self.recorded!r}, "
            f"re-adjudicated {self.replayed!r}"
        )


def verify_export(export: Any) -> tuple[int, list[Difference]]:
    """How many turns were re-adjudicated, and every difference from the record; Uncheckable
    when the export cannot be replayed."""
    scenario, seed = _checkable(export)
    checked, differences = 0, []
    try:
        differences += _openings(scenario, seed, export)
        for turn in export["turns"]:
            if turn["phase"] == "resolved":
                differences += _turn(scenario, seed, turn)
                checked += 1
    except (KeyError, TypeError, ValueError, AttributeError, Rejected) as exc:
        raise Uncheckable(f"the export is malformed: {exc!r}") from exc
    return checked, differences


def _openings(scenario: Scenario, seed: str, export: dict[str, Any]) -> list[Difference]:
    """Each turn's opening state, from the state after the turn before (the scenario's start
    for turn 1; a fork's start is not in its export), when nothing was set by hand between."""
    events = export["events"]
    seqs = {(e["type"], e["turn"]): e["seq"] for e in events}
    forked = any(e["type"] == "exercise.forked" for e in events)
    before: dict[str, Any] | None = None if forked else initial_state(scenario).to_dict()
    since = 0
    out = []
    for turn in export["turns"]:
        opened = seqs.get(("turn.opened", turn["number"]))
        if before is not None and opened is not None and not _by_hand(events, since, opened):
            start = _rescheduled(scenario, State.from_dict(before), events, since, opened)
            opening = open_turn(scenario, start, seed)
            found = _states(turn["number"], turn["state_before"], opening.state.to_dict())
            out += [
                Difference(d.turn, f"{d.what} at the opening", d.recorded, d.replayed)
                for d in found
            ]
            rolled = [dict(e.data) for e in opening.events if e.type == "inject.rolled"]
            recorded = _opening_rolls(events, turn["number"])
            if recorded != rolled:
                what = "injects' rolls at the opening"
                out.append(Difference(turn["number"], what, recorded, rolled))
        before = turn["state_after"]
        since = seqs.get(("turn.adjudicated", turn["number"]), 0)
    return out


def _rescheduled(
    scenario: Scenario, state: State, events: list[dict[str, Any]], after: int, before: int
) -> State:
    """The state with the facilitator's changes to the schedule between two seqs applied."""
    for e in events:
        if after < e["seq"] < before and e["type"] == "inject.scheduled":
            state = schedule_inject(scenario, state, e["data"]["inject"], e["data"]["turn"])
        elif after < e["seq"] < before and e["type"] == "inject.skipped":
            state = skip_inject(scenario, state, e["data"]["inject"])
        elif after < e["seq"] < before and e["type"] == "inject.edited":
            state = edit_inject(scenario, state, e["data"]["inject"], e["data"]["changes"])
    return state


def _opening_rolls(events: list[dict[str, Any]], turn: int) -> list[dict[str, Any]]:
    """The injects' rolls the opening of `turn` recorded (a timed inject's, rolled later in the
    turn by the sweep, names its `minutes`)."""
    return [
        e["data"]
        for e in events
        if e["type"] == "inject.rolled" and e["turn"] == turn and "minutes" not in e["data"]
    ]


def _by_hand(events: list[dict[str, Any]], after: int, before: int) -> bool:
    return any(after < e["seq"] < before and e["type"] in BY_HAND for e in events)


def _checkable(export: Any) -> tuple[Scenario, str]:
    if not isinstance(export, dict) or export.get("format_version") != FORMAT_VERSION:
        raise Uncheckable(f"not an export in format version {FORMAT_VERSION}")
    exercise = export.get("exercise") or {}
    seed, scenario = exercise.get("seed"), exercise.get("scenario") or {}
    text = scenario.get("text")
    if seed is None or not text:
        seat = export.get("exported_for")
        raise Uncheckable(
            f"this is the {seat}'s export, without the seed and the scenario text: "
            "only the facilitator's export can be re-adjudicated"
        )
    if hashlib.sha256(text.encode()).hexdigest() != scenario.get("sha256"):
        raise Uncheckable("the scenario text does not match its sha256: it was changed")
    if not isinstance(export.get("turns"), list):
        raise Uncheckable("the export has no list of turns")
    try:
        return load_scenario_text(text, "export"), str(seed)
    except ScenarioLoadError as exc:
        raise Uncheckable(f"the export's scenario does not load:\n{exc}") from exc


def _turn(scenario: Scenario, seed: str, turn: dict[str, Any]) -> list[Difference]:
    number = turn["number"]
    start = State.from_dict(turn.get("state_at_close") or turn["state_before"])
    rulings = {r["move"]: r for r in turn["rulings"]}
    played = [m for m in turn["moves"] if m["status"] in PLAYED]
    moves = [move_from_record(m, rulings.get(m["id"])) for m in played]
    # A turn the facilitator reviewed: the overrides, re-rolls and narrative edits it was
    # published with are inputs, like its moves.
    outcome = adjudicate(
        scenario, start, moves, seed, review=Review.from_record(turn.get("review"))
    )
    differences = _states(number, turn["state_after"], outcome.state.to_dict())
    results = {r.move.id: r.to_dict() for r in outcome.results}
    for move in played:
        if move["result"] != results.get(move["id"]):
            what = f"the result of {move['role']}'s move {move['id']}"
            differences.append(Difference(number, what, move["result"], results.get(move["id"])))
    draws = [d.to_dict() for d in outcome.draws]
    if turn["draws"] != draws:
        differences.append(Difference(number, "draws", turn["draws"], draws))
    if turn["narrative"] != list(outcome.narrative):
        differences.append(Difference(number, "narrative", turn["narrative"], outcome.narrative))
    return differences


def _states(number: int, recorded: dict[str, Any], replayed: dict[str, Any]) -> list[Difference]:
    """Variable by variable, then the rest of the engine's state (commitments, endings...)."""
    out = []
    before, after = recorded.get("values", {}), replayed["values"]
    for name in sorted(set(before) | set(after)):
        if _same(before.get(name), after.get(name)):
            continue
        out.append(Difference(number, name, before.get(name), after.get(name)))
    for key in sorted((set(recorded) | set(replayed)) - {"values"}):
        if recorded.get(key) != replayed.get(key):
            out.append(Difference(number, f"state {key}", recorded.get(key), replayed.get(key)))
    return out


def _same(a: Any, b: Any) -> bool:
    # 2 and 2.0 are one number (JSON does not tell them apart), but true is not 1.
    return a == b and isinstance(a, bool) == isinstance(b, bool)
