"""The event log: appending events in the changing transaction, publishing after commit.

Seq numbers are assigned by bumping `Exercise.last_seq` with an UPDATE in the same transaction
as the event rows: on PostgreSQL the row lock orders concurrent writers, on SQLite the
immediate transaction does, so seqs are gapless and never reused. The channel-layer message
sent after commit rings the doorbell, carrying the stored event so that server processes need
not read it back; a client that misses one catches up from the log by seq.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.db.models import F

from exercises.models import Event, Exercise

from . import rows

log = logging.getLogger(__name__)

EVERYONE: dict[str, Any] = {"all": True}
FACILITATOR_ONLY: dict[str, Any] = {}


def to_roles(*roles: str) -> dict[str, Any]:
    return {"roles": sorted(set(roles))}


def append(
    exercise: Exercise,
    type: str,
    data: dict[str, Any],
    *,
    turn: int,
    audience: dict[str, Any],
    redacted: dict[str, Any] | None = None,
) -> Event:
    """Add one event to the log. Must run inside the transaction that made the change."""
    assert transaction.get_connection().in_atomic_block, "events belong to a transaction"
    # The caller locked the exercise row, so its last_seq is current: one conditional UPDATE
    # claims the next seq. Should it not be current after all, take it the slow, safe way.
    seq = exercise.last_seq + 1
    if not rows.claim_seq(exercise.pk, seq):
        Exercise.objects.filter(pk=exercise.pk).update(last_seq=F("last_seq") + 1)
        seq = Exercise.objects.values_list("last_seq", flat=True).get(pk=exercise.pk)
    exercise.last_seq = seq
    event = rows.insert(
        Event(
            exercise=exercise,
            seq=seq,
            type=type,
            turn=turn,
            data=data,
            audience=audience,
            redacted=redacted,
        )
    )
    publish_on_commit(exercise.public_id, doorbell(event))
    return event


_sqlite_writers = threading.RLock()


@contextmanager
def write_transaction() -> Iterator[None]:
    """A transaction for a use case that writes.

    SQLite allows one writer at a time and makes the others sleep-poll for the lock, which
    under concurrent requests gives seconds of latency; so writers in this process queue on a
    lock instead. Re-entrant, because embedded jobs run on commit in the same thread (jobs.py).
    PostgreSQL needs nothing more than the row locks the use cases take.
    """
    connection = transaction.get_connection()
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        with transaction.atomic():
            yield
        return
    with _sqlite_writers, transaction.atomic():
        yield


def group_name(public_id: str) -> str:
    return f"exercise.{public_id}"


def doorbell(event: Event) -> dict[str, Any]:
    """The channel-layer message for a stored event.

    It carries the event as stored, audience included, so that every server process can
    project it for its own sockets without reading it back (exercises/live/). The row stays the
    truth: a process that misses a message, or gets one without `event`, reads the log.
    """
    return {
        "type": "exercise.event",
        "seq": event.seq,
        "event": event.as_dict(),
        "audience": event.audience,
        "redacted": event.redacted,
    }


def publish_on_commit(public_id: str, message: dict[str, Any]) -> None:
    transaction.on_commit(lambda: _ring(public_id, message))


_server_loop: asyncio.AbstractEventLoop | None = None
_sending: set[asyncio.Task[None]] = set()


def ring_from(loop: asyncio.AbstractEventLoop) -> None:
    """Send this process's doorbells from `loop`, the ASGI server's, without waiting for them.

    A use case runs in a worker thread and rings on commit, while it still holds the SQLite
    writers' lock: waiting there for the loop to send would make every other writer wait too.
    """
    global _server_loop
    _server_loop = loop


def _ring(public_id: str, message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    loop = _server_loop
    if loop is not None and loop.is_running():
        loop.call_soon_threadsafe(_send_soon, layer, public_id, message)
        return
    try:  # a Celery worker or a command: no server loop here, so send and wait
        async_to_sync(layer.group_send)(group_name(public_id), message)
    except Exception:  # a lost doorbell is recovered by `resume`; the log is the truth
        log.warning("could not publish event %s of %s", message["seq"], public_id, exc_info=True)


def _send_soon(layer: Any, public_id: str, message: dict[str, Any]) -> None:
    task = asyncio.ensure_future(_send(layer, public_id, message))
    _sending.add(task)  # the loop keeps only a weak reference to its tasks
    task.add_done_callback(_sending.discard)


async def _send(layer: Any, public_id: str, message: dict[str, Any]) -> None:
    try:
        await layer.group_send(group_name(public_id), message)
    except Exception:  # as above: the log is the truth
        log.warning("could not publish event %s of %s", message["seq"], public_id, exc_info=True)
