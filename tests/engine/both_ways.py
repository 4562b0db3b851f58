"""Playing every bundled policy with each turn adjudicated two ways: shared by the tests that
hold a batch-path shortcut (move plans, their generated code) to the path it stands in for."""

from collections.abc import Callable

from exercises.engine import Move, initial_state
from exercises.engine.bots import choose_moves
from exercises.engine.moves import Outcome
from exercises.engine.opening import open_turn_unclocked
from exercises.engine.scenario import Scenario
from exercises.engine.state import State

SameTurn = Callable[[Scenario, State, list[Move], str], Outcome]


def play_both_ways(scenario: Scenario, policy: str, seed: str, same_turn: SameTurn) -> int:
    """Plays the policy's exercise, each turn through `same_turn`, which adjudicates it both
    ways and compares (with every move made twice in one turn of three, so that identical
    moves roll apart); how many moves were resolved."""
    state = initial_state(scenario)
    resolved = 0
    for turn in range(scenario.turns):
        state = open_turn_unclocked(scenario, state, seed)
        moves = [
            m for r in scenario.role_ids for m in choose_moves(scenario, state, r, policy, seed)
        ]
        if turn % 3 == 2:
            moves += [Move(m.role, m.action, m.params, m.text, id="again") for m in moves]
        outcome = same_turn(scenario, state, moves, seed)
        resolved += len(outcome.results)
        state = outcome.state
        if state.ending is not None:
            break
    return resolved
