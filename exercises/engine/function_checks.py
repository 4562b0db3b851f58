"""Load-time checks of the engine's functions (cel_functions): the names they are given.

`count(tags.council, "voted")` names its variable in a string, which the check by name does
not read; here each such string must name a variable of the right kind, held by every role the
list can hold when the list is written out (a tag, or role ids), so that a misspelling is a
load error naming it rather than a failure in some later turn.
"""

from __future__ import annotations

from collections.abc import Iterator

from .cel_functions import ARITY, ROLE_FUNCTIONS, WORLD_FUNCTIONS
from .cel_parse import Node, Unsupported, parse
from .scenario import Scenario

_KINDS = {"count": ("bool",), "sum": ("int", "float")}


def function_problem(scenario: Scenario, source: str, me: tuple[str, ...]) -> str | None:
    """What is wrong with the engine's function calls in `source`, or None."""
    try:
        tree = parse(source)
    except Unsupported:
        return None  # outside the parser's subset: probing still runs every call
    for name, args in _calls(tree):
        if len(args) != ARITY[name]:
            return f"calls {name}() with {len(args)} arguments; it takes {ARITY[name]}"
        checker = _role_call if name in ROLE_FUNCTIONS else _sight_call
        problem = checker(scenario, name, args, me)
        if problem:
            return problem
    return None


def _calls(node: Node) -> Iterator[tuple[str, list[Node]]]:
    if node[0] == "call" and node[1] in WORLD_FUNCTIONS:
        yield node[1], node[2]
    for part in node[1:]:
        if isinstance(part, tuple) and part and isinstance(part[0], str):
            yield from _calls(part)
        elif isinstance(part, list):
            for item in part:
                yield from _calls(item)


def _role_call(scenario: Scenario, name: str, args: list[Node], me: tuple[str, ...]) -> str | None:
    members, key = args
    if key[0] != "lit" or not isinstance(key[1], str):
        return f'calls {name}() without a quoted variable name, as in {name}(tags.t, "votes")'
    kinds = {var.key: var.type for var in scenario.variables.values() if var.owner is not None}
    if kinds.get(key[1]) not in _KINDS[name]:
        wanted = "bool" if name == "count" else "int or double"
        return f"calls {name}() on {key[1]!r}, which is not a per-role {wanted} variable"
    roles = _listed_roles(scenario, members)
    missing = [r for r in roles or () if f"{r}.{key[1]}" not in scenario.variables]
    if missing:
        verb = "does" if len(missing) == 1 else "do"
        return (
            f"calls {name}() on {key[1]!r}, which {', '.join(map(repr, missing))} {verb} not hold"
        )
    return None


def _listed_roles(scenario: Scenario, members: Node) -> list[str] | None:
    """The roles a list argument holds, when it is written out: `tags.t` or `["a", "b"]`."""
    if members[0] == "sel" and members[1] == ("id", "tags"):
        return list(scenario.tags.get(members[2], []))
    if members[0] == "list" and all(m[0] == "lit" and isinstance(m[1], str) for m in members[1]):
        return [m[1] for m in members[1]]
    return None


def _sight_call(scenario: Scenario, name: str, args: list[Node], me: tuple[str, ...]) -> str | None:
    variable = args[0]
    if _holder_and_key(variable):  # `params.lab + ".cash"`: the holder is known at run time
        key = variable[3][1][1:]
        if not any(var.key == key and var.owner for var in scenario.variables.values()):
            return f"calls {name}() on {key!r}, which is not a per-role variable"
        return _viewer_problem(scenario, name, args)
    if variable[0] != "lit" or not isinstance(variable[1], str):
        return f'calls {name}() without a quoted variable name, as in {name}("ransom_paid")'
    text = variable[1]
    if text.startswith("me."):
        if not me:
            return f"calls {name}({text!r}), but `me` is not defined here"
        names = [f"{role}.{text[3:]}" for role in me]
    else:
        names = [text]
    unknown = [n for n in names if n not in scenario.variables]
    if unknown:
        return f"calls {name}() on {unknown[0]!r}, which is not a variable"
    return _viewer_problem(scenario, name, args)


def _holder_and_key(node: Node) -> bool:
    """`<holder> + ".key"`: a per-role variable whose holder an expression gives."""
    if node[0] != "op" or node[1] != "+" or node[3][0] != "lit":
        return False
    text = node[3][1]
    return isinstance(text, str) and text.startswith(".") and text[1:].isidentifier()


def _viewer_problem(scenario: Scenario, name: str, args: list[Node]) -> str | None:
    if name == "revealed":
        viewer = args[1]
        if viewer[0] == "lit" and viewer[1] not in scenario.role_ids:
            return f"calls revealed() about {viewer[1]!r}, which is not a role id"
    return None
