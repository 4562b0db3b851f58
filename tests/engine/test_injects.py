"""An inject does the same whoever fires it: the schedule as a turn opens, or the facilitator.

Every inject of both bundled scenarios (and of tests/fixtures/mini.yaml, whose `alarm`
publishes a variable) is fired both ways from a state where it, and only it, is due: the
states, events and narrative must be the same, and once fired by hand it does not fire again
on its own turn or condition.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from exercises.engine import (
    Rejected,
    Scenario,
    State,
    fire_inject,
    initial_state,
    load_bundled_scenarios,
    load_scenario,
    open_turn,
)
from exercises.engine.schema import InjectSpec

SEED = 11
MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini.yaml"

# What makes each inject due besides its turn: values for which its `when` holds. A new
# inject needs a line here (a test below fails until it has one).
DUE: dict[str, dict[str, dict[str, Any]]] = {
    "ai-pause": {
        "red_team_report": {},
        "investor_letter": {"anthropic.paused": True, "anthropic.valuation_busd": 250.0},
        "underground_incident": {"underground_incidents_per_year": 6.0},
        "scary_demo": {"misalignment_risk": 75},
        "midterm_pressure": {},
    },
    "lab-crisis": {
        "the_finding": {},
        "three_weeks_in": {},
        "back_channel": {},
        "lead_halved": {"lead_weeks": 3.0, "deployed": False},
        "press_cycle": {"leaked": True},
    },
    "hospital-ransomware": {
        "the_note": {},
        "press_calls": {},
        "leak_site_post": {"ransom_paid": False},
        "regulator_asks": {"regulator_notified": False},
        "family_to_press": {"patient_harm": 50},
    },
    "mini": {"news": {}, "alarm": {"tension": 9}},
}


def scenarios() -> dict[str, Scenario]:
    return {**load_bundled_scenarios(), "mini": load_scenario(MINI)}


def cases() -> list[tuple[str, str]]:
    return [(sid, iid) for sid, injects in DUE.items() for iid in injects]


def inject_of(scenario: Scenario, inject_id: str) -> InjectSpec:
    return next(i for i in scenario.spec.injects if i.id == inject_id)


def due(scenario: Scenario, inject_id: str) -> State:
    """The state a turn opens from with this inject due and every other one spent."""
    inject = inject_of(scenario, inject_id)
    start = initial_state(scenario)
    turn = inject.at_turn or 1
    values = {**start.values, **DUE[scenario.id][inject_id]}
    others = tuple(i.id for i in scenario.spec.injects if i.id != inject_id)
    return start.evolve(values=values, turn=turn - 1, opened=turn - 1, fired=others)


def test_every_inject_of_the_scenarios_has_a_state_in_which_it_is_due() -> None:
    listed = {sid: set(injects) for sid, injects in DUE.items()}
    found = {sid: {i.id for i in s.spec.injects} for sid, s in scenarios().items()}

    assert listed == found


@pytest.mark.parametrize(("scenario_id", "inject_id"), cases())
def test_an_inject_fired_by_hand_is_the_inject_the_schedule_fires(
    scenario_id: str, inject_id: str
) -> None:
    scenario = scenarios()[scenario_id]
    state = due(scenario, inject_id)
    turn = state.turn + 1

    scheduled = open_turn(scenario, state, SEED)
    by_hand = fire_inject(scenario, state, inject_id, turn)

    assert [e.data["inject"] for e in scheduled.events] == [inject_id]
    assert by_hand.events == scheduled.events
    assert by_hand.narrative == scheduled.narrative
    assert by_hand.state.evolve(opened=turn) == scheduled.state
    assert inject_id in by_hand.state.fired


@pytest.mark.parametrize(("scenario_id", "inject_id"), cases())
def test_an_inject_fired_by_hand_does_not_fire_again_on_its_own(
    scenario_id: str, inject_id: str
) -> None:
    scenario = scenarios()[scenario_id]
    state = due(scenario, inject_id)
    early = state.evolve(turn=state.turn - 1, opened=state.turn - 1) if state.turn else state

    sent = fire_inject(scenario, early, inject_id, early.turn + 1).state
    later = open_turn(scenario, sent.evolve(turn=state.turn, opened=state.opened), SEED)

    assert inject_id not in [e.data.get("inject") for e in later.events]


def test_an_inject_sent_by_hand_publishes_what_it_publishes() -> None:
    mini = load_scenario(MINI)

    sent = fire_inject(mini, initial_state(mini), "alarm", 1)

    assert sent.state.seen["risk"] == ("*",)
    assert initial_state(mini).seen.get("risk") is None


def test_an_inject_to_everyone_joins_the_narrative_one_to_roles_does_not() -> None:
    mini = load_scenario(MINI)

    public = fire_inject(mini, initial_state(mini), "news", 1)
    private = fire_inject(mini, initial_state(mini), "alarm", 1)

    assert public.narrative == ("News: Something happens.",)
    assert private.narrative == ()


def test_an_unknown_inject_is_rejected_by_name() -> None:
    mini = load_scenario(MINI)

    with pytest.raises(Rejected, match="'nothing'"):
        fire_inject(mini, initial_state(mini), "nothing", 1)
