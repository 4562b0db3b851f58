"""An environment made from a phase's changes (`state.environment_after`) against one built
from the whole state: the same maps, for the changes the bundled scenarios' moves make, for
changes that set a value to what it was, and for more changes than are worth copying."""

from pathlib import Path

import pytest

from exercises.engine import initial_state, load_scenario
from exercises.engine import state as state_module
from exercises.engine.expressions import Environment
from exercises.engine.scenario import Scenario
from exercises.engine.state import State, environment, environment_after
from tests.engine.corpus import BUNDLED

FILES = BUNDLED


def built(scenario: Scenario, state: State, turn: int) -> Environment:
    state_module._cache.last = None
    return environment(scenario, state, turn)


def assert_same(made: Environment, fresh: Environment) -> None:
    for name in ("state", "roles", "tags", "commitments", "turn"):
        assert made.names[name] == fresh.names[name]
    assert made.roles == fresh.roles


def changed(scenario: Scenario, before: State, names: list[str], step: float) -> State:
    values = dict(before.values)
    for name in names:
        value = values[name]
        if value.__class__ in (int, float):
            values[name] = value + step
    return before.evolve(values=values)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_an_environment_made_from_changes_holds_what_one_built_from_the_state_holds(
    path: Path,
) -> None:
    scenario = load_scenario(path)
    start = initial_state(scenario)
    names = list(scenario.variables)
    for count in (1, 3, len(names) // 4, len(names)):
        for step in (0, 1, 2.5):
            chosen = names[::3][:count] + names[:count]  # repeated names as phases give them
            after = changed(scenario, start, chosen, step)
            environment(scenario, start, 1)  # the last one built, as after the moves
            made = environment_after(scenario, start, after, chosen, 2)
            assert_same(made, built(scenario, after, 2))
            # ... and the one it left for the next phase is the state's
            assert_same(environment(scenario, after, 2), built(scenario, after, 2))
