"""Applying changes coerces each variable exactly as `Variable.coerce`, the reference: same
value, same type (`apply_changes` uses per-variable functions made once, `coercers.py`)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from exercises.engine import StateChange, load_bundled_scenarios
from exercises.engine.effects import apply_changes

SCENARIOS = list(load_bundled_scenarios().values())
NUMERIC = ("int", "float", "bool")
# Numbers and bools: texts, choices and lists of roles refuse numbers, and keep their coerce.
VARIABLES = [(s, n) for s in SCENARIOS for n, v in s.variables.items() if v.type in NUMERIC]
EDGES = [0, 0.0, -0.0, 1, -1, 0.5, 2.5, 1e9, -1e9, 3.0000004, True, False]


def applied(scenario, name, value):  # type: ignore[no-untyped-def]
    values = {n: v.initial for n, v in scenario.variables.items()}
    return apply_changes(scenario, values, [StateChange(name, value=value)])[name]


def test_a_set_value_is_coerced_as_the_variable_coerces_it_at_every_bound() -> None:
    for scenario, name in VARIABLES:
        var = scenario.variables[name]
        bounds = [b for b in (var.min, var.max) if b is not None]
        for value in [*EDGES, *bounds, *(b + 0.4 for b in bounds), *(b - 0.4 for b in bounds)]:
            got, want = applied(scenario, name, value), var.coerce(value)
            assert (type(got), got) == (type(want), want), (name, value)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(VARIABLES), st.floats(-1e12, 1e12) | st.integers(-(10**12), 10**12))
def test_any_number_is_coerced_as_the_variable_coerces_it(pair, value) -> None:  # type: ignore[no-untyped-def]
    scenario, name = pair
    got, want = applied(scenario, name, value), scenario.variables[name].coerce(value)
    assert (type(got), got) == (type(want), want)


def test_a_float_met_again_is_rounded_as_the_first_time_sign_and_type_included() -> None:
    # `coercers` remembers each float's rounding: a zero of the other sign, an int bound and
    # a value met a second time must still read exactly as `coerce` gives them.
    values = [0.0, -0.0, 0.0, 1.0, 1, 1.0, 2.0000004, 2.0000004, float("inf"), float("nan")]
    for scenario, name in VARIABLES:
        var = scenario.variables[name]
        bounds = [b for b in (var.min, var.max) if b is not None]
        for value in [*values, *bounds, *(float(b) for b in bounds), *bounds]:
            got, want = outcome(applied, scenario, name, value), outcome(var.coerce, value)
            assert got == want, (name, value)


def outcome(make, *args):  # type: ignore[no-untyped-def]
    try:
        got = make(*args)
    except (ValueError, OverflowError) as exc:
        return type(exc), str(exc)
    return type(got), repr(got)
