"""The whole path a browser takes after an event: the push, then what its page fetches.

    python benchmarks/page_refresh.py [--clients 1000] [--rounds 3] [--turns 6] [--mode both]

`ws_broadcast.py` times the push alone. Here 1,000 pages of one started `ai-pause` exercise
(observers and the 8 roles, in turn) each join through their seat's `/join/<token>` link as a
browser does (a session cookie), follow the WebSocket stream with that cookie and an Origin,
and after each event do what the pages' script does, on a keep-alive connection of their own:

- `pull`, the pages before issue 9: every event but a message sets a 120 ms timer, and when it
  fires the page fetches its whole `page.json` (the seat's view and every turn's values);
- `apply`, the pages now: an event that carries what the page shows is applied as it comes,
  with no request; a turn opened or adjudicated (and the few events that need more) sets a
  50 ms timer, then the page fetches its seat's small `now.json` (no history).

Each mode runs on its own uvicorn subprocess in the embedded mode (a copy of one SQLite file,
debug off), the exercise first played `--turns` turns so that the history is not empty. Then,
`--rounds` times, one command at a time through the API, each measured: a role submits a
move, the facilitator closes the turn (it is adjudicated), then opens the next. A page holds
its refreshed view once the event has arrived (`apply`, no fetch) or once a fetch that began
after the event has answered; the figures are the time from the command leaving this process
to that moment, for every page (p50, p99, max), and the server process's CPU time from the
command until the last page held its view (from /proc), which is the cost of one event.

Not a test: the figures depend on the machine and what else runs on it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.servers import free_port  # noqa: E402
from benchmarks.submit_moves import process_cpu_seconds  # noqa: E402
from benchmarks.ws_broadcast import (  # noqa: E402
    Client,
    Exercise,
    Http,
    environment,
    more_open_files,
    open_clients,
    percentile,
    prepare,
    server,
    uvicorn,
)

PAGE_SEATS = ("observer", "anthropic", "openai", "gdm", "meta", "ukaisi", "congress", "china", "un")
MOVER = ("ukaisi", "run_independent_evals", {"lab": "openai"})  # a role, its move

# What each mode's page does after an event, as static/js/live.js does it.
PULL_DELAY, APPLY_DELAY = 0.120, 0.050
# The events after which the applying page fetches its now.json: those with no reducer in
# live.js, those whose reducer says FETCH, and, on an observer's page, a turn adjudicated
# whose public values hold a variable the page has not seen yet.
APPLY_FETCHES = {
    "turn.opened",
    "exercise.finished",
    "move.withdrawn",
    "seat.replaced",
    "commitment.met",
    "commitment.joined",
}


def apply_fetches(page: Page, event: dict[str, Any]) -> bool:
    kind, data = event["type"], event["data"]
    if kind == "inject":
        return bool(data.get("inject"))  # a scripted inject may change values
    if kind == "turn.adjudicated":
        known: bool = set(data["state"]).issubset(page.variables)
        return page.seat != "observer" or not known
    return kind in APPLY_FETCHES


def pull_fetches(page: Page, event: dict[str, Any]) -> bool:
    return bool(event["type"] != "message.posted")


# -- a page


class Browser:
    """One keep-alive HTTP/1.1 connection carrying a session cookie."""

    def __init__(self, port: int, cookie: str = "") -> None:
        self.port, self.cookie = port, cookie
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        self.lock = asyncio.Lock()

    async def get(self, path: str) -> tuple[int, bytes, dict[str, str]]:
        async with self.lock:
            if self.streams is None:
                self.streams = await asyncio.open_connection("127.0.0.1", self.port)
            reader, writer = self.streams
            head = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\nAccept: */*\r\n"
            if self.cookie:
                head += f"Cookie: {self.cookie}\r\n"
            writer.write((head + "\r\n").encode())
            return await read_with_cookies(reader)

    async def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()


async def read_with_cookies(reader: asyncio.StreamReader) -> tuple[int, bytes, dict[str, str]]:
    """A response, with the cookies it sets (what `read_response` drops)."""
    status = int((await reader.readline()).split()[1])
    length, cookies = 0, {}
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
        elif name.strip().lower() == "set-cookie":
            key, _, rest = value.strip().partition("=")
            cookies[key] = rest.split(";")[0]
    return status, await reader.readexactly(length), cookies


@dataclass
class Page:
    """A page of one seat: what it has heard, when it fetched, when its view caught up."""

    seat: str
    browser: Browser
    fetch_path: str
    fetches: Callable[[Page, dict[str, Any]], bool]
    delay: float
    variables: set[str] = field(default_factory=set)  # the names the page knows
    last_seq: int = 0
    timer: asyncio.TimerHandle | None = None
    # seq of a marked event -> when it arrived; and when the view held it
    heard: dict[int, float] = field(default_factory=dict)
    held: dict[int, float] = field(default_factory=dict)
    marks: dict[str, asyncio.Event] = field(default_factory=dict)
    fetched: int = 0
    fetched_bytes: int = 0
    tasks: set[asyncio.Task[None]] = field(default_factory=set)

    def mark(self, seq: int) -> asyncio.Event:
        return self.marks.setdefault(str(seq), asyncio.Event())

    def on_text(self, text: bytes, at: float) -> None:
        payload = json.loads(text)
        for event in payload if isinstance(payload, list) else [payload]:
            if not isinstance(event.get("seq"), int) or event["seq"] <= self.last_seq:
                continue
            self.last_seq = event["seq"]
            self.heard[event["seq"]] = at
            if self.fetches(self, event):
                if self.timer is not None:
                    self.timer.cancel()
                self.timer = asyncio.get_running_loop().call_later(self.delay, self.fetch)
            else:
                self.hold(event["seq"], at)

    def hold(self, seq: int, at: float) -> None:
        self.held.setdefault(seq, at)
        self.mark(seq).set()

    def fetch(self) -> None:
        self.timer = None
        task = asyncio.get_running_loop().create_task(self.fetch_now())
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def fetch_now(self) -> None:
        upto = self.last_seq
        status, body, _ = await self.browser.get(self.fetch_path)
        at = time.perf_counter()
        if status != 200:
            raise RuntimeError(f"{self.fetch_path}: {status} {body[:200]!r}")
        self.fetched += 1
        self.fetched_bytes += len(body)
        self.variables |= set(json.loads(body)["variables"])
        for seq in [s for s in self.heard if s <= upto and s not in self.held]:
            self.hold(seq, at)


# -- a run


@dataclass
class Measured:
    name: str
    latencies_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    fetches: int = 0
    fetched_bytes: int = 0

    def line(self) -> str:
        ms = self.latencies_ms
        return (
            f"  {self.name:<26} view held p50 {percentile(ms, 50):7.0f} ms, "
            f"p99 {percentile(ms, 99):7.0f} ms, max {max(ms):7.0f} ms; server CPU "
            f"{sum(self.cpu_ms) / len(self.cpu_ms):7.0f} ms per event; "
            f"{self.fetches / len(self.cpu_ms):6.0f} fetches, "
            f"{self.fetched_bytes / max(1, self.fetches) / 1024:5.1f} KiB each"
        )


async def join_pages(port: int, exercise: Exercise, mode: str, count: int) -> list[Page]:
    """Each page's browser opens its seat's join link, as a person does, and keeps the cookie."""
    pages = []
    for n in range(count):
        seat = PAGE_SEATS[n % len(PAGE_SEATS)]
        browser = Browser(port)
        status, _, cookies = await browser.get(f"/join/{exercise.tokens[seat]}")
        if status != 302 or "sessionid" not in cookies:
            raise RuntimeError(f"joining as {seat}: {status}")
        browser.cookie = f"sessionid={cookies['sessionid']}"
        base = f"/exercises/{exercise.public_id}"
        if mode == "pull":
            page = Page(seat, browser, f"{base}/page.json", pull_fetches, PULL_DELAY)
        else:
            page = Page(seat, browser, f"{base}/now.json", apply_fetches, APPLY_DELAY)
        # What the page was rendered with: here, only the variables it knows matter.
        status, body, _ = await browser.get(f"{base}/page.json")
        page.variables = set(json.loads(body)["variables"])
        pages.append(page)
    return pages


async def follow(port: int, exercise: Exercise, pages: list[Page], since: int) -> list[Client]:
    url = f"ws://127.0.0.1:{port}/ws/exercises/{exercise.public_id}/"
    origin = f"http://127.0.0.1:{port}"
    headers = [{"Cookie": p.browser.cookie, "Origin": origin} for p in pages]
    sockets = await open_clients([(url, h) for h in headers])
    for page, ws in zip(pages, sockets, strict=True):
        page.last_seq = since
        ws.on_text = page.on_text
    resume = json.dumps({"type": "resume", "since": since})
    await asyncio.gather(*(ws.send(resume) for ws in sockets))
    return sockets


async def command(
    http: Http, pages: list[Page], pid: int, measured: Measured, call: tuple[str, str, str, Any]
) -> None:
    """One command; the time until every page holds the view after the command's last event
    that every seat sees (a move, a turn adjudicated, a turn opened), and the server's CPU
    until every page is quiet again (no timer set, no fetch in flight)."""
    method, path, token, body = call
    api = path.rsplit("/", 1)[0]
    since = (await http.request("GET", api, token))["last_seq"]
    before_fetches = sum(p.fetched for p in pages)
    before_bytes = sum(p.fetched_bytes for p in pages)
    cpu = process_cpu_seconds(pid)
    sent = time.perf_counter()
    await http.request(method, path, token, body)
    mark = await last_public(http, api, since, MARKS[path.rsplit("/", 1)[1], body.get("command")])
    await asyncio.wait_for(asyncio.gather(*(p.mark(mark).wait() for p in pages)), 600)
    measured.latencies_ms += [(p.held[mark] - sent) * 1000 for p in pages]
    while any(p.timer is not None or p.tasks for p in pages):
        await asyncio.sleep(0.01)
    cpu_after = process_cpu_seconds(pid)
    if cpu is not None and cpu_after is not None:
        measured.cpu_ms.append((cpu_after - cpu) * 1000)
    measured.fetches += sum(p.fetched for p in pages) - before_fetches
    measured.fetched_bytes += sum(p.fetched_bytes for p in pages) - before_bytes


OBSERVER_TOKEN: dict[str, str] = {}  # the API path of the exercise -> its observer's token
MARKS = {
    ("moves", None): "move.submitted",
    ("control", "close_turn"): "turn.adjudicated",
    ("control", "open_next_turn"): "turn.opened",
}


async def last_public(http: Http, api: str, since: int, awaited: str) -> int:
    """The seq of the command's last event every seat sees, once `awaited` is in the log
    (adjudication may end after the command's answer)."""
    while True:
        events = await http.request("GET", f"{api}/events?since={since}", OBSERVER_TOKEN[api])
        if any(e["type"] == awaited for e in events["events"]):
            return int(events["events"][-1]["seq"])
        await asyncio.sleep(0.01)


async def run_mode(port: int, pid: int, exercise: Exercise, options: argparse.Namespace) -> None:
    http = Http(port)
    api = f"/api/v1/exercises/{exercise.public_id}"
    facilitator = exercise.tokens["facilitator"]
    OBSERVER_TOKEN[api] = exercise.tokens["observer"]
    began = time.perf_counter()
    pages = await join_pages(port, exercise, options.mode_now, options.clients)
    since = (await http.request("GET", api, facilitator))["last_seq"]
    sockets = await follow(port, exercise, pages, since)
    print(f"{options.mode_now}: {len(pages)} pages joined and live in ", end="")
    print(f"{time.perf_counter() - began:.0f} s", flush=True)
    role, action, params = MOVER
    calls = {
        "a move submitted": ("POST", f"{api}/moves", exercise.tokens[role], None),
        "a turn closed, adjudicated": ("POST", f"{api}/control", facilitator, "close_turn"),
        "the next turn opened": ("POST", f"{api}/control", facilitator, "open_next_turn"),
    }
    figures = {name: Measured(name) for name in calls}
    try:
        for n in range(options.rounds):
            for name, (method, path, token, what) in calls.items():
                if what is None:
                    body: Any = {"action": action, "params": params, "idempotency_key": f"r{n}"}
                else:
                    body = {"command": what}
                await command(http, pages, pid, figures[name], (method, path, token, body))
                print(f"  round {n + 1}: {name}", flush=True)
    finally:
        await asyncio.gather(*(ws.close() for ws in sockets))
        await asyncio.gather(*(p.browser.close() for p in pages))
        await http.close()
    print(f"{options.mode_now}: {len(pages)} pages, {options.rounds} rounds", flush=True)
    for measured in figures.values():
        print(measured.line(), flush=True)


def played(env: dict[str, str], turns: int) -> Exercise:
    """One started exercise, played `turns` turns (one move a turn), in this process."""
    [exercise] = prepare(env, 1)
    from exercises.services import moves, seats
    from exercises.services import turns as turn_service

    facilitator = seats.authenticate(exercise.public_id, exercise.tokens["facilitator"])
    mover = seats.authenticate(exercise.public_id, exercise.tokens[MOVER[0]])
    for n in range(turns):
        moves.submit_move(mover, MOVER[1], MOVER[2], "", f"before-{n}")
        turn_service.close_turn(facilitator)
        turn_service.open_next_turn(facilitator)
    from django.db import connection

    connection.close()  # the file is whole (WAL checkpointed) before it is copied
    return exercise


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--turns", type=int, default=6, help="turns played before measuring")
    parser.add_argument("--mode", choices=("pull", "apply", "both"), default="both")
    options = parser.parse_args()
    more_open_files()
    with tempfile.TemporaryDirectory(prefix="wargame-pages-") as tmp:
        env = environment(Path(tmp))
        exercise = played(env, options.turns)
        played_file = Path(tmp) / "bench.sqlite3"
        for mode in ("pull", "apply") if options.mode == "both" else (options.mode,):
            options.mode_now = mode
            copy = Path(tmp) / f"{mode}.sqlite3"
            for suffix in ("", "-wal", "-shm"):
                if Path(f"{played_file}{suffix}").exists():
                    shutil.copy(f"{played_file}{suffix}", f"{copy}{suffix}")
            run_env = {**env, "WARGAME_SQLITE_PATH": str(copy)}
            port = free_port()
            # Browsers reconnect when an idle connection is closed; these clients keep theirs.
            app = "wargame.asgi:application"
            command_line = uvicorn(app, port, "--lifespan", "on", "--timeout-keep-alive", "3600")
            with server(command_line, run_env, port) as process:
                asyncio.run(run_mode(port, process.pid, exercise, options))
    return 0


if __name__ == "__main__":
    sys.exit(main())
