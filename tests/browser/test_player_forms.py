"""The player's forms say, before anything is sent, which refusal applies now and what a move
costs; number fields show their range; a move is replaced by a move of any action; a finished
exercise shows no forms; a paused one says plainly that moves wait."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from playwright.sync_api import expect

from tests.live_server import Exercise

if TYPE_CHECKING:
    from tests.browser.conftest import People
    from tests.live_server import Server


def test_a_form_says_whether_its_move_would_be_refused_now(server: Server, people: People) -> None:
    exercise = server.create_exercise("--name", "Forms", "--players", "anthropic,openai")
    exercise.control("start")
    page = people.new("anthropic").page
    page.goto(exercise.join_url("anthropic"))

    deploy = page.locator("#act-deploy_checkpoint")
    expect(deploy.locator(".check-status")).to_contain_text(
        "Refused now: You have no patched checkpoint yet"
    )
    expect(deploy.locator("summary")).to_contain_text("refused now")
    scaling = page.locator("#act-continue_scaling")
    expect(scaling.locator(".check-status")).to_have_text("You can make this move now.")

    datasets = page.locator("#act-add_alignment_datasets")
    datasets.locator("summary").click()
    count = datasets.locator("input[name=count]")
    expect(count).to_have_attribute("min", "1")
    expect(count).to_have_attribute("max", "3")
    expect(datasets).to_contain_text("from 1 to 3")


def test_a_move_is_replaced_by_a_move_of_another_action(server: Server, people: People) -> None:
    exercise = server.create_exercise("--name", "Replace", "--players", "anthropic,openai")
    exercise.control("start")
    exercise.api("anthropic", "POST", "/moves", {"action": "continue_scaling"})
    page = people.new("anthropic").page
    page.goto(exercise.join_url("anthropic"))

    page.locator("#my-moves").get_by_role("button", name="Replace").click()
    expect(page.locator("#replacing-banner")).to_contain_text("Continue scaling")
    evals = page.locator("#act-run_safety_evals")
    evals.locator("summary").click()
    evals.get_by_role("button", name="Submit this move").click()

    moves = page.locator("#my-moves .move")
    expect(moves).to_have_count(1)
    expect(moves.first).to_contain_text("Run full safety evaluations")
    expect(page.locator("#replacing-banner")).to_be_hidden()


def test_a_cost_written_as_a_formula_shows_as_an_amount(server: Server, people: People) -> None:
    out = server.manage(
        "create_exercise", "lab-crisis", "--base-url", server.url, "--json", "--name", "Costs"
    )
    created = json.loads(out)
    exercise = Exercise(server, created["id"], {n: s["token"] for n, s in created["seats"].items()})
    exercise.control("start")
    page = people.new("safety_lead").page
    page.goto(exercise.join_url("safety_lead"))

    card = page.locator("#act-alignment_datasets")
    expect(card.locator("summary")).to_contain_text("costs 0.9")  # three datasets, by default
    card.locator("summary").click()
    card.locator("input[name=count]").fill("1")
    expect(card.locator("summary")).to_contain_text("costs 0.3")
    assert "double(" not in page.locator("#actions").inner_text()


def test_paused_and_finished_exercises_say_so_and_offer_no_forms(
    server: Server, people: People
) -> None:
    exercise = server.create_exercise("--name", "Over", "--players", "anthropic,openai")
    exercise.control("start")
    page = people.new("anthropic").page
    page.goto(exercise.join_url("anthropic"))

    exercise.control("pause")
    expect(page.locator("#turn-help")).to_contain_text("paused the exercise")
    expect(page.locator("#status")).not_to_contain_text("(open)")

    exercise.control("finish")
    expect(page.locator("#act-closed")).to_be_visible()
    expect(page.locator("#actions")).to_be_hidden()
    expect(page.locator("#message-form")).to_be_hidden()
    expect(page.locator("#messages-closed")).to_be_visible()


def test_a_move_sent_while_offline_says_so_in_words(server: Server, people: People) -> None:
    exercise = server.create_exercise("--name", "Offline", "--players", "anthropic,openai")
    exercise.control("start")
    player = people.new("anthropic")
    player.tolerated.append(re.compile("ERR_INTERNET_DISCONNECTED|WebSocket"))
    page = player.page
    page.goto(exercise.join_url("anthropic"))
    expect(page.locator("#act-continue_scaling .check-status")).to_contain_text("You can")

    player.context.set_offline(True)
    scaling = page.locator("#act-continue_scaling")
    scaling.locator("summary").click()
    scaling.get_by_role("button", name="Submit this move").click()

    notice = page.locator("#notice")
    expect(notice).to_contain_text("the server could not be reached")
    expect(notice).not_to_contain_text("Failed to fetch")
    player.context.set_offline(False)
