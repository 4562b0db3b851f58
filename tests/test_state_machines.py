"""The exercise's status and the turn's phase change only as their tables allow."""

from __future__ import annotations

import itertools

import pytest

from exercises.models import Event, Exercise, TransitionError, Turn
from exercises.services import commands, creation, seats, turns

TURN_STEPS = {
    ("open", "adjudicating"),
    ("adjudicating", "resolved"),
    ("adjudicating", "review"),
    ("review", "resolved"),
}
EXERCISE_STEPS = {
    ("lobby", "running"),
    ("lobby", "finished"),
    ("running", "paused"),
    ("running", "finished"),
    ("paused", "running"),
    ("paused", "finished"),
}


@pytest.mark.parametrize(("start", "to"), list(itertools.product(Turn.Phase.values, repeat=2)))
def test_a_turn_takes_exactly_the_steps_its_table_lists(start: str, to: str) -> None:
    turn = Turn(phase=start)

    if (start, to) in TURN_STEPS:
        turn.check_transition(to)
    else:
        with pytest.raises(TransitionError, match=f"a turn that is {start} cannot become {to}"):
            turn.check_transition(to)


@pytest.mark.parametrize(("start", "to"), list(itertools.product(Exercise.Status.values, repeat=2)))
def test_an_exercise_takes_exactly_the_steps_its_table_lists(start: str, to: str) -> None:
    exercise = Exercise(status=start)

    if (start, to) in EXERCISE_STEPS:
        exercise.check_transition(to)
    else:
        with pytest.raises(TransitionError, match=f"an exercise that is {start} cannot"):
            exercise.check_transition(to)


@pytest.mark.django_db
def test_a_turn_goes_open_then_adjudicating_then_resolved() -> None:
    # given a started exercise (the adjudication job, run after commit, never runs here: the
    # test's transaction is rolled back, so the test adjudicates by hand, as a worker would)
    created = creation.create_exercise(creation.bundled("ai-pause"), "Phases", seed="p")
    facilitator = seats.authenticate(created.exercise.public_id, created.tokens["facilitator"])
    commands.start(facilitator)
    turn = Turn.objects.get(exercise=created.exercise, number=1)
    assert turn.phase == Turn.Phase.OPEN

    # when the facilitator closes it, then it waits for adjudication
    turns.close_turn(facilitator)
    turn.refresh_from_db()
    assert turn.phase == Turn.Phase.ADJUDICATING
    assert turn.closed_at is not None and turn.resolved_at is None

    # when a worker adjudicates it, then it is resolved
    assert turns.adjudicate(turn.pk) is True
    turn.refresh_from_db()
    assert turn.phase == Turn.Phase.RESOLVED
    assert turn.resolved_at is not None

    # and the log records each step once, in that order
    log = Event.objects.filter(exercise=created.exercise, turn=1).order_by("seq")
    steps = [e for e in log.values_list("type", flat=True) if e.startswith("turn.")]
    assert steps == ["turn.opened", "turn.closed", "turn.adjudicated"]
