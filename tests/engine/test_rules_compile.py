"""The rules phase compiled into one function (rules_compile.py) against the general path it
replaces: the same values, draws, events, reveals and later effects in every state the bundled
scenarios and the fixtures reach, and for rules the compiled code hands back."""

from pathlib import Path

import pytest

from exercises.engine import (
    adjudicate,
    choose_moves,
    initial_state,
    load_scenario,
    load_scenario_text,
    open_turn,
)
from exercises.engine import state as state_module
from exercises.engine.expressions import Environment
from exercises.engine.rules_phase import _rules_code, run_rules
from exercises.engine.scenario import Scenario
from exercises.engine.state import State, environment
from tests.engine.corpus import BUNDLED, FIXTURES

FILES = [
    *BUNDLED,
    FIXTURES / "mini.yaml",
    FIXTURES / "typed.yaml",
    FIXTURES / "unbalanced.yaml",
]

# Rules the compiled code answers for only in part, or not at all: limits, an expression's
# chance, `if` blocks, `later`, a condition that fails, effects that fail.
ODD_RULES = """rules:
  - {id: once_only, description: x, for_each: [lab], once: true, when: "me.paused",
     then: {add: {risk: 1}}}
  - {id: resting, description: x, cooldown: 2, when: "state.tension > 1", then: {add: {alert: 1}}}
  - id: dicey
    description: x
    for_each: [lab]
    when: "me.cash > 1.0"
    chance: "me.cash / 10.0"
    then: {add: {me.cash: -0.25}, reveal: [me.secret]}
    otherwise: {add: {risk: 1}, publish: [capability]}
  - id: halves
    description: x
    for_each: [lab]
    chance: 0.5
    then: {add: {me.cash: 0.5}, set: {me.secret: false}}
    otherwise: {set: {me.secret: true}, text: "Nothing."}
  - id: branching
    description: x
    when: "state.risk >= 0"
    then:
      add: {tension: 1}
      if: [{when: "state.capability > 51.0", then: {add: {risk: 1}}, else: {add: {risk: -1}}}]
  - {id: deferred, description: x, when: "state.tension >= 3",
     then: {later: [{turns: 1, add: {risk: 2}}]}}
  - {id: by_zero, description: x, when: "state.risk / state.alert > 1", then: {add: {risk: 5}}}
  - {id: infinite, description: x, when: "state.tension > 3",
     then: {add: {capability: "state.capability / 0.0"}}}
  - {id: overflow, description: x, then: {add: {tension: "state.tension * 4611686018427387904"}}}
  - {id: plain, description: x, for_each: [lab], when: "!me.paused || me.cash < 2.0",
     then: {add: {me.cash: 0.1}}}
"""


def reached(scenario: Scenario, runs: int = 2) -> list[tuple[State, str]]:
    """Each state a turn opens in and ends in, for every policy's bots, with its seed."""
    states = []
    for policy in scenario.policies:
        for run in range(runs):
            seed = f"{policy}:{run}"
            state = initial_state(scenario)
            for _ in range(scenario.turns):
                state = open_turn(scenario, state, seed).state
                states.append((state, seed))
                moves = [
                    m
                    for r in scenario.role_ids
                    for m in choose_moves(scenario, state, r, policy, seed)
                ]
                state = adjudicate(scenario, state, moves, seed, record=False).state
                states.append((state, seed))
                if state.ending is not None:
                    break
    return states


def fresh_environment(scenario: Scenario, state: State, turn: int) -> Environment:
    state_module._cache.last = None
    return environment(scenario, state, turn)


def same_rules(scenario: Scenario, state: State, seed: str) -> None:
    turn = state.turn + 1
    fast = run_rules(scenario, state, seed, turn, record=False)
    # The environment made from the phase's changes is the one read from the whole state.
    kept = environment(scenario, fast[0], turn)
    fresh = fresh_environment(scenario, fast[0], turn)
    assert repr(kept.variables) == repr(fresh.variables)
    assert repr(kept.roles) == repr(fresh.roles)
    general = run_rules(scenario, state, seed, turn, record=False, compiled=False)
    assert repr(sorted(fast[0].values.items())) == repr(sorted(general[0].values.items()))
    assert fast[0].to_dict() == general[0].to_dict()
    assert fast[1:] == general[1:]  # events, narrative, draws, later


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_compiled_rules_give_the_general_paths_turn(path: Path) -> None:
    scenario = load_scenario(path)
    for state, seed in reached(scenario):
        same_rules(scenario, state, seed)
    assert _rules_code(scenario) is not None or not scenario.rules


def test_rules_the_compiled_code_hands_back_give_the_general_paths_turn() -> None:
    text = (FIXTURES / "mini.yaml").read_text()
    scenario = load_scenario_text(text.replace("rules:\n", ODD_RULES, 1), "odd.yaml")
    assert _rules_code(scenario) is not None
    errors = 0
    for state, seed in reached(scenario, runs=4):
        same_rules(scenario, state, seed)
        for used in ({}, {"rule:once_only:a": 1, "rule:resting:*": state.turn}):
            limited = state.evolve(used=used)
            same_rules(scenario, limited, seed)
        outcome = run_rules(scenario, state, seed, state.turn + 1, record=False)
        errors += sum(event.type == "rule.error" for event in outcome[1])
    assert errors  # the failing effects were reported, on both paths alike
