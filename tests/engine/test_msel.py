"""The inject timeline (MSEL): what an inject carries besides its text, its templates, its
chance, its minute within the turn, and the facilitator's edits, all part of the engine's state
so that replay fires the same injects with the same words."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from exercises.engine import (
    Rejected,
    Scenario,
    ScenarioLoadError,
    State,
    edit_inject,
    fire_inject,
    fire_timed,
    initial_state,
    load_scenario_text,
    open_turn,
    schedule_inject,
)

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini.yaml"


def mini_with(*injects: dict[str, object], **top: object) -> str:
    data = yaml.safe_load(MINI.read_text())
    data["injects"] = list(injects)
    data.update(top)
    return yaml.safe_dump(data, sort_keys=False)


def load(*injects: dict[str, object], **top: object) -> Scenario:
    return load_scenario_text(mini_with(*injects, **top), "mini.yaml")


def opened(scenario: Scenario, turn: int, state: State | None = None, seed: int = 1) -> State:
    start = (state or initial_state(scenario)).evolve(turn=turn - 1, opened=turn - 1)
    return open_turn(scenario, start, seed).state


def events_of(scenario: Scenario, turn: int, seed: int = 1) -> list[tuple[str, dict]]:
    start = initial_state(scenario).evolve(turn=turn - 1, opened=turn - 1)
    return [(e.type, dict(e.data)) for e in open_turn(scenario, start, seed).events]


EMAIL = {
    "id": "ransom",
    "title": "Ransom note, {turn_label}",
    "text": "Capability stands at {state.capability} on turn {turn}.",
    "at_turn": 2,
    "to": ["gov"],
    "sender": "Unknown actor",
    "channel": "email",
    "expected_action": "Convene the crisis cell.",
    "objective": "Escalation",
    "notes": "Hold the phone call until they ask.",
}


def test_an_inject_carries_its_msel_row_and_fills_its_templates_as_it_fires() -> None:
    scenario = load(EMAIL, turn_labels={2: "Day 1, 14:00"})

    [(kind, data)] = events_of(scenario, 2)

    assert kind == "inject"
    assert data["title"] == "Ransom note, Day 1, 14:00"
    assert data["text"] == "Capability stands at 50 on turn 2."
    assert data["sender"] == "Unknown actor"
    assert data["channel"] == "email"
    assert data["notes"] == "Hold the phone call until they ask."


def test_an_inject_without_a_msel_row_is_recorded_as_before() -> None:
    scenario = load({"id": "news", "title": "News", "text": "Plain.", "at_turn": 1})

    assert events_of(scenario, 1) == [
        ("inject", {"inject": "news", "title": "News", "text": "Plain."})
    ]


def test_a_turn_without_a_label_fills_turn_label_with_its_number() -> None:
    scenario = load({**EMAIL, "title": "At {turn_label}"})

    assert events_of(scenario, 2)[0][1]["title"] == "At 2"


@pytest.mark.parametrize("name", ["state.risk", "state.nothing", "role", "turns"])
def test_an_unknown_or_hidden_placeholder_is_a_load_error_with_its_line(name: str) -> None:
    text = mini_with({**EMAIL, "text": f"Value {{{name}}}."})

    with pytest.raises(ScenarioLoadError) as caught:
        load_scenario_text(text, "mini.yaml")

    [error] = caught.value.errors
    assert error.where == "injects[0].text"
    assert error.line == text.splitlines().index(f"  text: Value {{{name}}}.") + 1
    assert f"{{{name}}} is not a placeholder" in error.message


def test_a_turn_label_past_the_last_turn_is_a_load_error() -> None:
    with pytest.raises(ScenarioLoadError, match="turns 1 to 3"):
        load(EMAIL, turn_labels=["a", "b", "c", "d"])


def test_an_inject_with_a_chance_is_rolled_with_the_seeded_dice_and_the_roll_recorded() -> None:
    scenario = load({**EMAIL, "chance": 0.5})

    outcomes = {}
    for seed in range(12):
        events = events_of(scenario, 2, seed)
        [roll] = [d for kind, d in events if kind == "inject.rolled"]
        fired = any(kind == "inject" for kind, _ in events)
        assert roll["inject"] == "ransom" and roll["draw"]["success"] is fired
        assert events == events_of(scenario, 2, seed)  # the same seed, the same roll
        outcomes[seed] = fired
    assert set(outcomes.values()) == {True, False}


def test_an_inject_whose_chance_fails_has_not_fired_and_may_be_sent_by_hand() -> None:
    scenario = load({**EMAIL, "chance": 0.0})

    state = opened(scenario, 2)

    assert "ransom" not in state.fired
    assert fire_inject(scenario, state, "ransom", 2).state.fired == ("ransom",)


def test_a_timed_inject_waits_for_its_minute_and_is_judged_once_a_turn() -> None:
    scenario = load({**EMAIL, "after_minutes": 10})
    state = opened(scenario, 2)
    assert "ransom" not in state.fired

    early = fire_timed(scenario, state, 1, 9.5)
    due = fire_timed(scenario, state, 1, 10)
    again = fire_timed(scenario, due.state, 1, 30)

    assert early.state is state and not early.events
    assert [e.type for e in due.events] == ["inject"]
    assert due.state.fired == ("ransom",) and due.state.tried == {"ransom": 2}
    assert again.state is due.state and not again.events


def test_a_timed_inject_whose_condition_fails_is_not_judged_again_that_turn() -> None:
    scenario = load({**EMAIL, "after_minutes": 5, "when": "state.tension > 5"})
    state = opened(scenario, 2)

    first = fire_timed(scenario, state, 1, 6)
    tense = first.state.evolve(values={**first.state.values, "tension": 9})

    assert not first.events and first.state.tried == {"ransom": 2}
    assert not fire_timed(scenario, tense, 1, 7).events


def test_an_edited_inject_fires_with_the_facilitators_words() -> None:
    scenario = load(EMAIL)
    changes = {"text": "Now at {state.capability}.", "to": ["a"], "notes": "changed"}

    state = edit_inject(scenario, initial_state(scenario), "ransom", changes)
    fired = open_turn(scenario, state.evolve(turn=1, opened=1), 1)

    [event] = fired.events
    assert event.data["text"] == "Now at 50."
    assert event.data["notes"] == "changed"
    assert list(event.audience.roles) == ["a"]
    assert State.from_dict(state.to_dict()) == state


def test_an_edit_can_move_an_inject_within_its_turn() -> None:
    scenario = load(EMAIL)
    state = edit_inject(scenario, initial_state(scenario), "ransom", {"after_minutes": 15})

    assert "ransom" not in opened(scenario, 2, state).fired
    assert "ransom" in fire_timed(scenario, opened(scenario, 2, state), 1, 15).state.fired


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"effects": {}}, "cannot be edited"),
        ({"text": "{state.risk}"}, "is not a placeholder"),
        ({"to": ["nobody"]}, "no role or tag"),
        ({"channel": "pigeon"}, "channel"),
    ],
)
def test_an_edit_that_would_not_load_is_refused(changes: dict[str, object], reason: str) -> None:
    scenario = load(EMAIL)

    with pytest.raises(Rejected, match=reason):
        edit_inject(scenario, initial_state(scenario), "ransom", changes)


def test_a_fired_inject_cannot_be_edited() -> None:
    scenario = load(EMAIL)

    with pytest.raises(Rejected, match="has fired"):
        edit_inject(scenario, opened(scenario, 2), "ransom", {"text": "late"})


def test_an_inject_the_facilitator_moved_fires_on_its_new_turn_whatever_its_chance() -> None:
    scenario = load({**EMAIL, "chance": 0.0})
    state = schedule_inject(scenario, initial_state(scenario), "ransom", 3)

    assert "ransom" in opened(scenario, 3, state).fired


def test_an_inject_with_conditional_effects_can_be_edited_and_keeps_them() -> None:
    effects = {"if": [{"when": "state.tension < 5", "then": {"add": {"tension": 3}}}]}
    scenario = load({**EMAIL, "effects": effects})

    state = edit_inject(scenario, initial_state(scenario), "ransom", {"title": "Edited"})

    assert opened(scenario, 2, state).values["tension"] == 5
