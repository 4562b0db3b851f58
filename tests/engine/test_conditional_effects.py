"""`if` blocks in a branch: changes, texts, reveals and publications applied only when their
condition holds (or the `else` when it does not), checked at load like every expression."""

from __future__ import annotations

import pytest

from exercises.engine import (
    Move,
    Scenario,
    ScenarioLoadError,
    State,
    adjudicate,
    initial_state,
    load_scenario_text,
    open_turn,
)
from tests.engine.test_loader import BASE

SEED = 5

TEST = """\
  - id: test
    label: Test the model
    roles: [lab]
    success:
      add: {risk: 1}
      text: "You test it."
      if:
        - when: "state.capability > 60.0"
          then:
            add: {risk: 5}
            public: "{role}'s tests find trouble."
            if:
              - when: "me.cash >= 5.0"
                then: {add: {me.cash: -2.0}, text: "You pay for the fix."}
          else:
            add: {capability: 1.0}
            text: "Nothing alarming."
            reveal: [me.paused]
"""


def scenario(extra: str = TEST) -> Scenario:
    return load_scenario_text(BASE.replace("endings:\n", extra + "endings:\n"), "s.yaml")


def turn_with(mini: Scenario, **values: float) -> State:
    state = open_turn(mini, initial_state(mini), SEED).state
    return state.evolve(values={**state.values, **values})


def test_the_else_block_applies_when_the_condition_does_not_hold() -> None:
    s = scenario()
    outcome = adjudicate(s, turn_with(s), [Move("a", "test", {})], SEED)

    [result] = outcome.results
    assert outcome.state.values["risk"] == 11
    assert outcome.state.values["capability"] == 51.0
    assert result.text == "You test it. Nothing alarming."
    assert result.public == ""
    assert "a" in outcome.state.seen["a.paused"]


def test_the_then_block_and_its_nested_block_apply_when_they_hold() -> None:
    s = scenario()
    outcome = adjudicate(s, turn_with(s, capability=70.0), [Move("a", "test", {})], SEED)

    [result] = outcome.results
    assert outcome.state.values["risk"] == 16  # 10 + 1 + 5: both adds to one variable count
    assert outcome.state.values["a.cash"] == 3.0
    assert result.text == "You test it. You pay for the fix."
    assert result.public == "Lab A's tests find trouble."
    assert "a" not in outcome.state.seen.get("a.paused", ())


def test_a_nested_block_whose_condition_fails_changes_nothing() -> None:
    s = scenario()
    state = turn_with(s, capability=70.0, **{"b.cash": 4.0})
    outcome = adjudicate(s, state, [Move("b", "test", {})], SEED)

    [result] = outcome.results
    assert outcome.state.values["b.cash"] == 4.0
    assert outcome.state.values["risk"] == 16
    assert result.text == "You test it."


def test_a_condition_that_is_not_a_bool_is_a_load_error_on_its_line() -> None:
    with pytest.raises(ScenarioLoadError) as caught:
        scenario(TEST.replace('"me.cash >= 5.0"', '"me.cash"'))

    [error] = caught.value.errors
    assert error.where == "actions[2].success.if[0].then.if[0].when"
    assert "true or false" in error.message


def test_a_secret_action_may_not_publish_from_inside_an_if() -> None:
    secret = TEST.replace(
        "    roles: [lab]\n", "    roles: [lab]\n    free: true\n    secret: true\n"
    )

    with pytest.raises(ScenarioLoadError) as caught:
        scenario(secret)

    wheres = [e.where for e in caught.value.errors]
    assert wheres == ["actions[2].success.if[0].then.public"]
