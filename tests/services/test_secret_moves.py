"""A secret move (ai-pause's pause button) as the use cases record it: its role and the
facilitator learn of it, nobody else does, and it changes nobody's readiness.

tests/secrets/ compares every other seat's whole views with and without the press; these
tests pin the rules behind that: the events' audiences and the readiness they leave alone.
"""

from __future__ import annotations

from exercises.services import moves, projection
from tests.services.conftest import Cast

OTHERS = ("openai", "gdm", "observer")
MOVE_EVENTS = ("move.submitted", "move.withdrawn", "role.ready", "role.unready")


def move_events(cast: Cast, seat: str) -> list[str]:
    return [e["type"] for e in cast.visible(seat) if e["type"] in MOVE_EVENTS]


def submitted(cast: Cast, seat: str) -> bool:
    roles = projection.exercise_view(cast.seat(seat))["roles"]
    return bool(next(r for r in roles if r["id"] == "anthropic")["submitted"])


def test_a_pressed_button_is_known_to_its_role_and_the_facilitator_only(cast: Cast) -> None:
    moves.submit_move(cast.anthropic, "press_pause_button", {}, "", "press")

    assert move_events(cast, "anthropic") == move_events(cast, "facilitator") == ["move.submitted"]
    assert submitted(cast, "anthropic") and submitted(cast, "facilitator")
    for seat in OTHERS:
        assert move_events(cast, seat) == [], seat
        assert not submitted(cast, seat), seat


def test_a_press_after_declaring_ready_leaves_the_role_in(cast: Cast) -> None:
    moves.declare_ready(cast.anthropic)

    moves.submit_move(cast.anthropic, "press_pause_button", {}, "", "press")

    assert "anthropic" in cast.turn().ready
    assert move_events(cast, "observer") == ["role.ready"]


def test_a_withdrawn_press_tells_nobody_else_and_leaves_the_role_in(cast: Cast) -> None:
    press, _ = moves.submit_move(cast.anthropic, "press_pause_button", {}, "", "press")
    moves.declare_ready(cast.anthropic)

    moves.withdraw_move(cast.anthropic, press.public_id)

    assert "anthropic" in cast.turn().ready
    assert move_events(cast, "anthropic") == ["move.submitted", "role.ready", "move.withdrawn"]
    for seat in OTHERS:
        assert move_events(cast, seat) == ["role.ready"], seat


def test_an_ordinary_move_is_still_announced_to_everyone_as_made(cast: Cast) -> None:
    moves.submit_move(cast.anthropic, "run_safety_evals", {}, "", "evals")

    [event] = [e for e in cast.visible("observer") if e["type"] == "move.submitted"]
    assert event["data"] == {"role": "anthropic"}
    assert submitted(cast, "observer")


def test_a_seats_last_seq_is_that_of_the_last_event_it_may_see(cast: Cast) -> None:
    before = projection.exercise_view(cast.observer)["last_seq"]

    moves.submit_move(cast.anthropic, "press_pause_button", {}, "", "press")

    assert projection.exercise_view(cast.observer)["last_seq"] == before
    assert projection.exercise_view(cast.facilitator)["last_seq"] == cast.seqs()[-1]
    assert projection.exercise_view(cast.anthropic)["last_seq"] == cast.seqs()[-1]
