"""Moves resolved by their generated code (move_compile.py) against `_Play._planned` without
it, which the code hands a move back to when anything is out of the ordinary: the same
state, draws and results in every turn the bundled scenarios' policies play, and for moves
whose chance or values are odd."""

from pathlib import Path
from typing import Any

import pytest

from exercises.engine import Move, adjudicate, initial_state, load_scenario, load_scenario_text
from exercises.engine.moves import Outcome
from exercises.engine.scenario import Scenario
from exercises.engine.state import State
from tests.engine.both_ways import play_both_ways
from tests.engine.corpus import FILES, FIXTURES


def without_code(scenario: Scenario) -> dict[str, Any]:
    """Takes the generated code out of the scenario's move plans; gives the plans it had."""
    plans = scenario.cache.setdefault("move_plans", {})
    kept = dict(plans)
    for key, plan in kept.items():
        if plan:
            plans[key] = (*plan[:6], None)
    return kept


def assert_same_turn(scenario: Scenario, state: State, moves: list[Move], seed: str) -> Outcome:
    compiled = adjudicate(scenario, state, moves, seed, record=False)
    kept = without_code(scenario)
    try:
        planned = adjudicate(scenario, state, moves, seed, record=False)
    finally:
        scenario.cache["move_plans"].update(kept)
    assert compiled.state == planned.state
    assert compiled.draws == planned.draws
    assert compiled.results == planned.results
    return compiled


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_compiled_moves_resolve_as_their_plans_do(path: Path) -> None:
    scenario = load_scenario(path)
    resolved = sum(
        play_both_ways(scenario, policy, f"{policy}:{run}", assert_same_turn)
        for policy in scenario.policies
        for run in range(3)
    )
    assert resolved or not scenario.policies
    plans = scenario.cache.get("move_plans", {}).values()
    assert any(plan and plan[6] is not None for plan in plans) or not scenario.policies


CHANCES = [
    "1.0",
    "0.5",
    "0.0",
    '"double(state.tension) / 10.0"',
    '"double(state.tension) - 3.0"',  # certain failure: nothing rolled
    '"state.tension == 3 ? double(state.tension / (state.tension - 3)) : 0.5"',
    '"state.tension"',  # an int: handed back
]


@pytest.mark.parametrize(
    "effect",
    [
        'add: {capability: "state.capability / 0.0"}',  # infinity
        'set: {capability: "state.capability * 1e308 * 10.0"}',
        'add: {risk: 1, tension: "state.tension * 9223372036854775807"}',  # an overflow
        'add: {tension: "state.tension == 3 ? state.tension / (state.tension - 3) : 1"}',
        "add: {tension: 2, capability: 1.5}",
        'set: {capability: "double(state.tension) / 4.0"}',
    ],
)
@pytest.mark.parametrize("chance", CHANCES)
def test_a_compiled_move_hands_back_what_it_cannot_answer_for(effect: str, chance: str) -> None:
    text = (FIXTURES / "mini.yaml").read_text()
    text = text.replace(
        "success: {add: {tension: 4}}", f"chance: {chance}\n    success: {{{effect}}}"
    )
    scenario = load_scenario_text(text, "odd.yaml")
    state = initial_state(scenario)
    state = state.evolve(values={**state.values, "tension": 3})
    moves = [Move("gov", "escalate", id=str(n)) for n in range(3)]
    for seed in range(4):  # the plan is made at the first, then used
        assert_same_turn(scenario, state, moves, str(seed))


@pytest.mark.parametrize("chance", ["1.0", "0.0", "0.5"])
def test_a_move_whose_every_outcome_is_handed_back_gets_no_code(chance: str) -> None:
    # A publish on both branches (or on the only one its chance allows): the code could
    # only hand the move back, so none is made and `_planned` resolves it, as ever.
    text = (FIXTURES / "mini.yaml").read_text()
    text = text.replace(
        "success: {add: {tension: 4}}",
        f"chance: {chance}\n    success: {{add: {{tension: 4}}, publish: [tension]}}\n"
        "    failure: {add: {tension: 1}, publish: [tension]}",
    )
    scenario = load_scenario_text(text, "odd.yaml")
    state = initial_state(scenario)
    moves = [Move("gov", "escalate", id=str(n)) for n in range(3)]
    for seed in range(3):
        assert_same_turn(scenario, state, moves, str(seed))
    plans = [plan for plan in scenario.cache["move_plans"].values() if plan]
    assert plans and all(plan[6] is None for plan in plans)


def test_a_certain_move_whose_other_branch_is_handed_back_keeps_its_code() -> None:
    text = (FIXTURES / "mini.yaml").read_text()
    text = text.replace(
        "success: {add: {tension: 4}}",
        "chance: 1.0\n    success: {add: {tension: 4}}\n"
        "    failure: {add: {tension: 1}, publish: [tension]}",
    )
    scenario = load_scenario_text(text, "odd.yaml")
    state = initial_state(scenario)
    assert_same_turn(scenario, state, [Move("gov", "escalate")], "1")
    plans = [plan for plan in scenario.cache["move_plans"].values() if plan]
    assert plans and all(plan[6] is not None for plan in plans)
