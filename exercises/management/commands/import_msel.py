"""`python manage.py import_msel SCENARIO TIMELINE.csv|.xlsx [--output FILE]`: merge a
timeline (a MSEL spreadsheet, one inject a row; docs/scenario-reference.md, "The inject
timeline") into a scenario file's injects.

An inject whose id the scenario has is updated with the row's cells; a new id is added. The
merged file must load: otherwise nothing is written and every problem is printed by row and
column (`TIMELINE:row 4, column channel: ...`), exit 1. Only the file's `injects:` block is
rewritten. SCENARIO may name a bundled scenario by its id; `--output` writes elsewhere.
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from exercises.management import UnknownScenario, scenario_path
from exercises.msel import TimelineError, merge, read_timeline


class Command(BaseCommand):
    help = "Merge a MSEL spreadsheet (.csv or .xlsx) into a scenario file's injects."
    requires_system_checks = ()  # reads and writes files only

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("scenario", metavar="SCENARIO", help="a path or a bundled id")
        parser.add_argument("timeline", metavar="TIMELINE", help="a .csv or .xlsx file")
        parser.add_argument("--output", metavar="FILE", help="write here, not to SCENARIO")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            source = scenario_path(options["scenario"])
        except UnknownScenario as exc:
            raise CommandError(str(exc), returncode=2) from exc
        timeline = Path(options["timeline"])
        if not timeline.is_file():
            raise CommandError(f"{timeline}: no such file", returncode=2)
        try:
            rows = read_timeline(timeline)
            text, scenario = merge(source.read_text(encoding="utf-8"), rows, str(source))
        except TimelineError as exc:
            for problem in exc.problems:
                self.stdout.write(f"{timeline.name}:{problem}")
            count = len(exc.problems)
            raise CommandError(
                f"{count} problem{'' if count == 1 else 's'}: nothing written"
            ) from None
        target = Path(options["output"] or source)
        target.write_text(text, encoding="utf-8")
        self.stdout.write(
            f"{target}: {len(rows)} row{'' if len(rows) == 1 else 's'} merged; "
            f"the scenario has {len(scenario.spec.injects)} injects"
        )
