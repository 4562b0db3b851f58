"""Wall time of `python manage.py analyze SCENARIO --runs N --json`, for each bundled scenario.

    python benchmarks/analyze_scenarios.py [--runs 200] [--workers N] [--profile]

Runs the command as a user would (a subprocess: start-up and the worker pool count) and prints
seconds, the exercises played and the time per exercise. With --profile it also profiles one
set-up of each scenario in this process (cProfile, top 15 by cumulative time). Not a test:
figures depend on the machine. There is no target; `simulate_runs.py` holds the engine's.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", default="lab-crisis,ai-pause")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--workers", type=int, default=None, help="default: the command's")
    parser.add_argument("--profile", action="store_true")
    options = parser.parse_args()
    from exercises.engine import load_bundled_scenarios
    from exercises.engine.analysis import setups

    bundled = load_bundled_scenarios()
    for scenario_id in options.scenarios.split(","):
        exercises = len(setups(bundled[scenario_id])) * options.runs
        seconds = time_command(scenario_id, options.runs, options.workers)
        print(
            f"{scenario_id:<12} {seconds:7.1f} s for {exercises:,} exercises "
            f"({1000 * seconds / exercises:.2f} ms each)"
        )
        if options.profile:
            profile(scenario_id)
    return 0


def time_command(scenario_id: str, runs: int, workers: int | None) -> float:
    command = [sys.executable, "manage.py", "analyze", scenario_id, "--runs", str(runs), "--json"]
    if workers is not None:
        command += ["--workers", str(workers)]
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def profile(scenario_id: str, runs: int = 40) -> None:
    from exercises.engine import load_bundled_scenarios
    from exercises.engine.analysis import analyse, setups

    scenario = load_bundled_scenarios()[scenario_id]
    profiler = cProfile.Profile()
    profiler.enable()
    analyse(scenario, runs, only=setups(scenario)[:1])
    profiler.disable()
    print(f"\n{scenario_id}: one set-up of {runs} runs in one process, top 15 by cumulative:")
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(15)


if __name__ == "__main__":
    sys.exit(main())
