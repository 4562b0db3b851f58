"""Submissions racing the close: each is either in the adjudicated turn or refused with a 409.

Twelve threads (two for each of six roles) submit and withdraw free-form moves while a
thirteenth closes the turn. Each role holds at most two live moves, so every submission is
legal while the turn is open: the only thing that may refuse one is the close.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import pytest

from exercises.models import Move, Turn
from exercises.services import moves, review, turns
from exercises.services.errors import Conflict
from tests.services.conftest import FINAL, Cast, in_threads

ROLES = ("anthropic", "openai", "gdm", "meta", "ukaisi", "congress")
SUBMITTERS = [(role, slot) for role in ROLES for slot in (0, 1)]
ROUNDS = 4


@dataclass
class Tried:
    submitted: list[str]
    withdrawn: list[str]
    refused: list[Conflict]


def submit_and_withdraw(cast: Cast, role: str, slot: int) -> Tried:
    """Submit, withdraw, submit again..., keeping the last; note what was accepted."""
    seat = cast.seat(role)
    tried = Tried([], [], [])
    for round in range(ROUNDS):
        try:
            move, _ = moves.submit_move(seat, "free_form", {}, f"{role} {slot} round {round}")
        except Conflict as exc:
            tried.refused.append(exc)
            continue
        tried.submitted.append(move.public_id)
        if round == ROUNDS - 1:
            break
        try:
            moves.withdraw_move(seat, move.public_id)
        except Conflict as exc:
            tried.refused.append(exc)
        else:
            tried.withdrawn.append(move.public_id)
    return tried


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("close_after", [0.0, 0.005, 0.02, 0.05, 0.1])
def test_no_submission_is_lost_or_accepted_late_when_the_turn_closes_under_it(
    cast: Cast, close_after: float
) -> None:
    # given
    facilitator = cast.facilitator

    def work(index: int) -> Tried | None:
        if index == len(SUBMITTERS):
            time.sleep(close_after)
            # Closed anyway, with the free-form moves unruled: the turn goes into review, and
            # is published as it stands (the unruled moves rejected).
            turns.close_turn(facilitator, anyway=True)
            return None
        role, slot = SUBMITTERS[index]
        return submit_and_withdraw(cast, role, slot)

    # when
    results = in_threads(len(SUBMITTERS) + 1, work)

    # then every call either succeeded or was refused because the turn was not open
    assert results[-1] is None, results[-1]
    if cast.turn(1).phase == Turn.Phase.REVIEW:  # not when it closed before any move came
        review.publish(facilitator, anyway=True)
    tried = [r for r in results[:-1] if isinstance(r, Tried)]
    assert len(tried) == len(SUBMITTERS), [r for r in results if isinstance(r, Exception)]
    assert all(exc.code == "not_open" for t in tried for exc in t.refused)
    submitted = {move for t in tried for move in t.submitted}
    withdrawn = {move for t in tried for move in t.withdrawn}

    # and no accepted submission is lost: the turn holds exactly the accepted moves
    assert cast.turn(1).phase == Turn.Phase.RESOLVED
    rows = {m.public_id: m for m in cast.moves()}
    assert set(rows) == submitted
    for move_id, move in rows.items():
        if move_id in withdrawn:
            assert move.status == Move.Status.WITHDRAWN
        else:
            assert move.status in FINAL, move
            assert move.result is not None
    assert not cast.moves(status=Move.Status.SUBMITTED)

    # and nothing was accepted after the close
    [closed] = cast.events("turn.closed")
    assert len(cast.events("turn.adjudicated")) == 1
    changes = cast.events("move.submitted", "move.withdrawn")
    assert len(changes) == len(submitted) + len(withdrawn)
    assert all(event.seq < closed.seq for event in changes)
