"""Celery tasks: they take ids, call the use cases and hold no game logic."""

from __future__ import annotations

from celery import shared_task

from exercises.services import jobs, turns


# Acknowledged only once run, and handed back if the worker dies: with the job row kept until
# done and the sweep handing it out again, a job survives a lost message or worker either way.
@shared_task(acks_late=True, reject_on_worker_lost=True)
def run_job(job_id: int) -> bool:
    return jobs.run(job_id)


@shared_task
def sweep() -> dict[str, int]:
    return turns.sweep()
