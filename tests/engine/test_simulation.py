"""Batch simulation keeps its promise of determinism with the engine's caches in play.

The engine keeps, per scenario and per process, what it derives for speed (bots' moves, each
`me.` expression compiled for each role, effect targets). A worker of `simulate` plays many
runs with them warm; a summary must not depend on what that worker played before.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from exercises.engine import load_scenario, load_scenario_text, simulate
from exercises.engine.analysis import Setup, analyse
from exercises.engine.loader import BUNDLED

ROOT = Path(__file__).resolve().parents[2]


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


TIMED = """\
  - id: call
    title: A call
    text: "Ten minutes in, the phone rings."
    at_turn: 1
    after_minutes: 10
    effects: {add: {tension: 3}, set: {a.paused: true}}
"""


def test_simulate_and_the_analysis_fire_the_injects_timed_within_a_turn() -> None:
    text = (ROOT / "tests/fixtures/mini.yaml").read_text()
    scenario = load_scenario_text(text.replace("\ninjects:\n", "\ninjects:\n" + TIMED), "mini")

    summary = simulate(scenario, "race", runs=4, seed=1)
    [base] = analyse(scenario, runs=4, seed=1, only=[Setup("race")])["setups"]

    assert summary["final_state"]["mean"]["tension"] == 5.0
    # It fires before the bots move: the paused lab's `scale` is refused from turn 1, so its
    # cash pays for no scaling, only for the pause (0.5 a turn), and the government's funding
    # (1.0 a turn) comes in.
    assert summary["series"]["mean"]["a.paused"][0] == 1.0
    assert summary["final_state"]["mean"]["a.cash"] == 5.0 + 3 * 1.0 - 3 * 0.5
    assert base["variables"]["tension"]["mean"][-1] == 5.0


@pytest.mark.parametrize("policy", ["no-pause", "all-labs-pause"])
def test_an_environment_made_from_the_last_one_is_the_one_built_afresh(policy: str) -> None:
    """Each phase's environment is the last one with the values the phase changed set
    (state._updated); expressions must read exactly what a fresh build would give them."""
    from exercises.engine import state as state_module
    from exercises.engine.adjudication import adjudicate
    from exercises.engine.bots import choose_moves
    from exercises.engine.opening import open_turn_unclocked

    scenario = load_scenario(BUNDLED / "ai-pause.yaml")
    built = []
    real = state_module.environment

    def both(scenario, state, turn):  # type: ignore[no-untyped-def]
        made = real(scenario, state, turn)
        saved = state_module._cache.last
        state_module._cache.last = None
        fresh = real(scenario, state, turn)
        state_module._cache.last = saved
        built.append((made.variables, made.names["@facts"] is not None))
        assert made.variables == fresh.variables
        assert made.roles == fresh.roles
        assert [list(r) for r in made.roles.values()] == [list(r) for r in fresh.roles.values()]
        return made

    state = state_module.initial_state(scenario)
    with pytest.MonkeyPatch.context() as patch:
        for module in ("adjudication", "bots", "opening", "simulation"):
            patch.setattr(f"exercises.engine.{module}.environment", both)
        for _ in range(12):
            state = open_turn_unclocked(scenario, state, 3)
            moves = [
                m for r in scenario.role_ids for m in choose_moves(scenario, state, r, policy, 3)
            ]
            state = adjudicate(scenario, state, moves, 3, record=False).state
    assert len(built) > 24
