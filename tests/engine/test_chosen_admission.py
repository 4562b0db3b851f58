"""The bots' moves adjudicated without admitting them again (`_adjudicate` with `chosen`, as
`play_exercise` does) against `adjudicate`, which admits every move: the same turn in every
state the bundled scenarios' policies reach, and where costs could make the order matter."""

from pathlib import Path
from typing import Any

import pytest

from exercises.engine import adjudicate, initial_state, load_scenario, load_scenario_text
from exercises.engine.adjudication import _adjudicate
from exercises.engine.admission import (
    _legality,
    _owned_costs,
    _static_legality,
    _truth,
    check_move,
)
from exercises.engine.bots import _candidates, choose_moves
from exercises.engine.expressions import Environment
from exercises.engine.moves import Move, Outcome, Rejected
from exercises.engine.opening import open_turn_unclocked
from exercises.engine.review import NO_REVIEW
from exercises.engine.scenario import ANSWER_OFFER, Scenario
from exercises.engine.state import State, environment
from tests.engine.corpus import FILES
from tests.engine.test_loader import BASE


def bots_moves(scenario: Scenario, state: State, policy: str, seed: str) -> list[Move]:
    return [m for r in scenario.role_ids for m in choose_moves(scenario, state, r, policy, seed)]


def assert_same_turn(scenario: Scenario, state: State, moves: list[Move], seed: str) -> Outcome:
    chosen = _adjudicate(scenario, state, moves, seed, False, NO_REVIEW, True)
    admitted = adjudicate(scenario, state, moves, seed, record=False)
    assert chosen.state == admitted.state
    assert chosen.draws == admitted.draws
    assert chosen.results == admitted.results
    return chosen


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_the_bots_moves_need_no_second_admission(path: Path) -> None:
    scenario = load_scenario(path)
    for policy in scenario.policies:
        for run in range(3):
            seed = f"{policy}:{run}"
            state = initial_state(scenario)
            for _ in range(scenario.turns):
                state = open_turn_unclocked(scenario, state, seed)
                state = assert_same_turn(
                    scenario, state, bots_moves(scenario, state, policy, seed), seed
                ).state
                if state.ending is not None:
                    break


def scenario_with(costs: str) -> Scenario:
    """Two labs with 5.0 cash each, whose bots try `zz_big` first, then `aa_small`, which
    adjudication puts the other way round."""
    actions = (
        "  - id: zz_big\n    label: Big\n    roles: [lab]\n"
        f"    cost: {{{costs.split('|')[0]}}}\n    success: {{add: {{risk: 1}}}}\n"
        "  - id: aa_small\n    label: Small\n    roles: [lab]\n"
        f"    cost: {{{costs.split('|')[1]}}}\n    success: {{add: {{risk: 2}}}}\n"
    )
    text = BASE.replace("endings:\n", actions + "endings:\n")
    text += "policies:\n  spend:\n    plays:\n      lab: [{action: zz_big}, {action: aa_small}]\n"
    return load_scenario_text(text, "s.yaml")


@pytest.mark.parametrize(
    "costs, owned",
    [
        ("me.cash: 3.0|me.cash: 2.0", True),  # just affordable, in either order
        ("me.cash: 4.0|me.cash: 2.0", True),  # the second play unaffordable
        ("me.cash: 6.0|me.cash: -1.0", False),  # a refund: the order could matter
        ("capability: 30.0|capability: 1.0", False),  # both labs spend from one variable
        ('me.cash: "2.0 + 1.0"|me.cash: 2.0', False),  # an amount worked out each turn
    ],
)
def test_costs_decide_whether_the_bots_moves_are_admitted_again(costs: str, owned: bool) -> None:
    scenario = scenario_with(costs)
    state = open_turn_unclocked(scenario, initial_state(scenario), "s")
    moves = bots_moves(scenario, state, "spend", "s")

    outcome = assert_same_turn(scenario, state, moves, "s")

    assert _owned_costs(scenario) is owned
    if owned:  # then every move the bots chose was played
        assert outcome.results and all(r.accepted for r in outcome.results)


def judged_one_by_one(scenario: Scenario, env: Environment, move: Move) -> object:
    """`_legality`'s verdict, each precondition asked of `_truth` (the compiled checks' path)."""
    static = _static_legality(scenario, move)
    if isinstance(static, str):
        return static
    env.bind(role=move.role, params=static[1])
    try:
        for pre in static[0].requires:
            if not _truth(scenario, pre.when, env):
                return pre.reason
    except Rejected as exc:
        return str(exc)
    return static


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_a_move_its_legality_rules_out_is_one_the_engine_refuses(path: Path) -> None:
    # the bots skip such a play without asking `_admit` (bots.choose_moves)
    scenario = load_scenario(path)
    ruled_out = 0
    for policy in scenario.policies:
        state = initial_state(scenario)
        for _ in range(scenario.turns):
            state = open_turn_unclocked(scenario, state, policy)
            env = environment(scenario, state, state.turn + 1)
            for role in scenario.role_ids:
                for _, move, *_ in _candidates(scenario, policy, role):
                    if move is None or move.action == ANSWER_OFFER:
                        continue
                    verdict = _legality(scenario, env, move)
                    assert verdict == judged_one_by_one(scenario, env, move)
                    if isinstance(verdict, str):
                        ruled_out += 1
                        with pytest.raises(Rejected) as refused:
                            check_move(scenario, state, move)
                        assert refused.value.args  # its own reason, or an earlier check's
            moves = bots_moves(scenario, state, policy, policy)
            state = adjudicate(scenario, state, moves, policy, record=False).state
            if state.ending is not None:
                break
    assert ruled_out or path.stem in {"mini", "typed"}


class _NoPlans(dict[str, Any]):
    """Move plans that know no move: every move takes `_Play._scripted`."""

    def get(self, key: str, default: Any = None) -> Any:
        return False


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_moves_played_in_place_from_their_plans_resolve_as_scripted_moves_do(path: Path) -> None:
    """`_adjudicate` plays a chosen move with a plan itself (its code, or `_planned`); with
    every move made twice in one turn of three, identical moves roll apart as `resolve`
    rolls them."""
    scenario = load_scenario(path)
    for policy in scenario.policies:
        seed = f"{policy}:twice"
        state = initial_state(scenario)
        for turn in range(scenario.turns):
            state = open_turn_unclocked(scenario, state, seed)
            moves = bots_moves(scenario, state, policy, seed)
            if turn % 3 == 2:
                moves += [Move(m.role, m.action, m.params, m.text, id="again") for m in moves]
            in_place = _adjudicate(scenario, state, moves, seed, False, NO_REVIEW, True)
            kept = scenario.cache.get("move_plans", {})
            scenario.cache["move_plans"] = _NoPlans()
            try:
                scripted = _adjudicate(scenario, state, moves, seed, False, NO_REVIEW, True)
            finally:
                scenario.cache["move_plans"] = kept
            assert in_place.state == scripted.state
            assert in_place.draws == scripted.draws
            assert in_place.results == scripted.results
            state = in_place.state
            if state.ending is not None:
                break
