"""`python manage.py simulate SCENARIO --policy NAME --runs N`: whole exercises played by bots.

With `--json`, prints exactly the summary `exercises.engine.simulate` returns (final values,
endings, per-turn series, the turn each ending came and the actions chosen); the same seed
gives byte-identical output whatever `--workers` is, since each run derives its own seed.
Without it, tables a person can read. The progress bar appears only on a terminal.
"""

from __future__ import annotations

import json
import math
import os
import sys
from argparse import ArgumentParser
from typing import Any, Protocol

from django.core.management.base import BaseCommand

from exercises.engine import Scenario, UnknownPolicy, simulate
from exercises.management import load, usage_error


class Command(BaseCommand):
    help = "Play whole exercises with a bot policy and summarise the final states."
    requires_system_checks = ()  # pure engine work: no database, no apps

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("scenario", metavar="SCENARIO", help="a bundled id or a file")
        parser.add_argument("--policy", required=True, help="one of the scenario's policies")
        parser.add_argument("--runs", type=int, default=100, help="exercises to play")
        parser.add_argument("--seed", default="0", help="the batch seed (default 0)")
        parser.add_argument("--turns", type=int, default=None, help="default: the scenario's")
        parser.add_argument(
            "--workers", type=int, default=available_cores(), help="processes (default: cores)"
        )
        parser.add_argument("--json", action="store_true", help="print the summary as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        runs, turns, workers = options["runs"], options["turns"], options["workers"]
        if runs < 1:
            raise usage_error(f"--runs must be at least 1, not {runs}")
        if turns is not None and turns < 1:
            raise usage_error(f"--turns must be at least 1, not {turns}")
        if workers < 1:
            raise usage_error(f"--workers must be at least 1, not {workers}")
        scenario = load(options["scenario"])
        seed = parse_seed(options["seed"])
        with progress_bar(runs, enabled=not options["json"]) as bar:

            def advance(done: int) -> None:
                bar.update(done)

            try:
                result = simulate(
                    scenario,
                    options["policy"],
                    runs,
                    seed=seed,
                    turns=turns,
                    workers=min(workers, runs),
                    progress=advance,
                )
            except UnknownPolicy as exc:
                raise usage_error(str(exc.args[0])) from exc
        if options["json"]:
            self.stdout.write(json.dumps(finite(result), indent=2, allow_nan=False), ending="\n")
        else:
            self.stdout.write(table(scenario, result, seed))


def available_cores() -> int:
    """The cores this process may run on: fewer than the machine's when it is pinned (taskset,
    a container's cpuset), and a worker more than the cores only waits for one."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def finite(value: Any) -> Any:
    """The summary with any figure that is not a finite number (none should be: the validator
    refuses .nan and .inf, and effects refuse to make one) as null, so the output stays JSON."""
    if isinstance(value, dict):
        return {key: finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [finite(item) for item in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def parse_seed(text: str) -> int | str:
    """An integer seed stays an integer; any other text is a seed too."""
    try:
        return int(text)
    except ValueError:
        return text


class Bar(Protocol):
    """What `handle` uses of a progress bar: tqdm's, or _NoBar."""

    def __enter__(self) -> Any: ...
    def __exit__(self, *exc: Any) -> Any: ...
    def update(self, n: float | None = 1) -> Any: ...


class _NoBar:
    """A bar that is not shown: what tqdm's `disable=True` does, without importing tqdm, a
    start-up cost before the first run for a bar that `--json`, logs and pipes never show."""

    def __enter__(self) -> _NoBar:
        return self

    def __exit__(self, *exc: Any) -> None:
        return None

    def update(self, n: float | None = 1) -> None:
        return None


def progress_bar(runs: int, enabled: bool) -> Bar:
    # Only a person at a terminal wants a bar; logs and pipes get clean output.
    if not (enabled and sys.stderr.isatty()):
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=runs, unit="run", file=sys.stderr, leave=False)


def table(scenario: Scenario, result: dict[str, Any], seed: int | str) -> str:
    final = result["final_state"]
    titles = {ending.id: ending.title for ending in scenario.endings}
    labels = {o: f"{o} ({titles[o]})" if o in titles else o for o in result["outcomes"]}
    width = max(len(name) for name in ["variable", *final["mean"], *labels.values()])
    lines = [
        f"{scenario.title} ({result['scenario']}), policy {result['policy']}: "
        f"{result['runs']} runs of {result['turns']} turns, seed {seed}",
        "",
        f"{'variable':<{width}}  {'mean':>10}  {'p5':>10}  {'p95':>10}",
    ]
    for name in final["mean"]:
        cells = [number(final[column][name]) for column in ("mean", "p5", "p95")]
        lines.append(f"{name:<{width}}  " + "  ".join(f"{cell:>10}" for cell in cells))
    for name, shares in result.get("final_shares", {}).items():
        ended = ", ".join(f"{value or '(empty)'} {share:.1%}" for value, share in shares.items())
        lines.append(f"{name:<{width}}  ended: {ended or 'empty in every run'}")
    lines += ["", f"{'outcome':<{width}}  {'share':>10}  {'came in turn':>14}"]
    for outcome, share in result["outcomes"].items():
        came = result["ending_turns"].get(outcome)
        when = (
            "-" if came is None else f"{came['first']} to {came['last']}, median {came['median']:g}"
        )
        lines.append(f"{labels[outcome]:<{width}}  {share:>10.1%}  {when:>14}")
    names = {action.id: action.label for action in scenario.actions}
    lines += ["", "actions chosen, times a run:"]
    for role, chosen in result["actions"].items():
        ranked = sorted(chosen.items(), key=lambda item: (-item[1], item[0]))
        lines.append(f"  {role}: " + ", ".join(f"{names[a]} {n:g}" for a, n in ranked))
    return "\n".join(lines)


def number(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"
