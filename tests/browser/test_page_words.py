"""What people read on the pages: whole axis labels, events in words, signals counted where
they are listed, a confirmation before a bot takes a seat, public messages for the observer."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from playwright.sync_api import Page, expect

if TYPE_CHECKING:
    from tests.browser.conftest import People
    from tests.live_server import Server

# Where each axis label starts and ends, in the chart's own units: a label cut by the chart's
# edge starts left of 0.
TICK_BOXES = """(name) => [...document.querySelectorAll(`#public-charts figure`)]
  .filter((f) => f.querySelector(".chart-title").textContent === name)
  .flatMap((f) => [...f.querySelectorAll("text.tick")])
  .map((t) => ({ text: t.textContent, x: t.getBBox().x }))"""


def ticks(page: Page, name: str) -> list[dict[str, float | str]]:
    expect(page.locator("#public-charts")).to_contain_text(name)
    boxes: list[dict[str, float | str]] = page.evaluate(TICK_BOXES, name)
    return boxes


def test_a_five_digit_value_is_labelled_whole_on_a_laptop_and_a_phone(
    server: Server, people: People
) -> None:
    exercise = server.create_exercise("--name", "Charts", "--players", "anthropic,openai")
    exercise.control("start")
    reason = "A good year."
    exercise.control("set_state", variable="safety_papers_per_year", value=15140, reason=reason)
    exercise.control("close_turn")

    for phone in (False, True):
        page = people.new(f"observer-{phone}", phone=phone).page
        page.goto(exercise.join_url("observer"))
        expect(page.locator("#status")).to_contain_text("resolved")
        labels = ticks(page, "Safety research papers per year")
        assert any(re.fullmatch(r"15\.\dk", str(t["text"])) for t in labels), labels
        assert all(float(t["x"]) >= 0 for t in labels), labels


def test_the_console_reads_events_and_signals_in_words(server: Server, people: People) -> None:
    exercise = server.create_exercise("--name", "Words", "--players", "anthropic,openai,gdm")
    exercise.control("start")
    for lab in ("anthropic", "gdm"):
        exercise.api(lab, "POST", "/moves", {"action": "press_pause_button"})
    page = people.new("facilitator").page
    page.goto(exercise.join_url("facilitator"))

    expect(page.locator("#commitments")).to_contain_text(
        "counted when it is adjudicated: Anthropic (CEO), Google DeepMind (CEO)"
    )
    expect(page.locator("#commitments")).not_to_contain_text("Nobody has signalled yet")
    log = page.locator("#event-log")
    expect(log).to_contain_text("Turn opened")
    expect(log).to_contain_text("Anthropic (CEO): Press the pause button")
    assert not re.search(r"[{}]|\bturn\.opened\b|\bmove\.submitted\b", log.inner_text())
    expect(page.locator("#extend-note")).to_be_visible()
    expect(page.locator("#extend-form button")).to_be_disabled()


def test_giving_a_seat_to_a_bot_asks_first_and_says_who_plays_it_now(
    server: Server, people: People
) -> None:
    exercise = server.create_exercise("--name", "Bots", "--players", "anthropic,openai")
    exercise.control("start")
    page = people.new("facilitator").page
    page.goto(exercise.join_url("facilitator"))
    row = page.locator('[data-seat="openai"]')
    asked: list[str] = []

    def dismiss(dialog: object) -> None:
        asked.append(dialog.message)  # type: ignore[attr-defined]
        dialog.dismiss()  # type: ignore[attr-defined]

    page.once("dialog", dismiss)
    row.get_by_role("button", name="Give to a bot").click()
    expect(row).to_contain_text("a person")
    assert asked and "OpenAI (CEO) is played by a person" in asked[0], asked

    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Give to a bot").click()
    expect(page.locator('[data-seat="openai"]')).to_contain_text("bot:")
    expect(page.locator('[data-seat="openai"]').get_by_role("button", name="Change the bot"))


def test_the_observer_reads_public_messages_and_the_replay_headlines_in_words(
    server: Server, people: People
) -> None:
    exercise = server.create_exercise("--name", "Public", "--players", "anthropic,openai")
    exercise.control("start")
    exercise.api("anthropic", "POST", "/messages", {"to": "all", "body": "PUBLIC-HELLO"})
    exercise.api("anthropic", "POST", "/messages", {"to": ["openai"], "body": "PRIVATE-NOTE"})
    exercise.control("close_turn")
    page = people.new("observer").page
    page.goto(exercise.join_url("observer"))

    expect(page.locator("#messages")).to_contain_text("PUBLIC-HELLO")
    expect(page.locator("#messages")).not_to_contain_text("PRIVATE-NOTE")

    page.goto(f"{server.url}/exercises/{exercise.id}/replay/")
    page.keyboard.press("End")
    expect(page.locator("#replay-log")).to_contain_text("Turn adjudicated")
    assert "turn.adjudicated" not in page.locator("main").inner_text()
    assert people.accessibility_problems(page) == []


def test_one_browser_switches_between_two_seats_it_opened(server: Server, people: People) -> None:
    exercise = server.create_exercise("--name", "Two seats", "--players", "anthropic,openai")
    exercise.control("start")
    tester = people.new("tester")
    # A refresh the page sent just before a switch carries the session the switch ended: the
    # server refuses it (401), and must not take the browser's new session with it.
    tester.tolerated.append(re.compile(r"status of 401"))
    page = tester.page
    page.goto(exercise.join_url("anthropic"))
    expect(page.locator(".live-head .eyebrow")).to_contain_text("Anthropic (CEO)")

    page.goto(exercise.join_url("openai"))
    expect(page.get_by_role("heading", name="Switch to OpenAI (CEO)?")).to_be_visible()
    page.get_by_role("button", name="Switch to OpenAI (CEO)").click()
    expect(page.locator(".live-head .eyebrow")).to_contain_text("OpenAI (CEO)")

    page.get_by_role("button", name="Switch to Anthropic (CEO)").click()
    expect(page.locator(".live-head .eyebrow")).to_contain_text("Anthropic (CEO)")
    assert people.accessibility_problems(page) == []
