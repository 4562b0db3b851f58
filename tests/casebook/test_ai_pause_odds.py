"""The seeds' odds for `ai-pause` version 2, measured over many seeds (scenario brief, "The seeds'
odds"; issue 11, "What version 2 must show").

Every measure plays the same 200 exercises per policy (fixed seeds: run i of batch 2026, as
`simulate --seed 2026` plays them), so each assertion is deterministic. The thresholds sit
at least two standard errors inside the brief's bounds at 200 runs (the standard error of a
share is at most 3.5 points; of a difference between two shares, at most 5), as measured over
1,000 runs in docs/casebook.md. `python -m tests.casebook.ai_pause_odds` prints the figures.
"""

from __future__ import annotations

import pytest

from exercises.engine import load_bundled_scenarios
from tests.casebook.ai_pause_odds import Odds, distance, measure

RUNS = 200
POLICIES = list(load_bundled_scenarios()["ai-pause"].policies)
ROLES = load_bundled_scenarios()["ai-pause"].role_ids


@pytest.fixture(scope="module")
def odds() -> dict[str, Odds]:
    return {policy: measure(policy, RUNS) for policy in POLICIES}


def test_a_pause_announced_with_nothing_verified_rarely_leads_to_a_treaty_or_mandate(
    odds: dict[str, Odds],
) -> None:
    """Brief: under 10 % of runs."""
    assert odds["unilateral-pause"].treaty_or_mandate < 0.05


def test_the_competent_path_leads_to_a_verified_global_pause_in_a_quarter_to_a_half(
    odds: dict[str, Odds],
) -> None:
    """Brief: 25 % to 50 % ("adequate legislation ... feels like < 50 %")."""
    assert 0.25 <= odds["evidence-first"].good <= 0.50


def test_no_treaty_comes_before_month_six_nor_after_less_than_two_months_of_talks(
    odds: dict[str, Odds],
) -> None:
    treaties = [o for o in odds.values() if o.earliest_treaty is not None]
    assert treaties, "no policy reaches a treaty: the check would be empty"
    for policy in treaties:
        assert policy.earliest_treaty is not None and policy.earliest_treaty >= 6
        assert policy.shortest_talks is not None and policy.shortest_talks >= 2


@pytest.mark.parametrize("policy", POLICIES)
def test_no_index_saturates_under_any_policy(odds: dict[str, Odds], policy: str) -> None:
    """Every 0-100 index's median at month 12 stays below 90."""
    high = {name: m for name, m in odds[policy].medians.items() if m >= 90}
    assert not high, f"{policy}: {high}"


def test_pausing_on_the_same_evidence_raises_good_endings_by_ten_points(
    odds: dict[str, Odds],
) -> None:
    assert odds["evidence-first"].good - odds["evidence-no-pause"].good >= 0.10


def test_a_joint_pause_costs_a_lab_less_than_pausing_alone(odds: dict[str, Odds]) -> None:
    """Anthropic pausing with OpenAI through the button ends the year richer than pausing alone;
    AP.9.8 shows the same for each lab, month by month."""
    key = "anthropic.valuation_busd"
    assert odds["pause-together"].means[key] > odds["pause-alone"].means[key] + 20


def test_valuation_has_consequences(odds: dict[str, Odds]) -> None:
    """A lone pause ends, in most runs, because the investors end it."""
    assert odds["pause-alone"].means["anthropic.paused"] < 0.5


def test_every_ending_is_reached_under_some_policy(odds: dict[str, Odds]) -> None:
    """No ending is dead text: `ship-it` reaches the loss of control, `unchecked` the covert
    breakout, `evidence-first` the verified global pause."""
    reached = {ending for o in odds.values() for ending, share in o.endings.items() if share}
    endings = {e.id for e in load_bundled_scenarios()["ai-pause"].spec.endings}
    assert endings <= reached, endings - reached


def test_a_pause_nobody_checks_lets_the_covert_programme_break_out(odds: dict[str, Odds]) -> None:
    """Issue 11: China's covert programme matters to the endings. When nobody looks for it
    (`unchecked`), it passes the paused labs in a good share of runs (26.7 % over 1,000)."""
    assert odds["unchecked"].share("covert_breakout") >= 0.15


@pytest.mark.parametrize("role", ROLES)
def test_every_role_has_a_real_choice(odds: dict[str, Odds], role: str) -> None:
    """With the role idle (no moves) on the competent path, the distribution of endings moves by
    at least 10 points (total variation distance)."""
    idle = measure("evidence-first", RUNS, idle=role)
    assert distance(odds["evidence-first"], idle) >= 10
