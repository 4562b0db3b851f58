"""Batch simulation: whole exercises played by bots, many times, summarised.

Run i uses its own seed derived from the batch seed, so the summary is the same whether the
runs are spread over one process or several, and the same seed gives byte-identical output.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from .adjudication import _adjudicate
from .bots import choose_moves
from .loader import load_scenario_text
from .moves import Move
from .opening import open_turn_unclocked
from .review import NO_REVIEW
from .scenario import Scenario
from .shared_jobs import run_shared
from .simulation_totals import Row, Totals, ordered_floats, ordered_ints
from .state import State, environment, initial_state

UNRESOLVED = "unresolved"


@dataclass
class Trace:
    """What `play_exercise` saw on the way, for `simulate`'s per-turn figures: each turn's
    values, in the scenario's order of variables, and the moves chosen (counted by the
    caller, once for many runs: a count a turn cost more than the turn's bookkeeping)."""

    series: list[Row] = field(default_factory=list)
    moves: list[Move] = field(default_factory=list)


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
        # The bots admitted their moves in this state: adjudication need not again.
        state = _adjudicate(scenario, state, moves, seed, False, NO_REVIEW, True).state
        if trace is not None:
            trace.series.append(_row(scenario, state))
            trace.moves += moves
        if state.ending is not None:
            break
    return state


def _row(scenario: Scenario, state: State) -> Row:
    """The state's numbers, in the scenario's order (texts, choices and lists have no mean)."""
    values = state.values
    if len(scenario.numeric_names) == len(values):
        return tuple(values.values())
    return tuple(values[name] for name in scenario.numeric_names)


def _word_names(scenario: Scenario) -> list[str]:
    numeric = set(scenario.numeric_names)
    return [name for name in scenario.variables if name not in numeric]


_role_and_action = attrgetter("role", "action")


_worker_scenario: Scenario | None = None


def _init_worker(source: str, path: str) -> None:
    global _worker_scenario
    _worker_scenario = load_scenario_text(source, path)


def _run_chunk(job: tuple[str, int | str, int | None, Sequence[int]], totals: Totals) -> int:
    """Plays the chunk's runs into `totals` (`simulation_totals`); how many it played."""
    policy, seed, turns, indices = job
    assert _worker_scenario is not None
    length = turns or _worker_scenario.turns
    words = _word_names(_worker_scenario)
    moves: list[Move] = []
    for index in indices:
        trace = Trace(moves=moves)
        state = play_exercise(_worker_scenario, policy, run_seed(seed, index), turns, trace)
        played = len(trace.series)
        totals.add_ending(state.ending or UNRESOLVED, played if state.ending else None)
        totals.add_words([state.values[name] for name in words])
        totals.add_run([trace.series[min(turn, played - 1)] for turn in range(length)])
    totals.actions.update(map(_role_and_action, moves))
    return len(indices)


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

    global _worker_scenario
    plays_for(scenario, policy, scenario.role_ids[0])  # fail early on an unknown policy
    jobs = [(policy, seed, turns, chunk) for chunk in _chunks(runs, workers)]
    _worker_scenario = scenario
    totals = Totals()
    if workers <= 1 or len(jobs) <= 1:
        for job in jobs:
            done = _run_chunk(job, totals)
            if progress:
                progress(done)
        totals.count_pending()
    else:
        args = (scenario.source, scenario.path)
        parts = run_shared(
            jobs, workers, _run_chunk, Totals, Totals.count_pending, progress, _init_worker, args
        )
        for part in parts:
            totals.merge(part)
    return summarise(scenario, policy, totals, turns or scenario.turns)


def _chunks(runs: int, workers: int) -> Iterator[range]:
    """The runs in chunks that shrink as they go: large ones first, since each costs a worker
    a turn at the shared counter and the parent a message, then small ones, so that no
    worker is left with a long chunk while the others have finished. Counts merge exactly,
    so how the runs are split changes nothing in the summary."""
    start = 0
    while start < runs:
        size = max(5, math.ceil((runs - start) / (max(1, workers) * 3)))
        yield range(start, min(start + size, runs))
        start += size


def summarise(scenario: Scenario, policy: str, totals: Totals, turns: int) -> dict[str, Any]:
    names = scenario.numeric_names
    columns = dict(zip(names, map(ordered_floats, totals.columns[-1]), strict=True))
    endings = totals.endings
    order = [e.id for e in scenario.endings] + [UNRESOLVED]
    summary: dict[str, Any] = {
        "scenario": scenario.id,
        "policy": policy,
        "runs": totals.runs,
        "turns": turns,
        "final_state": {
            "mean": {n: _round(sum(c) / len(c)) if c else None for n, c in columns.items()},
            "p5": {n: _round(percentile(c, 5)) for n, c in columns.items()},
            "p95": {n: _round(percentile(c, 95)) for n, c in columns.items()},
        },
        "outcomes": {e: round(endings[e] / totals.runs, 4) for e in order if endings[e]},
        "series": _series(names, totals),
        "ending_turns": _ending_turns(totals, order),
        "actions": _actions(scenario, totals),
    }
    if len(names) < len(scenario.variables):  # absent otherwise: outputs stay as they were
        summary["final_shares"] = _shares(scenario, totals)
    return summary


def _shares(scenario: Scenario, totals: Totals) -> dict[str, dict[str, float]]:
    """For each text and choice, the share of runs that ended on each value; for each list of
    roles, the share of runs that ended with each role in it. Most common first."""
    out: dict[str, dict[str, float]] = {}
    words = [n for n in scenario.variables if n not in scenario.numeric_names]
    for name, counted in zip(words, totals.words, strict=True):
        ranked = sorted(counted.items(), key=lambda item: (-item[1], item[0]))
        out[name] = {value: round(n / totals.runs, 4) for value, n in ranked}
    return out


def _series(names: list[str], totals: Totals) -> dict[str, dict[str, list[float | None]]]:
    """Each variable's mean, p5 and p95 after each turn, over the runs."""
    out: dict[str, dict[str, list[float | None]]] = {"mean": {}, "p5": {}, "p95": {}}
    for column, name in enumerate(names):
        by_turn = [ordered_floats(counts[column]) for counts in totals.columns]
        out["mean"][name] = [_round(sum(c) / len(c)) if c else None for c in by_turn]
        out["p5"][name] = [_round(percentile(c, 5)) for c in by_turn]
        out["p95"][name] = [_round(percentile(c, 95)) for c in by_turn]
    return out


def _ending_turns(totals: Totals, order: list[str]) -> dict[str, dict[str, Any]]:
    """For each ending reached: the turn it came, earliest, median and latest."""
    out = {}
    for ending in order:
        if ending in totals.ending_turns:
            turns = ordered_ints(totals.ending_turns[ending])
            out[ending] = {"first": turns[0], "median": percentile(turns, 50), "last": turns[-1]}
    return out


def _actions(scenario: Scenario, totals: Totals) -> dict[str, dict[str, float]]:
    """How many times a run each role chose each action, on average; actions never chosen are
    left out."""
    out: dict[str, dict[str, float]] = {}
    for role in scenario.role_ids:
        chosen = {
            a.id: round(totals.actions[(role, a.id)] / totals.runs, 4)
            for a in scenario.actions
            if totals.actions[(role, a.id)]
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
