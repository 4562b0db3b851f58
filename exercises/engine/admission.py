"""Admission: whether a move may be made in a state, and what it costs.

Step 2 of a turn's order of play (`adjudication`): who may take the move, its params, its
preconditions, the move limit and what the role can afford, all judged against the state at
the start of the turn. The bots (`bots.py`) ask the same questions of the moves they pick,
so they live apart from the playing of a turn.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .effects import (
    cost_changes,
    normalise_target,
)
from .expressions import Environment, ExpressionError
from .moves import (
    Move,
    Rejected,
    StateChange,
)
from .offers import pending_offer
from .params import ParamError, check_params
from .scenario import ANSWER_OFFER, FREE_FORM, Scenario
from .schema import ActionSpec, Precondition
from .state import State, environment


class Tally:
    """What each role has already committed this turn, for the move limit and costs.
    (A plain class: each bot makes one a turn, and a dataclass's default factories cost
    a call each.)"""

    __slots__ = ("answered", "moves", "spent")

    def __init__(self) -> None:
        self.moves: dict[str, int] = {}
        self.spent: dict[str, float] = {}
        self.answered: set[str] = set()  # offers answered this turn


def check_move(
    scenario: Scenario, state: State, move: Move, earlier: Sequence[Move] = ()
) -> dict[str, Any]:
    """The move's checked params, or Rejected with the reason. `earlier` are the role's
    other moves this turn, which count against its move limit and its budget."""
    env = environment(scenario, state, state.turn + 1)
    tally = Tally()
    for other in earlier:
        _admit(scenario, state, env, other, tally)
    return dict(_admit(scenario, state, env, move, tally))


def _admit(
    scenario: Scenario, state: State, env: Environment, move: Move, tally: Tally
) -> dict[str, Any]:
    if state.ending is not None:
        raise Rejected("the exercise has ended")
    plain = scenario.cache.get("plain_moves")
    if plain is not None:
        known: tuple[ActionSpec, dict[str, Any]] | None = plain.get(move.key)
        if known is not None:  # legal in any state: only the move limit to count
            if known[0].free:
                return known[1]
            made = tally.moves.get(move.role, 0)
            if made >= scenario.spec.moves_per_turn:
                limit = scenario.spec.moves_per_turn
                raise Rejected(f"{move.role} has already made {limit} moves this turn")
            tally.moves[move.role] = made + 1
            return known[1]
    if move.role not in scenario.role_ids:
        raise Rejected(f"there is no role {move.role!r}")
    if move.action == FREE_FORM:
        return _admit_free_form(scenario, move, tally)
    if move.action == ANSWER_OFFER:
        offer = pending_offer(state, move)
        if offer["id"] in tally.answered:
            raise Rejected("that offer is answered already this turn")
        tally.answered.add(offer["id"])
        return dict(move.params)
    # Whether a move is legal depends only on the move and the start-of-turn state, which the
    # environment stands for; bots and adjudication ask about the same moves, so remember.
    limited = scenario.cache.get("limited_actions")
    if move.action in (_limited_actions(scenario) if limited is None else limited):
        _check_rested(scenario, state, move)
    verdict = env.memo.get(move.key)
    if verdict is None:
        verdict = env.memo[move.key] = _legality(scenario, env, move)
    if isinstance(verdict, str):
        raise Rejected(verdict)
    action, params = verdict
    names = env.names  # env.bind_move, written out
    names["role"] = move.role
    names["params"] = params
    # Counted only once affordable: a move refused for its cost takes no place in the limit,
    # so a bot falls through to its next play, and the same holds for a person's next move.
    # (_check_count and _add_count written out: some 30 moves a turn are admitted.)
    if action.free:
        if action.cost:
            _afford(scenario, state, env, action, move.role, params, tally, move.key)
        return params
    made = tally.moves.get(move.role, 0)
    if made >= scenario.spec.moves_per_turn:
        limit = scenario.spec.moves_per_turn
        raise Rejected(f"{move.role} has already made {limit} moves this turn")
    if action.cost:
        _afford(scenario, state, env, action, move.role, params, tally, move.key)
    tally.moves[move.role] = made + 1
    return params


def _costs(
    scenario: Scenario,
    env: Environment,
    action: ActionSpec,
    role: str,
    params: Mapping[str, Any],
    key: str,
) -> list[StateChange]:
    """The move's costs. A bot's move is priced when the bot picks it, again when it is
    admitted and when it pays; like its legality, the price depends only on the move and the
    start-of-turn state, so the environment remembers it (params are bound by the caller).
    Fixed amounts (no expression) are the same in every state: the scenario remembers those."""
    memo_key = ("cost", key)
    costs: list[StateChange] | None = env.memo.get(memo_key)
    if costs is None:
        fixed = scenario.cache.get("fixed_costs")
        costs = fixed.get(key) if fixed is not None else None
        if costs is None:
            reason = f"cost of {action.id}"
            costs = cost_changes(scenario, action.cost, env, role, params, reason)
            if not any(value.__class__ is str for value in action.cost.values()):
                fixed = scenario.cache.setdefault("fixed_costs", {})
                if len(fixed) >= 4096:
                    fixed.clear()  # a server's players may send endless variants
                fixed[key] = costs
        env.memo[memo_key] = costs
    return costs


def _legality(
    scenario: Scenario, env: Environment, move: Move
) -> str | tuple[ActionSpec, dict[str, Any]]:
    """The action and checked params of a scripted move, or the reason it is illegal."""
    known = scenario.cache.get("legal_moves")  # _static_legality's, looked up inline
    verdict = known.get(move.key) if known is not None else None
    if verdict is None:
        verdict = _static_legality(scenario, move)
    if isinstance(verdict, str) or not verdict[0].requires:
        return verdict
    unmet = _unmet(scenario, env, move.role, verdict[1], _requirements(scenario, verdict[0]))
    return verdict if unmet is None else unmet


def _unmet(
    scenario: Scenario,
    env: Environment,
    role: str,
    params: dict[str, Any],
    requirements: list[tuple[Any, Precondition]],
) -> str | None:
    """Why the first precondition that does not hold rules the move out, or None."""
    names = env.names  # env.bind_move, written out
    names["role"] = role
    names["params"] = params
    try:
        for run, pre in requirements:
            # _truth's answer where the compiled code gives a bool, without its call: bots
            # ask some 20 moves' preconditions a turn. Anything else goes through _truth.
            if run is not None:
                try:
                    held = run(names)
                except Exception:
                    held = None
                if held is True:
                    continue
                if held is False:
                    return pre.reason
            if not _truth(scenario, pre.when, env):
                return pre.reason
    except Rejected as exc:
        return str(exc)
    return None


def _requirements(scenario: Scenario, action: ActionSpec) -> list[tuple[Any, Precondition]]:
    """The action's preconditions, each with its compiled code (None: `_truth` judges it)."""
    cache = scenario.cache.get("requirements")
    if cache is None:
        cache = scenario.cache["requirements"] = {}
    found: list[tuple[Any, Precondition]] | None = cache.get(action.id)
    if found is None or found[0][1] is not action.requires[0]:
        found = []
        for pre in action.requires:
            try:
                run = scenario.expr(pre.when).compiled
            except ExpressionError:
                run = None  # _truth gives the error
            found.append((run, pre))
        cache[action.id] = found
    return found


def _static_legality(scenario: Scenario, move: Move) -> str | tuple[ActionSpec, dict[str, Any]]:
    """What the scenario alone says of the move: its action for its role, and its params.
    Bots make the same moves every turn, so the scenario remembers (the params are never
    changed by those who receive them; `check_move` hands out a copy)."""
    cache = scenario.cache.get("legal_moves")
    if cache is None:
        cache = scenario.cache["legal_moves"] = {}
    verdict: str | tuple[ActionSpec, dict[str, Any]] | None = cache.get(move.key)
    if verdict is not None:
        return verdict
    action = scenario.action(move.action)
    if action is None or move.role not in scenario.roles_for(action):
        verdict = f"{move.role} has no action {move.action!r}"
    else:
        try:
            verdict = action, check_params(scenario, action, move.role, move.params)
        except ParamError as exc:
            verdict = str(exc)
    plain = scenario.cache.setdefault("plain_moves", {})
    if len(cache) >= 4096:
        cache.clear()  # a server's players may send endless variants; bots send a few dozen
        plain.clear()
    cache[move.key] = verdict
    if not isinstance(verdict, str) and _plain(verdict[0]):
        plain[move.key] = verdict
    return verdict


def _owned_costs(scenario: Scenario) -> bool:
    """Whether every cost of every action is a fixed amount, not below zero, of one of the
    mover's own variables (`me.x`): then a role's moves spend only from what no other role
    spends, and each of them lowers it, so they are affordable together in any order once
    they were, one after the other, in one."""
    found: bool | None = scenario.cache.get("owned_costs")
    if found is None:
        found = all(
            normalise_target(target).split(".")[0] == "me"
            and len(normalise_target(target).split(".")) == 2
            and value.__class__ in (int, float)
            and value >= 0
            for action in scenario.actions
            for target, value in action.cost.items()
        )
        scenario.cache["owned_costs"] = found
    return found


def _plain(action: ActionSpec) -> bool:
    """Whether a statically legal move of `action` is legal in every state: no precondition,
    no cost, no `once` or `cooldown`. Admitting one is counting it against the move limit."""
    return not (action.requires or action.cost or action.once or action.cooldown)


def _limited_actions(scenario: Scenario) -> frozenset[str]:
    """The actions with a `once` or a `cooldown`: the rest need no look at `used`."""
    found: frozenset[str] | None = scenario.cache.get("limited_actions")
    if found is None:
        found = frozenset(a.id for a in scenario.actions if a.once or a.cooldown)
        scenario.cache["limited_actions"] = found
    return found


def _check_rested(scenario: Scenario, state: State, move: Move) -> None:
    """Refuse an action its `once` or `cooldown` does not allow this role yet."""
    action = scenario.action(move.action)
    if action is None or not (action.once or action.cooldown):
        return
    last = state.used.get(f"action:{action.id}:{move.role}")
    if last is None:
        return
    if action.once:
        raise Rejected(f"{action.label} can be taken once, and {move.role} took it in turn {last}")
    if state.turn + 1 <= last + action.cooldown:
        again = last + action.cooldown + 1
        raise Rejected(f"{action.label} can be taken again in turn {again}")


def _admit_free_form(scenario: Scenario, move: Move, tally: Tally) -> dict[str, Any]:
    if not scenario.spec.free_form:
        raise Rejected("this scenario has no free-form moves")
    if not move.text.strip():
        raise Rejected("a free-form move needs its argument written out")
    _count(scenario, None, move.role, tally)
    return {}


def _check_count(scenario: Scenario, action: ActionSpec | None, role: str, tally: Tally) -> None:
    if action is not None and action.free:
        return
    if tally.moves.get(role, 0) >= scenario.spec.moves_per_turn:
        raise Rejected(f"{role} has already made {scenario.spec.moves_per_turn} moves this turn")


def _count(scenario: Scenario, action: ActionSpec | None, role: str, tally: Tally) -> None:
    _check_count(scenario, action, role, tally)
    _add_count(action, role, tally)


def _add_count(action: ActionSpec | None, role: str, tally: Tally) -> None:
    if action is None or not action.free:
        tally.moves[role] = tally.moves.get(role, 0) + 1


def _afford(
    scenario: Scenario,
    state: State,
    env: Environment,
    action: ActionSpec,
    role: str,
    params: Mapping[str, Any],
    tally: Tally,
    key: str,
) -> None:
    if not action.cost:
        return  # most actions: nothing to price, nothing to spend
    try:
        costs = _costs(scenario, env, action, role, params, key)
    except (ExpressionError, ValueError) as exc:
        raise Rejected(f"the scenario cannot price this move: {exc}") from exc
    for change in costs:
        var = scenario.variables[change.variable]
        after = float(state.values[change.variable]) + tally.spent.get(change.variable, 0.0)
        after += change.delta or 0.0
        if var.min is not None and after < var.min:
            raise Rejected(f"{role} cannot afford it: {var.label} would fall below {var.min:g}")
    for change in costs:
        tally.spent[change.variable] = tally.spent.get(change.variable, 0.0) + (change.delta or 0)


def _truth(scenario: Scenario, source: str, env: Environment) -> bool:
    try:
        expression = scenario.expr(source)
        compiled = expression.compiled
        if compiled is not None:
            # A bool from the compiled code is `evaluate`'s answer; anything else (an error,
            # another type) goes through it, for the library's answer or error.
            try:
                held = compiled(env.names)
            except Exception:
                held = None
            if held is True or held is False:
                return held
        return expression.evaluate(env) is True
    except ExpressionError as exc:
        raise Rejected(f"the scenario cannot judge this move: {exc}") from exc
