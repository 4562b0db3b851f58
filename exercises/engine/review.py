"""The facilitator's review of a drafted turn, as inputs to adjudication.

A turn in review is adjudicated again after each of the facilitator's acts, from the same
state, moves and seed plus these: an outcome overridden (with the reason), a move re-rolled
(a fresh, still seeded, draw: the n-th re-roll of a move is a function of the seed, the turn,
the move and n), a narrative line rewritten or given another audience. Replay reads them from
the export and so reproduces the published turn, overrides included.

The record shape (docs/export-format.md, a turn's `review`):
`{"overrides": {move id: {"outcome", "reason"}}, "rerolls": {move id: n},
"edits": [{"line", "was", "text", "audience"}]}`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from .audience import EVERYONE, Audience

OUTCOMES = ("success", "failure")


@dataclass(frozen=True)
class Override:
    outcome: Literal["success", "failure"]
    reason: str

    def __post_init__(self) -> None:
        if self.outcome not in OUTCOMES:
            raise ValueError("an override's outcome is success or failure")


@dataclass(frozen=True)
class Line:
    """One line of a turn's narrative and who may read it (everyone: the public narrative)."""

    text: str
    audience: Audience = EVERYONE

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "audience": self.audience.to_dict()}


@dataclass(frozen=True)
class Edit:
    """Line `line` of the draft, if it still reads `was`, becomes `text` for `audience`. An edit
    whose line has changed since (a re-roll turned a success into a failure) no longer applies,
    rather than rewriting some other line."""

    line: int
    was: str
    text: str
    audience: Audience = EVERYONE


@dataclass(frozen=True)
class Review:
    overrides: Mapping[str, Override] = field(default_factory=dict)
    rerolls: Mapping[str, int] = field(default_factory=dict)
    edits: Sequence[Edit] = ()

    @classmethod
    def from_record(cls, record: Mapping[str, Any] | None) -> Review:
        record = record or {}
        overrides = {
            move: Override(o["outcome"], o.get("reason", ""))
            for move, o in (record.get("overrides") or {}).items()
        }
        rerolls = {move: int(n) for move, n in (record.get("rerolls") or {}).items() if n}
        edits = tuple(
            Edit(e["line"], e["was"], e["text"], Audience.from_dict(e.get("audience")))
            for e in record.get("edits") or ()
        )
        return cls(overrides, rerolls, edits)

    def to_record(self) -> dict[str, Any]:
        return {
            "overrides": {
                m: {"outcome": o.outcome, "reason": o.reason} for m, o in self.overrides.items()
            },
            "rerolls": dict(self.rerolls),
            "edits": [
                {"line": e.line, "was": e.was, "text": e.text, "audience": e.audience.to_dict()}
                for e in self.edits
            ],
        }


NO_REVIEW = Review()


def apply_edits(lines: Sequence[Line], edits: Sequence[Edit]) -> list[Line]:
    out = list(lines)
    for edit in edits:
        if 0 <= edit.line < len(out) and out[edit.line].text == edit.was:
            out[edit.line] = Line(edit.text, edit.audience)
    return out


def reroll_key(draw_key: str, rerolls: int) -> str:
    """The first roll keeps the key it always had, so a turn without review is unchanged."""
    return draw_key if not rerolls else f"{draw_key}:reroll:{rerolls}"
