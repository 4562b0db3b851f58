"""CEL compiled to Python: one function per expression, reading the names where they are.

The `cel` library needs every name converted into its own values first (a context costs
about 1 µs a value, and a scenario's state changes three times a turn); a compiled expression
reads the Python dicts directly. The generated function takes the dict of names (`state`,
`roles`, `role`, `params`, ...) and gives CEL's value, or raises: then the caller runs the
expression in `cel`, which gives the value or the error message. So compiled code only has to
be right where it answers; the case book in tests/engine/test_cel_equivalence.py holds it to
the library's answers.

The code is built as statements rather than one Python expression, so that `&&`, `||` and
`?:` evaluate their right side only when CEL would, and macros become plain loops.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import exercises.engine.cel_runtime as cel_runtime  # not `from . import`: no cycle via the package

from .cel_functions import WORLD_FUNCTIONS, count_of, published, revealed, sum_of
from .cel_parse import INT_MAX, INT_MIN, Node, Unsupported, parse

Compiled = Callable[[dict[str, Any]], Any]

_OPERATORS = {
    "+": "add",
    "-": "sub",
    "*": "mul",
    "/": "div",
    "%": "mod",
    "<": "less",
    "<=": "less_equal",
    ">": "greater",
    ">=": "greater_equal",
    "==": "equal",
    "!=": "not_equal",
    "in": "contained",
}
_COMPARISONS = frozenset({"<", "<=", ">", ">=", "==", "!="})
_INLINE = _COMPARISONS | {"+", "-", "*", "/"}
_FLOAT_INLINE = _COMPARISONS | {"+", "-", "*"}
_FUNCTIONS = {"int": "to_int", "double": "to_double", "string": "to_string", "size": "size"}
_METHODS = {
    "size": ("size", 0),
    "contains": ("contains", 1),
    "startsWith": ("starts_with", 1),
    "endsWith": ("ends_with", 1),
}
# Nodes whose code gives a bool or fails (`not`: `x is False`; `&&`, `||`: checked here).
_BOOLEAN = frozenset({"not", "and", "or"})
_MACROS = frozenset({"all", "exists", "exists_one", "map", "filter"})
_RUNTIME = {name: getattr(cel_runtime, name) for name in dir(cel_runtime) if name.islower()}


# The engine's functions read the phase as well as their arguments: they are passed `N`.
_WORLD = {
    "world_count": count_of,
    "world_sum": sum_of,
    "world_published": published,
    "world_revealed": revealed,
}


def compile_cel(
    source: str, helpers: dict[str, Callable[..., Any]], aliases: dict[str, str] | None = None
) -> Compiled:
    """The expression as a Python function of the names; `Unsupported` if it cannot be.
    `helpers` are extra functions; `aliases` are Python text read for a free name."""
    code = python_source(source, helpers, aliases or {})
    namespace = runtime_namespace(helpers)
    # The code is generated above from a parsed tree: names and literals only, never text.
    exec(compile(code, "<cel>", "exec"), namespace)
    compiled: Compiled = namespace["compiled"]
    return compiled


def python_source(
    source: str, helpers: dict[str, Callable[..., Any]], aliases: dict[str, str]
) -> str:
    lines, result = python_lines(source, helpers, aliases)
    body = "\n".join([*lines, f"    return {result}"])
    return f"def compiled(N):\n{body}\n"


def python_lines(
    source: str, helpers: dict[str, Callable[..., Any]], aliases: dict[str, str], prefix: str = "t"
) -> tuple[list[str], str]:
    """The statements (indented one level) and the value's text, to be written into a larger
    function (rules_compile): `prefix` keeps its locals apart from another expression's."""
    writer = _Writer(helpers, aliases, prefix)
    result = writer.emit(parse(source), {})
    return writer.lines, result


def runtime_namespace(helpers: dict[str, Callable[..., Any]]) -> dict[str, Any]:
    """The names generated code calls: the runtime's helpers, the engine's functions."""
    return {**_RUNTIME, **_WORLD, **{f"helper_{k}": v for k, v in helpers.items()}}


class _Writer:
    def __init__(
        self, helpers: dict[str, Callable[..., Any]], aliases: dict[str, str], prefix: str = "t"
    ) -> None:
        self.prefix = prefix
        self.helpers = helpers
        # A helper that, given two values of one type, picks one by an operator (`max`: `>=`).
        self.picks = {name: getattr(fn, "pick", None) for name, fn in helpers.items()}
        self.aliases = aliases
        self.lines: list[str] = []
        self.indent = 1
        self.count = 0

    def temp(self) -> str:
        self.count += 1
        return f"{self.prefix}{self.count}"

    def line(self, text: str) -> None:
        self.lines.append("    " * self.indent + text)

    def emit(self, node: Node, scope: dict[str, str]) -> str:
        """Python text for the node's value; statements it needs first are written out."""
        kind = node[0]
        if kind == "lit":
            return repr(node[1])
        if kind == "id":
            return scope.get(node[1]) or self.aliases.get(node[1]) or f"N[{node[1]!r}]"
        if kind == "sel" or (kind == "index" and node[2][0] == "lit" and type(node[2][1]) is str):
            # Every map the engine hands over has text keys, and subscripting anything else
            # with text raises: so `x.f` is plain `x["f"]`, which fails where CEL would.
            field = node[2] if kind == "sel" else node[2][1]
            return f"{self.emit(node[1], scope)}[{field!r}]"
        if kind == "index":
            # `roles[l]` in a macro: a map read by a text key, the helper for anything else.
            operand, key = self.held(node[1], scope), self.held(node[2], scope)
            return (
                f"({operand}[{key}] if {operand}.__class__ is dict and {key}.__class__ is str "
                f"else index({operand}, {key}))"
            )
        if kind == "list":
            return "[" + "".join(f"{self.emit(item, scope)}, " for item in node[1]) + "]"
        if kind == "not":
            # `not truth(x)` without the call: a bool's negation, anything else to the library.
            name = self.held(node[1], scope)
            return f"({name} is False if ({name} is True or {name} is False) else fail())"
        if kind == "neg":
            name = self.held(node[1], scope)
            return f"(-{name} if {name}.__class__ is float else neg({name}))"
        if kind == "op":
            inline = self.with_literal(node, scope)
            if inline is not None:
                return inline
            if node[1] in ("+", "-", "*"):
                # Two doubles: Python's float arithmetic is CEL's, and cannot fail.
                left, right = self.held(node[2], scope), self.held(node[3], scope)
                # Two ints: Python's sum or product, within int64 as `_checked` holds it;
                # outside, the helper raises as it always did.
                helper = self.int_sum(left, node[1], right, f" and {right}.__class__ is int")
                return (
                    f"({left} {node[1]} {right} if {left}.__class__ is float and "
                    f"{right}.__class__ is float else {helper})"
                )
            left, right = self.emit(node[2], scope), self.emit(node[3], scope)
            return f"{_OPERATORS[node[1]]}({left}, {right})"
        if kind in ("and", "or"):
            return self.logic(node, scope)
        if kind == "cond":
            return self.condition(node, scope)
        if kind == "call":
            return self.call(node[1], node[2], scope)
        if kind == "method":
            return self.method(node, scope)
        raise Unsupported(kind)

    def with_literal(self, node: Node, scope: dict[str, str]) -> str | None:
        """`x >= 30`, `x / 100`, `x * 0.5`: the commonest shapes, written out for the types
        where Python's operator is CEL's, the runtime helper for any other type."""
        _, op, left, right = node
        if left[0] == "lit" and right[0] != "lit" and op in ("+", "-", "*"):
            first = self.literal_first(op, left[1], right, scope)
            if first is not None:
                return first
        if right[0] != "lit" or op not in _INLINE:
            return None
        literal = right[1]
        kind = type(literal)
        ordering = op in _COMPARISONS and op not in ("==", "!=")
        # The library refuses to order a NaN (`x == x` is false only for one), where Python
        # answers false.
        real = " and {0} == {0}" if ordering else ""
        if kind is int and op in _COMPARISONS and abs(literal) <= 2**53:
            test = "({0}.__class__ is int or ({0}.__class__ is float" + real + "))"  # exact
        elif kind is float and (op in _FLOAT_INLINE or (op == "/" and literal)):
            test = "({0}.__class__ is float" + real + ")"  # float arithmetic cannot fail
        elif kind is int and op == "/" and literal > 0:
            # Truncating toward zero; dividing by a positive int cannot overflow.
            name = self.held(left, scope)
            return (
                f"(({name} // {literal} if {name} >= 0 else -(-{name} // {literal})) "
                f"if {name}.__class__ is int else div({name}, {literal}))"
            )
        elif kind is int and op in ("+", "-", "*"):
            name = self.held(left, scope)
            return self.int_sum(name, op, repr(literal), "")
        elif kind is str and op in ("==", "!="):
            test = "{0}.__class__ is str"
        else:
            return None
        name = self.held(left, scope)
        fast = f"{name} {op} {literal!r}"
        return f"({fast} if {test.format(name)} else {_OPERATORS[op]}({name}, {literal!r}))"

    def literal_first(
        self, op: str, literal: Any, right: Node, scope: dict[str, str]
    ) -> str | None:
        """`100 - x`, `10 * x`, `0.45 + x`: the literal's type known here, only the other
        side's is tested (what the general shape would answer, without a local for the
        literal and a test of its type)."""
        kind = type(literal)
        if kind is float and math.isfinite(literal):
            name = self.held(right, scope)
            return (
                f"({literal!r} {op} {name} if {name}.__class__ is float "
                f"else {_OPERATORS[op]}({literal!r}, {name}))"
            )
        if kind is int:
            name = self.held(right, scope)
            total = self.temp()
            return (
                f"({total} if {name}.__class__ is int and "
                f"{INT_MIN} <= ({total} := {literal!r} {op} {name}) <= {INT_MAX} "
                f"else {_OPERATORS[op]}({literal!r}, {name}))"
            )
        return None

    def int_sum(self, left: str, op: str, right: str, right_int: str) -> str:
        """`left op right` (`+`, `-`, `*`) for two ints within int64 (`cel_runtime._checked`),
        the helper for anything else: it gives the same value, or raises where it does not fit."""
        total = self.temp()
        return (
            f"({total} if {left}.__class__ is int{right_int} and "
            f"{INT_MIN} <= ({total} := {left} {op} {right}) <= {INT_MAX} "
            f"else {_OPERATORS[op]}({left}, {right}))"
        )

    def held(self, node: Node, scope: dict[str, str]) -> str:
        """The node's value in a local, so it is computed once, here."""
        value = self.emit(node, scope)
        if value.isidentifier():
            return value
        name = self.temp()
        self.line(f"{name} = {value}")
        return name

    def logic(self, node: Node, scope: dict[str, str]) -> str:
        # CEL's `false && x` is false and `true || x` true whatever x is, even an error; any
        # other left side needs the right one, and anything but a bool goes to the library.
        settles = "False" if node[0] == "and" else "True"
        other = "True" if node[0] == "and" else "False"
        left, result = self.held(node[1], scope), self.temp()
        self.line(f"if {left} is {settles}:")
        self.line(f"    {result} = {settles}")
        self.line(f"elif {left} is {other}:")
        self.indent += 1
        self.line(f"{result} = {self.emit(node[2], scope)}")
        if node[2][0] not in _BOOLEAN:
            self.line(f"if {result} is not True and {result} is not False:")
            self.line("    fail()")
        self.indent -= 1
        self.line("else:")
        self.line("    fail()")
        return result

    def condition(self, node: Node, scope: dict[str, str]) -> str:
        test, result = self.held(node[1], scope), self.temp()
        self.line(f"if {test} is True:")
        self.branch(result, node[2], scope)
        self.line(f"elif {test} is False:")
        self.branch(result, node[3], scope)
        self.line("else:")
        self.line("    fail()")
        return result

    def branch(self, result: str, node: Node, scope: dict[str, str]) -> None:
        self.indent += 1
        self.line(f"{result} = {self.emit(node, scope)}")
        self.indent -= 1

    def call(self, name: str, args: list[Node], scope: dict[str, str]) -> str:
        if name == "has" and len(args) == 1 and args[0][0] == "sel":
            return f"has({self.emit(args[0][1], scope)}, {args[0][2]!r})"
        pick = self.picks.get(name)
        if pick is not None and len(args) == 2:
            # The helper's own body, where its arguments are of one type as it requires.
            a, b = self.held(args[0], scope), self.held(args[1], scope)
            return (
                f"(({a} if {a} {pick} {b} else {b}) if {a}.__class__ is {b}.__class__ "
                f"else helper_{name}({a}, {b}))"
            )
        values = ", ".join(self.emit(arg, scope) for arg in args)
        if name in _FUNCTIONS and len(args) == 1:
            return f"{_FUNCTIONS[name]}({values})"
        if name in self.helpers:
            return f"helper_{name}({values})"
        if name in WORLD_FUNCTIONS:
            return f"world_{name}(N, {values})"
        raise Unsupported(f"function {name}")

    def method(self, node: Node, scope: dict[str, str]) -> str:
        _, receiver, name, args = node
        if name in _MACROS and args and args[0][0] == "id":
            return self.macro(name, receiver, args, scope)
        if name in _METHODS and len(args) == _METHODS[name][1]:
            values = [self.emit(receiver, scope), *(self.emit(arg, scope) for arg in args)]
            return f"{_METHODS[name][0]}({', '.join(values)})"
        raise Unsupported(f"method {name}")

    def macro(self, name: str, receiver: Node, args: list[Node], scope: dict[str, str]) -> str:
        if len(args) != (3 if name == "map" and len(args) == 3 else 2):
            raise Unsupported(f"{name} with {len(args)} arguments")
        source, result, item = self.held(receiver, scope), self.temp(), self.temp()
        inner = {**scope, args[0][1]: item}
        self.line(f"{result} = []")
        self.line(f"for {item} in items({source}):")
        self.indent += 1
        if name == "filter" or len(args) == 3:
            test = self.held(args[1], inner)  # truth() written out: a bool, or the library
            self.line(f"if {test} is True:")
            self.indent += 1
            value = item if name == "filter" else self.emit(args[2], inner)
            self.line(f"{result}.append({value})")
            self.indent -= 1
            self.line(f"elif {test} is not False:")
            self.line("    fail()")
        else:
            self.line(f"{result}.append({self.emit(args[1], inner)})")
        self.indent -= 1
        finish = {"all": "every", "exists": "some", "exists_one": "exactly_one"}.get(name)
        return f"{finish}({result})" if finish else result
