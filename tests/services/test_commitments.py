"""Conditional commitments end to end: the pause button, secret until two labs press it."""

from __future__ import annotations

from typing import Any

import pytest

from exercises.services import messages, moves, projection, turns
from exercises.services.errors import Forbidden
from tests.services.conftest import SEATS, Cast

PRESSERS = ("anthropic", "openai")


def press(cast: Cast, role: str) -> None:
    moves.submit_move(cast.seat(role), "press_pause_button", {})


def commitment_events(cast: Cast, seat: str) -> list[dict[str, Any]]:
    return [e for e in cast.visible(seat) if str(e["type"]).startswith("commitment.")]


@pytest.fixture
def pressed_once(cast: Cast) -> Cast:
    """Month one: anthropic alone pressed the button."""
    press(cast, "anthropic")
    turns.close_turn(cast.facilitator)
    return cast


@pytest.fixture
def met(pressed_once: Cast) -> Cast:
    """Month two: openai pressed it too."""
    turns.open_next_turn(pressed_once.facilitator)
    press(pressed_once, "openai")
    turns.close_turn(pressed_once.facilitator)
    return pressed_once


def test_one_press_is_known_to_the_facilitator_only(pressed_once: Cast) -> None:
    [signal] = commitment_events(pressed_once, "facilitator")
    assert signal["type"] == "commitment.signal"
    for seat in SEATS:
        if seat != "facilitator":
            assert commitment_events(pressed_once, seat) == [], seat


def test_one_press_shows_in_no_other_seats_view(pressed_once: Cast) -> None:
    view = projection.exercise_view(pressed_once.openai)
    assert view["me"]["commitments"]["pause_button"] == {
        "committed": [],
        "met": False,
        "mine": False,
    }
    assert "commitments" not in projection.exercise_view(pressed_once.observer)
    facilitator = projection.exercise_view(pressed_once.facilitator)
    assert facilitator["commitments"]["pause_button"]["committed"] == ["anthropic"]


def test_the_channel_is_closed_until_the_commitment_is_met(pressed_once: Cast) -> None:
    before = pressed_once.seqs()

    with pytest.raises(Forbidden):
        messages.post_message(pressed_once.anthropic, [], "Anyone there?", channel="pause_button")

    assert pressed_once.seqs() == before


def test_a_second_press_tells_exactly_the_two_pressers(met: Cast) -> None:
    for seat in SEATS:
        seen = commitment_events(met, seat)
        met_events = [e for e in seen if e["type"] == "commitment.met"]
        if seat in (*PRESSERS, "facilitator"):
            [event] = met_events
            assert event["data"]["members"] == list(PRESSERS)
            assert event["data"]["channel"] == "pause_button"
        else:
            assert seen == [], seat
    gdm = projection.exercise_view(met.seat("gdm"))
    assert gdm["me"]["commitments"]["pause_button"]["committed"] == []
    anthropic = projection.exercise_view(met.anthropic)
    assert anthropic["me"]["commitments"]["pause_button"] == {
        "committed": list(PRESSERS),
        "met": True,
        "mine": True,
    }


def test_the_members_talk_on_the_channel_and_only_they_hear_it(met: Cast) -> None:
    # when both members and the facilitator post on the channel
    for sender in (*PRESSERS, "facilitator"):
        messages.post_message(met.seat(sender), [], f"{sender} here.", channel="pause_button")

    # then exactly the members and the facilitator see the three messages
    for seat in SEATS:
        posted = [e for e in met.visible(seat) if e["type"] == "message.posted"]
        if seat in (*PRESSERS, "facilitator"):
            assert [e["data"]["body"] for e in posted] == [
                "anthropic here.",
                "openai here.",
                "facilitator here.",
            ], seat
            assert {e["data"]["channel"] for e in posted} == {"pause_button"}
        else:
            assert posted == [], seat


@pytest.mark.parametrize("outsider", ["gdm", "meta", "congress", "observer"])
def test_others_cannot_post_on_the_channel(met: Cast, outsider: str) -> None:
    before = met.seqs()

    with pytest.raises(Forbidden):
        messages.post_message(met.seat(outsider), [], "Let me in.", channel="pause_button")

    assert met.seqs() == before
