"""`tell`: an action or rule speaks privately to the roles it concerns, who alone read it."""

from __future__ import annotations

import pytest

from exercises.engine import (
    Move,
    Scenario,
    ScenarioLoadError,
    adjudicate,
    initial_state,
    load_scenario_text,
    open_turn,
)
from tests.engine.test_loader import BASE

SEED = 2

SANCTION = """\
  - id: sanction
    label: Sanction a lab
    roles: [lab]
    params:
      lab: {type: role, roles: [lab], not_self: true}
    success:
      add: {params.lab.cash: -1.0}
      tell: {params.lab: "{role} has sanctioned you."}
      public: "A sanction is announced."
"""

AUDIT = """\
rules:
  - id: audit
    description: Each lab hears its audit's result.
    for_each: [lab]
    when: "me.cash < 5.0"
    then: {tell: {me: "Your auditors are worried.", b: "Someone's auditors are worried."}}
"""


def scenario(extra: str = SANCTION, rules: str = AUDIT) -> Scenario:
    return load_scenario_text(BASE.replace("endings:\n", extra + rules + "endings:\n"), "s.yaml")


def test_the_target_of_an_action_is_told_and_nobody_else() -> None:
    s = scenario(rules="")
    state = open_turn(s, initial_state(s), SEED).state

    outcome = adjudicate(s, state, [Move("a", "sanction", {"lab": "b"})], SEED)

    told = [
        (line.text, line.audience.roles) for line in outcome.lines if not line.audience.everyone
    ]
    assert told == [("Lab A has sanctioned you.", ("b",))]
    assert "Lab A has sanctioned you." not in outcome.narrative
    shared = [e for e in outcome.events if e.type == "narrative.shared"]
    assert [(e.data["text"], e.audience.roles) for e in shared] == [
        ("Lab A has sanctioned you.", ("b",))
    ]


def test_a_rule_tells_its_own_role_and_others_it_names() -> None:
    s = scenario()
    state = open_turn(s, initial_state(s), SEED).state

    outcome = adjudicate(s, state, [Move("a", "sanction", {"lab": "b"})], SEED)

    told = [
        (line.text, line.audience.roles) for line in outcome.lines if not line.audience.everyone
    ]
    assert ("Your auditors are worried.", ("b",)) in told  # b's cash fell below 5
    assert ("Someone's auditors are worried.", ("b",)) not in told  # not told of its own rule


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "tell: {params.lab:",
            "tell: {params.who:",
            "params.who is not a role parameter of this action",
        ),
        ("tell: {params.lab:", "tell: {bank:", "'bank' is not a role id or tag"),
    ],
)
def test_a_tell_to_nobody_the_action_can_name_is_a_load_error(
    old: str, new: str, message: str
) -> None:
    with pytest.raises(ScenarioLoadError) as caught:
        scenario(SANCTION.replace(old, new), rules="")

    assert [e.message for e in caught.value.errors] == [message]
