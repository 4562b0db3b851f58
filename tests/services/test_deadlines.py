"""Turn deadlines: kept in the database and enforced by the sweeper."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from exercises import tasks
from exercises.models import Turn
from exercises.services import commands, turns
from tests.services.conftest import Cast, Clock


def test_a_turn_with_turn_seconds_has_a_deadline(create: Callable[..., Cast], clock: Clock) -> None:
    cast = create(turn_seconds=300)

    commands.start(cast.facilitator)

    assert cast.turn().deadline == clock.now() + timedelta(seconds=300)
    [opened] = cast.events("turn.opened")
    assert opened.data["deadline"] == (clock.now() + timedelta(seconds=300)).isoformat()


def test_a_turn_without_turn_seconds_waits_for_the_facilitator(cast: Cast) -> None:
    assert cast.turn().deadline is None

    assert turns.sweep(now=cast.turn().opened_at + timedelta(days=30))["closed"] == 0
    assert cast.turn().phase == Turn.Phase.OPEN


def test_the_sweep_closes_a_turn_past_its_deadline_and_it_is_adjudicated(
    create: Callable[..., Cast],
) -> None:
    # given
    cast = create(turn_seconds=300)
    commands.start(cast.facilitator)
    deadline = cast.turn().deadline
    assert deadline is not None

    # when the sweep runs just before, then just after, the deadline
    assert turns.sweep(now=deadline - timedelta(seconds=1))["closed"] == 0
    assert turns.sweep(now=deadline + timedelta(seconds=1))["closed"] == 1

    # then
    assert cast.turn().phase == Turn.Phase.RESOLVED
    [closed] = cast.events("turn.closed")
    assert closed.data["reason"] == "deadline"
    assert len(cast.events("turn.adjudicated")) == 1
    assert turns.sweep(now=deadline + timedelta(seconds=2))["closed"] == 0


def test_the_sweep_leaves_a_paused_exercises_turn_open(create: Callable[..., Cast]) -> None:
    cast = create(turn_seconds=300)
    commands.start(cast.facilitator)
    deadline = cast.turn().deadline
    assert deadline is not None

    commands.pause(cast.facilitator)

    assert turns.sweep(now=deadline + timedelta(hours=1))["closed"] == 0
    assert cast.turn().phase == Turn.Phase.OPEN


def test_a_restart_loses_no_deadline(create: Callable[..., Cast], clock: Clock) -> None:
    # given an exercise created and started by one process, which then stops
    created = create(turn_seconds=120, auto_advance=True)
    commands.start(created.facilitator)
    public_id = created.public_id
    del created

    # when a new process, knowing nothing but the database, runs the periodic sweep late
    turn = Turn.objects.get(exercise__public_id=public_id, number=1)
    assert turn.deadline is not None
    clock.at = turn.deadline + timedelta(seconds=1)
    tasks.sweep.delay()

    # then the turn was closed at its deadline, adjudicated, and the next one opened
    turns_now = Turn.objects.filter(exercise__public_id=public_id).order_by("number")
    assert [(t.number, t.phase) for t in turns_now] == [
        (1, Turn.Phase.RESOLVED),
        (2, Turn.Phase.OPEN),
    ]
    assert turns_now[1].deadline == clock.now() + timedelta(seconds=120)


def test_each_turn_gets_its_own_deadline_from_when_it_opens(
    create: Callable[..., Cast], clock: Clock
) -> None:
    cast = create(turn_seconds=60)
    commands.start(cast.facilitator)
    turns.close_turn(cast.facilitator)
    clock.advance(1000)

    turns.open_next_turn(cast.facilitator)

    assert cast.turn().deadline == clock.now() + timedelta(seconds=60)
