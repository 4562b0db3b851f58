"""The database reads of the live stream: resuming a socket and filling a gap in a feed.

Everything comes back as channel-layer doorbells (`events.doorbell`), so events read from the
log and events heard live take the same road to the sockets.

They run on a few threads of their own that keep their database connection between calls
(as the API's threads do): when a thousand browsers reconnect at once, each handshake and
each resume would otherwise open a connection of its own, which on PostgreSQL means starting
a server process; kept, 1,000 reconnects took about 4 s instead of 11. Off Channels' one
thread-sensitive thread too, where they would queue behind each other and everything else.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from channels.db import database_sync_to_async
from django.db import connections

from exercises.models import Event, Exercise, Seat
from exercises.pools import pool_keeping_connections
from exercises.services.events import doorbell

PAGE = 500
THREAD_NAME = "wargame-live"
THREADS = 4

T = TypeVar("T")
_pool = pool_keeping_connections(THREAD_NAME, THREADS)


def on_the_pool(work: Callable[..., T]) -> Callable[..., Any]:
    """`work` as a coroutine function that runs on the pool's threads."""
    return database_sync_to_async(work, thread_sensitive=False, executor=_pool)


def close_connections() -> None:
    """Close the connection each of the pool's threads holds (tests, before the database
    goes): one call per thread, each waiting at a barrier until all have theirs."""
    barrier = threading.Barrier(THREADS)

    def close() -> None:
        barrier.wait(timeout=30)
        connections.close_all()

    for done in [_pool.submit(close) for _ in range(THREADS)]:
        done.result()


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


read = on_the_pool(_read)
last_seq = on_the_pool(_last_seq)
last_seqs = on_the_pool(_last_seqs)
revoked = on_the_pool(_revoked)
