"""Request bodies and query strings, as pydantic models: the API's input contract.

Bodies are strict (no "3" for 3) and closed (`extra="forbid"`); their JSON Schemas go into the
OpenAPI document unchanged. Rules of the game (which actions exist, what a params object may
hold) are the scenario's, checked by the use cases, not here.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel, model_validator

# Free text is bounded by the 64 KiB body limit (and messages by their own).
Text = str
Name = Annotated[str, Field(min_length=1, max_length=48)]
# A variable's value: a number or bool, a text or choice, or a list of role ids.
StateValue = bool | int | float | Annotated[str, Field(max_length=20_000)] | list[Name]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


class MoveRequest(Body):
    """A move for the caller's role in the open turn."""

    action: Name = Field(description="An action id from `me.actions`, or `free_form`.")
    params: dict[str, Any] = Field(
        default_factory=dict, description="As the action's params schema in `me.actions` says."
    )
    rationale: Text = Field("", description="Why; required for a free-form move.")
    idempotency_key: str = Field(
        "",
        max_length=200,
        description="Any string unique to this move: resending it returns the same move.",
    )
    replaces: str = Field(
        "",
        max_length=32,
        description=(
            "The id of one of your live moves this one replaces: it is withdrawn in the same "
            "step, and kept when this move is refused."
        ),
    )


class MoveCheck(Body):
    """A move the caller might make: checked, not made."""

    action: Name = Field(description="An action id from `me.actions`, or `free_form`.")
    params: dict[str, Any] = Field(default_factory=dict, description="As filled in so far.")
    replaces: str = Field(
        "", max_length=32, description="The id of the caller's live move this one would replace."
    )


class MoveChecksRequest(Body):
    """Moves to check against the current state, at most 50."""

    checks: list[MoveCheck] = Field(max_length=50)


class VoteRequest(Body):
    """The caller's estimate that a free-form move succeeds."""

    chance: float = Field(ge=0, le=1)


class MessageRequest(Body):
    """A message to some roles, to all, or on a met commitment's private channel."""

    to: list[Name] | Literal["all"] | None = Field(
        None, description='Role ids, or "all"; leave out when writing on a channel.'
    )
    body: str = Field(min_length=1, max_length=10_000)
    channel: Name | None = Field(None, description="A met commitment's id.")

    @model_validator(mode="after")
    def _to_or_channel(self) -> MessageRequest:
        if self.to is None and self.channel is None:
            raise ValueError('give "to" (role ids or "all") or a "channel"')
        return self


class Change(Body):
    variable: Name
    value: StateValue | None = None
    delta: int | float | None = None
    reason: Text


class RulingRequest(Body):
    """Rule on a free-form move: a chance the server rolls at adjudication, or an outcome."""

    move: Name = Field(description="The free-form move's id.")
    chance: float | None = Field(None, ge=0, le=1)
    outcome: Literal["success", "failure"] | None = None
    narrative: Text = ""
    failure_narrative: Text = ""
    changes: list[Change] | None = Field(None, description="State changes on success.")
    audience: Literal["everyone", "mover"] | list[Name] = Field(
        "everyone",
        description=(
            'Who reads the narrative: "everyone" (the public narrative), "mover" (the mover '
            "alone), or a list of role ids (and the mover)."
        ),
    )

    @model_validator(mode="after")
    def _chance_or_outcome(self) -> RulingRequest:
        if (self.chance is None) == (self.outcome is None):
            raise ValueError('give either "chance" or "outcome"')
        return self


class Start(Body):
    command: Literal["start"]


class CloseTurn(Body):
    """Refused (409 `rulings_pending`, naming them) while free-form moves have no ruling,
    unless `anyway`: the turn then goes into review for the facilitator to rule and publish."""

    command: Literal["close_turn"]
    anyway: bool = False


class SetOptions(Body):
    """How turns close, and whether the facilitator reviews each before it is published."""

    command: Literal["set_options"]
    close_when: Literal["everyone_in", "deadline"] | None = None
    review: bool | None = None


class Publish(Body):
    """Publish the turn in review; refused (409 `rulings_pending`) while free-form moves have
    no ruling, unless `anyway`, when they are rejected."""

    command: Literal["publish"]
    anyway: bool = False


class Override(Body):
    """In review: the move succeeds or fails whatever its roll; the reason is recorded."""

    command: Literal["override"]
    move: Name
    outcome: Literal["success", "failure"]
    reason: Annotated[str, Field(min_length=1)]


class Reroll(Body):
    """In review: roll the move again (seeded: replay rolls the same); every roll is logged."""

    command: Literal["reroll"]
    move: Name
    reason: Text = ""


class EditNarrative(Body):
    """In review: rewrite line `line` of the draft's narrative, or give it to some roles."""

    command: Literal["edit_narrative"]
    line: int = Field(ge=0, le=10_000)
    text: Annotated[str, Field(min_length=1)]
    audience: Literal["everyone"] | list[Name] = Field(
        "everyone", description='"everyone", or role ids ([]: the facilitator alone).'
    )


class OpenNextTurn(Body):
    command: Literal["open_next_turn"]


class Pause(Body):
    command: Literal["pause"]


class Resume(Body):
    command: Literal["resume"]


class Finish(Body):
    command: Literal["finish"]


class Extend(Body):
    command: Literal["extend"]
    seconds: int = Field(ge=1, le=7 * 24 * 3600)


class Inject(Body):
    """A scripted inject by id, or an ad-hoc one with a title and a text."""

    command: Literal["inject"]
    inject: Name | None = None
    title: Text | None = None
    text: Text | None = None
    to: list[Name] | None = Field(None, description="Role ids; everyone when left out.")


class ScheduleInject(Body):
    """A scenario inject moved to a later turn: it fires as that turn opens, instead of on its
    own turn or condition."""

    command: Literal["schedule_inject"]
    inject: Name
    turn: int = Field(ge=1, le=10_000)


class SkipInject(Body):
    """A scenario inject that will not fire by itself; it can still be sent by hand."""

    command: Literal["skip_inject"]
    inject: Name


class InjectChanges(Body):
    """The fields of a scenario inject the facilitator may change before it fires."""

    title: Annotated[str, Field(min_length=1, max_length=500)] | None = None
    text: Text | None = None
    to: list[Name] | None = Field(None, description="Role ids or tags; [] for everyone.")
    sender: Annotated[str, Field(max_length=200)] | None = None
    channel: Literal["email", "phone", "news", "social", "briefing"] | None = None
    expected_action: Text | None = None
    objective: Annotated[str, Field(max_length=500)] | None = None
    notes: Text | None = None
    after_minutes: int | None = Field(None, ge=0, le=1440)


class EditInject(Body):
    """A scenario inject's words, recipients or minute within its turn changed before it
    fires; only the fields given change."""

    command: Literal["edit_inject"]
    inject: Name
    changes: InjectChanges


class SetState(Body):
    command: Literal["set_state"]
    variable: Name
    value: StateValue
    reason: Text


class ReplaceSeat(Body):
    """Give a role to a bot, or to a new player: without `bot_policy`, a new token, shown once."""

    command: Literal["replace_seat"]
    role: Name
    bot_policy: Name | None = None


class Fork(Body):
    """A new exercise that plays on from after a resolved turn of this one ("what if")."""

    command: Literal["fork"]
    turn: int = Field(ge=0, le=10_000, description="The resolved turn to go on from; 0: the start.")
    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    new_seed: bool = Field(False, description="Roll new dice; by default the seed is kept.")
    bots: dict[Name, Name] | None = Field(
        None,
        description="Role id to bot policy; left out: the bots this exercise has now.",
    )


Command = Annotated[
    Start
    | CloseTurn
    | OpenNextTurn
    | Pause
    | Resume
    | Finish
    | Extend
    | Inject
    | ScheduleInject
    | SkipInject
    | EditInject
    | SetState
    | ReplaceSeat
    | Fork
    | SetOptions
    | Publish
    | Override
    | Reroll
    | EditNarrative,
    Field(discriminator="command"),
]


class ControlRequest(RootModel[Command]):
    """One facilitator command."""


class NoteRequest(Body):
    """A facilitator's note: an observation (on the current turn, a named turn or an event) or
    the debrief."""

    text: str = Field(min_length=1, max_length=20_000)
    kind: Literal["observation", "debrief"] = "observation"
    turn: int | None = Field(None, ge=0, description="The turn it is about; default: the current.")
    event_seq: int | None = Field(None, ge=1, description="The event (its seq) it is attached to.")


class NoteEdit(Body):
    """A note's new text (and kind)."""

    text: str = Field(min_length=1, max_length=20_000)
    kind: Literal["observation", "debrief"] | None = None


class ExportQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    format: Literal["json", "csv", "html"] = Field(
        "json", description="json (docs/export-format.md), csv or html (the report)."
    )


class EventsQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    since: int = Field(0, ge=0, le=2**62, description="The last exercise-wide seq seen.")
