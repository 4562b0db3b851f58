"""The scenario reference stays in step with the schema, and its examples keep working.

Convention the reference follows, and these tests enforce: each pydantic model of the scenario
file has a heading that names it in backticks (`### \\`ActionSpec\\`: actions`), and under that
heading, before the next heading of the same or a higher level, a table with one row per field,
the row starting with the field name in backticks (`| \\`chance\\` | ...`).
"""

from __future__ import annotations

import re
import typing
from pathlib import Path

import pytest
from pydantic import BaseModel

from exercises.engine import (
    Move,
    Scenario,
    adjudicate,
    initial_state,
    load_scenario,
    load_scenario_text,
    open_turn,
    simulate,
)
from exercises.engine.schema import ScenarioSpec

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "docs" / "scenario-reference.md"
LAB_CRISIS = ROOT / "exercises" / "scenarios" / "lab-crisis.yaml"

HEADING = re.compile(r"^(#{1,6})\s+(.*)$")
FIELD_ROW = re.compile(r"^\|\s*`([A-Za-z_][A-Za-z0-9_]*)`\s*\|")


def schema_models(root: type[BaseModel] = ScenarioSpec) -> dict[str, type[BaseModel]]:
    """Every model reachable from `root` through its fields' annotations, by class name."""
    found: dict[str, type[BaseModel]] = {}
    pending: list[typing.Any] = [root]
    while pending:
        annotation = pending.pop()
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            if annotation.__name__ in found:
                continue
            found[annotation.__name__] = annotation
            pending += [f.annotation for f in annotation.model_fields.values()]
        else:
            pending += typing.get_args(annotation)
    return found


def reference_text() -> str:
    return REFERENCE.read_text(encoding="utf-8")


def model_section(text: str, model: str) -> list[str]:
    """The lines under the heading that names `model` in backticks, up to the next heading of
    the same or a higher level."""
    lines = text.splitlines()
    for start, line in enumerate(lines):
        heading = HEADING.match(line)
        if heading and f"`{model}`" in heading.group(2):
            level = len(heading.group(1))
            section = []
            for following in lines[start + 1 :]:
                nxt = HEADING.match(following)
                if nxt and len(nxt.group(1)) <= level:
                    break
                section.append(following)
            return section
    raise AssertionError(f"the reference has no heading naming `{model}`")


def documented_fields(section: list[str]) -> list[str]:
    return [m.group(1) for line in section if (m := FIELD_ROW.match(line))]


def worked_example() -> str:
    """The first ```yaml block after the "Worked example" heading."""
    text = reference_text()
    heading = re.search(r"^#+\s+Worked example\s*$", text, re.M)
    assert heading, "the reference has no 'Worked example' heading"
    block = re.search(r"^```yaml\n(.*?)^```", text[heading.end() :], re.M | re.S)
    assert block, "the worked example has no ```yaml block"
    return block.group(1)


@pytest.fixture(scope="module")
def lab_crisis() -> Scenario:
    return load_scenario(LAB_CRISIS)


def test_the_schema_walk_finds_every_model() -> None:
    # given the models the schema module defines, when walked from the top, then none is missed
    assert set(schema_models()) >= {
        "ScenarioSpec",
        "RoleSpec",
        "VariableSpec",
        "RoleVariableSpec",
        "ActionSpec",
        "ParamSpec",
        "Branch",
        "Precondition",
        "RuleSpec",
        "InjectSpec",
        "CommitmentSpec",
        "EndingSpec",
        "PolicySpec",
        "PlaySpec",
    }


def written(model: str) -> list[str]:
    """The model's fields as a scenario file names them: by alias where one is set (`if`)."""
    return [f.alias or name for name, f in schema_models()[model].model_fields.items()]


@pytest.mark.parametrize("model", sorted(schema_models()))
def test_every_schema_field_is_documented(model: str) -> None:
    fields = written(model)
    documented = documented_fields(model_section(reference_text(), model))
    missing = [name for name in fields if name not in documented]
    assert not missing, f"{model} fields without a row in the reference: {missing}"


@pytest.mark.parametrize("model", sorted(schema_models()))
def test_the_reference_documents_no_field_the_schema_lacks(model: str) -> None:
    fields = written(model)
    documented = documented_fields(model_section(reference_text(), model))
    extra = [name for name in documented if name not in fields]
    assert not extra, f"the reference documents {model} fields that do not exist: {extra}"
    assert len(documented) == len(set(documented)), f"{model} has a field documented twice"


def test_the_reference_documents_the_expression_limits() -> None:
    from exercises.engine.expressions import MAX_DEPTH, MAX_LENGTH, MAX_MACROS

    text = reference_text()
    assert f"at most {MAX_LENGTH}" in text
    assert f"at most {MAX_DEPTH} deep" in text
    assert f"at most {MAX_MACROS} list macros" in text


def test_the_reference_documents_every_expression_function() -> None:
    from exercises.engine.expressions import FUNCTIONS

    text = reference_text()
    missing = sorted(f for f in FUNCTIONS if f"`{f}`" not in text and f"`{f}(" not in text)
    assert not missing, f"functions the reference does not mention: {missing}"


def test_the_worked_example_loads() -> None:
    scenario = load_scenario_text(worked_example(), "worked-example")
    assert scenario.policies, "the worked example should show at least one policy"


def test_the_worked_example_runs_a_turn() -> None:
    # given the worked example, opened at turn 1
    scenario = load_scenario_text(worked_example(), "worked-example")
    state = open_turn(scenario, initial_state(scenario), seed=7).state
    # when every role makes a legal move
    moves = [
        Move("north", "scale"),
        Move("north", "talks"),
        Move("south", "talks"),
        Move("auditor", "audit", {"lab": "south"}),
    ]
    outcome = adjudicate(scenario, state, moves, seed=7)
    # then all are accepted, the turn advances and the commitment is met
    assert [r.reason for r in outcome.rejections] == []
    assert outcome.state.turn == 1
    assert outcome.state.met == ("talks",)
    assert outcome.state.values["north.compute"] == 5.0  # 6.0, less 2.0, plus the rule's 1.0


def test_the_worked_example_simulates_the_outcomes_it_claims() -> None:
    scenario = load_scenario_text(worked_example(), "worked-example")
    assert simulate(scenario, "careful", runs=50, seed=1)["outcomes"] == {"joint_pause": 1.0}
    assert "joint_pause" not in simulate(scenario, "race", runs=50, seed=1)["outcomes"]


def test_lab_crisis_loads_and_each_role_has_five_actions(lab_crisis: Scenario) -> None:
    assert lab_crisis.role_ids == ["ceo", "safety_lead", "board", "investors"]
    assert lab_crisis.turn_label == "week"
    for role in lab_crisis.role_ids:
        assert len(lab_crisis.actions_for(role)) >= 5, f"{role} has fewer than five actions"


def test_lab_crisis_hides_the_true_misalignment_from_the_players(lab_crisis: Scenario) -> None:
    assert lab_crisis.variables["true_misalignment"].visibility == "facilitator"
    assert lab_crisis.variables["safety_lead.credibility"].visibility == "private"


def test_lab_crisis_policies_lead_to_different_outcomes(lab_crisis: Scenario) -> None:
    # given 200 runs of each policy on one seed
    outcomes = {
        p: simulate(lab_crisis, p, runs=200, seed=1)["outcomes"]
        for p in ("cautious", "reckless", "mutiny")
    }
    # then caution mostly contains the model and never ships it
    assert outcomes["cautious"].get("contained", 0) > 0.6
    assert "deployed_anyway" not in outcomes["cautious"]
    assert "incident" not in outcomes["cautious"]
    # recklessness always ships, and often loses control
    reckless = outcomes["reckless"]
    assert reckless.get("deployed_anyway", 0) + reckless.get("incident", 0) == 1.0
    assert reckless.get("incident", 0) > 0.2
    # a safety lead and board going round a racing chief executive mostly replace them
    assert outcomes["mutiny"].get("leadership_change", 0) > 0.6


def test_lab_crisis_whistleblow_is_met_only_when_both_signal(lab_crisis: Scenario) -> None:
    state = open_turn(lab_crisis, initial_state(lab_crisis), seed=3).state
    alone = adjudicate(lab_crisis, state, [Move("safety_lead", "signal_whistleblow")], seed=3)
    assert alone.state.met == ()
    assert alone.state.values["external_review"] is False
    both = adjudicate(
        lab_crisis,
        state,
        [Move("safety_lead", "signal_whistleblow"), Move("board", "signal_whistleblow_board")],
        seed=3,
    )
    assert both.state.met == ("whistleblow",)
    assert both.state.values["external_review"] is True  # the rule runs after the commitment


def test_lab_crisis_refuses_to_ship_before_any_fix(lab_crisis: Scenario) -> None:
    state = open_turn(lab_crisis, initial_state(lab_crisis), seed=3).state
    outcome = adjudicate(lab_crisis, state, [Move("ceo", "deploy_checkpoint")], seed=3)
    assert outcome.rejections[0].reason.startswith("No checkpoint is even inconclusive")
