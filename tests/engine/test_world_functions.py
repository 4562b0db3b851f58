"""`count`, `sum`, `published` and `revealed`: expressions over the roles of a list and over
what `reveal` and `publish` have done, checked at load and run by both evaluators."""

from __future__ import annotations

from typing import Any

import pytest

from exercises.engine import (
    Move,
    Scenario,
    ScenarioLoadError,
    adjudicate,
    initial_state,
    load_scenario_text,
    open_turn,
)
from exercises.engine.expressions import ExpressionError, compile_expression
from exercises.engine.state import State, environment
from tests.engine.test_loader import BASE

SEED = 4

EXTRA_STATE = (
    "  paused: {type: bool, roles: [lab], initial: false}\n"
    "  votes: {type: int, roles: [lab], initial: 2}\n"
    "  secret_plan: {type: bool, roles: [lab], initial: false, visibility: private}\n"
)
ACTIONS = """\
  - id: leak
    label: Leak the risk
    roles: [lab]
    success: {reveal: [risk]}
  - id: announce
    label: Announce the risk
    roles: [lab]
    success: {publish: [risk]}
  - id: confide
    label: Confide the plan
    roles: [lab]
    success: {publish: [me.secret_plan]}
"""
RULES = """\
rules:
  - id: alarm
    description: A lab knows the hidden risk and the world does not.
    when: 'revealed("risk", "a") && !published("risk")'
    then: {add: {capability: 1.0}}
  - id: quorum
    description: Both labs paused.
    when: 'count(tags.lab, "paused") == size(tags.lab)'
    then: {set: {risk: 0}}
"""


def scenario_text(rules: str = RULES) -> str:
    return (
        BASE.replace(
            "  risk: {type: int, initial: 10,",
            "  risk: {type: int, visibility: facilitator, initial: 10,",
        )
        .replace("  paused: {type: bool, roles: [lab], initial: false}\n", EXTRA_STATE)
        .replace("endings:\n", ACTIONS + rules + "endings:\n")
    )


def scenario() -> Scenario:
    return load_scenario_text(scenario_text(), "s.yaml")


def value(source: str, scenario: Scenario, state: State, role: str = "a") -> Any:
    env = environment(scenario, state, 1)
    env.bind(role=role)
    expression = compile_expression(source)
    assert expression.compiled is not None, source  # the compiled evaluator answers it
    answer = expression.evaluate(env)
    assert type(expression._in_cel(env)) is type(answer)  # and the library agrees
    assert expression._in_cel(env) == answer
    return answer


def load_error(when: str) -> str:
    rule = (
        f"rules:\n  - id: r\n    description: d\n    when: '{when}'\n"
        "    then: {add: {risk: 1}}\n"
    )
    with pytest.raises(ScenarioLoadError) as caught:
        load_scenario_text(scenario_text(rule), "s.yaml")
    [error] = caught.value.errors
    return f"{error.where}: {error.message}"


def test_count_counts_the_roles_of_a_tag_whose_bool_variable_holds() -> None:
    s = scenario()
    state = initial_state(s)
    paused = state.evolve(values={**state.values, "b.paused": True})

    assert value('count(tags.lab, "paused")', s, state) == 0
    assert value('count(tags.lab, "paused")', s, paused) == 1
    assert value('count(["b"], "paused")', s, paused) == 1


def test_sum_keeps_the_type_of_the_variable_it_adds_up() -> None:
    s = scenario()
    state = initial_state(s)

    assert value('sum(tags.lab, "votes")', s, state) == 4
    assert type(value('sum(tags.lab, "votes")', s, state)) is int
    assert value('sum(tags.lab, "cash")', s, state) == 10.0
    assert type(value('sum(tags.lab, "cash")', s, state)) is float
    assert type(value('sum([], "cash")', s, state)) is float


def test_a_vote_by_count_decides_a_rule_without_a_macro() -> None:
    s = scenario()
    state = open_turn(s, initial_state(s), SEED).state

    one = adjudicate(s, state, [Move("a", "pause", {})], SEED).state
    both = adjudicate(s, state, [Move("a", "pause", {}), Move("b", "pause", {})], SEED).state

    assert one.values["risk"] == 10
    assert both.values["risk"] == 0


@pytest.mark.parametrize(
    ("when", "message"),
    [
        (
            'count(tags.lab, "pausd") > 0',
            "expression calls count() on 'pausd', which is not a per-role bool variable",
        ),
        (
            'count(tags.lab, "votes") > 0',
            "expression calls count() on 'votes', which is not a per-role bool variable",
        ),
        (
            'sum(tags.lab, "paused") > 0',
            "expression calls sum() on 'paused', which is not a per-role int or double variable",
        ),
        (
            'sum(["a", "z"], "votes") > 0',
            "expression calls sum() on 'votes', which 'z' does not hold",
        ),
        (
            'sum(tags.lab, "cash") > 0 && count(tags.lab) > 0',
            "expression calls count() with 1 arguments; it takes 2",
        ),
        (
            "sum(tags.lab, state.risk) > 0",
            'expression calls sum() without a quoted variable name, as in sum(tags.t, "votes")',
        ),
        (
            "sum(tags.lab, role) > 0",
            "expression reads 'role', which is not defined here",
        ),
        (
            'published("ransom_paid")',
            "expression calls published() on 'ransom_paid', which is not a variable",
        ),
        (
            'published("a.votes") && published("me.votes")',
            "expression calls published('me.votes'), but `me` is not defined here",
        ),
        (
            'published("a" + ".votez")',
            "expression calls published() on 'votez', which is not a per-role variable",
        ),
        (
            "published(state.risk)",
            "expression calls published() without a quoted variable name, "
            'as in published("ransom_paid")',
        ),
        (
            'revealed("risk", "insurer")',
            "expression calls revealed() about 'insurer', which is not a role id",
        ),
        (
            'revealed("c.cash", "a")',
            "expression calls revealed() on 'c.cash', which is not a variable",
        ),
    ],
)
def test_a_wrong_name_in_a_function_is_a_load_error_naming_it(when: str, message: str) -> None:
    assert load_error(when) == f"rules[0].when: {message}"


def test_a_sum_of_a_float_variable_is_a_double_at_load() -> None:
    assert "+" in load_error('sum(tags.lab, "cash") + 1 > 2.0')


def test_revealed_and_published_follow_the_reveals_and_publications() -> None:
    s = scenario()
    state = open_turn(s, initial_state(s), SEED).state
    assert value('revealed("risk", "a")', s, state) is False
    assert value('revealed("me.secret_plan", "a")', s, state) is True  # its own
    assert value('revealed("a.secret_plan", "b")', s, state) is False
    assert value('published("capability")', s, state) is True  # declared public

    leaked = adjudicate(s, state, [Move("a", "leak", {})], SEED).state
    assert value('revealed("risk", role)', s, leaked, role="a") is True
    assert value('revealed("risk", role)', s, leaked, role="b") is False
    assert value('published("risk")', s, leaked) is False

    confided = adjudicate(s, state, [Move("b", "confide", {})], SEED).state
    assert value('revealed("b.secret_plan", "a")', s, confided) is True
    assert value('published("me.secret_plan")', s, confided, role="b") is True
    assert value('published("me.secret_plan")', s, confided, role="a") is False
    assert value('published(role + ".secret_plan")', s, confided, role="b") is True
    assert value('revealed(role + ".secret_plan", "a")', s, confided, role="a") is True


def test_a_rule_fires_once_a_value_is_revealed_but_not_published() -> None:
    s = scenario()
    state = open_turn(s, initial_state(s), SEED).state

    quiet = adjudicate(s, state, [], SEED).state
    leaked = adjudicate(s, state, [Move("a", "leak", {})], SEED).state
    announced = adjudicate(s, state, [Move("a", "announce", {})], SEED).state

    assert quiet.values["capability"] == 50.0
    assert leaked.values["capability"] == 51.0  # rules read the state after the moves
    assert announced.values["capability"] == 50.0


def test_an_unknown_role_at_run_time_is_an_error_naming_it() -> None:
    s = scenario()
    env = environment(s, initial_state(s), 1)
    env.bind(role="insurer")

    with pytest.raises(ExpressionError, match=r"^revealed\(\) asks about 'insurer', which is not"):
        compile_expression('revealed("risk", role)').evaluate(env)
