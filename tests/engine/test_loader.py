"""Loading scenario files: every schema and cross-reference error, with its file and line.

An author fixes a file in one pass, so errors come together, each as `file:line: where: message`.
"""

from pathlib import Path

import pytest

from exercises.engine import (
    LoadError,
    ScenarioLoadError,
    load_scenario,
    load_scenario_text,
    validate_scenario_file,
)

BASE = """\
id: base
title: Base
version: 1
turns: 4
roles:
  - id: a
    name: Lab A
    briefing: You are A.
    tags: [lab]
  - id: b
    name: Lab B
    briefing: You are B.
    tags: [lab]
state:
  capability: {type: float, initial: 50.0, min: 0, max: 100}
  risk: {type: int, initial: 10, min: 0, max: 100}
role_state:
  cash: {type: float, roles: [lab], initial: 5.0, min: 0}
  paused: {type: bool, roles: [lab], initial: false}
actions:
  - id: scale
    label: Scale up
    roles: [lab]
    cost: {me.cash: 1.0}
    success: {add: {capability: 2.0}}
  - id: pause
    label: Pause
    roles: [lab]
    success: {set: {me.paused: true}}
endings:
  - {id: time, title: Time up, final: true}
"""


def line_of(text: str, fragment: str, after: int = 0) -> int:
    """The 1-based number of the first line after line `after` that contains `fragment`."""
    lines = text.splitlines()
    return next(i for i, line in enumerate(lines, 1) if i > after and fragment in line)


def errors_of(text: str, path: str = "s.yaml") -> list[LoadError]:
    with pytest.raises(ScenarioLoadError) as caught:
        load_scenario_text(text, path)
    return caught.value.errors


def only_error(text: str) -> LoadError:
    errors = errors_of(text)
    assert len(errors) == 1, [str(e) for e in errors]
    return errors[0]


def test_the_base_scenario_loads() -> None:
    scenario = load_scenario_text(BASE, "s.yaml")

    assert scenario.role_ids == ["a", "b"]
    assert set(scenario.variables) == {
        "capability",
        "risk",
        "a.cash",
        "b.cash",
        "a.paused",
        "b.paused",
    }


def test_an_unknown_field_is_reported_on_its_line() -> None:
    text = BASE.replace("    label: Pause\n", "    label: Pause\n    colour: red\n")

    error = only_error(text)

    assert (error.line, error.where) == (line_of(text, "colour: red"), "actions[1].colour")
    assert error.message == "unknown field 'colour'"
    assert str(error) == f"s.yaml:{error.line}: actions[1].colour: unknown field 'colour'"


def test_a_missing_field_is_reported_on_the_line_of_its_parent() -> None:
    text = BASE.replace("    briefing: You are B.\n", "")

    error = only_error(text)

    assert error.line == line_of(text, "- id: b")
    assert (error.where, error.message) == ("roles[1].briefing", "missing field 'briefing'")


def test_a_duplicate_id_is_reported_on_the_second_one() -> None:
    text = BASE.replace("  - id: pause\n", "  - id: scale\n")

    error = only_error(text)

    assert error.line == line_of(text, "- id: scale", after=line_of(text, "- id: scale"))
    assert (error.where, error.message) == ("actions[1].id", "duplicate id 'scale'")


def test_an_unknown_role_or_tag_is_reported() -> None:
    text = BASE.replace(
        "    roles: [lab]\n    success: {set", "    roles: [labs]\n    success: {set"
    )

    error = errors_of(text)[0]

    assert error.line == line_of(text, "roles: [labs]")
    assert (error.where, error.message) == ("actions[1].roles", "'labs' is not a role id or tag")


@pytest.mark.parametrize(
    ("variable", "message"),
    [
        ("{type: int, initial: 10.5, min: 0, max: 100}", "initial value 10.5 is not an int"),
        ("{type: int, initial: 200, min: 0, max: 100}", "initial value 200 is outside its bounds"),
        ("{type: int, initial: true}", "initial value True is not an int"),
        ("{type: int, initial: 5, min: 10, max: 0}", "min 10 is above max 0"),
        ("{type: bool, initial: 1}", "initial value 1 is not true or false"),
    ],
)
def test_a_bad_initial_value_is_reported(variable: str, message: str) -> None:
    text = BASE.replace("{type: int, initial: 10, min: 0, max: 100}", variable)

    errors = errors_of(text)

    assert errors[0].line == line_of(text, "  risk:")
    assert errors[0].where == "state.risk"
    assert message in [e.message for e in errors]


def test_an_initial_value_of_the_wrong_kind_is_a_schema_error() -> None:
    text = BASE.replace("initial: 10, min: 0", "initial: high, min: 0")

    error = errors_of(text)[0]

    assert (error.line, error.where) == (line_of(text, "initial: high"), "state.risk.initial")


def test_a_per_role_initial_value_for_a_role_without_the_variable_is_reported() -> None:
    text = BASE.replace("initial: 5.0, min: 0}", "initial: {a: 5.0, b: 4.0, c: 1.0}, min: 0}")

    error = only_error(text)

    assert error.line == line_of(text, "c: 1.0")
    assert error.message == "'c' does not hold cash"


def test_an_effect_target_that_is_not_a_variable_is_reported() -> None:
    text = BASE.replace("{add: {capability: 2.0}}", "{add: {capabilty: 2.0}}")

    error = only_error(text)

    assert error.line == line_of(text, "capabilty")
    assert (error.where, error.message) == (
        "actions[0].success.add.capabilty",
        "'capabilty' is not a variable",
    )


def test_an_effect_on_me_needs_every_acting_role_to_hold_the_variable() -> None:
    text = BASE.replace("{set: {me.paused: true}}", "{set: {me.budget: true}}")

    error = errors_of(text)[0]

    assert error.line == line_of(text, "me.budget")
    assert "hold no 'budget'" in error.message


def test_adding_to_a_bool_is_reported() -> None:
    text = BASE.replace("{set: {me.paused: true}}", "{add: {me.paused: 1}}")

    error = only_error(text)

    assert error.line == line_of(text, "{add: {me.paused: 1}}")
    assert error.message == "me.paused is true or false: use set, not add"


def test_setting_a_number_to_a_bool_is_reported() -> None:
    text = BASE.replace("{add: {capability: 2.0}}", "{set: {capability: true}}")

    error = only_error(text)

    assert error.message == "True is not a number for capability"


def test_a_scenario_without_an_unconditional_final_ending_is_reported() -> None:
    text = BASE.replace("{id: time, title: Time up, final: true}", "{id: time, title: Time up}")

    error = only_error(text)

    assert (error.line, error.where) == (line_of(text, "endings:"), "endings")


def test_several_errors_are_reported_together_each_on_its_line() -> None:
    text = (
        BASE.replace("{add: {capability: 2.0}}", "{add: {capabilty: 2.0}}")
        .replace("{set: {me.paused: true}}", "{add: {me.paused: 1}}")
        .replace("    roles: [lab]\n    cost", "    roles: [lab, gov]\n    cost")
    )

    errors = errors_of(text)

    assert [(e.line, e.where) for e in errors] == [
        (line_of(text, "[lab, gov]"), "actions[0].roles"),
        (line_of(text, "capabilty"), "actions[0].success.add.capabilty"),
        (line_of(text, "me.paused: 1"), "actions[1].success.add.me.paused"),
    ]


def test_several_schema_errors_are_reported_together() -> None:
    text = BASE.replace("title: Base\n", "").replace("    label: Pause\n", "    colour: red\n")

    errors = errors_of(text)

    assert {(e.where, e.message) for e in errors} >= {
        ("title", "missing field 'title'"),
        ("actions[1].colour", "unknown field 'colour'"),
        ("actions[1].label", "missing field 'label'"),
    }


def test_invalid_yaml_is_reported_on_its_line() -> None:
    text = BASE.replace("  - id: pause\n", "  - id: pause\n   label: [unclosed\n")

    error = errors_of(text)[0]

    assert error.line in {line_of(text, "[unclosed"), line_of(text, "[unclosed") + 1}
    assert error.message.startswith("is not valid YAML")


def test_a_file_that_is_not_a_mapping_is_reported() -> None:
    error = only_error("- just\n- a list\n")

    assert (error.line, error.message) == (1, "must be a mapping of fields")


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_an_empty_file_is_reported(text: str) -> None:
    error = only_error(text)

    assert (error.file, error.line, error.message) == ("s.yaml", 1, "is empty")


def test_a_yaml_alias_bomb_is_rejected_without_expanding_it() -> None:
    # Nine levels of nine aliases: a billion leaves if expanded.
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 10):
        refs = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{refs}]")
    text = "\n".join(lines) + "\n"

    errors = errors_of(text)

    assert errors[0].message == "has too many YAML nodes"


def test_a_file_over_the_size_limit_is_rejected() -> None:
    text = BASE + "# " + "x" * 1_000_000 + "\n"

    error = only_error(text)

    assert error.message == "is larger than 1 MB"


def test_a_file_that_cannot_be_read_is_an_error_not_a_crash(tmp_path: Path) -> None:
    errors = validate_scenario_file(tmp_path / "missing.yaml")

    assert len(errors) == 1
    assert errors[0].message.startswith("cannot read")


def test_errors_name_the_file_they_were_loaded_from(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text(BASE.replace("{add: {capability: 2.0}}", "{add: {capabilty: 2.0}}"))

    with pytest.raises(ScenarioLoadError) as caught:
        load_scenario(path)

    assert str(caught.value).startswith(f"{path}:{line_of(path.read_text(), 'capabilty')}: ")


def test_the_alias_bomb_error_names_its_file() -> None:
    text = "a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n" + "".join(
        f"b{i}: &b{i} [{', '.join([f'*b{i - 1}' if i else '*a'] * 10)}]\n" for i in range(6)
    )

    error = errors_of(text)[0]

    assert error.file == "s.yaml"


def test_deeply_nested_yaml_is_a_load_error_not_a_crash() -> None:
    text = "a: " + "[" * 1000 + "]" * 1000 + "\n"

    error = errors_of(text)[0]

    assert "deep" in error.message


def test_a_yaml_error_is_one_line_that_names_the_problem() -> None:
    text = BASE.replace("  - id: pause\n", "   label: [unclosed\n  - id: pause\n")

    error = errors_of(text)[0]

    assert "\n" not in str(error)
    assert "<unicode string>" not in error.message
