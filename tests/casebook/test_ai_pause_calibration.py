"""Calibration of `ai-pause` against seed 000's table "Projected Impact of a 12-Month Global Pause".

Played by simple bot policies for 12 months over many seeds, the scenario's means must land in
the ranges the scenario brief sets: `all-labs-pause` (every lab pauses and complies) and
`no-pause` (no lab pauses).
"""

from __future__ import annotations

from typing import Any

import pytest

from exercises.engine import load_bundled_scenarios, simulate

RUNS = 200

RANGES: dict[str, dict[str, tuple[float, float]]] = {
    "all-labs-pause": {
        "frontier_capability": (87.3, 89.3),
        "safety_papers_per_year": (21000, 29000),
        "regulatory_frameworks": (8, float("inf")),
        "underground_incidents_per_year": (8, 12),
        "open_source_relative_quality": (87, 93),
    },
    "no-pause": {
        "frontier_capability": (90, float("inf")),
        "safety_papers_per_year": (13000, 19000),
        "regulatory_frameworks": (3, 5),
        "underground_incidents_per_year": (1.5, 4),
        "open_source_relative_quality": (75, 85),
    },
}


@pytest.fixture(scope="module")
def summaries() -> dict[str, dict[str, Any]]:
    scenario = load_bundled_scenarios()["ai-pause"]
    return {
        policy: simulate(scenario, policy, runs=RUNS, seed=2026, turns=12, workers=1)
        for policy in RANGES
    }


@pytest.mark.parametrize(
    ("policy", "variable"),
    [(policy, variable) for policy, ranges in RANGES.items() for variable in ranges],
)
def test_the_mean_over_many_seeds_lands_in_the_seed_table_range(
    summaries: dict[str, dict[str, Any]], policy: str, variable: str
) -> None:
    low, high = RANGES[policy][variable]
    mean = summaries[policy]["final_state"]["mean"][variable]
    assert low <= mean <= high, f"{policy}: {variable} mean {mean} outside [{low}, {high}]"


def test_the_runs_really_differ_from_seed_to_seed(summaries: dict[str, dict[str, Any]]) -> None:
    """The means above are over runs that vary, not one run repeated."""
    final = summaries["all-labs-pause"]["final_state"]
    assert final["p5"]["regulatory_frameworks"] < final["p95"]["regulatory_frameworks"]


def test_pausing_freezes_the_frontier_and_racing_moves_it(
    summaries: dict[str, dict[str, Any]],
) -> None:
    paused = summaries["all-labs-pause"]["final_state"]["mean"]["frontier_capability"]
    racing = summaries["no-pause"]["final_state"]["mean"]["frontier_capability"]
    assert paused < 89.3 < 90 <= racing
