"""A loaded scenario: its spec plus the lookups and compiled expressions the engine needs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from .expressions import Expression, compile_expression
from .schema import (
    ActionSpec,
    CommitmentSpec,
    EndingSpec,
    PolicySpec,
    Reveal,
    RoleSpec,
    RuleSpec,
    ScenarioSpec,
    Value,
    VariableSpec,
    VariableType,
)

EVERYONE = "*"
FREE_FORM = "free_form"
# The move that answers an offer (`ActionSpec.offer`): params `offer` (its id) and `accept`.
ANSWER_OFFER = "answer_offer"
_GLOBAL = None


# Variables that hold strings: neither bounded, rounded nor added to.
TEXTUAL = frozenset({"text", "choice", "roles"})


@dataclass(frozen=True)
class Variable:
    """One state variable under its flat name: `frontier_capability`, `anthropic.lead_months`."""

    name: str
    key: str
    owner: str | None
    type: VariableType
    initial: Value
    visibility: Literal["public", "private", "facilitator"]
    label: str
    description: str
    unit: str
    min: float | None
    max: float | None
    # Roles that see it from the start besides those its visibility names (`visible_to`).
    audience: tuple[str, ...] = ()
    # The values a `choice` may take; for `roles`, every role id in the scenario's order.
    choices: tuple[str, ...] = ()
    max_length: int = 200

    def coerce(self, value: Any) -> Value:
        """The value as this variable holds it: typed, rounded and inside its bounds."""
        if self.type == "bool":
            return bool(value)
        if self.type in TEXTUAL:
            return self.fit(value)
        number: float = float(value)
        if self.min is not None:
            number = max(number, self.min)
        if self.max is not None:
            number = min(number, self.max)
        return round(number) if self.type == "int" else round(number, 6)

    def fit(self, value: Any) -> Value:
        """A text, choice or roles value as the variable holds it (a list of roles without
        repeats, in the scenario's role order), or ValueError saying why it does not fit."""
        problem = self.misfit(value)
        if problem:
            raise ValueError(problem)
        if self.type == "roles":
            named = set(value)
            return [role for role in self.choices if role in named]
        return value  # type: ignore[no-any-return]

    def misfit(self, value: Any) -> str | None:
        """Why `value` cannot be this text, choice or roles variable's, or None when it can."""
        kind = self.type
        if kind == "roles":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                return f"{self.name} is a list of role ids, not {_brief(value)}"
            unknown = [v for v in value if v not in self.choices]
            return f"{self.name} holds role ids, and {unknown[0]!r} is none" if unknown else None
        if not isinstance(value, str):
            return f"{self.name} is a {kind}, not {_brief(value)}"
        if kind == "choice" and value not in self.choices:
            return f"{self.name} is one of {', '.join(self.choices)}, not {value!r}"
        if kind == "text" and len(value) > self.max_length:
            return f"{self.name} holds at most {self.max_length} characters, not {len(value)}"
        return None

    def out_of_bounds(self, value: float) -> str | None:
        """Why `value` is outside this variable's bounds (for a value set by hand, which is
        refused rather than clamped), or None when it is inside them."""
        lo, hi = self.min, self.max
        if (lo is None or value >= lo) and (hi is None or value <= hi):
            return None
        if lo is not None and hi is not None:
            return f"{self.name} must be between {lo:g} and {hi:g}"
        if lo is not None:
            return f"{self.name} must be at least {lo:g}"
        return f"{self.name} must be at most {hi:g}"


def _brief(value: Any) -> str:
    shown = repr(value)
    return shown if len(shown) <= 60 else shown[:57] + "..."


@dataclass
class Scenario:
    spec: ScenarioSpec
    source: str
    path: str
    variables: dict[str, Variable]
    tags: dict[str, list[str]]
    expressions: dict[str, Expression] = field(default_factory=dict)
    # What loads but is probably a mistake, as `LoadError`s of severity "warning".
    warnings: list[Any] = field(default_factory=list)
    _by_owner: dict[str | None, dict[str, Variable]] = field(default_factory=dict, repr=False)
    _resolved: dict[tuple[str, ...], list[str]] = field(default_factory=dict, repr=False)
    _actions: dict[str, ActionSpec] = field(default_factory=dict, repr=False)
    # What the engine derives once from the spec and keeps for speed, by kind.
    cache: dict[str, Any] = field(default_factory=dict, repr=False)

    # The attributes pages and commands read most, named as in the file.
    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def title(self) -> str:
        return self.spec.title

    @property
    def version(self) -> int | str:
        return self.spec.version

    @property
    def summary(self) -> str:
        return self.spec.summary

    @property
    def turns(self) -> int:
        return self.spec.turns

    @property
    def turn_label(self) -> str:
        return self.spec.turn_label

    def turn_names(self) -> dict[int, str]:
        """Every named turn's name, by its number."""
        labels = self.spec.turn_labels
        return dict(enumerate(labels, 1)) if isinstance(labels, list) else dict(labels)

    def turn_name(self, number: int) -> str:
        """What turn `number` is called in the story ("Day 2, 08:00"), or "" when unnamed."""
        labels = self.spec.turn_labels
        if isinstance(labels, list):
            return labels[number - 1] if 1 <= number <= len(labels) else ""
        return labels.get(number, "")

    @property
    def roles(self) -> list[RoleSpec]:
        return self.spec.roles

    @cached_property
    def role_ids(self) -> list[str]:
        return [role.id for role in self.spec.roles]

    @cached_property
    def timed_injects(self) -> bool:
        """Whether any inject fires minutes into its turn (a facilitator's edit aside)."""
        return any(inject.after_minutes is not None for inject in self.spec.injects)

    @cached_property
    def role_names(self) -> dict[str, str]:
        return {role.id: role.name for role in self.spec.roles}

    @property
    def state(self) -> dict[str, VariableSpec]:
        return self.spec.state

    @property
    def actions(self) -> list[ActionSpec]:
        return self.spec.actions

    @property
    def rules(self) -> list[RuleSpec]:
        return self.spec.rules

    @property
    def commitments(self) -> list[CommitmentSpec]:
        return self.spec.commitments

    @property
    def endings(self) -> list[EndingSpec]:
        return self.spec.endings

    @property
    def policies(self) -> dict[str, PolicySpec]:
        return self.spec.policies

    def role(self, role_id: str) -> RoleSpec:
        return next(role for role in self.spec.roles if role.id == role_id)

    def action(self, action_id: str) -> ActionSpec | None:
        if not self._actions:
            self._actions.update((a.id, a) for a in self.spec.actions)
        return self._actions.get(action_id)

    def is_secret(self, action_id: str) -> bool:
        """Whether a move of this action is known only to its actor and the facilitator. An
        answer to an offer is: nobody else may learn there was an offer to answer."""
        if action_id == ANSWER_OFFER:
            return True
        action = self.action(action_id)
        return action is not None and action.secret

    def reveal(self, action_id: str) -> Reveal:
        """What the actor of a move of this action learns of its result. A free-form move's
        actor was told the ruling (its chance or outcome) already, so it learns the roll."""
        action = self.action(action_id)
        if action is None:
            return "roll"
        return action.reveal or self.spec.reveal

    def commitment(self, commitment_id: str) -> CommitmentSpec:
        return next(c for c in self.spec.commitments if c.id == commitment_id)

    def resolve_roles(self, refs: Iterable[str]) -> list[str]:
        """Role ids named by ids, tags or `*`, in the scenario's role order."""
        refs = tuple(refs)
        found = self._resolved.get(refs)
        if found is None:
            found = self._resolved[refs] = self._resolve(refs)
        return found

    def _resolve(self, refs: tuple[str, ...]) -> list[str]:
        wanted: set[str] = set()
        for ref in refs:
            if ref == EVERYONE:
                wanted.update(self.role_ids)
            else:
                wanted.update(self.tags.get(ref, [ref]))
        return [role_id for role_id in self.role_ids if role_id in wanted]

    def roles_for(self, action: ActionSpec) -> list[str]:
        return self.resolve_roles(action.roles)

    def actions_for(self, role_id: str) -> list[ActionSpec]:
        return [a for a in self.spec.actions if role_id in self.roles_for(a)]

    def role_variables(self, role_id: str | None) -> dict[str, Variable]:
        """The role's own variables by short key, as `me` sees them in expressions."""
        found = self._by_owner.get(role_id)
        if found is None:
            found = {v.key: v for v in self.variables.values() if v.owner == role_id}
            self._by_owner[role_id] = found
        return found

    @cached_property
    def numeric_names(self) -> list[str]:
        """Variables with a number's summary (bools as 0 and 1), in the state's order: what
        `simulate` and `analyze` give means and percentiles of; not texts, choices or roles."""
        return [n for n, v in self.variables.items() if v.type not in TEXTUAL]

    def global_variables(self) -> dict[str, Variable]:
        return self.role_variables(_GLOBAL)

    def expr(self, source: str) -> Expression:
        compiled = self.expressions.get(source)
        if compiled is None:
            compiled = self.expressions[source] = compile_expression(source)
        return compiled
