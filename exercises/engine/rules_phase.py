"""The rules phase of a turn: every rule, for each role it runs for, against one snapshot.

`run_rules` takes the general path rule by rule (`_Phase.fire`) when the turn is recorded;
a batch run (`record=False`) calls the scenario's rules compiled into one function
(rules_compile), which hands each rule it cannot answer for back to `_Phase.fire`, so the
values, draws and error events are the general path's.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .audience import FACILITATOR_ONLY, Audience
from .coercers import coercers
from .dice import Draw, roll
from .effects import (
    apply_changes,
    branch_changes,
    branch_code,
    merged,
    picked,
    render,
    scheduled,
    snapshot,
    target_name,
    told,
    widened,
)
from .expressions import Environment, Expression, ExpressionError, compile_expression
from .moves import EngineEvent, StateChange
from .review import Line
from .rules_compile import compile_rules
from .scenario import EVERYONE, Scenario
from .schema import RuleSpec
from .state import State, environment, environment_after

_ALWAYS = compile_expression("true")
_NOT_YET = object()
# Each rule with, per role it runs for, its branches' compiled code ([otherwise, then]), its
# key in `used` and its draw's; its condition, its chance when a number (clamped) and the
# reason its changes give.
_RuleRole = tuple[str | None, list[Any], str, str]
_RulePlan = list[tuple[RuleSpec, list[_RuleRole], Expression | None, float | None, str]]
RulesResult = tuple[State, list[EngineEvent], list[Line], list[Draw], list[dict[str, Any]]]


def run_rules(
    scenario: Scenario,
    state: State,
    seed: int | str,
    turn: int,
    record: bool,
    compiled: bool = True,
) -> RulesResult:
    """The state after the rules, with their events, narrative, draws and later effects.
    `compiled=False` takes the general path for every rule (what the compiled one is held to)."""
    env = environment(scenario, state, turn)
    phase = _Phase(scenario, state, env, seed, turn, record)
    code = _rules_code(scenario) if compiled and not record else None
    changed: Iterable[str]
    if code is not None:
        values, changed = _run_compiled(scenario, state, env, phase, code)
    else:
        for index, (_, per_role, _, _, _) in enumerate(_rule_plan(scenario)):
            for place in range(len(per_role)):
                phase.step(index, place)
        values = apply_changes(scenario, state.values, phase.changes)
        changed = [change.variable for change in phase.changes]
    before = state
    state = state.evolve(values=values)
    if phase.used:
        state = state.evolve(used={**state.used, **phase.used})
    if phase.reveals:
        seen = widened(state.seen, phase.reveals)
        if seen is not state.seen:
            state = state.evolve(seen=seen)
    # The endings read this state next: its environment made from the phase's own changes.
    environment_after(scenario, before, state, changed, turn)
    return state, phase.events, phase.narrative, phase.draws, phase.later


def _rules_code(scenario: Scenario) -> Any:
    code = scenario.cache.get("rules_code", _NOT_YET)
    if code is _NOT_YET:
        code = scenario.cache["rules_code"] = compile_rules(scenario, _rule_plan(scenario))
    return code


def _run_compiled(
    scenario: Scenario, state: State, env: Environment, phase: _Phase, code: Any
) -> tuple[dict[str, Any], Iterable[str]]:
    """`apply_changes` of the phase's changes, made as the compiled rules go: assignments
    as they come, increments summed aside, then each coerced (the same order of operations,
    so the same floats)."""
    values = state.values
    new = dict(values)
    totals: dict[str, float] = {}
    touched: dict[str, None] = {}
    lists: dict[str, list[list[str]]] = {}

    def put(name: str, value: Any) -> None:  # an assignment the compiled code made
        new[name] = value
        if value.__class__ is list:
            lists.setdefault(name, []).append(value)
        touched[name] = None

    def general(index: int, place: int) -> None:
        for change in phase.step(index, place) or ():
            name = change.variable
            value = change.value
            if value is not None:
                new[name] = value
                if value.__class__ is list:
                    lists.setdefault(name, []).append(value)
            delta = change.delta
            if delta is not None:
                totals[name] = totals.get(name, 0.0) + delta
            else:
                touched[name] = None

    draws, reveals = phase.draws, phase.reveals
    code(env.names, new, totals, touched, put, general, draws, reveals, phase.seed, phase.turn)
    if not totals and not touched:
        return (values if isinstance(values, dict) else dict(values)), ()
    for name, given in lists.items():
        if len(given) > 1:
            new[name] = merged(values[name], given)
    coerce = coercers(scenario)
    for name, delta in totals.items():
        new[name] = coerce[name](float(new[name]) + delta)
    for name in touched:
        if name not in totals:
            new[name] = coerce[name](new[name])
    return new, [*totals, *touched]


class _Phase:
    """What the rules make, rule by rule, on the general path."""

    def __init__(
        self,
        scenario: Scenario,
        state: State,
        env: Environment,
        seed: int | str,
        turn: int,
        record: bool,
    ) -> None:
        self.scenario = scenario
        self.state = state
        self.env = env
        self.seed = seed
        self.turn = turn
        self.record = record
        self.plan = _rule_plan(scenario)
        self.later: list[dict[str, Any]] = []
        self.changes: list[StateChange] = []
        self.events: list[EngineEvent] = []
        self.narrative: list[Line] = []
        self.draws: list[Draw] = []
        self.reveals: list[tuple[str, str]] = []
        self.used: dict[str, int] = {}

    def step(self, index: int, place: int) -> list[StateChange] | None:
        """The rule `index` of the plan for its `place`-th role: its changes (also added to
        `changes`), or None when it did not run."""
        rule, per_role, when, chance_given, reason = self.plan[index]
        role, code, key, draw_key = per_role[place]
        scenario, env, turn = self.scenario, self.env, self.turn
        limited = rule.once or rule.cooldown
        if limited and _resting(rule, self.state.used, key, turn):
            return None
        names = env.names
        if role is not None:
            names["role"] = role  # env.bind_move(role), 60 times a turn
        try:
            if when is not None and when is not _ALWAYS:
                compiled = when.compiled
                # Most conditions do not hold: a false answer from the compiled code is
                # the expression's; anything else (an error, another type) is asked again
                # through `evaluate`, which gives the library's answer or error.
                holds = None
                if compiled is not None:
                    try:
                        holds = compiled(names)
                    except Exception:
                        holds = None
                    if holds is False:
                        return None
                if holds is not True and when.evaluate(env) is not True:
                    return None
            elif when is None and scenario.expr(rule.when).evaluate(env) is not True:
                return None
            chance = chance_given
            if chance is None:
                chance = clamped_chance(scenario, rule.chance, env)
            draw = None
            if 0 < chance < 1:
                draw = roll(
                    self.seed, turn, draw_key, chance, role=role, subject=rule.id, label=rule.id
                )
                self.draws.append(draw)
            success = draw.success if draw else chance >= 1
            written = rule.then if success else rule.otherwise
            # The branch's compiled code for this role, made the first time it fires: it
            # answers unless something is out of the ordinary, then the general path does.
            run = code[success]
            if run is _NOT_YET:
                run = code[success] = branch_code(scenario, written, role)
            made = run(names, reason) if run is not None else None
            if made is None:
                made = branch_changes(scenario, written, env, role, {}, reason)
            branch = picked(scenario, written, env) if written.if_ else written
            if branch.later:
                words = template_values(scenario, role, {})
                self.later += scheduled(scenario, branch, env, role, {}, turn, words, reason)
        except (ExpressionError, ValueError) as exc:
            self.events.append(
                EngineEvent(
                    "rule.error",
                    FACILITATOR_ONLY,
                    {"rule": rule.id, "role": role, "error": str(exc)},
                )
            )
            return None
        self.changes += made
        if limited:  # it ran, whatever its dice said
            self.used[key] = turn
        if role and branch.reveal:
            self.reveals += [(target_name(t, role, {}), role) for t in branch.reveal]
        if branch.publish:
            self.reveals += [(target_name(t, role, {}), EVERYONE) for t in branch.publish]
        if self.record:
            self._tell(rule, role, branch, made)
        return made

    def _tell(self, rule: RuleSpec, role: str | None, branch: Any, made: list[StateChange]) -> None:
        scenario = self.scenario
        words = template_values(scenario, role, {})
        if branch.public:
            self.narrative.append(Line(render(branch.public, words)))
        for line, roles in told(scenario, branch, role, {}):
            self.narrative.append(Line(render(line, words), Audience.of(roles)))
        text = render(branch.text, words)
        if branch.show:
            text = f"{text} {snapshot(scenario, branch, self.state.values, role, {})}".strip()
        audience = Audience.of([role]) if role and text else FACILITATOR_ONLY
        self.events.append(
            EngineEvent(
                "rule.fired",
                audience,
                {
                    "rule": rule.id,
                    "role": role,
                    "text": text,
                    "changes": [c.to_dict() for c in made],
                },
            )
        )


def _resting(rule: RuleSpec, used: Mapping[str, int], key: str, turn: int) -> bool:
    """Whether the rule's `once` or `cooldown` keeps it from running in `turn`."""
    last = used.get(key)
    return last is not None and (rule.once or turn <= last + rule.cooldown)


def clamped_chance(scenario: Scenario, chance: float | str, env: Environment) -> float:
    """A rule's or a move's chance, worked out where it fires and clamped to [0, 1]."""
    value = scenario.expr(chance).evaluate(env) if isinstance(chance, str) else chance
    if isinstance(value, list):  # float() of one raises TypeError, which nothing here expects
        raise ValueError(f"a chance gave {value!r}, not a number")
    return min(1.0, max(0.0, float(value)))


def _rule_plan(scenario: Scenario) -> _RulePlan:
    """Each rule with the roles it runs for and its compiled condition (None if it does not
    compile, so that it fails where it runs): the scenario's alone, so worked out once rather
    than at every rule of every turn."""
    plan: _RulePlan | None = scenario.cache.get("rules")
    if plan is None:
        plan = []
        for rule in scenario.rules:
            roles: list[str | None] = [None]
            if rule.for_each:
                roles = list(scenario.resolve_roles(rule.for_each))
            try:
                when: Expression | None = scenario.expr(rule.when)
            except ExpressionError:
                when = None
            if when is not None and when.constant is True:
                when = _ALWAYS  # `true`, the default: nothing to evaluate every turn
            chance = None  # an expression: worked out where the rule fires
            if rule.chance.__class__ is not str:
                chance = min(1.0, max(0.0, float(rule.chance)))  # as for a move's chance
            per_role: list[_RuleRole] = [
                (
                    role,
                    [_NOT_YET, _NOT_YET],
                    f"rule:{rule.id}:{role or '*'}",
                    f"rule:{rule.id}:{role}",
                )
                for role in roles
            ]
            plan.append((rule, per_role, when, chance, f"rule {rule.id}"))
        scenario.cache["rules"] = plan
    return plan


def template_values(
    scenario: Scenario, role: str | None, params: Mapping[str, Any]
) -> dict[str, Any]:
    names = scenario.role_names
    words: dict[str, Any] = {"role": names.get(role or "", role or "")}
    for key, value in params.items():
        words[f"params.{key}"] = names.get(value, value) if isinstance(value, str) else value
    return words
