"""The quick check of an uploaded version: a few runs of each bot policy, as a job.

It is never run in a request: the page asks for one (`start`), a job runs it once that commits
(in a thread of its own in the embedded mode, on a worker in production), in the sandbox with
its own time limit, and writes its progress to the row the page polls. The same text, runs and
seed give the same result, so a check run twice (a job handed out again) changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from exercises.models import Job, QuickCheck, ScenarioVersion

from . import jobs, sandbox

RUNS = 20
SEED = "quick-check"


def start(version: ScenarioVersion, runs: int = RUNS) -> QuickCheck:
    with transaction.atomic():
        row = QuickCheck.objects.create(version=version, runs=runs, seed=SEED)
        jobs.enqueue(None, Job.Kind.QUICK_CHECK, quick_check=row, background=True)
    return row


@jobs.handler(Job.Kind.QUICK_CHECK)
def run_check(job: Job) -> bool:
    row = job.quick_check
    if row is None or row.status in (QuickCheck.Status.DONE, QuickCheck.Status.FAILED):
        return True
    _move(row, QuickCheck.Status.RUNNING)
    text = row.version.snapshot.text

    def progress(done: int, total: int) -> None:
        QuickCheck.objects.filter(pk=row.pk).update(done=done, total=total)

    try:
        result = sandbox.quick_check(text, row.runs, row.seed, progress)
    except sandbox.TooCostly as exc:
        # The same text fails the same way every time: done, not to be tried again.
        _move(row, QuickCheck.Status.FAILED, error=exc.message)
        return True
    _move(row, QuickCheck.Status.DONE, result=result)
    return True


def _move(row: QuickCheck, to: str, **fields: Any) -> None:
    row.check_transition(to)
    if to != QuickCheck.Status.RUNNING:
        fields["finished_at"] = timezone.now()
    QuickCheck.objects.filter(pk=row.pk).update(status=to, **fields)
    row.status = to


def status(row: QuickCheck) -> dict[str, Any]:
    """What the workshop page polls: where the check is, and its result once done."""
    return {
        "id": row.pk,
        "status": row.status,
        "done": row.done,
        "total": row.total,
        "runs": row.runs,
        "result": _table(row.result),
        "error": row.error or None,
    }


def _table(result: dict[str, Any] | None) -> dict[str, Any] | None:
    """The result with each policy's ending shares in percent, in the scenario's order of
    endings (then unresolved): the row the page shows."""
    if not result or "endings" not in result:
        return result
    order = [e["id"] for e in result["endings"]] + ["unresolved"]
    rows = [
        {"policy": p["policy"], "shares": [f"{100 * p['endings'].get(e, 0):.0f} %" for e in order]}
        for p in result["policies"]
    ]
    return {**result, "rows": rows}


def latest(version: ScenarioVersion) -> QuickCheck | None:
    return version.checks.order_by("-id").first()
