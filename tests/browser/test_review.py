"""A facilitator runs a turn of ai-pause with two human players in review mode, in real browsers:
both players move (one a free-form move), the facilitator closes the turn with the ruling
pending, rules it in review, overrides one move with a reason, re-rolls another and publishes.
The players see their results only after the publishing; the export then verifies.

Bots (`no-pause`) play every role but Anthropic and OpenAI. The exercise is made as an operator
would make it, with the defaults for people: turns close by hand, each is reviewed.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from playwright.sync_api import Locator, Page, expect

from exercises.engine.replay import verify_export
from tests.browser.test_play import join, submit_action, submit_free_form, wait_live
from tests.browser.test_replay import open_replay, seq_of

if TYPE_CHECKING:
    from tests.browser.conftest import People
    from tests.live_server import Server


def draft_row(console: Page, role: str, action: str) -> Locator:
    return console.locator("#draft-moves tr").filter(has_text=role).filter(has_text=action)


def test_a_facilitator_reviews_a_turn_of_two_players_and_publishes_it(
    server: Server, people: People
) -> None:
    exercise = server.create_exercise(
        "--name",
        "Review test",
        "--players",
        "anthropic,openai",
        "--bot-policy",
        "no-pause",
        "--close-when",
        "deadline",
        "--review",
    )
    facilitator, anthropic, openai = (people.new(n) for n in ("facilitator", "anthropic", "openai"))
    # The close this test has refused: the browser logs the 409 it answers.
    facilitator.tolerated.append(re.compile(r"status of 409 \(Conflict\)"))
    console = join(facilitator, exercise, "facilitator", "console")
    lab = join(anthropic, exercise, "anthropic", "play")
    other = join(openai, exercise, "openai", "play")
    for page in (console, lab, other):
        wait_live(page)
    console.get_by_role("button", name="Start").click()
    for page in (console, lab, other):
        expect(page.locator("#status")).to_contain_text("Month 1 of 12 (open)")

    # both players move; Anthropic's free-form move waits for a ruling
    submit_free_form(lab, "We quietly brief the regulator.")
    submit_action(lab, "continue_scaling")
    submit_action(other, "continue_scaling")
    banner = console.locator("#rulings-banner")
    expect(banner).to_contain_text("1 ruling pending")

    # closing is refused while the ruling is pending; "close anyway" puts the turn in review
    console.get_by_role("button", name="Close the turn").click()
    expect(console.locator("#notice")).to_contain_text(
        "1 free-form move has no ruling: Anthropic (CEO): “We quietly brief the regulator.”"
    )
    banner.get_by_role("button", name="Close anyway").click()
    expect(console.locator("#status")).to_contain_text("(review)")
    expect(console.locator("#review-draft")).to_be_visible()
    expect(draft_row(console, "Anthropic (CEO)", "Free-form move")).to_contain_text(
        "Ruling pending"
    )
    for page in (lab, other):
        expect(page.locator("#status")).to_contain_text("Month 1 of 12 (adjudicating)")

    # the facilitator rules, for Anthropic's eyes only
    ruling = console.locator("#rulings form.ruling")
    ruling.locator("input[value=outcome]").check()
    ruling.locator("select[name=result]").select_option("success")
    ruling.locator("textarea[name=narrative]").fill("The regulator listens, off the record.")
    ruling.get_by_label("Anthropic (CEO) only").check()
    ruling.get_by_role("button", name="Rule").click()
    expect(banner).to_be_hidden()
    free = draft_row(console, "Anthropic (CEO)", "Free-form move")
    expect(free).to_contain_text("success")
    expect(free).to_contain_text("narrative shared with Anthropic (CEO) only")

    # overrides OpenAI's scaling with a reason, and re-rolls Anthropic's
    scaling = draft_row(console, "OpenAI (CEO)", "Continue scaling")
    expect(scaling.locator(".dice")).to_contain_text("needed 90 or less, rolled")
    scaling.get_by_label("Outcome of OpenAI (CEO)'s move").select_option("failure")
    scaling.get_by_label("Reason to override OpenAI (CEO)'s move").fill("A chip shortage.")
    scaling.get_by_role("button", name="Override").click()
    expect(scaling).to_contain_text("overridden: A chip shortage.")
    rerolled = draft_row(console, "Anthropic (CEO)", "Continue scaling")
    rerolled.get_by_role("button", name="Re-roll").click()
    expect(rerolled).to_contain_text("re-rolled once")

    # nothing has reached the players yet
    for page in (lab, other):
        expect(page.locator("#status")).to_contain_text("(adjudicating)")
        expect(page.locator("#results")).not_to_contain_text("What happened")
        expect(page.locator("#results")).not_to_contain_text("Continue scaling")
    facilitator.screenshot("console-review")

    # publishing sends each seat its results
    console.get_by_role("button", name="Publish the turn").click()
    for page in (console, lab, other):
        expect(page.locator("#status")).to_contain_text("Month 1 of 12 (resolved)")
        expect(page.locator("#results [data-turn='1']")).to_contain_text("What happened")
    expect(other.locator("#results")).to_contain_text("Continue scaling: failed")
    expect(lab.locator("#results")).to_contain_text("The regulator listens, off the record.")
    expect(lab.locator("#results")).to_contain_text("(shared with: you only)")
    expect(other.locator("#results")).not_to_contain_text("The regulator listens")
    expect(console.locator("#review-draft")).to_be_hidden()

    # the facilitator's export verifies: the published turn, override and re-roll included
    export = exercise.api("facilitator", "GET", "/export")
    assert verify_export(export) == (1, [])
    [turn] = [t for t in export["turns"] if t["number"] == 1]
    [override] = turn["review"]["overrides"].values()
    assert override["reason"] == "A chip shortage."
    assert list(turn["review"]["rerolls"].values()) == [1]

    # the replay shows the facilitator every roll, the re-rolled one's first roll included
    adjudicated = seq_of(exercise, "facilitator", "turn.adjudicated", 1)
    replay = people.new("replay")
    open_replay(replay.page, exercise, "facilitator", adjudicated)
    rolls = replay.page.locator("#replay-rolls")
    expect(rolls).to_contain_text("move overridden: fails (A chip shortage.)")
    expect(rolls).to_contain_text(re.compile(r"re-rolled: needed 90 or less, rolled \d+, then"))
    for page in (console, lab, other):
        assert people.accessibility_problems(page) == []
