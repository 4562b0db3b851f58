"""Celery tasks: they take ids, call the use cases and hold no game logic."""

from __future__ import annotations

from celery import shared_task

from exercises.services import bots, turns


@shared_task(acks_late=True, reject_on_worker_lost=True)
def adjudicate_turn(turn_id: int) -> bool:
    return turns.adjudicate(turn_id)


@shared_task
def play_bots(public_id: str) -> int:
    return bots.play_bots(public_id)


@shared_task
def sweep() -> dict[str, int]:
    return turns.sweep()
