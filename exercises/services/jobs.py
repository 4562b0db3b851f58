"""Follow-up work: recorded with the change that needs it, run once that change commits.

A use case that needs more done after it commits (adjudicate the turn it closed, let the bots
move in the turn it opened) calls `enqueue` inside its transaction. The job is a row written in
that same transaction, so what a caller was told succeeded cannot lose its follow-up: a crash,
a dead worker or a broker that was down only delays it, because the periodic sweep
(`hand_out_due`) hands out again every job not done within the lease.

How a job runs depends on the deployment:

- Embedded (no `REDIS_URL`): after the outermost commit, in the thread that committed, from a
  queue, one at a time. A job that asks for more jobs adds them to that queue rather than
  running them inside its own commit callback, so an exercise played by bots that advances by
  itself plays turn after turn in a loop, never in a recursion.
- Production: each job's id goes to the Celery workers (`exercises.tasks.run_job`), sent by
  name so that the use cases never import the task layer. A send that fails is logged and left
  to the sweep: the change it follows is committed and was answered as a success.

Handlers are idempotent (a turn is claimed before it is adjudicated, bots' moves carry
idempotency keys), so a job handed out twice does its work once.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from exercises.models import Exercise, Job, Turn

log = logging.getLogger(__name__)

# Whether the job's work is done: False leaves it to be handed out again after the lease.
Handler = Callable[[Job], bool]
_handlers: dict[str, Handler] = {}

# A job that keeps failing is retried later and later, up to this long apart.
LONGEST_BACKOFF = timedelta(hours=1)


def handler(kind: str) -> Callable[[Handler], Handler]:
    """Register the function that does the work of one kind of job."""

    def register(function: Handler) -> Handler:
        _handlers[kind] = function
        return function

    return register


def lease() -> timedelta:
    return timedelta(seconds=float(settings.WARGAME_ADJUDICATION_LEASE))


def enqueue(exercise: Exercise, kind: str, *, turn: Turn | None = None) -> Job:
    """Ask for `kind` of work on this exercise once the current transaction commits."""
    assert transaction.get_connection().in_atomic_block, "a job belongs to a transaction"
    job = Job.objects.create(exercise=exercise, kind=kind, turn=turn, sent_at=timezone.now())
    transaction.on_commit(partial(dispatch, job.pk))
    return job


def dispatch(job_id: int) -> None:
    """Hand one job to whoever runs jobs in this deployment."""
    if settings.REDIS_URL:
        _send(job_id)
    else:
        _run_in_turn(job_id)


def _send(job_id: int) -> None:
    try:
        current_app.send_task("exercises.tasks.run_job", args=[job_id])
    except Exception:  # the job row stays; the sweep sends it again once its lease is over
        log.warning("could not send job %s to the workers; the sweep will", job_id, exc_info=True)


class _Queue(threading.local):
    def __init__(self) -> None:
        self.jobs: deque[int] = deque()
        self.draining = False


_queue = _Queue()


def _run_in_turn(job_id: int) -> None:
    """Run the job now, unless this thread is already running jobs: then after them."""
    _queue.jobs.append(job_id)
    if _queue.draining:
        return
    _queue.draining = True
    try:
        while _queue.jobs:
            run(_queue.jobs.popleft())
    finally:
        _queue.draining = False


def run(job_id: int) -> bool:
    """Do one job unless it is done already; True once it is done."""
    job = Job.objects.select_related("exercise", "turn").filter(pk=job_id).first()
    if job is None or job.done_at is not None:
        return True
    Job.objects.filter(pk=job_id).update(sent_at=timezone.now(), attempts=F("attempts") + 1)
    try:
        done = _handlers[job.kind](job)
    except Exception as exc:
        # Kept, not dropped: the sweep hands the job out again, later after each failure.
        log.exception("job %s (%s) failed; it will be tried again", job_id, job.kind)
        Job.objects.filter(pk=job_id).update(error=f"{type(exc).__name__}: {exc}"[:2000])
        return False
    if done:
        Job.objects.filter(pk=job_id, done_at=None).update(done_at=timezone.now())
    return done


def hand_out_due(now: datetime | None = None) -> int:
    """Hand out again every job not done within the lease (its worker died, its message was
    lost, or it failed); return how many."""
    now = now or timezone.now()
    waiting = Job.objects.filter(done_at=None, sent_at__lt=now - lease())
    handed = 0
    for job_id, sent_at, attempts in waiting.values_list("pk", "sent_at", "attempts"):
        if sent_at > now - _backoff(attempts):
            continue
        # Conditional, so that of two sweeps racing only one hands the job out.
        if Job.objects.filter(pk=job_id, sent_at=sent_at, done_at=None).update(sent_at=now):
            dispatch(job_id)
            handed += 1
    return handed


def _backoff(attempts: int) -> timedelta:
    """How long after its last start a job is handed out again: one lease, doubled after each
    failed attempt beyond the first."""
    backoff: timedelta = lease() * 2 ** max(attempts - 1, 0)
    return min(backoff, max(LONGEST_BACKOFF, lease()))
