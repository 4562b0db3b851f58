"""A turn in review as the facilitator reads it: the draft (docs/http-api.md, `draft`).

Each move's chance and roll as a d100 ("needed 40 or less, rolled 79"), the branch it took and
its changes, any override or re-roll; every narrative line with its audience; the state after.
Only the facilitator's snapshot and the facilitator-only `turn.drafted` event carry it.
"""

from __future__ import annotations

import math
from typing import Any

from exercises import engine
from exercises.engine import FACILITATOR, visible_values
from exercises.models import Exercise, Turn

from .scenarios import scenario_of


def d100(draw: dict[str, Any] | None) -> dict[str, int] | None:
    """A draw as people read dice: succeeds when `rolled` is at most `needed`."""
    if draw is None:
        return None
    return {"needed": round(draw["chance"] * 100), "rolled": math.floor(draw["roll"] * 100) + 1}


def draft_of(
    exercise: Exercise, turn: Turn, outcome: engine.Outcome, pending: list[str]
) -> dict[str, Any]:
    scenario = scenario_of(exercise)
    overrides = (turn.review or {}).get("overrides", {})
    return {
        "number": turn.number,
        "moves": [_move(r, overrides) for r in outcome.results],
        "narrative": [{"line": i, **line.to_dict()} for i, line in enumerate(outcome.lines)],
        "state": visible_values(scenario, outcome.state, FACILITATOR),
        "ending": outcome.ending,
        "rulings_pending": pending,
    }


def _move(result: engine.MoveResult, overrides: dict[str, Any]) -> dict[str, Any]:
    record = result.to_dict()
    branch = "rejected" if not result.accepted else "success" if result.success else "failure"
    override = overrides.get(result.move.id) if result.overridden else None
    return {
        **record,
        "rationale": result.move.text,
        "params": dict(result.move.params),
        "branch": branch,
        "dice": d100(record["draw"]),
        "override_reason": override["reason"] if override else None,
        "rerolls": result.rerolls,
        "overridden": result.overridden,
        "shared_with": record.get("shared_with"),
    }
