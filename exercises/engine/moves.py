"""What goes into adjudication (moves, rulings) and what comes out (results, events, outcome)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields
from functools import cached_property
from typing import Any, Literal

from .audience import EVERYONE, Audience
from .dice import Draw
from .review import Line
from .schema import Value
from .state import State

# Every type of event the engine emits. The server's log gives each a treatment (published to
# its audience, folded into another event, or dropped with a reason), and a test fails when
# one here has none; `EngineEvent` refuses a type not listed, so the list cannot fall behind.
EVENT_TYPES = frozenset(
    {
        "move.resolved",  # a move played: its result, to its role
        "move.rejected",  # a move refused: the reason, to its role
        "commitment.signal",  # a role signalled a commitment not yet met, to the facilitator
        "commitment.met",  # a commitment reached its threshold, to its members
        "commitment.joined",  # a role joined a commitment already met, to its members
        "rule.fired",  # a rule took effect: to its role when it has a text for it
        "rule.error",  # a rule or inject the scenario cannot evaluate, to the facilitator
        "inject",  # an inject fired, to its recipients
        "inject.rolled",  # an inject's chance rolled, to the facilitator
        "narrative.shared",  # a narrative line for some roles only (a ruling's, an edit's)
        "exercise.ended",  # an ending was reached, to everyone
    }
)


def state_change(
    variable: str, value: Value | None, delta: float | None, reason: str
) -> StateChange:
    """A StateChange made without the dataclass's generated __init__, which sets each field
    through object.__setattr__ (it is frozen): half the cost, for the some 70 a turn that
    `simulate` makes. The result is the same object, equal and frozen as any other."""
    made = _new(StateChange)
    fields = made.__dict__  # set one by one: a keyword dict for update() costs as much again
    fields["variable"] = variable
    fields["value"] = value
    fields["delta"] = delta
    fields["reason"] = reason
    return made


_new = object.__new__


class Rejected(Exception):
    """A move that cannot be played; its message is the reason a player reads."""


@dataclass(frozen=True)
class StateChange:
    """Set `variable` to `value`, or add `delta` to it; `reason` says why, for the record."""

    variable: str
    value: Value | None = None
    delta: float | None = None
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        fields = {
            "variable": self.variable,
            "value": self.value,
            "delta": self.delta,
            "reason": self.reason,
        }
        return {k: v for k, v in fields.items() if v is not None and v != ""}


@dataclass(frozen=True)
class RulingBranch:
    text: str = ""
    public: str = ""
    changes: tuple[StateChange, ...] = ()


@dataclass(frozen=True)
class Ruling:
    """The facilitator's ruling on a free-form move: a chance the engine rolls, or an outcome."""

    chance: float | None = None
    outcome: Literal["success", "failure"] | None = None
    success: RulingBranch = RulingBranch()
    failure: RulingBranch = RulingBranch()
    # Who reads the ruling's narrative besides the mover: everyone (the public narrative), or
    # these roles (the mover alone, when it names none).
    audience: Audience = EVERYONE

    def __post_init__(self) -> None:
        if (self.chance is None) == (self.outcome is None):
            raise ValueError("a ruling gives either a chance or an outcome")
        if self.chance is not None and not 0 <= self.chance <= 1:
            raise ValueError("a ruling's chance is between 0 and 1")


@dataclass(frozen=True)
class Move:
    role: str
    action: str
    params: Mapping[str, Any] = field(default_factory=dict)
    text: str = ""
    id: str = ""
    ruling: Ruling | None = None

    @cached_property
    def key(self) -> str:
        """Identifies the move by what it says, not by when or where it was submitted."""
        params = (
            json.dumps(self.params, sort_keys=True, separators=(",", ":"), default=str)
            if self.params
            else "{}"
        )
        return f"{self.role}:{self.action}:{params}:{self.text}"


@dataclass(frozen=True)
class MoveResult:
    move: Move
    accepted: bool
    success: bool | None = None
    reason: str = ""
    text: str = ""
    public: str = ""
    changes: tuple[StateChange, ...] = ()
    draw: Draw | None = None
    # Set by a ruling (who shares its narrative), by the facilitator's review (an outcome
    # overridden, a move re-rolled); absent from the record otherwise, as before review.
    shared_with: Audience | None = None
    overridden: bool = False
    rerolls: int = 0

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "move": self.move.id,
            "role": self.move.role,
            "action": self.move.action,
            "accepted": self.accepted,
            "success": self.success,
            "reason": self.reason,
            "text": self.text,
            "public": self.public,
            "changes": [c.to_dict() for c in self.changes],
            "draw": self.draw.to_dict() if self.draw else None,
        }
        if self.shared_with is not None:
            out["shared_with"] = self.shared_with.to_dict()
        if self.overridden:
            out["overridden"] = True
        if self.rerolls:
            out["rerolls"] = self.rerolls
        return out


_RESULT_DEFAULTS = {f.name: f.default for f in fields(MoveResult)}
assert all(f.default_factory is MISSING for f in fields(MoveResult))  # plain defaults only


def unrecorded_result(
    move: Move, success: bool, changes: tuple[StateChange, ...], draw: Draw | None
) -> MoveResult:
    """An accepted move's result as `simulate` keeps it (no texts), made like `state_change`
    without the frozen dataclass's __init__: a dozen a turn, 11 fields each."""
    made = _new(MoveResult)
    fields = made.__dict__
    fields.update(_RESULT_DEFAULTS)
    fields["move"] = move
    fields["accepted"] = True
    fields["success"] = success
    fields["changes"] = changes
    fields["draw"] = draw
    return made


@dataclass(frozen=True)
class EngineEvent:
    """Something that happened, and who may learn of it (the facilitator always may)."""

    type: str
    audience: Audience
    data: Mapping[str, Any]

    def __post_init__(self) -> None:
        if self.type not in EVENT_TYPES:
            raise ValueError(f"the engine emits no {self.type!r}: add it to EVENT_TYPES")


@dataclass(frozen=True)
class Outcome:
    """A turn adjudicated: the new state and everything that explains how it came about."""

    turn: int
    state: State
    results: tuple[MoveResult, ...]
    narrative: tuple[str, ...]
    events: tuple[EngineEvent, ...]
    draws: tuple[Draw, ...]
    ending: str | None = None
    # Every narrative line with its audience; `narrative` is the public ones' text.
    lines: tuple[Line, ...] = ()

    def results_for(self, role: str) -> list[MoveResult]:
        return [r for r in self.results if r.move.role == role]

    @property
    def rejections(self) -> list[MoveResult]:
        return [r for r in self.results if not r.accepted]


@dataclass(frozen=True)
class Opening:
    """Injects fired, as a turn opens or one by hand: the state they left and their story."""

    turn: int
    state: State
    narrative: tuple[str, ...]
    events: tuple[EngineEvent, ...]
