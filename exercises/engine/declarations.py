"""The variables a scenario declares (`state`, `role_state`): built, checked, and sampled for
the load-time probe of expressions (checks.py)."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from .scenario import TEXTUAL, Scenario, Variable
from .schema import RoleVariableSpec, Value, VariableSpec

Loc = tuple[str | int, ...]
Report = Callable[[Loc, str], None]


def declared_variables(scenario: Scenario, error: Report) -> dict[str, Variable]:
    """Every variable under its flat name; each problem found is reported to `error`."""
    variables: dict[str, Variable] = {}
    for key, spec in scenario.spec.state.items():
        loc: Loc = ("state", key)
        _check_shape(loc, spec, error)
        audience = tuple(scenario.resolve_roles(spec.visible_to))
        made = _variable(scenario, spec, key, key, None, spec.visibility, audience)
        variables[key] = _with_initial(made, spec.initial, loc, error)
    for key, rspec in scenario.spec.role_state.items():
        loc = ("role_state", key)
        _check_shape(loc, rspec, error)
        holders = scenario.resolve_roles(rspec.roles)
        audience = tuple(scenario.resolve_roles(rspec.visible_to))
        initials = rspec.initial if isinstance(rspec.initial, dict) else {}
        for extra in sorted(set(initials) - set(holders)):
            error((*loc, "initial", extra), f"{extra!r} does not hold {key}")
        for role in holders:
            raw = initials.get(role) if initials else rspec.initial
            if raw is None or isinstance(raw, dict):
                error((*loc, "initial"), f"no initial value for {role}")
                continue
            name = f"{role}.{key}"
            made = _variable(scenario, rspec, name, key, role, rspec.visibility, audience)
            variables[name] = _with_initial(made, raw, (*loc, "initial"), error)
    return variables


def _variable(
    scenario: Scenario,
    spec: VariableSpec | RoleVariableSpec,
    name: str,
    key: str,
    owner: str | None,
    visibility: Any,
    audience: tuple[str, ...],
) -> Variable:
    choices = spec.choices if spec.type == "choice" else None
    allowed = scenario.role_ids if spec.type == "roles" else (choices or [])
    return Variable(
        name,
        key,
        owner,
        spec.type,
        spec.initial if not isinstance(spec.initial, dict) else 0,
        visibility,
        spec.label or key,
        spec.description,
        spec.unit,
        spec.min,
        spec.max,
        audience,
        tuple(allowed),
        spec.max_length,
    )


def _check_shape(loc: Loc, spec: VariableSpec | RoleVariableSpec, error: Report) -> None:
    """The fields that belong to other types: bounds to numbers, choices to a choice."""
    kind, given = spec.type, spec.model_fields_set
    if kind in TEXTUAL | {"bool"} and ({"min", "max"} & given):
        error(loc, f"a {kind} has no min or max: bounds are for int and float")
    if kind == "choice":
        if not spec.choices:
            error((*loc, "choices"), "a choice needs its choices: a list of at least one")
        elif len(set(spec.choices)) != len(spec.choices):
            error((*loc, "choices"), "a choice lists each of its choices once")
    elif "choices" in given:
        error((*loc, "choices"), f"choices are for a choice, not a {kind}")
    if kind != "text" and "max_length" in given:
        error((*loc, "max_length"), f"max_length is for a text, not a {kind}")
    lo, hi = spec.min, spec.max
    if lo is not None and hi is not None and lo > hi:
        error(loc, f"min {lo:g} is above max {hi:g}")


def _with_initial(var: Variable, value: Value, loc: Loc, error: Report) -> Variable:
    return replace(var, initial=_initial(var, value, loc, error))


def _initial(var: Variable, value: Any, loc: Loc, error: Report) -> Value:
    kind = var.type
    # A value of the wrong kind is reported at `initial`, as the schema reported it before
    # variables could hold strings; bounds and the like at the variable.
    at = loc if loc[-1] == "initial" else (*loc, "initial")
    if kind in TEXTUAL:
        problem = var.misfit(value)
        if problem:
            error(at, f"initial value: {problem}")
            return [] if kind == "roles" else ""
        return var.fit(value)
    if isinstance(value, list | str):
        error(at, f"initial value {value!r} is not a {'bool' if kind == 'bool' else 'number'}")
        return False if kind == "bool" else 0
    if kind == "bool":
        if not isinstance(value, bool):
            error(loc, f"initial value {value!r} is not true or false")
        return bool(value)
    if isinstance(value, bool) or (kind == "int" and not float(value).is_integer()):
        wanted = "an int" if kind == "int" else "a number"
        error(loc, f"initial value {value!r} is not {wanted}")
    lo, hi = var.min, var.max
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        error(loc, f"initial value {value!r} is outside its bounds")
    return int(value) if kind == "int" else float(value)


def sample(var: Variable, rng: random.Random) -> Value:
    """A value the variable may hold, for probing expressions: inside the bounds of a number
    (an unbounded one between min(0, initial) and max(100, 2 x initial)), either bool, any of
    a choice's choices, any set of roles, and for a text its initial value, an empty text or
    one as long as it may be."""
    kind = var.type
    if kind == "bool":
        return rng.random() < 0.5
    if kind == "choice":
        return rng.choice(var.choices)
    if kind == "roles":
        return [role for role in var.choices if rng.random() < 0.5]
    if kind == "text":
        return rng.choice([var.initial, "", "x" * var.max_length])
    assert isinstance(var.initial, int | float)
    lo = var.min if var.min is not None else min(0.0, float(var.initial))
    hi = var.max if var.max is not None else max(100.0, float(var.initial) * 2)
    value = rng.uniform(lo, hi)
    return round(value) if kind == "int" else value
