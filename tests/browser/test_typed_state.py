"""Choices and lists of roles on a player's page, in a real browser (tests/fixtures/typed.yaml):
a choice reads as written, a list of roles by the roles' names, a private list only for its
holder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from playwright.sync_api import expect

from tests.browser.test_play import join, wait_live
from tests.live_server import Exercise

if TYPE_CHECKING:
    from tests.browser.conftest import People
    from tests.live_server import Server

TYPED = Path(__file__).resolve().parents[1] / "fixtures" / "typed.yaml"


def test_a_player_sees_a_choice_and_lists_of_roles_by_name(server: Server, people: People) -> None:
    # given the typed scenario, Lab A played by a person
    out = server.manage(
        "create_exercise", str(TYPED), "--name", "Typed", "--players", "a,gov",
        "--base-url", server.url, "--json", "--close-when", "deadline", "--no-review",
    )  # fmt: skip
    created = json.loads(out)
    tokens = {name: seat["token"] for name, seat in created["seats"].items()}
    exercise = Exercise(server, created["id"], tokens)
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
