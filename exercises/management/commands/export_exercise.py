"""`python manage.py export_exercise ID --format json|csv|html [--seat SEAT]`: an export on
stdout. The facilitator's (everything) unless `--seat` names another seat (`observer` or a
role), whose export holds only what that seat saw. The format is docs/export-format.md.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from exercises.management import usage_error
from exercises.models import Exercise, Seat
from exercises.services import export
from exercises.services.errors import ServiceError


class Command(BaseCommand):
    help = "Print an exercise's export: JSON, CSV or the HTML after-action report."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("id", metavar="ID", help="the exercise's id")
        parser.add_argument("--format", choices=export.FORMATS, default="json")
        parser.add_argument(
            "--seat", default="facilitator", help="facilitator (default), observer or a role id"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        seat = seat_of(options["id"], options["seat"])
        try:
            content, _ = export.render(export.export_for(seat), options["format"])
        except ServiceError as exc:
            raise usage_error(str(exc)) from exc
        self.stdout.write(content, ending="")


def seat_of(public_id: str, name: str) -> Seat:
    exercise = Exercise.objects.filter(public_id=public_id).first()
    if exercise is None:
        raise usage_error(f"there is no exercise {public_id!r}")
    seats = exercise.seats.filter(revoked_at=None)
    for seat in seats:
        if seat.name == name:
            return seat
    names = ", ".join(s.name for s in seats)
    raise usage_error(f"exercise {public_id} has no seat {name!r} (its seats: {names})")
