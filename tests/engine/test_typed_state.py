"""Text, choice and roles variables (tests/fixtures/typed.yaml): what they hold, how effects
set them, how expressions read them, and what a value that does not fit does."""

from __future__ import annotations

from pathlib import Path

import pytest

from exercises.engine import (
    Move,
    Rejected,
    Scenario,
    State,
    adjudicate,
    check_ruling_changes,
    initial_state,
    load_scenario,
    load_scenario_text,
    open_turn,
    simulate,
    visible_values,
)
from exercises.engine.inject_text import fill
from tests.engine.test_loader import errors_of

TYPED = Path(__file__).resolve().parents[1] / "fixtures" / "typed.yaml"
SEED = 3


@pytest.fixture(scope="module")
def typed() -> Scenario:
    return load_scenario(TYPED)


def turn(scenario: Scenario, state: State, *moves: Move, seed: int = SEED) -> State:
    opened = open_turn(scenario, state, seed).state
    return adjudicate(scenario, opened, moves, seed).state


def test_a_list_of_roles_is_held_once_each_in_the_scenario_s_order(typed: Scenario) -> None:
    # typed.yaml gives a's allies as [gov, b, gov]
    assert initial_state(typed).values["a.allies"] == ["b", "gov"]


def test_a_choice_is_set_from_a_choice_parameter_and_read_as_a_string(typed: Scenario) -> None:
    after = turn(typed, initial_state(typed), Move("gov", "blame", {"culprit": "outsiders"}))

    assert after.values["blamed"] == "outsiders"
    assert visible_values(typed, after, "observer")["blamed"] == "outsiders"


def test_two_moves_of_one_turn_that_add_to_a_list_both_count(typed: Scenario) -> None:
    after = turn(
        typed,
        initial_state(typed),
        Move("gov", "sanction", {"lab": "b"}),
        Move("gov", "sanction", {"lab": "a"}),
    )

    assert after.values["sanctioned"] == ["a", "b"]
    assert after.ending == "both_sanctioned"  # `"a" in state.sanctioned && "b" in ...`


def test_a_role_dropped_and_added_in_one_turn_is_dropped(typed: Scenario) -> None:
    start = initial_state(typed)
    start = start.evolve(values={**start.values, "sanctioned": ["a"]})

    after = turn(
        typed,
        start,
        Move("gov", "lift", {"lab": "a"}),
        Move("gov", "sanction", {"lab": "a"}),
        Move("gov", "sanction", {"lab": "b"}),
    )

    assert after.values["sanctioned"] == ["b"]


def test_a_rule_reads_the_size_of_a_list_and_empties_it(typed: Scenario) -> None:
    start = initial_state(typed)
    start = start.evolve(values={**start.values, "sanctioned": ["a"], "blamed": "outsiders"})

    after = turn(typed, start)

    assert after.values["sanctioned"] == []


def test_a_text_longer_than_its_variable_holds_rejects_the_move_and_changes_nothing(
    typed: Scenario,
) -> None:
    start = open_turn(typed, initial_state(typed), SEED).state

    outcome = adjudicate(typed, start, [Move("gov", "coin", {"words": "thirteen char"})], SEED)

    [result] = outcome.results
    assert result.accepted is False
    assert result.reason == (
        "the scenario cannot resolve this move: motto holds at most 12 characters, not 13"
    )
    assert outcome.state.values["motto"] == ""


def test_a_text_that_fits_is_stored_and_seen_only_by_its_audience(typed: Scenario) -> None:
    after = turn(typed, initial_state(typed), Move("gov", "coin", {"words": "Stay calm"}))

    assert after.values["motto"] == "Stay calm"
    assert visible_values(typed, after, "gov")["motto"] == "Stay calm"
    assert "motto" not in visible_values(typed, after, "a")


def test_show_tells_a_choice_and_a_list_by_role_names(typed: Scenario) -> None:
    start = initial_state(typed)
    start = start.evolve(values={**start.values, "sanctioned": ["a", "gov"]})
    opened = open_turn(typed, start, SEED).state

    outcome = adjudicate(typed, opened, [Move("a", "turn", {})], SEED)

    assert outcome.results[0].text == "Stance: open. Sanctioned: Lab A, Government."
    assert outcome.state.values["a.stance"] == "closed"


def test_a_private_list_of_roles_is_seen_by_its_holder_only(typed: Scenario) -> None:
    after = turn(typed, initial_state(typed), Move("b", "befriend", {"who": "a"}))

    assert visible_values(typed, after, "b")["b.allies"] == ["a"]
    assert "b.allies" not in visible_values(typed, after, "a")
    assert "b.allies" not in visible_values(typed, after, "observer")


def test_a_state_with_lists_survives_its_dictionary(typed: Scenario) -> None:
    after = turn(typed, initial_state(typed), Move("gov", "sanction", {"lab": "b"}))

    assert State.from_dict(after.to_dict()) == after


def test_an_inject_placeholder_reads_a_list_by_role_names(typed: Scenario) -> None:
    start = initial_state(typed)
    start = start.evolve(values={**start.values, "sanctioned": ["b"], "blamed": "b"})

    text = fill(typed, start, 1, "Sanctioned: {state.sanctioned}; blamed: {state.blamed}.")

    assert text == "Sanctioned: Lab B; blamed: b."


def test_simulate_reports_shares_of_final_values_instead_of_means(typed: Scenario) -> None:
    result = simulate(typed, "hawk", runs=20, seed=1)

    assert result["final_state"]["mean"] == {}  # nothing numeric to average
    assert result["final_shares"]["blamed"] == {"b": 1.0}
    assert result["final_shares"]["a.allies"] == {"b": 1.0, "gov": 1.0}
    assert set(result["final_shares"]["a.stance"]) <= {"open", "closed"}


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"variable": "blamed", "value": "gru"}, "blamed is one of nobody, a, b, outsiders"),
        ({"variable": "sanctioned", "value": ["zz"]}, "'zz' is none"),
        ({"variable": "sanctioned", "delta": 1}, "sanctioned is a roles: the ruling must set it"),
        ({"variable": "motto", "value": 5}, "motto is a text, not 5"),
    ],
)
def test_a_ruling_that_does_not_fit_a_variable_is_refused(
    typed: Scenario, change: dict[str, object], reason: str
) -> None:
    with pytest.raises(Rejected, match=reason):
        check_ruling_changes(typed, [{**change, "reason": "the facilitator says so"}])


def test_a_ruling_that_fits_is_recorded(typed: Scenario) -> None:
    change = {"variable": "sanctioned", "value": ["b", "a"], "reason": "a ruling"}

    assert check_ruling_changes(typed, [change]) == [change]


TEXT = TYPED.read_text()


def loaded_with(old: str, new: str) -> str:
    assert old in TEXT
    return TEXT.replace(old, new)


@pytest.mark.parametrize(
    ("old", "new", "where", "message"),
    [
        (
            "initial: nobody",
            "initial: gru",
            "state.blamed.initial",
            "initial value: blamed is one of nobody, a, b, outsiders, not 'gru'",
        ),
        (
            "    choices: [nobody, a, b, outsiders]\n",
            "",
            "state.blamed.choices",
            "a choice needs its choices: a list of at least one",
        ),
        (
            "    max_length: 12\n",
            "    max_length: 12\n    min: 0\n",
            "state.motto",
            "a text has no min or max: bounds are for int and float",
        ),
        (
            "    label: Sanctioned\n",
            "    label: Sanctioned\n    choices: [a]\n",
            "state.sanctioned.choices",
            "choices are for a choice, not a roles",
        ),
        (
            "initial: {a: [gov, b, gov], b: []}",
            "initial: {a: [gov, nobody], b: []}",
            "role_state.allies.initial",
            "initial value: a.allies holds role ids, and 'nobody' is none",
        ),
        (
            "set: {blamed: params.culprit}",
            "add: {blamed: 1}",
            "actions[0].success.add.blamed",
            "blamed is a choice: add is for numbers; use set",
        ),
        (
            'set: {sanctioned: "state.sanctioned + [params.lab]"}',
            "add: {sanctioned: params.lab}",
            "actions[1].success.add.sanctioned",
            "sanctioned is a list of roles: add is for numbers; use set with "
            "`sanctioned + [id]` to add one, or `sanctioned.filter(r, r != id)` to remove one",
        ),
        (
            "set: {blamed: params.culprit}",
            "set: {blamed: outsiders}",
            "actions[0].success.set.blamed",
            "outsiders reads as an expression: write '\"outsiders\"' for the choice",
        ),
        (
            "set: {blamed: params.culprit}",
            "set: {blamed: '\"gru\"'}",
            "actions[0].success.set.blamed",
            "expression gives 'gru', but blamed is one of nobody, a, b, outsiders, not 'gru'",
        ),
        (
            'set: {sanctioned: "state.sanctioned + [params.lab]"}',
            'set: {sanctioned: "state.sanctioned + [\\"hospital\\"]"}',
            "actions[1].success.set.sanctioned",
            "holds role ids, and 'hospital' is none",
        ),
        (
            "set: {sanctioned: [], blamed: '\"nobody\"'}",
            "set: {sanctioned: [zz], blamed: '\"nobody\"'}",
            "actions[6].success.set.sanctioned",
            "sanctioned holds role ids, and 'zz' is none",
        ),
        (
            "set: {motto: params.words}",
            "set: {motto: size(params.words)}",
            "actions[3].success.set.motto",
            "but motto is a text, not",
        ),
    ],
)
def test_a_value_that_cannot_fit_its_variable_is_a_load_error(
    old: str, new: str, where: str, message: str
) -> None:
    errors = errors_of(loaded_with(old, new))

    assert where in [e.where for e in errors], [str(e) for e in errors]
    assert any(message in e.message for e in errors), [str(e) for e in errors]


def test_the_fixture_loads_without_warnings() -> None:
    assert load_scenario_text(TEXT, "typed.yaml").warnings == []
