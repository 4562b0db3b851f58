"""A type error names the operation and its operands' types, not the library's "No such
overload": at load, on the expression's line, and at run time."""

from __future__ import annotations

import pytest

from exercises.engine import initial_state, load_scenario_text
from exercises.engine.expressions import Environment, ExpressionError, compile_expression
from exercises.engine.state import environment
from tests.engine.test_expressions import WHEN_LINE, load_errors, scenario_with


@pytest.mark.parametrize(
    ("when", "message"),
    [
        # arithmetic
        (
            "state.capability - 1 > 0.0",
            "`-` cannot subtract int from double (in `state.capability - 1`)",
        ),
        (
            "1 + state.capability > 0.0",
            "`+` cannot add int and double (in `1 + state.capability`)",
        ),
        (
            "state.count * 2.0 > 0.0",
            "`*` cannot multiply int by double (in `state.count * 2.0`)",
        ),
        (
            "state.count / 2.0 > 0.0",
            "`/` cannot divide int by double (in `state.count / 2.0`)",
        ),
        (
            "state.capability % 2.0 > 0.0",
            "`%` takes the remainder of two ints, not of double by double",
        ),
        (
            "(state.count + 1) * 2.0 > 1.0",
            "`*` cannot multiply int by double (in `(state.count + 1) * 2.0`)",
        ),
        # comparisons
        (
            "state.count > true",
            "`>` cannot compare int and bool (in `state.count > true`)",
        ),
        (
            "'high' <= state.capability",
            "`<=` cannot compare string and double",
        ),
        # logic on what is not a bool
        (
            "state.count && true",
            "`&&` needs bools, not int and bool (in `state.count && true`)",
        ),
        (
            "false || state.count",
            "`||` needs bools, not bool and int",
        ),
        (
            "!state.count",
            "`!` needs a bool, not int (in `!state.count`)",
        ),
        (
            "state.count ? true : false",
            "`? :` needs a bool condition, not int",
        ),
        # membership
        (
            "1 in state.count",
            "`in` needs a list or a map on its right, not int (in `1 in state.count`)",
        ),
        # function arguments
        (
            "max(state.count, state.capability) > 1.0",
            "`max` takes two values of one type, not int and double",
        ),
        (
            "size(state.count) > 1",
            "`size()` cannot take int (in `size(state.count)`)",
        ),
        (
            "int(me.cash > 1.0) > 0",
            "`int()` cannot take bool (in `int(me.cash > 1.0)`)",
        ),
        # inside a macro, on the element where it fails
        (
            "tags.lab.exists(r, roles[r].cash > true)",
            "`>` cannot compare double and bool (in `roles[r].cash > true`)",
        ),
        (
            "tags.lab.all(r, roles[r].cash)",
            "`all` needs a condition that gives a bool, not double",
        ),
    ],
)
def test_a_type_error_at_load_names_the_operator_and_the_types(when: str, message: str) -> None:
    errors = load_errors(scenario_with(when=when))

    assert len(errors) == 1, errors
    assert errors[0].startswith(f"probe.yaml:{WHEN_LINE}: rules[0].when: expression {message}")


def test_the_failing_operation_is_the_innermost_one() -> None:
    [error] = load_errors(scenario_with(when="state.count > 0 && state.capability - 1 > 2.0"))

    assert error.endswith("`-` cannot subtract int from double (in `state.capability - 1`)")


def test_a_side_that_settles_a_logical_operator_hides_no_error_the_library_ignores() -> None:
    # `false && x` is false whatever x is: the failure is the comparison's, not the `&&`'s.
    [error] = load_errors(scenario_with(when="(false && state.count) || state.count > 'x'"))

    assert error.endswith('`>` cannot compare int and string (in `state.count > "x"`)')


def test_a_type_error_at_run_time_names_the_operator_and_the_types() -> None:
    scenario = load_scenario_text(scenario_with(), "probe.yaml")
    env = environment(scenario, initial_state(scenario), 1).bind(role="a")

    with pytest.raises(ExpressionError) as caught:
        compile_expression("me.cash + state.count").evaluate(env)

    assert str(caught.value) == "`+` cannot add double and int (in `me.cash + state.count`)"


def test_other_failures_keep_their_own_message() -> None:
    env = Environment({"state": {"x": 0}})
    for source, message in [("10 / state.x", "divides by zero"), ("state.y > 1", "'y'")]:
        with pytest.raises(ExpressionError, match=message):
            compile_expression(source).evaluate(env)


def test_a_failure_too_costly_to_explain_keeps_the_library_s_words() -> None:
    # 60 x 60 additions inside two macros: more operations than the explanation runs again.
    env = Environment({"xs": list(range(60))})
    source = "xs.map(x, xs.map(y, x + y)).size() + 1.0 > 0.0"

    with pytest.raises(ExpressionError) as caught:
        compile_expression(source).evaluate(env)

    assert "`+`" not in str(caught.value)
    assert "No such overload" in str(caught.value)
    small = Environment({"xs": list(range(3))})
    with pytest.raises(ExpressionError, match=r"^`\+` cannot add int and double"):
        compile_expression(source).evaluate(small)
