"""What a player learns of a result in a real browser, when the scenario reveals only texts.

The scenario is ai-pause with `reveal: text` as its default: a player's result shows the
branch's text and neither "succeeded" nor "failed", and its move is "resolved".
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from playwright.sync_api import expect

from exercises.engine import load_bundled_scenarios
from tests.browser.test_play import join, submit_action, wait_live
from tests.live_server import Exercise

if TYPE_CHECKING:
    from tests.browser.conftest import People
    from tests.live_server import Server


def test_a_player_told_only_the_text_of_a_result_is_not_told_whether_it_worked(
    server: Server, people: People, tmp_path: Path
) -> None:
    # given ai-pause as a scenario that reveals only the texts of results
    text = load_bundled_scenarios()["ai-pause"].source
    path = tmp_path / "ai-pause-texts.yaml"
    path.write_text(text.replace("moves_per_turn: 2\n", "moves_per_turn: 2\nreveal: text\n"))
    out = server.manage(
        "create_exercise", str(path), "--name", "Texts", "--players", "anthropic,openai",
        "--base-url", server.url, "--json", "--close-when", "everyone_in", "--no-review",
    )  # fmt: skip
    created = json.loads(out)
    tokens = {name: seat["token"] for name, seat in created["seats"].items()}
    exercise = Exercise(server, created["id"], tokens)
    exercise.control("start")
    lab = join(people.new("anthropic"), exercise, "anthropic", "play")
    wait_live(lab)

    # when Anthropic runs its evaluations (a sure success) and the turn is played
    submit_action(lab, "run_safety_evals")
    exercise.control("close_turn")

    # then its page shows the result's text, and no verdict
    result = lab.locator("#results li.item", has_text="Run full safety evaluations")
    expect(result).to_contain_text("The results are in.")
    expect(result).not_to_contain_text("succeeded")
    expect(result).not_to_contain_text("failed")
    expect(lab.locator("#my-moves")).to_contain_text("resolved")
    assert people.errors() == []
