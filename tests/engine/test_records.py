"""Recorded moves and rulings (the export's shapes) back into engine values, and the one
check of a ruling's changes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from exercises.engine import (
    EVENT_TYPES,
    FREE_FORM,
    EngineEvent,
    Move,
    Rejected,
    Ruling,
    RulingBranch,
    Scenario,
    StateChange,
    check_ruling_changes,
    load_scenario,
    move_from_record,
    ruling_from_record,
)
from exercises.engine.audience import EVERYONE

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini.yaml"


@pytest.fixture(scope="module")
def mini() -> Scenario:
    return load_scenario(MINI)


def recorded_move(**fields: Any) -> dict[str, Any]:
    move = {"id": "m1", "role": "a", "action": "scale", "params": {}, "rationale": "Because."}
    return {**move, "status": "succeeded", "result": None, **fields}


def test_a_recorded_scripted_move_is_the_move_the_engine_played() -> None:
    move = move_from_record(recorded_move(action="fund", params={"lab": "b"}))

    assert move == Move("a", "fund", {"lab": "b"}, text="Because.", id="m1")


def test_a_recorded_free_form_move_carries_its_ruling() -> None:
    ruling = {
        "move": "m1",
        "chance": 0.25,
        "outcome": None,
        "narrative": "It works.",
        "failure_narrative": "It does not.",
        "changes": [{"variable": "risk", "delta": 3, "reason": "A ruling."}],
    }

    move = move_from_record(recorded_move(action=FREE_FORM), ruling)

    assert move.ruling == Ruling(
        chance=0.25,
        success=RulingBranch(
            "It works.", "It works.", (StateChange("risk", delta=3, reason="A ruling."),)
        ),
        failure=RulingBranch("It does not.", "It does not.", ()),
    )


def test_a_ruling_by_outcome_has_no_chance_and_a_seats_ruling_no_narrative() -> None:
    ruling = ruling_from_record({"move": "m1", "chance": None, "outcome": "failure"})

    assert (ruling.chance, ruling.outcome, ruling.failure.text) == (None, "failure", "")


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ("risk", "needs a variable"),
        ({"value": 1, "reason": "r"}, "needs a variable"),
        ({"variable": "risk", "value": 1}, "needs a reason"),
        ({"variable": "risk", "value": 1, "reason": " "}, "needs a reason"),
        ({"variable": "risk", "value": 1, "reason": "r", "why": "x"}, "no field 'why'"),
        ({"variable": "nothing", "value": 1, "reason": "r"}, "no variable 'nothing'"),
        ({"variable": "risk", "reason": "r"}, "not both or neither"),
        ({"variable": "risk", "value": 1, "delta": 1, "reason": "r"}, "not both or neither"),
        ({"variable": "risk", "value": "high", "reason": "r"}, "not a number"),
        ({"variable": "risk", "value": True, "reason": "r"}, "not a number"),
        ({"variable": "risk", "delta": float("inf"), "reason": "r"}, "not finite"),
        ({"variable": "a.paused", "delta": 1, "reason": "r"}, "true or false"),
    ],
)
def test_a_ruling_change_that_does_not_fit_its_variable_is_rejected(
    mini: Scenario, change: Any, words: str
) -> None:
    with pytest.raises(Rejected, match=words):
        check_ruling_changes(mini, [change])


def test_fitting_ruling_changes_are_kept_as_recorded_without_empty_fields(
    mini: Scenario,
) -> None:
    changes = [
        {"variable": "risk", "delta": -2, "value": None, "reason": "Audit."},
        {"variable": "a.paused", "value": True, "reason": "Ordered."},
    ]

    assert check_ruling_changes(mini, changes) == [
        {"variable": "risk", "delta": -2, "reason": "Audit."},
        {"variable": "a.paused", "value": True, "reason": "Ordered."},
    ]


def test_the_engine_emits_no_event_type_it_does_not_list() -> None:
    assert "inject" in EVENT_TYPES

    with pytest.raises(ValueError, match=r"'turn\.exploded'"):
        EngineEvent("turn.exploded", EVERYONE, {})
