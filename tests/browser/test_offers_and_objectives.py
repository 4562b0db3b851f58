"""Offers and objectives in a real browser: a lab is offered a deal, accepts it on its page, and
each player sees its own objectives met or not."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from playwright.sync_api import expect

from tests.browser.test_play import join, wait_live
from tests.engine.test_objectives import with_objectives

if TYPE_CHECKING:
    from tests.browser.conftest import People
    from tests.live_server import Server

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini.yaml"

DEAL = """\
  - id: propose
    label: Propose a compute deal
    roles: [lab]
    free: true
    params:
      to: {type: role, roles: [lab], not_self: true}
    offer:
      to: to
      text: "{role} will pay you 1.0 for compute."
      accepted: {add: {me.cash: -1.0, params.to.cash: 1.0, capability: 10.0}, text: "Deal done."}
"""


def test_a_lab_accepts_an_offer_on_its_page_and_sees_its_objectives(
    server: Server, people: People, tmp_path: Path
) -> None:
    # given the mini scenario with objectives and an offer, A and B played by people
    text = with_objectives(MINI.read_text()).replace(
        "\nrules:", "\n" + DEAL.rstrip() + "\nrules:", 1
    )
    path = tmp_path / "mini-offers.yaml"
    path.write_text(text)
    exercise = server.create_exercise(
        "--name", "Deals", "--players", "a,b", "--close-when", "deadline", scenario=str(path)
    )
    exercise.control("start")
    exercise.api("a", "POST", "/moves", {"action": "propose", "params": {"to": "b"}})
    exercise.control("close_turn")
    exercise.control("open_next_turn")
    a = join(people.new("a"), exercise, "a", "play")
    b = join(people.new("b"), exercise, "b", "play")
    wait_live(b)

    # when B accepts the offer on its page and the turn is played
    offer = b.locator("#offers li.item", has_text="Lab A will pay you 1.0 for compute.")
    expect(offer).to_be_visible()
    offer.locator("button.accept").click()
    expect(b.locator("#notice")).to_contain_text("Offer accepted")
    exercise.control("close_turn")

    # then A is told, and the deal's capability puts A's "Pass 55" objective in reach
    expect(a.locator("body")).to_contain_text("Deal done.")
    objectives = a.locator("#objectives li.item")
    expect(objectives.filter(has_text="Pass 55 capability").locator(".badge")).to_have_text("met")
    expect(b.locator("#objectives-panel")).to_be_hidden()  # B has no objectives
    expect(b.locator("#offers")).to_contain_text("No offers waiting.")
    assert people.errors() == []
