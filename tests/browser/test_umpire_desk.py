"""The umpire's desk in real browsers: the console's turn bar and injects, a value set by hand
reaching every page at once, results with their dice, the room view following the stream, the
players' notifications and the exports once the exercise is over."""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

from playwright.sync_api import Page, expect

from tests.browser.test_play import join, submit_action, wait_live

if TYPE_CHECKING:
    from tests.browser.conftest import People
    from tests.live_server import Server


def set_value(console: Page, variable: str, value: str) -> None:
    console.select_option("#set-variable", variable)
    console.fill("#set-value", value)
    console.fill("#set-reason", "the facilitator's call")
    console.get_by_role("button", name="Set the value").click()


def test_a_facilitator_runs_a_turn_from_the_turn_bar_and_every_page_follows_it(
    server: Server, people: People
) -> None:
    exercise = server.create_exercise(
        "--name", "Desk", "--players", "anthropic,openai", "--bot-policy", "no-pause"
    )
    facilitator = people.new("facilitator")
    anthropic = people.new("anthropic")
    openai = people.new("openai", phone=True)
    console = join(facilitator, exercise, "facilitator", "console")
    lab = join(anthropic, exercise, "anthropic", "play")
    phone = join(openai, exercise, "openai", "play")
    room = facilitator.context.new_page()
    room.on("pageerror", lambda error: facilitator.errors.append(f"room: {error}"))
    room.goto(f"{server.url}/exercises/{exercise.id}/room/")
    for page in (console, lab, phone, room):
        wait_live(page)
    bar = console.locator("#turn-bar")
    expect(lab.locator("#alert-sound")).not_to_be_checked()  # sound is off by default

    # the turn bar starts the exercise; the players are told, at the top and in the title
    bar.get_by_role("button", name="Begin the exercise").click()
    expect(bar).to_contain_text("Month 1 of 12: open")
    expect(bar).to_contain_text(re.compile(r"\d of 8 in"))
    expect(lab.locator("#alerts")).to_contain_text("Month 1 is open")
    expect(lab).to_have_title(re.compile(r"^\(\d+\) "))
    expect(room.locator("#status")).to_contain_text("Month 1 of 12 (open)")

    # the turn bar stays in view at the bottom of the console
    console.locator("#fork-heading").scroll_into_view_if_needed()
    expect(bar).to_be_in_viewport()

    # a value out of its bounds is refused with them; one inside reaches every page at once
    facilitator.tolerated.append(re.compile("status of 400"))  # the refusal, as meant
    set_value(console, "public_concern", "150")
    expect(console.locator("#notice")).to_contain_text("public_concern must be between 0 and 100")
    set_value(console, "public_concern", "77")
    for page in (lab, phone, room):
        chart = page.locator(".chart-card", has_text="Public concern")
        expect(chart.locator(".chart-value")).to_have_text("77")
    lab.locator("#world-heading").scroll_into_view_if_needed()
    lab.locator("#public-state").locator("..").locator("summary").click()
    expect(lab.locator("#public-state tr", has_text="Public concern")).to_contain_text("77")

    # one of OpenAI's own values: its player sees the new value, in the table and the chart
    set_value(console, "openai.valuation_busd", "420")
    valuation = phone.locator("#private-state tr", has_text=re.compile(r"^\s*Valuation"))
    expect(valuation).to_contain_text("420")
    expect(valuation.locator("svg")).to_have_attribute("aria-label", re.compile(r"month 1 420"))

    # injects: the one that fired is marked, one is skipped, one is sent now
    injects = console.locator("#scenario-injects")
    fired = injects.locator("[data-inject=red_team_report]")
    expect(fired).to_contain_text("fired in month 1")
    expect(fired.get_by_role("button", name="Send now")).to_have_count(0)
    injects.locator("[data-inject=midterm_pressure]").get_by_role("button", name="Skip").click()
    expect(injects.locator("[data-inject=midterm_pressure]")).to_contain_text("skipped")
    letter = injects.locator("[data-inject=investor_letter]")
    letter.get_by_label("Fire in").select_option(label="Month 3")
    letter.get_by_role("button", name="Schedule").click()
    expect(letter).to_contain_text("moved to month 3")
    demo = injects.locator("[data-inject=scary_demo]")
    demo.get_by_role("button", name="Send now").click()
    expect(demo).to_contain_text("fired in month 1")
    expect(demo.get_by_role("button", name="Send now")).to_have_count(0)
    expect(room.locator("#results")).to_contain_text("Inject: A demonstration goes viral")
    expect(lab.locator("#alerts")).to_contain_text("Inject: A demonstration goes viral")

    # a private message is news for its recipient
    phone.check("#to-some")
    phone.check("#to-anthropic")
    phone.fill("#message-body", "A word in private?")
    phone.get_by_role("button", name="Send", exact=True).click()
    expect(lab.locator("#alerts")).to_contain_text("New private message from OpenAI (CEO)")
    lab.get_by_role("button", name="Dismiss").click()
    expect(lab.locator("#alerts")).to_be_hidden()
    expect(lab).not_to_have_title(re.compile(r"^\("))

    # a free-form move waiting for a ruling cannot be missed, and goes when it is withdrawn
    card = lab.locator("#act-free_form")
    card.locator("summary").click()
    lab.fill("#act-free_form-why", "We call the other labs.")
    lab.get_by_role("button", name="Submit the free-form move").click()
    expect(bar.locator("#turn-bar-rulings")).to_have_text("1 ruling pending")
    lab.locator("#my-moves").get_by_role("button", name="Withdraw").click()
    expect(bar.locator("#turn-bar-rulings")).to_be_hidden()

    # Anthropic scales; the turn bar closes the turn; the result shows its dice
    submit_action(lab, "continue_scaling")
    bar.get_by_role("button", name="Close this turn").click()
    expect(bar).to_contain_text("Month 1 of 12: resolved")
    expect(bar.get_by_role("button", name="Open month 2")).to_be_visible()
    [draw] = exercise.api("anthropic", "GET", "/export?format=json")["turns"][0]["draws"]
    rolled = math.floor(draw["roll"] * 100) + 1
    result = lab.locator("#results .item", has_text="Continue scaling")
    expect(result).to_contain_text(f"Dice (d100): needed 90 or less, rolled {rolled}")
    expect(console.locator("#results")).to_contain_text("needed 90 or less")
    expect(room.locator("#results")).to_contain_text("What happened")
    expect(lab.locator("#alerts")).to_contain_text("The results of month 1 are in")

    # exports: always on the console, on a player's page once the exercise is over
    expect(console.locator("#exports")).to_be_visible()
    expect(lab.locator("#exports")).to_be_hidden()
    exercise.control("finish")
    expect(lab.locator("#exports")).to_be_visible()
    expect(
        lab.locator("#exports").get_by_role("link", name="After-action report")
    ).to_have_attribute("href", f"/api/v1/exercises/{exercise.id}/export?format=html")

    facilitator.screenshot("desk-console")
    console.locator("#state-heading").scroll_into_view_if_needed()
    console.screenshot(path="screenshots/desk-console-bar.png")  # the bar, in view mid-page
    anthropic.screenshot("desk-player")
    room.screenshot(path="screenshots/desk-room.png", full_page=True)
    for page in (console, lab, phone, room):
        assert people.accessibility_problems(page) == []
    assert people.errors() == []


def test_a_player_is_told_when_the_deadline_is_a_minute_away(
    server: Server, people: People
) -> None:
    exercise = server.create_exercise(
        "--name", "Short", "--players", "anthropic", "--turn-seconds", "50"
    )
    anthropic = people.new("anthropic")
    lab = join(anthropic, exercise, "anthropic", "play")
    wait_live(lab)

    exercise.control("start")

    expect(lab.locator("#alerts")).to_contain_text("One minute left in month 1")
    assert people.errors() == []
