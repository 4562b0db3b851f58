"""A branch's compiled code (branch_compile.py) against the general path it replaces: the same
changes in every state the bundled scenarios and the fixtures reach, and the same refusals."""

from pathlib import Path

import pytest

from exercises.engine import Move, adjudicate, initial_state, load_scenario, load_scenario_text
from exercises.engine.effects import planned_changes
from exercises.engine.expressions import Environment
from exercises.engine.scenario import Scenario
from exercises.engine.simulation import play_exercise
from exercises.engine.state import environment
from tests.engine.corpus import FILES, FIXTURES


def compiled_plans(scenario: Scenario) -> list[tuple[str | None, object, object]]:
    plans = scenario.cache.get("branch_plans", {})
    return [(role, entry[1], entry[2]) for (_, role), entry in plans.items() if callable(entry[2])]


def compare(scenario: Scenario, env: Environment) -> int:
    """How many compiled branches answered; each answer is the general path's."""
    answered = 0
    for role, plan, code in compiled_plans(scenario):
        env.bind(role=role) if role is not None else None
        made = code(env.names, "why")  # type: ignore[operator]
        if made is None:
            continue
        assert made == planned_changes(scenario, plan, env, "why")  # type: ignore[arg-type]
        answered += 1
    return answered


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_compiled_branches_make_the_general_paths_changes(path: Path) -> None:
    scenario = load_scenario(path)
    states = [initial_state(scenario)]
    for policy in scenario.policies:
        states += [play_exercise(scenario, policy, f"{policy}:{run}") for run in range(3)]
    answered = sum(compare(scenario, environment(scenario, s, s.turn + 1)) for s in states)
    assert answered or not compiled_plans(scenario)


@pytest.mark.parametrize(
    "effect",
    [
        'add: {tension: "state.capability / 0.0 - state.capability / 0.0"}',  # NaN, to an int
        'add: {capability: "state.capability / 0.0"}',  # infinity
        'set: {capability: "state.capability / 0.0"}',
        'set: {capability: "state.capability * 1e308 * 10.0"}',  # infinity, compiled
        'add: {capability: "state.capability * 1e308 * 10.0"}',
        'add: {capability: "state.capability * 1e308 * 10.0 - state.capability * 1e308 * 10.0"}',
        'add: {risk: 1, tension: "state.tension * 9223372036854775807"}',  # an overflow
        "add: {tension: 2, capability: 1.5}",  # fixed values
    ],
)
def test_a_compiled_branch_refuses_as_the_general_path_does(effect: str) -> None:
    text = (FIXTURES / "mini.yaml").read_text()
    text = text.replace("success: {add: {tension: 4}}", f"success: {{{effect}}}")
    scenario = load_scenario_text(text, "odd.yaml")
    state = initial_state(scenario)
    state = state.evolve(values={**state.values, "tension": 3})
    outcomes = [adjudicate(scenario, state, [Move("gov", "escalate")], 7) for _ in range(3)]

    assert len({str(o.results[0]) for o in outcomes}) == 1
    assert len({repr(o.state.values) for o in outcomes}) == 1
    assert compiled_plans(scenario)  # the later ones went through compiled code
