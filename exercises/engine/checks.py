"""Cross-checks of a parsed scenario: ids, references, effect targets and expressions.

Expressions are checked twice. First by name: every dotted name an expression reads must be
declared, in every branch, evaluated or not. Then by type: each expression is evaluated against
sampled states (the initial one and random ones inside the bounds, booleans both ways) for every
role it can run as, so a comparison of text with a number, or an int mixed with a double, is a
load error rather than a surprise in turn 9.
"""

from __future__ import annotations

import random
import re
from collections.abc import Container, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from .declarations import declared_variables, sample
from .effects import normalise_target
from .expressions import FUNCTIONS, Environment, ExpressionError, references
from .function_checks import function_problem
from .inject_text import template_names, unknown_placeholders
from .scenario import ANSWER_OFFER, EVERYONE, FREE_FORM, TEXTUAL, Scenario, Variable
from .schema import ActionSpec, Branch, ParamExpression, ParamSpec
from .state import State, environment

Loc = tuple[str | int, ...]
PROBES = 5
BASE_ROOTS = frozenset({"state", "roles", "tags", "commitments", "turn"})
# What an author would take for a placeholder: a name in braces, dotted or not.
PLACEHOLDER = re.compile(r"\{\s*([A-Za-z_][\w.]*)\s*\}")


@dataclass(frozen=True)
class Site:
    """Where an expression runs: who `me` can be, which params exist, what it must give."""

    me: tuple[str, ...] = ()
    params: tuple[tuple[str, ParamSpec], ...] = ()

    @property
    def roots(self) -> frozenset[str]:
        extra = {"me", "role"} if self.me else set()
        return BASE_ROOTS | extra | ({"params"} if self.params else set())


class Checker:
    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.spec = scenario.spec
        self.problems: list[tuple[Loc, str]] = []
        # What loads but is probably not what the author meant (`validate_scenario --strict`).
        self.warnings: list[tuple[Loc, str]] = []
        self._probes: list[Environment] | None = None
        self._checked: dict[tuple[Any, ...], str | None] = {}

    def error(self, loc: Loc, message: str) -> None:
        self.problems.append((loc, message))

    def warn(self, loc: Loc, message: str) -> None:
        self.warnings.append((loc, message))

    def run(self) -> list[tuple[Loc, str]]:
        self._check_ids()
        self.scenario.tags = self._tags()
        self.scenario.variables = declared_variables(self.scenario, self.error)
        for key, spec in self.spec.state.items():
            self._role_refs(("state", key, "visible_to"), spec.visible_to)
        for key, rspec in self.spec.role_state.items():
            self._role_refs(("role_state", key, "roles"), rspec.roles)
            self._role_refs(("role_state", key, "visible_to"), rspec.visible_to)
        if self.problems:
            return self.problems  # later checks need sound roles and variables
        self._check_actions()
        self._check_rules()
        self._check_injects()
        self._check_commitments()
        self._check_endings()
        self._check_objectives()
        self._check_policies()
        self._check_turn_labels()
        return self.problems

    # ids, roles, variables

    def _check_ids(self) -> None:
        for section in ("roles", "actions", "rules", "injects", "commitments", "endings"):
            seen: set[str] = set()
            for index, item in enumerate(getattr(self.spec, section)):
                if item.id in seen:
                    self.error((section, index, "id"), f"duplicate id {item.id!r}")
                seen.add(item.id)
        role_ids = {r.id for r in self.spec.roles}
        for index, role in enumerate(self.spec.roles):
            named: set[str] = set()
            for i, objective in enumerate(role.objectives):
                if objective.id in named:
                    self.error(
                        ("roles", index, "objectives", i, "id"), f"duplicate id {objective.id!r}"
                    )
                named.add(objective.id)
            for tag in role.tags:
                if tag in role_ids or tag == EVERYONE:
                    self.error(("roles", index, "tags"), f"tag {tag!r} is also a role id")

    def _tags(self) -> dict[str, list[str]]:
        tags: dict[str, list[str]] = {}
        for role in self.spec.roles:
            for tag in role.tags:
                tags.setdefault(tag, []).append(role.id)
        return tags

    def _role_refs(self, loc: Loc, refs: Iterable[str]) -> None:
        known = {r.id for r in self.spec.roles} | set(self.scenario.tags) | {EVERYONE}
        for ref in refs:
            if ref not in known:
                self.error(loc, f"{ref!r} is not a role id or tag")

    # actions

    def _check_actions(self) -> None:
        for index, action in enumerate(self.spec.actions):
            loc: Loc = ("actions", index)
            if action.id == FREE_FORM:
                self.error((*loc, "id"), f"{FREE_FORM!r} is reserved for free-form moves")
            if action.id == ANSWER_OFFER:
                self.error((*loc, "id"), f"{ANSWER_OFFER!r} is reserved for answers to offers")
            self._role_refs((*loc, "roles"), action.roles)
            site = Site(tuple(self.scenario.roles_for(action)), tuple(action.params.items()))
            self._check_params((*loc, "params"), action)
            for i, pre in enumerate(action.requires):
                self.expression((*loc, "requires", i, "when"), pre.when, site, "bool")
            self.chance((*loc, "chance"), action.chance, site)
            self._values((*loc, "cost"), action.cost, site, numbers_only=True)
            self.branch((*loc, "success"), action.success, site)
            self.branch((*loc, "failure"), action.failure, site)
            if action.commit and action.commit not in {c.id for c in self.spec.commitments}:
                self.error((*loc, "commit"), f"no commitment {action.commit!r}")
            if action.secret:
                self._check_secret(loc, action)
            if action.offer is not None:
                self._check_offer((*loc, "offer"), action, site)

    def _check_offer(self, loc: Loc, action: ActionSpec, site: Site) -> None:
        offer = action.offer
        assert offer is not None
        param = action.params.get(offer.to)
        if param is None or param.type != "role":
            self.error((*loc, "to"), f"{offer.to!r} is not a role parameter of {action.id}")
        if action.secret:
            self.error(loc, "a secret action makes no offers (the role asked would learn of it)")
        known = {"role"} | {f"params.{name}" for name, _ in site.params}
        self.placeholders((*loc, "text"), offer.text, known)
        self.branch((*loc, "accepted"), offer.accepted, site)
        self.branch((*loc, "refused"), offer.refused, site)

    def _check_secret(self, loc: Loc, action: ActionSpec) -> None:
        """A secret move may tell nobody but its actor: counted against the move limit it would
        decide when its role is in (and so when the turn closes), and a public line or a
        published variable would announce it."""
        if not action.free:
            self.error((*loc, "secret"), "a secret action must be free (free: true)")
        for name in ("success", "failure"):
            for where, branch in nested((*loc, name), getattr(action, name)):
                if branch.public:
                    self.error((*where, "public"), "a secret action has no public text")
                if branch.publish:
                    self.error((*where, "publish"), "a secret action publishes nothing")
                if branch.tell:
                    self.error((*where, "tell"), "a secret action tells nobody")
                for i, item in enumerate(branch.later):
                    if item.public or item.inject:
                        self.error((*where, "later", i), "a secret action schedules nothing public")

    def _check_params(self, loc: Loc, action: ActionSpec) -> None:
        for name, param in action.params.items():
            if param.type == "choice" and not param.choices:
                self.error((*loc, name), "a choice needs choices")
            if param.type == "role":
                self._role_refs((*loc, name, "roles"), param.roles or [EVERYONE])
            if param.default is not None and not _fits(param, param.default):
                self.error((*loc, name, "default"), f"default {param.default!r} does not fit")

    def chance(self, loc: Loc, chance: float | str, site: Site) -> None:
        if isinstance(chance, str):
            self.expression(loc, chance, site, "number")
        elif not 0 <= chance <= 1:
            self.error(loc, "a chance is between 0 and 1")

    def branch(self, loc: Loc, branch: Branch, site: Site, rendered: bool = True) -> None:
        placeholders = set()
        if rendered:  # an inject's branch texts are not rendered: every placeholder stays as is
            placeholders = {"role"} | {f"params.{name}" for name, _ in site.params}
        for field in ("text", "public"):
            self.placeholders((*loc, field), getattr(branch, field), placeholders)
        for key, line in branch.tell.items():
            self.placeholders((*loc, "tell", key), line, placeholders)
            self._tell_target((*loc, "tell", key), key, site)
        self._values((*loc, "set"), branch.set, site, numbers_only=False)
        self._values((*loc, "add"), branch.add, site, numbers_only=True)
        for field in ("reveal", "publish", "show"):
            for i, target in enumerate(getattr(branch, field)):
                self.targets((*loc, field, i), target, site)
        for i, item in enumerate(branch.later):
            where = (*loc, "later", i)
            self._values((*where, "set"), item.set, site, numbers_only=False)
            self._values((*where, "add"), item.add, site, numbers_only=True)
            for field in ("text", "public"):
                self.placeholders((*where, field), getattr(item, field), placeholders)
            if item.inject and item.inject not in {i.id for i in self.spec.injects}:
                self.error((*where, "inject"), f"no inject {item.inject!r}")
        for i, block in enumerate(branch.if_):
            self.expression((*loc, "if", i, "when"), block.when, site, "bool")
            self.branch((*loc, "if", i, "then"), block.then, site, rendered)
            self.branch((*loc, "if", i, "else"), block.else_, site, rendered)

    def _tell_target(self, loc: Loc, key: str, site: Site) -> None:
        if key.startswith("params."):
            param = dict(site.params).get(key[len("params.") :])
            if param is None or param.type != "role":
                self.error(loc, f"{key} is not a role parameter of this action")
        elif key == "me":
            if not site.me:
                self.error(loc, "`me` is told only in an action or a rule with for_each")
        else:
            self._role_refs(loc, [key])

    def placeholders(self, loc: Loc, text: str, known: set[str]) -> None:
        """Warn of `{name}` that would be shown as written: a misspelt or unknown placeholder."""
        for name in PLACEHOLDER.findall(text):
            if name not in known:
                offered = ", ".join(f"{{{k}}}" for k in sorted(known)) or "none here"
                self.warn(
                    loc,
                    f"{{{name}}} is not a placeholder and is shown as written "
                    f"(placeholders: {offered})",
                )

    def _values(self, loc: Loc, values: dict[str, Any], site: Site, numbers_only: bool) -> None:
        for target, value in values.items():
            variables = self.targets((*loc, target), target, site)
            for var in variables[:1]:
                if numbers_only and var.type not in ("int", "float"):
                    self.error((*loc, target), _not_a_number(target, var.type, loc[-1]))
                    continue
                if var.type in TEXTUAL:
                    self._textual((*loc, target), var, value, site)
                    continue
                kind = "number" if var.type != "bool" else "bool"
                if isinstance(value, str):
                    self.expression((*loc, target), value, site, kind)
                elif isinstance(value, list) or (kind == "bool") != isinstance(value, bool):
                    self.error((*loc, target), f"{value!r} is not a {kind} for {target}")

    def _textual(self, loc: Loc, var: Variable, value: Any, site: Site) -> None:
        """A value set to a text, choice or roles variable: an expression giving one that fits
        (probed), or a literal list of role ids. A bare choice reads as a name, not a text."""
        if isinstance(value, list):
            problem = var.misfit(value)
            if problem:
                self.error(loc, problem)
        elif not isinstance(value, str):
            self.error(loc, f"{value!r} is not a {var.type} for {var.name}")
        elif var.type == "choice" and value in var.choices:
            self.error(loc, f"{value} reads as an expression: write '\"{value}\"' for the choice")
        else:
            self.expression(loc, value, site, "value", var)

    def targets(self, loc: Loc, target: str, site: Site) -> list[Variable]:
        """The variables an effect target can name for each role the site runs as."""
        found = list(self._resolve_target(loc, target, site))
        if not found:
            self.error(loc, f"{target!r} is not a variable")
        return found

    def _resolve_target(self, loc: Loc, target: str, site: Site) -> Iterator[Variable]:
        variables = self.scenario.variables
        target = normalise_target(target)
        parts = target.split(".")
        if len(parts) == 1 or parts[0] not in ("me", "params"):
            if target in variables:
                yield variables[target]
            return
        if parts[0] == "me" and len(parts) == 2 and site.me:
            owners = list(site.me)
        elif parts[0] == "params" and len(parts) == 3 and dict(site.params).get(parts[1]):
            param = dict(site.params)[parts[1]]
            if param.type != "role":
                return
            owners = self.scenario.resolve_roles(param.roles or [EVERYONE])
        else:
            return
        missing = [o for o in owners if f"{o}.{parts[-1]}" not in variables]
        if missing:
            self.error(loc, f"{', '.join(missing)} hold no {parts[-1]!r}")
            return
        yield from (variables[f"{o}.{parts[-1]}"] for o in owners)

    # rules, injects, commitments, endings, policies

    def _check_rules(self) -> None:
        for index, rule in enumerate(self.spec.rules):
            loc: Loc = ("rules", index)
            me: tuple[str, ...] = ()
            if rule.for_each is not None:
                self._role_refs((*loc, "for_each"), rule.for_each)
                me = tuple(self.scenario.resolve_roles(rule.for_each))
            site = Site(me)
            self.expression((*loc, "when"), rule.when, site, "bool")
            self.chance((*loc, "chance"), rule.chance, site)
            self.branch((*loc, "then"), rule.then, site)
            self.branch((*loc, "otherwise"), rule.otherwise, site)

    def _check_injects(self) -> None:
        for index, inject in enumerate(self.spec.injects):
            loc: Loc = ("injects", index)
            if inject.at_turn is None and inject.when is None:
                self.error(loc, "an inject needs at_turn, when, or both")
            if inject.at_turn is not None and inject.at_turn > self.spec.turns:
                self.error((*loc, "at_turn"), f"the scenario has only {self.spec.turns} turns")
            if inject.when is not None:
                self.expression((*loc, "when"), inject.when, Site(), "bool")
            self._role_refs((*loc, "to"), inject.to or [])
            self.chance((*loc, "chance"), inject.chance, Site())
            for field in ("title", "text"):
                for name in unknown_placeholders(self.scenario, getattr(inject, field)):
                    offered = ", ".join(f"{{{n}}}" for n in sorted(template_names(self.scenario)))
                    self.error(
                        (*loc, field),
                        f"{{{name}}} is not a placeholder (an inject's: {offered})",
                    )
            self.branch((*loc, "effects"), inject.effects, Site(), rendered=False)
            for where, branch in nested((*loc, "effects"), inject.effects):
                if branch.reveal or branch.show:
                    field = "reveal" if branch.reveal else "show"
                    self.error((*where, field), "an inject has no role: use publish")
                if branch.tell:
                    self.error((*where, "tell"), "an inject speaks to roles through `to`")

    def _check_commitments(self) -> None:
        for index, commitment in enumerate(self.spec.commitments):
            loc: Loc = ("commitments", index)
            self.placeholders((*loc, "met_text"), commitment.met_text, set())
            self._role_refs((*loc, "roles"), commitment.roles)
            members = self.scenario.resolve_roles(commitment.roles)
            if commitment.threshold > len(members):
                self.error((*loc, "threshold"), f"only {len(members)} roles can commit")
        by_id = {c.id: c for c in self.spec.commitments}
        for index, action in enumerate(self.spec.actions):
            if action.commit in by_id:
                allowed = set(self.scenario.resolve_roles(by_id[action.commit].roles))
                for role in self.scenario.roles_for(action):
                    if role not in allowed:
                        self.error(("actions", index, "roles"), f"{role} may not commit")

    def _check_turn_labels(self) -> None:
        labels = self.spec.turn_labels
        numbers = range(1, len(labels) + 1) if isinstance(labels, list) else labels
        for number in numbers:
            if not 1 <= number <= self.spec.turns:
                where = ("turn_labels", number - 1 if isinstance(labels, list) else number)
                self.error(where, f"the scenario has turns 1 to {self.spec.turns}")

    def _check_objectives(self) -> None:
        for index, role in enumerate(self.spec.roles):
            for i, objective in enumerate(role.objectives):
                loc: Loc = ("roles", index, "objectives", i, "when")
                self.expression(loc, objective.when, Site((role.id,)), "bool")
            named: set[str] = set()
            for i, ending in enumerate(role.endings):
                if ending.id in named:
                    self.error(("roles", index, "endings", i, "id"), f"duplicate id {ending.id!r}")
                named.add(ending.id)
                self.placeholders(("roles", index, "endings", i, "text"), ending.text, set())
                loc = ("roles", index, "endings", i, "when")
                self.expression(loc, ending.when, Site((role.id,)), "bool")

    def _check_endings(self) -> None:
        for index, ending in enumerate(self.spec.endings):
            self.placeholders(("endings", index, "text"), ending.text, set())
            self.expression(("endings", index, "when"), ending.when, Site(), "bool")
        if not any(e.final and e.when.strip() == "true" for e in self.spec.endings):
            self.error(
                ("endings",),
                "needs one final ending with no condition, so every "
                "exercise that reaches its last turn ends with a named outcome",
            )

    def _check_policies(self) -> None:
        for name, policy in self.spec.policies.items():
            for key, plays in policy.plays.items():
                loc: Loc = ("policies", name, "plays", key)
                self._role_refs(loc, [key])
                roles = tuple(self.scenario.resolve_roles([key]))
                for index, play in enumerate(plays):
                    self._check_play((*loc, index), play.action, play.params, play.when, roles)

    def _check_play(
        self, loc: Loc, action_id: str, params: dict[str, Any], when: str, roles: tuple[str, ...]
    ) -> None:
        if action_id == ANSWER_OFFER:
            if set(params) != {"accept"} or not isinstance(params["accept"], bool):
                self.error((*loc, "params"), "answer_offer takes one param: accept: true or false")
            self.expression((*loc, "when"), when, Site(roles), "bool")
            return
        action = self.scenario.action(action_id)
        if action is None:
            self.error((*loc, "action"), f"no action {action_id!r}")
            return
        allowed = self.scenario.roles_for(action)
        for role in roles:
            if role not in allowed:
                self.error((*loc, "action"), f"{role} may not take {action_id}")
        for pname, value in params.items():
            spec = action.params.get(pname)
            if spec is None:
                self.error((*loc, "params", pname), f"{action_id} has no parameter {pname!r}")
            elif isinstance(value, ParamExpression):
                kind = {"bool": "bool", "int": "number", "float": "number"}.get(spec.type, "text")
                self.expression((*loc, "params", pname, "expr"), value.expr, Site(roles), kind)
            elif not _fits(spec, value):
                self.error((*loc, "params", pname), f"{value!r} does not fit {pname}")
        self.expression((*loc, "when"), when, Site(roles), "bool")

    # expressions

    def expression(
        self, loc: Loc, source: str, site: Site, kind: str, var: Variable | None = None
    ) -> None:
        # What is wrong with an expression depends on it, where it runs, what it must give and
        # the probes' seed (the problems so far): the same `when: "true"` of a play for a role,
        # in policy after policy, is checked once. ParamSpec and Variable are the scenario's
        # own objects, alive as long as the checker, so their ids name them.
        params = tuple((name, id(spec)) for name, spec in site.params)
        key = (source, site.me, params, kind, id(var), len(self.problems))
        if key not in self._checked:
            self._checked[key] = self._expression_problem(source, site, kind, var)
        problem = self._checked[key]
        if problem:
            self.error(loc, f"expression {problem}")

    def _expression_problem(
        self, source: str, site: Site, kind: str, var: Variable | None
    ) -> str | None:
        try:
            compiled = self.scenario.expr(source)
        except ExpressionError as exc:
            return str(exc)
        name_problems = [
            self._check_reference(ref.path, ref.is_call, site) for ref in references(source)
        ]
        problems = [
            p for p in [*name_problems, function_problem(self.scenario, source, site.me)] if p
        ]
        if problems:
            return problems[0]
        return self._probe(compiled.evaluate, site, kind, var)

    def _check_reference(self, path: tuple[str, ...], is_call: bool, site: Site) -> str | None:
        if is_call:
            if path[-1] not in FUNCTIONS:
                return f"calls {path[-1]}(), which is not a known function"
            path = path[:-1]
            if not path:
                return None
        root, rest = path[0], path[1:]
        if root not in site.roots:
            return f"reads {root!r}, which is not defined here"
        return self._check_fields(root, rest, site)

    def _check_fields(self, root: str, rest: tuple[str, ...], site: Site) -> str | None:
        scenario = self.scenario
        if root in ("turn", "role"):
            return f"reads {root}.{rest[0]}, but {root} has no fields" if rest else None
        if not rest:
            return None
        if root == "roles":
            if rest[0] not in scenario.role_ids:
                return f"reads roles.{rest[0]}, but there is no role {rest[0]!r}"
            if len(rest) > 1 and rest[1] not in scenario.role_variables(rest[0]):
                return f"reads roles.{rest[0]}.{rest[1]}, which is not a variable"
            return None
        if rest[0] not in self._known(root, site):
            return f"reads {root}.{rest[0]}, which is not declared"
        if root == "commitments" and len(rest) > 1 and rest[1] not in ("count", "met"):
            return f"reads {'.'.join((root, *rest))}: a commitment has count and met"
        return None

    def _known(self, root: str, site: Site) -> Container[str]:
        """The fields `root.<field>` may name: the root's alone, not every root's each time."""
        scenario = self.scenario
        if root == "state":
            return scenario.global_variables()
        if root == "params":
            return {name for name, _ in site.params}
        if root == "tags":
            return scenario.tags
        if root == "commitments":
            return {c.id for c in scenario.commitments}
        if root == "me":
            holders = [set(scenario.role_variables(r)) for r in site.me]
            return set.intersection(*holders) if holders else set()
        raise KeyError(root)

    def _probe(
        self, evaluate: Any, site: Site, kind: str, var: Variable | None = None
    ) -> str | None:
        rng = random.Random(len(self.problems))
        tried = unlucky = 0
        for env in self._probe_environments():
            for me in site.me or (None,):
                bindings: dict[str, Any] = {}
                if me is not None:
                    bindings = {"role": me}
                if site.params:
                    bindings["params"] = self._sample_params(site, me, rng)
                env.bind(**bindings)
                tried += 1
                try:
                    result = evaluate(env)
                except ExpressionError as exc:
                    if "divides by zero" in str(exc) or "overflow" in str(exc).lower():
                        unlucky += 1  # may depend on values, not on the expression itself
                        continue
                    return str(exc)
                problem = _wrong_type(result, kind) if var is None else _misfit(var, result)
                if problem:
                    return problem
        if tried and unlucky == tried:
            return "fails in every sampled state (an overflow or a division by zero)"
        return None

    def _sample_params(self, site: Site, me: str | None, rng: random.Random) -> dict[str, Any]:
        from .params import param_choices

        sample: dict[str, Any] = {}
        for name, spec in site.params:
            if spec.type in ("choice", "role"):
                options = param_choices(self.scenario, spec, me or "")
                sample[name] = rng.choice(options) if options else ""
            elif spec.type == "bool":
                sample[name] = rng.random() < 0.5
            elif spec.type == "text":
                sample[name] = "text"
            else:
                lo, hi = spec.min if spec.min is not None else 0, spec.max or 10
                value = rng.uniform(lo, hi)
                sample[name] = round(value) if spec.type == "int" else value
        return sample

    def _probe_environments(self) -> list[Environment]:
        if self._probes is None:
            rng = random.Random(20261122)
            initial = {n: v.initial for n, v in self.scenario.variables.items()}
            samples = [initial] + [
                {n: sample(v, rng) for n, v in self.scenario.variables.items()}
                for _ in range(PROBES - 1)
            ]
            self._probes = [
                environment(self.scenario, State(values=values), turn=1 + i)
                for i, values in enumerate(samples)
            ]
        return self._probes


def nested(loc: Loc, branch: Branch) -> Iterator[tuple[Loc, Branch]]:
    """The branch and every block of its `if`s, each with where it is."""
    yield loc, branch
    for i, block in enumerate(branch.if_):
        yield from nested((*loc, "if", i, "then"), block.then)
        yield from nested((*loc, "if", i, "else"), block.else_)


def _wrong_type(result: Any, kind: str) -> str | None:
    if kind == "bool" and not isinstance(result, bool):
        return f"gives {result!r}, but a condition must give true or false"
    if kind == "number" and (isinstance(result, bool) or not isinstance(result, int | float)):
        return f"gives {result!r}, but a number is needed here"
    if kind == "text" and not isinstance(result, str):
        return f"gives {result!r}, but a text (a role id or a choice) is needed here"
    return None


def _misfit(var: Variable, result: Any) -> str | None:
    problem = var.misfit(result)
    return f"gives {result!r}, but {problem}" if problem else None


def _not_a_number(target: str, kind: str, field: str | int) -> str:
    if kind == "bool":
        return f"{target} is true or false: use set, not add"
    if kind == "roles":
        return (
            f"{target} is a list of roles: {field} is for numbers; use set with "
            f"`{target} + [id]` to add one, or `{target}.filter(r, r != id)` to remove one"
        )
    return f"{target} is a {kind}: {field} is for numbers; use set"


def _fits(spec: ParamSpec, value: Any) -> bool:
    if spec.type == "bool":
        return isinstance(value, bool)
    if spec.type in ("int", "float"):
        return isinstance(value, int | float) and not isinstance(value, bool)
    if spec.type == "choice":
        return value in (spec.choices or [])
    return isinstance(value, str)
