"""A parser for the part of CEL that scenarios use, into a small tree of tuples.

The `cel` library parses every expression first, so a source reaching this module is valid
CEL; this parser only has to read the subset that `cel_compile` turns into Python. Anything
outside it (bytes, unsigned ints, map literals, unusual escapes, reserved words) raises
`Unsupported`, and that expression keeps running in `cel`.

Nodes: ("lit", value), ("id", name), ("sel", operand, field), ("index", operand, key),
("call", name, args), ("method", receiver, name, args), ("list", items), ("not", x),
("neg", x), ("op", symbol, left, right), ("and", l, r), ("or", l, r), ("cond", c, a, b).
"""

from __future__ import annotations

import functools
import math
import re
from typing import Any

Node = tuple[Any, ...]

INT_MIN, INT_MAX = -(2**63), 2**63 - 1


class Unsupported(ValueError):
    """Valid CEL this compiler does not handle; the expression stays with `cel`."""


_TOKEN = re.compile(
    r"""\s*(?:
      (?P<float>(?:\d+\.\d+(?:[eE][+-]?\d+)?|\d+[eE][+-]?\d+|\.\d+(?:[eE][+-]?\d+)?)(?![\w.]))
    | (?P<int>(?:0[xX][0-9a-fA-F]+|\d+)(?![\w.]))
    | (?P<string>[rR]?(?:'''.*?'''|\"\"\".*?\"\"\"|'(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"))
    | (?P<name>[A-Za-z_]\w*)
    | (?P<op>==|!=|<=|>=|&&|\|\||[-+*/%!<>?:.,()\[\]{}])
    )""",
    re.S | re.X,
)
_ESCAPES = {"\\": "\\", "'": "'", '"': '"', "n": "\n", "t": "\t", "r": "\r"}
_RESERVED = frozenset(
    {"as", "break", "const", "continue", "else", "for", "function", "if", "import", "let"}
    | {"loop", "package", "namespace", "return", "var", "void", "while"}
)
_RELATIONS = frozenset({"<", "<=", ">", ">=", "==", "!=", "in"})


def tokenize(source: str) -> list[tuple[str, Any]]:
    tokens: list[tuple[str, Any]] = []
    position, end = 0, len(source.rstrip())
    while position < end:
        match = _TOKEN.match(source, position)
        if match is None or match.end() == position:
            raise Unsupported(f"cannot read {source[position : position + 10]!r}")
        kind = match.lastgroup
        assert kind is not None
        text = match.group(kind)
        position = match.end()
        if kind == "float":
            if not math.isfinite(float(text)):
                raise Unsupported("a double literal out of range")
            tokens.append(("lit", float(text)))
        elif kind == "int":
            # CEL reads `007` as 7, where Python's int(text, 0) refuses a leading zero.
            tokens.append(("int", int(text, 16) if text[:2] in ("0x", "0X") else int(text)))
        elif kind == "string":
            tokens.append(("lit", _string(text)))
        elif kind == "name" and text in ("true", "false", "null"):
            tokens.append(("lit", {"true": True, "false": False, "null": None}[text]))
        elif kind == "name" and text != "in":
            if text in _RESERVED:
                raise Unsupported(f"{text} is reserved")
            tokens.append(("name", text))
        else:
            tokens.append(("op", text))
    tokens.append(("end", None))
    return tokens


def _string(text: str) -> str:
    raw = text[0] in "rR"
    body = text[1:] if raw else text
    quote = 3 if body[:3] in ("'''", '"""') else 1
    body = body[quote:-quote]
    if raw or "\\" not in body:
        return body
    out, index = [], 0
    while index < len(body):
        char = body[index]
        if char == "\\":
            escaped = _ESCAPES.get(body[index + 1 : index + 2])
            if escaped is None:
                raise Unsupported("an escape other than \\\\ \\' \\\" \\n \\t \\r")
            out.append(escaped)
            index += 2
        else:
            out.append(char)
            index += 1
    return "".join(out)


# A scenario's checks, its compiler and its explanations each parse the same expressions;
# the trees are tuples nobody changes, so one parse serves them all (a third of a load's).
@functools.lru_cache(maxsize=2048)
def parse(source: str) -> Node:
    parser = _Parser(tokenize(source))
    node = parser.expr()
    if parser.peek() != ("end", None):
        raise Unsupported("text after the expression")
    return node


class _Parser:
    def __init__(self, tokens: list[tuple[str, Any]]) -> None:
        self.tokens = tokens
        self.position = 0

    def peek(self) -> tuple[str, Any]:
        return self.tokens[self.position]

    def take(self) -> tuple[str, Any]:
        token = self.tokens[self.position]
        self.position += 1
        return token

    def accept(self, op: str) -> bool:
        if self.tokens[self.position] == ("op", op):
            self.position += 1
            return True
        return False

    def expect(self, op: str) -> None:
        if not self.accept(op):
            raise Unsupported(f"expected {op!r}")

    def expr(self) -> Node:
        condition = self.binary("||")
        if not self.accept("?"):
            return condition
        then = self.binary("||")
        self.expect(":")
        return ("cond", condition, then, self.expr())

    def binary(self, op: str) -> Node:
        # `||` and `&&` chains; CEL gives them no other precedence levels.
        lower = (lambda: self.binary("&&")) if op == "||" else self.relation
        node = lower()
        while self.accept(op):
            node = ("or" if op == "||" else "and", node, lower())
        return node

    def relation(self) -> Node:
        node = self.arithmetic(("+", "-"))
        while self.peek()[0] == "op" and self.peek()[1] in _RELATIONS:
            node = ("op", self.take()[1], node, self.arithmetic(("+", "-")))
        return node

    def arithmetic(self, ops: tuple[str, ...]) -> Node:
        lower = (lambda: self.arithmetic(("*", "/", "%"))) if "+" in ops else self.unary
        node = lower()
        while self.peek()[0] == "op" and self.peek()[1] in ops:
            node = ("op", self.take()[1], node, lower())
        return node

    def unary(self) -> Node:
        if self.accept("!"):
            return ("not", self.unary())
        if self.accept("-"):
            if self.peek()[0] == "int":  # `-9223372036854775808` is one literal in CEL
                return self.member(("lit", _int(-self.take()[1])))
            return ("neg", self.unary())
        return self.member(self.primary())

    def member(self, node: Node) -> Node:
        while True:
            if self.accept("."):
                kind, name = self.take()
                if kind != "name":
                    raise Unsupported("a field that is not a name")
                if self.accept("("):
                    node = ("method", node, name, self.arguments(")"))
                else:
                    node = ("sel", node, name)
            elif self.accept("["):
                node = ("index", node, self.expr())
                self.expect("]")
            else:
                return node

    def primary(self) -> Node:
        kind, value = self.take()
        if kind == "int":
            return ("lit", _int(value))
        if kind == "lit":
            return ("lit", value)
        if kind == "name":
            if self.accept("("):
                return ("call", value, self.arguments(")"))
            return ("id", value)
        if (kind, value) == ("op", "("):
            node = self.expr()
            self.expect(")")
            return node
        if (kind, value) == ("op", "["):
            return ("list", self.arguments("]"))
        raise Unsupported(f"{value!r} here")

    def arguments(self, close: str) -> tuple[Node, ...]:
        items: list[Node] = []
        while not self.accept(close):
            items.append(self.expr())
            if not self.accept(","):
                self.expect(close)
                break
        return tuple(items)  # a tree the cache shares must not be changed by its readers


def _int(value: int) -> int:
    if not INT_MIN <= value <= INT_MAX:
        raise Unsupported("an int literal out of range")
    return value
