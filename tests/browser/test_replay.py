"""The replay page steps through a played exercise as each seat saw it; the console forks it.

Two turns are played over the API (bots play every role but Anthropic and OpenAI), then the
facilitator and Anthropic open the replay in their browsers and step through it with the
buttons, the keyboard and deep links to a seq.
"""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import Page, expect

if TYPE_CHECKING:
    from tests.browser.conftest import People
    from tests.live_server import Exercise, Server


def play_two_turns(server: Server) -> Exercise:
    exercise = server.create_exercise(
        "--name", "Replayed", "--players", "anthropic,openai", "--bot-policy", "no-pause"
    )
    exercise.control("start")
    argued = exercise.api(
        "anthropic", "POST", "/moves", {"action": "free_form", "rationale": "ANTHROPIC-GAMBIT"}
    )
    exercise.api(
        "openai",
        "POST",
        "/moves",
        {"action": "run_safety_evals", "rationale": "OPENAI-SECRET reason"},
    )
    exercise.api("openai", "POST", "/messages", {"to": ["gdm"], "body": "OPENAI-TO-GDM only"})
    exercise.api("anthropic", "POST", "/messages", {"to": "all", "body": "Hello everyone."})
    exercise.api(
        "facilitator", "POST", "/rulings", {"move": argued["id"], "chance": 0.5, "narrative": "Ok."}
    )
    exercise.control("close_turn")
    wait_resolved(exercise, 1)
    exercise.control("open_next_turn")
    exercise.api("openai", "POST", "/moves", {"action": "run_safety_evals", "rationale": "again"})
    exercise.control("close_turn")
    wait_resolved(exercise, 2)
    return exercise


def wait_resolved(exercise: Exercise, number: int) -> None:
    deadline = time.monotonic() + 120  # a bound on a hang: a resolved turn returns at once
    while time.monotonic() < deadline:
        turn = exercise.api("facilitator", "GET", "")["turn"]
        if turn["number"] == number and turn["phase"] == "resolved":
            return
        time.sleep(0.1)
    pytest.fail(f"turn {number} was not resolved")


def seq_of(exercise: Exercise, seat: str, type: str, turn: int) -> int:
    events: list[dict[str, Any]] = exercise.api(seat, "GET", "/events?since=0")["events"]
    return next(int(e["seq"]) for e in events if e["type"] == type and e["turn"] == turn)


def open_replay(page: Page, exercise: Exercise, seat: str, seq: int | None = None) -> None:
    page.goto(exercise.join_url(seat))
    page.goto(
        f"{exercise.server.url}/exercises/{exercise.id}/replay/" + (f"#seq={seq}" if seq else "")
    )
    expect(page.locator("#position")).to_contain_text("Event")


def test_the_facilitator_steps_through_everything_and_a_role_through_what_it_saw(
    server: Server, people: People
) -> None:
    exercise = play_two_turns(server)
    facilitator = people.new("facilitator")
    anthropic = people.new("anthropic", phone=True)

    # the facilitator sees every move, message and roll as turn 1 was adjudicated
    page = facilitator.page
    adjudicated = seq_of(exercise, "facilitator", "turn.adjudicated", 1)
    open_replay(page, exercise, "facilitator", adjudicated)
    expect(page.locator("#position")).to_contain_text(f"seq {adjudicated} · Month 1")
    expect(page.locator("#replay-moves")).to_contain_text("ANTHROPIC-GAMBIT")
    expect(page.locator("#replay-moves")).to_contain_text("OPENAI-SECRET reason")
    expect(page.locator("#replay-rolls")).to_contain_text("needed 50 or less, rolled")
    expect(page.locator("#replay-story")).to_contain_text("What happened")
    expect(page.locator("#replay-messages")).to_contain_text("OPENAI-TO-GDM only")
    charts = page.locator("#replay-charts figure")
    assert charts.count() > 10
    # one event back (the keyboard), then a month forward (a button), then the start and end
    page.keyboard.press("ArrowLeft")
    expect(page.locator("#position")).to_contain_text(f"seq {adjudicated - 1} ")
    page.get_by_role("button", name="Next month").click()
    expect(page.locator("#position")).to_contain_text("Month 2")
    expect(page.locator("#replay-moves")).not_to_contain_text("ANTHROPIC-GAMBIT")
    page.keyboard.press("Home")
    expect(page.locator("#position")).to_contain_text("Event 1 of")
    expect(page.locator("#replay-messages")).to_contain_text("No messages yet")
    page.keyboard.press("End")
    expect(page.get_by_role("button", name="Next event")).to_be_disabled()
    facilitator.screenshot("replay-facilitator")
    assert people.accessibility_problems(page) == []

    # Anthropic sees its own move and roll, that OpenAI moved, and nothing of OpenAI's
    lab = anthropic.page
    adjudicated = seq_of(exercise, "anthropic", "turn.adjudicated", 1)
    open_replay(lab, exercise, "anthropic", adjudicated)
    expect(lab.locator("#replay-moves")).to_contain_text("ANTHROPIC-GAMBIT")
    expect(lab.locator("#replay-moves")).to_contain_text("OpenAI (CEO) made a move (secret)")
    expect(lab.locator("#replay-rolls")).to_contain_text("needed 50 or less, rolled")
    expect(lab.locator("#replay-messages")).to_contain_text("Hello everyone.")
    lab.get_by_role("button", name="End").click()
    for where in ("#replay-moves", "#replay-messages", "#replay-log", "#replay-rolls"):
        expect(lab.locator(where)).not_to_contain_text(re.compile("OPENAI-SECRET|OPENAI-TO-GDM"))
    body = lab.locator("body").inner_text()
    assert "OPENAI-SECRET" not in body and "OPENAI-TO-GDM" not in body
    anthropic.screenshot("replay-player-phone")
    assert people.accessibility_problems(lab) == []
