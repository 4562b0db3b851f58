"""Batch simulation: whole exercises played by bots, many times, summarised.

Run i uses its own seed derived from the batch seed, so the summary is the same whether the
runs are spread over one process or several, and the same seed gives byte-identical output.
"""

from __future__ import annotations

import hashlib
import math
import multiprocessing
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from .adjudication import adjudicate
from .bots import choose_moves
from .loader import load_scenario_text
from .opening import open_turn
from .scenario import Scenario
from .state import State, environment, initial_state

UNRESOLVED = "unresolved"


@dataclass(frozen=True)
class RunResult:
    values: dict[str, float]
    ending: str


def run_seed(seed: int | str, index: int) -> str:
    return hashlib.sha256(f"{seed}:{index}".encode()).hexdigest()[:16]


def play_exercise(
    scenario: Scenario, policy: str, seed: int | str, turns: int | None = None
) -> State:
    """One whole exercise with every role a bot of `policy`; returns the final state."""
    state = initial_state(scenario)
    for _ in range(turns or scenario.turns):
        state = open_turn(scenario, state, seed).state
        env = environment(scenario, state, state.turn + 1)
        moves = [
            m
            for role in scenario.role_ids
            for m in choose_moves(scenario, state, role, policy, seed, env)
        ]
        state = adjudicate(scenario, state, moves, seed, record=False).state
        if state.ending is not None:
            break
    return state


def _numbers(state: State) -> dict[str, float]:
    return {name: float(value) for name, value in state.values.items()}


_worker_scenario: Scenario | None = None


def _init_worker(source: str, path: str) -> None:
    global _worker_scenario
    _worker_scenario = load_scenario_text(source, path)


def _run_chunk(job: tuple[str, int | str, int | None, Sequence[int]]) -> list[RunResult]:
    policy, seed, turns, indices = job
    assert _worker_scenario is not None
    results = []
    for index in indices:
        state = play_exercise(_worker_scenario, policy, run_seed(seed, index), turns)
        results.append(RunResult(_numbers(state), state.ending or UNRESOLVED))
    return results


def simulate(
    scenario: Scenario,
    policy: str,
    runs: int,
    seed: int | str = 0,
    turns: int | None = None,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Play `runs` exercises and summarise them as the `simulate` command prints them."""
    from .bots import plays_for

    plays_for(scenario, policy, scenario.role_ids[0])  # fail early on an unknown policy
    chunks = [list(range(i, min(i + 25, runs))) for i in range(0, runs, 25)]
    jobs = [(policy, seed, turns, chunk) for chunk in chunks]
    results: list[RunResult] = []
    for batch in _map(scenario, jobs, workers):
        results += batch
        if progress:
            progress(len(batch))
    return summarise(scenario, policy, results, turns or scenario.turns)


def _map(scenario: Scenario, jobs: list[Any], workers: int) -> Iterator[list[RunResult]]:
    global _worker_scenario
    _worker_scenario = scenario
    if workers <= 1 or len(jobs) <= 1:
        yield from map(_run_chunk, jobs)
        return
    # Forked workers inherit the loaded scenario; spawned ones (where fork is unavailable)
    # load it again from its text.
    if "fork" in multiprocessing.get_all_start_methods():
        pool = multiprocessing.get_context("fork").Pool(workers)
    else:
        args = (scenario.source, scenario.path)
        pool = multiprocessing.get_context("spawn").Pool(workers, _init_worker, args)
    with pool:
        yield from pool.imap(_run_chunk, jobs)


def summarise(
    scenario: Scenario, policy: str, results: Sequence[RunResult], turns: int
) -> dict[str, Any]:
    names = list(scenario.variables)
    columns = {name: sorted(r.values[name] for r in results) for name in names}
    endings = Counter(r.ending for r in results)
    order = [e.id for e in scenario.endings] + [UNRESOLVED]
    return {
        "scenario": scenario.id,
        "policy": policy,
        "runs": len(results),
        "turns": turns,
        "final_state": {
            "mean": {n: _round(sum(c) / len(c)) if c else None for n, c in columns.items()},
            "p5": {n: _round(percentile(c, 5)) for n, c in columns.items()},
            "p95": {n: _round(percentile(c, 95)) for n, c in columns.items()},
        },
        "outcomes": {e: round(endings[e] / len(results), 4) for e in order if endings[e]},
    }


def percentile(ordered: Sequence[float], pct: float) -> float | None:
    """Linear interpolation between closest ranks, on already sorted values."""
    if not ordered:
        return None
    position = (len(ordered) - 1) * pct / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
