"""Would these moves be taken now? The checks a submission makes, without making it.

A player's form asks before it is sent: whether the move would be refused now and why, and
what it would cost with the params filled in so far. The answer tells nothing a submission
would not: the engine's own `check_move` runs on the same state, with the role's other live
moves (but the one a move would replace) counted against its limit and budget.

A cost written as an expression is evaluated only when it reads nothing but the move's params:
one that reads the state could show a player a value it may not see. Any other is described in
words instead of shown as code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from exercises import engine
from exercises.engine import ParamError, Rejected, check_params
from exercises.engine.effects import cost_changes, target_name
from exercises.engine.expressions import ExpressionError
from exercises.engine.state import environment
from exercises.models import Exercise, Move, Seat, Turn

from .errors import Invalid
from .locking import current_turn
from .moves import require_role
from .scenarios import scenario_of, state_of

MAX_CHECKS = 50
PARAMS_ONLY = re.compile(r"^(?:\s|\d|[.+\-*/()]|params\.[a-z_][a-z0-9_]*|double|int)*$")


@dataclass(frozen=True)
class Now:
    """What every check of one request reads: the state, and the role's live moves."""

    scenario: engine.Scenario
    state: engine.State
    role: str
    closed: str  # why no move is taken now, or ""
    live: list[tuple[str, engine.Move]]


def check_moves(seat: Seat, checks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """For each `{action, params, replaces}`: `{action, allowed, reason, cost}`."""
    require_role(seat)
    if len(checks) > MAX_CHECKS:
        raise Invalid(f"at most {MAX_CHECKS} checks at once")
    exercise = Exercise.objects.get(pk=seat.exercise_id)
    turn = current_turn(exercise)
    now = Now(
        scenario_of(exercise),
        state_of(exercise),
        seat.role,
        _closed(exercise, turn),
        _live(turn, seat.role),
    )
    return [_check(now, c) for c in checks]


def _closed(exercise: Exercise, turn: Turn | None) -> str:
    if exercise.status == Exercise.Status.FINISHED:
        return "the exercise has finished"
    if exercise.status != Exercise.Status.RUNNING:
        return f"the exercise is {exercise.status}"
    if turn is None or turn.phase != Turn.Phase.OPEN:
        return "the turn is not open for moves"
    return ""


def _live(turn: Turn | None, role: str) -> list[tuple[str, engine.Move]]:
    if turn is None:
        return []
    rows = turn.moves.filter(role=role, status=Move.Status.SUBMITTED).order_by("id")
    return [(m.public_id, engine.Move(role, m.action, m.params, text=m.rationale)) for m in rows]


def _check(now: Now, check: dict[str, Any]) -> dict[str, Any]:
    action, params = check["action"], check.get("params") or {}
    answer: dict[str, Any] = {
        "action": action,
        "allowed": False,
        "reason": now.closed or None,
        "cost": costs(now.scenario, now.state, now.role, action, params),
    }
    if now.closed:
        return answer
    earlier = [move for public_id, move in now.live if public_id != check.get("replaces")]
    # A free-form move's text is written last; whether it may be made does not depend on it.
    text = "(a draft)" if action == engine.FREE_FORM else ""
    move = engine.Move(now.role, action, params, text=text)
    try:
        engine.check_move(now.scenario, now.state, move, earlier)
    except Rejected as exc:
        answer["reason"] = str(exc)
        return answer
    answer["allowed"] = True
    return answer


def costs(
    scenario: engine.Scenario, state: engine.State, role: str, action_id: str, params: Any
) -> list[dict[str, Any]]:
    """What the action takes from each variable: an amount where it can be known now, else
    a description in words."""
    action = scenario.action(action_id) if action_id != engine.FREE_FORM else None
    if action is None or role not in scenario.roles_for(action):
        return []
    try:
        checked = check_params(scenario, action, role, params if isinstance(params, dict) else {})
    except ParamError:
        checked = None
    out = []
    for target, value in action.cost.items():
        try:
            variable = target_name(target, role, checked or {})
        except KeyError:  # names a role by a param not chosen yet
            variable = target
        amount = _amount(scenario, state, role, action, target, value, checked)
        words = "" if amount is not None else _words(str(value), action)
        out.append({"variable": variable, "amount": amount, "text": words})
    return out


def _amount(
    scenario: engine.Scenario,
    state: engine.State,
    role: str,
    action: Any,
    target: str,
    value: Any,
    checked: dict[str, Any] | None,
) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if checked is None or not PARAMS_ONLY.match(str(value)):
        return None
    env = environment(scenario, state, state.turn + 1)
    env.bind(role=role, params=checked)
    try:
        [change] = cost_changes(scenario, {target: value}, env, role, checked, action.id)
    except (ExpressionError, ValueError, KeyError):
        return None
    return -(change.delta or 0.0)


def _words(expression: str, action: Any) -> str:
    """`0.3 * double(params.count)` read "0.3 times Datasets": signs and names in words."""
    text = re.sub(r"\b(?:double|int)\(([^()]*)\)", r"\1", expression)
    text = text.replace("*", " \N{MULTIPLICATION SIGN} ").replace("/", " \N{DIVISION SIGN} ")
    for name, spec in action.params.items():
        text = text.replace(f"params.{name}", spec.label or name.replace("_", " "))
    text = re.sub(r"\b(?:state|roles|me)\.([a-z0-9_.]+)", _spoken, text)
    return " ".join(text.split())


def _spoken(match: re.Match[str]) -> str:
    return match.group(1).replace(".", " ").replace("_", " ")
