"""The job road: follow-up work recorded with the change that needs it, run after commit.

Jobs run one at a time after the outermost commit in the embedded mode, go to Celery workers in
production, and are handed out again by the sweep when they were lost; a fault delays a job,
never drops it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from celery import current_app
from django.test import Client
from pytest_django.fixtures import Settings

from exercises.engine import Scenario, load_scenario_text
from exercises.models import Exercise, Job, Move, Turn
from exercises.services import commands, creation, turns
from tests.services.conftest import Cast, Clock, Queue

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini.yaml"


def endless(path: Path) -> Scenario:
    """The scenario stretched to the schema's longest exercise, its endings reached only at
    the last turn, so that nothing cuts the game short."""
    source = yaml.safe_load(path.read_text())
    source["turns"] = 200
    for ending in source["endings"]:
        ending["final"] = True
    return load_scenario_text(yaml.safe_dump(source, sort_keys=False))


def test_an_exercise_of_bots_that_advances_by_itself_is_played_to_its_200th_turn(
    transactional_db: None,
) -> None:
    # given an exercise of the schema's maximum length, every role a bot, advancing by itself
    # (a small scenario: the road from one turn to the next is the same for any scenario)
    long = endless(MINI)
    bots = dict.fromkeys(long.role_ids, "race")
    created = creation.create_exercise(
        long, "Bots all year", seed="200", bots=bots, auto_advance=True
    )
    cast = Cast(created)
    depth = sys.getrecursionlimit()

    # when the facilitator starts it, in the embedded mode: every job runs after its commit
    commands.start(cast.facilitator)

    # then every turn was played and adjudicated, one after the other, and the game ended
    exercise = cast.exercise()
    assert exercise.status == Exercise.Status.FINISHED
    assert exercise.ending
    assert list(
        Turn.objects.filter(exercise=exercise).order_by("number").values_list("number", "phase")
    ) == [(number, Turn.Phase.RESOLVED) for number in range(1, 201)]
    assert len(cast.events("turn.adjudicated")) == 200
    assert Move.objects.filter(exercise=exercise, turn__number=200).exists()
    assert not Job.objects.filter(exercise=exercise, done_at=None).exists()
    assert sys.getrecursionlimit() == depth  # nobody raised the limit to get there


def test_a_job_asked_for_by_a_job_runs_after_it_not_inside_it(
    create: Callable[..., Cast], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given an exercise of bots that advances by itself, and a record of the jobs in progress
    from exercises.services import jobs

    cast = create(bots={"meta": "no-pause"}, auto_advance=True)
    running: list[int] = []
    deepest: list[int] = []
    run = jobs.run

    def recorded(job_id: int) -> bool:
        running.append(job_id)
        deepest.append(len(running))
        try:
            return run(job_id)
        finally:
            running.pop()

    monkeypatch.setattr(jobs, "run", recorded)

    # when it starts (the bots' job), and the turn closes: adjudication opens the next turn,
    # which asks for the bots' moves again
    commands.start(cast.facilitator)
    turns.close_turn(cast.facilitator)

    # then each job ran on its own, never one inside another
    assert cast.turn().number == 2
    assert Job.objects.filter(exercise__public_id=cast.public_id).count() == 3
    assert max(deepest) == 1


def test_a_close_saved_while_the_broker_is_down_is_a_success_and_its_job_waits(
    cast: Cast, clock: Clock, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a production deployment whose broker does not answer
    settings.REDIS_URL = "redis://127.0.0.1:9/0"

    def broker_down(*args: Any, **kwargs: Any) -> None:
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(current_app, "send_task", broker_down)

    # when the facilitator closes the turn through the API
    client = Client()
    answer = client.post(
        f"/api/v1/exercises/{cast.public_id}/control",
        {"command": "close_turn"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {cast.tokens['facilitator']}"},
    )

    # then the close is answered as the success it is, and the adjudication is kept for later
    assert answer.status_code == 200, answer.content
    assert cast.turn().phase == Turn.Phase.ADJUDICATING
    [job] = Job.objects.filter(turn=cast.turn())
    assert (job.kind, job.done_at, job.attempts) == (Job.Kind.ADJUDICATE, None, 0)

    # when the broker is back and the sweep runs after the lease
    sent: list[tuple[str, list[int]]] = []
    monkeypatch.setattr(current_app, "send_task", lambda name, args: sent.append((name, args)))
    clock.advance(31)
    assert turns.sweep()["requeued"] == 1

    # then the job went to the workers again
    assert sent == [("exercises.tasks.run_job", [job.pk])]


def test_the_bots_move_once_their_lost_job_is_handed_out_again(
    create: Callable[..., Cast], held: Queue, clock: Clock
) -> None:
    # given a turn whose bots' job was lost (the worker was killed, or Redis restarted)
    cast = create(bots={"meta": "no-pause"})
    commands.start(cast.facilitator)
    held.lose()
    assert not cast.moves(role="meta")

    # when the sweep runs after the lease and the job runs
    clock.advance(31)
    assert turns.sweep()["requeued"] == 1
    assert held.run() == [True]

    # then the bot has moved and is in, so the turn can still close by itself
    assert cast.moves(role="meta")
    assert "meta" in cast.turn().ready


def test_a_failing_job_is_kept_and_tried_again_later_each_time(
    create: Callable[..., Cast], held: Queue, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a bots' job whose work fails (the database went away, say)
    from exercises.services import bots

    cast = create(bots={"meta": "no-pause"})
    commands.start(cast.facilitator)

    play_bots = bots.play_bots
    fault = [True]

    def broken(public_id: str) -> int:
        if fault:
            raise RuntimeError("the database went away")
        return play_bots(public_id)

    monkeypatch.setattr(bots, "play_bots", broken)

    # when it runs and fails, twice
    assert held.run() == [False]
    clock.advance(31)
    assert turns.sweep()["requeued"] == 1
    assert held.run() == [False]

    # then it is kept with its error, and handed out again after twice the lease
    [job] = Job.objects.filter(exercise__public_id=cast.public_id)
    assert (job.attempts, job.done_at) == (2, None)
    assert job.error == "RuntimeError: the database went away"
    clock.advance(31)
    assert turns.sweep()["requeued"] == 0
    clock.advance(30)
    assert turns.sweep()["requeued"] == 1

    # and once the fault is gone it is done
    fault.clear()
    assert held.run() == [True]
    assert cast.moves(role="meta")
