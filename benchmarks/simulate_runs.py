"""Wall and CPU time of `python manage.py simulate SCENARIO --runs 1000 --turns 12 --json`.

    python benchmarks/simulate_runs.py [--scenario ai-pause] [--policy P ...] [--runs 1000]
        [--turns 12] [--workers N] [--baseline REF] [--profile]

Runs the command as a user would (a subprocess, so start-up and the worker pool count), per
policy (`no-pause` and `all-labs-pause` for `ai-pause`, every policy for another scenario),
and prints its wall time against the target, the CPU time it and its workers used (which
moves much less than the wall time when other programs share the machine: CPU time over the
cores is what an idle machine would take), and the engine's own CPU time per run in this
process. `--baseline REF` does the same with the tree of git ref REF (say `integration`),
extracted to a temporary directory, so before and after are measured side by side. With
--profile, or when a target is missed, it also profiles 40 runs in this process (cProfile,
top 15 by internal time). Not a test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import resource
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_POLICIES = {"ai-pause": ["no-pause", "all-labs-pause"]}
TARGET_SECONDS = 3.0  # for 1,000 runs of 12 turns on 2 cores (issue 11)


@dataclass(frozen=True)
class Figures:
    wall: float  # seconds
    cpu: float  # seconds of CPU, the command and its workers
    engine_ms: float  # CPU milliseconds per run, in one process


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="ai-pause")
    parser.add_argument("--policy", action="append", help="repeat for several; default above")
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--turns", type=int, default=12)
    parser.add_argument("--workers", type=int, default=None, help="default: the command's")
    parser.add_argument("--baseline", metavar="REF", help="also measure this git ref's tree")
    parser.add_argument("--profile", action="store_true", help="profile even if targets are met")
    options = parser.parse_args()

    policies = options.policy or default_policies(options.scenario)
    target = TARGET_SECONDS * options.runs / 1000
    print(
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; target: "
        f"{options.runs} runs of {options.turns} turns in under {target:g} s on 2 cores"
    )
    print(f"this machine's speed: {reference_loop():.2f} s CPU for the reference loop")
    trees = [("now", ROOT)]
    with tempfile.TemporaryDirectory() as scratch:
        if options.baseline:
            trees.insert(0, (options.baseline, extract(options.baseline, Path(scratch))))
        missed = []
        for tree_name, tree in trees:
            compile_bytecode(tree)
            print(f"\n{tree_name}: start-up {startup(tree, options.scenario, policies[0]):.2f} s")
            for policy in policies:
                figures = measure(tree, options, policy)
                met = figures.wall < target
                print(
                    f"  {policy:<18} {figures.wall:6.2f} s wall  {figures.cpu:6.2f} s CPU  "
                    f"engine {figures.engine_ms:5.2f} ms a run  {'met' if met else 'MISSED'}"
                )
                if tree == ROOT and (options.profile or not met):
                    missed.append(policy)
    for policy in missed:
        profile(options.scenario, policy, options.turns)
    return 0


def default_policies(scenario_id: str) -> list[str]:
    if scenario_id in DEFAULT_POLICIES:
        return DEFAULT_POLICIES[scenario_id]
    from exercises.engine import load_bundled_scenarios

    return list(load_bundled_scenarios()[scenario_id].policies)


def reference_loop() -> float:
    """CPU seconds of a fixed pure-Python loop, best of three. Machines of the same kind
    differ from one session to the next (the engine took 5 to 8 ms a run one day and 9 to
    12 ms the next, on the same code), and every figure here moves with this one: compare
    two sessions' figures by it before comparing their seconds."""
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        total = 0
        for i in range(10**7):
            total += i
        best = min(best, time.process_time() - started)
    return best


def compile_bytecode(tree: Path) -> None:
    """Byte-compile the tree first, as a user's first run of the command does. A shell with
    PYTHONDONTWRITEBYTECODE (CI's, this workplace's) would otherwise have every run compile
    the project's modules again: a fifth of the start-up here, and none on a user's machine."""
    targets = [str(tree / name) for name in ("exercises", "wargame", "manage.py")]
    subprocess.run([sys.executable, "-m", "compileall", "-q", *targets], check=True)


def extract(ref: str, scratch: Path) -> Path:
    """The tree of `ref`, as files (the engine and the command of that commit)."""
    archive = scratch / "tree.tar"
    subprocess.run(["git", "archive", "-o", str(archive), ref], cwd=ROOT, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(scratch / "tree", filter="data")
    return scratch / "tree"


def command(tree: Path, *args: str) -> list[str]:
    return [sys.executable, str(tree / "manage.py"), "simulate", *args]


def run(tree: Path, args: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one command (the CPU of its children, its workers, included)."""
    env = {**os.environ, "PYTHONPATH": str(tree)}  # that tree's code, not the installed one
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(args, cwd=tree, env=env, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def startup(tree: Path, scenario: str, policy: str) -> float:
    args = [scenario, "--policy", policy, "--runs", "1", "--turns", "1", "--workers", "1"]
    return run(tree, command(tree, *args, "--json"))[0]


def measure(tree: Path, options: argparse.Namespace, policy: str) -> Figures:
    args = [options.scenario, "--policy", policy, "--runs", str(options.runs)]
    args += ["--turns", str(options.turns), "--json"]
    if options.workers is not None:
        args += ["--workers", str(options.workers)]
    wall, cpu = run(tree, command(tree, *args))
    return Figures(wall, cpu, engine_ms(tree, options.scenario, policy, options.turns))


ENGINE_SCRIPT = """
import sys, time
from exercises.engine import load_bundled_scenarios, play_exercise
scenario = load_bundled_scenarios()[sys.argv[1]]
policy, turns = sys.argv[2], int(sys.argv[3])
for index in range(5):
    play_exercise(scenario, policy, f"warm:{index}", turns)
best = float("inf")
for attempt in range(3):  # the least disturbed of three rounds of 40 runs
    started = time.process_time()
    for index in range(40):
        play_exercise(scenario, policy, f"{attempt}:{index}", turns)
    best = min(best, (time.process_time() - started) / 40)
print(best * 1000)
"""


def engine_ms(tree: Path, scenario: str, policy: str, turns: int) -> float:
    """CPU milliseconds per run of `play_exercise` in one process: no start-up, no pool."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    args = [sys.executable, "-c", ENGINE_SCRIPT, scenario, policy, str(turns)]
    done = subprocess.run(args, cwd=tree, env=env, check=True, capture_output=True, text=True)
    return float(done.stdout.strip())


def profile(scenario_id: str, policy: str, turns: int, runs: int = 40) -> None:
    from exercises.engine import load_bundled_scenarios, play_exercise

    scenario = load_bundled_scenarios()[scenario_id]
    profiler = cProfile.Profile()
    profiler.enable()
    for index in range(runs):
        play_exercise(scenario, policy, f"profile:{index}", turns)
    profiler.disable()
    print(f"\n{policy}: {runs} runs in one process, top 15 by internal time:")
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(15)


if __name__ == "__main__":
    sys.exit(main())
