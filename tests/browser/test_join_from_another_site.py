"""A link to a seat on another site asks before a browser that plays here opens it (login
CSRF); the same link typed into the address bar opens at once. `localhost` and `127.0.0.1`
are two sites to the browser: a page of one links to a join link of the other."""

from __future__ import annotations

from typing import TYPE_CHECKING

from playwright.sync_api import Page, expect

from tests.browser.test_play import wait_live

if TYPE_CHECKING:
    from tests.browser.conftest import People
    from tests.live_server import Server

ADD_LINK = """url => {
  const link = document.createElement("a");
  link.href = url;
  link.id = "planted";
  link.textContent = "Join";
  document.querySelector("main").append(link);
}"""


def follow_from_another_site(page: Page, server: Server, url: str) -> None:
    page.goto(server.url.replace("127.0.0.1", "localhost") + "/")
    page.evaluate(ADD_LINK, url)
    page.click("#planted")


def test_a_link_from_another_site_asks_before_it_opens_a_second_seat(
    server: Server, people: People
) -> None:
    # given a browser that plays Anthropic in one exercise
    mine = server.create_exercise("--name", "Mine", "--players", "anthropic")
    theirs = server.create_exercise("--name", "Theirs", "--players", "openai")
    person = people.new("anthropic")
    page = person.page
    page.goto(mine.join_url("anthropic"))
    expect(page.locator("h1")).to_have_text("Mine")

    # when another site's page links it to a seat of another exercise
    follow_from_another_site(page, server, theirs.join_url("openai"))

    # then it is asked, and opens the seat only when the person confirms
    expect(page.locator("h1")).to_have_text("Open OpenAI (CEO) in “Theirs”?")
    person.screenshot("join-from-another-site")
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_have_text("Theirs")


def test_a_typed_link_opens_a_second_seat_at_once(server: Server, people: People) -> None:
    mine = server.create_exercise("--name", "Mine", "--players", "anthropic")
    theirs = server.create_exercise("--name", "Theirs", "--players", "openai")
    page = people.new("anthropic").page
    page.goto(mine.join_url("anthropic"))
    wait_live(page)
    # The first page closed before the second link is typed: a request it still had in flight
    # would race the new link's cookie, and the test reads every console error.
    page.goto("about:blank")

    page.goto(theirs.join_url("openai"))

    expect(page.locator("h1")).to_have_text("Theirs")
