"""A Celery app whose worker dawdles while it holds a turn's claim, for the tests that kill one
there: `celery -A tests.runtime.slow_worker worker`, with SLOW_WORKER_SECONDS the time it sleeps
inside the adjudication's transaction. Production code knows nothing of it."""

from __future__ import annotations

import os
import time
from typing import Any

from celery.signals import worker_ready

from wargame.celery import app

__all__ = ["app"]


def _dawdle(*args: Any, **kwargs: Any) -> None:
    # Django is set up by the time the worker is ready (the tests run it with --pool=solo, so
    # this is the process that adjudicates); the services cannot be imported before.
    from exercises.services import turns

    resolve = turns._resolve

    def slowly(exercise: Any, turn: Any) -> None:
        time.sleep(float(os.environ["SLOW_WORKER_SECONDS"]))
        resolve(exercise, turn)

    turns._resolve = slowly


worker_ready.connect(_dawdle, weak=False)
