"""A player whose connection drops sees a banner, keeps their draft, and catches up on return."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from playwright.sync_api import expect

if TYPE_CHECKING:
    from tests.browser.conftest import People
    from tests.live_server import Server

# What Chromium logs while it is offline: the page's own retries, expected here.
OFFLINE = re.compile(r"ERR_INTERNET_DISCONNECTED|WebSocket connection to .* failed")


def test_a_player_whose_connection_is_cut_catches_up_when_it_is_back(
    server: Server, people: People
) -> None:
    # given a running exercise, Anthropic's page live and a message half typed
    exercise = server.create_exercise("--name", "Reconnect", "--players", "anthropic,openai")
    exercise.control("start")
    anthropic = people.new("anthropic")
    page = anthropic.page
    page.goto(exercise.join_url("anthropic"))
    page.wait_for_function("() => window.wargameConnection && window.wargameConnection.open")
    page.fill("#message-body", "A draft that must survive")

    # when the network goes away and the socket with it
    anthropic.tolerated.append(OFFLINE)
    anthropic.context.set_offline(True)
    page.evaluate("() => window.wargameConnection.socket?.close()")
    expect(page.locator("#connection")).to_contain_text("Connection lost")

    # while others carry on
    exercise.api("openai", "POST", "/messages", {"to": ["anthropic"], "body": "Are you there?"})
    exercise.control("inject", title="Markets wobble", text="Chip stocks fall 8%.")
    exercise.control("close_turn")

    # then, back online, the page says so and shows what it missed, once each
    anthropic.context.set_offline(False)
    expect(page.locator("#connection")).to_contain_text("Connection is back")
    expect(page.locator("#messages")).to_contain_text("Are you there?")
    expect(page.locator("#results")).to_contain_text("Inject: Markets wobble")
    expect(page.locator("#status")).to_contain_text("Month 1 of 12 (resolved)")
    expect(page.locator("#messages li.message")).to_have_count(1)
    expect(page.locator("#results li", has_text="Markets wobble")).to_have_count(1)
    expect(page.locator("#message-body")).to_have_value("A draft that must survive")
    anthropic.screenshot("player-reconnected")

    # and a reload keeps the draft too (sessionStorage)
    page.reload()
    expect(page.locator("#message-body")).to_have_value("A draft that must survive")
    assert people.errors() == []


def test_a_player_whose_seat_is_given_to_someone_else_is_told_so(
    server: Server, people: People
) -> None:
    exercise = server.create_exercise("--name", "Revoked", "--players", "anthropic,openai")
    exercise.control("start")
    openai = people.new("openai", phone=True)
    page = openai.page
    page.goto(exercise.join_url("openai"))
    page.wait_for_function("() => window.wargameConnection && window.wargameConnection.open")

    # A request the page has in flight when its seat goes may rightly meet a 401.
    openai.tolerated.append(re.compile(r"status of 401"))
    new_link = exercise.control("replace_seat", role="openai")

    expect(page.locator("#connection")).to_contain_text("given to someone else")
    assert page.evaluate("window.wargameConnection.stopped") is True
    openai.screenshot("player-seat-revoked")
    # the new link opens the seat in another browser
    successor = people.new("successor")
    successor.page.goto(new_link["url"])
    expect(successor.page.locator("#status")).to_contain_text("Month 1 of 12 (open)")
    assert people.errors() == []


def test_a_player_whose_role_is_given_to_a_bot_loses_the_seat_as_for_a_new_player(
    server: Server, people: People
) -> None:
    exercise = server.create_exercise("--name", "Bot", "--players", "anthropic,openai")
    exercise.control("start")
    anthropic = people.new("anthropic")
    page = anthropic.page
    page.goto(exercise.join_url("anthropic"))
    page.wait_for_function("() => window.wargameConnection && window.wargameConnection.open")
    expect(page.locator("#act-free_form button.submit")).to_be_enabled()

    # A request the page has in flight when its seat goes may rightly meet a 401.
    anthropic.tolerated.append(re.compile(r"status of 401"))
    exercise.control("replace_seat", role="anthropic", bot_policy="no-pause")

    # the page stops, as when the role goes to a new player, and a reload shows no seat
    expect(page.locator("#connection")).to_contain_text("given to someone else")
    assert page.evaluate("window.wargameConnection.stopped") is True
    exercise.api("openai", "POST", "/messages", {"to": ["anthropic"], "body": "BOT-ONLY"})
    anthropic.tolerated.append(re.compile(r"status of 403"))
    page.reload()
    expect(page.locator("body")).to_contain_text("given to someone")
    expect(page.locator("body")).not_to_contain_text("BOT-ONLY")
    assert people.errors() == []
