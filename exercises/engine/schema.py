"""The shape of a scenario file, as pydantic models.

This module checks structure only (fields, types, ranges). Cross-references, expression names
and expression types are checked by `loader`, which knows every declared id.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
)

Id = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]{0,47}$")]
Scalar = StrictBool | StrictInt | StrictFloat
# What a variable holds: a number or bool, a text or choice (a string), or a list of role ids.
Value = StrictBool | StrictInt | StrictFloat | StrictStr | list[StrictStr]
VariableType = Literal["int", "float", "bool", "text", "choice", "roles"]
# A string where a value is expected is a CEL expression; a literal is taken as it is (a list
# of role ids for a `roles` variable).
ValueOrExpression = StrictBool | StrictInt | StrictFloat | StrictStr | list[StrictStr]
Text = Annotated[str, Field(max_length=20_000)]


def _bool_as_expression(value: object) -> object:
    # YAML reads an unquoted `when: true` as a boolean; it means the expression "true".
    return ("true" if value else "false") if isinstance(value, bool) else value


Condition = Annotated[str, BeforeValidator(_bool_as_expression)]
# What the actor of a move learns of its result: the roll and the outcome, the outcome only, or
# only the text of the branch taken.
Reveal = Literal["roll", "outcome", "text"]


class Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ObjectiveSpec(Spec):
    """A goal of one role, met in a state where its condition holds."""

    id: Id
    label: str
    description: Text = ""
    when: Condition


class RoleEndingSpec(Spec):
    """How the exercise ended for one role: the first whose condition holds when it ends."""

    id: Id
    title: str
    text: Text = ""
    when: Condition = "true"


class RoleSpec(Spec):
    id: Id
    name: str
    summary: str = Field("", description="One public line about the role.")
    briefing: Text = Field(description="Private: what the role knows and wants.")
    tags: list[Id] = []
    objectives: list[ObjectiveSpec] = Field(
        [], description="Private: the role's goals, shown to it and the facilitator."
    )
    endings: list[RoleEndingSpec] = Field(
        [], description="Private: how it ended for this role, the first that holds at the end."
    )


class VariableSpec(Spec):
    type: VariableType
    label: str = ""
    description: str = ""
    unit: str = ""
    min: float | None = None
    max: float | None = None
    choices: list[str] | None = Field(None, description="For a choice: the values it may take.")
    max_length: int = Field(200, ge=1, le=20_000, description="For a text: its longest value.")
    initial: Value
    visibility: Literal["public", "facilitator"] = "public"
    visible_to: list[str] = Field(
        [], description="Role ids or tags that see it from the start, whatever its visibility."
    )


class RoleVariableSpec(Spec):
    type: VariableType
    roles: list[str] = Field(min_length=1, description="Role ids or tags that hold it.")
    label: str = ""
    description: str = ""
    unit: str = ""
    min: float | None = None
    max: float | None = None
    choices: list[str] | None = Field(None, description="For a choice: the values it may take.")
    max_length: int = Field(200, ge=1, le=20_000, description="For a text: its longest value.")
    initial: Value | dict[str, Value]
    visibility: Literal["public", "private", "facilitator"] = "private"
    visible_to: list[str] = Field(
        [], description="Role ids or tags that see every holder's value from the start."
    )


class ParamSpec(Spec):
    type: Literal["int", "float", "bool", "choice", "role", "text"]
    label: str = ""
    description: str = ""
    min: float | None = None
    max: float | None = None
    choices: list[str] | None = None
    roles: list[str] | None = Field(None, description="For a role: ids or tags it may name.")
    not_self: bool = False
    max_length: int = Field(2000, ge=1, le=20_000)
    default: Scalar | str | None = None


class Branch(Spec):
    set: dict[str, ValueOrExpression] = {}
    add: dict[str, ValueOrExpression] = {}
    reveal: list[str] = Field([], description="Variables the acting role may now see.")
    publish: list[str] = Field([], description="Variables everyone may now see.")
    text: Text = Field("", description="Private result for the acting role.")
    public: Text = Field("", description="A line of the public narrative.")
    show: list[str] = Field(
        [], description="Variables whose value now the acting role is told, once (a snapshot)."
    )
    tell: dict[str, Text] = Field(
        {}, description="Private lines to other roles: `params.<role param>`, a role, a tag, `me`."
    )
    if_: list[Conditional] = Field(
        [], alias="if", description="Blocks applied when their condition holds, or not."
    )
    later: list[Later] = Field([], description="Changes, lines or an inject some turns on.")


class Later(Spec):
    """What a branch schedules: worked out now, applied when turn T + `turns` is adjudicated."""

    turns: int = Field(ge=1, le=200)
    set: dict[str, ValueOrExpression] = {}
    add: dict[str, ValueOrExpression] = {}
    text: Text = ""
    public: Text = ""
    inject: Id | None = Field(None, description="An inject fired as turn T + `turns` opens.")


class Conditional(Spec):
    """`if: [{when: COND, then: BRANCH, else: BRANCH}]` inside a branch."""

    when: Condition
    then: Branch = Field(default_factory=Branch)
    else_: Branch = Field(default_factory=Branch, alias="else")


Branch.model_rebuild()


class Precondition(Spec):
    when: Condition
    reason: str


class OfferSpec(Spec):
    """An action that asks another role: it accepts or refuses within `expires` turns."""

    to: Id = Field(description="The action's role parameter naming who is asked.")
    text: Text = Field(description="What the asked role is told; a template.")
    accepted: Branch = Field(default_factory=Branch)
    refused: Branch = Field(default_factory=Branch)
    expires: int = Field(1, ge=1, le=20, description="Turns the asked role has to answer.")


class ActionSpec(Spec):
    id: Id
    label: str
    description: Text = ""
    roles: list[str] = Field(min_length=1)
    params: dict[Id, ParamSpec] = {}
    cost: dict[str, ValueOrExpression] = {}
    requires: list[Precondition] = []
    chance: float | str = 1.0
    success: Branch = Field(default_factory=Branch)
    failure: Branch = Field(default_factory=Branch)
    commit: Id | None = None
    free: bool = Field(False, description="Does not count against moves_per_turn.")
    secret: bool = Field(False, description="Only its actor and the facilitator learn of it.")
    reveal: Reveal | None = Field(None, description="What its actor learns; the scenario's.")
    once: bool = Field(False, description="Each role may take it once in the exercise.")
    cooldown: int = Field(0, ge=0, le=200, description="Turns before a role may take it again.")
    offer: OfferSpec | None = Field(None, description="On success, asks another role.")


class RuleSpec(Spec):
    id: Id
    description: Text
    for_each: list[str] | None = None
    when: Condition = "true"
    chance: float | str = 1.0
    then: Branch = Field(default_factory=Branch)
    otherwise: Branch = Field(default_factory=Branch)
    once: bool = Field(False, description="Runs once in the exercise (once per role).")
    cooldown: int = Field(0, ge=0, le=200, description="Turns before it may run again.")


# How an inject reaches its recipients, as a MSEL row says: shown with it, changes nothing else.
Channel = Literal["email", "phone", "news", "social", "briefing"]


class InjectSpec(Spec):
    id: Id
    title: str
    text: Text
    at_turn: int | None = Field(None, ge=1)
    when: Condition | None = None
    chance: float | str = Field(1.0, description="Rolled once due; it fires on a success.")
    after_minutes: int | None = Field(None, ge=0, le=1440, description="Into its turn.")
    repeat: bool = False
    to: list[str] | None = Field(None, description="Role ids or tags; everyone when absent.")
    sender: str = Field("", max_length=200, description="The persona it comes from.")
    channel: Channel | None = None
    expected_action: Text = Field("", description="What the recipients should do.")
    objective: str = Field("", max_length=500, description="The exercise objective it tests.")
    notes: Text = Field("", description="For the facilitator only.")
    effects: Branch = Field(default_factory=Branch)


class CommitmentSpec(Spec):
    id: Id
    label: str
    description: Text = ""
    roles: list[str] = Field(min_length=1)
    threshold: int = Field(2, ge=2)
    met_text: Text


class EndingSpec(Spec):
    id: Id
    title: str
    text: Text = ""
    when: Condition = "true"
    final: bool = Field(False, description="Checked only when the last turn is adjudicated.")


class ParamExpression(Spec):
    """A play's parameter worked out each turn: `{expr: "me.cash / 2.0"}`."""

    expr: Condition


class PlaySpec(Spec):
    action: Id
    params: dict[str, Scalar | str | ParamExpression] = {}
    when: Condition = "true"
    chance: float = Field(1.0, ge=0, le=1)


class PolicySpec(Spec):
    description: str = ""
    plays: dict[str, list[PlaySpec]]


class ScenarioSpec(Spec):
    id: Id
    title: str
    version: StrictInt | StrictStr
    summary: Text = ""
    turns: int = Field(ge=1, le=200)
    turn_label: str = "turn"
    turn_labels: dict[int, str] | list[str] = Field(
        {}, description="Each turn's name in the story: `{1: 'Day 1, 08:00'}` or a list."
    )
    moves_per_turn: int = Field(2, ge=1, le=20)
    free_form: bool = True
    reveal: Reveal = "roll"
    roles: list[RoleSpec] = Field(min_length=1)
    state: dict[Id, VariableSpec] = {}
    role_state: dict[Id, RoleVariableSpec] = {}
    actions: list[ActionSpec] = []
    rules: list[RuleSpec] = []
    injects: list[InjectSpec] = []
    commitments: list[CommitmentSpec] = []
    endings: list[EndingSpec] = Field(min_length=1)
    policies: dict[Id, PolicySpec] = {}
