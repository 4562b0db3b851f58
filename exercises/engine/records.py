"""Recorded moves and rulings, as the server stores and exports them, back into engine values.

The shapes are the export's (docs/export-format.md): a move `{id, role, action, params,
rationale, ...}`, a ruling `{move, chance, outcome, narrative, failure_narrative, changes}`.
The server builds these from its rows to adjudicate a turn, and replay reads them from an
export, so both give the engine the same moves. The facilitator's changes in a ruling arrive
as JSON from a client: `check_ruling_changes` is the one check of them, made when the ruling
is given and again when it is played.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from .audience import EVERYONE, Audience
from .moves import Move, Rejected, Ruling, RulingBranch, StateChange
from .scenario import FREE_FORM, TEXTUAL, Scenario

CHANGE_FIELDS = frozenset({"variable", "value", "delta", "reason"})


def move_from_record(move: Mapping[str, Any], ruling: Mapping[str, Any] | None = None) -> Move:
    """The move as the engine plays it; a free-form move carries its ruling, if it has one."""
    played_ruling = None
    if move["action"] == FREE_FORM and ruling is not None:
        played_ruling = ruling_from_record(ruling, move["role"])
    return Move(
        move["role"],
        move["action"],
        move["params"],
        text=move["rationale"],
        id=move["id"],
        ruling=played_ruling,
    )


def ruling_from_record(ruling: Mapping[str, Any], mover: str = "") -> Ruling:
    """A chance the engine rolls, or an outcome; the changes apply on success only."""
    audience = ruling_audience(ruling.get("audience"), mover)
    changes = tuple(change_from_record(c) for c in ruling.get("changes") or ())
    narrative = ruling.get("narrative") or ""
    failure_narrative = ruling.get("failure_narrative") or ""
    success = RulingBranch(narrative, narrative, changes)
    failure = RulingBranch(failure_narrative, failure_narrative, ())
    if ruling.get("chance") is not None:
        return Ruling(chance=ruling["chance"], success=success, failure=failure, audience=audience)
    return Ruling(outcome=ruling["outcome"], success=success, failure=failure, audience=audience)


def ruling_audience(recorded: Any, mover: str) -> Audience:
    """A ruling's `audience` as recorded (`"everyone"`, absent in records older than the
    choice; `"mover"`; or a list of roles, the mover always among them) as the engine's."""
    if recorded is None or recorded == "everyone":
        return EVERYONE
    if recorded == "mover":
        return Audience.of([mover])
    if isinstance(recorded, list) and all(isinstance(r, str) for r in recorded):
        return Audience.of([*recorded, mover])
    raise Rejected("a ruling's audience is everyone, the mover, or a list of roles")


def check_ruling_audience(scenario: Scenario, recorded: Any) -> Any:
    """The audience as it is recorded, or Rejected: the roles must be the scenario's."""
    if recorded == "everyone" or recorded == "mover":
        return recorded
    if not isinstance(recorded, list) or not all(isinstance(r, str) for r in recorded):
        raise Rejected('a ruling\'s audience is "everyone", "mover" or a list of roles')
    for role in recorded:
        if role not in scenario.role_ids:
            raise Rejected(f"there is no role {role!r}")
    return sorted(set(recorded))


def change_from_record(change: Mapping[str, Any]) -> StateChange:
    return StateChange(
        change["variable"],
        value=change.get("value"),
        delta=change.get("delta"),
        reason=change.get("reason", ""),
    )


def check_ruling_changes(scenario: Scenario, changes: Sequence[Any]) -> list[dict[str, Any]]:
    """The facilitator's changes as they are recorded, or Rejected with the first problem:
    each names a variable of the scenario, sets it or adds to it with a value of its type,
    and gives a reason."""
    checked = []
    for change in changes:
        if not isinstance(change, Mapping) or not isinstance(change.get("variable"), str):
            raise Rejected("each change needs a variable")
        reason = change.get("reason")
        if not isinstance(reason, str) or not reason.strip():
            raise Rejected(f"the change to {change['variable']} needs a reason")
        unknown = set(change) - CHANGE_FIELDS
        if unknown:
            raise Rejected(f"a change has no field {sorted(unknown)[0]!r}")
        check_ruling_change(scenario, change_from_record(change))
        checked.append({k: v for k, v in change.items() if v is not None})
    return checked


def check_ruling_change(scenario: Scenario, change: StateChange) -> None:
    """A facilitator's change must fit its variable: rulings arrive as JSON, unchecked."""
    var = scenario.variables.get(change.variable)
    if var is None:
        raise Rejected(f"the ruling names no variable {change.variable!r}")
    if (change.value is None) == (change.delta is None):
        raise Rejected(f"the ruling must set {var.name} or add to it, not both or neither")
    if var.type in TEXTUAL:
        if change.delta is not None:
            raise Rejected(f"{var.name} is a {var.type}: the ruling must set it")
        if problem := var.misfit(change.value):
            raise Rejected(f"the ruling does not fit: {problem}")
        return
    if var.type == "bool":
        if change.delta is not None or not isinstance(change.value, bool):
            raise Rejected(f"{var.name} is true or false: the ruling must set it to one")
        return
    number = change.value if change.value is not None else change.delta
    if isinstance(number, bool) or not isinstance(number, int | float):
        raise Rejected(f"the ruling gives {var.name} {number!r}, which is not a number")
    if not math.isfinite(number):
        raise Rejected(f"the ruling gives {var.name} a number that is not finite")
