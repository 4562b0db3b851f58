"""Actions and rules that run once, or rest for some turns, without flag variables."""

from __future__ import annotations

import pytest

from exercises.engine import (
    Move,
    Rejected,
    Scenario,
    State,
    adjudicate,
    check_move,
    initial_state,
    load_scenario_text,
    open_turn,
)
from tests.engine.test_loader import BASE

SEED = 11

LIMITED = """\
  - id: audit
    label: Commission an audit
    roles: [lab]
    once: true
    success: {add: {risk: -1}}
  - id: lobby
    label: Lobby
    roles: [lab]
    cooldown: 2
    success: {add: {risk: 1}}
"""

RULES = """\
rules:
  - id: scandal
    description: The first time risk passes 10, the press notices.
    when: "state.risk > 10"
    once: true
    then: {add: {capability: -1.0}, public: "A scandal."}
  - id: dividend
    description: Each lab's shareholders are paid every third turn.
    for_each: [lab]
    cooldown: 2
    then: {add: {me.cash: -1.0}}
"""


def scenario() -> Scenario:
    text = BASE.replace("turns: 4\n", "turns: 8\n").replace(
        "endings:\n", LIMITED + RULES + "endings:\n"
    )
    return load_scenario_text(text, "s.yaml")


def next_turn(s: Scenario, state: State, *moves: Move) -> State:
    state = open_turn(s, state, SEED).state
    outcome = adjudicate(s, state, moves, SEED)
    assert all(r.accepted for r in outcome.results), [r.reason for r in outcome.results]
    return outcome.state


def test_an_action_taken_once_is_refused_to_that_role_after_and_not_to_others() -> None:
    s = scenario()
    state = next_turn(s, initial_state(s), Move("a", "audit", {}))
    state = open_turn(s, state, SEED).state

    with pytest.raises(Rejected, match="can be taken once, and a took it in turn 1"):
        check_move(s, state, Move("a", "audit", {}))
    check_move(s, state, Move("b", "audit", {}))


def test_an_action_with_a_cooldown_comes_back_after_it() -> None:
    s = scenario()
    state = next_turn(s, initial_state(s), Move("a", "lobby", {}))  # turn 1

    for _ in range(2):  # turns 2 and 3: resting
        with pytest.raises(Rejected, match="can be taken again in turn 4"):
            check_move(s, open_turn(s, state, SEED).state, Move("a", "lobby", {}))
        state = next_turn(s, state)
    check_move(s, open_turn(s, state, SEED).state, Move("a", "lobby", {}))  # turn 4


def test_a_rule_that_runs_once_fires_the_first_time_only() -> None:
    s = scenario()
    state = initial_state(s)
    capability = []
    for lobbyist in ("a", "b", None):
        state = next_turn(s, state, *([Move(lobbyist, "lobby", {})] if lobbyist else []))
        capability.append(state.values["capability"])

    assert state.values["risk"] > 10
    assert capability == [49.0, 49.0, 49.0]  # risk passed 10 in turn 1; the scandal once
    assert state.used["rule:scandal:*"] == 1


def test_a_rule_with_a_cooldown_runs_for_each_role_every_third_turn() -> None:
    s = scenario()
    state = initial_state(s)
    cash = []
    for _ in range(7):
        state = next_turn(s, state)
        cash.append(state.values["a.cash"])

    assert cash == [4.0, 4.0, 4.0, 3.0, 3.0, 3.0, 2.0]
    assert state.used["rule:dividend:a"] == state.used["rule:dividend:b"] == 7


def test_what_was_used_goes_into_the_state_and_back() -> None:
    s = scenario()
    state = next_turn(s, initial_state(s), Move("a", "audit", {}))

    again = State.from_dict(state.to_dict())

    assert again == state
    assert state.to_dict()["used"] == {
        "action:audit:a": 1,
        "rule:dividend:a": 1,
        "rule:dividend:b": 1,
    }
