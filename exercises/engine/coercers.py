"""Each variable's `coerce` as one small function, made once per scenario.

`apply_changes` coerces every changed variable, some 50 a turn; `Variable.coerce` asks the
variable's type and each bound every time. An int or float variable with both bounds (most of
them) gets a function with those answers built in, computing exactly what `coerce` computes
in the same order; every other variable keeps its own `coerce`.
"""

from __future__ import annotations

from collections.abc import Callable

from .scenario import Scenario, Variable
from .schema import Scalar

Coercer = Callable[[Scalar], Scalar]


def coercers(scenario: Scenario) -> dict[str, Coercer]:
    found: dict[str, Coercer] | None = scenario.cache.get("coercers")
    if found is None:
        found = {name: _coercer(var) for name, var in scenario.variables.items()}
        scenario.cache["coercers"] = found
    return found


def _coercer(var: Variable) -> Coercer:
    low, high = var.min, var.max
    if low is None or high is None:
        return var.coerce
    if var.type == "int":
        return lambda value: round(min(max(float(value), low), high))
    if var.type == "float":
        return lambda value: round(min(max(float(value), low), high), 6)
    return var.coerce
