"""The adjudication task: claimed atomically, idempotent, and taken over when a worker dies."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction
from pytest_django.fixtures import Settings

from exercises import tasks
from exercises.models import Exercise, Job, Turn
from exercises.services import jobs, moves, turns
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


def test_a_worker_that_dies_mid_adjudication_leaves_no_claim_and_the_next_one_starts_at_once(
    cast: Cast, held: Queue, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a worker that claims the turn and dies half way through writing its results
    settings.WARGAME_ADJUDICATION_LEASE = 600
    turns.close_turn(cast.facilitator)
    turn = cast.turn()
    resolve = turns._resolve

    def dies_half_way(*args: object) -> None:
        raise SystemExit("SIGKILL")

    monkeypatch.setattr(turns, "_resolve", dies_half_way)
    with pytest.raises(SystemExit):
        turns.adjudicate(turn.pk)

    # then its claim went with its transaction
    assert (cast.turn().phase, cast.turn().claim) == (Turn.Phase.ADJUDICATING, "")

    # when the job is handed to another worker, well within the lease
    monkeypatch.setattr(turns, "_resolve", resolve)
    assert held.run() == [True]

    # then it resolved the turn, once, and nobody hands the job out again
    assert cast.turn().phase == Turn.Phase.RESOLVED
    assert cast.turn().claim
    assert len(cast.events("turn.adjudicated")) == 1
    assert turns.adjudicate(turn.pk) is False


def test_a_job_whose_worker_stopped_beating_is_handed_out_after_five_missed_beats(
    cast: Cast, held: Queue, clock: Clock, settings: Settings
) -> None:
    # given a worker that took the adjudication, beat every 2 s, then died or froze
    settings.WARGAME_ADJUDICATION_LEASE = 600
    settings.WARGAME_JOB_HEARTBEAT = 2
    turns.close_turn(cast.facilitator)
    held.lose()
    [job] = Job.objects.filter(turn=cast.turn())
    Job.objects.filter(pk=job.pk).update(sent_at=clock.now(), beat_at=clock.now(), attempts=1)

    # when the sweep looks before five beats are missed, then after
    clock.advance(9)
    assert turns.sweep()["requeued"] == 0
    clock.advance(2)
    assert turns.sweep()["requeued"] == 1

    # then a live worker runs it, long before the lease would have run out
    assert held.run() == [True]
    assert cast.turn().phase == Turn.Phase.RESOLVED
    assert len(cast.events("turn.adjudicated")) == 1


def test_a_job_whose_worker_still_beats_is_not_handed_out_even_past_the_lease(
    cast: Cast, held: Queue, clock: Clock, settings: Settings
) -> None:
    # given a long job whose worker keeps beating
    settings.WARGAME_ADJUDICATION_LEASE = 30
    settings.WARGAME_JOB_HEARTBEAT = 2
    turns.close_turn(cast.facilitator)
    held.lose()
    [job] = Job.objects.filter(turn=cast.turn())
    Job.objects.filter(pk=job.pk).update(sent_at=clock.now(), attempts=1)

    # when the sweep looks long after the lease, a beat ago
    clock.advance(300)
    Job.objects.filter(pk=job.pk).update(beat_at=clock.now())
    clock.advance(2)

    # then the job stays with its worker
    assert turns.sweep()["requeued"] == 0


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


@pytest.mark.django_db(transaction=True)
def test_a_job_whose_exercise_a_frozen_worker_holds_gives_up_soon_and_is_tried_again(
    cast: Cast, held: Queue, settings: Settings
) -> None:
    # given a closed turn whose exercise another connection holds locked (a frozen worker)
    if connection.vendor != "postgresql":
        pytest.skip("row locks with a timeout are PostgreSQL's (the PostgreSQL pass)")
    settings.WARGAME_LOCK_TIMEOUT = 0.2
    turns.close_turn(cast.facilitator)
    locked, release = threading.Event(), threading.Event()

    def frozen_worker() -> None:
        try:
            with transaction.atomic():
                Exercise.objects.select_for_update().get(public_id=cast.public_id)
                locked.set()
                release.wait(timeout=60)
        finally:
            connection.close()

    holder = threading.Thread(target=frozen_worker)
    holder.start()
    assert locked.wait(timeout=60)

    # when the job is handed to a live worker
    try:
        outcome = held.run()
    finally:
        release.set()
        holder.join()

    # then it gave up without adjudicating, and the job waits to be tried again
    assert outcome == [False]
    assert cast.turn().phase == Turn.Phase.ADJUDICATING
    [job] = Job.objects.filter(turn=cast.turn())
    assert (job.done_at, job.error.split(":")[0]) == (None, "Busy")

    # when it is tried again, with the exercise free
    assert jobs.run(job.pk) is True
    assert len(cast.events("turn.adjudicated")) == 1
