"""The adjudication task: claimed atomically, idempotent, and taken over when a worker dies."""

from __future__ import annotations

import pytest
from pytest_django.fixtures import Settings

from exercises import tasks
from exercises.models import Job, Turn
from exercises.services import moves, turns
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
    published = cast.free_form("anthropic", "We publish.")
    moves.rule_on_move(cast.facilitator, published.public_id, outcome="success")
    turns.close_turn(cast.facilitator)
    turn_id = cast.turn().pk

    results = in_threads(6, lambda _: turns.adjudicate(turn_id))

    assert sorted(results, key=str) == [False] * 5 + [True]
    assert len(cast.events("turn.adjudicated")) == 1
    assert len(cast.events("role.outcome")) == 1


def test_a_dead_workers_claim_blocks_others_until_its_lease_expires(
    cast: Cast, held: Queue, clock: Clock, settings: Settings
) -> None:
    # given a worker took the job, claimed the turn and died before it wrote anything
    settings.WARGAME_ADJUDICATION_LEASE = 30
    turns.close_turn(cast.facilitator)
    turn = cast.turn()
    held.lose()
    Job.objects.filter(turn=turn).update(sent_at=clock.now(), attempts=1)
    Turn.objects.filter(pk=turn.pk).update(claimed_at=clock.now(), claim="dead-worker")

    # when another worker gets the job, or the sweeper looks, within the lease
    clock.advance(29)
    assert turns.adjudicate(turn.pk) is False
    assert turns.sweep()["requeued"] == 0

    # then nothing happened
    assert cast.turn().phase == Turn.Phase.ADJUDICATING
    assert cast.turn().claim == "dead-worker"

    # when the lease expires, the sweeper hands the job out again and a live worker runs it
    clock.advance(2)
    assert turns.sweep()["requeued"] == 1
    assert held.run() == [True]

    # then the turn is resolved once, and nobody hands it out again
    assert cast.turn().phase == Turn.Phase.RESOLVED
    assert len(cast.events("turn.adjudicated")) == 1
    clock.advance(60)
    assert turns.sweep()["requeued"] == 0
    assert turns.adjudicate(turn.pk) is False


def test_a_lost_job_is_handed_out_again_by_the_sweeper(
    cast: Cast, held: Queue, clock: Clock
) -> None:
    # given a closed turn whose job's message vanished (the broker was restarted)
    turns.close_turn(cast.facilitator)
    held.lose()

    # when the sweeper looks within the lease, then after it
    assert turns.sweep()["requeued"] == 0
    clock.advance(31)
    assert turns.sweep()["requeued"] == 1
    held.run()

    # then
    assert cast.turn().phase == Turn.Phase.RESOLVED
    assert len(cast.events("turn.adjudicated")) == 1


def test_the_celery_task_runs_a_job_by_id_and_a_second_run_changes_nothing(
    cast: Cast, held: Queue
) -> None:
    turns.close_turn(cast.facilitator)
    [job_id] = held.job_ids

    assert tasks.run_job.apply(args=(job_id,)).get() is True
    state = cast.exercise().state
    assert tasks.run_job.apply(args=(job_id,)).get() is True
    assert len(cast.events("turn.adjudicated")) == 1
    assert cast.exercise().state == state
    assert Job.objects.get(pk=job_id).done_at is not None
