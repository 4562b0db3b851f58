"""Turning a branch of a scenario (set, add, reveal, publish) into changes, and applying them.

Changes from one phase are applied together, in a documented, order-independent way:
assignments first, in the canonical order of the moves or rules that made them (a later one
wins a conflict, except on a list of roles, where every assignment counts for the roles it adds
and drops), then every increment summed, then each variable coerced to its type and clamped to
its bounds. So the same moves give the same state whichever arrived first.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Mapping
from typing import Any

from .branch_compile import BranchCode, compile_branch
from .coercers import coercers
from .expressions import VALUE_TYPES, Environment, Expression
from .moves import StateChange, state_change
from .scenario import EVERYONE, TEXTUAL, Scenario
from .schema import Branch, Scalar, Value
from .state import State


def normalise_target(target: str) -> str:
    """Targets may be written as expressions read them (`state.x`, `roles.r.x`) or flat."""
    if target.startswith("state."):
        return target[len("state.") :]
    if target.startswith("roles."):
        return target[len("roles.") :]
    return target


def target_name(target: str, role: str | None, params: Mapping[str, Any]) -> str:
    """The flat variable an effect target names for this role and these params."""
    parts = _parts(target)
    if parts[0] == "me" and len(parts) == 2 and role:
        return f"{role}.{parts[1]}"
    if parts[0] == "params" and len(parts) == 3:
        return f"{params[parts[1]]}.{parts[2]}"
    return ".".join(parts)


@functools.lru_cache(maxsize=4096)
def _parts(target: str) -> tuple[str, ...]:
    # A scenario has a few hundred targets; each effect of each move used to split its own.
    return tuple(normalise_target(target).split("."))


def chosen(scenario: Scenario, branch: Branch, env: Environment) -> list[Branch]:
    """The branch, then each block its `if` conditions pick, nested ones included, in the order
    written: what applies of it in this state (env bound for the role and params)."""
    out = [branch]
    for block in branch.if_:
        holds = scenario.expr(block.when).evaluate(env)
        if not isinstance(holds, bool):
            raise ValueError(f"an if condition gave {holds!r}, not true or false")
        out += chosen(scenario, block.then if holds else block.else_, env)
    return out


def picked(scenario: Scenario, branch: Branch, env: Environment) -> Branch:
    """What the chosen blocks say and show together: their texts joined, their reveals and
    publications in order (their changes come from `branch_changes`)."""
    if not branch.if_:
        return branch
    parts = chosen(scenario, branch, env)
    told: dict[str, list[str]] = {}
    for part in parts:
        for key, line in part.tell.items():
            told.setdefault(key, []).append(line)
    return Branch(
        text=" ".join(p.text for p in parts if p.text),
        public=" ".join(p.public for p in parts if p.public),
        reveal=[t for p in parts for t in p.reveal],
        publish=[t for p in parts for t in p.publish],
        tell={key: " ".join(lines) for key, lines in told.items()},
        later=[item for p in parts for item in p.later],
        show=[t for p in parts for t in p.show],
    )


def scheduled(
    scenario: Scenario,
    branch: Branch,
    env: Environment,
    role: str | None,
    params: Mapping[str, Any],
    turn: int,
    words: Mapping[str, Any],
    reason: str,
) -> list[dict[str, Any]]:
    """A (picked) branch's `later` items as the state keeps them: values worked out now, in
    this move's or rule's terms, to be applied as turn `turn + N` is adjudicated."""
    out = []
    for item in branch.later:
        part = Branch(set=item.set, add=item.add)
        changes = branch_changes(scenario, part, env, role, params, f"{reason}, scheduled")
        entry: dict[str, Any] = {
            "turn": turn + item.turns,
            "changes": [c.to_dict() for c in changes],
            "text": render(item.text, words),
            "public": render(item.public, words),
            "role": role,
        }
        if item.inject:
            entry["inject"] = item.inject
        out.append(entry)
    return out


def due_changes(entry: Mapping[str, Any]) -> list[StateChange]:
    return [StateChange(**change) for change in entry["changes"]]


def snapshot(
    scenario: Scenario,
    branch: Branch,
    values: Mapping[str, Value],
    role: str | None,
    params: Mapping[str, Any],
) -> str:
    """The values a (picked) branch's `show` names, as they stand in the state the phase reads,
    in words: told once, without the lasting reveal that `reveal` gives."""
    words = []
    for target in branch.show:
        name = target_name(target, role, params)
        var = scenario.variables[name]
        shown = in_words(scenario, values[name])
        words.append(f"{var.label}: {shown}{' ' + var.unit if var.unit else ''}.")
    return " ".join(words)


def in_words(scenario: Scenario, value: Any) -> str:
    """A value as a player reads it: yes or no, a number, a text, or role names ("none")."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(scenario.role_names.get(v) or str(v) for v in value) or "none"
    if isinstance(value, str):
        return value or "none"
    return f"{value:g}"


def told(
    scenario: Scenario, branch: Branch, role: str | None, params: Mapping[str, Any]
) -> list[tuple[str, tuple[str, ...]]]:
    """Each `tell` line of a (picked) branch with the roles it goes to: a role parameter's
    role, `me`, a role id, a tag or `*`; never back to the actor itself."""
    out = []
    for key, line in branch.tell.items():
        if key == "me":
            roles: tuple[str, ...] = (role,) if role else ()
        else:
            if key.startswith("params."):
                named = {str(params.get(key[len("params.") :], ""))}
            else:
                named = set(scenario.resolve_roles([key]))
            roles = tuple(r for r in scenario.role_ids if r in named and r != role)
        if roles:
            out.append((line, roles))
    return out


def branch_changes(
    scenario: Scenario,
    branch: Branch,
    env: Environment,
    role: str | None,
    params: Mapping[str, Any],
    reason: str,
) -> list[StateChange]:
    if branch.if_:
        # The blocks chosen in this state: every `set` of them first, then every `add`.
        plans = [_plan(scenario, part, role, params) for part in chosen(scenario, branch, env)]
        plan = [step for steps in plans for step in steps if step[1]]
        plan += [step for steps in plans for step in steps if not step[1]]
    else:
        cached = scenario.cache.get("branch_plans", _NO_PLANS).get((id(branch), role))
        if cached is not None and cached[0] is branch:
            # Seen before (so not a branch made on the fly): its compiled code, made now if
            # it was not yet, answers unless something is out of the ordinary.
            code = cached[2]
            if code is _NOT_YET:
                code = cached[2] = compile_branch(scenario, cached[1], _assigned, _increment)
            if code is not None:
                made: list[StateChange] | None = code(env.names, reason)
                if made is not None:
                    return made
            plan = cached[1]
        else:
            plan = _plan(scenario, branch, role, params)
    return planned_changes(scenario, plan, env, reason)


def branch_code(scenario: Scenario, branch: Branch, role: str | None) -> BranchCode | None:
    """The compiled code of a scenario's own branch for this role (compiled now if it was not
    yet), or None where only the general path can make its changes."""
    if branch.if_:
        return None
    _plan(scenario, branch, role, {})
    cached = scenario.cache["branch_plans"].get((id(branch), role))
    if cached is None or cached[0] is not branch:
        return None  # a target names a param: planned afresh every time
    if cached[2] is _NOT_YET:
        cached[2] = compile_branch(scenario, cached[1], _assigned, _increment)
    code: BranchCode | None = cached[2]
    return code


def fixed_plan(scenario: Scenario, branch: Branch, role: str | None) -> _Plan | None:
    """The plan of a scenario's own branch for this role, or None where a target names a
    param (planned afresh for every move)."""
    if any(_parts(t)[0] == "params" for t in (*branch.set, *branch.add)):
        return None
    return _plan(scenario, branch, role, {})


def planned_changes(
    scenario: Scenario, plan: _Plan, env: Environment, reason: str
) -> list[StateChange]:
    """The changes a plan makes in this state: the general path, which compiled branches
    fall back to and are held to."""
    changes = []
    names = env.names
    for name, assigns, value in plan:
        if value.__class__ is Expression:
            # `value.evaluate(env)` without its call where the compiled code answers with a
            # value: some 60 effects a turn. An error or another type goes through evaluate,
            # which gives the library's answer or error.
            run = value.compiled
            if run is None:
                value = value.evaluate(env)
            else:
                try:
                    got = run(names)
                except Exception:
                    got = None
                value = got if got.__class__ in VALUE_TYPES else value.evaluate(env)
        kind = value.__class__
        if assigns:
            changes.append(state_change(name, _assigned(scenario, name, value), None, reason))
        elif kind is int or (kind is float and math.isfinite(value)):
            changes.append(state_change(name, None, float(value), reason))  # most effects
        else:
            changes.append(state_change(name, None, _increment(value), reason))
    return changes


_Plan = list[tuple[str, bool, Any]]
_NO_PLANS: dict[Any, Any] = {}
_NOT_YET = object()


def _plan(scenario: Scenario, branch: Branch, role: str | None, params: Mapping[str, Any]) -> _Plan:
    """Each effect of the branch as (variable, assigns, Expression or value), `set` first.
    The same for every turn: remembered per branch and role, unless a target names a
    param (`params.lab.evidence`), which can change from move to move."""
    cache = scenario.cache.setdefault("branch_plans", {})
    key = (id(branch), role)
    cached: list[Any] | None = cache.get(key)
    if cached is not None and cached[0] is branch:
        return cached[1]  # type: ignore[no-any-return]  # by identity: ids may be reused
    plan: _Plan = [
        (target_name(t, role, params), assigns, _compiled(scenario, v))
        for assigns, effects in ((True, branch.set), (False, branch.add))
        for t, v in effects.items()
    ]
    if any(_parts(t)[0] == "params" for t in (*branch.set, *branch.add)):
        return plan
    if len(cache) >= 4096:
        cache.clear()  # branches made on the fly would otherwise pile up
    cache[key] = [branch, plan, _NOT_YET]  # the branch's compiled code, once it is reused
    return plan


def _compiled(scenario: Scenario, value: Any) -> Any:
    return scenario.expr(value) if isinstance(value, str) else value


def cost_changes(
    scenario: Scenario,
    cost: Mapping[str, Any],
    env: Environment,
    role: str,
    params: Mapping[str, Any],
    reason: str,
) -> list[StateChange]:
    return [
        state_change(target_name(t, role, params), None, -_number(scenario, v, env), reason)
        for t, v in cost.items()
    ]


def _value(scenario: Scenario, value: Any, env: Environment) -> Scalar:
    return _checked(scenario.expr(value).evaluate(env) if isinstance(value, str) else value)


def _assigned(scenario: Scenario, name: str, value: Any) -> Value:
    """The value a `set` gives, refused (ValueError) when it does not fit its variable."""
    var = scenario.variables.get(name)
    if var is not None and var.type in TEXTUAL:
        return var.fit(value)
    return _checked(value)


def _checked(result: Any) -> Scalar:
    if isinstance(result, str):
        raise ValueError("an effect gave text")
    if isinstance(result, list):
        raise ValueError("an effect gave a list")
    if isinstance(result, float) and not math.isfinite(result):
        raise ValueError("an effect gave an infinite number (a division by zero?)")
    return result  # type: ignore[no-any-return]


def _number(scenario: Scenario, value: Any, env: Environment) -> float:
    return _increment(_value(scenario, value, env))


def _increment(result: Any) -> float:
    result = _checked(result)
    if isinstance(result, bool):
        raise ValueError("an increment gave true or false")
    if not math.isfinite(result):
        raise ValueError("an effect gave an infinite number (a division by zero?)")
    return float(result)


def apply_changes(
    scenario: Scenario, values: Mapping[str, Any], changes: Iterable[StateChange]
) -> dict[str, Any]:
    if changes.__class__ is not list:
        changes = list(changes)
    if not changes:
        return dict(values) if not isinstance(values, dict) else values
    new = dict(values)
    # One pass over the changes: the assignments go in as they come (a later one wins), the
    # increments are summed aside and added after all of them, as the docstring says.
    lists: dict[str, list[list[str]]] | None = None
    totals: dict[str, float] = {}
    touched: set[str] = set()
    for change in changes:
        name = change.variable
        value = change.value
        if value is not None:
            new[name] = value
            if value.__class__ is list:
                if lists is None:
                    lists = {}
                lists.setdefault(name, []).append(value)
        delta = change.delta
        if delta is not None:
            totals[name] = totals.get(name, 0.0) + delta
        else:
            touched.add(name)
    if lists is not None:
        for name, given in lists.items():
            if len(given) > 1:
                new[name] = merged(values[name], given)
    coerce = coercers(scenario)
    for name, delta in totals.items():
        new[name] = coerce[name](float(new[name]) + delta)  # only numbers can be added to
    for name in touched:
        if name not in totals:
            new[name] = coerce[name](new[name])
    return new


def merged(before: list[str], given: list[list[str]]) -> list[str]:
    """Several values set to one list of roles in a phase, each read as the roles it adds to
    and drops from the list the phase started with: all of them count, a drop over an add.
    So two moves that each add a role both do, whatever their order."""
    start = set(before)
    added = set().union(*(set(value) - start for value in given))
    dropped = set().union(*(start - set(value) for value in given))
    return sorted((start | added) - dropped)  # coercion puts them in the scenario's order


def widen_audience(state: State, names: Iterable[str], who: str) -> dict[str, tuple[str, ...]]:
    """`seen` with `who` (a role, or `*` for everyone) added for each variable in `names`."""
    seen = dict(state.seen)
    for name in names:
        current = seen.get(name, ())
        if who not in current and EVERYONE not in current:
            seen[name] = tuple(sorted({*current, who}))
    return seen


def widened(
    seen: Mapping[str, tuple[str, ...]], reveals: Iterable[tuple[str, str]]
) -> Mapping[str, tuple[str, ...]]:
    """`seen` after each (variable, who) of a phase in turn, as `widen_audience` one at a
    time would leave it; the same mapping when none of them shows anyone anything new."""
    out: dict[str, tuple[str, ...]] | None = None
    for name, who in reveals:
        current = (out or seen).get(name, ())
        if who not in current and EVERYONE not in current:
            if out is None:
                out = dict(seen)
            out[name] = tuple(sorted({*current, who}))
    return seen if out is None else out


def render(template: str, values: Mapping[str, Any]) -> str:
    """`{name}` placeholders filled from `values`; nothing else is interpreted.

    str.format would let a scenario reach attributes (`{role.__class__}`); this cannot.
    """
    if "{" not in template:
        return template
    out, i = [], 0
    while i < len(template):
        start = template.find("{", i)
        end = template.find("}", start + 1) if start >= 0 else -1
        if start < 0 or end < 0:
            out.append(template[i:])
            break
        key = template[start + 1 : end]
        out.append(template[i:start])
        out.append(str(values[key]) if key in values else template[start : end + 1])
        i = end + 1
    return "".join(out)
