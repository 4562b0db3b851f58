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
    # Comparisons rather than max() and min(), each a call: `low if low > n else n` is
    # exactly max(n, low) (a NaN stays), and `high if high < n else n` min(n, high).
    low, high = var.min, var.max
    if var.type == "int":
        if low is not None and high is not None:

            def bounded_int(value: Any) -> Value:
                n = float(value)
                n = low if low > n else n
                return round(high if high < n else n)

            return bounded_int
        if low is not None:
            return lambda value: round(low if low > (n := float(value)) else n)
        if high is not None:
            return lambda value: round(high if high < (n := float(value)) else n)
        return lambda value: round(float(value))
    if var.type == "float":
        if low is not None and high is not None:

            def bounded_float(value: Any) -> Value:
                n = float(value)
                n = low if low > n else n
                return round(high if high < n else n, 6)

            return bounded_float
        if low is not None:
            return lambda value: round(low if low > (n := float(value)) else n, 6)
        if high is not None:
            return lambda value: round(high if high < (n := float(value)) else n, 6)
        return lambda value: round(float(value), 6)
    if var.type == "bool":
        return bool  # what `coerce` answers for a bool, without its frame
    return var.coerce
