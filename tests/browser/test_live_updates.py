"""The pages apply what an event carries: the requests each page makes after events, counted.

A page used to fetch its whole `page.json` (the seat's view and every turn's values) after
every event; now it applies a move, a ready flag, a message or an inject as it comes, and after
a turn is adjudicated a role's page fetches only its small `now.json`. Playwright's request
events count what each page asks the server for.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from playwright.sync_api import Page, Request, expect

if TYPE_CHECKING:
    from tests.browser.conftest import People
    from tests.live_server import Exercise, Server


@dataclass
class Requests:
    """The paths a page has asked for since the last `clear`, by kind."""

    paths: list[str] = field(default_factory=list)

    def heard(self, request: Request) -> None:
        self.paths.append(request.url.split("?")[0])

    def clear(self) -> None:
        self.paths.clear()

    def ending(self, suffix: str) -> int:
        return sum(1 for path in self.paths if path.endswith(suffix))


def live_page(people: People, exercise: Exercise, seat: str) -> tuple[Page, Requests]:
    person = people.new(seat)
    requests = Requests()
    person.page.on("request", requests.heard)
    person.page.goto(exercise.join_url(seat))
    settle(person.page)
    return person.page, requests


def settle(page: Page) -> None:
    """Until the page is live and has no fetch of its data waiting or in flight."""
    page.wait_for_function(
        "() => window.wargameConnection && window.wargameConnection.open && !Wargame.busy()"
    )


def test_a_move_a_ready_flag_a_message_and_an_inject_reach_the_pages_with_no_fetch(
    server: Server, people: People
) -> None:
    # given a running exercise (no bots: nothing moves but what the test does)
    exercise = server.create_exercise("--name", "Applied")
    exercise.control("start")
    player, player_requests = live_page(people, exercise, "anthropic")
    observer, observer_requests = live_page(people, exercise, "observer")
    player.fill("#message-body", "A draft the updates leave alone")
    player_requests.clear()
    observer_requests.clear()

    # when another role moves and is in, writes to everyone, and the facilitator injects
    move = {"action": "continue_scaling", "params": {}, "idempotency_key": "applied-1"}
    exercise.api("openai", "POST", "/moves", move)
    exercise.api("openai", "POST", "/ready")
    exercise.api("openai", "POST", "/messages", {"to": "all", "body": "We are in."})
    exercise.control("inject", title="Markets wobble", text="Chip stocks fall 8%.")

    # then the pages show it all, having fetched nothing
    expect(player.locator("#roles li", has_text="OpenAI")).to_contain_text("in")
    expect(player.locator("#messages")).to_contain_text("We are in.")
    expect(player.locator("#results")).to_contain_text("Inject: Markets wobble")
    expect(observer.locator("#results")).to_contain_text("Inject: Markets wobble")
    settle(player)
    settle(observer)
    for requests in (player_requests, observer_requests):
        assert requests.ending("/page.json") == 0
        assert requests.ending("/now.json") == 0
    expect(player.locator("#message-body")).to_have_value("A draft the updates leave alone")
    assert people.errors() == []


def test_after_a_turn_is_adjudicated_a_role_fetches_only_its_small_data_and_an_observer_nothing(
    server: Server, people: People
) -> None:
    # given Anthropic's and an observer's pages, Anthropic having moved
    exercise = server.create_exercise("--name", "Adjudicated")
    exercise.control("start")
    player, player_requests = live_page(people, exercise, "anthropic")
    observer, observer_requests = live_page(people, exercise, "observer")
    open_action(player, "continue_scaling")
    player.locator("#act-continue_scaling button.submit").click()
    expect(player.locator("#my-moves")).to_contain_text("Continue scaling")
    settle(player)
    before = player.evaluate("() => Wargame.data.history.length")
    player_requests.clear()
    observer_requests.clear()

    # when the facilitator closes the turn and it is adjudicated
    exercise.control("close_turn")

    # then both pages show the turn resolved, with one more point on the charts
    for page in (player, observer):
        expect(page.locator("#status")).to_contain_text("Month 1 of 12 (resolved)")
        expect(page.locator("#results")).to_contain_text("What happened")
        settle(page)
        assert page.evaluate("() => Wargame.data.history.length") == before + 1
    # the role fetched its seat's changing data once (its private values), never the page
    assert player_requests.ending("/page.json") == 0
    assert player_requests.ending("/now.json") == 1
    # the observer's whole view came with the event
    assert observer_requests.ending("/page.json") == 0
    assert observer_requests.ending("/now.json") == 0
    private = player.evaluate("() => Wargame.data.view.me.private_state")
    assert private == exercise.api("anthropic", "GET", "")["me"]["private_state"]
    assert people.errors() == []


def open_action(page: Page, action: str) -> None:
    card = page.locator(f"#act-{action}")
    if card.get_attribute("open") is None:
        card.locator("summary").click()
