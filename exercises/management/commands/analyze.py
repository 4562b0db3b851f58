"""`python manage.py analyze SCENARIO [--runs N]`: a balance analysis of any scenario.

Plays every policy, every policy with each role idle and with each role playing each other
policy (see exercises/engine/analysis.py), then prints a report, or with `--json` the whole
data (its shape is in docs/analysis.md). `--store` keeps it for the scenario library's
analysis page, keyed by the scenario's sha256 and the run count.
"""

from __future__ import annotations

import json
import os
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from exercises.engine import Scenario
from exercises.engine.analysis import analyse, setups
from exercises.management import load, usage_error
from exercises.management.analysis_report import report
from exercises.management.commands.simulate import parse_seed, progress_bar


class Command(BaseCommand):
    help = "Play a scenario's policies in many set-ups and report its balance."
    requires_system_checks = ()  # pure engine work, unless --store

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("scenario", metavar="SCENARIO", help="a bundled id or a file")
        parser.add_argument("--runs", type=int, default=200, help="exercises per set-up")
        parser.add_argument("--seed", default="0", help="the batch seed (default 0)")
        parser.add_argument(
            "--workers", type=int, default=os.cpu_count() or 1, help="processes (default: cores)"
        )
        parser.add_argument(
            "--policies", default=None, help="only the set-ups of these policies (a,b; default all)"
        )
        parser.add_argument("--json", action="store_true", help="print the whole data as JSON")
        parser.add_argument(
            "--store", action="store_true", help="keep it for the scenario library's page"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        runs, workers = options["runs"], options["workers"]
        if runs < 1:
            raise usage_error(f"--runs must be at least 1, not {runs}")
        if workers < 1:
            raise usage_error(f"--workers must be at least 1, not {workers}")
        scenario = load(options["scenario"])
        if not scenario.policies:
            raise usage_error(f"{scenario.id} has no policies: there is nothing to analyse")
        seed = parse_seed(options["seed"])
        chosen = setups(scenario, bases(scenario, options["policies"]))
        with progress_bar(len(chosen), enabled=not options["json"]) as bar:

            def advance(done: int) -> None:
                bar.update(done)

            result = analyse(scenario, runs, seed, workers, progress=advance, only=chosen)
        if options["store"]:
            store(scenario, result)
        if options["json"]:
            self.stdout.write(json.dumps(result, indent=1), ending="\n")
        else:
            self.stdout.write(report(scenario, result))


def bases(scenario: Scenario, text: str | None) -> list[str] | None:
    if text is None:
        return None
    wanted = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in wanted if name not in scenario.policies]
    if unknown or not wanted:
        raise usage_error(
            f"{scenario.id} has no policy {', '.join(unknown) or repr(text)}; "
            f"it has {', '.join(scenario.policies)}"
        )
    return wanted


def store(scenario: Scenario, result: dict[str, Any]) -> None:
    from django.db import DatabaseError

    from exercises.services.analyses import store_analysis

    try:
        store_analysis(scenario, result)
    except DatabaseError as exc:
        message = f"the analysis could not be stored ({exc}); is the database migrated?"
        raise CommandError(message) from exc
