"""A secret press in real browsers: the presser and the facilitator see it, nobody else does.

Anthropic presses the pause button as its only move. OpenAI's page and the observer's say
nothing of it (Anthropic has "not yet" moved, no story item), while Anthropic's own page lists
the move and the facilitator's console shows it among the turn's moves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from playwright.sync_api import expect

from tests.browser.test_play import join, submit_action, submit_free_form, wait_live

if TYPE_CHECKING:
    from tests.browser.conftest import People
    from tests.live_server import Server


def test_a_pressed_button_shows_on_the_pressers_page_and_the_console_only(
    server: Server, people: People
) -> None:
    # given a running exercise with two players, an observer and the facilitator watching
    exercise = server.create_exercise("--name", "Secret", "--players", "anthropic,openai")
    exercise.control("start")
    pages = {
        name: join(people.new(name), exercise, name, path)
        for name, path in (
            ("facilitator", "console"),
            ("anthropic", "play"),
            ("openai", "play"),
            ("observer", "watch"),
        )
    }
    for page in pages.values():
        wait_live(page)

    # when Anthropic presses the button, then OpenAI makes a move everyone may know of
    submit_action(pages["anthropic"], "press_pause_button")
    submit_free_form(pages["openai"], "We propose a summit.")

    # then, once everything sent before a marker has reached them, the others have learned
    # of OpenAI's move and of Anthropic's nothing
    exercise.control("inject", title="Marker", text="Everything before this has arrived.")
    for name in ("openai", "observer"):
        expect(pages[name].locator("#results")).to_contain_text("Marker")
        expect(pages[name].locator("#results")).not_to_contain_text("pause button")
    pages["openai"].reload()  # the roles list as the snapshot gives it, not as events built it
    wait_live(pages["openai"])
    roles = pages["openai"].locator("#roles")
    expect(roles.locator("li", has_text="OpenAI (CEO)")).to_contain_text("has moved")
    expect(roles.locator("li", has_text="Anthropic (CEO)")).to_contain_text("not yet")
    expect(pages["anthropic"].locator("#my-moves")).to_contain_text("Press the pause button")
    expect(pages["facilitator"].locator("#turn-moves")).to_contain_text(
        "Anthropic (CEO): Press the pause button"
    )
    assert people.errors() == []
