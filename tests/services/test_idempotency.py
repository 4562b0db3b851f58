"""Idempotency keys: a retried submission gives back the move it made, never a second one."""

from __future__ import annotations

import pytest

from exercises.models import Move
from exercises.services import moves, turns
from exercises.services.errors import Conflict
from tests.services.conftest import Cast, in_threads


def test_the_same_key_ten_times_in_sequence_makes_one_move(cast: Cast) -> None:
    seat = cast.anthropic
    made = [
        moves.submit_move(seat, "run_safety_evals", {}, "First things first.", "key-1")
        for _ in range(10)
    ]

    assert len({move.public_id for move, _ in made}) == 1
    assert [created for _, created in made] == [True] + [False] * 9
    assert len(cast.moves()) == 1
    assert len(cast.events("move.submitted")) == 1


@pytest.mark.django_db(transaction=True)
def test_ten_threads_with_the_same_key_make_one_move_and_all_get_it(cast: Cast) -> None:
    seat = cast.anthropic

    def submit(index: int) -> str:
        move, _ = moves.submit_move(seat, "run_safety_evals", {}, "Retry storm.", "retried")
        return move.public_id

    results = in_threads(10, submit)

    [move] = cast.moves()
    assert results == [move.public_id] * 10
    assert len(cast.events("move.submitted")) == 1


@pytest.mark.parametrize(
    ("action", "params", "rationale"),
    [
        ("run_safety_evals", {}, ""),
        ("add_alignment_datasets", {"count": 2}, ""),
        ("add_alignment_datasets", {"count": 1}, "with another rationale"),
    ],
)
def test_the_same_key_with_another_body_is_a_conflict(
    cast: Cast, action: str, params: dict[str, int], rationale: str
) -> None:
    moves.submit_move(cast.anthropic, "add_alignment_datasets", {"count": 1}, "", "key-1")

    with pytest.raises(Conflict) as refused:
        moves.submit_move(cast.anthropic, action, params, rationale, "key-1")

    assert refused.value.code == "idempotency_conflict"
    assert [(m.action, m.params) for m in cast.moves()] == [
        ("add_alignment_datasets", {"count": 1})
    ]


def test_keys_belong_to_one_seat_so_two_roles_may_use_the_same_key(cast: Cast) -> None:
    mine, _ = moves.submit_move(cast.anthropic, "run_safety_evals", {}, "", "move-1")
    theirs, created = moves.submit_move(cast.openai, "run_safety_evals", {}, "", "move-1")

    assert created
    assert mine.public_id != theirs.public_id
    assert sorted(m.role for m in cast.moves()) == ["anthropic", "openai"]


def test_a_replay_after_the_turn_closed_returns_the_move_rather_than_a_conflict(
    cast: Cast,
) -> None:
    # given a move whose response was lost, and a turn that closed meanwhile
    move, _ = moves.submit_move(cast.anthropic, "run_safety_evals", {}, "", "lost-response")
    turns.close_turn(cast.facilitator)

    # when the client retries
    again, created = moves.submit_move(cast.anthropic, "run_safety_evals", {}, "", "lost-response")

    # then it learns what became of its move
    assert (again.public_id, created) == (move.public_id, False)
    assert again.status == Move.Status.SUCCEEDED


def test_moves_without_a_key_are_never_merged(cast: Cast) -> None:
    moves.submit_move(cast.anthropic, "free_form", {}, "Same words.")
    moves.submit_move(cast.anthropic, "free_form", {}, "Same words.")

    assert len(cast.moves()) == 2
