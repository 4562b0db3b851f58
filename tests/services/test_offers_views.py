"""Offers through the services: the role asked sees the offer in its view and answers it with a
move; no other role or observer hears of it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from exercises.engine import ANSWER_OFFER, Scenario, load_scenario_text
from exercises.services import export, moves, projection, turns
from exercises.services.errors import Invalid
from tests.services.conftest import Cast

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini.yaml"

DEAL = """\
  - id: propose
    label: Propose a compute deal
    roles: [lab]
    params:
      to: {type: role, roles: [lab], not_self: true}
    offer:
      to: to
      text: "SECRET-OFFER: {role} will pay you 1.0 for compute."
      accepted: {add: {me.cash: -1.0, params.to.cash: 1.0}, text: "DEAL-DONE"}
"""


@pytest.fixture
def scenario() -> Scenario:
    text = MINI.read_text().replace("\nrules:", "\n" + DEAL.rstrip("\n") + "\nrules:", 1)
    return load_scenario_text(text, "mini+offers")


def offer_made(cast: Cast) -> str:
    moves.submit_move(cast.seat("a"), "propose", {"to": "b"})
    turns.close_turn(cast.facilitator)
    turns.open_next_turn(cast.facilitator)
    [offer] = projection.exercise_view(cast.seat("b"))["me"]["offers"]
    return str(offer["id"])


def test_the_role_asked_sees_the_offer_and_its_maker_sees_it_waiting(cast: Cast) -> None:
    offer = offer_made(cast)

    b = projection.exercise_view(cast.seat("b"))["me"]
    a = projection.exercise_view(cast.seat("a"))["me"]

    assert b["offers"][0]["text"] == "SECRET-OFFER: Lab A will pay you 1.0 for compute."
    assert (b["offers"][0]["from"], b["offers_made"]) == ("a", [])
    assert [o["id"] for o in a["offers_made"]] == [offer] and a["offers"] == []
    for seat in ("gov", "observer"):
        seen = json.dumps(projection.exercise_view(cast.seat(seat)))
        seen += json.dumps(export.export_for(cast.seat(seat)))
        assert "SECRET-OFFER" not in seen


def test_an_accepted_offer_takes_effect_when_the_turn_is_adjudicated(cast: Cast) -> None:
    offer = offer_made(cast)

    moves.submit_move(cast.seat("b"), ANSWER_OFFER, {"offer": offer, "accept": True})
    turns.close_turn(cast.facilitator)

    values = cast.exercise().state["values"]
    assert (values["a.cash"], values["b.cash"]) == (4.0, 4.0)
    assert projection.exercise_view(cast.seat("b"))["me"]["offers"] == []
    assert "DEAL-DONE" in json.dumps(export.export_for(cast.seat("a")))
    assert "DEAL-DONE" not in json.dumps(export.export_for(cast.seat("b")))


def test_an_answer_to_an_offer_one_was_not_made_is_refused(cast: Cast) -> None:
    offer = offer_made(cast)

    with pytest.raises(Invalid, match="gov has no offer"):
        moves.submit_move(cast.seat("gov"), ANSWER_OFFER, {"offer": offer, "accept": True})
