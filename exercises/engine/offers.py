"""Offers: an action that asks another role, who accepts or refuses on a later turn.

A successful move of an action with `offer` records the offer in the state, told to the role
asked only. That role answers with an `answer_offer` move (free: it takes no place in the move
limit) in one of the next `expires` turns; the answer applies the offer's `accepted` or
`refused` branch in the asking move's terms (`me` the role that offered, its params), with the
answer turn's other moves. An offer nobody answered in time lapses, and the role that made it is
told so. Ids are the turn and the offer's place in it, so the same moves give the same ids.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .audience import Audience
from .moves import Move, Rejected
from .review import Line
from .scenario import ANSWER_OFFER, Scenario
from .schema import ActionSpec
from .state import State


def pending_offer(state: State, move: Move) -> Mapping[str, Any]:
    """The offer an `answer_offer` move answers, or Rejected with the reason."""
    wanted = move.params.get("offer")
    accept = move.params.get("accept")
    if set(move.params) != {"offer", "accept"} or not isinstance(accept, bool):
        raise Rejected("an answer to an offer names the offer and says accept: true or false")
    offer = next((o for o in state.offers if o["id"] == wanted), None)
    if offer is None or offer["to"] != move.role:
        raise Rejected(f"{move.role} has no offer {wanted!r} to answer")
    if offer["until"] < state.turn + 1:
        raise Rejected("that offer has lapsed")
    return offer


def offer_made(
    scenario: Scenario,
    action: ActionSpec,
    move: Move,
    params: Mapping[str, Any],
    turn: int,
    index: int,
    text: str,
) -> dict[str, Any]:
    """The offer a successful move of `action` makes."""
    assert action.offer is not None
    return {
        "id": f"{turn}.{index}",
        "action": action.id,
        "from": move.role,
        "to": str(params[action.offer.to]),
        "params": dict(params),
        "text": text,
        "turn": turn,
        "until": turn + action.offer.expires,
    }


def offer_line(scenario: Scenario, offer: Mapping[str, Any]) -> Line:
    """The line that tells the role asked of the offer."""
    return Line(offer["text"], Audience.of([offer["to"]]))


def lapsed_offers(
    scenario: Scenario, offers: Sequence[Mapping[str, Any]], answered: set[str], turn: int
) -> tuple[tuple[Mapping[str, Any], ...], list[Line]]:
    """The offers still waiting after `turn`, and the lines telling of those that lapsed."""
    keep, lines = [], []
    names = scenario.role_names
    for offer in offers:
        if offer["id"] in answered:
            continue
        if offer["until"] > turn:
            keep.append(offer)
            continue
        action = scenario.action(offer["action"])
        label = action.label if action else offer["action"]
        to = names.get(offer["to"], offer["to"])
        lines.append(
            Line(f"Your offer to {to} ({label}) lapsed unanswered.", Audience.of([offer["from"]]))
        )
    return tuple(keep), lines


__all__ = ["ANSWER_OFFER", "lapsed_offers", "offer_line", "offer_made", "pending_offer"]
