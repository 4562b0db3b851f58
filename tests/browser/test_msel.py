"""The inject timeline in real browsers: the facilitator edits, delays and fires injects from
the console, and the player's page shows them with their sender and channel, the turns with
their names in the story, and nothing of the facilitator's notes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from playwright.sync_api import expect

from exercises.services import creation
from tests.browser.test_play import join, wait_live
from tests.live_server import Exercise
from tests.services.test_msel import TIMELINE

if TYPE_CHECKING:
    from tests.browser.conftest import People
    from tests.live_server import Server

LABELS = {1: "Day 1, 08:00", 2: "Day 1, 14:00", 3: "Day 2, 08:00"}


def timeline_exercise(server: Server, folder: Path) -> Exercise:
    """An ai-pause exercise whose scenario carries the tests' timeline and turn names."""
    data = yaml.safe_load(creation.bundled("ai-pause").source)
    data["injects"] += TIMELINE
    data["turn_labels"] = LABELS
    path = folder / "ai-pause-msel.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    plain = ("--close-when", "everyone_in", "--no-review", "--name", "Timeline")
    out = server.manage("create_exercise", str(path), "--base-url", server.url, "--json", *plain)
    created = json.loads(out)
    return Exercise(server, created["id"], {k: v["token"] for k, v in created["seats"].items()})


def test_the_facilitator_edits_delays_and_fires_injects_from_the_console(
    server: Server, people: People, tmp_path: Path
) -> None:
    # given a running exercise with a timeline, the console and Anthropic's page
    exercise = timeline_exercise(server, tmp_path)
    console = join(people.new("facilitator"), exercise, "facilitator", "console")
    lab = join(people.new("anthropic"), exercise, "anthropic", "play")
    for page in (console, lab):
        wait_live(page)
    console.locator("#turn-bar").get_by_role("button", name="Begin the exercise").click()
    expect(console.locator("#turn-bar")).to_contain_text("Month 1 of 12 · Day 1, 08:00")

    # the inject of turn 1 reached its recipient with its sender and channel, not its notes
    results = lab.locator("#results")
    expect(results).to_contain_text("Inject: Ransom note (Day 1, 08:00)")
    expect(results).to_contain_text("From Unknown actor, by email")
    injects = console.locator("#scenario-injects")
    ransom = injects.locator("[data-inject=ransom_email]")
    expect(ransom).to_contain_text("Notes: Hold the follow-up call until they ask.")
    expect(ransom).to_contain_text("Expected: Call the board.")

    # when the facilitator edits an inject's words and sender
    leak = injects.locator("[data-inject=leak]")
    leak.locator("summary", has_text="Edit").click()
    leak.get_by_label("Text").fill("The leak reaches the wires at {turn_label}.")
    leak.get_by_label("Sender").fill("Wire service")
    leak.get_by_label("Channel").select_option("news")
    leak.get_by_role("button", name="Save the edit").click()
    expect(leak).to_contain_text("Edited: channel, sender, text")
    expect(leak).to_contain_text("From Wire service · news")

    # and delays it to turn 3
    leak.get_by_label("Fire in").select_option(label="Month 3 (Day 2, 08:00)")
    leak.get_by_role("button", name="Schedule").click()
    expect(leak).to_contain_text("moved to month 3 (Day 2, 08:00)")

    # and fires the one timed ten minutes into the turn now, by hand
    call = injects.locator("[data-inject=press_call]")
    call.get_by_role("button", name="Send now").click()
    expect(call).to_contain_text("fired in month 1 (Day 1, 08:00)")
    expect(results).to_contain_text("Inject: A reporter calls")
    expect(results).to_contain_text("by phone")

    # then the edited inject fires on the turn it was moved to, with its new words
    for _ in range(2):
        exercise.control("close_turn", anyway=True)
        exercise.control("open_next_turn")
    expect(console.locator("#turn-bar")).to_contain_text("Month 3 of 12 · Day 2, 08:00")
    expect(results).to_contain_text("The leak reaches the wires at Day 2, 08:00.")
    expect(results).to_contain_text("From Wire service, in the news")
    expect(leak).to_contain_text("fired in month 3 (Day 2, 08:00)")
    for secret in ("Hold the follow-up", "Call the board", "Crisis communication"):
        expect(lab.locator("main")).not_to_contain_text(secret)
    assert people.errors() == []
    assert people.accessibility_problems(console) == []
