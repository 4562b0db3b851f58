"""The inject timeline in a running exercise: an inject edited from the console fires with its
new words, one timed within its turn is sent by the sweep, one with a chance is rolled; the
export verifies every time, and what is the facilitator's (notes, what an inject tests) never
reaches another seat."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
import yaml

from exercises.engine import Scenario, load_scenario_text
from exercises.engine.replay import Difference, verify_export
from exercises.services import commands, creation, injects, turns
from exercises.services.errors import Forbidden, Invalid
from exercises.services.export import dumps, export_for
from tests.services.conftest import Cast, Clock

TIMELINE = [
    {
        "id": "ransom_email",
        "title": "Ransom note ({turn_label})",
        "text": "Public concern stands at {state.public_concern}.",
        "at_turn": 1,
        "to": ["anthropic"],
        "sender": "Unknown actor",
        "channel": "email",
        "expected_action": "Call the board.",
        "objective": "Crisis communication",
        "notes": "Hold the follow-up call until they ask.",
    },
    {
        "id": "press_call",
        "title": "A reporter calls",
        "text": "They have the red-team report.",
        "at_turn": 1,
        "after_minutes": 10,
        "channel": "phone",
    },
    {"id": "leak", "title": "Leak", "text": "A leak.", "at_turn": 2, "chance": 0.5},
]


def with_timeline(notes: bool = True) -> Scenario:
    data = yaml.safe_load(creation.bundled("ai-pause").source)
    timeline = [dict(i) for i in TIMELINE]
    if not notes:
        for inject in timeline:
            for field in ("notes", "expected_action", "objective"):
                inject.pop(field, None)
    data["injects"] += timeline
    data["turn_labels"] = {1: "Day 1, 08:00", 2: "Day 1, 14:00"}
    return load_scenario_text(yaml.safe_dump(data, sort_keys=False), "ai-pause-msel.yaml")


@pytest.fixture
def scenario() -> Scenario:
    return with_timeline()


def verified(cast: Cast) -> tuple[int, list[Difference]]:
    return verify_export(json.loads(dumps(export_for(cast.facilitator))))


def fired(cast: Cast) -> dict[str, dict[str, Any]]:
    return {e.data["inject"]: e.data for e in cast.events("inject")}


def test_an_inject_fires_with_its_row_and_its_templates_filled(cast: Cast) -> None:
    data = fired(cast)["ransom_email"]

    assert data["title"] == "Ransom note (Day 1, 08:00)"
    assert data["text"].startswith("Public concern stands at ")
    assert (data["sender"], data["channel"]) == ("Unknown actor", "email")
    [seen] = [e for e in cast.visible("anthropic") if e["data"].get("inject") == "ransom_email"]
    assert "notes" not in seen["data"] and "expected_action" not in seen["data"]
    assert seen["data"]["sender"] == "Unknown actor"


def test_an_edited_inject_fires_with_the_new_words_and_the_export_verifies(cast: Cast) -> None:
    changes = {"text": "The leak names {turn_label}.", "to": ["openai"]}

    injects.edit_inject(cast.facilitator, "leak", {**changes, "after_minutes": None})
    injects.edit_inject(cast.facilitator, "leak", {"sender": "Wire"})
    turns.close_turn(cast.facilitator)
    turns.open_next_turn(cast.facilitator)
    turns.close_turn(cast.facilitator)

    [edited, _] = cast.events("inject.edited")
    assert edited.data == {"inject": "leak", "changes": {**changes, "after_minutes": None}}
    assert edited.audience == {}
    assert verified(cast) == (2, [])


def test_an_edit_only_the_facilitator_may_make_and_only_to_an_unfired_inject(
    cast: Cast,
) -> None:
    with pytest.raises(Forbidden):
        injects.edit_inject(cast.anthropic, "leak", {"text": "Mine."})
    with pytest.raises(Invalid, match="has fired"):
        injects.edit_inject(cast.facilitator, "ransom_email", {"text": "Late."})
    with pytest.raises(Invalid, match="not a placeholder"):
        injects.edit_inject(cast.facilitator, "leak", {"text": "{state.nope}"})
    assert cast.events("inject.edited") == []


def test_a_timed_inject_is_sent_by_the_sweep_once_its_minute_has_come(
    clock: Clock, cast: Cast
) -> None:
    clock.advance(9 * 60)
    turns.sweep(clock.now())
    assert "press_call" not in fired(cast)

    clock.advance(60)
    assert turns.sweep(clock.now())["timed"] == 1
    assert turns.sweep(clock.advance(60))["timed"] == 0

    [call] = [e for e in cast.events("inject") if e.data["inject"] == "press_call"]
    assert (call.turn, call.data["channel"]) == (1, "phone")
    turns.close_turn(cast.facilitator)
    assert verified(cast) == (1, [])


def test_an_inject_with_a_chance_is_rolled_for_the_facilitator_and_the_export_verifies(
    cast: Cast,
) -> None:
    turns.close_turn(cast.facilitator)
    turns.open_next_turn(cast.facilitator)
    turns.close_turn(cast.facilitator)

    [rolled] = cast.events("inject.rolled")
    assert rolled.audience == {} and rolled.data["inject"] == "leak"
    assert ("leak" in fired(cast)) is rolled.data["draw"]["success"]
    assert verified(cast) == (2, [])


def play(create: Callable[..., Cast]) -> Cast:
    cast = create()
    commands.start(cast.facilitator)
    turns.close_turn(cast.facilitator)
    turns.open_next_turn(cast.facilitator)
    turns.close_turn(cast.facilitator)
    return cast


def seen_by(cast: Cast, seat: str) -> str:
    """What a seat sees of the exercise, without what differs between any two exercises."""
    export = json.loads(dumps(export_for(cast.seat(seat))))
    export.pop("exercise")
    text = json.dumps(export, sort_keys=True)
    return text.replace(cast.public_id, "ID")


def test_notes_and_what_an_inject_tests_change_nothing_any_other_seat_sees(
    committing: None, clock: Clock
) -> None:
    def create_with(notes: bool) -> Callable[..., Cast]:
        return lambda: Cast(creation.create_exercise(with_timeline(notes), "T", seed="s"))

    with_notes, without = play(create_with(True)), play(create_with(False))

    for seat in ("anthropic", "openai", "observer"):
        assert seen_by(with_notes, seat) == seen_by(without, seat)
        visible = [json.dumps(e["data"]) for e in with_notes.visible(seat)]
        assert not any("Hold the follow-up" in line for line in visible)
    assert seen_by(with_notes, "facilitator") != seen_by(without, "facilitator")


def test_verify_reports_an_opening_roll_that_is_not_the_one_the_dice_give(cast: Cast) -> None:
    turns.close_turn(cast.facilitator)
    turns.open_next_turn(cast.facilitator)
    turns.close_turn(cast.facilitator)
    export = json.loads(dumps(export_for(cast.facilitator)))
    [rolled] = [e for e in export["events"] if e["type"] == "inject.rolled"]

    rolled["data"]["draw"]["roll"] = 1 - rolled["data"]["draw"]["roll"]

    _, differences = verify_export(export)
    assert [(d.turn, d.what) for d in differences] == [(2, "injects' rolls at the opening")]
