"""How long the engine takes to adjudicate one full turn of `ai-pause`.

    python benchmarks/adjudicate_turn.py [--repeat 500] [--policy all-labs-pause] [--profile]

Every role makes its full quota of legal moves (the policy's bots first, then the first legal
actions `check_move` accepts), and `adjudicate` runs `--repeat` times on that turn. Prints the
median and p95 against the target. Not a test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from typing import Any

from exercises.engine import (
    Move,
    Rejected,
    Scenario,
    State,
    adjudicate,
    check_move,
    choose_moves,
    initial_state,
    load_bundled_scenarios,
    open_turn,
)
from exercises.engine.schema import ParamSpec

TARGET_MEDIAN_MS = 2.0
SEED = 20261122


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="ai-pause")
    parser.add_argument("--policy", default="all-labs-pause")
    parser.add_argument("--repeat", type=int, default=500)
    parser.add_argument("--profile", action="store_true", help="also print a cProfile summary")
    options = parser.parse_args()

    scenario = load_bundled_scenarios()[options.scenario]
    state = open_turn(scenario, initial_state(scenario), SEED).state
    moves = full_turn(scenario, state, options.policy)
    print(f"{scenario.id}: {len(moves)} moves by {len(scenario.role_ids)} roles")
    for move in moves:
        print(f"  {move.role:<10} {move.action} {dict(move.params) or ''}")
    outcome = adjudicate(scenario, state, moves, SEED)
    assert not outcome.rejections, [r.reason for r in outcome.rejections]

    timings = time_adjudication(scenario, state, moves, options.repeat)
    median, p95 = statistics.median(timings), percentile(timings, 95)
    verdict = "met" if median < TARGET_MEDIAN_MS else "MISSED"
    print(
        f"adjudicate x{options.repeat}: median {median:.3f} ms, p95 {p95:.3f} ms, "
        f"min {min(timings):.3f} ms (target: median under {TARGET_MEDIAN_MS:g} ms: {verdict})"
    )
    if options.profile or verdict == "MISSED":
        profile(scenario, state, moves, options.repeat)
    return 0


def full_turn(scenario: Scenario, state: State, policy: str) -> list[Move]:
    """Each role's full quota of legal moves: the bots' choice, topped up with legal actions."""
    quota = scenario.spec.moves_per_turn
    moves: list[Move] = []
    for role in scenario.role_ids:
        mine = choose_moves(scenario, state, role, policy, SEED)[:quota]
        for action in scenario.actions_for(role):
            if len(mine) >= quota:
                break
            candidate = Move(role, action.id, example_params(scenario, role, action.params))
            try:
                check_move(scenario, state, candidate, mine)
            except Rejected:
                continue
            mine.append(candidate)
        moves += mine
    return moves


def example_params(scenario: Scenario, role: str, params: dict[str, ParamSpec]) -> dict[str, Any]:
    from exercises.engine.params import param_choices

    chosen: dict[str, Any] = {}
    for name, spec in params.items():
        if spec.default is not None:
            chosen[name] = spec.default
        elif spec.type in ("choice", "role"):
            options = param_choices(scenario, spec, role)
            chosen[name] = options[0] if options else ""
        elif spec.type == "bool":
            chosen[name] = True
        elif spec.type == "text":
            chosen[name] = "benchmark"
        else:
            low = spec.min if spec.min is not None else 0
            chosen[name] = int(low) if spec.type == "int" else float(low)
    return chosen


def time_adjudication(
    scenario: Scenario, state: State, moves: list[Move], repeat: int
) -> list[float]:
    for _ in range(20):  # warm up: compiled-expression cache, allocator
        adjudicate(scenario, state, moves, SEED)
    timings = []
    for index in range(repeat):
        started = time.perf_counter()
        adjudicate(scenario, state, moves, index)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round((len(ordered) - 1) * pct / 100))]


def profile(scenario: Scenario, state: State, moves: list[Move], repeat: int) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    for index in range(repeat):
        adjudicate(scenario, state, moves, index)
    profiler.disable()
    print("\nTop 15 by cumulative time:")
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(15)


if __name__ == "__main__":
    sys.exit(main())
