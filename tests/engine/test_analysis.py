"""The balance analysis, through the engine's public functions (exercises.engine.analysis).

`unbalanced.yaml` is broken on purpose: each flag the analysis must raise is built into it, and
so is its opposite (an ending reached, a variable that moves, a role whose idling matters).
"""

from pathlib import Path
from typing import Any

import pytest

from exercises.engine import load_scenario, simulate
from exercises.engine.analysis import Setup, analyse, setups
from exercises.engine.analysis_summary import wilson

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


@pytest.fixture(scope="module")
def unbalanced() -> dict[str, Any]:
    return analyse(load_scenario(FIXTURES / "unbalanced.yaml"), runs=40, seed=7)


def flagged(result: dict[str, Any], kind: str) -> set[str]:
    return {f["subject"] for f in result["flags"] if f["kind"] == kind}


def test_the_set_ups_are_each_policy_each_role_idle_and_each_role_swapped() -> None:
    scenario = load_scenario(FIXTURES / "unbalanced.yaml")

    labels = [s.label for s in setups(scenario)]

    assert labels[:7] == [
        "play",
        "play, hawk idle",
        "play, dove idle",
        "play, clerk idle",
        "play, hawk plays quiet",
        "play, dove plays quiet",
        "play, clerk plays quiet",
    ]
    assert len(labels) == 2 * (1 + 3 + 3)


def test_a_policy_played_alone_ends_as_simulate_says() -> None:
    mini = load_scenario(FIXTURES / "mini.yaml")

    analysed = analyse(mini, runs=30, seed=5, only=[Setup("race")])["setups"][0]
    simulated = simulate(mini, "race", 30, seed=5)

    shares = {e: c["share"] for e, c in analysed["endings"].items() if c["count"]}
    assert shares == simulated["outcomes"]
    finals = {name: band["mean"][-1] for name, band in analysed["variables"].items()}
    assert finals == simulated["final_state"]["mean"]


def test_an_ending_no_run_reaches_is_flagged_and_one_reached_is_not(
    unbalanced: dict[str, Any],
) -> None:
    assert flagged(unbalanced, "ending_never_reached") == {"treaty"}


def test_a_variable_that_never_moves_is_flagged(unbalanced: dict[str, Any]) -> None:
    assert flagged(unbalanced, "variable_never_moves") == {"paperwork"}


def test_an_action_the_rules_never_allow_is_flagged(unbalanced: dict[str, Any]) -> None:
    assert flagged(unbalanced, "action_never_legal") == {"veto"}


def test_a_role_whose_idling_changes_nothing_is_flagged_and_the_hawk_is_not(
    unbalanced: dict[str, Any],
) -> None:
    assert flagged(unbalanced, "idle_changes_nothing") == {"dove", "clerk"}
    assert unbalanced["idle_shift"]["play"]["hawk"] > 50


def test_an_action_a_policy_picks_in_every_state_is_flagged(unbalanced: dict[str, Any]) -> None:
    assert "hawk.push" in flagged(unbalanced, "action_always_picked")


def test_a_variable_whose_median_ends_at_a_bound_is_flagged(tmp_path: Path) -> None:
    text = (FIXTURES / "unbalanced.yaml").read_text().replace("max: 10}\n  calm", "max: 6}\n  calm")
    path = tmp_path / "capped.yaml"
    path.write_text(text)

    result = analyse(load_scenario(path), runs=20, only=[Setup("play")])

    assert "tension" in flagged(result, "variable_saturates")


def test_each_variable_has_a_mean_and_band_for_the_start_and_every_turn(
    unbalanced: dict[str, Any],
) -> None:
    band = unbalanced["setups"][0]["variables"]["tension"]

    assert set(band) == {"mean", "p5", "p50", "p95"}
    assert all(len(series) == 4 + 1 for series in band.values())
    assert band["mean"][0] == 0
    assert all(
        lo <= m <= hi for lo, m, hi in zip(band["p5"], band["mean"], band["p95"], strict=True)
    )


def test_an_ending_share_carries_its_wilson_interval(unbalanced: dict[str, Any]) -> None:
    war = unbalanced["setups"][0]["endings"]["war"]

    assert war["low"] < war["share"] < war["high"]
    assert (war["low"], war["high"]) == tuple(round(x, 4) for x in wilson(war["count"], 40))


def test_the_wilson_interval_of_nothing_seen_is_not_empty() -> None:
    low, high = wilson(0, 40)

    assert low == 0
    assert 0.08 < high < 0.09  # 3.84 / 43.84


def test_the_analysis_is_the_same_for_any_number_of_workers() -> None:
    scenario = load_scenario(FIXTURES / "unbalanced.yaml")

    assert analyse(scenario, runs=15, seed=3, workers=1) == analyse(
        scenario, runs=15, seed=3, workers=2
    )


def test_a_scenario_without_policies_cannot_be_analysed(tmp_path: Path) -> None:
    text = (FIXTURES / "unbalanced.yaml").read_text()
    path = tmp_path / "nopolicy.yaml"
    path.write_text(text[: text.index("policies:")])

    with pytest.raises(ValueError, match="has no policies"):
        analyse(load_scenario(path), runs=5)
