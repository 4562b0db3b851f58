"""Batch simulation keeps its promise of determinism with the engine's caches in play.

The engine keeps, per scenario and per process, what it derives for speed (bots' moves, each
`me.` expression compiled for each role, effect targets). A worker of `simulate` plays many
runs with them warm; a summary must not depend on what that worker played before.
"""

from __future__ import annotations

import pytest

from exercises.engine import load_scenario, simulate
from exercises.engine.loader import BUNDLED


@pytest.mark.parametrize(
    ("scenario_id", "warm_up", "policy"),
    [("ai-pause", "no-pause", "all-labs-pause"), ("lab-crisis", "reckless", "cautious")],
)
def test_a_scenario_with_warm_caches_simulates_as_a_freshly_loaded_one(
    scenario_id: str, warm_up: str, policy: str
) -> None:
    used = load_scenario(BUNDLED / f"{scenario_id}.yaml")
    simulate(used, warm_up, runs=5, seed="other", workers=1)

    after_other_runs = simulate(used, policy, runs=12, seed=7, workers=1)
    fresh = simulate(load_scenario(BUNDLED / f"{scenario_id}.yaml"), policy, runs=12, seed=7)

    assert after_other_runs == fresh
