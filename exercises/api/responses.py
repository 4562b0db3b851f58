"""What the API answers, as types: the output contract, next to the input contract (schemas.py).

Each route of the table names the type of its success body; the OpenAPI document gives each
one's JSON Schema (through pydantic), and a test validates every answer of a played exercise
against it. Objects are closed (`additionalProperties: false`): a field added to an answer is
added here too, or that test fails. Free-form maps (a state's values, an event's `data`, an
action's params schema) stay open; docs/events.md describes each event's `data`.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired

from pydantic import ConfigDict, with_config
from typing_extensions import TypedDict  # pydantic reads this one, not typing's, on 3.11

from exercises.services.export_types import CommitmentView, DrawRecord, StateChangeRecord

CLOSED = ConfigDict(extra="forbid")


@with_config(CLOSED)
class Ok(TypedDict):
    ok: Literal[True]


@with_config(CLOSED)
class MoveView(TypedDict):
    """A move: `status` is submitted, withdrawn, succeeded, failed or rejected; to its role,
    `resolved` when its action reveals only the text of its result."""

    id: str
    turn: int
    role: str
    action: str
    params: dict[str, Any]
    rationale: str
    status: str


@with_config(CLOSED)
class CostView(TypedDict):
    """What a move takes from a variable: `amount` when known now, else `text` in words."""

    variable: str
    amount: float | None
    text: str


@with_config(CLOSED)
class MoveCheckView(TypedDict):
    """Whether the move would be taken now; `reason` says why not."""

    action: str
    allowed: bool
    reason: str | None
    cost: list[CostView]


@with_config(CLOSED)
class MoveCheckList(TypedDict):
    checks: list[MoveCheckView]


@with_config(CLOSED)
class VoteView(TypedDict):
    """The caller's estimate that a free-form move succeeds."""

    move: str
    chance: float


@with_config(CLOSED)
class EventView(TypedDict):
    """One event of the log as the caller may see it (docs/events.md)."""

    seq: int
    type: str
    turn: int
    at: str
    data: dict[str, Any]


@with_config(CLOSED)
class EventList(TypedDict):
    events: list[EventView]


# "from" is a keyword: the functional form, closed as the decorator would.
MessageView = TypedDict(
    "MessageView",
    {
        "id": int,
        "turn": int,
        "from": str,
        "to": Literal["all"] | list[str],
        "channel": str | None,
        "body": str,
    },
)
MessageView.__pydantic_config__ = CLOSED  # type: ignore[attr-defined]


@with_config(CLOSED)
class RulingView(TypedDict):
    move: str
    chance: float | None
    outcome: Literal["success", "failure"] | None
    narrative: str
    failure_narrative: str
    changes: list[StateChangeRecord]
    audience: Literal["everyone", "mover"] | list[str]


@with_config(CLOSED)
class NoteView(TypedDict):
    id: int
    kind: Literal["observation", "debrief"]
    turn: int | None
    event_seq: int | None
    text: str
    created_at: str
    updated_at: str


@with_config(CLOSED)
class SeatLink(TypedDict):
    """A seat's token and its /join/ link, shown this once (only a hash is stored)."""

    token: str
    url: str


@with_config(CLOSED)
class NewExercise(TypedDict):
    """A fork: the new exercise and a link for each of its seats."""

    id: str
    name: str
    seats: dict[str, SeatLink]


# `replace_seat` without a bot answers a SeatLink, `fork` a NewExercise, the rest Ok.
ControlReply = Ok | SeatLink | NewExercise


@with_config(CLOSED)
class ScenarioName(TypedDict):
    """`version` as the scenario file writes it, a number or a string."""

    id: str
    title: str
    version: int | str


@with_config(CLOSED)
class TurnView(TypedDict):
    number: int
    of: int
    phase: Literal["open", "adjudicating", "review", "resolved"]
    deadline: str | None


@with_config(CLOSED)
class RoleName(TypedDict):
    id: str
    name: str


@with_config(CLOSED)
class ActionView(TypedDict):
    """An action the role may take: `params` is a JSON Schema object of its parameters."""

    id: str
    label: str
    description: str
    params: dict[str, Any]
    cost: dict[str, bool | int | float | str]
    requires: list[str]
    free: bool


@with_config(CLOSED)
@with_config(CLOSED)
class ObjectiveView(TypedDict):
    """One of a role's objectives, and whether it holds after the last turn adjudicated."""

    id: str
    label: str
    description: str
    met: bool


# An offer waiting for an answer: to the caller (`offers`) or from it (`offers_made`); `until`,
# the last turn it may be answered in. The functional form for "from", as MessageView.
OfferView = TypedDict(
    "OfferView",
    {"id": str, "from": str, "to": str, "label": str, "text": str, "until": int},
)
OfferView.__pydantic_config__ = CLOSED  # type: ignore[attr-defined]


@with_config(CLOSED)
class RoleEndingView(TypedDict):
    """How the exercise ended for a role (the scenario's RoleSpec.endings)."""

    id: str
    title: str
    text: str


class Me(TypedDict):
    """The caller's seat; a role's seat adds its briefing, private state, actions and moves,
    and its objectives where the scenario gives it any."""

    seat: str
    role: NotRequired[RoleName]
    briefing: NotRequired[str]
    private_state: NotRequired[dict[str, Any]]
    actions: NotRequired[list[ActionView]]
    commitments: NotRequired[dict[str, CommitmentView]]
    moves: NotRequired[list[MoveView]]
    moves_per_turn: NotRequired[int]
    bot: NotRequired[str | None]
    objectives: NotRequired[list[ObjectiveView]]
    offers: NotRequired[list[OfferView]]
    offers_made: NotRequired[list[OfferView]]
    my_ending: NotRequired[RoleEndingView]


@with_config(CLOSED)
class RoleStatus(TypedDict):
    """`submitted`: has a move in this turn other than a secret one; `ready`: is in (the turn
    closes when all are)."""

    id: str
    name: str
    submitted: bool
    ready: bool


@with_config(CLOSED)
class RoleVote(TypedDict):
    role: str
    chance: float


@with_config(CLOSED)
class PendingRuling(MoveView):
    """A free-form move waiting for the facilitator's ruling, with the players' estimates."""

    votes: list[RoleVote]
    mean: float | None


@with_config(CLOSED)
class DraftDice(TypedDict):
    """A roll as a d100: the move succeeds when `rolled` is at most `needed`."""

    needed: int
    rolled: int


@with_config(CLOSED)
class DraftMove(TypedDict):
    """A move's drafted result (a move result, docs/export-format.md) and how it came about:
    the branch it took, its roll as a d100, the facilitator's override or re-rolls."""

    move: str
    role: str
    action: str
    params: dict[str, Any]
    rationale: str
    accepted: bool
    success: bool | None
    reason: str
    text: str
    public: str
    changes: list[StateChangeRecord]
    draw: DrawRecord | None
    shared_with: dict[str, Any] | None
    branch: Literal["success", "failure", "rejected"]
    dice: DraftDice | None
    overridden: bool
    override_reason: str | None
    rerolls: int


@with_config(CLOSED)
class DraftLine(TypedDict):
    """A narrative line: `audience` `{"all": true}`, `{"roles": [...]}`, or `{}` (the
    facilitator alone)."""

    line: int
    text: str
    audience: dict[str, Any]


@with_config(CLOSED)
class Draft(TypedDict):
    """A turn in review, as the facilitator alone sees it."""

    number: int
    moves: list[DraftMove]
    narrative: list[DraftLine]
    state: dict[str, Any]
    ending: str | None
    rulings_pending: list[str]


@with_config(CLOSED)
class ExerciseView(TypedDict):
    """The exercise as the caller's seat sees it; the facilitator's adds the rulings pending,
    every commitment, every role's objectives and the notes."""

    id: str
    name: str
    scenario: ScenarioName
    status: Literal["lobby", "running", "paused", "finished"]
    ending: str | None
    turn: TurnView | None
    me: Me
    state: dict[str, Any]
    roles: list[RoleStatus]
    last_seq: int
    close_when: Literal["everyone_in", "deadline"]
    review: bool
    rulings_pending: NotRequired[list[PendingRuling]]
    draft: NotRequired[Draft | None]
    commitments: NotRequired[dict[str, CommitmentView]]
    objectives: NotRequired[dict[str, list[ObjectiveView]]]
    role_endings: NotRequired[dict[str, RoleEndingView]]
    notes: NotRequired[list[NoteView]]


class OpenApiDocument(TypedDict):
    openapi: str
    info: dict[str, Any]
    servers: list[dict[str, Any]]
    paths: dict[str, Any]
    components: dict[str, Any]
