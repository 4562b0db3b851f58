"""A Celery app whose worker dawdles where the fault suite wants to kill or pause it:
`celery -A faults.slow_worker worker`. `SLOW_WORKER_SECONDS` is the time it sleeps inside an
adjudication's transaction (holding the turn's claim and the exercise's row lock), or less if the
file `SLOW_WORKER_UNTIL` appears, after writing the turn's id to `SLOW_WORKER_MARKER`;
`SLOW_BOTS_SECONDS` the time it sleeps holding a bots job, after creating the file
`SLOW_BOTS_MARKER` so that the suite knows, without guessing a delay, that it holds one.
Production code knows nothing of it."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from celery.signals import worker_ready

from wargame.celery import app

__all__ = ["app"]


def _dawdle(*args: Any, **kwargs: Any) -> None:
    # Django is set up by the time the worker is ready (run with --pool=solo, this is the
    # process that runs the jobs); the services cannot be imported before.
    from exercises.services import bots, turns

    resolve, play_bots = turns._resolve, bots.play_bots

    def resolve_slowly(exercise: Any, turn: Any) -> None:
        # The claim is written with the results (one transaction), so no row shows a turn
        # being adjudicated: the suite learns it from this file instead.
        marker = os.environ.get("SLOW_WORKER_MARKER", "")
        if marker:
            Path(marker).write_text(str(turn.pk))
        wait(os.environ.get("SLOW_WORKER_UNTIL", ""), float(os.environ["SLOW_WORKER_SECONDS"]))
        resolve(exercise, turn)

    def play_bots_slowly(public_id: str) -> int:
        marker = os.environ.get("SLOW_BOTS_MARKER", "")
        if marker:
            Path(marker).write_text(public_id)
        time.sleep(float(os.environ.get("SLOW_BOTS_SECONDS", "0")))
        return play_bots(public_id)

    turns._resolve = resolve_slowly
    bots.play_bots = play_bots_slowly


def wait(path: str, seconds: float) -> None:
    """Sleep `seconds`, or until the file `path` exists when one is named."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not (path and Path(path).exists()):
        time.sleep(0.05)


worker_ready.connect(_dawdle, weak=False)
