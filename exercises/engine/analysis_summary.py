"""The numbers and flags of a balance analysis, from the plays `analysis` collected."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from .scenario import Scenario
from .simulation import UNRESOLVED, percentile


@dataclass
class Play:
    """One exercise: each variable's value after every turn (turn 0 first) and its ending."""

    rows: list[list[float]]
    ending: str


@dataclass
class SetupPlays:
    """All runs of one set-up, with what its bots chose and what the rules allowed."""

    plays: list[Play] = field(default_factory=list)
    # Turns a role had to move (the exercise not over), and turns it chose each action in.
    turns: Counter[str] = field(default_factory=Counter)
    chosen: dict[str, Counter[str]] = field(default_factory=dict)
    legal: set[tuple[str, str]] = field(default_factory=set)


Z95 = 1.959964  # the normal quantile of a two-sided 95 % interval
IDLE_POINTS = 10.0  # an idle role moving the endings by less than this changes nothing
SHOWN = 5  # set-ups named in a flag's detail; the rest are counted


def wilson(successes: int, runs: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of a share: unlike p ± z·se it stays inside 0..1 and is
    not empty when nothing (or everything) was seen, which is when the flags look."""
    if runs == 0:
        return 0.0, 1.0
    p = successes / runs
    spread = z * z / runs
    centre = (p + spread / 2) / (1 + spread)
    half = z * math.sqrt(p * (1 - p) / runs + spread / (4 * runs)) / (1 + spread)
    return max(0.0, centre - half), min(1.0, centre + half)


def summarise_setup(
    scenario: Scenario, setup: dict[str, Any], result: SetupPlays
) -> dict[str, Any]:
    plays = result.plays
    runs = len(plays)
    counts = Counter(p.ending for p in plays)
    endings = {}
    for ending in [e.id for e in scenario.endings] + [UNRESOLVED]:
        low, high = wilson(counts[ending], runs)
        endings[ending] = {
            "count": counts[ending],
            "share": _r(counts[ending] / runs),
            "low": _r(low),
            "high": _r(high),
        }
    return {
        **setup,
        "runs": runs,
        "endings": endings,
        "variables": _bands(scenario, result),
        "moved": _moved(scenario, result),
        "turns_played": dict(result.turns),
        "chosen": {role: dict(sorted(c.items())) for role, c in result.chosen.items()},
    }


def _bands(scenario: Scenario, result: SetupPlays) -> dict[str, dict[str, list[float | None]]]:
    turns = len(result.plays[0].rows)
    bands: dict[str, dict[str, list[float | None]]] = {}
    for i, name in enumerate(scenario.numeric_names):
        columns = [sorted(p.rows[t][i] for p in result.plays) for t in range(turns)]
        bands[name] = {
            "mean": [_r(sum(c) / len(c)) for c in columns],
            "p5": [_r(percentile(c, 5)) for c in columns],
            "p50": [_r(percentile(c, 50)) for c in columns],
            "p95": [_r(percentile(c, 95)) for c in columns],
        }
    return bands


def _moved(scenario: Scenario, result: SetupPlays) -> list[str]:
    first = result.plays[0].rows[0]
    return [
        name
        for i, name in enumerate(scenario.numeric_names)
        if any(row[i] != first[i] for p in result.plays for row in p.rows)
    ]


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _base(summaries: Sequence[dict[str, Any]], policy: str) -> dict[str, Any]:
    return next(s for s in summaries if s["policy"] == policy and not s["idle"] and not s["swap"])


def shift(a: dict[str, Any], b: dict[str, Any]) -> float:
    """How far the ending distribution moved, in points: the total variation distance, the
    largest change in the share of any set of endings."""
    moved = sum(abs(a["endings"][e]["share"] - b["endings"][e]["share"]) for e in a["endings"])
    return round(50 * float(moved), 1)


def idle_shifts(summaries: Sequence[dict[str, Any]]) -> dict[str, dict[str, float]]:
    found: dict[str, dict[str, float]] = {}
    for s in summaries:
        if s["idle"]:
            base = _base(summaries, s["policy"])
            found.setdefault(s["policy"], {})[s["idle"]] = shift(base, s)
    return found


def flags(
    scenario: Scenario, summaries: Sequence[dict[str, Any]], legal: set[tuple[str, str]]
) -> list[dict[str, str]]:
    return [
        *_ending_flags(scenario, summaries),
        *_variable_flags(scenario, summaries),
        *_action_flags(scenario, summaries, legal),
        *_idle_flags(summaries),
        *_always_picked(summaries),
    ]


def _flag(kind: str, subject: str, detail: str) -> dict[str, str]:
    return {"kind": kind, "subject": subject, "detail": detail}


def _named(labels: list[str], total: int) -> str:
    shown = "; ".join(labels[:SHOWN])
    more = f" and {len(labels) - SHOWN} more" if len(labels) > SHOWN else ""
    return f"{len(labels)} of {total} set-ups ({shown}{more})"


def _ending_flags(scenario: Scenario, summaries: Sequence[dict[str, Any]]) -> list[dict[str, str]]:
    found = []
    for ending in scenario.endings:
        shares = [s["endings"][ending.id]["share"] for s in summaries]
        if all(share == 0 for share in shares):
            found.append(_flag("ending_never_reached", ending.id, "no run of any set-up ends so"))
        elif all(share == 1 for share in shares):
            found.append(_flag("ending_always_reached", ending.id, "every run of every set-up"))
    return found


def _variable_flags(
    scenario: Scenario, summaries: Sequence[dict[str, Any]]
) -> list[dict[str, str]]:
    found = []
    moved = {name for s in summaries for name in s["moved"]}
    for name in scenario.numeric_names:
        var = scenario.variables[name]
        if name not in moved:
            found.append(_flag("variable_never_moves", name, "the same in every run, every turn"))
            continue
        for bound, value in (("minimum", var.min), ("maximum", var.max)):
            if var.type == "bool" or value is None or float(var.initial) == value:  # type: ignore[arg-type]
                continue
            at = [s["label"] for s in summaries if s["variables"][name]["p50"][-1] == value]
            if at:
                detail = f"median ends at its {bound} {value:g} in {_named(at, len(summaries))}"
                found.append(_flag("variable_saturates", name, detail))
    return found


def _action_flags(
    scenario: Scenario, summaries: Sequence[dict[str, Any]], legal: set[tuple[str, str]]
) -> list[dict[str, str]]:
    chosen = {a for s in summaries for c in s["chosen"].values() for a, n in c.items() if n}
    legal_actions = {action for _, action in legal}
    found = []
    for action in scenario.actions:
        if action.id not in legal_actions:
            roles = ", ".join(scenario.roles_for(action))
            detail = f"the rules refused it to {roles} at the start of every turn of every run"
            found.append(_flag("action_never_legal", action.id, detail))
        elif action.id not in chosen:
            found.append(_flag("action_never_chosen", action.id, "no policy's bot took it"))
    return found


def _idle_flags(summaries: Sequence[dict[str, Any]]) -> list[dict[str, str]]:
    by_role: dict[str, dict[str, float]] = {}
    for policy, roles in idle_shifts(summaries).items():
        for role, points in roles.items():
            by_role.setdefault(role, {})[policy] = points
    found = []
    for role, shifts in by_role.items():
        if max(shifts.values()) < IDLE_POINTS:
            each = ", ".join(f"{p} {v:g}" for p, v in shifts.items())
            detail = f"idling it moves the endings by under {IDLE_POINTS:g} points ({each})"
            found.append(_flag("idle_changes_nothing", role, detail))
    return found


def _always_picked(summaries: Sequence[dict[str, Any]]) -> list[dict[str, str]]:
    found = []
    for s in summaries:
        if s["idle"] or s["swap"]:
            continue
        for role, counts in s["chosen"].items():
            turns = s["turns_played"].get(role, 0)
            for action, n in counts.items():
                if turns and n == turns:
                    detail = f"{s['policy']}: {role} picks {action} in every state ({n} turns)"
                    found.append(_flag("action_always_picked", f"{role}.{action}", detail))
    return found


def ending_ids(result: dict[str, Any]) -> list[str]:
    """The scenario's endings, and `unresolved` only when some run reached none."""
    unresolved = any(s["endings"]["unresolved"]["count"] for s in result["setups"])
    return [e["id"] for e in result["endings"]] + (["unresolved"] if unresolved else [])
