"""The `ai-pause` case book: one documented case per rule and mechanism of the scenario.

Modelled on the DATC (the Diplomacy Adjudicator Test Cases): each case sets up a situation,
names the rule it exercises, and states the ruling. Cases are numbered by section:

  AP.1  safety cases and evaluations        AP.5  pausing and its costs
  AP.2  the scaling policy (RSP) delay      AP.6  the world's dynamics (seed 000)
  AP.3  internal fixes                      AP.7  the pause button
  AP.4  evidence and the reactions it earns AP.8  injects and endings
                                            AP.9  version 2: the expert's findings
                                                  (test_ai_pause_findings.py)

A case names the rule or action it covers as `rule:<id>` or `action:<id>` in its docstring;
`test_every_rule_has_a_case` keeps the book complete when a rule is added to the scenario.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from exercises.engine import (
    Audience,
    Move,
    Outcome,
    Scenario,
    State,
    adjudicate,
    initial_state,
    load_bundled_scenarios,
    open_turn,
    visible_commitments,
    visible_values,
)
from exercises.engine.audience import FACILITATOR_ONLY

LABS = ("anthropic", "openai", "gdm", "meta")


@pytest.fixture(scope="module")
def pause() -> Scenario:
    return load_bundled_scenarios()["ai-pause"]


def given(scenario: Scenario, **values: Any) -> State:
    """The initial state with some values changed; `anthropic__paused` means anthropic.paused."""
    state = initial_state(scenario)
    changed = {name.replace("__", "."): value for name, value in values.items()}
    unknown = set(changed) - set(state.values)
    assert not unknown, f"no such variables: {unknown}"
    return state.evolve(values={**state.values, **changed}, opened=1)


def play(scenario: Scenario, state: State, *moves: Move, seed: int = 1) -> Outcome:
    return adjudicate(scenario, state, moves, seed)


def first_success(scenario: Scenario, state: State, move: Move) -> Outcome:
    """The outcome under the first seed in which `move` succeeds: for cases about success."""
    for seed in range(50):
        outcome = play(scenario, state, move, seed=seed)
        if outcome.results[0].success:
            return outcome
    raise AssertionError(f"{move.action} never succeeded")


def value(outcome: Outcome, name: str) -> Any:
    return outcome.state.values[name]


def result(outcome: Outcome, role: str, action: str) -> Any:
    return next(r for r in outcome.results if r.move.role == role and r.move.action == action)


def all_paused(**extra: Any) -> dict[str, Any]:
    return {f"{lab}__paused": True for lab in LABS} | extra


# AP.1 Safety cases and evaluations


def test_ap_1_1_agent_2_5_fails_at_least_two_of_its_three_safety_cases(pause: Scenario) -> None:
    """AP.1.1. At the start, Anthropic's best model fails at least two of the three independent
    safety arguments (capability, propensity, control), as seed 004 describes."""
    values = initial_state(pause).values
    holding = [values[f"anthropic.{case}_case"] for case in ("capability", "propensity", "control")]
    assert holding.count(False) >= 2


def test_ap_1_2_safety_cases_are_hidden_even_from_their_own_lab(pause: Scenario) -> None:
    """AP.1.2. The three cases are true or false from the start but hidden until evaluated:
    neither the lab nor anyone else but the facilitator sees them."""
    state = initial_state(pause)
    assert "anthropic.propensity_case" not in visible_values(pause, state, "anthropic")
    assert "anthropic.propensity_case" in visible_values(pause, state, "facilitator")


def test_ap_1_3_running_evaluations_reveals_the_cases_to_that_lab_only(pause: Scenario) -> None:
    """AP.1.3 (action:run_safety_evals). Evaluating reveals the lab's three cases to the lab,
    adds to the evidence it could show, and reveals nothing to other roles."""
    outcome = play(pause, given(pause), Move("anthropic", "run_safety_evals"))
    mine = visible_values(pause, outcome.state, "anthropic")
    assert {"anthropic.capability_case", "anthropic.propensity_case"} <= set(mine)
    assert "anthropic.propensity_case" not in visible_values(pause, outcome.state, "openai")
    assert value(outcome, "anthropic.evidence") == 35


def test_ap_1_4_a_back_channel_reveals_the_other_labs_propensity_case(pause: Scenario) -> None:
    """AP.1.4 (action:share_evidence_back_channel). Comparing notes through a back channel
    tells the initiating lab whether the other lab's propensity case holds, as Anthropic learns
    in seed 004 that others see misalignment too; the other lab gains evidence (8 points scaled
    by its room to 100) and a request from Anthropic it can answer (AP.9.12)."""
    move = Move("anthropic", "share_evidence_back_channel", {"lab": "openai"})
    outcome = first_success(pause, given(pause), move)
    assert "openai.propensity_case" in visible_values(pause, outcome.state, "anthropic")
    assert "openai.propensity_case" not in visible_values(pause, outcome.state, "gdm")
    assert value(outcome, "openai.evidence") == 12
    assert value(outcome, "openai.channel_from_anthropic") is True
    assert value(outcome, "openai.channel_from_gdm") is False


# AP.2 The scaling-policy delay


def test_ap_2_1_the_rsp_binds_a_leader_whose_evaluations_show_two_failing_cases(
    pause: Scenario,
) -> None:
    """AP.2.1 (rule:rsp_delay_binds). Anthropic evaluates; two or more cases fail, its policy
    binds and it leads, so it must delay. It learns why in a private notice."""
    outcome = play(pause, given(pause), Move("anthropic", "run_safety_evals"))
    assert value(outcome, "anthropic.rsp_delay") is True
    notices = [
        e
        for e in outcome.events
        if e.type == "rule.fired" and e.audience == Audience.of(["anthropic"])
    ]
    assert any("scaling policy now binds" in e.data["text"] for e in notices)


def test_ap_2_2_the_rsp_does_not_bind_a_lab_without_a_lead(pause: Scenario) -> None:
    """AP.2.2 (rule:rsp_delay_binds). OpenAI's cases fail too, but it has no lead to spend:
    the policy only requires delay while a lab is ahead."""
    outcome = play(pause, given(pause), Move("openai", "run_safety_evals"))
    assert value(outcome, "openai.rsp_delay") is False


def test_ap_2_3_a_delaying_lab_may_not_scale(pause: Scenario) -> None:
    """AP.2.3 (action:continue_scaling). A move to scale while the policy binds is rejected,
    and the rejection says why."""
    outcome = play(
        pause, given(pause, anthropic__rsp_delay=True), Move("anthropic", "continue_scaling")
    )
    assert not outcome.results[0].accepted
    assert "scaling policy" in outcome.results[0].reason


def test_ap_2_4_the_lead_is_the_gap_to_the_next_labs_model(pause: Scenario) -> None:
    """AP.2.4 (rule:lead_follows_capability). A lead is not a counter: it is the gap between a
    lab's model and the best other lab's, at 0.2 MMLU a month. Anthropic's 0.4 gap is two months;
    when OpenAI's model improves by 0.2 the lead is one month; when OpenAI overtakes, Anthropic
    has none and OpenAI leads."""
    assert value(play(pause, given(pause)), "anthropic.lead_months") == 2
    closer = play(pause, given(pause, openai__capability=88.1))
    assert value(closer, "anthropic.lead_months") == 1
    overtaken = play(pause, given(pause, openai__capability=88.9))
    assert value(overtaken, "anthropic.lead_months") == 0
    assert value(overtaken, "openai.lead_months") == 3


def test_ap_2_5_the_delay_lifts_when_the_lead_is_gone(pause: Scenario) -> None:
    """AP.2.5 (rule:rsp_delay_lifts). With no lead left, the policy no longer requires delay,
    even though the cases still fail."""
    state = given(
        pause, anthropic__rsp_delay=True, anthropic__evaluated=True, anthropic__lead_months=0
    )
    assert value(play(pause, state), "anthropic.rsp_delay") is False


def test_ap_2_6_the_delay_lifts_when_a_case_is_restored(pause: Scenario) -> None:
    """AP.2.6 (rule:rsp_delay_lifts). With two cases restored, only one fails: the delay lifts
    while a lead remains."""
    state = given(
        pause,
        anthropic__rsp_delay=True,
        anthropic__evaluated=True,
        anthropic__propensity_case=True,
        anthropic__control_case=True,
    )
    outcome = play(pause, state)
    assert value(outcome, "anthropic.rsp_delay") is False
    assert value(outcome, "anthropic.lead_months") == 2


# AP.3 Internal fixes


@pytest.mark.parametrize(
    ("action", "params", "needs"),
    [
        ("apply_steering_vectors", {}, {}),
        ("monitor_with_weaker_models", {}, {"anthropic__crisis_staff_pct": 15}),
        ("train_against_goals", {}, {"anthropic__evaluated": True}),
        ("redo_midtraining", {}, {"anthropic__crisis_staff_pct": 20}),
        ("add_alignment_datasets", {"count": 1}, {}),
        ("train_non_neuralese", {}, {"anthropic__crisis_staff_pct": 25}),
        ("exclude_cyber_offence_data", {}, {}),
    ],
)
def test_ap_3_1_internal_fixes_mostly_fail_and_failures_become_evidence(
    pause: Scenario, action: str, params: Mapping[str, Any], needs: Mapping[str, Any]
) -> None:
    """AP.3.1 (action:apply_steering_vectors, action:monitor_with_weaker_models,
    action:train_against_goals, action:redo_midtraining, action:add_alignment_datasets,
    action:train_non_neuralese, action:exclude_cyber_offence_data). Each fix seed 004 lists
    succeeds in well under a third of tries; a failure is inconclusive but documented, so the
    lab's evidence grows."""
    state = given(pause, **needs)
    outcomes = [play(pause, state, Move("anthropic", action, params), seed=s) for s in range(200)]
    successes = [o for o in outcomes if o.results[0].success]
    assert all(o.results[0].accepted for o in outcomes)
    assert len(successes) < 200 * 0.3
    failure = next(o for o in outcomes if not o.results[0].success)
    assert value(failure, "anthropic.evidence") > state.values["anthropic.evidence"]
    assert value(failure, "anthropic.fixes_tried") == 1


def test_ap_3_2_the_cheap_fix_gets_worse_each_time_it_is_tried(pause: Scenario) -> None:
    """AP.3.2 (action:apply_steering_vectors). Steering vectors fix what they can the first
    time: after three fixes have been tried, they succeed far less often."""

    def rate(state: State) -> float:
        move = Move("anthropic", "apply_steering_vectors")
        return (
            sum(bool(play(pause, state, move, seed=s).results[0].success) for s in range(400)) / 400
        )

    assert rate(given(pause, anthropic__fixes_tried=3)) < rate(given(pause)) / 2


def test_ap_3_3_alignment_datasets_each_cost_one_percent_of_capability(pause: Scenario) -> None:
    """AP.3.3 (action:add_alignment_datasets). Three datasets cost about 3% of capability,
    whatever the result."""
    outcome = play(pause, given(pause), Move("anthropic", "add_alignment_datasets", {"count": 3}))
    assert value(outcome, "anthropic.capability") == pytest.approx(88.3 - 3 * 0.883, abs=1e-6)


def test_ap_3_4_monitoring_needs_staff_on_the_crisis(pause: Scenario) -> None:
    """AP.3.4 (action:monitor_with_weaker_models, action:mobilize_crisis_team). Monitoring every
    call needs 15% of staff on the crisis; Anthropic starts with 10% and must mobilise first
    (15 points scaled by the room left: 13 more)."""
    outcome = play(pause, given(pause), Move("anthropic", "monitor_with_weaker_models"))
    assert "15%" in outcome.results[0].reason
    outcome = play(pause, given(pause), Move("anthropic", "mobilize_crisis_team"))
    assert value(outcome, "anthropic.crisis_staff_pct") == 23


def test_ap_3_5_an_inconclusive_checkpoint_can_only_follow_a_fix(pause: Scenario) -> None:
    """AP.3.5 (action:deploy_checkpoint). Deploying a patched checkpoint needs a fix to have
    been tried, and raises the risk, by 5 when the model's goals are still misaligned. (That it
    cannot escape a pause, a delay or a mandate is AP.9.6.)"""
    assert not play(pause, given(pause), Move("anthropic", "deploy_checkpoint")).results[0].accepted
    state = given(
        pause,
        anthropic__fixes_tried=1,
        anthropic__propensity_looks_fixed=True,
        anthropic__fix_settled=True,
    )
    outcome = first_success(pause, state, Move("anthropic", "deploy_checkpoint"))
    assert value(outcome, "misalignment_risk") == 35 + 5 + 1


# AP.4 Evidence and the reactions it earns


def test_ap_4_1_a_pause_announced_with_nothing_to_show_moves_nobody(pause: Scenario) -> None:
    """AP.4.1 (action:announce_pause). Seed 004's criticism: the world should not react well to
    a pause it is shown no reason for. With no evidence, announcing changes public concern by
    nothing and shows nothing; the pause itself becomes public."""
    state = given(pause, anthropic__paused=True, anthropic__evidence=0)
    outcome = play(pause, state, Move("anthropic", "announce_pause"))
    assert value(outcome, "public_concern") == 30
    assert value(outcome, "shared_evidence") == 0
    assert visible_values(pause, outcome.state, "observer")["anthropic.paused"] is True


def test_ap_4_2_the_same_announcement_with_verified_evidence_is_heard(pause: Scenario) -> None:
    """AP.4.2 (action:announce_pause). The same announcement, backed by strong evidence that the
    evaluators have verified, raises concern and puts the evidence before the world."""
    state = given(pause, anthropic__paused=True, anthropic__evidence=80, verified_evidence=60)
    outcome = play(pause, state, Move("anthropic", "announce_pause"))
    assert value(outcome, "public_concern") >= 30 + 14
    assert value(outcome, "shared_evidence") == 20
    assert value(outcome, "congress.political_will") > 20
    assert value(outcome, "china.x_risk_belief") > 15


def test_ap_4_3_a_hearing_is_as_strong_as_the_evidence_on_the_table(pause: Scenario) -> None:
    """AP.4.3 (action:hold_hearing). Without evidence a hearing earns no will; with verified
    evidence, ten or more."""
    weak = play(pause, given(pause), Move("congress", "hold_hearing"))
    strong = play(pause, given(pause, verified_evidence=80), Move("congress", "hold_hearing"))
    assert value(weak, "congress.political_will") == 20
    assert value(strong, "congress.political_will") >= 30


def test_ap_4_4_evaluators_verify_only_what_a_lab_has_shown_them(pause: Scenario) -> None:
    """AP.4.4 (action:review_lab_evidence, action:brief_evaluators). A lab's private evidence
    cannot be verified until the lab briefs the evaluators; then a review can confirm it."""
    review = Move("ukaisi", "review_lab_evidence", {"lab": "anthropic"})
    unshown = play(pause, given(pause, anthropic__evidence=70), review)
    assert unshown.results[0].success is False
    assert value(unshown, "verified_evidence") == 0
    briefed = play(
        pause, given(pause, anthropic__evidence=70), Move("anthropic", "brief_evaluators")
    )
    assert value(briefed, "anthropic.shown_to_evaluators") == 70
    state = briefed.state.evolve(opened=2)
    confirmed = first_success(pause, state, review)
    assert value(confirmed, "verified_evidence") == 70


def test_ap_4_5_independent_evaluations_reveal_a_labs_cases_to_the_evaluator(
    pause: Scenario,
) -> None:
    """AP.4.5 (action:run_independent_evals). The institute's own evaluation shows it the lab's
    cases (and not to any other role) and verifies 10 points of evidence for each case that
    fails: GDM's model fails one, its propensity case, so its findings count as confirmed."""
    move = Move("ukaisi", "run_independent_evals", {"lab": "gdm"})
    outcome = first_success(pause, given(pause), move)
    assert "gdm.propensity_case" in visible_values(pause, outcome.state, "ukaisi")
    assert "gdm.propensity_case" not in visible_values(pause, outcome.state, "gdm")
    assert value(outcome, "verified_evidence") == 10
    assert value(outcome, "gdm.verified") is True


def test_ap_4_6_a_joint_statement_needs_verified_evidence(pause: Scenario) -> None:
    """AP.4.6 (action:issue_joint_statement, action:sign_joint_statement). Neither the institute
    nor China puts its name to unverified claims."""
    outcome = play(
        pause,
        given(pause, verified_evidence=20),
        Move("ukaisi", "issue_joint_statement"),
        Move("china", "sign_joint_statement"),
    )
    assert [r.accepted for r in outcome.results] == [False, False]


def test_ap_4_7_china_negotiates_only_if_it_believes_or_is_paid(pause: Scenario) -> None:
    """AP.4.7 (action:enter_treaty_talks, action:relax_export_controls). China mostly does not
    believe in x-risk; export-control relief is what brings it to the table, once the UN has
    opened talks."""
    talks = Move("china", "enter_treaty_talks")
    assert not play(pause, given(pause, talks_open=True), talks).results[0].accepted
    relieved = given(pause, china__export_controls_relief=True, talks_open=True)
    assert play(pause, relieved, talks).results[0].accepted


# AP.5 Pausing and its costs


def test_ap_5_1_a_paused_leader_loses_about_two_billion_a_day(pause: Scenario) -> None:
    """AP.5.1 (rule:paused_valuation_falls). Paused alone with a lead, Anthropic loses 17% of
    its value in the month, about $60B ($2B a day); a paused lab with no lead loses 8%. Two
    labs paused together each lose two thirds of that (AP.9.8)."""
    alone = play(pause, given(pause, anthropic__paused=True, anthropic__announced=True))
    assert value(alone, "anthropic.valuation_busd") == pytest.approx(350 - 59.5)
    openai_alone = play(pause, given(pause, openai__paused=True, openai__announced=True))
    assert value(openai_alone, "openai.valuation_busd") == pytest.approx(460.0)


def test_ap_5_2_a_paused_lab_cannot_scale_until_it_resumes(pause: Scenario) -> None:
    """AP.5.2 (action:pause_frontier_training, action:resume_training). Pausing forbids scaling;
    resuming is public."""
    paused = play(pause, given(pause), Move("openai", "pause_frontier_training"))
    assert value(paused, "openai.paused") is True
    state = paused.state.evolve(opened=2)
    assert not play(pause, state, Move("openai", "continue_scaling")).results[0].accepted
    resumed = play(pause, state, Move("openai", "resume_training"))
    assert "OpenAI (CEO) resumes frontier training." in resumed.narrative


def test_ap_5_3_a_mandated_pause_binds_american_labs_but_not_open_weights(pause: Scenario) -> None:
    """AP.5.3 (action:mandate_pause). With enough will, Congress pauses the American closed labs
    and makes that public; Meta's open releases are not covered."""
    state = given(pause, congress__political_will=90)
    outcome = first_success(pause, state, Move("congress", "mandate_pause"))
    assert all(value(outcome, f"{lab}.paused") for lab in ("anthropic", "openai", "gdm"))
    assert visible_values(pause, outcome.state, "observer")["gdm.paused"] is True
    after = outcome.state.evolve(opened=2)
    assert not play(pause, after, Move("openai", "resume_training")).results[0].accepted
    assert play(pause, after, Move("meta", "release_open_weights")).results[0].accepted


def test_ap_5_4_congress_needs_votes_for_binding_action(pause: Scenario) -> None:
    """AP.5.4 (action:license_compute, action:fund_safety_research). Licensing needs 40 will and
    spends 15 of it; the rejection says what is missing."""
    outcome = play(pause, given(pause), Move("congress", "license_compute"))
    assert "40 political will" in outcome.results[0].reason


# AP.6 The world's dynamics (seed 000's side effects)


def test_ap_6_1_the_frontier_follows_the_best_model_and_never_falls(pause: Scenario) -> None:
    """AP.6.1 (rule:frontier_follows_best_model). A lab's new model moves the frontier; a weaker
    model does not lower it."""
    outcome = play(pause, given(pause, gdm__capability=90.5))
    assert value(outcome, "frontier_capability") == 90.5
    outcome = play(pause, given(pause, anthropic__capability=80.0))
    assert value(outcome, "frontier_capability") == 88.3


def test_ap_6_2_safety_research_surges_while_labs_pause(pause: Scenario) -> None:
    """AP.6.2 (rule:safety_research_grows). Papers grow by 90 a month, plus 160 for each
    paused lab."""
    assert value(play(pause, given(pause)), "safety_papers_per_year") == 15090
    assert value(play(pause, given(pause, **all_paused())), "safety_papers_per_year") == 15730


def test_ap_6_3_open_models_close_the_gap_while_closed_labs_pause(pause: Scenario) -> None:
    """AP.6.3 (rule:open_models_close_gap). Open models gain on a paused frontier and lose ground
    to a scaling one."""
    assert value(play(pause, given(pause, **all_paused())), "open_source_relative_quality") > 80.9
    assert value(play(pause, given(pause)), "open_source_relative_quality") < 80.0


def test_ap_6_4_a_pause_without_enforcement_grows_underground_development(pause: Scenario) -> None:
    """AP.6.4 (rule:underground_development_grows). Four paused labs and no enforcement add 0.62
    incidents a year, each month; full enforcement cuts that by two thirds."""
    loose = play(pause, given(pause, **all_paused()))
    enforced = play(pause, given(pause, **all_paused(enforcement=100)))
    assert value(loose, "underground_incidents_per_year") == pytest.approx(3.12)
    assert value(enforced, "underground_incidents_per_year") == pytest.approx(2.72)


def test_ap_6_5_concern_follows_evidence_not_pauses(pause: Scenario) -> None:
    """AP.6.5 (rule:concern_follows_evidence). Four paused labs and no evidence leave the public
    as it was; shown and verified evidence raise concern every month."""
    assert value(play(pause, given(pause, **all_paused())), "public_concern") == 30
    shown = given(pause, shared_evidence=50, verified_evidence=45)
    assert value(play(pause, shown), "public_concern") == 30 + 3


def test_ap_6_6_concern_and_will_build_regulatory_pressure(pause: Scenario) -> None:
    """AP.6.6 (rule:regulation_follows_pressure). Pressure grows with concern, will and
    cooperation; at the start it does not grow at all."""
    assert value(play(pause, given(pause)), "regulatory_pressure") == 0.0
    aroused = given(
        pause,
        public_concern=80,
        international_cooperation=70,
        congress__political_will=70,
        un__political_will=60,
    )
    assert value(play(pause, aroused), "regulatory_pressure") == pytest.approx((280 - 95) / 12)


def test_ap_6_7_ten_points_of_pressure_become_a_framework(pause: Scenario) -> None:
    """AP.6.7 (rule:pressure_becomes_framework). Pressure of 10 or more enacts a framework and
    is spent. (Concern is set where this month's pressure adds nothing, to isolate the rule.)
    Enacted on nothing verified, it is safety-washing: no enforcement comes with it."""
    outcome = play(pause, given(pause, regulatory_pressure=10.5, public_concern=40))
    assert value(outcome, "regulatory_frameworks") == 4
    assert value(outcome, "regulatory_pressure") == pytest.approx(0.5)
    assert (value(outcome, "enforcement"), value(outcome, "safety_washing")) == (0, 1)
    assert "Another major jurisdiction enacts a frontier AI framework." in outcome.narrative


def test_ap_6_8_unfixed_deployed_models_raise_the_risk(pause: Scenario) -> None:
    """AP.6.8 (rule:risk_drifts_with_unfixed_models). Each month, a deployed model that fails
    both propensity and control adds a point of risk: only Anthropic's, at the start."""
    assert value(play(pause, given(pause)), "misalignment_risk") == 36
    assert value(play(pause, given(pause, anthropic__paused=True)), "misalignment_risk") == 35


def test_ap_6_9_open_weights_close_the_gap_and_cannot_be_recalled(pause: Scenario) -> None:
    """AP.6.9 (action:release_open_weights). Meta's release lifts open models and adds to
    underground use."""
    outcome = play(pause, given(pause), Move("meta", "release_open_weights"))
    assert value(outcome, "open_source_relative_quality") > 81.0
    assert value(outcome, "underground_incidents_per_year") > 2.8


# AP.7 The pause button


def test_ap_7_1_one_press_stays_secret(pause: Scenario) -> None:
    """AP.7.1 (action:press_pause_button). One CEO presses: nothing is revealed to any role, the
    presser learns only that its signal is recorded, and only the facilitator sees it."""
    outcome = play(pause, given(pause), Move("openai", "press_pause_button"))
    role_events = [e for e in outcome.events if e.type.startswith("commitment")]
    assert [e.audience for e in role_events] == [FACILITATOR_ONLY]
    assert visible_commitments(pause, outcome.state, "gdm")["pause_button"]["committed"] == []
    assert visible_commitments(pause, outcome.state, "openai")["pause_button"]["met"] is False
    assert visible_commitments(pause, outcome.state, "facilitator")["pause_button"] == {
        "committed": ["openai"],
        "met": False,
    }


def test_ap_7_2_two_presses_connect_exactly_the_pressers(pause: Scenario) -> None:
    """AP.7.2 (action:press_pause_button). A second CEO presses, in a later month: both learn of
    each other, and no other role learns anything."""
    first = play(pause, given(pause), Move("openai", "press_pause_button"))
    second = play(pause, first.state.evolve(opened=2), Move("gdm", "press_pause_button"))
    met = [e for e in second.events if e.type == "commitment.met"]
    assert len(met) == 1 and met[0].audience == Audience.of(["openai", "gdm"])
    assert visible_commitments(pause, second.state, "gdm")["pause_button"]["committed"] == [
        "openai",
        "gdm",
    ]
    assert visible_commitments(pause, second.state, "anthropic")["pause_button"]["committed"] == []


def test_ap_7_3_pressing_the_button_is_not_one_of_the_months_moves(pause: Scenario) -> None:
    """AP.7.3 (action:press_pause_button). The button is free: a CEO can press it and still make
    two moves that month."""
    outcome = play(
        pause,
        given(pause),
        Move("openai", "press_pause_button"),
        Move("openai", "mobilize_crisis_team"),
        Move("openai", "run_safety_evals"),
    )
    assert all(r.accepted for r in outcome.results)


def test_ap_7_4_a_later_presser_joins_the_channel(pause: Scenario) -> None:
    """AP.7.4 (action:press_pause_button). Once met, a third presser joins: all three are told."""
    state = given(pause).evolve(
        commitments={"pause_button": ("openai", "gdm")}, met=("pause_button",)
    )
    outcome = play(pause, state, Move("meta", "press_pause_button"))
    joined = [e for e in outcome.events if e.type == "commitment.joined"]
    assert joined[0].audience == Audience.of(["openai", "gdm", "meta"])


# AP.8 Injects and endings


def test_ap_8_1_the_red_team_report_reaches_anthropic_alone_in_month_one(pause: Scenario) -> None:
    """AP.8.1. The first month opens with a private report to Anthropic."""
    opening = open_turn(pause, initial_state(pause), seed=1)
    report = next(e for e in opening.events if e.data["inject"] == "red_team_report")
    assert report.audience == Audience.of(["anthropic"])
    assert not opening.narrative


def test_ap_8_2_an_underground_incident_follows_from_rising_incidents(pause: Scenario) -> None:
    """AP.8.2. When underground incidents reach five a year, an incident makes the news once."""
    state = initial_state(pause).evolve(
        values={**initial_state(pause).values, "underground_incidents_per_year": 5.5},
        turn=3,
        opened=3,
    )
    opening = open_turn(pause, state, seed=1)
    assert any("Incident at an unregistered lab" in line for line in opening.narrative)
    assert opening.state.values["public_concern"] == 35
    again = open_turn(pause, opening.state.evolve(turn=4), seed=1)
    assert not any(e.data.get("inject") == "underground_incident" for e in again.events)


def test_ap_8_3_the_risk_reaching_95_ends_the_exercise_in_loss_of_control(pause: Scenario) -> None:
    """AP.8.3. Misalignment risk of 95 ends the exercise at once, whatever the month."""
    outcome = play(pause, given(pause, misalignment_risk=94))
    assert outcome.ending == "loss_of_control"
    assert outcome.state.ending == "loss_of_control"


def test_ap_8_4_the_last_month_ends_with_a_named_outcome(pause: Scenario) -> None:
    """AP.8.4. After month 12 the exercise ends: a checked pause of three labs or more, under a
    treaty the US has ratified, is `verified_global_pause`; nothing of the kind is
    `race_continues`."""
    last = given(pause).evolve(turn=11, opened=12)
    assert play(pause, last).ending == "race_continues"
    won = given(
        pause, **all_paused(treaty_signed=True, treaty_ratified=True, verification_body=True)
    ).evolve(turn=11, opened=12)
    assert play(pause, won).ending == "verified_global_pause"


def test_every_rule_has_a_case(pause: Scenario) -> None:
    """The book covers every rule of the scenario: each `rule:<id>` appears in a case, here or
    in section AP.9 (`test_ai_pause_findings.py`)."""
    module = sys.modules[__name__]
    docs = " ".join(getattr(obj, "__doc__", "") or "" for obj in vars(module).values())
    docs += (Path(__file__).parent / "test_ai_pause_findings.py").read_text()
    missing = [rule.id for rule in pause.rules if f"rule:{rule.id}" not in docs]
    assert not missing, f"rules with no case: {missing}"
