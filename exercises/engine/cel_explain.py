"""Which operation of an expression has no overload for its operands, said in words.

The `cel` library reports a type error as "No such overload" (or "Unsupported operation:
float - int", or an undefined `int`), without saying where. Here the expression is evaluated
again node by node over its parse tree (cel_parse): each operation is run alone in the library,
on its operands' values, so the answers are the library's; the innermost one that fails for its
operands' types is the one named: "`>` cannot compare bool and int (in `state.on > 1`)".
Only called once an evaluation has failed, so nothing here is on the hot path.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from .cel_parse import Node, Unsupported, parse

# Runs a CEL template (`x0 > x1`) with the given variables: the library, as the engine set it up.
Run = Callable[[str, dict[str, Any]], Any]

TYPE_ERROR = re.compile(
    r"No such overload|Unsupported operation|Undefined variable or function: '(size|int|double"
    r"|string|matches|contains|startsWith|endsWith|max|min)'|Unexpected type"
)
_VERBS = {
    "+": "cannot add {0} and {1}",
    "-": "cannot subtract {1} from {0}",
    "*": "cannot multiply {0} by {1}",
    "/": "cannot divide {0} by {1}",
    "%": "takes the remainder of two ints, not of {0} by {1}",
    "in": "cannot look for {0} in a {1}",
}
_MACROS = frozenset({"all", "exists", "exists_one", "map", "filter"})
# Operations run again at most, so that a hostile expression's failure costs no more to explain
# than a few milliseconds; past it, the library's own words stand.
BUDGET = 2000


class _Explained(Exception):
    """The innermost failing operation, in words."""


class _Unexplained(Exception):
    """A failure that is not a type error (a missing key, an overflow): not explained here."""


def explain(source: str, names: Mapping[str, Any], run: Run) -> str | None:
    """The type error in `source` evaluated over `names`, in words; None if there is none to
    name (the failure is of another kind, or outside the parser's subset)."""
    try:
        tree = parse(source)
    except Unsupported:
        return None
    try:
        _Evaluator(names, run).value(tree, {})
    except _Explained as found:
        return str(found)
    except (_Unexplained, RecursionError):
        return None
    return None


def type_name(value: Any) -> str:
    kinds = {bool: "bool", int: "int", float: "double", str: "string", list: "list", dict: "map"}
    return kinds.get(type(value), "null" if value is None else type(value).__name__)


class _Evaluator:
    def __init__(self, names: Mapping[str, Any], run: Run) -> None:
        self.names = names
        self.run = run
        self.budget = BUDGET

    def apply(self, node: Node, template: str, words: str, *operands: Any) -> Any:
        """The library's answer for one operation on values; a type error is explained."""
        self.budget -= 1
        if self.budget < 0:
            raise _Unexplained("budget")
        try:
            return self.run(template, {f"x{i}": v for i, v in enumerate(operands)})
        except Exception as exc:  # the library raises several builtin types
            if TYPE_ERROR.search(str(exc)):
                types = [type_name(v) for v in operands]
                raise _Explained(f"{words.format(*types)} (in `{unparse(node)}`)") from exc
            raise _Unexplained from exc

    def value(self, node: Node, scope: dict[str, Any]) -> Any:
        kind = node[0]
        if kind == "lit":
            return node[1]
        if kind == "id":
            return self.name(node[1], scope)
        if kind == "list":
            return [self.value(item, scope) for item in node[1]]
        if kind in ("and", "or"):
            return self.logic(node, scope)
        if kind == "cond":
            test = self.value(node[1], scope)
            self.apply(node, "x0 ? 1 : 2", "`? :` needs a bool condition, not {0}", test)
            return self.value(node[2] if test else node[3], scope)
        if kind == "method" and node[2] in _MACROS:
            return self.macro(node, scope)
        return self.operation(node, scope)

    def name(self, name: str, scope: dict[str, Any]) -> Any:
        if name in scope:
            return scope[name]
        if name == "me" and "me" not in self.names:
            roles, role = self.names.get("roles"), self.names.get("role")
            if isinstance(roles, dict) and role in roles:
                return roles[role]
        if name not in self.names:
            raise _Unexplained(name)
        return self.names[name]

    @staticmethod
    def field(operand: dict[str, Any], name: str) -> Any:
        if name not in operand:
            raise _Unexplained(name)  # a missing key, which the library reports itself
        return operand[name]

    def operation(self, node: Node, scope: dict[str, Any]) -> Any:
        kind = node[0]
        if kind == "op":
            symbol = node[1]
            left, right = self.value(node[2], scope), self.value(node[3], scope)
            words = _VERBS.get(symbol, "cannot compare {0} and {1}")
            if symbol == "in" and not isinstance(right, list | dict):
                words = "needs a list or a map on its right, not {1}"
            return self.apply(node, f"x0 {symbol} x1", f"`{symbol}` {words}", left, right)
        if kind == "not":
            operand = self.value(node[1], scope)
            return self.apply(node, "!x0", "`!` needs a bool, not {0}", operand)
        if kind == "neg":
            operand = self.value(node[1], scope)
            return self.apply(node, "-x0", "`-` cannot negate {0}", operand)
        if kind == "sel":
            operand = self.value(node[1], scope)
            if isinstance(operand, dict):  # read here: the library would convert all of `roles`
                return self.field(operand, node[2])
            return self.apply(node, f"x0.{node[2]}", f"{{0}} has no field `{node[2]}`", operand)
        if kind == "index":
            operand, key = self.value(node[1], scope), self.value(node[2], scope)
            if isinstance(operand, dict) and isinstance(key, str):
                return self.field(operand, key)
            return self.apply(node, "x0[x1]", "`[]` cannot index {0} with {1}", operand, key)
        if kind == "call":
            if node[1] == "has":
                raise _Unexplained("has")  # a macro over a field, not a function of values
            args = [self.value(arg, scope) for arg in node[2]]
            template = f"{node[1]}({', '.join(f'x{i}' for i in range(len(args)))})"
            return self.apply(node, template, _takes(node[1], len(args)), *args)
        if kind == "method":
            receiver = self.value(node[1], scope)
            args = [self.value(arg, scope) for arg in node[3]]
            template = f"x0.{node[2]}({', '.join(f'x{i + 1}' for i in range(len(args)))})"
            return self.apply(node, template, _takes(node[2], len(args) + 1), receiver, *args)
        raise _Unexplained(kind)

    def logic(self, node: Node, scope: dict[str, Any]) -> Any:
        # CEL's `&&`/`||` are commutative: a side that settles it wins over an error in the other.
        settles = node[0] == "or"
        sides: list[Any] = []
        failure: Exception | None = None
        for side in node[1:]:
            try:
                sides.append(self.value(side, scope))
            except (_Explained, _Unexplained) as exc:
                failure = failure or exc
                sides.append(None)
        if any(side is settles for side in sides):
            return settles
        if failure is not None:
            raise failure
        symbol = "||" if settles else "&&"
        words = f"`{symbol}` needs bools, not {{0}} and {{1}}"
        return self.apply(node, f"x0 {symbol} x1", words, *sides)

    def macro(self, node: Node, scope: dict[str, Any]) -> Any:
        _, receiver, name, args = node
        source = self.value(receiver, scope)
        if not args or args[0][0] != "id" or not isinstance(source, list | dict):
            raise _Unexplained(name)
        variable, *bodies = args
        results = []
        for item in source:
            inner = {**scope, variable[1]: item}
            values = [self.value(body, inner) for body in bodies]
            if name != "map" or len(bodies) == 2:
                words = f"`{name}` needs a condition that gives a bool, not {{0}}"
                self.apply(node, "x0 && true", words, values[0])
            results.append((item, values))
        if name == "map":
            return [values[-1] for _, values in results if len(values) == 1 or values[0]]
        if name == "filter":
            return [item for item, values in results if values[0]]
        held = [values[0] for _, values in results]
        return {"all": all, "exists": any}.get(name, lambda h: h.count(True) == 1)(held)


def _takes(function: str, count: int) -> str:
    many = " and ".join(f"{{{i}}}" for i in range(count))
    if function in ("max", "min"):
        return f"`{function}` takes two values of one type, not {many}: convert with double()"
    return f"`{function}()` cannot take {many}"


_PRECEDENCE = {"or": 1, "and": 2, "rel": 3, "+": 4, "-": 4, "*": 5, "/": 5, "%": 5}


def unparse(node: Node) -> str:
    """CEL text for a node, as the author would have written it (modulo spacing)."""
    kind = node[0]
    if kind == "lit":
        value = node[1]
        if isinstance(value, bool) or value is None:
            return {True: "true", False: "false", None: "null"}[value]
        return f'"{value}"' if isinstance(value, str) else repr(value)
    if kind == "id":
        return str(node[1])
    if kind == "sel":
        return f"{_operand(node[1], 6)}.{node[2]}"
    if kind == "index":
        return f"{_operand(node[1], 6)}[{unparse(node[2])}]"
    if kind == "list":
        return "[" + ", ".join(unparse(item) for item in node[1]) + "]"
    if kind == "not":
        return f"!{_operand(node[1], 6)}"
    if kind == "neg":
        return f"-{_operand(node[1], 6)}"
    if kind == "op":
        level = _level(node)
        return f"{_operand(node[2], level)} {node[1]} {_operand(node[3], level + 1)}"
    if kind in ("and", "or"):
        level = _level(node)
        symbol = "&&" if kind == "and" else "||"
        return f"{_operand(node[1], level)} {symbol} {_operand(node[2], level + 1)}"
    if kind == "cond":
        return f"{_operand(node[1], 1)} ? {_operand(node[2], 1)} : {unparse(node[3])}"
    if kind == "call":
        return f"{node[1]}({', '.join(unparse(arg) for arg in node[2])})"
    return f"{_operand(node[1], 6)}.{node[2]}({', '.join(unparse(arg) for arg in node[3])})"


def _level(node: Node) -> int:
    if node[0] in ("and", "or"):
        return _PRECEDENCE[node[0]]
    if node[0] == "op":
        return _PRECEDENCE.get(node[1], _PRECEDENCE["rel"])
    return 0 if node[0] == "cond" else 6


def _operand(node: Node, level: int) -> str:
    text = unparse(node)
    return f"({text})" if _level(node) < level else text
