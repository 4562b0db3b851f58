"""`python manage.py export_msel SCENARIO OUT.csv|.xlsx`: a scenario's injects as a MSEL
spreadsheet, one row each, in the columns `import_msel` reads (docs/scenario-reference.md,
"The inject timeline"). Effects have no column: they stay in the scenario file."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from exercises.engine import ScenarioLoadError, load_scenario
from exercises.management import UnknownScenario, scenario_path
from exercises.msel import TimelineError, timeline_rows, write_timeline


class Command(BaseCommand):
    help = "Write a scenario's injects as a MSEL spreadsheet (.csv or .xlsx)."
    requires_system_checks = ()  # reads and writes files only

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("scenario", metavar="SCENARIO", help="a path or a bundled id")
        parser.add_argument("out", metavar="OUT", help="a .csv or .xlsx file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            scenario = load_scenario(scenario_path(options["scenario"]))
        except UnknownScenario as exc:
            raise CommandError(str(exc), returncode=2) from exc
        except ScenarioLoadError as exc:
            raise CommandError(f"the scenario does not load:\n{exc}") from exc
        out = Path(options["out"])
        try:
            write_timeline(timeline_rows(scenario), out)
        except TimelineError as exc:
            raise CommandError(str(exc), returncode=2) from exc
        self.stdout.write(f"{out}: {len(scenario.spec.injects)} injects")
