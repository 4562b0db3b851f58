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
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path(os.environ.get("WARGAME_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = ROOT / "screenshots"
LAPTOP: ViewportSize = {"width": 1280, "height": 860}
PHONE: ViewportSize = {"width": 390, "height": 844}
# Variables of the test process the server must not inherit: it runs in the embedded mode.
NOT_INHERITED = ("DATABASE_URL", "REDIS_URL", "WARGAME_SQLITE_PATH", "DJANGO_SETTINGS_MODULE")


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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Server:
    url: str
    env: dict[str, str]
    log: Path

    def manage(self, *args: str, extra_env: dict[str, str] | None = None) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={**self.env, **(extra_env or {})},
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    def create_exercise(self, *args: str) -> Exercise:
        out = self.manage("create_exercise", "ai-pause", "--base-url", self.url, "--json", *args)
        created = json.loads(out)
        seats = {name: seat["token"] for name, seat in created["seats"].items()}
        return Exercise(self, created["id"], seats)

    def api(self, method: str, path: str, token: str, body: Any = None) -> Any:
        request = urllib.request.Request(
            self.url + path,
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read() or b"null")


@dataclass
class Exercise:
    server: Server
    id: str
    tokens: dict[str, str]

    def join_url(self, seat: str) -> str:
        return f"{self.server.url}/join/{self.tokens[seat]}"

    def api(self, seat: str, method: str, path: str, body: Any = None) -> Any:
        return self.server.api(
            method, f"/api/v1/exercises/{self.id}{path}", self.tokens[seat], body
        )

    def control(self, command: str, **fields: Any) -> Any:
        return self.api("facilitator", "POST", "/control", {"command": command, **fields})


@pytest.fixture(scope="session")
def server(can_run: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("browser-server")
    env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    env.update(
        WARGAME_SQLITE_PATH=str(folder / "db.sqlite3"),
        DJANGO_SETTINGS_MODULE="wargame.settings",
        # The pages poll nothing, but three players click fast: no 429s in a test.
        WARGAME_API_RATE="1000",
        WARGAME_API_BURST="1000",
    )
    port = free_port()
    live = Server(f"http://127.0.0.1:{port}", env, folder / "server.log")
    live.manage("migrate", "--noinput", "-v", "0")
    command = [sys.executable, "-m", "uvicorn", "wargame.asgi:application", "--lifespan", "on"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    with live.log.open("wb") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for_server(live, process)
        yield live
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def wait_for_server(live: Server, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited:\n{live.log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(live.url + "/", timeout=2):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    pytest.fail("the server did not answer within 60 s")


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
        context.set_default_timeout(15_000)
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
