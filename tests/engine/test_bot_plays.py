"""Bots: an unaffordable play falls through to the next, and play parameters may be
expressions worked out each turn."""

from __future__ import annotations

import pytest

from exercises.engine import (
    Scenario,
    ScenarioLoadError,
    State,
    choose_moves,
    initial_state,
    load_scenario_text,
    open_turn,
)
from tests.engine.test_loader import BASE

SEED = 3


def scenario_with(policies: str, extra_actions: str = "") -> Scenario:
    text = BASE.replace("endings:\n", extra_actions + "endings:\n") + policies
    return load_scenario_text(text, "s.yaml")


def first_turn(scenario: Scenario) -> State:
    return open_turn(scenario, initial_state(scenario), SEED).state


DEAR = """\
  - id: splurge
    label: Buy a cluster
    roles: [lab]
    cost: {me.cash: 100.0}
    success: {add: {capability: 10.0}}
"""


def test_an_unaffordable_play_does_not_use_up_a_move_and_the_next_play_is_made() -> None:
    # given a policy that tries an unaffordable play first, with two moves a turn
    scenario = scenario_with(
        "policies:\n  greedy:\n    plays:\n"
        "      lab: [{action: splurge}, {action: scale}, {action: pause}]\n",
        DEAR,
    )

    moves = choose_moves(scenario, first_turn(scenario), "a", "greedy", SEED)

    # then the two plays after it are made
    assert [m.action for m in moves] == ["scale", "pause"]


AMOUNT = """\
  - id: spend
    label: Spend on safety
    roles: [lab]
    params:
      amount: {type: float, min: 0, max: 10}
    cost: {me.cash: "params.amount"}
    success: {add: {risk: -1}}
"""


def test_a_play_parameter_may_be_an_expression_of_the_state() -> None:
    scenario = scenario_with(
        "policies:\n  half:\n    plays:\n"
        '      lab: [{action: spend, params: {amount: {expr: "me.cash / 2.0"}}}]\n',
        AMOUNT,
    )
    state = first_turn(scenario)

    [move] = choose_moves(scenario, state, "a", "half", SEED)

    assert move.params == {"amount": 2.5}  # a holds 5.0 cash


def test_an_expression_parameter_that_does_not_fit_falls_through() -> None:
    scenario = scenario_with(
        "policies:\n  much:\n    plays:\n"
        '      lab: [{action: spend, params: {amount: {expr: "me.cash * 4.0"}}}, '
        "{action: pause}]\n",
        AMOUNT,
    )

    moves = choose_moves(scenario, first_turn(scenario), "a", "much", SEED)

    assert [m.action for m in moves] == ["pause"]  # 20.0 is past the parameter's max


def test_an_expression_parameter_of_the_wrong_type_is_a_load_error() -> None:
    with pytest.raises(ScenarioLoadError) as caught:
        scenario_with(
            "policies:\n  wrong:\n    plays:\n"
            '      lab: [{action: spend, params: {amount: {expr: "me.paused"}}}]\n',
            AMOUNT,
        )

    [error] = caught.value.errors
    assert error.where == "policies.wrong.plays.lab[0].params.amount.expr"
    assert "a number is needed" in error.message


@pytest.mark.parametrize("policy", ["no-pause", "all-labs-pause", "evidence-first", "unchecked"])
def test_bots_choose_what_admitting_every_play_in_turn_would(policy: str) -> None:
    """choose_moves counts plays legal in any state without asking `_admit` and skips plays
    past the move limit: the moves must be those of asking `_admit` about every play."""
    from exercises.engine import adjudicate, load_bundled_scenarios
    from exercises.engine.admission import Tally, _admit
    from exercises.engine.bots import _candidates, _worked_out
    from exercises.engine.dice import generator
    from exercises.engine.moves import Move, Rejected
    from exercises.engine.state import environment

    scenario = load_bundled_scenarios()["ai-pause"]

    def reference(state: State, role: str) -> list[Move]:
        env = environment(scenario, state, state.turn + 1)
        rng, tally = None, Tally()
        chosen: list[Move] = []
        for play, made, when, *_ in _candidates(scenario, policy, role):
            if play.chance < 1:
                rng = rng or generator(SEED, state.turn + 1, f"bot:{policy}:{role}")
                if rng.random() >= play.chance:
                    continue
            env.bind(role=role, params={})
            if when.evaluate(env) is not True:
                continue
            move = made or _worked_out(scenario, env, play, role, policy)
            try:
                _admit(scenario, state, env, move, tally)
            except Rejected:
                continue
            chosen.append(move)
        return chosen

    state = initial_state(scenario)
    for _ in range(12):
        state = open_turn(scenario, state, SEED).state
        moves = []
        for role in scenario.role_ids:
            mine = choose_moves(scenario, state, role, policy, SEED)
            assert mine == reference(state, role)
            moves += mine
        state = adjudicate(scenario, state, moves, SEED, record=False).state
        if state.ending:
            break
