"""The endings judged from their plan (`adjudication._ending`: each ending's expression found
once, its compiled code asked directly) against asking `evaluate` about each in turn: the same
ending in every state the bundled scenarios' policies reach, in an ordinary and in the last
turn, and for endings whose condition errs or is not a bool."""

from pathlib import Path
from typing import Any

import pytest

from exercises.engine import adjudicate, initial_state, load_scenario, load_scenario_text
from exercises.engine.adjudication import _ending
from exercises.engine.bots import choose_moves
from exercises.engine.expressions import ExpressionError
from exercises.engine.opening import open_turn_unclocked
from exercises.engine.scenario import Scenario
from exercises.engine.state import State, environment
from tests.engine.corpus import FILES
from tests.engine.test_loader import BASE

ENDINGS = "endings:\n  - {id: time, title: Time up, final: true}\n"


def asked_in_turn(scenario: Scenario, state: State, turn: int) -> Any:
    env = environment(scenario, state, turn)
    for ending in scenario.endings:
        if ending.final and turn < scenario.turns:
            continue
        try:
            if scenario.expr(ending.when).evaluate(env) is True:
                return ending
        except ExpressionError:
            continue
    return None


def assert_same_endings(scenario: Scenario, state: State) -> None:
    for turn in (state.turn, scenario.turns):
        assert _ending(scenario, state, turn) is asked_in_turn(scenario, state, turn)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_endings_judged_from_their_plan_are_those_asked_in_turn(path: Path) -> None:
    scenario = load_scenario(path)
    for policy in scenario.policies:
        seed = f"{policy}:endings"
        state = initial_state(scenario)
        for _ in range(scenario.turns):
            state = open_turn_unclocked(scenario, state, seed)
            moves = [
                m for r in scenario.role_ids for m in choose_moves(scenario, state, r, policy, seed)
            ]
            state = adjudicate(scenario, state, moves, seed, record=False).state
            assert_same_endings(scenario, state)
            if state.ending is not None:
                break


def test_an_ending_whose_condition_errs_is_passed_over_as_before() -> None:
    endings = (
        "endings:\n"
        "  - {id: divides, title: Divides, when: '10 / (state.risk - 10) > 1'}\n"
        "  - {id: later, title: Later, final: true, when: 'state.risk >= 0'}\n"
        "  - {id: time, title: Time up, final: true}\n"
    )
    scenario = load_scenario_text(BASE.replace(ENDINGS, endings), "endings.yaml")
    state = initial_state(scenario)  # risk 10: the first ending divides by zero
    assert_same_endings(scenario, state)
    assert _ending(scenario, state, 1) is None
    assert _ending(scenario, state, scenario.turns).id == "later"
    risky = state.evolve(values={**state.values, "risk": 11})
    assert_same_endings(scenario, risky)
    assert _ending(scenario, risky, 1).id == "divides"
