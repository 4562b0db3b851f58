"""A branch's changes for one role as one generated function, made once per scenario.

`branch_changes` walks a branch's plan effect by effect: an evaluation, a type check and a
`StateChange` each, some 60 a turn. A branch without `if` blocks whose targets name no param
always makes the same changes to the same variables, only their values differ: so its plan
becomes one Python function computing every value, checking it as `_assigned`, `_checked`
and `_increment` do, and making the changes. The function answers None when anything is out
of the ordinary (an error, an unexpected type, a value that does not fit): the caller then
takes the general path, which gives the same changes or raises the same error as before.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from .expressions import Expression
from .moves import StateChange
from .scenario import TEXTUAL, Scenario

BranchCode = Callable[[dict[str, Any], str], "list[StateChange] | None"]


def compile_branch(
    scenario: Scenario,
    plan: Sequence[tuple[str, bool, Any]],
    assigned: Callable[[Scenario, str, Any], Any],
    increment: Callable[[Any], float],
) -> BranchCode | None:
    """The plan (variable, assigns, Expression or value) as one function of the names and
    the reason, or None when some effect needs the general path every time."""
    namespace: dict[str, Any] = {"new": object.__new__, "SC": StateChange, "finite": math.isfinite}
    lines = ["def branch(N, reason):", "    try:"]
    made = []
    for index, (name, assigns, value) in enumerate(plan):
        v, out = f"v{index}", f"x{index}"
        if value.__class__ is Expression:
            if value.constant is not None:
                value = value.constant
            elif value.compiled is None:
                return None  # only the library can evaluate it
            else:
                namespace[f"e{index}"] = value.compiled
                lines.append(f"        {v} = e{index}(N)")
                lines += _checks(scenario, namespace, index, name, assigns)
                made.append((name, assigns, out))
                continue
        # A value fixed in the scenario: checked (and converted) once, here.
        try:
            fixed = assigned(scenario, name, value) if assigns else _delta(value, increment)
        except Exception:
            return None
        if fixed.__class__ is list:
            return None  # a list of roles: each change gets its own list, as before
        namespace[f"c{index}"] = fixed
        made.append((name, assigns, f"c{index}"))
    if len(lines) == 2:
        del lines[1]  # every value fixed: nothing can fail
    else:
        lines += ["    except Exception:", "        return None"]
    names = []
    for index, (name, assigns, out) in enumerate(made):
        change = f"s{index}"
        value, delta = (out, "None") if assigns else ("None", out)
        lines += [
            f"    {change} = new(SC)",
            f"    f = {change}.__dict__",
            f"    f['variable'] = {name!r}",
            f"    f['value'] = {value}",
            f"    f['delta'] = {delta}",
            "    f['reason'] = reason",
        ]
        names.append(change)
    lines.append(f"    return [{', '.join(names)}]")
    # Generated from the plan alone: variable names as literals, values bound by name.
    exec(compile("\n".join(lines) + "\n", "<branch>", "exec"), namespace)
    code: BranchCode = namespace["branch"]
    return code


def _checks(
    scenario: Scenario, namespace: dict[str, Any], index: int, name: str, assigns: bool
) -> list[str]:
    v, out = f"v{index}", f"x{index}"
    if assigns:
        var = scenario.variables.get(name)
        if var is not None and var.type in TEXTUAL:
            namespace[f"fit{index}"] = var.fit
            return [
                f"        if {v}.__class__ is not str and {v}.__class__ is not list:",
                "            return None",
                f"        {out} = fit{index}({v})",
            ]
        # _checked: a bool, an int or a finite float; anything else is refused there.
        return [
            f"        k = {v}.__class__",
            f"        if not (k is bool or k is int or (k is float and finite({v}))):",
            "            return None",
            f"        {out} = {v}",
        ]
    # An increment: an int or a finite float, as a float (not a bool: refused there).
    return [
        f"        k = {v}.__class__",
        f"        if k is int or (k is float and finite({v})):",
        f"            {out} = float({v})",
        "        else:",
        "            return None",
    ]


def _delta(value: Any, increment: Callable[[Any], float]) -> float:
    kind = value.__class__
    if kind is int or (kind is float and math.isfinite(value)):
        return float(value)
    return increment(value)
