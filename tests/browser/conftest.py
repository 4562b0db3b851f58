"""Fixtures for the browser tests: a live server, Chromium, and pages that fail on console errors.

The server is the real thing in the embedded mode: `uvicorn wargame.asgi:application` in a
subprocess, on a SQLite file of its own (`WARGAME_SQLITE_PATH`), so its deadline sweeper,
eager adjudication and WebSocket stream all run as a facilitator would run them. Exercises are
made with `manage.py create_exercise`, as an operator would. Playwright drives Debian's
Chromium (`/usr/bin/chromium`; `.ci/run` installs it); without it the tests skip.

These tests run in the SQLite pass of `dev.py test` only: the server keeps its own database
whatever the test database is, so a second pass would test nothing new.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    ViewportSize,
    sync_playwright,
)
from playwright.sync_api import Error as PlaywrightError

from tests.live_server import Server, running_server

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("WARGAME_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = ROOT / "screenshots"
LAPTOP: ViewportSize = {"width": 1280, "height": 860}
PHONE: ViewportSize = {"width": 390, "height": 844}


def skip_reason() -> str | None:
    if not CHROMIUM.exists():
        return f"no Chromium at {CHROMIUM}: install Debian's chromium package (.ci/run does)"
    if os.environ.get("DATABASE_URL", "").strip():
        return "the browser tests run in the SQLite pass only (the server has its own database)"
    return None


@pytest.fixture(scope="session")
def can_run() -> None:
    reason = skip_reason()
    if reason:
        pytest.skip(reason)


@pytest.fixture(scope="session")
def server(can_run: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    # The pages poll nothing, but three players click fast: no 429s in a test.
    rate = {"WARGAME_API_RATE": "1000", "WARGAME_API_BURST": "1000"}
    with running_server(tmp_path_factory.mktemp("browser-server"), **rate) as live:
        yield live


# Per module, not per session: Playwright's synchronous API holds an event loop of its own
# while it runs, and the tests after these ones run event loops of theirs (asyncio.run).
@pytest.fixture(scope="module")
def browser(can_run: None) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield chromium
        chromium.close()


@dataclass
class Person:
    """One browser context (one person's browser), with the console errors of its pages."""

    name: str
    context: BrowserContext
    page: Page
    errors: list[str] = field(default_factory=list)
    tolerated: list[re.Pattern[str]] = field(default_factory=list)

    def listen(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        if any(pattern.search(message.text) for pattern in self.tolerated):
            return
        self.errors.append(f"{self.name}: {message.text}")

    def screenshot(self, name: str) -> None:
        SCREENSHOTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


# Every field named, every id once, every chart described: what a screen reader needs first.
UNNAMED = """() => {
  const problems = [];
  const ids = new Map();
  for (const el of document.querySelectorAll("[id]")) ids.set(el.id, (ids.get(el.id) || 0) + 1);
  for (const [id, n] of ids) if (n > 1) problems.push(`id ${id} is used ${n} times`);
  for (const el of document.querySelectorAll("input:not([type=hidden]), select, textarea")) {
    const named = (el.labels && el.labels.length) || el.getAttribute("aria-label")
      || el.getAttribute("aria-labelledby");
    if (!named) problems.push(`${el.tagName.toLowerCase()}#${el.id || el.name} has no label`);
  }
  for (const el of document.querySelectorAll("svg[role=img]")) {
    if (!el.getAttribute("aria-label")) problems.push("a chart has no description");
  }
  if (!document.querySelector("main h1")) problems.push("no h1 in main");
  return problems;
}"""


class People:
    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self.people: list[Person] = []

    def new(self, name: str, *, phone: bool = False) -> Person:
        """A new browser context: a laptop's window, or a phone's."""
        viewport = PHONE if phone else LAPTOP
        context = self.browser.new_context(viewport=viewport, is_mobile=phone, has_touch=phone)
        context.set_default_timeout(60_000)  # a bound on a hang, not a speed test
        page = context.new_page()
        person = Person(name, context, page)
        page.on("console", person.listen)
        page.on("pageerror", lambda error: person.errors.append(f"{name}: {error}"))
        self.people.append(person)
        return person

    @staticmethod
    def accessibility_problems(page: Page) -> list[str]:
        """Duplicate ids, fields without a label, charts without a description, no h1."""
        problems: list[str] = page.evaluate(UNNAMED)
        return problems

    def errors(self) -> list[str]:
        return [error for person in self.people for error in person.errors]

    def close(self) -> None:
        for person in self.people:
            with contextlib.suppress(PlaywrightError):
                person.context.close()


@pytest.fixture
def people(browser: Browser) -> Iterator[People]:
    cast = People(browser)
    try:
        yield cast
        assert cast.errors() == [], "the pages logged errors to the console"
    finally:
        cast.close()
