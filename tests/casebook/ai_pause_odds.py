"""Measure `ai-pause`'s odds over many seeds: the shares the scenario brief's "seeds' odds" set.

`simulate` reports final states and endings; the odds also need the month a treaty came, how long
its talks ran, and exercises with one role idle (making no moves). This module plays whole
exercises through the engine's public functions, exactly as `simulate` does, recording those,
and prints them:

    python -m tests.casebook.ai_pause_odds [--runs N] [--seed S] [--workers W]

The case book's odds tests (`test_ai_pause_odds.py`) call `measure` with fixed seeds.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from exercises.engine import (
    Scenario,
    adjudicate,
    choose_moves,
    initial_state,
    load_bundled_scenarios,
    open_turn,
)
from exercises.engine.simulation import run_seed

GOOD_ENDINGS = ("verified_global_pause",)


@dataclass
class Run:
    ending: str
    final: dict[str, Any]
    treaty_month: int | None = None
    talks_at_treaty: int | None = None
    mandate_month: int | None = None


@dataclass
class Odds:
    policy: str
    idle: str | None
    runs: int
    endings: dict[str, float] = field(default_factory=dict)
    treaty_or_mandate: float = 0.0
    earliest_treaty: int | None = None
    shortest_talks: int | None = None
    medians: dict[str, float] = field(default_factory=dict)
    means: dict[str, float] = field(default_factory=dict)

    def share(self, *endings: str) -> float:
        return sum(self.endings.get(e, 0.0) for e in endings)

    @property
    def good(self) -> float:
        return self.share(*GOOD_ENDINGS)


def indices(scenario: Scenario) -> list[str]:
    """Every 0-100 index: an int variable bounded by 0 and 100."""
    return [
        name
        for name, var in scenario.variables.items()
        if var.type == "int" and var.min == 0 and var.max == 100
    ]


def play_run(scenario: Scenario, policy: str, seed: str, idle: str | None = None) -> Run:
    """One exercise, as `play_exercise` plays it, with `idle` making no moves."""
    state = initial_state(scenario)
    run = Run(ending="unresolved", final={})
    for _ in range(scenario.turns):
        state = open_turn(scenario, state, seed).state
        moves = [
            move
            for role in scenario.role_ids
            if role != idle
            for move in choose_moves(scenario, state, role, policy, seed)
        ]
        state = adjudicate(scenario, state, moves, seed, record=False).state
        values = state.values
        if values["treaty_signed"] and run.treaty_month is None:
            run.treaty_month, run.talks_at_treaty = state.turn, int(values["talks_months"])
        if values["pause_mandated"] and run.mandate_month is None:
            run.mandate_month = state.turn
        if state.ending is not None:
            break
    run.ending, run.final = state.ending or "unresolved", dict(state.values)
    return run


def _play(job: tuple[str, str | None, str]) -> Run:
    policy, idle, seed = job
    return play_run(load_bundled_scenarios()["ai-pause"], policy, seed, idle)


def measure(
    policy: str, runs: int, seed: int = 2026, idle: str | None = None, workers: int = 1
) -> Odds:
    scenario = load_bundled_scenarios()["ai-pause"]
    jobs = [(policy, idle, run_seed(seed, i)) for i in range(runs)]
    if workers > 1:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            results = pool.map(_play, jobs, chunksize=25)
    else:
        results = [play_run(scenario, policy, s, idle) for _, _, s in jobs]
    return summarise(scenario, policy, idle, results)


def summarise(scenario: Scenario, policy: str, idle: str | None, results: list[Run]) -> Odds:
    count = Counter(r.ending for r in results)
    treaties = [r for r in results if r.treaty_month is not None]
    odds = Odds(policy=policy, idle=idle, runs=len(results))
    odds.endings = {e: count[e] / len(results) for e in sorted(count)}
    odds.treaty_or_mandate = sum(
        r.treaty_month is not None or r.mandate_month is not None for r in results
    ) / len(results)
    odds.earliest_treaty = min((r.treaty_month or 0 for r in treaties), default=None)
    odds.shortest_talks = min((r.talks_at_treaty or 0 for r in treaties), default=None)
    odds.medians = {
        n: statistics.median(float(r.final[n]) for r in results) for n in indices(scenario)
    }
    odds.means = {
        n: statistics.fmean(float(r.final[n]) for r in results) for n in scenario.variables
    }
    return odds


def distance(a: Odds, b: Odds) -> float:
    """Total variation distance between two ending distributions, in points (0 to 100)."""
    endings = set(a.endings) | set(b.endings)
    return 50 * sum(abs(a.endings.get(e, 0.0) - b.endings.get(e, 0.0)) for e in endings)


def report(runs: int, seed: int, workers: int) -> None:
    scenario = load_bundled_scenarios()["ai-pause"]
    every: dict[str, Odds] = {}
    for policy in scenario.policies:
        odds = every[policy] = measure(policy, runs, seed, workers=workers)
        shares = ", ".join(f"{e} {100 * s:.1f}%" for e, s in odds.endings.items())
        top = max(odds.medians.items(), key=lambda item: item[1])
        print(f"{policy:18} {shares}")
        print(
            f"{'':18} treaty or mandate {100 * odds.treaty_or_mandate:.1f}%, "
            f"earliest treaty month {odds.earliest_treaty}, shortest talks "
            f"{odds.shortest_talks}, highest index median {top[0]} {top[1]:.0f}"
        )
    first, rest = every["evidence-first"], every["evidence-no-pause"]
    print(f"pausing adds {100 * (first.good - rest.good):+.1f} points of good endings")
    alone, together = every["pause-alone"], every["pause-together"]
    key = "anthropic.valuation_busd"
    print(
        f"anthropic valuation at month 12: paused alone {alone.means[key]:.0f}, "
        f"paused with openai through the button {together.means[key]:.0f}"
    )
    for role in scenario.role_ids:
        idle = measure("evidence-first", runs, seed, idle=role, workers=workers)
        print(
            f"evidence-first, {role} idle: {distance(first, idle):.1f} points moved "
            f"(good {100 * idle.good:.1f}%)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    report(args.runs, args.seed, args.workers)


if __name__ == "__main__":
    main()
