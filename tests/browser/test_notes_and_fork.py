"""The facilitator notes a turn and an event, writes the debrief, and forks a resolved turn."""

from __future__ import annotations

from typing import TYPE_CHECKING

from playwright.sync_api import expect

from tests.browser.test_replay import wait_resolved

if TYPE_CHECKING:
    from tests.browser.conftest import People
    from tests.live_server import Server


def test_the_facilitator_notes_debriefs_and_forks_from_the_console(
    server: Server, people: People
) -> None:
    exercise = server.create_exercise(
        "--name", "Forked", "--players", "anthropic,openai", "--bot-policy", "no-pause"
    )
    exercise.control("start")
    exercise.control("close_turn")
    wait_resolved(exercise, 1)
    facilitator = people.new("facilitator")
    console = facilitator.page
    console.goto(exercise.join_url("facilitator"))
    expect(console.locator("#status")).to_contain_text("Month 1 of 12 (resolved)")

    # an observation on this month, then one on an event of the log
    console.fill("#note-text", "The labs <b>hesitate</b>.")
    console.get_by_role("button", name="Save the note").click()
    expect(console.locator("#notes")).to_contain_text("On month 1")
    expect(console.locator("#notes")).to_contain_text("The labs <b>hesitate</b>.")
    console.get_by_role("button", name="Note on event 3", exact=True).click()
    expect(console.locator("#note-event")).to_have_value("3")
    console.fill("#note-text", "This is where it turned.")
    console.get_by_role("button", name="Save the note").click()
    expect(console.locator("#notes")).to_contain_text("On event #3")

    # the debrief is kept across a reload
    console.fill("#debrief-text", "Talk about the pause button first.")
    console.get_by_role("button", name="Save the debrief").click()
    expect(console.locator("#notice")).to_contain_text("Debrief saved")
    notes = exercise.api("facilitator", "GET", "")["notes"]
    assert [n["kind"] for n in notes] == ["observation", "observation", "debrief"]
    assert notes[1]["event_seq"] == 3
    console.reload()
    expect(console.locator("#debrief-text")).to_have_value("Talk about the pause button first.")

    # what if: a new exercise from after month 1, with new dice
    expect(console.locator("#fork-turn")).to_have_value("1")
    console.check("#fork-seed")
    console.get_by_role("button", name="Make the new exercise").click()
    result = console.locator("#fork-result")
    expect(result).to_contain_text("shown only once")
    facilitator.screenshot("console-notes-fork")
    assert people.accessibility_problems(console) == []
    url = result.locator("#fork-link-facilitator").input_value()
    assert "/join/" in url

    # the fork's facilitator starts it: its first month is month 2
    other = people.new("fork facilitator")
    other.page.goto(url)
    expect(other.page.locator("h1")).to_contain_text("Forked (what if, from month 1)")
    other.page.get_by_role("button", name="Start").click()
    expect(other.page.locator("#status")).to_contain_text("Month 2 of 12 (open)")
