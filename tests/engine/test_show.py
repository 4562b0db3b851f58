"""`show`: the acting role is told a value as it stands now, once, without a lasting reveal."""

from __future__ import annotations

import pytest

from exercises.engine import (
    Move,
    Scenario,
    ScenarioLoadError,
    adjudicate,
    initial_state,
    load_scenario_text,
    open_turn,
    visible_values,
)
from tests.engine.test_loader import BASE

SEED = 9

PEEK = """\
  - id: peek
    label: Ask an insider
    roles: [lab]
    params:
      lab: {type: role, roles: [lab], not_self: true}
    success: {text: "Your insider reports.", show: [risk, params.lab.cash, params.lab.paused]}
"""


def scenario(actions: str = PEEK) -> Scenario:
    text = BASE.replace(
        "  risk: {type: int, initial: 10, min: 0, max: 100}\n",
        "  risk: {type: int, initial: 10, min: 0, max: 100, visibility: facilitator, label: Risk,"
        " unit: points}\n",
    ).replace("endings:\n", actions + "endings:\n")
    return load_scenario_text(text, "s.yaml")


def test_the_actor_is_told_the_values_now_and_sees_them_no_longer() -> None:
    s = scenario()
    state = open_turn(s, initial_state(s), SEED).state

    outcome = adjudicate(s, state, [Move("a", "peek", {"lab": "b"})], SEED)

    [result] = outcome.results
    assert result.text == "Your insider reports. Risk: 10 points. cash: 5. paused: no."
    assert "risk" not in visible_values(s, outcome.state, "a")
    assert "b.cash" not in visible_values(s, outcome.state, "a")


def test_an_inject_cannot_show_anything() -> None:
    inject = (
        "injects:\n"
        "  - {id: leak, title: Leak, text: A leak., at_turn: 1, effects: {show: [risk]}}\n"
    )
    with pytest.raises(ScenarioLoadError) as caught:
        scenario(PEEK + inject)

    assert [e.where for e in caught.value.errors] == ["injects[0].effects.show"]
