"""Moves resolved from their plans (move_plans.py, the batch path: no record, no review)
against the general path (`_Play._scripted`, which a recorded turn takes): the same state,
draws and results in every turn the bundled scenarios' policies play, and the same refusals."""

from pathlib import Path

import pytest

from exercises.engine import Move, adjudicate, initial_state, load_scenario, load_scenario_text
from exercises.engine.effects import cost_changes
from exercises.engine.moves import MoveResult, Outcome
from exercises.engine.scenario import Scenario
from exercises.engine.state import State, environment
from tests.engine.both_ways import play_both_ways
from tests.engine.corpus import FILES, FIXTURES


def essentials(result: MoveResult) -> tuple[object, ...]:
    """What the batch path keeps of a result (the recorded one adds its texts)."""
    return (
        result.move,
        result.accepted,
        result.success,
        result.reason,
        result.changes,
        result.draw,
    )


def assert_same_turn(scenario: Scenario, state: State, moves: list[Move], seed: str) -> Outcome:
    planned = adjudicate(scenario, state, moves, seed, record=False)
    general = adjudicate(scenario, state, moves, seed, record=True)
    assert planned.state == general.state
    assert planned.draws == general.draws
    assert [essentials(r) for r in planned.results] == [essentials(r) for r in general.results]
    return planned


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_planned_moves_resolve_as_the_general_path_does(path: Path) -> None:
    scenario = load_scenario(path)
    resolved = sum(
        play_both_ways(scenario, policy, f"{policy}:{run}", assert_same_turn)
        for policy in scenario.policies
        for run in range(3)
    )
    assert resolved or not scenario.policies
    assert any(scenario.cache.get("move_plans", {}).values()) or not scenario.policies
    assert_fixed_costs_priced_afresh(scenario)


def assert_fixed_costs_priced_afresh(scenario: Scenario) -> None:
    """The costs the scenario remembers (fixed amounts) are what pricing them again gives."""
    env = environment(scenario, initial_state(scenario), 1)
    for key, costs in scenario.cache.get("fixed_costs", {}).items():
        action, params = scenario.cache["legal_moves"][key]
        role = key.split(":")[0]
        env.bind(role=role, params=params)
        reason = f"cost of {action.id}"
        assert costs == cost_changes(scenario, action.cost, env, role, params, reason)


CHANCES = [
    "1.0",
    "0.5",
    "0.0",
    '"double(state.tension) / 10.0"',
    '"state.tension == 3 ? double(state.tension / (state.tension - 3)) : 0.5"',
]


@pytest.mark.parametrize(
    "effect",
    [
        'add: {capability: "state.capability / 0.0"}',  # infinity
        'set: {capability: "state.capability * 1e308 * 10.0"}',
        'add: {risk: 1, tension: "state.tension * 9223372036854775807"}',  # an overflow
        'add: {tension: "state.tension == 3 ? state.tension / (state.tension - 3) : 1"}',
        "add: {tension: 2, capability: 1.5}",
    ],
)
@pytest.mark.parametrize("chance", CHANCES)
def test_a_planned_move_is_refused_or_rolled_as_the_general_path_does(
    effect: str, chance: str
) -> None:
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
