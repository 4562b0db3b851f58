"""The case book of `hospital-ransomware`: each rule of the scenario as a case (HR.n), played
through the engine, and the odds its policies give (docs/casebook.md)."""

from __future__ import annotations

from typing import Any

import pytest

from exercises.engine import (
    ANSWER_OFFER,
    Move,
    Outcome,
    Scenario,
    State,
    adjudicate,
    initial_state,
    load_bundled_scenarios,
    open_turn,
    simulate,
    visible_objectives,
    visible_values,
)

SEED = "casebook"


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_bundled_scenarios()["hospital-ransomware"]


def day(scenario: Scenario, state: State, *moves: Move, seed: str = SEED) -> Outcome:
    return adjudicate(scenario, open_turn(scenario, state, seed).state, moves, seed)


def start(scenario: Scenario, **values: Any) -> State:
    state = initial_state(scenario)
    return state.evolve(values={**state.values, **values})


def private(outcome: Outcome, role: str) -> list[str]:
    return [line.text for line in outcome.lines if role in line.audience.roles]


def test_hr_1_restoring_unchecked_backups_can_bring_the_attackers_back(scenario: Scenario) -> None:
    # The unchecked restore is a coin toss (chance 0.5); over seeds both sides come up.
    outcomes = [
        day(scenario, start(scenario), Move("ciso", "restore_systems", {}), seed=f"s{n}")
        for n in range(12)
    ]
    results = {o.results[0].success for o in outcomes}
    failed = next(o for o in outcomes if not o.results[0].success)

    assert results == {True, False}
    assert failed.state.values["restored"] == 0
    assert failed.state.values["attacker_inside"] is True
    assert "A restore at St. Brigid's fails and systems go down again." in failed.narrative


def test_hr_2_checked_but_infected_backups_restore_only_what_can_be_verified(
    scenario: Scenario,
) -> None:
    state = start(scenario, backups_checked=True, backups_clean=False)

    outcome = day(scenario, state, Move("ciso", "restore_systems", {}))

    assert outcome.results[0].text == "Only the servers you could verify come back."
    assert outcome.state.values["restored"] == 5
    assert outcome.state.later == ()


def test_hr_3_clean_backups_restore_now_and_settle_the_next_day(scenario: Scenario) -> None:
    state = start(scenario, backups_checked=True, backups_clean=True)

    first = day(scenario, state, Move("ciso", "restore_systems", {}))
    second = day(scenario, first.state)

    assert (first.state.values["restored"], second.state.values["restored"]) == (15, 25)
    assert "The restored systems settle; more wards come back." in private(second, "ciso")


def test_hr_4_the_ransom_offer_is_the_chief_executives_alone_and_paying_works_slowly(
    scenario: Scenario,
) -> None:
    demand = Move("attacker", "demand_ransom", {"victim": "ceo", "price": 3.0})
    first = day(scenario, start(scenario), demand)

    told = [(line.text, line.audience.roles) for line in first.lines if line.audience.roles]
    assert len(told) == 1 and told[0][1] == ("ceo",) and "3.0 million" in told[0][0]
    [offer] = first.state.offers
    paid = day(
        scenario, first.state, Move("ceo", ANSWER_OFFER, {"offer": offer["id"], "accept": True})
    )
    third = day(scenario, paid.state)
    fourth = day(scenario, third.state)

    assert paid.state.values["ransom_paid"] is True
    assert paid.state.values["ceo.funds"] == 3.0
    assert [fourth.state.values["restored"] - v for v in (0,)] and third.state.values[
        "restored"
    ] >= 25
    # the group names its payers: the press has it two days after the payment
    assert "Reports: St. Brigid's paid the Black Lantern ransom." in fourth.narrative
    # and the chief executive's objective of not paying is no longer met
    [goal] = [
        o
        for o in visible_objectives(scenario, fourth.state, "ceo")["ceo"]
        if o["id"] == "no_ransom"
    ]
    assert goal["met"] is False


def test_hr_5_a_late_breach_report_costs_a_fine_and_trust_once(scenario: Scenario) -> None:
    state = initial_state(scenario)
    trust = []
    for _ in range(4):
        state = day(scenario, state).state
        trust.append(state.values["public_trust"])

    fined = [t for t in state.used if t == "rule:late_report_fine:*"]
    assert fined and state.values["ceo.funds"] == 5.0
    assert trust[2] - trust[1] == -8 and trust[3] == trust[2]


def test_hr_6_leaked_records_cost_trust_every_day_until_patients_are_told(
    scenario: Scenario,
) -> None:
    state = start(scenario, data_leaked=True, regulator_notified=True)

    silent = day(scenario, state)
    told = day(scenario, state, Move("comms", "full_disclosure", {}))

    assert silent.state.values["public_trust"] == 55
    assert told.state.values["public_trust"] == 55  # the disclosure's own -5, and no more
    assert day(scenario, told.state).state.values["public_trust"] == 55


def test_hr_7_the_agency_helps_only_once_the_hospital_reports(scenario: Scenario) -> None:
    refused = day(scenario, start(scenario), Move("agency", "attribute_attack", {}))
    reported = day(scenario, start(scenario), Move("counsel", "report_to_agency", {}))

    assert refused.results[0].accepted is False
    assert "has not reported to you yet" in (refused.results[0].reason or "")
    assert reported.state.values["agency_engaged"] is True
    assert private(reported, "agency") == [
        "St. Brigid's has reported a Black Lantern intrusion and asks for help."
    ]


def test_hr_8_diverting_ambulances_halves_the_harm_of_care_on_paper(scenario: Scenario) -> None:
    on_paper = day(scenario, start(scenario))
    diverted = day(scenario, start(scenario, diverting=True))

    assert on_paper.state.values["patient_harm"] - 5 == 6
    assert diverted.state.values["patient_harm"] - 5 == 3


def test_hr_9_forensics_tells_the_ciso_whether_they_were_inside_once_and_closes_it(
    scenario: Scenario,
) -> None:
    found = next(
        o
        for n in range(20)
        if (o := day(scenario, start(scenario), Move("ciso", "forensics", {}), seed=f"f{n}"))
        .results[0]
        .success
    )

    assert "Intruders still inside: yes." in found.results[0].text
    assert found.state.values["attacker_inside"] is False
    assert "attacker_inside" not in visible_values(scenario, found.state, "ciso")


def test_hr_10_only_the_attackers_and_the_facilitator_know_if_they_are_still_in(
    scenario: Scenario,
) -> None:
    state = initial_state(scenario)

    assert "attacker_inside" in visible_values(scenario, state, "attacker")
    for role in ("ceo", "ciso", "agency", "observer"):
        assert "attacker_inside" not in visible_values(scenario, state, role)


@pytest.mark.parametrize(
    ("policy", "ending", "low", "high"),
    [
        ("by-the-book", "recovered_unpaid", 0.45, 0.70),
        ("pay-quickly", "recovered_paid", 0.50, 0.80),
        ("stonewall", "long_outage", 0.75, 1.0),
    ],
)
def test_hr_11_each_policy_leads_where_its_name_says_most_of_the_time(
    scenario: Scenario, policy: str, ending: str, low: float, high: float
) -> None:
    share = simulate(scenario, policy, runs=200, seed=1)["outcomes"].get(ending, 0.0)

    assert low <= share <= high, (policy, share)


def test_hr_12_each_role_learns_how_it_ended_for_it_when_the_exercise_ends(
    scenario: Scenario,
) -> None:
    from exercises.engine import play_exercise, visible_role_endings

    paid = play_exercise(scenario, "pay-quickly", "hr12")
    unpaid = play_exercise(scenario, "stonewall", "hr12")

    assert paid.role_endings["attacker"] == "paid_out"
    assert unpaid.role_endings["attacker"] in ("named", "nothing")
    assert unpaid.role_endings["ceo"] == "resigned"  # trust gone after a week of silence
    assert set(visible_role_endings(scenario, paid, "ceo")) == {"ceo"}
    assert visible_role_endings(scenario, paid, "observer") == {}
    assert set(visible_role_endings(scenario, paid, "facilitator")) == {"ceo", "cmo", "attacker"}


@pytest.mark.parametrize(
    ("group", "line", "attacker_ending"),
    [
        ("black_lantern", "attributes the attack to the Black Lantern group.", "named"),
        ("a_state_actor", "attributes the attack to a state actor it does not name.", "nothing"),
    ],
)
def test_hr_13_the_agency_names_who_did_it_and_only_naming_black_lantern_names_the_attackers(
    scenario: Scenario, group: str, line: str, attacker_ending: str
) -> None:
    # given: the hospital has reported, on the last day
    last_day = start(scenario, agency_engaged=True).evolve(turn=7, opened=7)

    # when: the agency attributes the attack (the seed rolls a success)
    outcome = day(
        scenario, last_day, Move("agency", "attribute_attack", {"group": group}), seed="hr13"
    )

    # then: the choice is public, and the attackers are named only when it names them
    assert outcome.results[0].success is True
    assert outcome.state.values["attributed_to"] == group
    assert visible_values(scenario, outcome.state, "observer")["attributed_to"] == group
    assert any(line in text for text in outcome.narrative)
    assert outcome.state.role_endings["attacker"] == attacker_ending


def test_hr_14_paying_against_the_advice_of_counsel_and_the_agency_is_on_the_record(
    scenario: Scenario,
) -> None:
    engaged = start(scenario, agency_engaged=True)
    advised = day(
        scenario,
        engaged,
        Move("agency", "advise_against_paying", {}),
        Move("counsel", "counsel_against_paying", {}),
    )
    again = day(scenario, advised.state, Move("counsel", "counsel_against_paying", {}))

    # who advised is kept once each, in the scenario's order of roles, for the chief executive
    assert advised.state.values["advised_against_paying"] == ["counsel", "agency"]
    assert visible_values(scenario, advised.state, "ceo")["advised_against_paying"] == [
        "counsel",
        "agency",
    ]
    assert "advised_against_paying" not in visible_values(scenario, advised.state, "comms")
    assert again.results[0].accepted is False  # counsel advises once

    paid = advised.state.evolve(
        values={**advised.state.values, "ransom_paid": True}, turn=7, opened=7
    )
    ended = day(scenario, paid)
    assert ended.state.role_endings["ceo"] == "overruled"
    only_agency = paid.evolve(values={**paid.values, "advised_against_paying": ["agency"]})
    assert day(scenario, only_agency).state.role_endings["ceo"] == "weathered"
