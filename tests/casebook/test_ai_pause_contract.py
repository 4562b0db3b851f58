"""What scripts, exports and tests rely on in `ai-pause`: the brief's fixed ids and minimums."""

from __future__ import annotations

import pytest

from exercises.engine import FACILITATOR, Scenario, initial_state, load_bundled_scenarios
from exercises.engine.state import visible_values

ROLES = ["anthropic", "openai", "gdm", "meta", "ukaisi", "congress", "china", "un"]
LABS = ["anthropic", "openai", "gdm", "meta"]
GLOBALS = {
    "frontier_capability": 88.3,
    "safety_papers_per_year": 15000,
    "regulatory_frameworks": 3,
    "underground_incidents_per_year": 2.5,
    "open_source_relative_quality": 80.0,
}
LAB_STATE = [
    "capability",
    "lead_months",
    "valuation_busd",
    "rd_spend_busd",
    "paused",
    "crisis_staff_pct",
    "evidence",
    "capability_case",
    "propensity_case",
    "control_case",
]


@pytest.fixture(scope="module")
def pause() -> Scenario:
    return load_bundled_scenarios()["ai-pause"]


def test_the_roles_have_the_fixed_ids_in_order(pause: Scenario) -> None:
    assert pause.role_ids == ROLES


def test_the_global_state_starts_at_the_seed_tables_values(pause: Scenario) -> None:
    values = initial_state(pause).values
    assert {name: values[name] for name in GLOBALS} == GLOBALS
    for index in ("public_concern", "international_cooperation", "misalignment_risk"):
        assert 0 <= values[index] <= 100


def test_misalignment_risk_is_for_the_facilitator_alone(pause: Scenario) -> None:
    state = initial_state(pause)
    assert "misalignment_risk" in visible_values(pause, state, FACILITATOR)
    for viewer in [*ROLES, "observer"]:
        assert "misalignment_risk" not in visible_values(pause, state, viewer)


def test_every_lab_holds_the_fixed_private_state(pause: Scenario) -> None:
    values = initial_state(pause).values
    for lab in LABS:
        for key in LAB_STATE:
            assert f"{lab}.{key}" in values
    spend = {lab: values[f"{lab}.rd_spend_busd"] for lab in LABS}
    assert spend == {"anthropic": 2.0, "openai": 5.0, "gdm": 10.0, "meta": 3.0}
    assert values["anthropic.lead_months"] == 2


def test_lab_state_is_private_to_its_lab(pause: Scenario) -> None:
    state = initial_state(pause)
    assert "anthropic.evidence" in visible_values(pause, state, "anthropic")
    assert "anthropic.evidence" not in visible_values(pause, state, "openai")
    assert "anthropic.evidence" not in visible_values(pause, state, "observer")


def test_governments_hold_political_will_and_china_its_beliefs(pause: Scenario) -> None:
    values = initial_state(pause).values
    for government in ("congress", "china", "un"):
        assert 0 <= values[f"{government}.political_will"] <= 100
    assert values["china.export_controls_relief"] is False
    assert values["china.x_risk_belief"] < 30


@pytest.mark.parametrize("role", ROLES)
def test_every_role_has_a_briefing_and_at_least_six_actions(pause: Scenario, role: str) -> None:
    assert len(pause.role(role).briefing) > 400
    assert len(pause.actions_for(role)) >= 6


def test_the_twelve_month_clock_and_the_named_policies(pause: Scenario) -> None:
    assert (pause.turns, pause.turn_label) == (12, "month")
    assert {"all-labs-pause", "no-pause"} <= set(pause.policies)
