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
from dataclasses import dataclass, field
from typing import Any

from .adjudication import adjudicate
from .bots import choose_moves
from .loader import load_scenario_text
from .opening import open_turn_unclocked
from .scenario import Scenario
from .state import State, environment, initial_state

UNRESOLVED = "unresolved"


@dataclass(frozen=True)
class RunResult:
    values: dict[str, float]
    ending: str
    # The values after each turn (a run that ended early holds its last state to the end), the
    # turn its ending came (None: unresolved), and how often each role chose each action.
    series: list[list[float]] = field(default_factory=list)
    ending_turn: int | None = None
    actions: dict[tuple[str, str], int] = field(default_factory=dict)
    # The final values of texts, choices and lists of roles, which have no mean.
    words: dict[str, Any] = field(default_factory=dict)


@dataclass
class Trace:
    """What `play_exercise` saw on the way, for `simulate`'s per-turn figures."""

    series: list[list[float]] = field(default_factory=list)
    actions: Counter[tuple[str, str]] = field(default_factory=Counter)


def run_seed(seed: int | str, index: int) -> str:
    return hashlib.sha256(f"{seed}:{index}".encode()).hexdigest()[:16]


def play_exercise(
    scenario: Scenario,
    policy: str,
    seed: int | str,
    turns: int | None = None,
    trace: Trace | None = None,
) -> State:
    """One whole exercise with every role a bot of `policy`; returns the final state."""
    state = initial_state(scenario)
    for _ in range(turns or scenario.turns):
        state = open_turn_unclocked(scenario, state, seed)
        env = environment(scenario, state, state.turn + 1)
        moves = [
            m
            for role in scenario.role_ids
            for m in choose_moves(scenario, state, role, policy, seed, env)
        ]
        state = adjudicate(scenario, state, moves, seed, record=False).state
        if trace is not None:
            trace.series.append(_row(scenario, state))
            trace.actions.update((m.role, m.action) for m in moves)
        if state.ending is not None:
            break
    return state


def _row(scenario: Scenario, state: State) -> list[float]:
    values = state.values
    if len(scenario.numeric_names) == len(values):
        return [float(v) for v in values.values()]
    return [float(values[name]) for name in scenario.numeric_names]


def _numbers(scenario: Scenario, state: State) -> dict[str, float]:
    return {name: float(state.values[name]) for name in scenario.numeric_names}


def _words(scenario: Scenario, state: State) -> dict[str, Any]:
    return {n: state.values[n] for n in scenario.variables if n not in scenario.numeric_names}


_worker_scenario: Scenario | None = None


def _init_worker(source: str, path: str) -> None:
    global _worker_scenario
    _worker_scenario = load_scenario_text(source, path)


def _run_chunk(job: tuple[str, int | str, int | None, Sequence[int]]) -> list[RunResult]:
    policy, seed, turns, indices = job
    assert _worker_scenario is not None
    results = []
    length = turns or _worker_scenario.turns
    for index in indices:
        trace = Trace()
        state = play_exercise(_worker_scenario, policy, run_seed(seed, index), turns, trace)
        ending_turn = len(trace.series) if state.ending else None
        series = trace.series + [trace.series[-1]] * (length - len(trace.series))
        results.append(
            RunResult(
                _numbers(_worker_scenario, state),
                state.ending or UNRESOLVED,
                series,
                ending_turn,
                dict(trace.actions),
                _words(_worker_scenario, state),
            )
        )
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
    names = scenario.numeric_names
    columns = {name: sorted(r.values[name] for r in results) for name in names}
    endings = Counter(r.ending for r in results)
    order = [e.id for e in scenario.endings] + [UNRESOLVED]
    summary: dict[str, Any] = {
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
        "series": _series(names, results, turns),
        "ending_turns": _ending_turns(results, order),
        "actions": _actions(scenario, results),
    }
    if len(names) < len(scenario.variables):  # absent otherwise: outputs stay as they were
        summary["final_shares"] = _shares(scenario, results)
    return summary


def _shares(scenario: Scenario, results: Sequence[RunResult]) -> dict[str, dict[str, float]]:
    """For each text and choice, the share of runs that ended on each value; for each list of
    roles, the share of runs that ended with each role in it. Most common first."""
    out: dict[str, dict[str, float]] = {}
    for name in scenario.variables:
        if name in scenario.numeric_names:
            continue
        counted: Counter[str] = Counter()
        for r in results:
            value = r.words[name]
            counted.update(value if isinstance(value, list) else [value])
        ranked = sorted(counted.items(), key=lambda item: (-item[1], item[0]))
        out[name] = {value: round(n / len(results), 4) for value, n in ranked}
    return out


def _series(
    names: list[str], results: Sequence[RunResult], turns: int
) -> dict[str, dict[str, list[float | None]]]:
    """Each variable's mean, p5 and p95 after each turn, over the runs."""
    out: dict[str, dict[str, list[float | None]]] = {"mean": {}, "p5": {}, "p95": {}}
    for column, name in enumerate(names):
        by_turn = [sorted(r.series[t][column] for r in results if r.series) for t in range(turns)]
        out["mean"][name] = [_round(sum(c) / len(c)) if c else None for c in by_turn]
        out["p5"][name] = [_round(percentile(c, 5)) for c in by_turn]
        out["p95"][name] = [_round(percentile(c, 95)) for c in by_turn]
    return out


def _ending_turns(results: Sequence[RunResult], order: list[str]) -> dict[str, dict[str, Any]]:
    """For each ending reached: the turn it came, earliest, median and latest."""
    came: dict[str, list[int]] = {}
    for r in results:
        if r.ending_turn is not None:
            came.setdefault(r.ending, []).append(r.ending_turn)
    out = {}
    for ending in order:
        if ending in came:
            turns = sorted(came[ending])
            out[ending] = {"first": turns[0], "median": percentile(turns, 50), "last": turns[-1]}
    return out


def _actions(scenario: Scenario, results: Sequence[RunResult]) -> dict[str, dict[str, float]]:
    """How many times a run each role chose each action, on average; actions never chosen are
    left out."""
    totals: Counter[tuple[str, str]] = Counter()
    for r in results:
        totals.update(r.actions)
    out: dict[str, dict[str, float]] = {}
    for role in scenario.role_ids:
        chosen = {
            a.id: round(totals[(role, a.id)] / len(results), 4)
            for a in scenario.actions
            if totals[(role, a.id)]
        }
        if chosen:
            out[role] = chosen
    return out


def percentile(ordered: Sequence[float], pct: float) -> float | None:
    """Linear interpolation between closest ranks, on already sorted values."""
    if not ordered:
        return None
    position = (len(ordered) - 1) * pct / 100
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
