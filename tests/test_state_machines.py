"""The exercise's status and the turn's phase change only as their tables allow."""

from __future__ import annotations

import pytest

from exercises.models import Exercise, TransitionError, Turn


@pytest.mark.parametrize(
    ("start", "to"),
    [
        ("open", "resolved"),
        ("resolved", "open"),
        ("resolved", "adjudicating"),
        ("adjudicating", "open"),
    ],
)
def test_a_turn_refuses_a_phase_its_table_does_not_list(start: str, to: str) -> None:
    with pytest.raises(TransitionError, match="a turn that is"):
        Turn(phase=start).check_transition(to)


def test_a_turn_goes_open_then_adjudicating_then_resolved() -> None:
    turn = Turn(phase=Turn.Phase.OPEN)
    turn.check_transition(Turn.Phase.ADJUDICATING)
    turn.phase = Turn.Phase.ADJUDICATING
    turn.check_transition(Turn.Phase.RESOLVED)


def test_a_finished_exercise_can_become_nothing_else() -> None:
    for to in ("lobby", "running", "paused", "finished"):
        with pytest.raises(TransitionError):
            Exercise(status=Exercise.Status.FINISHED).check_transition(to)
