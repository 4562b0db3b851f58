"""Per-role objectives: goals written as expressions, evaluated after every turn, seen by the
role they belong to and by the facilitator only."""

from __future__ import annotations

from pathlib import Path

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
    visible_objectives,
)

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini.yaml"
SEED = 7

OBJECTIVES = {
    '  - {id: a, name: Lab A, briefing: "You are A.", tags: [lab]}\n': (
        "  - id: a\n    name: Lab A\n    briefing: You are A.\n    tags: [lab]\n"
        "    objectives:\n"
        '      - {id: lead, label: Pass 55 capability, when: "state.capability > 55.0"}\n'
        '      - {id: solvent, label: Keep 3 in cash, when: "me.cash >= 3.0",'
        " description: The board is watching.}\n"
    ),
    '  - {id: gov, name: Government, briefing: "You govern."}\n': (
        "  - id: gov\n    name: Government\n    briefing: You govern.\n"
        '    objectives: [{id: calm, label: Keep tension under 5, when: "state.tension < 5"}]\n'
    ),
}


def with_objectives(text: str | None = None) -> str:
    text = text or MINI.read_text()
    for old, new in OBJECTIVES.items():
        assert old in text
        text = text.replace(old, new)
    return text


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_scenario_text(with_objectives(), "mini+objectives")


def played(scenario: Scenario, *moves: Move) -> State:
    state = open_turn(scenario, initial_state(scenario), SEED).state
    return adjudicate(scenario, state, moves, SEED).state


def test_objectives_that_hold_after_a_turn_are_recorded_for_their_role(scenario: Scenario) -> None:
    state = played(scenario, Move("gov", "escalate", {}))

    assert state.achieved == {"a": ("solvent",)}  # tension went 2 -> 6: not calm any more


def test_each_role_sees_its_own_objectives_and_the_facilitator_every_roles(
    scenario: Scenario,
) -> None:
    state = played(scenario)

    assert set(visible_objectives(scenario, state, "facilitator")) == {"a", "gov"}
    assert visible_objectives(scenario, state, "a") == {
        "a": [
            {"id": "lead", "label": "Pass 55 capability", "description": "", "met": False},
            {
                "id": "solvent",
                "label": "Keep 3 in cash",
                "description": "The board is watching.",
                "met": True,
            },
        ]
    }
    assert visible_objectives(scenario, state, "b") == {}
    assert visible_objectives(scenario, state, "observer") == {}


def test_what_was_achieved_goes_into_the_state_and_back(scenario: Scenario) -> None:
    state = played(scenario)

    assert State.from_dict(state.to_dict()) == state
    assert state.to_dict()["achieved"] == {"a": ["solvent"], "gov": ["calm"]}


def test_a_scenario_without_objectives_keeps_its_states_as_they_were() -> None:
    plain = load_scenario_text(MINI.read_text(), "mini")

    assert "achieved" not in played(plain).to_dict()


def test_an_objective_that_is_not_a_condition_is_a_load_error() -> None:
    text = with_objectives().replace('when: "state.tension < 5"', 'when: "state.tension"')

    with pytest.raises(ScenarioLoadError) as caught:
        load_scenario_text(text, "s.yaml")

    [error] = caught.value.errors
    assert error.where == "roles[2].objectives[0].when"
