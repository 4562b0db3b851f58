"""The expression language against hostile and careless scenario authors.

Every hostile expression is stopped somewhere: it does not compile, the scenario holding it
does not load, or evaluating it raises ExpressionError at once. Nothing reaches Python
objects, files or unbounded work. Careless mistakes (unknown names, wrong types) are load
errors that point at the expression's line.
"""

import json

import pytest

from exercises.engine import (
    ExpressionError,
    ScenarioLoadError,
    compile_expression,
    initial_state,
    load_scenario_text,
)
from exercises.engine.expressions import MAX_LENGTH
from exercises.engine.state import environment, role_values

TEMPLATE = """\
id: probe
title: Probe
version: 1
turns: 3
roles:
  - {id: a, name: Lab A, briefing: "You are A.", tags: [lab]}
  - {id: b, name: Lab B, briefing: "You are B.", tags: [lab]}
state:
  capability: {type: float, initial: 50.0, min: 0, max: 100}
  count: {type: int, initial: 1, min: 0, max: 10}
role_state:
  cash: {type: float, roles: [lab], initial: 2.0}
rules:
  - id: probe
    description: The expression under test.
    for_each: [lab]
    when: WHEN
    then: {add: {capability: VALUE}}
endings:
  - {id: time, title: Time up, final: true}
"""
WHEN_LINE = TEMPLATE.splitlines().index("    when: WHEN") + 1
VALUE_LINE = WHEN_LINE + 1

HOSTILE = [
    # attribute access on host objects
    "me.__class__",
    "state.__dict__",
    "().__class__",
    "me.cash.__class__.__mro__",
    # format strings
    "'{0.__class__}'.format(1)",
    "'%s' % 1",
    "'{}'.format(state)",
    # huge numbers
    "2 ** 1000",
    # huge strings
    "'a' * 100000000",
    "size('" + "a" * 200 + "' + '" + "a" * 200 + "' + '" + "a" * 200 + "')",
    # deep nesting
    "(" * 200 + "1" + ")" * 200,
    "[" * 100 + "1" + "]" * 100,
    "{'a': " * 30 + "1" + "}" * 30,
    "!" * 600 + "true",
    # files, imports, Python builtins
    "open('/etc/passwd')",
    "import os",
    "__import__('os')",
    "eval('1')",
    "exec('import os')",
    "getattr(me, 'cash')",
    "lambda: 1",
    "[x for x in [1]]",
    # many list macros
    "[1, 2].all(x, [1].all(y, [1].all(z, true)))",
    "[1, 2].map(x, x).map(y, y).map(z, z).size() > 0",
    "[1, 2].exists(x, true) && [1].exists(y, true) && [1].exists(z, true)",
    # unknown functions, including CEL ones the scenario language leaves out
    "frobnicate(1)",
    "type(1) == int",
    "dyn(1) == 1",
    "'a'.repeat(3)",
]
# Integer overflow is an error in CEL, never a big number. The checker lets it pass at load,
# since it cannot tell a constant overflow from one that depends on a run's values.
OVERFLOWING = [
    "9223372036854775807 * 2 > 0",
    "9223372036854775807 + 1 > 0",
    "-9223372036854775807 - 2 < 0",
    "18446744073709551615u + 1u > 0u",
    "int(1e300) > 0",
    "[1, 2].map(x, 9223372036854775807 * x).size() > 0",
]


def scenario_with(when: str = "true", value: str = "1.0") -> str:
    return TEMPLATE.replace("WHEN", json.dumps(when)).replace("VALUE", json.dumps(value))


def load_errors(text: str) -> list[str]:
    try:
        load_scenario_text(text, "probe.yaml")
    except ScenarioLoadError as exc:
        return [str(error) for error in exc.errors]
    return []


def evaluation_error(source: str) -> ExpressionError | None:
    scenario = load_scenario_text(scenario_with(), "probe.yaml")
    env = environment(scenario, initial_state(scenario), 1)
    env.bind(me=role_values(scenario, initial_state(scenario).values, "a"), role="a")
    try:
        compile_expression(source).evaluate(env)
    except ExpressionError as exc:
        return exc
    return None


def where_rejected(source: str) -> str | None:
    """The first stage that stops `source`: compile, load, evaluate; None if none does."""
    try:
        compile_expression(source)
    except ExpressionError:
        return "compile"
    if load_errors(scenario_with(when=source)) and load_errors(scenario_with(value=source)):
        return "load"
    return "evaluate" if evaluation_error(source) else None


@pytest.mark.parametrize("source", HOSTILE + OVERFLOWING)
def test_a_hostile_expression_is_stopped(source: str) -> None:
    # Bounded by the limits on length, nesting and macros; how fast is the benchmarks' business.
    stage = where_rejected(source)

    assert stage is not None, f"{source[:60]!r} was accepted"


@pytest.mark.parametrize("source", HOSTILE)
def test_a_hostile_expression_never_loads_as_a_condition(source: str) -> None:
    errors = load_errors(scenario_with(when=source))

    assert errors, f"{source[:60]!r} loaded"
    assert errors[0].startswith(f"probe.yaml:{WHEN_LINE}: rules[0].when: expression ")


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("me.__class__", "reads me.__class__, which is not declared"),
        ("(" * 200 + "1" + ")" * 200, "nests 200 deep; the limit is 12"),
        ("[1].all(x, [1].all(y, [1].all(z, true)))", "uses 3 list macros; the limit is 2"),
        ("open('/etc/passwd')", "calls open(), which is not a known function"),
        ("__import__('os')", "calls __import__(), which is not a known function"),
        ("'a' " + "+ 'aaaaaaaa' " * 60, f"characters long; the limit is {MAX_LENGTH}"),
    ],
)
def test_the_load_error_says_why_the_expression_was_refused(source: str, message: str) -> None:
    errors = load_errors(scenario_with(when=source))

    assert message in errors[0]


@pytest.mark.parametrize("source", OVERFLOWING)
def test_arithmetic_overflow_is_an_expression_error_not_a_big_number(source: str) -> None:
    error = evaluation_error(source)

    assert error is not None
    assert "overflow" in str(error)


def test_an_overflow_that_depends_on_the_state_fails_the_rule_at_run_time_only() -> None:
    # The checker cannot know the values a run will reach, so a rule that overflows only for
    # some values loads, and at run time it fails as an expression error (a rule.error
    # event), never as a crash.
    source = "int(me.cash * 1e17) > 0"
    scenario = load_scenario_text(scenario_with(when=source), "probe.yaml")
    start = initial_state(scenario)
    env = environment(scenario, start.evolve(values={**start.values, "a.cash": 1000.0}), 1)
    env.bind(role="a")

    with pytest.raises(ExpressionError, match="overflow"):
        scenario.expr(source).evaluate(env)


def test_an_expression_that_overflows_in_every_state_is_a_load_error() -> None:
    errors = load_errors(scenario_with(when="int(me.cash * 1e300) > 0"))

    assert any("every sampled state" in error for error in errors)


def test_a_long_but_legal_expression_compiles() -> None:
    source = " || ".join(["state.count > 1"] * 25)

    assert len(source) <= MAX_LENGTH
    assert load_errors(scenario_with(when=source)) == []


@pytest.mark.parametrize(
    ("when", "value", "line", "message"),
    [
        (
            "true",
            "state.capability + 1",
            VALUE_LINE,
            "rules[0].then.add.capability: expression `+` cannot add double and int "
            "(in `state.capability + 1`)",
        ),
        (
            "state.count + 1",
            "1.0",
            WHEN_LINE,
            "rules[0].when: expression gives 2, but a condition must give true or false",
        ),
        (
            "roles.nobody.cash > 1.0",
            "1.0",
            WHEN_LINE,
            "rules[0].when: expression reads roles.nobody, but there is no role 'nobody'",
        ),
        (
            "me.x > 1",
            "1.0",
            WHEN_LINE,
            "rules[0].when: expression reads me.x, which is not declared",
        ),
        (
            "state.nothing",
            "1.0",
            WHEN_LINE,
            "rules[0].when: expression reads state.nothing, which is not declared",
        ),
        (
            "params.x == 1",
            "1.0",
            WHEN_LINE,
            "rules[0].when: expression reads 'params', which is not defined here",
        ),
        (
            "true",
            "me.cash > 1.0",
            VALUE_LINE,
            "rules[0].then.add.capability: expression gives",
        ),
        (
            "state.count > 'three'",
            "1.0",
            WHEN_LINE,
            "rules[0].when: expression `>` cannot compare int and string",
        ),
    ],
)
def test_a_careless_expression_is_a_load_error_on_its_line(
    when: str, value: str, line: int, message: str
) -> None:
    errors = load_errors(scenario_with(when=when, value=value))

    assert len(errors) == 1
    assert errors[0].startswith(f"probe.yaml:{line}: {message}")


def test_names_inside_string_literals_are_not_references() -> None:
    assert load_errors(scenario_with(when="'state.nothing me.x' != ''")) == []


def test_macro_variables_are_not_references() -> None:
    assert load_errors(scenario_with(when="[1, 2].exists(x, x > state.count)")) == []


def test_me_reads_whichever_role_is_bound_at_each_evaluation() -> None:
    # `me.` is compiled once per role; switching roles back and forth on one environment must
    # still read each role's own value.
    scenario = load_scenario_text(scenario_with(when="me.cash > 1.0"), "probe.yaml")
    start = initial_state(scenario)
    env = environment(scenario, start.evolve(values={**start.values, "b.cash": 7.0}), 1)
    expression = scenario.expr("me.cash + 0.5")

    seen = [expression.evaluate(env.bind(role=role)) for role in ("a", "b", "a", "b")]

    assert seen == [2.5, 7.5, 2.5, 7.5]


def test_me_inside_a_string_literal_is_text_for_every_role() -> None:
    scenario = load_scenario_text(scenario_with(when="me.cash > 1.0"), "probe.yaml")
    env = environment(scenario, initial_state(scenario), 1)
    expression = scenario.expr("'me.cash' + string(me.cash)")

    assert expression.evaluate(env.bind(role="b")) == "me.cash2"
