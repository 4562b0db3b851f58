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

A worker running a job beats (`Job.beat_at`, every WARGAME_JOB_HEARTBEAT seconds, from a
thread of its own): a worker that dies or freezes mid-job stops beating, and the sweep hands its
job out again after a few missed beats instead of waiting out the whole lease. The lease is
left for what no heartbeat can see, a message lost before any worker took it.

Handlers are idempotent (a turn is claimed before it is adjudicated, bots' moves carry
idempotency keys), so a job handed out twice does its work once.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import partial

from celery import current_app
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from exercises.models import Exercise, Job, QuickCheck, Turn

from .errors import Busy

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


# A worker whose heartbeat is this many beats old is taken for dead.
MISSED_BEATS = 5


def lease() -> timedelta:
    return timedelta(seconds=float(settings.WARGAME_ADJUDICATION_LEASE))


def heartbeat() -> float:
    return float(settings.WARGAME_JOB_HEARTBEAT)


def silence() -> timedelta:
    """How old a running job's last beat may grow before its worker is taken for dead."""
    return timedelta(seconds=heartbeat() * MISSED_BEATS)


def enqueue(
    exercise: Exercise | None,
    kind: str,
    *,
    turn: Turn | None = None,
    quick_check: QuickCheck | None = None,
    background: bool = False,
) -> Job:
    """Ask for `kind` of work on this exercise (or quick check) once the current transaction
    commits. `background`: work that takes long and that no answer waits for, which the
    embedded mode runs in a thread of its own rather than in the thread that committed."""
    assert transaction.get_connection().in_atomic_block, "a job belongs to a transaction"
    job = Job.objects.create(
        exercise=exercise, kind=kind, turn=turn, quick_check=quick_check, sent_at=timezone.now()
    )
    transaction.on_commit(partial(dispatch_in_background if background else dispatch, job.pk))
    return job


def dispatch(job_id: int) -> None:
    """Hand one job to whoever runs jobs in this deployment."""
    if settings.REDIS_URL:
        _send(job_id)
    else:
        _run_in_turn(job_id)


def dispatch_in_background(job_id: int) -> None:
    """`dispatch`, but the embedded mode runs the job in a thread of its own. (Handed out
    again by the sweep, it runs in the sweep's thread, as any job does.)"""
    if settings.REDIS_URL:
        _send(job_id)
    else:
        in_thread(job_id)


def in_thread(job_id: int) -> None:
    """Run a long job beside the request that asked for it, which answers at once."""
    threading.Thread(target=_run_and_close, args=(job_id,), name=f"job-{job_id}").start()


def _run_and_close(job_id: int) -> None:
    try:
        # Beating, as a worker does: the embedded sweep would otherwise take a check that runs
        # longer than the lease for lost and run it a second time.
        run(job_id, beating=True)
    finally:
        connection.close()


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


def run(job_id: int, *, beating: bool = False) -> bool:
    """Do one job unless it is done already; True once it is done. `beating`: record a
    heartbeat while it runs, as workers always do."""
    job = Job.objects.select_related("exercise", "turn").filter(pk=job_id).first()
    if job is None or job.done_at is not None:
        return True
    # Workers beat, and so do the embedded mode's background jobs; its other jobs run in the
    # thread that committed, or the sweeper's, which die with the process that runs them.
    beating = beating or bool(settings.REDIS_URL)
    now = timezone.now()
    Job.objects.filter(pk=job_id).update(
        sent_at=now, attempts=F("attempts") + 1, beat_at=now if beating else None
    )
    exercise = job.exercise.public_id if job.exercise else None
    fields = {"job": job_id, "kind": job.kind, "exercise": exercise}
    started = time.perf_counter()
    try:
        with _beating(job_id) if beating else _quiet():
            done = _handlers[job.kind](job)
    except Busy as exc:
        # Its exercise is held, by a worker that froze mid-adjudication most likely: no fault
        # of this job's, and no traceback to read. Tried again later, as any failure is.
        log.warning("job waited too long for its exercise; it will be tried again", extra=fields)
        Job.objects.filter(pk=job_id).update(error=f"Busy: {exc}"[:2000])
        return False
    except Exception as exc:
        # Kept, not dropped: the sweep hands the job out again, later after each failure.
        log.exception("job failed; it will be tried again", extra=fields)
        Job.objects.filter(pk=job_id).update(error=f"{type(exc).__name__}: {exc}"[:2000])
        return False
    if done:
        Job.objects.filter(pk=job_id, done_at=None).update(done_at=timezone.now())
    took = round((time.perf_counter() - started) * 1000, 1)
    log.info("job", extra={**fields, "done": done, "ms": took, "attempt": job.attempts + 1})
    return done


@contextmanager
def _quiet() -> Iterator[None]:
    yield


@contextmanager
def _beating(job_id: int) -> Iterator[None]:
    """Beat for the job from another thread (and connection) while the caller works on it:
    the work holds its transaction open, and its own connection could not write a beat that
    anyone else would see before it commits."""
    stop = threading.Event()
    beater = threading.Thread(target=_beat, args=(job_id, stop), name=f"job-{job_id}-beat")
    beater.start()
    try:
        yield
    finally:
        stop.set()
        beater.join()
        # Stopped beating: from now on only the lease (and its backoff) hands the job out.
        Job.objects.filter(pk=job_id).update(beat_at=None)


def _beat(job_id: int, stop: threading.Event) -> None:
    try:
        while not stop.wait(heartbeat()):
            try:
                Job.objects.filter(pk=job_id, done_at=None).update(beat_at=timezone.now())
            except Exception:  # a missed beat costs at most a needless hand-out, never a job
                log.warning("could not record job %s's heartbeat", job_id, exc_info=True)
    finally:
        connection.close()


def hand_out_due(now: datetime | None = None) -> int:
    """Hand out again every job whose worker stopped beating (it died or froze mid-job), and
    every job not done within the lease (its message was lost, or it failed); return how
    many."""
    now = now or timezone.now()
    waiting = Job.objects.filter(
        Q(beat_at=None, sent_at__lt=now - lease()) | Q(beat_at__lt=now - silence()),
        done_at=None,
    )
    handed = 0
    rows = waiting.values_list("pk", "sent_at", "attempts", "beat_at")
    for job_id, sent_at, attempts, beat_at in rows:
        if beat_at is None and sent_at > now - _backoff(attempts):
            continue
        # Conditional, so that of two sweeps racing only one hands the job out.
        fresh = Job.objects.filter(pk=job_id, sent_at=sent_at, done_at=None)
        if fresh.update(sent_at=now, beat_at=None):
            dispatch(job_id)
            handed += 1
    return handed


def _backoff(attempts: int) -> timedelta:
    """How long after its last start a job is handed out again: one lease, doubled after each
    failed attempt beyond the first."""
    backoff: timedelta = lease() * 2 ** max(attempts - 1, 0)
    return min(backoff, max(LONGEST_BACKOFF, lease()))
