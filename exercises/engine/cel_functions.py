"""The engine's own expression functions over the roles and over who has seen what.

`count(tags.council, "voted_yes")` and `sum(tags.council, "votes")` read one per-role variable
across a list of roles, where CEL alone needs a list macro (two at most per expression);
`published("ransom_paid")` and `revealed("ransom_paid", "hospital")` ask what `reveal` and
`publish` have done. They read the phase's state, not their arguments alone, so each
evaluator calls them with the names of the environment: the `cel` library through closures
the environment makes (expressions.Environment.context), compiled code by passing `N`. One
implementation serves both, so they agree by construction; each raises `FunctionError` with a
designer's message, which the library reports and compiled code leaves to the library.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .cel_parse import INT_MAX, INT_MIN

ROLE_FUNCTIONS = frozenset({"count", "sum"})
SIGHT_FUNCTIONS = frozenset({"published", "revealed"})
WORLD_FUNCTIONS = ROLE_FUNCTIONS | SIGHT_FUNCTIONS
ARITY = {"count": 2, "sum": 2, "published": 1, "revealed": 2}
# Where the facts sit among an environment's names: not an identifier, so no expression reads it.
FACTS = "@facts"


class FunctionError(ValueError):
    """A call the scenario cannot answer: its message is the designer's explanation."""


@dataclass(frozen=True)
class Facts:
    """What the functions read besides the roles' values: a phase's state, in closures."""

    kinds: Mapping[str, str]  # a per-role variable's key: its type
    variables: frozenset[str]  # every variable's full name (`ransom_paid`, `hospital.evidence`)
    role_ids: frozenset[str]
    sees: Callable[[str, str], bool]  # (full name, role): whether the role sees it now
    public: Callable[[str], bool]  # full name: whether everyone sees it now


def count_of(names: Mapping[str, Any], members: Any, key: Any) -> int:
    """How many roles of `members` hold true in their bool variable `key`."""
    values = _per_role(names, "count", members, key, ("bool",))
    return sum(1 for value in values if value is True)


def sum_of(names: Mapping[str, Any], members: Any, key: Any) -> int | float:
    """The total of the numeric per-role variable `key` over `members`, of the variable's type."""
    values = _per_role(names, "sum", members, key, ("int", "float"))
    if _facts(names).kinds[key] == "float":
        return float(sum(float(value) for value in values))
    total = sum(int(value) for value in values)
    if not INT_MIN <= total <= INT_MAX:
        raise FunctionError(f"sum of {key!r} overflows an int")
    return total


def published(names: Mapping[str, Any], name: Any) -> bool:
    """Whether every seat sees the variable now: declared public, or published since."""
    facts = _facts(names)
    return facts.public(_variable(names, facts, "published", name))


def revealed(names: Mapping[str, Any], name: Any, viewer: Any) -> bool:
    """Whether role `viewer` sees the variable now: its own, declared visible to it, revealed to
    it or published."""
    facts = _facts(names)
    full = _variable(names, facts, "revealed", name)
    if not isinstance(viewer, str) or viewer not in facts.role_ids:
        raise FunctionError(f"revealed() asks about {viewer!r}, which is not a role id")
    return facts.sees(full, viewer)


def _facts(names: Mapping[str, Any]) -> Facts:
    facts = names.get(FACTS)
    if not isinstance(facts, Facts):
        raise FunctionError("count, sum, published and revealed need a scenario's state")
    return facts


def _per_role(
    names: Mapping[str, Any], function: str, members: Any, key: Any, kinds: tuple[str, ...]
) -> list[Any]:
    facts = _facts(names)
    wanted = " or ".join({"bool": "bool", "int": "int", "float": "double"}[k] for k in kinds)
    if not isinstance(key, str) or facts.kinds.get(key) not in kinds:
        raise FunctionError(
            f"{function}() needs the name of a per-role {wanted} variable, not {key!r}"
        )
    if not isinstance(members, list):
        raise FunctionError(f"{function}() needs a list of role ids, such as tags.council")
    roles = names.get("roles") or {}
    values = []
    for member in members:
        held = roles.get(member) if isinstance(member, str) else None
        if held is None or key not in held:
            raise FunctionError(f"{function}(): {member!r} holds no {key!r}")
        values.append(held[key])
    return values


def _variable(names: Mapping[str, Any], facts: Facts, function: str, name: Any) -> str:
    """The full name a function's first argument stands for; `me.x` is the running role's x."""
    if isinstance(name, str) and name.startswith("me."):
        role = names.get("role")
        name = f"{role}.{name[3:]}" if isinstance(role, str) else name
    if not isinstance(name, str) or name not in facts.variables:
        raise FunctionError(f"{function}() names {name!r}, which is not a variable")
    return name
