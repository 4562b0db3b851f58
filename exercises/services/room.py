"""The room view: the screen on the wall, which the facilitator opens and everyone in the room
reads. It shows what the observer may see, whoever opened it: the facilitator's own seat
only lets it in, and projection.py then filters for the observer's seat, as everywhere."""

from __future__ import annotations

from exercises.models import Seat

from .locking import require_facilitator


def observer_seat(seat: Seat) -> Seat:
    """The seat whose view the room shows, for the facilitator's seat only."""
    require_facilitator(seat)
    return Seat.objects.select_related("exercise").get(
        exercise_id=seat.exercise_id, kind=Seat.Kind.OBSERVER, revoked_at=None
    )
