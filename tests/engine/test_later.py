"""`later`: a branch schedules changes, lines or an inject some turns on, worked out when it is
scheduled and applied as that turn is adjudicated."""

from __future__ import annotations

import pytest

from exercises.engine import (
    Move,
    Opening,
    Outcome,
    Scenario,
    ScenarioLoadError,
    State,
    adjudicate,
    initial_state,
    load_scenario_text,
    open_turn,
)
from tests.engine.test_loader import BASE

SEED = 4

INVEST = """\
  - id: invest
    label: Invest in a new cluster
    roles: [lab]
    cost: {me.cash: 2.0}
    success:
      text: "The build starts."
      later:
        - turns: 2
          add: {capability: "me.cash"}
          text: "Your cluster is online."
          public: "{role} switches on a new cluster."
          inject: press
"""

PRESS = """\
injects:
  - {id: press, title: Press coverage, text: The press covers the new clusters., when: "false"}
"""


def scenario(actions: str = INVEST) -> Scenario:
    text = BASE.replace("turns: 4\n", "turns: 6\n").replace(
        "endings:\n", actions + PRESS + "endings:\n"
    )
    return load_scenario_text(text, "s.yaml")


def turn(s: Scenario, state: State, *moves: Move) -> tuple[Opening, Outcome]:
    opening = open_turn(s, state, SEED)
    return opening, adjudicate(s, opening.state, moves, SEED)


def test_a_scheduled_change_lands_n_turns_later_with_its_words() -> None:
    s = scenario()
    _, first = turn(s, initial_state(s), Move("a", "invest", {}))
    _, second = turn(s, first.state)
    opening, third = turn(s, second.state)

    # worked out when scheduled, from the state the turn started in: a held 5.0 cash
    assert second.state.values["capability"] == 50.0
    assert third.state.values["capability"] == 55.0
    assert "Lab A switches on a new cluster." in third.narrative
    private = [(line.text, line.audience.roles) for line in third.lines if line.audience.roles]
    assert ("Your cluster is online.", ("a",)) in private
    assert third.state.later == ()
    # and the inject it names fired as that turn opened
    assert [e.data["inject"] for e in opening.events if e.type == "inject"] == ["press"]


def test_what_is_scheduled_waits_in_the_state_and_survives_a_round_trip() -> None:
    s = scenario()
    _, first = turn(s, initial_state(s), Move("a", "invest", {}))

    [entry] = first.state.later
    assert entry["turn"] == 3 and entry["role"] == "a"
    assert State.from_dict(first.state.to_dict()) == first.state


def test_an_unknown_inject_in_later_is_a_load_error() -> None:
    with pytest.raises(ScenarioLoadError) as caught:
        scenario(INVEST.replace("inject: press", "inject: prees"))

    [error] = caught.value.errors
    assert (error.where, error.message) == (
        "actions[2].success.later[0].inject",
        "no inject 'prees'",
    )
