"""What the validator says of mistakes YAML itself hides: duplicate keys, the `!` and `{`
pitfalls the reference documents, and placeholders that would be shown as written."""

from __future__ import annotations

import pytest

from exercises.engine import LoadError, ScenarioLoadError, load_scenario_text
from tests.engine.test_loader import BASE, line_of


def errors_of(text: str) -> list[LoadError]:
    with pytest.raises(ScenarioLoadError) as caught:
        load_scenario_text(text, "s.yaml")
    return caught.value.errors


def test_a_key_given_twice_in_one_mapping_is_an_error_naming_both_lines() -> None:
    # given two `add:` blocks in one branch, where YAML silently keeps the second
    text = BASE.replace(
        "    success: {add: {capability: 2.0}}\n",
        "    success:\n      add: {capability: 2.0}\n      add: {risk: 1}\n",
    )

    [error] = errors_of(text)

    first, second = line_of(text, "add: {capability"), line_of(text, "add: {risk")
    assert (error.line, error.where) == (second, "actions[0].success.add")
    assert f"on lines {first} and {second}" in error.message


def test_duplicate_keys_are_all_reported_together() -> None:
    text = BASE.replace("turns: 4\n", "turns: 4\nturns: 5\n").replace(
        "    label: Pause\n", "    label: Pause\n    label: Halt\n"
    )

    errors = errors_of(text)

    assert [e.where for e in errors] == ["turns", "actions[1].label"]


def test_an_expression_starting_with_a_bang_gets_the_references_advice() -> None:
    text = BASE.replace(
        "    success: {set: {me.paused: true}}\n",
        "    requires:\n      - when: !me.paused\n        reason: Already paused.\n"
        "    success: {set: {me.paused: true}}\n",
    )

    [error] = errors_of(text)

    assert error.line == line_of(text, "!me.paused")
    assert '"!me.paused"' in error.message and "YAML pitfalls" in error.message
    assert "constructor" not in error.message


@pytest.mark.parametrize(
    "line",
    ["    success: {text: {role} pauses now.}\n", "    success:\n      text: {role} pauses now.\n"],
)
def test_a_text_starting_with_a_brace_gets_the_references_advice(line: str) -> None:
    text = BASE.replace("    success: {set: {me.paused: true}}\n", line)

    messages = [e.message for e in errors_of(text)]

    assert any("quote the text" in m and "YAML pitfalls" in m for m in messages), messages


def test_a_text_that_is_only_a_placeholder_in_braces_is_explained() -> None:
    text = BASE.replace(
        "    success: {set: {me.paused: true}}\n", "    success:\n      public: {role}\n"
    )

    [error] = errors_of(text)

    assert error.where == "actions[1].success.public"
    assert "is a mapping, not a text" in error.message and "quote the text" in error.message


def test_a_misspelt_placeholder_is_a_warning_and_the_scenario_still_loads() -> None:
    text = BASE.replace(
        "    success: {set: {me.paused: true}}\n",
        '    success: {set: {me.paused: true}, public: "{rol} pauses; {role} is sure."}\n',
    )

    scenario = load_scenario_text(text, "s.yaml")

    [warning] = scenario.warnings
    assert warning.severity == "warning"
    assert warning.where == "actions[1].success.public"
    assert "{rol} is not a placeholder" in warning.message and "{role}" in warning.message
    assert str(warning).startswith(
        f"s.yaml:{line_of(text, '{rol}')}: actions[1].success.public: warning:"
    )


def test_a_placeholder_where_texts_are_shown_as_written_is_a_warning() -> None:
    text = BASE.replace(
        "endings:\n  - {id: time, title: Time up, final: true}\n",
        'endings:\n  - {id: time, title: Time up, final: true, text: "{role} wins."}\n',
    )

    [warning] = load_scenario_text(text, "s.yaml").warnings

    assert warning.where == "endings[0].text"
    assert "(placeholders: none here)" in warning.message


def test_declared_placeholders_and_plain_braces_give_no_warning() -> None:
    text = BASE.replace(
        "    success: {add: {capability: 2.0}}\n",
        "    params: {amount: {type: int, min: 1, max: 3}}\n"
        '    success: {add: {capability: 2.0}, public: "{role} scales by {params.amount} {}."}\n',
    )

    assert load_scenario_text(text, "s.yaml").warnings == []
