"""The facilitator's hand on the exercise: replacing a seat, and setting a value by hand."""

from __future__ import annotations

import json
from typing import Any

import pytest

from exercises.models import Exercise, Move, Seat
from exercises.services import commands, export, moves, projection, restore, seats, turns
from exercises.services.errors import Forbidden, Invalid, Unauthorized
from tests.services.conftest import Cast


def test_giving_a_role_to_a_bot_makes_the_bot_move(cast: Cast) -> None:
    # when the openai player has left
    token = commands.replace_seat(cast.facilitator, "openai", "no-pause")

    # then a bot plays openai's turn, in a seat of its own that nobody holds a token to
    assert token is None
    played = cast.moves(role="openai")
    assert played
    assert {m.seat.bot_policy for m in played} == {"no-pause"}
    assert "openai" in cast.turn().ready
    [replaced] = cast.events("seat.replaced")
    assert replaced.data == {"role": "openai", "bot": "no-pause"}
    assert replaced.audience == {}  # which roles bots play is the facilitator's alone


def test_giving_a_role_to_a_bot_revokes_the_old_seat(cast: Cast) -> None:
    old = cast.tokens["openai"]

    commands.replace_seat(cast.facilitator, "openai", "no-pause")

    with pytest.raises(Unauthorized):
        seats.authenticate(cast.public_id, old)
    with pytest.raises(Unauthorized):
        seats.seat_by_token(old)


def test_a_bot_given_a_role_keeps_playing_it_on_later_turns(cast: Cast) -> None:
    commands.replace_seat(cast.facilitator, "openai", "no-pause")
    turns.close_turn(cast.facilitator)

    turns.open_next_turn(cast.facilitator)

    assert cast.moves(role="openai", turn=cast.turn())


def test_a_bot_given_a_role_during_a_pause_plays_once_the_exercise_resumes(cast: Cast) -> None:
    commands.pause(cast.facilitator)
    commands.replace_seat(cast.facilitator, "openai", "no-pause")

    commands.resume(cast.facilitator)

    assert cast.moves(role="openai")


def test_giving_a_role_a_new_token_revokes_the_old_one(cast: Cast) -> None:
    old = cast.tokens["openai"]

    new = commands.replace_seat(cast.facilitator, "openai", None)

    assert new is not None and new != old
    with pytest.raises(Unauthorized):
        seats.authenticate(cast.public_id, old)
    with pytest.raises(Unauthorized):
        seats.seat_by_token(old)
    seat = seats.authenticate(cast.public_id, new)
    assert seat.name == "openai"
    move, _ = moves.submit_move(seat, "run_safety_evals", {})
    assert move.role == "openai"
    assert Seat.objects.filter(exercise=seat.exercise, role="openai", revoked_at=None).count() == 1


def test_a_seat_revoked_while_its_request_waits_for_the_lock_cannot_move(cast: Cast) -> None:
    # given a request that authenticated as openai, then waited while the seat was replaced
    in_flight = cast.openai
    commands.replace_seat(cast.facilitator, "openai", None)

    # when it reaches the lock
    with pytest.raises((Unauthorized, Forbidden)):
        moves.submit_move(in_flight, "run_safety_evals", {})

    # then
    assert not Move.objects.exists()


def test_only_the_facilitator_replaces_seats(cast: Cast) -> None:
    with pytest.raises(Forbidden):
        commands.replace_seat(cast.anthropic, "openai", None)
    seats.authenticate(cast.public_id, cast.tokens["openai"])


@pytest.mark.parametrize(("role", "policy"), [("nobody", None), ("openai", "no-such-policy")])
def test_replacing_an_unknown_role_or_with_an_unknown_policy_is_invalid(
    cast: Cast, role: str, policy: str | None
) -> None:
    with pytest.raises(Invalid):
        commands.replace_seat(cast.facilitator, role, policy)
    seats.authenticate(cast.public_id, cast.tokens["openai"])


def test_set_state_changes_the_value_and_records_the_reason_for_the_facilitator_only(
    cast: Cast,
) -> None:
    # when
    commands.set_state(cast.facilitator, "public_concern", 55, "a documentary aired")

    # then
    assert cast.exercise().state["values"]["public_concern"] == 55
    [event] = cast.events("state.set")
    assert event.data == {
        "variable": "public_concern",
        "value": 55,
        "reason": "a documentary aired",
    }
    assert [e["type"] for e in cast.visible("facilitator")][-2:] == ["state.set", "state.changed"]
    for seat in ("anthropic", "openai", "observer"):
        assert "state.set" not in [e["type"] for e in cast.visible(seat)]


def test_every_seat_that_may_see_a_value_set_by_hand_is_told_its_new_value_at_once(
    cast: Cast,
) -> None:
    # when the facilitator sets a public value, one of openai's own and a hidden one
    commands.set_state(cast.facilitator, "public_concern", 55, "a documentary aired")
    commands.set_state(cast.facilitator, "openai.valuation_busd", 420.5, "a down round")
    commands.set_state(cast.facilitator, "misalignment_risk", 60, "the red team found more")

    # then each seat is told the values it may see, never the reason
    def told(seat: str) -> list[dict[str, Any]]:
        return [e["data"] for e in cast.visible(seat) if e["type"] == "state.changed"]

    public = {"variable": "public_concern", "value": 55}
    private = {"variable": "openai.valuation_busd", "value": 420.5}
    assert told("observer") == [public]
    assert told("anthropic") == [public]
    assert told("openai") == [public, private]
    assert told("facilitator") == [public, private]


def test_set_state_on_a_role_variable_and_a_bool(cast: Cast) -> None:
    commands.set_state(cast.facilitator, "openai.valuation_busd", 420.5, "a down round")
    commands.set_state(cast.facilitator, "treaty_signed", True, "scripted for the debrief")

    values = cast.exercise().state["values"]
    assert (values["openai.valuation_busd"], values["treaty_signed"]) == (420.5, True)


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("public_concern", 250, "public_concern must be between 0 and 100"),
        ("public_concern", -1, "public_concern must be between 0 and 100"),
        ("openai.valuation_busd", -5.5, "openai.valuation_busd must be at least 0"),
    ],
)
def test_set_state_refuses_a_value_outside_its_bounds_and_says_them(
    cast: Cast, variable: str, value: float, message: str
) -> None:
    before = (cast.exercise().state, cast.seqs())

    with pytest.raises(Invalid, match=message):
        commands.set_state(cast.facilitator, variable, value, "panic")

    assert (cast.exercise().state, cast.seqs()) == before


def test_set_state_takes_a_value_on_its_bounds(cast: Cast) -> None:
    commands.set_state(cast.facilitator, "public_concern", 100, "panic")

    assert cast.exercise().state["values"]["public_concern"] == 100


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("public_mood", 5),
        ("public_concern", "high"),
        ("public_concern", True),
        ("public_concern", None),
        ("treaty_signed", 1),
        ("treaty_signed", "yes"),
    ],
)
def test_set_state_rejects_unknown_variables_and_wrong_types(
    cast: Cast, variable: str, value: Any
) -> None:
    before = (cast.exercise().state, cast.seqs())

    with pytest.raises(Invalid):
        commands.set_state(cast.facilitator, variable, value, "because")

    assert (cast.exercise().state, cast.seqs()) == before


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("public_concern", float("nan")),
        ("regulatory_pressure", float("inf")),
        ("regulatory_pressure", float("nan")),
    ],
)
def test_set_state_rejects_a_value_that_is_not_a_finite_number(
    cast: Cast, variable: str, value: float
) -> None:
    before = cast.exercise().state

    with pytest.raises(Invalid):
        commands.set_state(cast.facilitator, variable, value, "because")

    assert cast.exercise().state == before


def test_set_state_needs_a_reason_and_the_facilitator(cast: Cast) -> None:
    with pytest.raises(Invalid):
        commands.set_state(cast.facilitator, "public_concern", 50, "  ")
    with pytest.raises(Forbidden):
        commands.set_state(cast.anthropic, "public_concern", 50, "I wish")
    assert cast.exercise().state["values"]["public_concern"] == 30
    assert Exercise.objects.count() == 1


def test_only_the_facilitator_learns_which_roles_bots_play(create: Any) -> None:
    # given an exercise created with bots for gdm and meta
    cast = create(bots={"gdm": "no-pause", "meta": "no-pause"})

    # when each seat reads the log and its view
    seen = {name: cast.visible(name) for name in ("facilitator", "observer", "openai")}
    views = {name: projection.exercise_view(cast.seat(name)) for name in seen}

    # then the facilitator's event names them, and every other seat's names no bot
    [created] = [e for e in seen["facilitator"] if e["type"] == "exercise.created"]
    assert created["data"]["bots"] == ["gdm", "meta"]
    for name in ("observer", "openai"):
        [created] = [e for e in seen[name] if e["type"] == "exercise.created"]
        assert created["data"] == {"name": "The Pause, tested", "scenario": "ai-pause"}
        assert "no-pause" not in json.dumps([seen[name], views[name]])
        assert all(
            set(role) == {"id", "name", "submitted", "ready"} for role in views[name]["roles"]
        )


def test_a_bot_given_a_role_mid_turn_leaves_its_players_moves_as_the_roles(cast: Cast) -> None:
    # given openai's player made one move and left
    moves.submit_move(cast.openai, "run_safety_evals", {}, "", "evals")

    # when the role goes to a bot
    commands.replace_seat(cast.facilitator, "openai", "no-pause")

    # then the bot waits for the next turn rather than adding to the player's
    assert [m.action for m in cast.moves(role="openai")] == ["run_safety_evals"]


def test_a_role_given_to_a_bot_is_exported_and_imported_exactly(cast: Cast) -> None:
    # given openai handed to a bot, which plays a turn
    commands.replace_seat(cast.facilitator, "openai", "no-pause")
    turns.close_turn(cast.facilitator)
    before = export.dumps(export.export_for(cast.facilitator))

    # when the exercise is imported from its export
    Exercise.objects.filter(public_id=cast.public_id).delete()
    created = restore.import_exercise(json.loads(before))

    # then it holds both of openai's seats, the player's revoked, and exports the same bytes
    facilitator = seats.seat_by_token(created.tokens["facilitator"])
    assert export.dumps(export.export_for(facilitator)) == before
    openai = [s for s in json.loads(before)["seats"] if s["name"] == "openai"]
    assert [(s["bot_policy"], s["revoked_at"] is None) for s in openai] == [
        (None, False),
        ("no-pause", True),
    ]
