"""Offers: one role asks another, who accepts or refuses on a later turn; nobody else hears."""

from __future__ import annotations

import pytest

from exercises.engine import (
    ANSWER_OFFER,
    Move,
    Outcome,
    Rejected,
    Scenario,
    ScenarioLoadError,
    State,
    adjudicate,
    check_move,
    initial_state,
    load_scenario_text,
    open_turn,
)
from tests.engine.test_loader import BASE

SEED = 6

DEAL = """\
  - id: propose
    label: Propose a compute deal
    roles: [lab]
    params:
      to: {type: role, roles: [lab], not_self: true}
      amount: {type: float, min: 0.5, max: 3}
    offer:
      to: to
      text: "{role} offers you {params.amount} for a share of your compute."
      accepted:
        add: {me.cash: "-params.amount", params.to.cash: "params.amount", capability: 1.0}
        text: "Your deal was accepted."
        public: "Two labs share compute."
      refused: {text: "Your deal was refused."}
"""


def scenario(actions: str = DEAL) -> Scenario:
    return load_scenario_text(BASE.replace("endings:\n", actions + "endings:\n"), "s.yaml")


def turn(s: Scenario, state: State, *moves: Move) -> Outcome:
    return adjudicate(s, open_turn(s, state, SEED).state, moves, SEED)


def private(outcome: Outcome) -> list[tuple[str, tuple[str, ...]]]:
    return [(line.text, line.audience.roles) for line in outcome.lines if line.audience.roles]


def offered() -> tuple[Scenario, Outcome]:
    s = scenario()
    return s, turn(s, initial_state(s), Move("a", "propose", {"to": "b", "amount": 2.0}))


def answer(offer: str, accept: object, role: str = "b") -> Move:
    return Move(role, ANSWER_OFFER, {"offer": offer, "accept": accept})


def test_an_offer_is_told_to_the_role_asked_only_and_waits_in_the_state() -> None:
    _, first = offered()

    assert private(first) == [("Lab A offers you 2.0 for a share of your compute.", ("b",))]
    [offer] = first.state.offers
    assert (offer["id"], offer["from"], offer["to"], offer["until"]) == ("1.0", "a", "b", 2)
    assert first.narrative == ()


def test_accepting_applies_the_accepted_branch_in_the_offerers_terms() -> None:
    s, first = offered()

    second = turn(s, first.state, answer("1.0", True))

    [result] = second.results
    assert result.accepted
    assert result.text == "You accepted Lab A's offer (Propose a compute deal)."
    values = second.state.values
    assert (values["a.cash"], values["b.cash"], values["capability"]) == (3.0, 7.0, 51.0)
    assert ("Your deal was accepted.", ("a",)) in private(second)
    assert "Two labs share compute." in second.narrative
    assert second.state.offers == ()


def test_refusing_applies_the_refused_branch_and_changes_nothing_else() -> None:
    s, first = offered()

    second = turn(s, first.state, answer("1.0", False))

    assert second.state.values == first.state.values
    assert ("Your deal was refused.", ("a",)) in private(second)


def test_an_unanswered_offer_lapses_and_its_maker_is_told() -> None:
    s, first = offered()

    second = turn(s, first.state)

    assert second.state.offers == ()
    assert private(second) == [
        ("Your offer to Lab B (Propose a compute deal) lapsed unanswered.", ("a",))
    ]
    with pytest.raises(Rejected, match="no offer"):
        check_move(s, open_turn(s, second.state, SEED).state, answer("1.0", True))


@pytest.mark.parametrize(
    ("role", "offer", "accept", "reason"),
    [
        ("a", "1.0", True, "a has no offer '1.0'"),
        ("b", "9.9", True, "b has no offer '9.9'"),
        ("b", "1.0", "yes", "says accept: true or false"),
    ],
)
def test_only_the_role_asked_may_answer_and_only_yes_or_no(
    role: str, offer: str, accept: object, reason: str
) -> None:
    s, first = offered()
    state = open_turn(s, first.state, SEED).state

    with pytest.raises(Rejected, match=reason):
        check_move(s, state, answer(offer, accept, role))


def test_an_offer_is_answered_once() -> None:
    s, first = offered()
    state = open_turn(s, first.state, SEED).state

    with pytest.raises(Rejected, match="answered already"):
        check_move(s, state, answer("1.0", False), [answer("1.0", True)])


def test_an_offer_must_name_a_role_parameter() -> None:
    with pytest.raises(ScenarioLoadError) as caught:
        scenario(DEAL.replace("      to: to\n", "      to: amount\n"))

    assert [e.where for e in caught.value.errors] == ["actions[2].offer.to"]


def test_a_bot_policy_answers_the_offers_made_to_its_role() -> None:
    from exercises.engine import choose_moves

    policies = (
        "policies:\n  deal:\n    plays:\n"
        "      a: [{action: propose, params: {to: b, amount: 1.0}}]\n"
        "      b: [{action: answer_offer, params: {accept: true}}]\n"
    )
    s = load_scenario_text(BASE.replace("endings:\n", DEAL + "endings:\n") + policies, "s.yaml")
    first = turn(s, initial_state(s), *choose_moves(s, initial_state(s), "a", "deal", SEED))
    state = open_turn(s, first.state, SEED).state

    [answer_move] = choose_moves(s, state, "b", "deal", SEED)

    assert answer_move.params == {"offer": "1.0", "accept": True}
    assert adjudicate(s, state, [answer_move], SEED).state.values["b.cash"] == 6.0


def test_an_accepted_offer_may_schedule_effects_for_later_turns() -> None:
    s = scenario(
        DEAL.replace(
            '        public: "Two labs share compute."\n',
            '        public: "Two labs share compute."\n'
            "        later: [{turns: 1, add: {capability: 5.0}}]\n",
        )
    )
    first = turn(s, initial_state(s), Move("a", "propose", {"to": "b", "amount": 2.0}))
    second = turn(s, first.state, answer("1.0", True))

    third = turn(s, second.state)

    assert (second.state.values["capability"], third.state.values["capability"]) == (51.0, 56.0)
