"""Choices and lists of roles on a player's page, in a real browser (tests/fixtures/typed.yaml):
a choice reads as written, a list of roles by the roles' names, a private list only for its
holder."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from playwright.sync_api import expect

from tests.browser.test_play import join, wait_live
from tests.browser.test_umpire_desk import set_value
from tests.live_server import Exercise

if TYPE_CHECKING:
    from tests.browser.conftest import People
    from tests.live_server import Server

TYPED = Path(__file__).resolve().parents[1] / "fixtures" / "typed.yaml"


def typed_exercise(server: Server, players: str) -> Exercise:
    """The typed scenario with people in `players`, its turns closed by the facilitator."""
    return server.create_exercise(
        "--name", "Typed", "--players", players, "--close-when", "deadline", scenario=str(TYPED)
    )


def test_a_player_sees_a_choice_and_lists_of_roles_by_name(server: Server, people: People) -> None:
    # given the typed scenario, Lab A played by a person
    exercise = typed_exercise(server, "a,gov")
    exercise.control("start")
    a = join(people.new("a"), exercise, "a", "play")
    wait_live(a)

    # when the government blames Lab B and sanctions it, and the turn is played
    exercise.api("gov", "POST", "/moves", {"action": "blame", "params": {"culprit": "b"}})
    exercise.api("gov", "POST", "/moves", {"action": "sanction", "params": {"lab": "b"}})
    exercise.control("close_turn")

    # then A's page shows the choice as written and the lists by the roles' names
    public = a.locator("#public-state")
    expect(public.locator("tr", has_text="Blamed on").locator("td").first).to_have_text("b")
    expect(public.locator("tr", has_text="Sanctioned").locator("td").first).to_have_text("Lab B")
    mine = a.locator("#private-state")
    allies = mine.locator("tr", has_text="Allies").locator("td").first
    expect(allies).to_have_text("Lab B, Government")  # held as [gov, b, gov]: once, in order
    expect(mine.locator("tr", has_text="Stance").locator("td").first).to_have_text("open")
    expect(a.locator("#public-state")).not_to_contain_text("Motto")  # the government's only
    assert people.errors() == []


def test_a_facilitator_sets_a_list_of_roles_and_a_choice_from_the_console(
    server: Server, people: People
) -> None:
    # given the typed scenario, its facilitator at the console and Lab A at its page
    exercise = typed_exercise(server, "a")
    exercise.control("start")
    facilitator = people.new("facilitator")
    console = join(facilitator, exercise, "facilitator", "console")
    a = join(people.new("a"), exercise, "a", "play")
    wait_live(console)
    wait_live(a)

    # when the facilitator names a choice that is not one, then sets the list and the choice
    facilitator.tolerated.append(re.compile("status of 400"))  # the refusal, as meant
    set_value(console, "blamed", "gru")
    expect(console.locator("#notice")).to_contain_text("blamed is one of nobody, a, b, outsiders")
    set_value(console, "sanctioned", "b, a")

    # then the player's page shows the list by name, in the scenario's order
    public = a.locator("#public-state")
    sanctioned = public.locator("tr", has_text="Sanctioned").locator("td").first
    expect(sanctioned).to_have_text("Lab A, Lab B")

    # and, once the facilitator sets the choice (one command at a time), the choice as written
    set_value(console, "blamed", "outsiders")
    expect(public.locator("tr", has_text="Blamed on").locator("td").first).to_have_text("outsiders")
    assert people.errors() == []
