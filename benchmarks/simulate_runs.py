"""Wall time of `python manage.py simulate ai-pause --runs 1000 --turns 12 --json`, per policy.

    python benchmarks/simulate_runs.py [--runs 1000] [--workers N] [--profile]

Runs the command as a user would (a subprocess, so start-up and the worker pool count) for
`no-pause` and `all-labs-pause`, and prints seconds against the target. When a target is
missed, or with --profile, it also profiles a few runs in this process (cProfile, top 15 by
cumulative time) to show where the time goes. Not a test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POLICIES = ("no-pause", "all-labs-pause")
TARGET_SECONDS = 10.0  # for 1,000 runs of 12 turns on 2 cores


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="ai-pause")
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--turns", type=int, default=12)
    parser.add_argument("--workers", type=int, default=None, help="default: the command's")
    parser.add_argument("--profile", action="store_true", help="profile even if targets are met")
    options = parser.parse_args()

    target = TARGET_SECONDS * options.runs / 1000
    print(
        f"{os.cpu_count()} cores; target: {options.runs} runs of {options.turns} turns "
        f"in under {target:g} s on 2 cores"
    )
    missed = []
    for policy in POLICIES:
        seconds = time_command(
            options.scenario, policy, options.runs, options.turns, options.workers
        )
        verdict = "met" if seconds < target else "MISSED"
        print(
            f"  {policy:<16} {seconds:6.2f} s  ({1000 * seconds / options.runs:.2f} ms a run)"
            f"  {verdict}"
        )
        if verdict == "MISSED":
            missed.append(policy)
    for policy in missed if not options.profile else POLICIES:
        profile(options.scenario, policy, options.turns)
    return 0


def time_command(scenario: str, policy: str, runs: int, turns: int, workers: int | None) -> float:
    command = [
        sys.executable,
        "manage.py",
        "simulate",
        scenario,
        "--policy",
        policy,
        "--runs",
        str(runs),
        "--turns",
        str(turns),
        "--json",
    ]
    if workers is not None:
        command += ["--workers", str(workers)]
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def profile(scenario_id: str, policy: str, turns: int, runs: int = 40) -> None:
    from exercises.engine import load_bundled_scenarios, play_exercise

    scenario = load_bundled_scenarios()[scenario_id]
    profiler = cProfile.Profile()
    profiler.enable()
    for index in range(runs):
        play_exercise(scenario, policy, f"profile:{index}", turns)
    profiler.disable()
    print(f"\n{policy}: {runs} runs in one process, top 15 by cumulative time:")
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(15)


if __name__ == "__main__":
    sys.exit(main())
