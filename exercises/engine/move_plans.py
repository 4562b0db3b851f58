"""Plans of scripted moves: what resolving a move needs that is the same every turn.

`simulate`'s bots make the same moves turn after turn (`bots._candidates`): a dozen a turn,
each of which looked up its action, clamped its chance, wrote its draw key and found its
branches' compiled code again. A plan holds those per move key. It serves the batch path only
(no record, no review) and stands for nothing a turn can change: costs, an expression's chance
and the branches' values are still worked out in the turn's state, and a branch the compiled
code cannot answer for goes through `branch_changes`, as `_Play._scripted` does.
"""

from __future__ import annotations

from typing import Any

from .branch_compile import BranchCode
from .effects import branch_code
from .expressions import Expression
from .move_compile import compile_move
from .moves import Move
from .scenario import ANSWER_OFFER, FREE_FORM, Scenario
from .schema import ActionSpec, Branch

# The action; its chance clamped, or None where it is an expression, then that Expression;
# the chance as a draw records it; the draw key without the count of identical moves before
# it; then for failure and success: the branch, its compiled code (or None for
# `branch_changes`) and whether it is plain (nothing but its changes to make: no `if`, later
# effects, reveals, commitment or offer); last, the whole move's generated code
# (move_compile.py), or None where `_Play._planned` serves every time.
Outcome = tuple[Branch, "BranchCode | None", bool]
MovePlan = tuple[
    ActionSpec, float | None, Expression | None, float, str, tuple[Outcome, Outcome], Any
]

_NO_PLAN: Any = False  # remembered as such: a move the plan cannot stand for


def move_plan(scenario: Scenario, move: Move) -> MovePlan | None:
    """The plan of an admitted move, or None where only `_Play._scripted` will do."""
    cache = scenario.cache.get("move_plans")
    if cache is None:
        cache = scenario.cache["move_plans"] = {}
    plan: MovePlan | None = cache.get(move.key)
    if plan is None:
        if len(cache) >= 4096:
            cache.clear()  # a server's players may send endless variants; bots send a few dozen
        plan = cache[move.key] = _made(scenario, move) or _NO_PLAN
    return plan or None


def _made(scenario: Scenario, move: Move) -> MovePlan | None:
    if move.action in (FREE_FORM, ANSWER_OFFER):
        return None
    action = scenario.action(move.action)
    if action is None:
        return None
    expression = None
    if isinstance(action.chance, str):
        try:
            expression = scenario.expr(action.chance)
        except Exception:
            return None  # its error is the general path's to give
        chance = None
        recorded = 0.0
    else:
        chance = min(1.0, max(0.0, float(action.chance)))
        recorded = round(chance, 6)
    failure = action.failure
    success = action.success
    outcomes = (
        (failure, _code(scenario, failure, move.role), _plain(failure)),
        (success, _code(scenario, success, move.role), _plain(success) and _quiet(action)),
    )
    key = f"move:{move.key}:"
    plain = (outcomes[0][2], outcomes[1][2])
    code = compile_move(scenario, move, action, chance, expression, recorded, key, plain)
    return action, chance, expression, recorded, key, outcomes, code


def _plain(branch: Branch) -> bool:
    return not (branch.if_ or branch.later or branch.reveal or branch.publish)


def _quiet(action: ActionSpec) -> bool:
    """Whether its success commits to nothing and offers nothing."""
    return not action.commit and action.offer is None


def _code(scenario: Scenario, branch: Branch, role: str) -> BranchCode | None:
    if branch.if_:
        return None
    try:
        return branch_code(scenario, branch, role)
    except Exception:
        # A target naming a param (`params.lab.evidence`) cannot be planned without the
        # move's params: such a branch is planned afresh for each move by `branch_changes`.
        return None
