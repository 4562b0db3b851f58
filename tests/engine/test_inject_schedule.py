"""The facilitator's changes to the injects' schedule are part of the engine's state: an inject
moved to another turn fires as that turn opens (whatever its own turn or condition), a skipped
one never fires by itself, and the state survives the round trip through `to_dict`."""

from __future__ import annotations

import pytest

from exercises.engine import (
    Rejected,
    Scenario,
    State,
    fire_inject,
    initial_state,
    load_bundled_scenarios,
    open_turn,
    schedule_inject,
    skip_inject,
)

SEED = 3


@pytest.fixture
def pause() -> Scenario:
    return load_bundled_scenarios()["ai-pause"]


def opened(scenario: Scenario, state: State, turn: int) -> tuple[State, list[str]]:
    """The state after turn `turn` opens (turns before it count as resolved), and the ids of
    the injects it fired."""
    state = state.evolve(turn=turn - 1, opened=max(state.opened, turn - 1))
    opening = open_turn(scenario, state, SEED)
    return opening.state, [e.data["inject"] for e in opening.events if e.type == "inject"]


def test_an_inject_moved_to_another_turn_fires_then_and_not_on_its_own(pause: Scenario) -> None:
    state = schedule_inject(pause, initial_state(pause), "midterm_pressure", 3)

    assert "midterm_pressure" not in opened(pause, state, 2)[1]
    after, fired = opened(pause, state, 3)
    assert "midterm_pressure" in fired
    assert "midterm_pressure" not in opened(pause, after, 6)[1]
    assert after.scheduled == {}


def test_a_conditional_inject_scheduled_fires_whether_or_not_its_condition_holds(
    pause: Scenario,
) -> None:
    state = schedule_inject(pause, initial_state(pause), "scary_demo", 2)

    assert "scary_demo" in opened(pause, state, 2)[1]


def test_a_skipped_inject_never_fires_by_itself_but_can_be_sent_by_hand(pause: Scenario) -> None:
    state = skip_inject(pause, initial_state(pause), "red_team_report")

    assert "red_team_report" not in opened(pause, state, 1)[1]
    sent = fire_inject(pause, state, "red_team_report", 1)
    assert [e.data["inject"] for e in sent.events] == ["red_team_report"]


def test_scheduling_a_skipped_inject_brings_it_back_and_skipping_a_scheduled_one_drops_it(
    pause: Scenario,
) -> None:
    start = initial_state(pause)

    back = schedule_inject(
        pause, skip_inject(pause, start, "midterm_pressure"), "midterm_pressure", 4
    )
    dropped = skip_inject(
        pause, schedule_inject(pause, start, "midterm_pressure", 4), "midterm_pressure"
    )

    assert (back.scheduled, back.skipped) == ({"midterm_pressure": 4}, ())
    assert (dropped.scheduled, dropped.skipped) == ({}, ("midterm_pressure",))


@pytest.mark.parametrize(
    ("inject", "turn", "reason"),
    [
        ("no_such_inject", 3, "no inject"),
        ("red_team_report", 3, "has fired already"),
        ("midterm_pressure", 1, "has opened already"),
        ("midterm_pressure", 13, "has 12 turns"),
    ],
)
def test_an_inject_that_cannot_be_scheduled_says_why(
    pause: Scenario, inject: str, turn: int, reason: str
) -> None:
    state, _ = opened(pause, initial_state(pause), 1)

    with pytest.raises(Rejected, match=reason):
        schedule_inject(pause, state, inject, turn)


def test_the_schedule_survives_the_round_trip_through_a_dictionary(pause: Scenario) -> None:
    state = skip_inject(pause, initial_state(pause), "red_team_report")
    state = schedule_inject(pause, state, "midterm_pressure", 4)

    assert State.from_dict(state.to_dict()) == state


def test_a_state_whose_schedule_was_never_changed_keeps_the_dictionary_it_had(
    pause: Scenario,
) -> None:
    assert "scheduled" not in initial_state(pause).to_dict()
    assert "skipped" not in initial_state(pause).to_dict()


def test_an_inject_moved_to_a_later_turn_and_sent_by_hand_meanwhile_is_no_longer_moved(
    pause: Scenario,
) -> None:
    state = schedule_inject(pause, initial_state(pause), "midterm_pressure", 4)

    sent = fire_inject(pause, state, "midterm_pressure", 1).state

    assert sent.scheduled == {}
    assert "midterm_pressure" not in opened(pause, sent, 4)[1]
