"""The adjudication case book: one documented test per rule of play.

Played on tests/fixtures/mini.yaml: two labs (a, b) and a government (gov), a chancy
`scale`, a `fund` with parameters, a secret commitment (`talks`), an inject at turn 2 and one
on a condition, a rule for each lab, and a `crisis` ending before the final `time`.
"""

import itertools
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from exercises.engine import (
    FACILITATOR,
    FREE_FORM,
    OBSERVER,
    Audience,
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
    choose_moves,
    initial_state,
    load_scenario,
    load_scenario_text,
    open_turn,
    visible_commitments,
    visible_values,
)
from exercises.engine.audience import EVERYONE, FACILITATOR_ONLY

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini.yaml"
SEED = 7


@pytest.fixture(scope="module")
def mini() -> Scenario:
    return load_scenario(MINI)


@pytest.fixture
def start(mini: Scenario) -> State:
    return open_turn(mini, initial_state(mini), SEED).state


def with_values(state: State, **values: Any) -> State:
    renamed = {name.replace("__", "."): value for name, value in values.items()}
    return state.evolve(values={**state.values, **renamed})


def play(mini: Scenario, state: State, *moves: Move, seed: int | str = SEED) -> Outcome:
    return adjudicate(mini, state, moves, seed)


def summary(outcome: Outcome) -> dict[str, Any]:
    """Everything an outcome says, as plain data, to compare two outcomes."""
    return {
        "state": outcome.state.to_dict(),
        "results": sorted(str(r.to_dict()) for r in outcome.results),
        "narrative": outcome.narrative,
        "events": [(e.type, e.audience, str(e.data)) for e in outcome.events],
        "draws": outcome.draws,
        "ending": outcome.ending,
    }


def reason(outcome: Outcome) -> list[str]:
    return [r.reason for r in outcome.rejections]


TURN = (
    Move("b", "scale"),
    Move("a", "scale"),
    Move("gov", "fund", {"lab": "b", "amount": 2.0}),
    Move("a", "declare", {"level": 3}),
    Move("b", "declare", {"level": 6}),
    Move("gov", "escalate"),
)


# Determinism


def test_the_same_moves_and_seed_give_the_same_outcome(mini: Scenario, start: State) -> None:
    assert summary(play(mini, start, *TURN)) == summary(play(mini, start, *TURN))


def test_moves_in_any_order_give_the_same_outcome(mini: Scenario, start: State) -> None:
    expected = summary(play(mini, start, *TURN))

    for order in itertools.permutations(TURN):
        assert summary(play(mini, start, *order)) == expected


def test_a_different_seed_changes_the_draws(mini: Scenario, start: State) -> None:
    rolls = {tuple(d.roll for d in play(mini, start, *TURN, seed=s).draws) for s in range(5)}

    assert len(rolls) == 5


def test_every_chancy_move_is_recorded_as_a_draw(mini: Scenario, start: State) -> None:
    outcome = play(mini, start, *TURN)

    assert [(d.role, d.subject) for d in outcome.draws] == [("a", "scale"), ("b", "scale")]
    assert [d.chance for d in outcome.draws] == [0.75, 0.65]  # 0.5 + cash / 20
    for result in outcome.results:
        assert (result.draw is not None) == (result.move.action == "scale")


def test_two_identical_moves_roll_separately(mini: Scenario, start: State) -> None:
    outcome = play(mini, start, Move("a", "scale"), Move("a", "scale"))

    assert len({d.key for d in outcome.draws}) == 2


# Illegal moves


@pytest.mark.parametrize(
    ("moves", "expected"),
    [
        ([Move("a", "teleport")], "a has no action 'teleport'"),
        ([Move("gov", "scale")], "gov has no action 'scale'"),
        ([Move("nobody", "scale")], "there is no role 'nobody'"),
        ([Move("gov", "fund", {"lab": "gov"})], "lab must be one of a, b"),
        ([Move("gov", "fund", {"lab": "a", "amount": 9.0})], "amount must be at most 3"),
        ([Move("gov", "fund", {"amount": 1.0})], "fund needs the parameter 'lab'"),
        ([Move("gov", "fund", {"lab": "a", "colour": "red"})], "fund takes no parameter 'colour'"),
        ([Move("a", "declare", {"level": 2.5})], "level must be a whole number"),
    ],
)
def test_an_illegal_move_is_rejected_with_its_reason(
    mini: Scenario, start: State, moves: Sequence[Move], expected: str
) -> None:
    outcome = play(mini, start, *moves)

    assert reason(outcome) == [expected]
    assert outcome.state.values == start.values
    assert [e.type for e in outcome.events] == ["move.rejected"]
    assert outcome.events[0].audience == Audience.of([moves[0].role])


def test_a_move_whose_precondition_fails_is_rejected(mini: Scenario, start: State) -> None:
    paused = with_values(start, a__paused=True)

    assert reason(play(mini, paused, Move("a", "scale"))) == ["You are paused."]


def test_a_move_over_the_limit_is_rejected_and_free_moves_do_not_count(
    mini: Scenario, start: State
) -> None:
    moves = [Move("a", "pause"), Move("a", "button"), Move("a", "eval"), Move("a", "scale")]

    outcome = play(mini, start, *moves)

    assert [r.move.action for r in outcome.results if r.accepted] == ["button", "eval", "pause"]
    assert reason(outcome) == ["a has already made 2 moves this turn"]


def test_a_move_the_role_cannot_afford_is_rejected(mini: Scenario, start: State) -> None:
    poor = with_values(start, b__cash=1.5)

    outcome = play(mini, poor, Move("b", "scale"), Move("b", "scale"))

    assert reason(outcome) == ["b cannot afford it: cash would fall below 0"]
    assert outcome.state.values["b.cash"] == 0.5


def test_moves_are_judged_against_the_state_at_the_start_of_the_turn(
    mini: Scenario, start: State
) -> None:
    # a pauses and scales in one turn: the pause is not in force yet, so the scale is legal.
    outcome = play(mini, start, Move("a", "pause"), Move("a", "scale"))

    assert outcome.rejections == []


def test_check_move_gives_the_reason_for_the_server_to_show(mini: Scenario, start: State) -> None:
    with pytest.raises(Rejected, match="gov has no action 'scale'"):
        check_move(mini, start, Move("gov", "scale"))
    with pytest.raises(Rejected, match="a has already made 2 moves this turn"):
        check_move(mini, start, Move("a", "eval"), [Move("a", "scale"), Move("a", "pause")])


def test_check_move_fills_in_default_params(mini: Scenario, start: State) -> None:
    params = check_move(mini, start, Move("gov", "fund", {"lab": "a"}))

    assert params == {"lab": "a", "amount": 1.0}


def test_no_move_is_accepted_once_the_exercise_has_ended(mini: Scenario, start: State) -> None:
    ended = start.evolve(ending="crisis")

    assert reason(play(mini, ended, Move("a", "eval"))) == ["the exercise has ended"]


# Free-form moves


def lobbying(ruling: Ruling | None) -> Move:
    return Move("a", FREE_FORM, text="We lobby the government.", ruling=ruling)


CALMER = RulingBranch(
    text="They listen.",
    public="Lab A calms things down.",
    changes=(StateChange("tension", delta=-1, reason="lobbying worked"),),
)


def test_a_free_form_move_with_a_chance_is_rolled_and_recorded(
    mini: Scenario, start: State
) -> None:
    outcome = play(mini, start, lobbying(Ruling(chance=0.5, success=CALMER)))

    (draw,) = outcome.draws
    (result,) = outcome.results
    assert (draw.role, draw.subject, draw.chance) == ("a", FREE_FORM, 0.5)
    assert result.draw == draw
    assert result.success == draw.success


def test_a_free_form_move_with_a_fixed_outcome_is_not_rolled(mini: Scenario, start: State) -> None:
    outcome = play(mini, start, lobbying(Ruling(outcome="success", success=CALMER)))

    assert outcome.draws == ()
    assert outcome.results[0].success is True


def test_a_free_form_ruling_applies_its_changes_with_their_reason(
    mini: Scenario, start: State
) -> None:
    outcome = play(mini, start, lobbying(Ruling(outcome="success", success=CALMER)))

    (result,) = outcome.results
    assert result.changes == CALMER.changes
    assert result.text == "They listen."
    assert outcome.state.values["tension"] == 1
    assert "Lab A calms things down." in outcome.narrative
    assert outcome.events[0].data["changes"] == [
        {"variable": "tension", "delta": -1, "reason": "lobbying worked"}
    ]


def test_a_failed_free_form_move_takes_the_failure_branch(mini: Scenario, start: State) -> None:
    outcome = play(mini, start, lobbying(Ruling(outcome="failure", success=CALMER)))

    assert outcome.results[0].success is False
    assert outcome.state.values["tension"] == 2


@pytest.mark.parametrize(
    ("move", "expected"),
    [
        (lobbying(None), "the facilitator has not ruled on this move"),
        (Move("a", FREE_FORM, text="  "), "a free-form move needs its argument written out"),
        (
            lobbying(
                Ruling(
                    outcome="success",
                    success=RulingBranch(changes=(StateChange("morale", delta=1),)),
                )
            ),
            "the ruling names no variable 'morale'",
        ),
    ],
)
def test_a_free_form_move_without_a_usable_ruling_is_rejected(
    mini: Scenario, start: State, move: Move, expected: str
) -> None:
    assert reason(play(mini, start, move)) == [expected]


def test_a_ruling_gives_either_a_chance_or_an_outcome() -> None:
    with pytest.raises(ValueError, match="either a chance or an outcome"):
        Ruling(chance=0.5, outcome="success")
    with pytest.raises(ValueError, match="between 0 and 1"):
        Ruling(chance=1.5)


# Effects


def test_effects_are_clamped_to_the_variables_bounds(mini: Scenario, start: State) -> None:
    moves = [Move(role, "escalate") for role in ("a", "b", "gov") for _ in range(2)]

    outcome = play(mini, start, *moves)

    assert outcome.state.values["tension"] == 10  # 2 + 6 * 4, clamped to max 10


def test_increments_are_summed(mini: Scenario, start: State) -> None:
    outcome = play(
        mini,
        start,
        Move("gov", "fund", {"lab": "a", "amount": 1.0}),
        Move("gov", "fund", {"lab": "a", "amount": 2.5}),
    )

    assert outcome.state.values["a.cash"] == 8.5


def test_conflicting_sets_resolve_the_same_whatever_the_order(mini: Scenario, start: State) -> None:
    # Canonical order: by role in the scenario's order, then by content; the last set wins.
    moves = [
        Move("gov", "declare", {"level": 1}),
        Move("a", "declare", {"level": 8}),
        Move("b", "declare", {"level": 5}),
        Move("b", "declare", {"level": 4}),
    ]

    alerts = {
        play(mini, start, *order).state.values["alert"] for order in itertools.permutations(moves)
    }

    assert alerts == {1}


@pytest.mark.parametrize(
    "effect",
    [
        'add: {tension: "state.capability / 0.0 - state.capability / 0.0"}',  # NaN, to an int
        'add: {capability: "state.capability / 0.0 - state.capability / 0.0"}',  # NaN, a float
        'set: {capability: "state.capability / 0.0"}',  # infinity
    ],
)
def test_an_effect_that_gives_no_finite_number_rejects_the_move(effect: str) -> None:
    # CEL's double division by zero gives inf or NaN rather than an error.
    text = MINI.read_text().replace("success: {add: {tension: 4}}", f"success: {{{effect}}}")
    scenario = load_scenario_text(text, "nan.yaml")
    state = initial_state(scenario)

    outcome = adjudicate(scenario, state, [Move("gov", "escalate")], SEED)

    assert "infinite number" in reason(outcome)[0]
    assert outcome.state.values == state.values


@pytest.mark.parametrize(
    "change",
    [
        StateChange("tension", delta=float("nan")),  # crashes coercion to an int
        StateChange("capability", delta=float("nan")),  # would store NaN
        StateChange("capability", value="high"),  # from JSON
        StateChange("a.paused", delta=1.0),  # an increment to a bool
    ],
    ids=["nan-int", "nan-float", "text", "bool-delta"],
)
def test_a_ruling_with_an_unusable_value_is_rejected_not_applied(
    mini: Scenario, start: State, change: StateChange
) -> None:
    move = lobbying(Ruling(outcome="success", success=RulingBranch(changes=(change,))))

    outcome = play(mini, start, move)

    assert len(outcome.rejections) == 1
    assert outcome.state.values == start.values


# Commitments


def test_a_commitment_below_its_threshold_stays_secret(mini: Scenario, start: State) -> None:
    outcome = play(mini, start, Move("a", "button"))

    commitment_events = [e for e in outcome.events if e.type.startswith("commitment.")]
    assert [(e.type, e.audience) for e in commitment_events] == [
        ("commitment.signal", FACILITATOR_ONLY)
    ]
    assert outcome.state.commitments["talks"] == ("a",)
    assert outcome.state.met == ()
    assert visible_commitments(mini, outcome.state, "a")["talks"] == {
        "committed": [],
        "met": False,
        "mine": True,
    }
    assert visible_commitments(mini, outcome.state, "b")["talks"] == {
        "committed": [],
        "met": False,
        "mine": False,
    }
    assert visible_commitments(mini, outcome.state, "gov") == {}


def test_a_commitment_is_revealed_to_exactly_its_members_when_met(
    mini: Scenario, start: State
) -> None:
    first = play(mini, start, Move("a", "button"))
    second = play(mini, open_turn(mini, first.state, SEED).state, Move("b", "button"))

    (met,) = [e for e in second.events if e.type.startswith("commitment.")]
    assert (met.type, met.audience) == ("commitment.met", Audience.of(["a", "b"]))
    assert met.data["text"] == "You are connected."
    assert second.state.met == ("talks",)
    for role in ("a", "b"):
        assert visible_commitments(mini, second.state, role)["talks"]["committed"] == ["a", "b"]
    assert visible_commitments(mini, second.state, OBSERVER) == {}


def test_a_commitment_met_in_one_turn_is_announced_once(mini: Scenario, start: State) -> None:
    outcome = play(mini, start, Move("b", "button"), Move("a", "button"))

    assert [e.type for e in outcome.events if e.type.startswith("commitment.")] == [
        "commitment.met"
    ]


# Injects


def test_an_inject_fires_at_its_turn_once(mini: Scenario, start: State) -> None:
    after_one = play(mini, start).state

    opening = open_turn(mini, after_one, SEED)
    again = open_turn(mini, opening.state, SEED)
    later = open_turn(mini, play(mini, opening.state).state, SEED)

    assert [(e.type, e.data["inject"], e.audience) for e in opening.events] == [
        ("inject", "news", EVERYONE)
    ]
    assert opening.state.values["risk"] == after_one.values["risk"] + 5
    assert opening.narrative == ("News: Something happens.",)
    assert (again.events, again.state) == ((), opening.state)
    assert later.events == ()


def test_an_inject_fires_on_its_condition_to_its_audience(mini: Scenario, start: State) -> None:
    quiet = open_turn(mini, play(mini, start, Move("gov", "escalate")).state, SEED)
    tense = open_turn(mini, play(mini, with_values(start, tension=8)).state, SEED)

    assert "alarm" not in [e.data["inject"] for e in quiet.events]  # tension 6: below 8
    (alarm,) = [e for e in tense.events if e.data["inject"] == "alarm"]
    assert alarm.audience == Audience.of(["gov"])
    assert "Alarm: Tension is high." not in tense.narrative  # not for everyone
    assert "risk" in visible_values(mini, tense.state, OBSERVER)  # it publishes risk
    assert "risk" not in visible_values(mini, quiet.state, OBSERVER)


# Rules


def test_a_rule_for_each_role_runs_once_per_matching_role(mini: Scenario, start: State) -> None:
    outcome = play(mini, start, Move("a", "pause"))

    assert outcome.state.values["a.cash"] == 4.5
    assert outcome.state.values["b.cash"] == 3.0
    (fired,) = [e for e in outcome.events if e.type == "rule.fired"]
    assert (fired.audience, fired.data["text"]) == (Audience.of(["a"]), "Pausing costs you.")


def test_rules_run_on_the_state_after_the_moves(mini: Scenario, start: State) -> None:
    hot = with_values(start, capability=54.0)

    outcome = play(mini, hot, Move("gov", "fund", {"lab": "a"}))
    hotter = play(mini, hot, Move("a", "eval"), Move("b", "eval"))

    assert outcome.state.values["risk"] == 10  # capability stays 54: drift does not fire
    assert hotter.state.values["risk"] == 10
    warmed = play(mini, with_values(start, capability=56.0))
    assert warmed.state.values["risk"] == 12


# Endings


def test_an_ending_ends_the_exercise_when_its_condition_holds(mini: Scenario, start: State) -> None:
    outcome = play(mini, start, Move("gov", "escalate"), Move("gov", "escalate"))

    assert outcome.ending == outcome.state.ending == "crisis"
    assert outcome.events[-1].type == "exercise.ended"
    assert outcome.events[-1].audience == EVERYONE
    assert outcome.narrative[-1] == "Crisis. Tension boils over."


def test_the_final_ending_comes_only_after_the_last_turn(mini: Scenario, start: State) -> None:
    state = start
    endings = []
    for _ in range(mini.turns):
        state = play(mini, open_turn(mini, state, SEED).state).state
        endings.append(state.ending)

    assert endings == [None, None, "time"]


# What each viewer sees


def test_reveal_shows_a_hidden_variable_to_the_acting_role_only(
    mini: Scenario, start: State
) -> None:
    assert "a.secret" not in visible_values(mini, start, "a")

    state = play(mini, start, Move("a", "eval")).state

    assert visible_values(mini, state, "a")["a.secret"] is True
    assert "a.secret" not in visible_values(mini, state, "b")
    assert "a.secret" not in visible_values(mini, state, OBSERVER)
    assert "b.secret" not in visible_values(mini, state, "b")
    assert "a.secret" in visible_values(mini, state, FACILITATOR)


def test_publish_shows_a_private_variable_to_everyone(mini: Scenario, start: State) -> None:
    assert "a.paused" not in visible_values(mini, start, "b")

    state = play(mini, start, Move("a", "pause")).state

    for viewer in ("a", "b", "gov", OBSERVER):
        assert visible_values(mini, state, viewer)["a.paused"] is True
    assert "b.paused" not in visible_values(mini, state, "a")


def test_a_role_sees_its_private_state_but_not_another_roles(mini: Scenario, start: State) -> None:
    assert set(visible_values(mini, start, "a")) == {
        "capability",
        "tension",
        "alert",
        "a.cash",
        "a.paused",
    }
    assert set(visible_values(mini, start, OBSERVER)) == {"capability", "tension", "alert"}
    assert set(visible_values(mini, start, FACILITATOR)) == set(mini.variables)


# Bots


@pytest.mark.parametrize("policy", ["race", "calm"])
def test_bots_pick_only_legal_moves_within_the_move_limit(mini: Scenario, policy: str) -> None:
    for seed in range(10):
        state = initial_state(mini)
        while state.ending is None:
            state = open_turn(mini, state, seed).state
            moves: list[Move] = []
            for role in mini.role_ids:
                chosen = choose_moves(mini, state, role, policy, seed)
                for index, move in enumerate(chosen):
                    check_move(mini, state, move, chosen[:index])
                counted = [m for m in chosen if counts_against_limit(mini, m)]
                assert len(counted) <= mini.spec.moves_per_turn
                moves += chosen
            outcome = adjudicate(mini, state, moves, seed)
            assert outcome.rejections == []
            state = outcome.state


def counts_against_limit(mini: Scenario, move: Move) -> bool:
    action = mini.action(move.action)
    return action is None or not action.free


def test_a_bot_makes_the_same_moves_for_the_same_seed(mini: Scenario, start: State) -> None:
    runs = [choose_moves(mini, start, "a", "calm", SEED) for _ in range(2)]

    assert runs[0] == runs[1]
    assert [m.action for m in runs[0]] == ["pause", "button", "eval"]


def test_adjudicating_without_the_story_gives_the_same_state_and_draws() -> None:
    from exercises.engine import choose_moves, load_bundled_scenarios

    scenario = load_bundled_scenarios()["ai-pause"]
    state = open_turn(scenario, initial_state(scenario), SEED).state
    moves = [
        m
        for role in scenario.role_ids
        for m in choose_moves(scenario, state, role, "all-labs-pause", SEED)
    ]

    told = adjudicate(scenario, state, moves, SEED)
    silent = adjudicate(scenario, state, moves, SEED, record=False)

    assert (silent.state, silent.draws) == (told.state, told.draws)
    assert told.events and not silent.events
