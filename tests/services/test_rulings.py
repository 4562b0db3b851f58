"""Free-form moves: players' probability votes, the facilitator's rulings, and their effects."""

from __future__ import annotations

from typing import Any

import pytest

from exercises.models import Move, ProbabilityVote, Ruling
from exercises.services import moves, projection, turns
from exercises.services.errors import Forbidden, Invalid, NotFound
from tests.services.conftest import Cast


@pytest.fixture
def argument(cast: Cast) -> Move:
    return cast.free_form("anthropic", "We persuade the board to fund an external audit.")


def test_votes_and_their_mean_are_shown_to_the_facilitator_only(cast: Cast, argument: Move) -> None:
    # given
    moves.vote(cast.openai, argument.public_id, 0.2)
    moves.vote(cast.seat("ukaisi"), argument.public_id, 0.6)

    # when
    facilitator = projection.exercise_view(cast.facilitator)
    roles = [projection.exercise_view(cast.seat(s)) for s in ("anthropic", "openai", "ukaisi")]

    # then
    [pending] = facilitator["rulings_pending"]
    assert pending["id"] == argument.public_id
    assert sorted((v["role"], v["chance"]) for v in pending["votes"]) == [
        ("openai", 0.2),
        ("ukaisi", 0.6),
    ]
    assert pending["mean"] == pytest.approx(0.4)
    for view in roles:
        assert "rulings_pending" not in view
        assert "votes" not in str(view)
    for seat in ("anthropic", "openai", "ukaisi", "observer"):
        assert "vote.cast" not in [e["type"] for e in cast.visible(seat)]


def test_a_second_vote_by_the_same_seat_replaces_the_first(cast: Cast, argument: Move) -> None:
    moves.vote(cast.openai, argument.public_id, 0.2)
    moves.vote(cast.openai, argument.public_id, 0.9)

    [pending] = projection.exercise_view(cast.facilitator)["rulings_pending"]
    assert [(v["role"], v["chance"]) for v in pending["votes"]] == [("openai", 0.9)]


@pytest.mark.parametrize("chance", [-0.1, 1.5, True, "0.5"])
def test_a_vote_outside_zero_to_one_is_invalid(cast: Cast, argument: Move, chance: Any) -> None:
    with pytest.raises(Invalid):
        moves.vote(cast.openai, argument.public_id, chance)
    assert not ProbabilityVote.objects.exists()


def test_a_ruling_with_a_chance_is_rolled_at_adjudication_and_recorded(
    cast: Cast, argument: Move
) -> None:
    # given
    moves.rule_on_move(
        cast.facilitator,
        argument.public_id,
        chance=0.5,
        narrative="The board agrees.",
        failure_narrative="The board refuses.",
    )
    assert cast.turn().draws == []  # nothing is rolled before the turn closes

    # when
    turns.close_turn(cast.facilitator)

    # then
    [draw] = cast.turn(1).draws
    assert (draw["role"], draw["subject"], draw["chance"]) == ("anthropic", "free_form", 0.5)
    move = Move.objects.get(pk=argument.pk)
    assert move.status == (Move.Status.SUCCEEDED if draw["success"] else Move.Status.FAILED)
    assert move.result is not None
    assert move.result["draw"] == draw


def test_a_ruling_with_a_fixed_outcome_is_not_rolled(cast: Cast, argument: Move) -> None:
    moves.rule_on_move(cast.facilitator, argument.public_id, outcome="failure")

    turns.close_turn(cast.facilitator)

    assert cast.turn(1).draws == []
    assert Move.objects.get(pk=argument.pk).status == Move.Status.FAILED


def test_the_state_changes_of_a_successful_ruling_are_applied_with_their_reasons(
    cast: Cast, argument: Move
) -> None:
    # given
    changes = [
        {"variable": "enforcement", "delta": 10, "reason": "the audit leaks"},
        {"variable": "anthropic.paused", "value": True, "reason": "the board pauses training"},
    ]
    moves.rule_on_move(cast.facilitator, argument.public_id, outcome="success", changes=changes)

    # when
    turns.close_turn(cast.facilitator)

    # then
    values = cast.exercise().state["values"]
    assert values["enforcement"] == 0 + 10
    assert values["anthropic.paused"] is True
    move = Move.objects.get(pk=argument.pk)
    assert move.status == Move.Status.SUCCEEDED
    assert move.result is not None
    assert [(c["variable"], c["reason"]) for c in move.result["changes"]] == [
        ("enforcement", "the audit leaks"),
        ("anthropic.paused", "the board pauses training"),
    ]


def test_a_failed_rulings_changes_are_not_applied(cast: Cast, argument: Move) -> None:
    changes = [{"variable": "public_concern", "delta": 10, "reason": "the audit leaks"}]
    moves.rule_on_move(cast.facilitator, argument.public_id, outcome="failure", changes=changes)

    turns.close_turn(cast.facilitator)

    assert cast.exercise().state["values"]["public_concern"] == 30


@pytest.mark.parametrize(
    "change",
    [
        {"variable": "public_mood", "delta": 5, "reason": "no such variable"},
        {"variable": "public_concern", "value": "high", "reason": "not a number"},
        {"variable": "public_concern", "delta": True, "reason": "a bool is not a number"},
        {"variable": "public_concern", "delta": float("nan"), "reason": "not finite"},
        {"variable": "treaty_signed", "value": 1, "reason": "not a bool"},
        {"variable": "treaty_signed", "delta": 1, "reason": "cannot add to a bool"},
        {"variable": "public_concern", "value": 5, "delta": 5, "reason": "both"},
        {"variable": "public_concern", "delta": 5},
        {"variable": "public_concern", "delta": 5, "reason": "x", "why": "unknown field"},
    ],
)
def test_a_ruling_naming_an_unknown_variable_or_a_bad_value_is_invalid_and_changes_nothing(
    cast: Cast, argument: Move, change: dict[str, Any]
) -> None:
    before = cast.seqs()

    with pytest.raises(Invalid):
        moves.rule_on_move(
            cast.facilitator, argument.public_id, outcome="success", changes=[change]
        )

    assert not Ruling.objects.exists()
    assert cast.seqs() == before


@pytest.mark.parametrize(
    "ruling",
    [{}, {"chance": 0.5, "outcome": "success"}, {"chance": 1.5}, {"outcome": "maybe"}],
)
def test_a_ruling_gives_a_chance_between_zero_and_one_or_an_outcome(
    cast: Cast, argument: Move, ruling: dict[str, Any]
) -> None:
    with pytest.raises(Invalid):
        moves.rule_on_move(cast.facilitator, argument.public_id, **ruling)
    assert not Ruling.objects.exists()


def test_only_the_facilitator_rules(cast: Cast, argument: Move) -> None:
    with pytest.raises(Forbidden):
        moves.rule_on_move(cast.openai, argument.public_id, outcome="failure")


def test_a_scripted_move_takes_no_ruling(cast: Cast) -> None:
    scripted, _ = moves.submit_move(cast.anthropic, "run_safety_evals", {})

    with pytest.raises(NotFound):
        moves.rule_on_move(cast.facilitator, scripted.public_id, outcome="success")


def test_a_ruling_is_visible_to_the_moves_role_but_not_to_others(
    cast: Cast, argument: Move
) -> None:
    moves.rule_on_move(cast.facilitator, argument.public_id, chance=0.3)

    assert "ruling.made" in [e["type"] for e in cast.visible("anthropic")]
    for seat in ("openai", "observer"):
        assert "ruling.made" not in [e["type"] for e in cast.visible(seat)]
