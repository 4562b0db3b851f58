"""What the generated batch-path functions (rules_compile, move_compile) share: writing
lines, naming locals and constants, inlining an expression, and computing a branch's value
with the checks the general path makes (`effects._assigned`, `_checked`, `_increment`).

A writer says how its code gives up (`bail`): the rules' function calls `fail()`, caught
where it hands the rule to the general path; a move's function returns None.
"""

from __future__ import annotations

import math
from typing import Any

from .cel_compile import python_lines, runtime_namespace
from .effects import _assigned, _increment
from .expressions import HELPERS, Expression
from .scenario import TEXTUAL, Scenario


class Slow(Exception):
    """This part has to take the general path every time."""


class CodeWriter:
    def __init__(self, scenario: Scenario, bail: str, names: dict[str, Any]) -> None:
        self.scenario = scenario
        self.bail = bail
        self.namespace: dict[str, Any] = {
            **runtime_namespace(HELPERS),
            "finite": math.isfinite,
            **names,
        }
        self.lines: list[str] = []
        self.count = 0

    def name(self, stem: str) -> str:
        self.count += 1
        return f"{stem}{self.count}"

    def constant(self, value: Any) -> str:
        name = self.name("K")
        self.namespace[name] = value
        return name

    def out(self, level: int, text: str) -> None:
        self.lines.append("    " * level + text)

    def inline(self, source: str, aliases: dict[str, str]) -> tuple[list[str], str]:
        """The expression's statements (one level in) and its value's text, its locals
        kept apart from every other expression's."""
        return python_lines(source, HELPERS, aliases, self.name("q") + "_")

    def value(
        self, name: str, assigns: bool, value: Any, level: int, aliases: dict[str, str]
    ) -> str:
        """The text of a branch's value for variable `name`, checked as the general path
        checks it (`assigns`: set, else add); Slow where that path must make it."""
        if value.__class__ is Expression and value.constant is not None:
            value = value.constant
        if value.__class__ is Expression:
            if value.compiled is None:
                raise Slow
            try:
                lines, result = self.inline(value.source, aliases)
            except Exception:
                raise Slow from None
            pad = "    " * (level - 1)
            self.lines += [pad + line for line in lines]
            got = self.name("v")
            self.out(level, f"{got} = {result}")
            return self.checked(got, name, assigns, level)
        try:
            fixed = _assigned(self.scenario, name, value) if assigns else _delta(value)
        except Exception:
            raise Slow from None
        if fixed.__class__ is list:
            raise Slow  # each change gets its own list, as on the general path
        return self.constant(fixed)

    def checked(self, got: str, name: str, assigns: bool, level: int) -> str:
        out = self.name("x")
        if assigns:
            var = self.scenario.variables.get(name)
            if var is not None and var.type in TEXTUAL:
                fit = self.constant(var.fit)
                self.out(level, f"if {got}.__class__ is not str and {got}.__class__ is not list:")
                self.out(level + 1, self.bail)
                self.out(level, f"{out} = {fit}({got})")
                return out
            # _checked: a bool, an int or a finite float; anything else is refused there.
            self.out(level, f"k = {got}.__class__")
            self.out(level, f"if not (k is bool or k is int or (k is float and finite({got}))):")
            self.out(level + 1, self.bail)
            return got
        # An increment: an int or a finite float, as a float (not a bool: refused there).
        self.out(level, f"k = {got}.__class__")
        self.out(level, f"if k is int or (k is float and finite({got})):")
        self.out(level + 1, f"{out} = float({got})")
        self.out(level, "else:")
        self.out(level + 1, self.bail)
        return out


def _delta(value: Any) -> float:
    kind = value.__class__
    if kind is int or (kind is float and math.isfinite(value)):
        return float(value)
    return _increment(value)
