"""User text is shown as text on every page; an operator makes an exercise in the lobby."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from playwright.sync_api import Page, expect

if TYPE_CHECKING:
    from tests.browser.conftest import People
    from tests.live_server import Server

XSS = '<script>window.__xss = 1</script><img src=x onerror="window.__xss = 2">'


def assert_shown_as_text(page: Page, where: str, text: str) -> None:
    expect(page.locator(where).get_by_text(text).first).to_be_visible()
    assert page.evaluate("window.__xss") is None
    planted = 'main img[src="x"], main script:not([src]):not([type="application/json"])'
    assert page.locator(planted).count() == 0


def test_a_move_holding_markup_shows_as_text_on_every_page(server: Server, people: People) -> None:
    # given markup in a free-form move, a message to all, an inject and a ruling's narrative
    exercise = server.create_exercise("--name", XSS, "--players", "anthropic,openai")
    exercise.control("start")
    move = exercise.api(
        "anthropic", "POST", "/moves", {"action": "free_form", "rationale": f"We {XSS} stall"}
    )
    exercise.api("openai", "POST", "/messages", {"to": "all", "body": f"Hello {XSS}"})
    exercise.control("inject", title=f"Leak {XSS}", text=f"Text {XSS}")
    # when the facilitator has seen the move (before the ruling), then rules and closes
    facilitator = people.new("facilitator")
    console = facilitator.page
    console.goto(exercise.join_url("facilitator"))
    assert_shown_as_text(console, "#rulings", f"We {XSS} stall")
    exercise.api(
        "facilitator",
        "POST",
        "/rulings",
        {"move": move["id"], "outcome": "success", "narrative": f"Story {XSS}"},
    )
    exercise.control("close_turn")

    # then every page shows each of them as text, and no script ran
    expect(console.locator("#status")).to_contain_text("(resolved)")
    assert_shown_as_text(console, "#messages", f"Hello {XSS}")
    assert_shown_as_text(console, "#results", f"Story {XSS}")
    assert_shown_as_text(console, "#event-log", "stall")
    assert_shown_as_text(console, ".live-head h1", XSS)
    facilitator.screenshot("console-markup")
    for seat, phone in (("anthropic", False), ("openai", True)):
        player = people.new(seat, phone=phone)
        page = player.page
        page.goto(exercise.join_url(seat))
        assert_shown_as_text(page, "#messages", f"Hello {XSS}")
        assert_shown_as_text(page, "#results", f"Leak {XSS}")
        assert_shown_as_text(page, "#results", f"Story {XSS}")
        player.screenshot(f"player-markup-{'phone' if phone else 'laptop'}")
    assert_shown_as_text(people.people[1].page, "#my-moves", f"We {XSS} stall")
    observer = people.new("observer", phone=True)
    watch = observer.page
    watch.goto(exercise.join_url("observer"))
    expect(watch).to_have_url(f"{server.url}/exercises/{exercise.id}/watch/")
    assert_shown_as_text(watch, "#results", f"Story {XSS}")
    assert_shown_as_text(watch, "#results", f"Leak {XSS}")
    observer.screenshot("observer-phone")
    assert people.accessibility_problems(watch) == []

    # and when the facilitator finishes the exercise, every page says so
    console.once("dialog", lambda dialog: dialog.accept())
    console.get_by_role("button", name="Finish").click()
    for page in (console, watch, people.people[1].page):
        expect(page.locator("#results")).to_contain_text("The exercise is over")
        expect(page.locator("#countdown")).to_have_text("Finished")
    assert people.errors() == []


def test_an_operator_signs_in_creates_an_exercise_and_opens_its_console(
    server: Server, people: People
) -> None:
    server.manage(
        "createsuperuser",
        "--noinput",
        "--username",
        "operator",
        "--email",
        "operator@example.org",
        extra_env={"DJANGO_SUPERUSER_PASSWORD": "a long operator password"},
    )
    operator = people.new("operator")
    page = operator.page

    # the lobby asks for a sign-in first
    page.goto(server.url + "/")
    page.get_by_role("link", name="Lobby").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    operator.screenshot("login")
    page.get_by_label("Username").fill("operator")
    page.get_by_label("Password").fill("a long operator password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Lobby", exact=True)).to_be_visible()
    operator.screenshot("lobby-laptop")
    assert people.accessibility_problems(page) == []

    # an exercise of The Pause, with a bot for Google DeepMind
    card = page.locator("section.card", has=page.get_by_role("heading", name="The Pause"))
    card.get_by_label("Name of the exercise").fill("Made in the lobby")
    card.get_by_label("Minutes per turn").fill("30")
    card.get_by_label("Google DeepMind (CEO)").check()
    card.get_by_label("The bots' policy").select_option("evidence-first")
    card.get_by_role("button", name="Create the exercise").click()
    expect(page.get_by_role("heading", name="Made in the lobby")).to_be_visible()
    links = page.locator("table.links input.link-field")
    expect(links).to_have_count(9)  # a bot's seat gets no link: it would open its briefing
    assert all("/join/" in link.input_value() for link in links.all())
    bot_row = page.locator("table.links tr", has_text="Google DeepMind (CEO)")
    expect(bot_row).to_contain_text("Played by a bot (evidence-first): no link")
    operator.screenshot("lobby-links")

    # the facilitator's link opens the console in this browser
    page.get_by_role("link", name="Open the facilitator console in this browser").click()
    expect(page.locator(".live-head h1")).to_have_text("Made in the lobby")
    expect(page.locator("#seats")).to_contain_text("bot: evidence-first")
    expect(page.locator("#status")).to_contain_text("In the lobby")

    # and a role can be given a new link there, shown once
    page.on("dialog", lambda dialog: dialog.accept())
    row = page.locator("#seats tr", has_text="Meta AI (head)")
    row.get_by_role("button", name="New link").click()
    expect(row.get_by_label("New link (shown only now):")).to_have_value(re.compile("/join/"))
    operator.screenshot("console-new-link")

    # a role given to a bot, a hidden value set with a reason
    row.get_by_label("Bot policy for Meta AI (head)").select_option("no-pause")
    row.get_by_role("button", name="Give to a bot").click()
    expect(page.locator("#seats tr", has_text="Meta AI (head)")).to_contain_text("bot: no-pause")
    page.get_by_label("Variable").select_option("misalignment_risk")
    page.get_by_label("New value").fill("61")
    page.get_by_label("Reason (recorded in the log)").fill("The red team's new findings")
    page.get_by_role("button", name="Set the value").click()
    expect(page.locator("#event-log")).to_contain_text("The red team's new findings")
    expect(page.locator("#state tr", has_text="misalignment_risk")).to_contain_text("61")

    # injects: one of the scenario's (sent while a turn is open, not one that fired already),
    # and one written here for two roles
    page.locator("#controls").get_by_role("button", name="Start").click()
    expect(page.locator("#status")).to_contain_text("(open)")
    page.locator("#scenario-injects li", has_text="Midterm season").get_by_role(
        "button", name="Send now"
    ).click()
    expect(page.locator("#results")).to_contain_text("Inject: Midterm season")
    # the free-form inject's form (each scripted inject has an edit form with the same labels)
    page.locator("#inject-title").fill("Leaked memo")
    page.locator("#inject-text").fill("A memo about the pause leaks to the press.")
    page.locator("#inject-targets").get_by_label("OpenAI (CEO)").check()
    page.locator("#inject-targets").get_by_label("US Congress").check()
    page.get_by_role("button", name="Send the inject").click()
    expect(page.locator("#results")).to_contain_text("Inject: Leaked memo")
    expect(page.locator("#event-log")).to_contain_text("A memo about the pause leaks")
    page.set_viewport_size({"width": 390, "height": 844})
    operator.screenshot("console-phone")
    page.goto(server.url + "/lobby/")
    operator.screenshot("lobby-phone")
    assert people.errors() == []


def test_a_browser_without_a_seat_gets_a_page_saying_so(server: Server, people: People) -> None:
    exercise = server.create_exercise("--name", "No seat")
    stranger = people.new("stranger", phone=True)
    page = stranger.page
    stranger.tolerated.append(re.compile("status of 403"))  # the page's own status

    response = page.goto(f"{server.url}/exercises/{exercise.id}/play/")

    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", name="You have no seat here")).to_be_visible()
    stranger.screenshot("no-seat-phone")
    assert people.errors() == []
