"""Bots: a named policy of the scenario picks legal moves for a role.

A policy lists, for a role (or one of its tags, or `*`), plays in order of preference. A bot
takes each play whose condition holds, whose dice (if it has a chance) allow it, and that the
engine accepts, until the role's move limit is reached.
"""

from __future__ import annotations

from typing import Any

from .admission import (
    Tally,
    _admit,
    _afford,
    _legality,
    _limited_actions,
    _plain,
    _requirements,
    _static_legality,
    _unmet,
)
from .dice import generator
from .expressions import Environment, Expression, ExpressionError, compile_expression
from .moves import Move, Rejected
from .scenario import ANSWER_OFFER, EVERYONE, FREE_FORM, Scenario
from .schema import ActionSpec, ParamExpression, PlaySpec, Precondition
from .state import State, environment

_NO_PARAMS: dict[str, object] = {}
_ALWAYS = compile_expression("true")
_NEVER = compile_expression("false")


class UnknownPolicy(KeyError):
    pass


def plays_for(scenario: Scenario, policy: str, role: str) -> list[PlaySpec]:
    if policy not in scenario.policies:
        raise UnknownPolicy(
            f"{scenario.id} has no policy {policy!r}; it has "
            f"{', '.join(scenario.policies) or 'none'}"
        )
    plays = scenario.policies[policy].plays
    tags = [t for t in scenario.role(role).tags if t in plays]
    key = role if role in plays else (tags[0] if tags else EVERYONE)
    return plays.get(key, [])


def choose_moves(
    scenario: Scenario,
    state: State,
    role: str,
    policy: str,
    seed: int | str,
    env: Environment | None = None,
) -> list[Move]:
    """The moves the policy makes for `role` this turn. Same inputs, same moves."""
    if state.ending is not None:
        return []  # the engine would refuse every move
    env = env or environment(scenario, state, state.turn + 1)
    cache = scenario.cache.get("bot_moves")
    candidates = cache.get((policy, role)) if cache is not None else None
    if candidates is None:
        candidates = _candidates(scenario, policy, role)
    rng = None  # made only for a play with a chance: most plays have none
    tally = Tally()
    counts = tally.moves
    limit = scenario.spec.moves_per_turn
    moves: list[Move] = []
    for play, made, when, free, _, step, chance, lean, static, checks in candidates:
        if step == _ANSWER:
            moves += _answers(scenario, state, env, play, role, tally)
            continue
        if chance < 1:
            rng = rng or generator(seed, state.turn + 1, f"bot:{policy}:{role}")
            if rng.random() >= chance:
                continue
        if not free and counts.get(role, 0) >= limit:
            continue  # past the move limit the engine refuses it, whatever it is
        if step == _PLAIN:
            # Legal in any state (adjudication._plain): admitting it is counting it.
            if not free:
                counts[role] = counts.get(role, 0) + 1
            moves.append(made)  # type: ignore[arg-type]  # a plain play's move is made
            continue
        if step == _FIXED:
            move: Move = made  # type: ignore[assignment]  # a fixed play's move is made
        else:
            names = env.names  # env.bind_move, written out
            names["role"] = role
            names["params"] = _NO_PARAMS
            try:
                if when is not _ALWAYS:
                    # A bool from the compiled code is `evaluate`'s answer; anything else (an
                    # error, another type) goes through it, for the library's answer or error.
                    held = None
                    if when.compiled is not None:
                        try:
                            held = when.compiled(env.names)
                        except Exception:
                            held = None
                    if held is not True and (held is False or when.evaluate(env) is not True):
                        continue
                move = made or _worked_out(scenario, env, play, role, policy)
            except ExpressionError:
                continue
        # A move its preconditions (or its action, its params) rule out is refused by
        # `_admit` whatever else it checks: found without raising and catching the refusal,
        # some ten times a turn. `_admit` finds the verdict remembered.
        if static is not None:
            verdict = static  # what `_legality` answers in every state
        elif checks is not None:
            # `_legality` of a made move, its action's preconditions in hand (some 20 a
            # turn): neither the verdict nor the preconditions looked up again.
            verdict, requirements = checks
            unmet = _unmet(scenario, env, role, verdict[1], requirements)
            if unmet is not None:
                verdict = unmet
        else:
            verdict = env.memo.get(move.key)
            if verdict is None:
                verdict = env.memo[move.key] = _legality(scenario, env, move)
        if verdict.__class__ is str:
            continue
        if lean:
            # `_admit`'s answer for this move, its verdict in hand: its role and action are
            # the scenario's, nothing rests it and the limit was checked above, so what is
            # left is its cost and its count.
            pair: tuple[ActionSpec, dict[str, Any]] = verdict  # type: ignore[assignment]
            action, params = pair  # not a str (above): the verdict's action and params
            names = env.names  # env.bind_move, written out
            names["role"] = role
            names["params"] = params
            if action.cost:
                # `_afford` written out for fixed costs (no expression: the scenario's, the
                # same in every state), remembered as `_costs` remembers them: the move's
                # generated code reads them there. Any other is `_afford`'s to price.
                memo = env.memo
                cost_key = ("cost", move.key)
                costs = memo.get(cost_key)
                if costs is None:
                    fixed = scenario.cache.get("fixed_costs")
                    costs = fixed.get(move.key) if fixed is not None else None
                    if costs is not None:
                        memo[cost_key] = costs
                if costs is None:
                    try:
                        _afford(scenario, state, env, action, role, params, tally, move.key)
                    except Rejected:
                        continue
                else:
                    spent = tally.spent
                    values = state.values
                    short = False
                    for change in costs:
                        var = scenario.variables[change.variable]
                        after = float(values[change.variable]) + spent.get(change.variable, 0.0)
                        after += change.delta or 0.0
                        if var.min is not None and after < var.min:
                            short = True
                            break
                    if short:
                        continue
                    for change in costs:
                        variable = change.variable
                        spent[variable] = spent.get(variable, 0.0) + (change.delta or 0)
            if not free:
                counts[role] = counts.get(role, 0) + 1
            moves.append(move)
            continue
        try:
            _admit(scenario, state, env, move, tally)
        except Rejected:
            continue
        moves.append(move)
    return moves


# A play, its move (None where a parameter is an expression), its condition, whether its
# action is free (outside the move limit), whether its move is legal in any state, how it is
# played (below), its chance, whether, its verdict found, admitting it is only pricing
# and counting it (an action of the scenario, for the role, with no `once` or `cooldown`),
# and the verdict of a made move whose action has no precondition (None for the others):
# the scenario's alone (`_static_legality`), the same in every state; for a made move whose
# action has preconditions, that verdict with the preconditions and their compiled code
# (`_requirements`), asked in each turn's state (None for the others).
_Verdict = str | tuple[ActionSpec, dict[str, Any]]
_Checks = tuple[tuple[ActionSpec, dict[str, Any]], list[tuple[Any, Precondition]]]
_Candidate = tuple[
    PlaySpec, Move | None, Expression, bool, bool, int, float, bool, _Verdict | None, _Checks | None
]

# Worked out once per play, so that a turn asks one question of each: an answer to offers;
# a move legal in any state, always played (counted, not admitted); a fixed move always
# played (admitted, its condition not asked); anything else, the general steps.
_ANSWER, _PLAIN, _FIXED, _GENERAL = 0, 1, 2, 3


def _candidates(scenario: Scenario, policy: str, role: str) -> list[_Candidate]:
    """Each play with the move it makes, or None where a parameter is an expression, and its
    condition. A move with fixed params is immutable and the same every turn, so it is made
    once per scenario: `simulate` asked for some 20 new moves a turn, each hashing its params
    into its key (benchmarks/README.md). Most plays hold always (`true`): those are not asked
    every turn."""
    cache = scenario.cache.get("bot_moves")
    if cache is None:
        cache = scenario.cache["bot_moves"] = {}
    found: list[_Candidate] | None = cache.get((policy, role))
    if found is None:
        text = f"policy {policy}"
        found = []
        for play in plays_for(scenario, policy, role):
            try:
                when = scenario.expr(play.when)
            except ExpressionError:
                when = _NEVER  # as a condition that fails when asked: the play is skipped
            fixed = not (_worked(play) or play.action == ANSWER_OFFER)
            made = Move(role, play.action, dict(play.params), text=text) if fixed else None
            action = scenario.action(play.action)
            free = action is not None and action.free
            plain = made is not None and _plain_move(scenario, made)
            when = _ALWAYS if when.constant is True else when
            if play.action == ANSWER_OFFER:
                step = _ANSWER
            elif made is not None and when is _ALWAYS:
                step = _PLAIN if plain else _FIXED
            else:
                step = _GENERAL
            lean = (
                action is not None
                and play.action not in (FREE_FORM, ANSWER_OFFER)
                and play.action not in _limited_actions(scenario)
                and role in scenario.role_ids
            )
            static = _static_legality(scenario, made) if made is not None else None
            checks = None
            if static.__class__ is tuple and static[0].requires:
                # its preconditions are asked in each turn's state
                checks = (static, _requirements(scenario, static[0]))
                static = None
            found.append((play, made, when, free, plain, step, play.chance, lean, static, checks))
        cache[(policy, role)] = found
    return found


def _plain_move(scenario: Scenario, move: Move) -> bool:
    verdict = _static_legality(scenario, move)
    return not isinstance(verdict, str) and _plain(verdict[0])


def _answers(
    scenario: Scenario, state: State, env: Environment, play: PlaySpec, role: str, tally: Tally
) -> list[Move]:
    """A play `answer_offer` answers every offer waiting for the role, as `accept` says
    (when its `when` holds), oldest first."""
    env.bind(role=role, params=_NO_PARAMS)
    try:
        if scenario.expr(play.when).evaluate(env) is not True:
            return []
    except ExpressionError:
        return []
    out = []
    for offer in state.offers:
        if offer["to"] != role:
            continue
        move = Move(role, ANSWER_OFFER, {"offer": offer["id"], "accept": play.params["accept"]})
        try:
            _admit(scenario, state, env, move, tally)
        except Rejected:
            continue
        out.append(move)
    return out


def _worked(play: PlaySpec) -> bool:
    return any(isinstance(value, ParamExpression) for value in play.params.values())


def _worked_out(
    scenario: Scenario, env: Environment, play: PlaySpec, role: str, policy: str
) -> Move:
    """The move of a play whose parameters are partly expressions, for this turn's state."""
    params = {
        name: scenario.expr(value.expr).evaluate(env)
        if isinstance(value, ParamExpression)
        else value
        for name, value in play.params.items()
    }
    return Move(role, play.action, params, text=f"policy {policy}")
