"""The facilitator's review of a drafted turn, and the exercise's options that lead to it.

In review a turn's results are a draft only the facilitator sees (turns.redraft). Each act
here (override an outcome, re-roll a move, edit a narrative line) is recorded in the turn's
`review`, an input of adjudication, and logged as a facilitator-only event; then the turn is
adjudicated again. Nothing reaches another seat until `publish`, which writes the turn as a
turn without review is written, so a seat's view of a turn in review is that of a turn being
adjudicated.
"""

from __future__ import annotations

from typing import Any

from exercises import engine
from exercises.engine.audience import EVERYONE, Audience
from exercises.models import Exercise, Seat, Turn

from . import events
from .errors import Conflict, Invalid, NotFound
from .locking import current_turn, current_turn_number, locked, require_facilitator
from .scenarios import scenario_of
from .turns import close_if_everyone_is_in, publish_locked, redraft, refuse_unruled


def set_options(seat: Seat, *, close_when: str | None = None, review: bool | None = None) -> None:
    """How turns close and whether they are reviewed, from the next chance to apply on."""
    require_facilitator(seat)
    if close_when is not None and close_when not in Exercise.CloseWhen.values:
        raise Invalid("close_when is everyone_in or deadline")
    if close_when is None and review is None:
        raise Invalid("give close_when, review or both")
    with events.write_transaction():
        exercise = locked(seat.exercise.public_id)
        if exercise.status == Exercise.Status.FINISHED:
            raise Conflict("the exercise is finished")
        if close_when is not None:
            exercise.close_when = close_when
        if review is not None:
            exercise.review = review
        exercise.save(update_fields=["close_when", "review"])
        events.append(
            exercise,
            "exercise.options_set",
            {"close_when": exercise.close_when, "review": exercise.review},
            turn=current_turn_number(exercise),
            audience=events.EVERYONE,
        )
        turn = current_turn(exercise)
        if turn is not None:
            close_if_everyone_is_in(exercise, turn)  # everyone may be in already


def _in_review(seat: Seat) -> tuple[Exercise, Turn]:
    """The exercise, locked, and its turn in review; the caller holds a write transaction."""
    require_facilitator(seat)
    exercise = locked(seat.exercise.public_id)
    turn = current_turn(exercise)
    if turn is None or turn.phase != Turn.Phase.REVIEW:
        raise Conflict("no turn is in review", code="not_in_review")
    return exercise, turn


def _drafted_move(turn: Turn, move_id: str) -> dict[str, Any]:
    for move in (turn.draft or {}).get("moves", []):
        if move["move"] == move_id:
            return dict(move)
    raise NotFound("there is no such move in the draft")


def _record(turn: Turn) -> dict[str, Any]:
    return engine.Review.from_record(turn.review).to_record()


def override(seat: Seat, move_id: str, outcome: str, reason: str) -> None:
    """The move succeeds or fails whatever its roll said; the roll stays in the record."""
    if outcome not in ("success", "failure"):
        raise Invalid("outcome must be success or failure")
    if not reason.strip():
        raise Invalid("an override needs a reason")
    with events.write_transaction():
        exercise, turn = _in_review(seat)
        move = _drafted_move(turn, move_id)
        if not move["accepted"]:
            raise Conflict(f"the move was rejected ({move['reason']}): there is no outcome")
        review = _record(turn)
        review["overrides"][move_id] = {"outcome": outcome, "reason": reason.strip()}
        turn.review = review
        events.append(
            exercise,
            "move.overridden",
            {"move": move_id, "role": move["role"], "outcome": outcome, "reason": reason.strip()},
            turn=turn.number,
            audience=events.FACILITATOR_ONLY,
        )
        redraft(exercise, turn)


def reroll(seat: Seat, move_id: str, reason: str = "") -> None:
    """A fresh roll for the move, still from the seed (the n-th re-roll of a move is always
    the same number); the earlier rolls stay in the log."""
    with events.write_transaction():
        exercise, turn = _in_review(seat)
        move = _drafted_move(turn, move_id)
        if move["draw"] is None:
            raise Conflict("nothing was rolled for this move: its outcome was certain")
        review = _record(turn)
        count = review["rerolls"].get(move_id, 0) + 1
        review["rerolls"][move_id] = count
        review["overrides"].pop(move_id, None)  # the new roll decides again
        turn.review = review
        redraft(exercise, turn)
        new = _drafted_move(turn, move_id)
        events.append(
            exercise,
            "move.rerolled",
            {
                "move": move_id,
                "role": move["role"],
                "reason": reason.strip(),
                "rerolls": count,
                "previous": move["draw"],
                "draw": new["draw"],
            },
            turn=turn.number,
            audience=events.FACILITATOR_ONLY,
        )


def edit_narrative(seat: Seat, line: int, text: str, audience: Any) -> None:
    """A narrative line of the draft rewritten, or given to some roles only (`"everyone"`, or
    a list of role ids; an empty list keeps the line for the facilitator alone)."""
    if not text.strip():
        raise Invalid("a narrative line needs a text")
    with events.write_transaction():
        exercise, turn = _in_review(seat)
        who = _audience(exercise, audience)
        lines = (turn.draft or {}).get("narrative", [])
        if not 0 <= line < len(lines):
            raise NotFound(f"the draft has no narrative line {line}")
        review = _record(turn)
        edit = {"line": line, "was": lines[line]["text"], "text": text, "audience": who}
        review["edits"].append(edit)
        turn.review = review
        events.append(
            exercise, "narrative.edited", edit, turn=turn.number, audience=events.FACILITATOR_ONLY
        )
        redraft(exercise, turn)


def _audience(exercise: Exercise, audience: Any) -> dict[str, Any]:
    if audience == "everyone":
        return EVERYONE.to_dict()
    roles = scenario_of(exercise).role_ids
    if not isinstance(audience, list) or any(r not in roles for r in audience):
        raise Invalid('audience is "everyone" or a list of the scenario\'s roles')
    return Audience.of(audience).to_dict()


def publish(seat: Seat, *, anyway: bool = False) -> None:
    """Every seat gets the turn as drafted; free-form moves still without a ruling are
    refused (named, with code `rulings_pending`) unless `anyway`, when they are rejected."""
    with events.write_transaction():
        exercise, turn = _in_review(seat)
        if not anyway:
            refuse_unruled(turn)
        publish_locked(exercise, turn)
