"""The bots' moves admitted by `choose_moves`'s shortcuts (a made move whose action has no
precondition judged once per scenario, one whose action has some judged in place with them
in hand; a move whose verdict is found and whose action nothing rests priced and counted in
place) against asking `_admit` about every play in turn: the same moves, for every policy of
the bundled scenarios and the test fixtures, over whole exercises, including the turns where
a role can no longer pay or a precondition stops holding."""

from pathlib import Path

import pytest

from exercises.engine import adjudicate, initial_state
from exercises.engine.admission import Tally, _admit
from exercises.engine.bots import _candidates, _worked_out, choose_moves
from exercises.engine.dice import generator
from exercises.engine.expressions import ExpressionError
from exercises.engine.moves import Move, Rejected
from exercises.engine.opening import open_turn_unclocked
from exercises.engine.scenario import Scenario
from exercises.engine.state import State, environment
from tests.engine.corpus import EVERY_FILE, loadable

FILES = EVERY_FILE


def admitted_one_by_one(
    scenario: Scenario, state: State, role: str, policy: str, seed: str
) -> list[Move]:
    """Every play asked of `_admit` in turn, as the bots did before any shortcut."""
    if state.ending is not None:
        return []
    env = environment(scenario, state, state.turn + 1)
    rng, tally = None, Tally()
    chosen: list[Move] = []
    for play, made, when, *_ in _candidates(scenario, policy, role):
        if play.chance < 1:
            rng = rng or generator(seed, state.turn + 1, f"bot:{policy}:{role}")
            if rng.random() >= play.chance:
                continue
        if play.action == "answer_offer":
            return []  # answers are `_answers`' own: not what this compares
        env.bind(role=role, params={})
        try:
            if when.evaluate(env) is not True:
                continue
            move = made or _worked_out(scenario, env, play, role, policy)
        except ExpressionError:
            continue
        try:
            _admit(scenario, state, env, move, tally)
        except Rejected:
            continue
        chosen.append(move)
    return chosen


def has_answers(scenario: Scenario, policy: str, role: str) -> bool:
    return any(play.action == "answer_offer" for play, *_ in _candidates(scenario, policy, role))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_bots_admit_the_moves_that_admitting_each_play_in_turn_admits(path: Path) -> None:
    scenario = loadable(path)
    if scenario is None or not scenario.policies:
        pytest.skip("no policy to play")
    compared = 0
    for policy in scenario.policies:
        for run in range(3):
            seed = f"{policy}:{run}"
            state = initial_state(scenario)
            for _ in range(scenario.turns):
                state = open_turn_unclocked(scenario, state, seed)
                moves = []
                for role in scenario.role_ids:
                    mine = choose_moves(scenario, state, role, policy, seed)
                    # priced where the moves' generated code looks for the price
                    memo = environment(scenario, state, state.turn + 1).memo
                    for move in mine:
                        action = scenario.action(move.action)
                        if action is not None and action.cost:
                            assert ("cost", move.key) in memo
                    if not has_answers(scenario, policy, role):
                        assert mine == admitted_one_by_one(scenario, state, role, policy, seed)
                        compared += len(mine)
                    moves += mine
                state = adjudicate(scenario, state, moves, seed, record=False).state
                if state.ending is not None:
                    break
    assert compared
