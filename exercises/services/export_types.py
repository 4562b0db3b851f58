"""The JSON export's shape (docs/export-format.md), as types: what the exporter writes and the
after-action report reads.

`NotRequired` marks the keys only the facilitator's export holds; every other key is always
written, `null` where the table in docs/export-format.md says so. A reader indexes the keys
that are always there and asks only for the facilitator's.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired

from typing_extensions import TypedDict  # pydantic reads this one, not typing's, on 3.11

SeatKind = str  # "facilitator", "observer" or "role"


class CommitmentView(TypedDict):
    """A commitment as a seat sees it: who signalled it and whether it is met (all of it for
    the facilitator); for a role it concerns, its own signal (`mine`), the others' once met."""

    committed: list[str]
    met: bool
    mine: NotRequired[bool]


class EngineState(TypedDict):
    """The engine's whole state (`State.to_dict()`), in the facilitator's export."""

    turn: int
    opened: int
    values: dict[str, Any]
    seen: dict[str, list[str]]
    fired: list[str]
    commitments: dict[str, list[str]]
    met: list[str]
    ending: str | None
    scheduled: NotRequired[dict[str, int]]
    skipped: NotRequired[list[str]]
    edits: NotRequired[dict[str, dict[str, Any]]]
    tried: NotRequired[dict[str, int]]
    used: NotRequired[dict[str, int]]
    achieved: NotRequired[dict[str, list[str]]]
    later: NotRequired[list[dict[str, Any]]]
    offers: NotRequired[list[dict[str, Any]]]
    role_endings: NotRequired[dict[str, str]]


class SeatState(TypedDict):
    """A state as any other seat may keep it: only what it may see."""

    turn: int
    values: dict[str, Any]
    commitments: dict[str, CommitmentView]
    ending: str | None
    # A role's own objectives that hold in this state, in a scenario that gives it any.
    objectives: NotRequired[list[str]]
    # How the exercise ended for the role, once it has (RoleSpec.endings).
    role_ending: NotRequired[str]


ExportState = EngineState | SeatState


class ScenarioRef(TypedDict):
    id: str
    version: str
    title: str
    text: NotRequired[str]
    sha256: NotRequired[str]


class ExportExercise(TypedDict):
    id: str
    name: str
    status: str
    ending: str | None
    planned_turns: int
    turn_seconds: int | None
    auto_advance: bool
    close_when: NotRequired[str]  # exports older than the option have neither
    review: NotRequired[bool]
    created_at: str
    last_seq: int
    scenario: ScenarioRef
    state: ExportState
    seed: NotRequired[str]
    paused_remaining: NotRequired[float | None]


class ExportObjective(TypedDict):
    id: str
    label: str
    description: str


class ExportMe(TypedDict):
    seat: str
    kind: SeatKind
    role: NotRequired[str]
    name: NotRequired[str]
    briefing: NotRequired[str]
    # A role's objectives, where the scenario gives it any (whether each held is in the states).
    objectives: NotRequired[list[ExportObjective]]
    # How the exercise ended for the role, once it has.
    ending: NotRequired[ExportObjective]


class ExportSeat(TypedDict):
    name: str
    kind: SeatKind
    role: str | None
    bot_policy: NotRequired[str | None]
    created_at: NotRequired[str]
    joined_at: NotRequired[str | None]
    revoked_at: NotRequired[str | None]


class StateChangeRecord(TypedDict, total=False):
    """A change as the engine records it: `variable` and `reason` always, `value` or `delta`."""

    variable: str
    value: Any
    delta: Any
    reason: str


class DrawRecord(TypedDict):
    key: str
    role: str | None
    subject: str
    label: str
    chance: float
    roll: float
    success: bool


class MoveResultRecord(TypedDict):
    """The engine's `MoveResult.to_dict()`; in a role's export cut by the action's `reveal`
    (`success` and `draw` null when the role may not learn them)."""

    move: str
    role: str
    action: str
    accepted: bool
    success: bool | None
    reason: str
    text: str
    public: str
    changes: list[StateChangeRecord]
    draw: DrawRecord | None


class VoteRecord(TypedDict):
    role: str
    chance: float
    created_at: str


class ExportMove(TypedDict):
    id: str
    turn: int
    role: str
    action: str
    params: dict[str, Any]
    rationale: str
    status: str
    result: MoveResultRecord | None
    created_at: str
    votes: NotRequired[list[VoteRecord]]


class ExportRuling(TypedDict):
    move: str
    chance: float | None
    outcome: str | None  # "success" or "failure" when the facilitator decided
    audience: NotRequired[str | list[str]]  # "everyone" (when absent), "mover" or roles
    created_at: str
    narrative: NotRequired[str]
    failure_narrative: NotRequired[str]
    changes: NotRequired[list[StateChangeRecord]]


class ExportTurn(TypedDict):
    number: int
    phase: str
    opened_at: str
    deadline: str | None
    closed_at: str | None
    resolved_at: str | None
    ready: list[str]
    state_before: ExportState | None
    state_after: ExportState | None
    moves: list[ExportMove]
    rulings: list[ExportRuling]
    narrative: list[str]
    draws: list[DrawRecord]
    state_at_close: NotRequired[ExportState | None]
    label: NotRequired[str]  # the turn's name in the story, when the scenario gives it one
    review: NotRequired[dict[str, Any]]  # the facilitator's: engine.review's record


class ExportEvent(TypedDict):
    seq: int
    type: str
    turn: int
    at: str
    data: dict[str, Any]
    audience: NotRequired[dict[str, Any]]
    redacted: NotRequired[dict[str, Any] | None]


# "from" is a keyword: the functional form.
ExportMessage = TypedDict(
    "ExportMessage",
    {
        "seq": int,
        "turn": int,
        "at": str,
        "from": str,
        "to": Literal["all"] | list[str],
        "channel": str | None,
        "body": str,
    },
)


class ExportNote(TypedDict):
    kind: str  # "observation" or "debrief"
    turn: int | None
    event_seq: int | None
    text: str
    created_at: str
    updated_at: str


class Export(TypedDict):
    format_version: int
    exported_for: str
    exercise: ExportExercise
    me: ExportMe
    seats: list[ExportSeat]
    initial_state: ExportState
    turns: list[ExportTurn]
    events: list[ExportEvent]
    messages: list[ExportMessage]
    notes: list[ExportNote]
