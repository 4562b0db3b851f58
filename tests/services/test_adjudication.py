"""The adjudication task: claimed atomically, idempotent, and taken over when a worker dies."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from pytest_django.fixtures import Settings

from exercises import tasks
from exercises.models import Turn
from exercises.services import turns
from tests.services.conftest import Cast, Clock, Queue, in_threads


def test_adjudicating_a_turn_twice_resolves_it_once(cast: Cast, held: Queue) -> None:
    turns.close_turn(cast.facilitator)
    turn_id = cast.turn().pk

    assert turns.adjudicate(turn_id) is True
    state = cast.exercise().state
    assert turns.adjudicate(turn_id) is False

    assert len(cast.events("turn.adjudicated")) == 1
    assert cast.exercise().state == state
    assert cast.turn().phase == Turn.Phase.RESOLVED


def test_an_open_turn_is_not_adjudicated(cast: Cast) -> None:
    assert turns.adjudicate(cast.turn().pk) is False

    assert cast.turn().phase == Turn.Phase.OPEN
    assert cast.events("turn.adjudicated") == []


@pytest.mark.django_db(transaction=True)
def test_workers_racing_for_one_turn_resolve_it_once(cast: Cast, held: Queue) -> None:
    cast.free_form("anthropic", "We publish.")
    turns.close_turn(cast.facilitator)
    turn_id = cast.turn().pk

    results = in_threads(6, lambda _: turns.adjudicate(turn_id))

    assert sorted(results, key=str) == [False] * 5 + [True]
    assert len(cast.events("turn.adjudicated")) == 1
    assert len(cast.events("role.outcome")) == 1


def test_a_dead_workers_claim_blocks_others_until_its_lease_expires(
    cast: Cast, held: Queue, settings: Settings, clock: Clock
) -> None:
    # given a worker claimed the turn and died before it wrote anything
    settings.WARGAME_ADJUDICATION_LEASE = 30
    turns.close_turn(cast.facilitator)
    turn = cast.turn()
    Turn.objects.filter(pk=turn.pk).update(claimed_at=timezone.now(), claim="dead-worker")

    # when another worker gets the task, or the sweeper looks, within the lease
    assert turns.adjudicate(turn.pk) is False
    assert turns.sweep()["requeued"] == 0
    held.turn_ids.clear()  # the task the close queued: the dead worker had taken it

    # then nothing happened, even one second before the lease runs out
    clock.advance(29)
    assert turns.adjudicate(turn.pk) is False
    assert turns.sweep()["requeued"] == 0
    assert cast.turn().phase == Turn.Phase.ADJUDICATING
    assert cast.turn().claim == "dead-worker"

    # when the lease expires, the sweeper queues the turn again and a live worker runs it
    clock.advance(2)
    assert turns.sweep()["requeued"] == 1
    assert held.run() == [True]

    # then the turn is resolved once, and nobody queues it again
    assert cast.turn().phase == Turn.Phase.RESOLVED
    assert len(cast.events("turn.adjudicated")) == 1
    assert turns.sweep()["requeued"] == 0
    assert turns.adjudicate(turn.pk) is False


def test_a_lost_task_is_queued_again_by_the_sweeper(cast: Cast, held: Queue) -> None:
    # given a closed turn whose task vanished from the queue (the broker was restarted)
    turns.close_turn(cast.facilitator)
    held.turn_ids.clear()
    Turn.objects.filter(pk=cast.turn().pk).update(closed_at=timezone.now() - timedelta(seconds=60))

    # when
    assert turns.sweep()["requeued"] == 1
    held.run()

    # then
    assert cast.turn().phase == Turn.Phase.RESOLVED
    assert len(cast.events("turn.adjudicated")) == 1


def test_the_celery_task_adjudicates_by_turn_id(cast: Cast, held: Queue) -> None:
    turns.close_turn(cast.facilitator)
    [turn_id] = held.turn_ids

    assert tasks.adjudicate_turn.apply(args=(turn_id,)).get() is True
    assert tasks.adjudicate_turn.apply(args=(turn_id,)).get() is False
    assert len(cast.events("turn.adjudicated")) == 1
