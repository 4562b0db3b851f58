"""Bots play their seats, and a turn closes without waiting once every role is in."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from exercises.models import Exercise, Turn
from exercises.services import commands, moves, turns
from exercises.services.errors import Forbidden, Invalid
from tests.services.conftest import OTHERS, Cast


@pytest.fixture
def with_bots(create: Callable[..., Cast]) -> Cast:
    """Started, with bots playing every role but anthropic and openai."""
    cast = create(bots=dict.fromkeys(OTHERS, "no-pause"))
    commands.start(cast.facilitator)
    return cast


def fill(cast: Cast, role: str) -> None:
    """Two moves: the role's limit for the turn."""
    seat = cast.seat(role)
    moves.submit_move(seat, "run_safety_evals", {})
    moves.submit_move(seat, "mobilize_crisis_team", {})


def test_bots_play_their_seats_on_every_turn_that_opens(with_bots: Cast) -> None:
    # turn 1: every bot has moved and is in
    assert {m.role for m in with_bots.moves()} == set(OTHERS)
    assert sorted(with_bots.turn().ready) == sorted(OTHERS)

    # when
    turns.close_turn(with_bots.facilitator)
    turns.open_next_turn(with_bots.facilitator)

    # then turn 2 too
    turn = with_bots.turn()
    assert turn.number == 2
    assert {m.role for m in with_bots.moves(turn=turn)} == set(OTHERS)
    assert sorted(turn.ready) == sorted(OTHERS)


def test_the_turn_closes_once_every_role_has_filled_its_moves(with_bots: Cast) -> None:
    fill(with_bots, "anthropic")
    assert with_bots.turn().phase == Turn.Phase.OPEN

    fill(with_bots, "openai")

    assert with_bots.turn(1).phase == Turn.Phase.RESOLVED
    [closed] = with_bots.events("turn.closed")
    assert closed.data["reason"] == "everyone is in"


def test_a_role_that_declares_itself_ready_counts_as_in(with_bots: Cast) -> None:
    moves.submit_move(with_bots.anthropic, "run_safety_evals", {})
    moves.declare_ready(with_bots.anthropic)
    assert with_bots.turn().phase == Turn.Phase.OPEN

    moves.declare_ready(with_bots.openai)  # no move at all this month

    assert with_bots.turn(1).phase == Turn.Phase.RESOLVED


def test_an_unruled_free_form_move_keeps_the_turn_open_until_it_is_ruled_on(
    with_bots: Cast,
) -> None:
    # given everyone is in, but one move is free-form and nobody has ruled on it
    argument = with_bots.free_form("anthropic", "We offer the AISI full weights access.")
    moves.submit_move(with_bots.anthropic, "run_safety_evals", {})
    fill(with_bots, "openai")
    turn = with_bots.turn()
    assert sorted(turn.ready) == sorted([*OTHERS, "anthropic", "openai"])
    assert turn.phase == Turn.Phase.OPEN

    # when the facilitator rules
    moves.rule_on_move(with_bots.facilitator, argument.public_id, outcome="success")

    # then
    assert with_bots.turn(1).phase == Turn.Phase.RESOLVED


def test_withdrawing_a_move_makes_the_role_not_ready_again(with_bots: Cast) -> None:
    # given
    moves.submit_move(with_bots.anthropic, "run_safety_evals", {})
    second, _ = moves.submit_move(with_bots.anthropic, "mobilize_crisis_team", {})
    assert "anthropic" in with_bots.turn().ready

    # when
    moves.withdraw_move(with_bots.anthropic, second.public_id)
    fill(with_bots, "openai")

    # then
    turn = with_bots.turn()
    assert "anthropic" not in turn.ready
    assert turn.phase == Turn.Phase.OPEN
    assert [e.data["role"] for e in with_bots.events("role.unready")] == ["anthropic"]


def test_a_role_cannot_make_more_moves_than_the_limit_but_free_actions_do_not_count(
    cast: Cast,
) -> None:
    fill(cast, "anthropic")

    with pytest.raises(Invalid) as refused:
        moves.submit_move(cast.anthropic, "apply_steering_vectors", {})
    moves.submit_move(cast.anthropic, "press_pause_button", {})

    assert refused.value.code == "move_rejected"
    assert len(cast.moves(role="anthropic")) == 3


def test_a_human_cannot_move_for_a_bot(with_bots: Cast) -> None:
    with pytest.raises(Forbidden):
        moves.submit_move(with_bots.seat("gdm"), "run_safety_evals", {})


def test_an_exercise_played_by_bots_alone_with_auto_advance_runs_to_its_end(
    create: Callable[..., Cast],
) -> None:
    bots = dict.fromkeys(("anthropic", "openai", *OTHERS), "all-labs-pause")
    cast = create(bots=bots, auto_advance=True)

    commands.start(cast.facilitator)

    exercise = cast.exercise()
    assert exercise.status == Exercise.Status.FINISHED
    assert exercise.ending
    assert [t.number for t in exercise.turns.order_by("number")] == list(range(1, 13))
    closes = cast.events("turn.closed")
    assert {e.data["reason"] for e in closes} == {"everyone is in"}
    assert cast.seqs() == list(range(1, exercise.last_seq + 1))


def test_the_view_says_who_has_moved_and_who_is_in(with_bots: Cast) -> None:
    from exercises.services import projection

    moves.submit_move(with_bots.seat("anthropic"), "run_safety_evals", {})

    roles = {r["id"]: r for r in projection.exercise_view(with_bots.observer)["roles"]}

    assert (roles["anthropic"]["submitted"], roles["anthropic"]["ready"]) == (True, False)
    assert (roles["openai"]["submitted"], roles["openai"]["ready"]) == (False, False)
    assert (roles["gdm"]["submitted"], roles["gdm"]["ready"]) == (True, True)
