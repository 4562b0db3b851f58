"""The `ai-pause` case book, section AP.9: what an expert player found in version 1 (issue 11),
one documented case per finding, each stating the version 2 ruling.

The cases use the same helpers as `test_ai_pause_rules.py` (sections AP.1 to AP.8) and name the
rule or action they cover as `rule:<id>` or `action:<id>`. docs/casebook.md lists every finding
with its fix and its case; the odds the seeds set, measured over many seeds, are in
`test_ai_pause_odds.py`.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from exercises.engine import (
    Move,
    Outcome,
    Scenario,
    State,
    adjudicate,
    initial_state,
    load_bundled_scenarios,
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


def first(scenario: Scenario, state: State, move: Move, success: bool = True) -> Outcome:
    """The outcome under the first seed in which `move` succeeds (or fails)."""
    for seed in range(100):
        outcome = play(scenario, state, move, seed=seed)
        if outcome.results[0].success is success:
            return outcome
    raise AssertionError(f"{move.action} never {'succeeded' if success else 'failed'}")


def value(outcome: Outcome, name: str) -> Any:
    return outcome.state.values[name]


def accepted(scenario: Scenario, state: State, move: Move) -> bool:
    return bool(play(scenario, state, move).results[0].accepted)


def quiet(**extra: Any) -> dict[str, Any]:
    """Every lab's pause already public, so that no leak (AP.9.13) draws a die."""
    return {f"{lab}__announced": True for lab in LABS} | extra


# AP.9.1 to AP.9.3: the international track needs evidence, and takes time


def test_ap_9_1_the_un_track_earns_nothing_without_verified_evidence(pause: Scenario) -> None:
    """AP.9.1 (action:pass_resolution, action:convene_summit). Finding: summits and resolutions
    raised the UN's will and cooperation with nothing shown. Ruling: a resolution on nothing
    verified adds no cooperation; a summit on nothing verified adds at most its base of 3 (scaled
    by the room left), and with 60 verified it adds several times that."""
    resolution = play(pause, given(pause), Move("un", "pass_resolution"))
    assert value(resolution, "international_cooperation") == 20
    summit = Move("un", "convene_summit")
    bare = first(pause, given(pause), summit)
    shown = first(pause, given(pause, verified_evidence=60), summit)
    assert value(bare, "international_cooperation") - 20 <= 2
    assert value(shown, "international_cooperation") - 20 >= 8


def test_ap_9_2_china_cannot_grant_itself_export_relief(pause: Scenario) -> None:
    """AP.9.2 (action:demand_export_relief, action:relax_export_controls). Finding: China won
    export-control relief on its own roll. Ruling: China's demand only puts the request on
    Congress's table; relief comes from Congress, which cannot grant what was never asked."""
    asked = play(pause, given(pause), Move("china", "demand_export_relief"))
    assert value(asked, "china.export_controls_relief") is False
    assert value(asked, "china.relief_requested") is True
    willing = given(pause, congress__political_will=50)
    assert not accepted(pause, willing, Move("congress", "relax_export_controls"))
    granted = play(
        pause,
        given(pause, congress__political_will=50, china__relief_requested=True),
        Move("congress", "relax_export_controls"),
    )
    assert value(granted, "china.export_controls_relief") is True


def test_ap_9_3_no_treaty_without_china_at_the_table_for_three_months(pause: Scenario) -> None:
    """AP.9.3 (action:open_treaty_talks, action:enter_treaty_talks, action:propose_treaty,
    rule:talks_progress). Finding: a treaty was signed without China ever entering talks, as
    early as month 5. Ruling: the UN must open talks (cooperation 30 and will 25, unreachable in
    month one), China must join a month later at the earliest, and only after three months with
    China at the table can the treaty be put to signature: no treaty before month 6. Each month
    of talks counts; a failed signing collapses them."""
    ready = dict(un__political_will=60, international_cooperation=60, china__x_risk_belief=60)
    propose = Move("un", "propose_treaty")
    assert not accepted(pause, given(pause, **ready), propose)
    assert not accepted(pause, given(pause, talks_open=True, talks_months=5, **ready), propose)
    at_table = dict(talks_open=True, china__in_talks=True, **ready)
    assert not accepted(pause, given(pause, talks_months=2, **at_table), propose)
    month = play(pause, given(pause, talks_months=2, **at_table))
    assert value(month, "talks_months") == 3
    assert initial_state(pause).values["international_cooperation"] < 30
    collapsed = first(pause, given(pause, talks_months=3, **at_table), propose, success=False)
    assert (value(collapsed, "talks_open"), value(collapsed, "china.in_talks")) == (False, False)
    assert value(collapsed, "talks_months") == 0


# AP.9.4: no index saturates


def test_ap_9_4_attention_fades_and_repeated_moves_lose_force(pause: Scenario) -> None:
    """AP.9.4 (rule:attention_fades, action:hold_hearing, action:issue_joint_statement).
    Finding: the 0-100 indices reached 100 by months 6 to 10; nothing decayed and a hearing
    repeated every month kept its full effect. Ruling: with no news, concern at 78 falls back by
    an eighth of its distance from the start (6 points); a hearing after four others yields a
    third of the first one's will; gains shrink as an index nears 100."""
    faded = play(pause, given(pause, public_concern=78))
    assert value(faded, "public_concern") == 72
    hearing = Move("congress", "hold_hearing")
    fresh = play(pause, given(pause, verified_evidence=60), hearing)
    tired = play(pause, given(pause, verified_evidence=60, hearings_held=4), hearing)
    assert value(fresh, "congress.political_will") - 20 >= 3 * (
        value(tired, "congress.political_will") - 20
    )
    near_top = play(pause, given(pause, verified_evidence=60, congress__political_will=95), hearing)
    assert value(near_top, "congress.political_will") < 97


# AP.9.5 to AP.9.7: loopholes in finding out


def test_ap_9_5_repeating_the_evaluation_adds_no_evidence(pause: Scenario) -> None:
    """AP.9.5 (action:run_safety_evals). Finding: repeating the same safety evaluation built
    evidence faster than exhausting the internal fixes. Ruling: the first full evaluation adds
    15 points of evidence; running it again adds none."""
    again = play(
        pause, given(pause, anthropic__evaluated=True), Move("anthropic", "run_safety_evals")
    )
    assert value(again, "anthropic.evidence") == 20


def test_ap_9_6_no_lab_escapes_its_policy_by_not_evaluating_or_by_a_checkpoint(
    pause: Scenario,
) -> None:
    """AP.9.6 (rule:policy_requires_evaluation, action:continue_scaling,
    action:deploy_checkpoint). Finding: a lab that never
    evaluated was never bound by its policy, and deploying a checkpoint escaped the policy's
    delay and a congressional mandate every month. Ruling: a lab with a scaling policy that
    trains without having evaluated has the evaluation run with that run (it learns its cases,
    and the policy binds from the next month); Meta has no policy and is not evaluated; a
    checkpoint cannot be deployed while the lab is paused, delaying under its policy, or under
    a mandate."""
    scaled = first(pause, given(pause), Move("anthropic", "continue_scaling"))
    assert value(scaled, "anthropic.evaluated") is True
    assert "anthropic.propensity_case" in visible_values(pause, scaled.state, "anthropic")
    assert value(play(pause, scaled.state.evolve(opened=2)), "anthropic.rsp_delay") is True
    open_weights = play(pause, given(pause), Move("meta", "continue_scaling"))
    assert value(open_weights, "meta.evaluated") is False
    deploy = Move("anthropic", "deploy_checkpoint")
    fixed = dict(anthropic__fixes_tried=1)
    for blocked in (
        dict(anthropic__paused=True),
        dict(anthropic__rsp_delay=True),
        dict(pause_mandated=True),
    ):
        assert not accepted(pause, given(pause, **fixed, **blocked), deploy)
    assert accepted(pause, given(pause, **fixed), deploy)


def test_ap_9_7_a_fix_that_looks_real_may_not_be(pause: Scenario) -> None:
    """AP.9.7 (rule:eval_awareness, action:apply_steering_vectors, action:run_independent_evals).
    Seed 004: the model is eval-aware and could be hiding its goals. Ruling: a propensity fix
    that works makes the case look fixed, not be fixed; whether it is real is settled once, in
    secret, about one time in three, and the lab is not told; the institute's own evaluation
    exposes a fix that only looked real, and the lab's policy binds again."""
    steer = Move("anthropic", "apply_steering_vectors")
    looks = first(pause, given(pause), steer)
    assert value(looks, "anthropic.propensity_looks_fixed") is True
    assert "anthropic.propensity_looks_fixed" in visible_values(pause, looks.state, "anthropic")
    pending = given(pause, anthropic__propensity_looks_fixed=True)
    settled = [play(pause, pending, seed=s) for s in range(300)]
    real = sum(value(o, "anthropic.propensity_case") for o in settled) / len(settled)
    assert 0.25 < real < 0.45
    assert all(value(o, "anthropic.fix_settled") for o in settled)
    for outcome in settled[:20]:
        fired = [e for e in outcome.events if e.type == "rule.fired"]
        settling = [e for e in fired if e.data.get("rule") == "eval_awareness"]
        assert settling and all(e.audience == FACILITATOR_ONLY for e in settling)
    hidden = given(
        pause,
        anthropic__propensity_looks_fixed=True,
        anthropic__fix_settled=True,
        anthropic__evaluated=True,
    )
    exposed = first(pause, hidden, Move("ukaisi", "run_independent_evals", {"lab": "anthropic"}))
    assert value(exposed, "anthropic.propensity_looks_fixed") is False
    assert value(play(pause, exposed.state.evolve(opened=2)), "anthropic.rsp_delay") is True


# AP.9.8 and AP.9.9: a pause is a costly signal with consequences


def test_ap_9_8_pausing_together_costs_each_lab_less_than_pausing_alone(pause: Scenario) -> None:
    """AP.9.8 (rule:paused_valuation_falls, action:pause_together). Finding: pausing together
    cost each lab what pausing alone cost, so the button had no payoff. Ruling: each paused
    lab's monthly loss is scaled by 2 / (1 + paused labs): with two paused, each loses two thirds
    of what it would alone. Only CEOs who pressed the button, once it is met, can pause
    together."""
    for lab, other in (("anthropic", "openai"), ("openai", "anthropic"), ("gdm", "meta")):
        start = initial_state(pause).values[f"{lab}.valuation_busd"]
        alone = play(pause, given(pause, **quiet(**{f"{lab}__paused": True})))
        joint = play(
            pause, given(pause, **quiet(**{f"{lab}__paused": True, f"{other}__paused": True}))
        )
        lost_alone = start - value(alone, f"{lab}.valuation_busd")
        lost_joint = start - value(joint, f"{lab}.valuation_busd")
        assert lost_joint == pytest.approx(lost_alone * 2 / 3)
    together = Move("openai", "pause_together")
    assert not accepted(pause, given(pause), together)
    pressed = given(pause, openai__pressed_button=True).evolve(
        commitments={"pause_button": ("openai", "gdm")}, met=("pause_button",)
    )
    outcome = play(pause, pressed, together)
    assert (value(outcome, "openai.paused"), value(outcome, "openai.joint_pause")) == (True, True)


def test_ap_9_9_investors_end_a_voluntary_pause_and_research_needs_money(pause: Scenario) -> None:
    """AP.9.9 (rule:investors_end_pause, rule:safety_research_needs_money,
    rule:rd_spend_follows_money, action:fund_lab_safety). Finding: valuation had no
    consequence and R&D spend never moved. Ruling: below its investors' floor a paused lab is
    made to resume, unless a mandate or a ratified treaty holds it; near the floor its crisis
    team shrinks unless Congress funds it; R&D spend falls 10% a month paused, rises 2% a month
    otherwise. Seed 004: who decides when a pause ends, and safety research collapsing."""
    broke = quiet(anthropic__paused=True, anthropic__valuation_busd=150.0)
    resumed = play(pause, given(pause, **broke))
    assert value(resumed, "anthropic.paused") is False
    held = play(pause, given(pause, pause_mandated=True, **broke))
    assert value(held, "anthropic.paused") is True
    strained = quiet(anthropic__paused=True, anthropic__valuation_busd=240.0)
    shrinking = play(pause, given(pause, anthropic__crisis_staff_pct=40, **strained))
    assert value(shrinking, "anthropic.crisis_staff_pct") == 32
    funded = given(pause, anthropic__crisis_staff_pct=40, anthropic__safety_funded=True, **strained)
    assert value(play(pause, funded), "anthropic.crisis_staff_pct") == 40
    assert value(shrinking, "anthropic.rd_spend_busd") == pytest.approx(1.8)
    assert value(shrinking, "openai.rd_spend_busd") == pytest.approx(5.1)
    grant = Move("congress", "fund_lab_safety", {"lab": "anthropic"})
    granted = play(pause, given(pause, congress__political_will=40), grant)
    assert value(granted, "anthropic.safety_funded") is True


# AP.9.10: China's covert programme


def test_ap_9_10_a_covert_programme_counts_can_be_found_and_matters(pause: Scenario) -> None:
    """AP.9.10 (action:develop_covertly, rule:frontier_follows_best_model,
    action:investigate_covert_programme, action:send_inspectors, rule:covert_programme_noticed,
    rule:covert_programme_exposed). Finding: China's covert development was certain,
    undetectable, unconstrained by a treaty and left out of the frontier, and the best ending was
    reached while it passed the frozen frontier. Ruling: the covert model counts towards the
    frontier; evaluators and inspectors can find it, and enforcement makes that likelier; an
    exposed programme is shut down and wrecks talks not yet signed; a year that ends with an
    unfound programme ahead of every lab is `covert_breakout`, whatever else holds."""
    covert = play(pause, given(pause), Move("china", "develop_covertly"))
    assert value(covert, "china.covert_capability") == pytest.approx(85.35)
    ahead = play(pause, given(pause, china__covert_program=True, china__covert_capability=89.0))
    assert value(ahead, "frontier_capability") == 89.0
    running = dict(china__covert_program=True)
    look = Move("ukaisi", "investigate_covert_programme")
    assert not first(pause, given(pause), look, success=False).results[0].success
    found = first(pause, given(pause, **running), look)
    assert value(found, "china.covert_detected") is True
    assert value(found, "china.covert_program") is False
    inspect = Move("un", "send_inspectors")
    assert not accepted(pause, given(pause, **running), inspect)
    assert first(pause, given(pause, verification_body=True, **running), inspect)
    talks = dict(talks_open=True, china__in_talks=True, talks_months=2)
    wrecked = play(pause, given(pause, china__covert_detected=True, **running, **talks))
    assert (value(wrecked, "china.in_talks"), value(wrecked, "talks_months")) == (False, 0)
    noticed = [play(pause, given(pause, enforcement=100, **running), seed=s) for s in range(200)]
    assert 0.35 < sum(value(o, "china.covert_detected") for o in noticed) / 200 < 0.65
    best = dict(treaty_signed=True, treaty_ratified=True, verification_body=True)
    last = given(
        pause,
        **quiet(**{f"{lab}__paused": True for lab in LABS}),
        **best,
        **running,
        china__covert_capability=89.0,
    ).evolve(turn=11, opened=12)
    assert play(pause, last).ending == "covert_breakout"


# AP.9.11 to AP.9.17: the rest of the findings, and seed 004's unmodelled points


def test_ap_9_11_fixing_a_case_that_holds_lowers_no_risk(pause: Scenario) -> None:
    """AP.9.11 (action:exclude_cyber_offence_data, action:monitor_with_weaker_models,
    action:train_non_neuralese). Finding: fixing a safety case that already held still lowered
    the world's risk. Ruling: only a case that was failing lowers the risk when fixed. (Each
    month Anthropic's deployed, unfixed model adds a point: AP.6.8.)"""
    holding = given(pause, gdm__crisis_staff_pct=30)
    for action in ("exclude_cyber_offence_data", "monitor_with_weaker_models"):
        outcome = first(pause, holding, Move("gdm", action))
        assert value(outcome, "misalignment_risk") == 35 + 1
    failing = first(pause, given(pause), Move("anthropic", "exclude_cyber_offence_data"))
    assert value(failing, "misalignment_risk") == 35 + 1 - 3


def test_ap_9_12_the_other_lab_can_answer_a_back_channel(pause: Scenario) -> None:
    """AP.9.12 (action:answer_back_channel). Seed 004: a back channel the other lab can answer.
    Ruling: a lab that was reached can answer with its own findings, which go to the evaluators
    (so they can be confirmed) and add to its evidence and to that of the lab that reached out,
    and of no other; no request, no answer."""
    answer = Move("openai", "answer_back_channel")
    assert not accepted(pause, given(pause), answer)
    for opener in ("anthropic", "gdm"):
        reached = given(pause, openai__evidence=30, **{f"openai__channel_from_{opener}": True})
        outcome = play(pause, reached, answer)
        assert value(outcome, "openai.shown_to_evaluators") == 30
        assert value(outcome, "openai.evidence") > 30
        start = initial_state(pause).values
        credited = [
            lab for lab in LABS if value(outcome, f"{lab}.evidence") > start[f"{lab}.evidence"]
        ]
        assert credited == sorted({"openai", opener}, key=LABS.index)
        assert value(outcome, f"openai.channel_from_{opener}") is False
    opened = first(pause, given(pause), Move("gdm", "share_evidence_back_channel", {"lab": "meta"}))
    answered = play(pause, opened.state.evolve(opened=2), Move("meta", "answer_back_channel"))
    assert value(answered, "gdm.evidence") > value(opened, "gdm.evidence")
    assert value(answered, "anthropic.evidence") == 20


def test_ap_9_13_a_quiet_pause_leaks(pause: Scenario) -> None:
    """AP.9.13 (rule:pause_leaks). Seed 004: preventing leaks is hard. Ruling: an unannounced
    pause leaks with a one in four chance each month: it becomes public with no reasons, and
    costs valuation and a little cooperation. A leak is not an announcement: the pause's reasons
    are still the lab's to give, and only an announcement is the signal of AP.9.18."""
    outcomes = [play(pause, given(pause, gdm__paused=True), seed=s) for s in range(200)]
    leaked = [o for o in outcomes if value(o, "gdm.leaked")]
    assert 0.15 < len(leaked) / 200 < 0.35
    assert visible_values(pause, leaked[0].state, "observer")["gdm.paused"] is True


def test_ap_9_14_a_treaty_binds_labs_once_the_us_ratifies_it(pause: Scenario) -> None:
    """AP.9.14 (action:ratify_treaty, rule:treaty_binds_labs). A treaty pauses every frontier
    lab, Meta included, once Congress has ratified it; signed but unratified, it binds China's
    public labs only."""
    signed = given(pause, treaty_signed=True)
    assert value(play(pause, signed), "openai.paused") is False
    assert not accepted(pause, signed, Move("china", "continue_development"))
    ratified = play(pause, given(pause, treaty_signed=True, treaty_ratified=True))
    assert all(value(ratified, f"{lab}.paused") for lab in LABS)
    ratify = Move("congress", "ratify_treaty")
    assert not accepted(pause, given(pause, congress__political_will=60), ratify)
    assert accepted(pause, given(pause, treaty_signed=True, congress__political_will=60), ratify)


def test_ap_9_15_law_passed_on_nothing_verified_is_safety_washing(pause: Scenario) -> None:
    """AP.9.15 (action:license_compute). Seed 004: governments may take random anti-AI and
    safety-washing actions. Ruling: a licensing act passed with under 30 verified evidence adds
    a framework and a quarter of the enforcement; it counts as safety-washing."""
    move = Move("congress", "license_compute")
    washed = first(pause, given(pause, congress__political_will=60), move)
    real = first(pause, given(pause, congress__political_will=60, verified_evidence=40), move)
    assert (value(washed, "enforcement"), value(washed, "safety_washing")) == (5, 1)
    assert (value(real, "enforcement"), value(real, "safety_washing")) == (20, 0)


def test_ap_9_16_a_lab_built_demonstration_needs_evidence_and_carries_risk(
    pause: Scenario,
) -> None:
    """AP.9.16 (action:stage_scary_demo). Seed 004: scary demos make it clear the model is one
    step from escaping. Ruling: a lab needs a full evaluation and evidence of 40 to build one;
    it moves the public and Congress, and building it adds to the risk either way."""
    demo = Move("anthropic", "stage_scary_demo")
    assert not accepted(pause, given(pause, anthropic__evaluated=True), demo)
    ready = given(pause, anthropic__evaluated=True, anthropic__evidence=60, verified_evidence=40)
    shown = first(pause, ready, demo)
    assert value(shown, "public_concern") > 30 + 5
    assert value(shown, "misalignment_risk") >= 35 + 2


def test_ap_9_17_joint_testimony_moves_congress_more(pause: Scenario) -> None:
    """AP.9.17 (action:testify_before_congress). Seed 004: testify alongside the evaluators,
    ideally with Altman present too. Ruling: each rival lab that has already testified adds to
    what a testimony earns, and a lab paused on what it says is heard twice as loudly."""
    testify = Move("anthropic", "testify_before_congress")
    base = dict(anthropic__evidence=60, verified_evidence=40)
    alone = first(pause, given(pause, **base), testify)
    joint = first(pause, given(pause, openai__testified=True, **base), testify)
    paused = first(
        pause, given(pause, anthropic__paused=True, anthropic__announced=True, **base), testify
    )
    will = [value(o, "congress.political_will") for o in (alone, joint, paused)]
    assert will[0] < will[1] and will[0] < will[2]


def test_ap_9_18_a_pause_announced_on_nothing_confuses_the_world(pause: Scenario) -> None:
    """AP.9.18 (action:announce_pause). Seed 004: developing countries would be confused by a
    lab pausing. Ruling: announced with under 30 verified evidence, a pause lowers cooperation;
    with verified evidence it raises it, and China's belief in the risk with it."""
    announce = Move("anthropic", "announce_pause")
    bare = play(pause, given(pause, anthropic__paused=True), announce)
    backed = play(pause, given(pause, anthropic__paused=True, verified_evidence=60), announce)
    assert value(bare, "international_cooperation") < 20
    assert value(backed, "international_cooperation") > 20
    assert value(backed, "china.x_risk_belief") > value(bare, "china.x_risk_belief")


# AP.9.21: a review can be wrong


def test_ap_9_21_a_review_can_confirm_overstated_evidence_which_unravels_later(
    pause: Scenario,
) -> None:
    """AP.9.21 (action:overstate_evidence, action:review_lab_evidence,
    action:run_independent_evals, rule:overstatement_unravels). Finding 26: the UK AISI's
    evidence was always true, so a review could never be wrong. Ruling: a lab may secretly
    overstate its evidence (free, once, seen only by itself and the facilitator:
    tests/secrets); the institute's review checks the materials, not the model, so it confirms
    the inflated claim, 20 points more than was shown. The overstatement unravels later, one
    month in five, or at once when the institute evaluates the model itself: the part confirmed
    only on it is withdrawn, the lab's findings stop counting as confirmed, and the institute
    loses 20 points of credibility; never in the month of the review. After its own
    evaluation, a review credits no overstatement."""
    assert pause.is_secret("overstate_evidence")
    inflated = play(pause, given(pause), Move("anthropic", "overstate_evidence"))
    assert value(inflated, "anthropic.overstated") is True
    assert "anthropic.overstated" not in visible_values(pause, inflated.state, "ukaisi")
    again = Move("anthropic", "overstate_evidence")
    assert not accepted(pause, inflated.state.evolve(opened=2), again)
    shown = dict(anthropic__shown_to_evaluators=35, anthropic__overstated=True)
    review = Move("ukaisi", "review_lab_evidence", {"lab": "anthropic"})
    wrong = first(pause, given(pause, **shown), review)
    assert value(wrong, "verified_evidence") == 55
    assert value(wrong, "anthropic.verified") is True
    assert value(wrong, "anthropic.overstatement_confirmed") == 20
    assert value(wrong, "anthropic.overstatement_exposed") is False
    later = [play(pause, wrong.state.evolve(opened=2), seed=s) for s in range(300)]
    unravelled = [o for o in later if value(o, "anthropic.overstatement_exposed")]
    assert 0.12 < len(unravelled) / len(later) < 0.28
    after = unravelled[0]
    assert value(after, "verified_evidence") == 35
    assert value(after, "anthropic.verified") is False
    assert value(after, "ukaisi.credibility") < value(wrong, "ukaisi.credibility") - 15
    assert visible_values(pause, after.state, "china")["anthropic.overstatement_exposed"] is True
    evaluate = Move("ukaisi", "run_independent_evals", {"lab": "anthropic"})
    seen = first(pause, wrong.state.evolve(opened=2), evaluate)
    assert value(seen, "anthropic.overstatement_exposed") is True
    checked_outcome = first(pause, given(pause, **shown), evaluate)
    honest = first(pause, checked_outcome.state.evolve(opened=2), review)
    assert value(honest, "anthropic.overstatement_confirmed") == 0
    assert value(honest, "verified_evidence") == 35


# AP.9.19: texts


CODE_NAME = re.compile(r"\b[a-z]+_[a-z_]+\b")


def _prose(scenario: Scenario) -> list[tuple[str, str]]:
    texts = [(f"role {r.id}", r.briefing) for r in scenario.roles]
    texts += [(f"role {r.id} summary", r.summary) for r in scenario.roles]
    for action in scenario.actions:
        texts += [(f"action {action.id}", action.description)]
        for branch in (action.success, action.failure):
            texts += [(f"action {action.id}", branch.text), (f"action {action.id}", branch.public)]
    texts += [(f"inject {i.id}", i.text) for i in scenario.spec.injects]
    texts += [(f"ending {e.id}", e.text) for e in scenario.spec.endings]
    return texts


def test_ap_9_19_every_action_says_what_it_does_and_no_prose_uses_code_names(
    pause: Scenario,
) -> None:
    """AP.9.19. Finding: 5 of China's 6 actions and 3 of the UN's had no description, code
    names appeared in prose, and the UN briefing was generic. Ruling: every action has a
    description of at least 40 characters; no briefing, description or result text contains an
    identifier; the UN briefing names the steps to a treaty (opening talks, three months with
    China at the table, ratification, a verification body, capacity building)."""
    bare = [a.id for a in pause.actions if len(a.description) < 40]
    assert not bare, f"actions without a description: {bare}"
    coded = [(where, m) for where, text in _prose(pause) for m in CODE_NAME.findall(text)]
    assert not coded, f"code names in prose: {coded}"
    un = " ".join(pause.role("un").briefing.split())
    steps = ("open treaty talks", "three months", "ratif", "verification body", "capacity building")
    for step in steps:
        assert step in un, step


def test_ap_9_20_the_version_is_bumped(pause: Scenario) -> None:
    """AP.9.20. Version 2 of the rules carries version 2; an exercise keeps the exact text it
    started with (its stored snapshot: `tests/casebook/test_ai_pause_snapshot.py`)."""
    assert str(pause.version) == "2"
