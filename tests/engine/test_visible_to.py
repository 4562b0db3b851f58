"""A variable some roles see and others do not: `visible_to` on global and per-role state."""

from __future__ import annotations

import pytest

from exercises.engine import ScenarioLoadError, initial_state, load_scenario_text, visible_values
from tests.engine.test_loader import BASE

TEXT = (
    BASE.replace(
        "  risk: {type: int, initial: 10, min: 0, max: 100}\n",
        "  risk: {type: int, initial: 10, min: 0, max: 100, visibility: facilitator,"
        " visible_to: [b]}\n",
    )
    .replace(
        "  cash: {type: float, roles: [lab], initial: 5.0, min: 0}\n",
        "  cash: {type: float, roles: [lab], initial: 5.0, min: 0, visible_to: [auditor]}\n",
    )
    .replace(
        "\nstate:\n",
        "\n  - id: auditor\n    name: Auditor\n    briefing: You audit.\nstate:\n",
    )
)


def test_a_hidden_global_is_seen_by_the_roles_it_names_only() -> None:
    scenario = load_scenario_text(TEXT, "s.yaml")
    state = initial_state(scenario)

    assert "risk" in visible_values(scenario, state, "b")
    assert "risk" not in visible_values(scenario, state, "a")
    assert "risk" not in visible_values(scenario, state, "observer")


def test_a_private_variable_is_seen_by_its_holder_and_the_roles_it_names() -> None:
    scenario = load_scenario_text(TEXT, "s.yaml")
    state = initial_state(scenario)

    assert {"a.cash", "b.cash"} <= set(visible_values(scenario, state, "auditor"))
    assert "b.cash" not in visible_values(scenario, state, "a")
    assert "a.cash" in visible_values(scenario, state, "a")


def test_an_unknown_role_in_visible_to_is_a_load_error() -> None:
    with pytest.raises(ScenarioLoadError) as caught:
        load_scenario_text(TEXT.replace("visible_to: [b]", "visible_to: [bank]"), "s.yaml")

    [error] = caught.value.errors
    assert (error.where, error.message) == (
        "state.risk.visible_to",
        "'bank' is not a role id or tag",
    )
