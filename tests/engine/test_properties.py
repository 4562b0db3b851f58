"""Properties of adjudication, for random legal moves of both bundled scenarios (Hypothesis).

Each example plays a few turns of `ai-pause` or `lab-crisis` from the start: every turn opens
(injects fire), each role makes up to its limit of random legal moves (scripted actions with
random parameters, and free-form moves with a random ruling, some of whose changes push
variables far past their bounds), and the turn is adjudicated. Whatever the moves:

- adjudication does not depend on the order the moves arrive in,
- the same inputs and seed give the same outcome,
- every variable stays within its declared bounds and keeps its type,
- and an exercise played so through the services exports a record that `verify` replays
  without a difference.

The examples are derandomized (the same on every run, so CI is deterministic) and have no
deadline: a slow machine makes them slower, never failing.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

import pytest
from django.test import TestCase
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from exercises.engine import (
    FREE_FORM,
    Move,
    Outcome,
    Rejected,
    Ruling,
    RulingBranch,
    Scenario,
    State,
    StateChange,
    adjudicate,
    check_move,
    initial_state,
    load_bundled_scenarios,
    open_turn,
    params_schema,
)

SCENARIOS = ("ai-pause", "lab-crisis")
FAST = settings(max_examples=40, deadline=None, derandomize=True, database=None)
# Each example of the export property creates and plays an exercise in the database: few of
# them, and a failure is reported as found (shrinking one can take many minutes).
SLOW = settings(
    max_examples=8,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
Draw = Callable[..., Any]  # st.DataObject.draw


@cache
def bundled(scenario_id: str) -> Scenario:
    return load_bundled_scenarios()[scenario_id]


def param_value(draw: Draw, schema: dict[str, Any]) -> Any:
    """A value a parameter's JSON Schema allows."""
    if "enum" in schema:
        return draw(st.sampled_from(schema["enum"])) if schema["enum"] else None
    low, high = schema.get("minimum"), schema.get("maximum")
    if schema["type"] == "integer":
        return draw(st.integers(int(low if low is not None else -5), int(high or 20)))
    if schema["type"] == "number":
        return draw(st.floats(low if low is not None else -5.0, high or 20.0, allow_nan=False))
    if schema["type"] == "boolean":
        return draw(st.booleans())
    return draw(st.text(max_size=min(schema.get("maxLength", 20), 20)))


def params_for(draw: Draw, schema: dict[str, Any]) -> dict[str, Any] | None:
    params = {}
    for name, spec in schema["properties"].items():
        if name in schema["required"] or draw(st.booleans()):
            value = param_value(draw, spec)
            if value is None:
                return None  # a choice with nothing to choose (a role list left empty)
            params[name] = value
    return params


def ruling_change(draw: Draw, scenario: Scenario) -> StateChange:
    """A facilitator's change to a variable, often far past its bounds."""
    var = draw(st.sampled_from(sorted(scenario.variables.values(), key=lambda v: v.name)))
    if var.type == "bool":
        return StateChange(var.name, value=draw(st.booleans()), reason="ruled")
    number = draw(st.one_of(st.integers(-1000, 1000), st.floats(-1e6, 1e6, allow_nan=False)))
    if draw(st.booleans()):
        return StateChange(var.name, delta=number, reason="ruled")
    return StateChange(var.name, value=number, reason="ruled")


def ruling(draw: Draw, scenario: Scenario) -> Ruling:
    changes = tuple(ruling_change(draw, scenario) for _ in range(draw(st.integers(0, 2))))
    success = RulingBranch("It works.", "A move works.", changes)
    failure = RulingBranch("It fails.", "", ())
    if draw(st.booleans()):
        return Ruling(chance=draw(st.sampled_from([0.0, 0.1, 0.5, 0.9, 1.0])), success=success)
    outcome = draw(st.sampled_from(["success", "failure"]))
    return Ruling(outcome=outcome, success=success, failure=failure)


def attempt(draw: Draw, scenario: Scenario, role: str, number: int) -> Move | None:
    """One move a player could try: a scripted action, or a free-form move with a ruling."""
    actions = [a.id for a in scenario.actions_for(role)]
    choices = actions + ([FREE_FORM] if scenario.spec.free_form else [])
    action = draw(st.sampled_from(choices))
    move_id = f"{role}-{number}"
    if action == FREE_FORM:
        text = draw(st.sampled_from(["We lobby.", "We leak the memo.", "We wait."]))
        return Move(role, FREE_FORM, {}, text, move_id, ruling(draw, scenario))
    found = scenario.action(action)
    assert found is not None
    params = params_for(draw, params_schema(scenario, found, role))
    return None if params is None else Move(role, action, params, "", move_id)


def legal_moves(draw: Draw, scenario: Scenario, state: State) -> list[Move]:
    """Up to a few tries per role, keeping each that the rules accept after the role's earlier
    ones (the move limit and the budget count them)."""
    moves: list[Move] = []
    for role in scenario.role_ids:
        mine: list[Move] = []
        for number in range(draw(st.integers(0, scenario.spec.moves_per_turn + 1))):
            move = attempt(draw, scenario, role, number)
            if move is None:
                continue
            try:
                check_move(scenario, state, move, mine)
            except Rejected:
                continue
            mine.append(move)
        moves += mine
    return moves


@dataclass(frozen=True)
class Turn:
    """One turn to adjudicate: the opened state before it and the moves in play."""

    scenario: Scenario
    state: State
    moves: list[Move]
    seed: str


@st.composite
def turns(draw: Draw, max_before: int = 3, scenario_ids: tuple[str, ...] = SCENARIOS) -> Turn:
    """A turn of a bundled scenario, after up to `max_before` turns of random legal play."""
    scenario = bundled(draw(st.sampled_from(scenario_ids)))
    seed = draw(st.sampled_from(["1", "seed", "2026"]))
    state = open_turn(scenario, initial_state(scenario), seed).state
    for _ in range(draw(st.integers(0, max_before))):
        state = adjudicate(scenario, state, legal_moves(draw, scenario, state), seed).state
        if state.ending is not None:
            break
        state = open_turn(scenario, state, seed).state
    return Turn(scenario, state, [] if state.ending else legal_moves(draw, scenario, state), seed)


def out_of_bounds(scenario: Scenario, state: State) -> list[str]:
    wrong = []
    for name, var in scenario.variables.items():
        value: float = state.values[name]  # these scenarios hold only numbers and bools
        kind = {"bool": bool, "int": int, "float": float}[var.type]
        if type(value) is not kind and not (var.type == "float" and type(value) is int):
            wrong.append(f"{name} = {value!r} is not {var.type}")
        elif var.type != "bool" and not math.isfinite(value):
            wrong.append(f"{name} = {value!r}")
        elif var.type != "bool" and (
            (var.min is not None and value < var.min) or (var.max is not None and value > var.max)
        ):
            wrong.append(f"{name} = {value!r} outside [{var.min}, {var.max}]")
    return wrong


def played(turn: Turn, moves: list[Move] | None = None) -> Outcome:
    return adjudicate(turn.scenario, turn.state, turn.moves if moves is None else moves, turn.seed)


def anonymous(outcome: Outcome) -> Outcome:
    """The outcome without the moves' ids: what was played and what came of it."""
    results = tuple(replace(r, move=replace(r.move, id="")) for r in outcome.results)
    events = tuple(
        replace(e, data={k: v for k, v in e.data.items() if k != "move"}) for e in outcome.events
    )
    return replace(outcome, results=results, events=events)


@FAST
@given(st.data())
def test_adjudication_does_not_depend_on_the_order_of_the_moves(data: st.DataObject) -> None:
    turn = data.draw(turns())
    shuffled = data.draw(st.permutations(turn.moves))

    assert anonymous(played(turn, shuffled)) == anonymous(played(turn))


@FAST
@given(st.data())
def test_which_move_gets_which_result_does_not_depend_on_their_order(
    data: st.DataObject,
) -> None:
    turn = data.draw(turns())
    shuffled = data.draw(st.permutations(turn.moves))

    assert played(turn, shuffled) == played(turn)


@FAST
@given(turns())
def test_the_same_moves_and_seed_give_the_same_outcome(turn: Turn) -> None:
    first, again = played(turn), played(turn)

    assert first == again
    assert first.state.to_dict() == again.state.to_dict()
    assert [d.to_dict() for d in first.draws] == [d.to_dict() for d in again.draws]


@FAST
@given(turns())
def test_every_variable_stays_within_its_bounds(turn: Turn) -> None:
    outcome = played(turn)

    assert out_of_bounds(turn.scenario, outcome.state) == []
    # and every move the rules accepted before adjudication was accepted by it
    assert {r.move.id for r in outcome.results if r.accepted} == {m.id for m in turn.moves}


@SLOW
@given(data=st.data())
def test_verify_finds_no_difference_in_the_export_of_randomly_played_turns(
    db: None, data: st.DataObject
) -> None:
    from exercises.engine.replay import verify_export
    from exercises.models import Exercise
    from exercises.services import commands, creation, seats, turns
    from exercises.services.export import export_for
    from exercises.services.scenarios import scenario_of, state_of

    scenario_id = data.draw(st.sampled_from(SCENARIOS), label="scenario")
    seed = data.draw(st.sampled_from(["1", "seed", "2026"]), label="seed")
    created = creation.create_exercise(creation.bundled(scenario_id), "Verify", seed=seed)
    public_id, tokens = created.exercise.public_id, created.tokens
    facilitator = seats.authenticate(public_id, tokens["facilitator"])
    commands.start(facilitator)
    count = data.draw(st.integers(1, 3), label="turns")
    for number in range(1, count + 1):
        exercise = Exercise.objects.get(public_id=public_id)
        scenario, state = scenario_of(exercise), state_of(exercise)
        for move in legal_moves(data.draw, scenario, state):
            seat = seats.authenticate(public_id, tokens[move.role])
            submit(seat, facilitator, move, key=f"{number}:{move.id}")
        # The adjudication runs after commit, as in the server: here, when the block ends.
        with TestCase.captureOnCommitCallbacks(execute=True):
            turns.close_turn(facilitator)
        exercise = Exercise.objects.get(public_id=public_id)
        if exercise.status == exercise.Status.FINISHED or number == count:
            break
        turns.open_next_turn(facilitator)

    checked, differences = verify_export(export_for(facilitator))

    assert checked == number
    assert differences == []


def submit(seat: Any, facilitator: Any, move: Move, key: str) -> None:
    """A move through the services, as the HTTP API makes it, with the facilitator's ruling."""
    from exercises.services import moves

    made, _ = moves.submit_move(seat, move.action, dict(move.params), move.text, key)
    ruling = move.ruling
    if ruling is None:
        return
    changes = [c.to_dict() for c in ruling.success.changes]
    moves.rule_on_move(
        facilitator,
        made.public_id,
        chance=ruling.chance,
        outcome=ruling.outcome,
        narrative=ruling.success.text,
        failure_narrative=ruling.failure.text,
        changes=changes,
    )


@pytest.mark.parametrize("scenario_id", SCENARIOS)
def test_the_strategies_reach_every_action_of_the_scenario(scenario_id: str) -> None:
    """The properties would prove little if the random moves never took some actions."""
    scenario = bundled(scenario_id)
    taken: set[str] = set()

    # 200 examples: ai-pause version 2's actions are gated behind more of the state (talks,
    # treaties, back channels), so fewer random turns reach each one.
    @settings(max_examples=200, deadline=None, derandomize=True, database=None)
    @given(turns(max_before=4, scenario_ids=(scenario_id,)))
    def collect(turn: Turn) -> None:
        taken.update(m.action for m in turn.moves)

    collect()

    actions = {a.id for a in scenario.actions} | {FREE_FORM}
    # Some actions need a state a few random turns rarely reach (a treaty proposed before it
    # can be signed): most, not all.
    assert len(taken & actions) >= 2 * len(actions) / 3, sorted(actions - taken)
