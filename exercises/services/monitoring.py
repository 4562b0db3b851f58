"""What the operator watches: whether the database, Redis and the workers answer, how much
follow-up work waits, and how long adjudication takes. Read by `/healthz` and `/metrics`
(exercises/pages/health.py); every figure is read from the database (or Redis) when asked, so
that any web process gives the same answer whichever processes did the work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import redis
from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from exercises.models import Exercise, Heartbeat, Job

SWEEP = "sweep"
# The periodic sweep runs every 1 or 2 seconds: a minute without one means no worker (or no
# beat) is running it.
SWEEP_STALE = timedelta(seconds=60)
# The Celery queue the workers take jobs from (the broker's default).
CELERY_QUEUE = "celery"
# How far back the adjudication latency looks.
LATENCY_WINDOW = timedelta(hours=1)


def record_sweep(now: datetime) -> None:
    Heartbeat.objects.update_or_create(name=SWEEP, defaults={"at": now})


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return bool(cursor.fetchone() == (1,))
    except Exception:
        return False


def redis_ok() -> bool | None:
    """None when the deployment has no Redis."""
    if not settings.REDIS_URL:
        return None
    try:
        return bool(_redis().ping())
    except Exception:
        return False


def queue_length() -> int | None:
    """Messages waiting in the workers' queue, or None with no Redis (or Redis down)."""
    if not settings.REDIS_URL:
        return None
    try:
        return int(_redis().llen(CELERY_QUEUE))
    except Exception:
        return None


def _redis() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=1, socket_connect_timeout=1)


def last_sweep() -> datetime | None:
    return Heartbeat.objects.filter(name=SWEEP).values_list("at", flat=True).first()


@dataclass(frozen=True)
class Backlog:
    waiting: dict[str, int]  # jobs not done, by kind
    oldest_seconds: float  # how long the oldest of them has waited; 0 with none
    failing: int  # jobs not done whose last attempt failed


def backlog(now: datetime) -> Backlog:
    open_jobs = Job.objects.filter(done_at=None)
    waiting = dict(open_jobs.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    oldest = open_jobs.order_by("created_at").values_list("created_at", flat=True).first()
    return Backlog(
        waiting={kind: waiting.get(kind, 0) for kind in Job.Kind.values},
        oldest_seconds=(now - oldest).total_seconds() if oldest else 0.0,
        failing=open_jobs.exclude(error="").count(),
    )


def adjudication_latencies(now: datetime) -> list[float]:
    """Seconds from a turn's close (its adjudication job asked for) to the job done, for the
    adjudications done within the window, fastest first."""
    done = Job.objects.filter(kind=Job.Kind.ADJUDICATE, done_at__gte=now - LATENCY_WINDOW)
    pairs = done.values_list("created_at", "done_at")
    return sorted((finished - asked).total_seconds() for asked, finished in pairs if finished)


def exercises_by_status() -> dict[str, int]:
    counted = dict(
        Exercise.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    return {status: counted.get(status, 0) for status in Exercise.Status.values}


def now() -> datetime:
    return timezone.now()
