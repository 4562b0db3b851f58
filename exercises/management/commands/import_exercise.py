"""`python manage.py import_exercise EXPORT.json [--new-ids] [--json]`: restore an exercise
from the facilitator's export, and print a new link for every seat still in use (the export
holds no tokens; these are shown once, as by `create_exercise`).

The exercise keeps its id, so exporting it again gives the same bytes; when the id is taken
on this server, `--new-ids` restores it under a new id (and new move ids). Exit status 2 on a
file that cannot be restored (a seat's export, another format, a taken id without `--new-ids`).
"""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from exercises.management import usage_error
from exercises.services.errors import ServiceError
from exercises.services.restore import import_exercise

from .create_exercise import DEFAULT_BASE_URL, seats
from .verify_exercise import read_export


class Command(BaseCommand):
    help = "Restore an exercise from its facilitator's JSON export."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("export", metavar="EXPORT.json", help="a facilitator's JSON export")
        parser.add_argument(
            "--new-ids", action="store_true", help="a new exercise id, when its own is taken"
        )
        parser.add_argument("--base-url", default=DEFAULT_BASE_URL, help="the server's address")
        parser.add_argument("--json", action="store_true", help="print the seats as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        data = read_export(options["export"])
        try:
            created = import_exercise(data, new_ids=options["new_ids"])
        except ServiceError as exc:
            raise usage_error(str(exc)) from exc
        except (KeyError, TypeError, ValueError) as exc:
            raise usage_error(f"the export is malformed: {exc!r}") from exc
        links = seats(created.tokens, options["base_url"])
        if options["json"]:
            summary = {"id": created.exercise.public_id, "seats": links}
            self.stdout.write(json.dumps(summary, indent=2))
            return
        exercise = created.exercise
        self.stdout.write(f"Restored {exercise.name} as {exercise.public_id}. New links:")
        for name, seat in links.items():
            self.stdout.write(f"  {name}: {seat['url']}")
