"""`python manage.py verify_exercise EXPORT.json`: re-adjudicate every resolved turn of the
facilitator's export with the engine, from its recorded moves, rulings and seed. The replay
is the engine's own (exercises/engine/replay.py); this command only reads the file and reports.

Exit status 0 when every turn gives the recorded state, rolls, narrative and results; 1 on
any difference, each printed with its turn and variable; 2 on an export it cannot check (a
seat's export, which holds no seed; another format; a file that is not an export).
"""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from exercises.engine.replay import Uncheckable, verify_export
from exercises.management import usage_error


class Command(BaseCommand):
    help = "Re-adjudicate every turn of an export; exit 1 on any difference."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("export", metavar="EXPORT.json", help="a facilitator's JSON export")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            checked, differences = verify_export(read_export(options["export"]))
        except Uncheckable as exc:
            raise usage_error(f"cannot check this export: {exc}") from exc
        for difference in differences:
            self.stdout.write(str(difference))
        if differences:
            self.stderr.write(f"{len(differences)} differences in {checked} turns re-adjudicated")
            sys.exit(1)
        self.stdout.write(f"{checked} turns re-adjudicated: every one matches the record")


def read_export(path: str) -> Any:
    """The JSON an export file holds, or a usage error saying why it cannot be read."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise usage_error(f"cannot read {path}: {exc.strerror}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise usage_error(f"{path} is not JSON: {exc}") from exc
