"""The database reads of the live stream: resuming a socket and filling a gap in a feed.

Everything comes back as channel-layer doorbells (`events.doorbell`), so events read from the
log and events heard live take the same road to the sockets.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from channels.db import database_sync_to_async

from exercises.models import Event, Exercise, Seat
from exercises.services.events import doorbell

PAGE = 500


@dataclass(frozen=True)
class Page:
    doorbells: list[dict[str, Any]]
    last_seq: int  # the exercise's, when the page was read
    full: bool  # there may be more after it
    revoked: bool = False  # the seat asked about was given to someone else


def _read(
    public_id: str, after: int, through: int | None = None, seat_pk: int | None = None
) -> Page:
    """Events after `after` (up to `through`); with `seat_pk`, whether that seat was revoked
    too: a socket's resume is one trip to the database."""
    rows = Event.objects.filter(exercise__public_id=public_id, seq__gt=after)
    if through is not None:
        rows = rows.filter(seq__lte=through)
    page = [doorbell(event) for event in rows.order_by("seq")[:PAGE]]
    last_seq = Exercise.objects.values_list("last_seq", flat=True).get(public_id=public_id)
    revoked = seat_pk is not None and _revoked(seat_pk)
    return Page(page, last_seq, full=len(page) == PAGE, revoked=revoked)


def _last_seq(public_id: str) -> int:
    return Exercise.objects.values_list("last_seq", flat=True).get(public_id=public_id)


def _last_seqs(public_ids: list[str]) -> dict[str, int]:
    rows = Exercise.objects.filter(public_id__in=public_ids).values_list("public_id", "last_seq")
    return dict(rows)


def _revoked(seat_pk: int) -> bool:
    return Seat.objects.filter(pk=seat_pk).exclude(revoked_at=None).exists()


# Not thread-sensitive: these reads touch no state of a request, and in Channels' one
# thread-sensitive thread they would queue behind each other and everything else there.
read = database_sync_to_async(_read, thread_sensitive=False)
last_seq = database_sync_to_async(_last_seq, thread_sensitive=False)
last_seqs = database_sync_to_async(_last_seqs, thread_sensitive=False)
revoked = database_sync_to_async(_revoked, thread_sensitive=False)
