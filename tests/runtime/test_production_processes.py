"""The production shape run by hand: this test process is the web process, a Celery worker
(and a beat) run as subprocesses, all on PostgreSQL and Redis, as docker-compose.yml starts
them.

How the processes share one database: pytest-django creates its test database on the
PostgreSQL server named by `DATABASE_URL` (`test_<name>`), and the `deployment` fixture hands
the workers a `DATABASE_URL` built from the connection the test itself uses, so they read and
write exactly the rows the test sees. The tests use `transactional_db`: the services commit
for real, as the worker needs, and the tables are emptied afterwards. Redis is
`WARGAME_TEST_REDIS_URL` (db 15 in CI), flushed before and after each test.

These tests therefore run only in the PostgreSQL pass of `python3 dev.py test` (the one that
sets `DATABASE_URL=$WARGAME_TEST_DATABASE_URL`) and skip in the SQLite pass.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterator

import pytest

from exercises import engine
from exercises.models import Event, Exercise, Job, Move, Seat, Turn
from exercises.services import commands, creation, moves, seats, turns
from exercises.services.errors import ServiceError
from exercises.services.scenarios import scenario_of, state_of
from exercises.tasks import run_job
from tests.runtime.conftest import Deployment, Process, wait_until

pytestmark = pytest.mark.django_db(transaction=True)

HUMANS = ("anthropic", "openai")
FINAL = (Move.Status.SUCCEEDED, Move.Status.FAILED, Move.Status.REJECTED)


@pytest.fixture
def no_adjudication_here(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Records (and refuses) any adjudication in the test process: only workers adjudicate."""
    calls: list[int] = []

    def refuse(exercise: Exercise, turn: Turn) -> None:
        calls.append(turn.pk)
        raise AssertionError("the web process adjudicated a turn")

    monkeypatch.setattr(turns, "_resolve", refuse)
    yield calls


def seat(created: creation.Created, name: str) -> Seat:
    return seats.authenticate(created.exercise.public_id, created.tokens[name])


def play_humans(created: creation.Created) -> None:
    """The two people's moves for the open turn, chosen as a careful lab would."""
    exercise = Exercise.objects.select_related("snapshot").get(pk=created.exercise.pk)
    scenario, state = scenario_of(exercise), state_of(exercise)
    for role in HUMANS:
        player = seat(created, role)
        for index, move in enumerate(
            engine.choose_moves(scenario, state, role, "all-labs-pause", exercise.seed)
        ):
            try:
                moves.submit_move(player, move.action, dict(move.params), move.text, f"{index}")
            except ServiceError:
                continue  # the rules say no this turn; a person would pick something else
        moves.declare_ready(player)


def resolved(turn_id: int) -> bool:
    return Turn.objects.filter(pk=turn_id, phase=Turn.Phase.RESOLVED).exists()


def adjudications(exercise: Exercise) -> Counter[int]:
    return Counter(
        Event.objects.filter(exercise=exercise, type="turn.adjudicated").values_list(
            "turn", flat=True
        )
    )


def jobs_run(worker: Process) -> int:
    """How many jobs the worker has run through, by its log."""
    lines = worker.output().splitlines()
    return sum("run_job[" in line and " succeeded in " in line for line in lines)


def test_a_whole_exercise_is_adjudicated_by_the_worker_once_per_turn(
    deployment: Deployment, no_adjudication_here: list[int]
) -> None:
    # given a worker, and an exercise in which bots play six roles and people two
    worker = deployment.start_worker()
    scenario = creation.bundled("ai-pause")
    bots = {role: "no-pause" for role in scenario.role_ids if role not in HUMANS}
    created = creation.create_exercise(scenario, "Production shape", seed="7", bots=bots)
    facilitator = seat(created, "facilitator")
    exercise = created.exercise

    # when it is played to its end: the worker moves the bots and adjudicates every turn
    commands.start(facilitator)
    played = redelivered = 0
    while True:
        play_humans(created)
        turn = Turn.objects.get(exercise=exercise, number=played + 1)
        wait_until(functools.partial(resolved, turn.pk))
        # A redelivered job (acks_late) or one the sweep hands out again changes nothing.
        for job in Job.objects.filter(turn=turn):
            run_job.delay(job.pk)
            redelivered += 1
        turns.sweep()
        played += 1
        if Exercise.objects.get(pk=exercise.pk).status == Exercise.Status.FINISHED:
            break
        turns.open_next_turn(facilitator)
    # Every job was sent once after its commit, and again above: wait until the worker has run
    # them all, so that a second adjudication, if a redelivery made one, would be in the log.
    sent = Job.objects.filter(exercise=exercise).count() + redelivered
    wait_until(lambda: jobs_run(worker) >= sent)

    # then every turn was adjudicated exactly once, by the worker, and every move settled
    assert played >= 3, played
    assert no_adjudication_here == []
    assert adjudications(exercise) == dict.fromkeys(range(1, played + 1), 1)
    assert not Move.objects.filter(exercise=exercise, status=Move.Status.SUBMITTED).exists()
    assert Move.objects.filter(exercise=exercise, role__in=HUMANS).exists()
    assert Move.objects.filter(exercise=exercise, seat__bot_policy="no-pause").exists()
    # and the event log, which is the truth (doorbells on the channel layer may be dropped),
    # is gapless and tells each turn whole: opened, closed, then adjudicated, in that order
    rows = Event.objects.filter(exercise=exercise).order_by("seq")
    log = list(rows.values_list("seq", "type", "turn"))
    assert [seq for seq, _, _ in log] == list(range(1, len(log) + 1))
    for number in range(1, played + 1):
        types = [kind for _, kind, turn_number in log if turn_number == number]
        steps = [
            kind for kind in types if kind in ("turn.opened", "turn.closed", "turn.adjudicated")
        ]
        assert steps == ["turn.opened", "turn.closed", "turn.adjudicated"], (number, types)
    assert log[-1][1] == "exercise.finished", log[-5:]
    # and the worker never failed to ring a doorbell (a failure is logged, never raised)
    assert "could not publish" not in worker.output()


def test_a_turn_whose_worker_died_mid_adjudication_is_resolved_once_by_another(
    deployment: Deployment, no_adjudication_here: list[int]
) -> None:
    # given a worker that sleeps inside the adjudication, holding its claim, for longer than
    # this test lasts: it is killed once its heartbeat is seen, however slowly the test sees it
    doomed = deployment.start_worker("tests.runtime.slow_worker", SLOW_WORKER_SECONDS="600")
    created = creation.create_exercise(creation.bundled("ai-pause"), "Crash", seed="3")
    facilitator = seat(created, "facilitator")
    commands.start(facilitator)
    play_humans(created)
    turn = Turn.objects.get(exercise=created.exercise, number=1)

    # when the facilitator closes the turn and the worker dies while it adjudicates
    turns.close_turn(facilitator)
    wait_until(lambda: Job.objects.filter(turn=turn).exclude(beat_at=None).exists())
    doomed.kill()
    assert Turn.objects.get(pk=turn.pk).phase == Turn.Phase.ADJUDICATING

    # and another worker comes up, whose lease (10 minutes) this test never waits out, and
    # beat sends the sweep every 2 s
    rescuer = deployment.start_worker(WARGAME_ADJUDICATION_LEASE="600", WARGAME_JOB_HEARTBEAT="1")
    deployment.start_beat()
    wait_until(lambda: resolved(turn.pk))

    # then the dead worker's silence was noticed, and the turn was resolved once
    resolved_turn = Turn.objects.get(pk=turn.pk)
    assert resolved_turn.claim
    assert no_adjudication_here == []
    assert adjudications(created.exercise) == {1: 1}
    outcomes = Event.objects.filter(exercise=created.exercise, type="role.outcome")
    assert sorted(outcomes.values_list("audience__roles__0", flat=True)) == sorted(HUMANS)
    statuses = Move.objects.filter(turn=turn).values_list("status", flat=True)
    assert statuses and all(status in FINAL for status in statuses)
    exercise = Exercise.objects.get(pk=created.exercise.pk)
    assert exercise.state == resolved_turn.state_after
    assert "requeued': 1" in rescuer.output()
