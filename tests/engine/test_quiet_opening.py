"""The turn opened for `simulate` (`open_turn_unclocked`, which fires the injects without
their texts and events) against the general opening it stands for, `open_turn` then
`fire_timed`: the same state in every turn the bundled scenarios' policies play, and with
injects rescheduled, skipped or edited by the facilitator."""

import math
from pathlib import Path

import pytest

from exercises.engine import adjudicate, initial_state, load_scenario
from exercises.engine.bots import choose_moves
from exercises.engine.opening import (
    fire_timed,
    open_turn,
    open_turn_unclocked,
    schedule_inject,
    skip_inject,
)
from exercises.engine.scenario import Scenario
from exercises.engine.state import State
from tests.engine.corpus import EVERY_FILE, SCENARIOS, loadable

FILES = EVERY_FILE


def opened_generally(scenario: Scenario, state: State, seed: str) -> State:
    opened = open_turn(scenario, state, seed).state
    if not scenario.timed_injects:
        return opened
    return fire_timed(scenario, opened, seed, math.inf).state


def play_both_ways(scenario: Scenario, policy: str, seed: str) -> int:
    """Plays the policy's exercise, each turn opened both ways; how many turns it played."""
    state = initial_state(scenario)
    played = 0
    for _ in range(scenario.turns):
        quiet = open_turn_unclocked(scenario, state, seed)
        assert quiet == opened_generally(scenario, state, seed)
        state = quiet
        moves = [
            m for r in scenario.role_ids for m in choose_moves(scenario, state, r, policy, seed)
        ]
        state = adjudicate(scenario, state, moves, seed, record=False).state
        played += 1
        if state.ending is not None:
            break
    return played


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_a_quiet_opening_leaves_the_state_the_general_one_leaves(path: Path) -> None:
    scenario = loadable(path)
    if scenario is None or not scenario.policies:
        pytest.skip("no policy to play")
    for policy in scenario.policies:
        for run in range(3):
            assert play_both_ways(scenario, policy, f"{policy}:{run}")


def test_a_quiet_opening_follows_the_facilitators_schedule_and_edits() -> None:
    scenario = load_scenario(SCENARIOS / "ai-pause.yaml")
    injects = [i.id for i in scenario.spec.injects]
    start = initial_state(scenario)
    moved = schedule_inject(scenario, start, injects[-1], 1)
    skipped = skip_inject(scenario, start, injects[0])
    edited = start.evolve(edits={injects[0]: {"title": "Edited {turn}"}})
    for state in (start, moved, skipped, edited):
        for seed in ("a", "b", "c"):
            quiet = open_turn_unclocked(scenario, state, seed)
            assert quiet == opened_generally(scenario, state, seed)
            assert quiet.opened == 1
