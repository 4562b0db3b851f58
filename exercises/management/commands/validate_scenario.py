"""`python manage.py validate_scenario [--strict] FILE...`: every error and warning with its
line, exit 1 on any error (and, with `--strict`, on any warning).

Errors go to stdout one per line as `file:line: where: message`, the shape editors and CI
annotators parse, warnings as `file:line: where: warning: message`; the count goes to stderr.
A FILE that is not a path may name a bundled scenario by its id (`ai-pause`).
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from exercises.engine import LoadError, Scenario, ScenarioLoadError, load_scenario
from exercises.management import UnknownScenario, scenario_path


class Command(BaseCommand):
    help = "Check scenario files: print every error with its line; exit 1 on any."
    requires_system_checks = ()  # reads files only: no database, no apps

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE", help="a path or a bundled id")
        parser.add_argument(
            "--strict", action="store_true", help="fail on warnings too (a CI gate)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        failed = 0
        for ref in options["files"]:
            scenario, errors = self.validate(ref)
            warnings = scenario.warnings if scenario is not None else []
            for error in sorted([*errors, *warnings], key=lambda e: e.line):
                self.stdout.write(one_line(error))
            if errors or (warnings and options["strict"]):
                failed += 1
            elif scenario is not None:
                said = f", {len(warnings)} warning{'' if len(warnings) == 1 else 's'}"
                self.stdout.write(f"{ref}: ok ({summary(scenario)}{said if warnings else ''})")
        if failed:
            files = "1 file" if failed == 1 else f"{failed} files"
            what = "errors or warnings (--strict)" if options["strict"] else "errors"
            raise CommandError(f"{files} with {what}", returncode=1)

    def validate(self, ref: str) -> tuple[Scenario | None, list[LoadError]]:
        try:
            path = scenario_path(ref)
        except UnknownScenario as exc:
            return None, [LoadError(ref, 0, "", str(exc))]
        try:
            return load_scenario(path), []
        except ScenarioLoadError as exc:
            return None, exc.errors


def one_line(error: LoadError) -> str:
    # PyYAML's messages span several lines (context, a caret); tools expect one per error.
    return " ".join(str(error).split())


def summary(scenario: Scenario) -> str:
    def count(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    return ", ".join(
        [
            count(len(scenario.roles), "role"),
            count(len(scenario.actions), "action"),
            count(len(scenario.rules), "rule"),
        ]
    )
