"""Each variable's `coerce` as one small function, made once per scenario.

`apply_changes` coerces every changed variable, some 50 a turn; `Variable.coerce` asks the
variable's type and each bound every time. An int or float variable gets a function with
those answers built in, computing exactly what `coerce` computes in the same order; a
variable of any other type keeps its own `coerce`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .scenario import Scenario, Variable
from .schema import Value

Coercer = Callable[[Any], Value]


def coercers(scenario: Scenario) -> dict[str, Coercer]:
    found: dict[str, Coercer] | None = scenario.cache.get("coercers")
    if found is None:
        found = {name: _coercer(var) for name, var in scenario.variables.items()}
        scenario.cache["coercers"] = found
    return found


def _coercer(var: Variable) -> Coercer:
    low, high = var.min, var.max
    if var.type == "int":
        if low is not None and high is not None:
            return lambda value: round(min(max(float(value), low), high))
        if low is not None:
            return lambda value: round(max(float(value), low))
        if high is not None:
            return lambda value: round(min(float(value), high))
        return lambda value: round(float(value))
    if var.type == "float":
        if low is not None and high is not None:
            return lambda value: round(min(max(float(value), low), high), 6)
        if low is not None:
            return lambda value: round(max(float(value), low), 6)
        if high is not None:
            return lambda value: round(min(float(value), high), 6)
        return lambda value: round(float(value), 6)
    return var.coerce
