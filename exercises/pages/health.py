"""For the operator and the load balancer: `/healthz` and `/metrics`.

`/healthz` answers 200 while this process can serve (its database answers, and Redis when the
deployment has one), 503 otherwise; it also says when the workers last ran the sweep, which a
load balancer should not act on (a web process serves without workers) but a person should.
`/metrics` is Prometheus's text format, behind WARGAME_METRICS_TOKEN (a bearer token): the
backlog of jobs, the workers' queue, adjudication latency, the sweep's age, exercises by status.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_safe
from prometheus_client import generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector, CollectorRegistry

from exercises.services import monitoring


@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    now = monitoring.now()
    database = monitoring.database_ok()
    redis = monitoring.redis_ok()
    swept = monitoring.last_sweep() if database else None
    body = {
        "status": "ok" if database and redis is not False else "unavailable",
        "database": database,
        "redis": redis,
        "workers": {
            "last_sweep": swept.isoformat() if swept else None,
            "seconds_since": round((now - swept).total_seconds(), 1) if swept else None,
            "stale": swept is None or now - swept > monitoring.SWEEP_STALE,
        },
    }
    response = JsonResponse(body, status=200 if body["status"] == "ok" else 503)
    response["Cache-Control"] = "no-store"
    return response


@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    expected = settings.WARGAME_METRICS_TOKEN
    offered = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    # Unset, there are no metrics to see; a wrong token looks the same as none.
    if not expected or not hmac.compare_digest(offered.encode(), expected.encode()):
        raise Http404
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Figures())
    response = HttpResponse(generate_latest(registry), content_type="text/plain; version=0.0.4")
    response["Cache-Control"] = "no-store"
    return response


class _Figures(Collector):
    def collect(self) -> Iterator[Metric]:
        now = monitoring.now()
        backlog = monitoring.backlog(now)
        waiting = GaugeMetricFamily(
            "wargame_jobs_waiting", "Follow-up jobs not done yet, by kind.", labels=["kind"]
        )
        for kind, count in backlog.waiting.items():
            waiting.add_metric([kind], count)
        yield waiting
        yield GaugeMetricFamily(
            "wargame_jobs_oldest_waiting_seconds",
            "How long the oldest job not done has waited.",
            value=backlog.oldest_seconds,
        )
        yield GaugeMetricFamily(
            "wargame_jobs_failing", "Jobs not done whose last attempt failed.", backlog.failing
        )
        queued = monitoring.queue_length()
        if queued is not None:
            yield GaugeMetricFamily(
                "wargame_celery_queue_length", "Messages waiting for a worker.", value=queued
            )
        yield from _latency(now)
        yield from _sweep_and_exercises(now)


def _latency(now: monitoring.datetime) -> Iterator[Metric]:
    latencies = monitoring.adjudication_latencies(now)
    gauge = GaugeMetricFamily(
        "wargame_adjudication_latency_seconds",
        "From a turn's close to its adjudication done, over the last hour.",
        labels=["quantile"],
    )
    for quantile in (0.5, 0.9, 0.99, 1.0):
        if latencies:
            index = min(len(latencies) - 1, int(quantile * len(latencies)))
            gauge.add_metric([str(quantile)], latencies[index])
    yield gauge
    yield GaugeMetricFamily(
        "wargame_adjudications_last_hour",
        "Adjudications done over the last hour.",
        value=len(latencies),
    )


def _sweep_and_exercises(now: monitoring.datetime) -> Iterator[Metric]:
    swept = monitoring.last_sweep()
    if swept is not None:
        yield GaugeMetricFamily(
            "wargame_sweep_age_seconds",
            "Since the periodic sweep last ran (a worker runs it, sent by beat).",
            value=(now - swept).total_seconds(),
        )
    exercises = GaugeMetricFamily("wargame_exercises", "Exercises by status.", labels=["status"])
    for status, count in monitoring.exercises_by_status().items():
        exercises.add_metric([status], count)
    yield exercises
