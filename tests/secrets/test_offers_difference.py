"""The difference test for offers: the attackers ask the chief executive for a ransom, and the
chief executive refuses it in one play and lets it lapse in the other. The refusal's branch
makes nothing public, so every seat but the two parties (and the facilitator) must read the
same views, events, pages, exports and report in both plays, byte for byte: not the answer,
not that there was an answer, not even that an offer was waiting."""

from __future__ import annotations

import json

import pytest

from exercises.services import creation
from tests.secrets.difference import first_difference
from tests.secrets.test_secret_moves import Case, Play, views_of

pytestmark = pytest.mark.usefixtures("committing")  # adjudication runs after each commit

PARTIES = ("ceo", "attacker")
# Ordinary moves, the same in both plays, so that every role is busy each day.
DAY_ONE = (("ciso", "isolate_network"), ("comms", "holding_statement"))
DAY_TWO = (("ciso", "forensics"), ("cmo", "staff_overtime"))


def all_in(play: Play) -> None:
    for role in (name for name in play.tokens if name not in ("facilitator", "observer")):
        play.call("POST", "/ready", role)


def played(answered: bool) -> Play:
    made = creation.create_exercise(creation.bundled("hospital-ransomware"), "Offer", seed="same")
    play = Play(Case("hospital-ransomware", "ceo", "", ()), answered, made.exercise.public_id)
    play.tokens = made.tokens
    play.control("start")
    for role, action in DAY_ONE:
        play.move(role, action)
    demand = {"action": "demand_ransom", "params": {"victim": "ceo"}, "idempotency_key": "d"}
    play.call("POST", "/moves", "attacker", demand)
    all_in(play)
    play.control("open_next_turn")

    [offer] = json.loads(play.call("GET", "", "ceo"))["me"]["offers"]
    for role, action in DAY_TWO:
        play.move(role, action)
    if answered:
        refusal = {"offer": offer["id"], "accept": False}
        body = {"action": "answer_offer", "params": refusal, "idempotency_key": "no"}
        play.call("POST", "/moves", "ceo", body)
    all_in(play)
    play.control("finish")
    return play


def test_refusing_an_offer_leaves_no_trace_for_anyone_but_the_two_parties() -> None:
    refused, lapsed = played(True), played(False)
    others = [s for s in [*refused.tokens, "room"] if s not in (*PARTIES, "facilitator")]

    for seat in others:
        seen, unseen = views_of(refused, seat, True), views_of(lapsed, seat, True)
        for name, page in seen.items():
            assert page == unseen[name], (
                f"{seat}'s {name} differs\n{first_difference(page, unseen[name])}"
            )

    # The comparison can fail: the attackers are told of the refusal, and of the lapse.
    attackers = views_of(refused, "attacker", True)["events"]
    assert "They will not pay. Yet." in attackers
    assert "They will not pay. Yet." not in views_of(lapsed, "attacker", True)["events"]
