"""The clients of a scenario, and what they were told: every acknowledged move, every status,
every event each socket received.

HTTP goes through `urllib` from threads; a careful client retries a request that got no
answer or a 5xx (on the next web process, with the same idempotency key), so that a fault
shows as a 5xx counted, never as a move silently given up. Sockets are `websockets` clients on
one asyncio loop of their own thread; a socket that loses its connection reconnects to the
next web process and resumes from the last `seq` it received, as docs/websocket.md says.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import websockets


@dataclass
class Ack:
    exercise: str
    role: str
    key: str
    move: str


@dataclass
class Answer:
    status: int  # 0: no answer (the connection failed)
    body: Any
    seconds: float


@dataclass
class Ledger:
    """Everything the clients were told, shared by all threads of a scenario."""

    acks: list[Ack] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, method: str, path: str, status: int) -> None:
        with self.lock:
            self.statuses[status] += 1
            if status >= 500:
                self.server_errors.append(f"{status} {method} {path}")

    def ack(self, ack: Ack) -> None:
        with self.lock:
            self.acks.append(ack)


class Http:
    """Requests to whichever web process answers, round robin."""

    def __init__(
        self,
        urls: Callable[[], list[str]],
        ledger: Ledger,
        timeout: float = 60.0,
        patience: float = 120.0,
    ):
        self.urls = urls
        self.ledger = ledger
        self.timeout = timeout
        self.patience = patience
        self._turn = itertools.count()

    def once(self, method: str, path: str, token: str, body: Any = None) -> Answer:
        urls = self.urls()
        base = urls[next(self._turn) % len(urls)]
        request = urllib.request.Request(
            base + path,
            method=method,
            data=None if body is None else json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        started = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                status, raw = response.status, response.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        except (OSError, TimeoutError):
            return Answer(0, None, time.monotonic() - started)
        self.ledger.record(method, path.split("?")[0], status)
        try:
            parsed = json.loads(raw or b"null")
        except ValueError:
            parsed = raw[:200]
        return Answer(status, parsed, time.monotonic() - started)

    def call(self, method: str, path: str, token: str, body: Any = None) -> Answer:
        """The first answer that is not a 5xx or a failed connection; the last one once
        `patience` seconds have passed (a server that hangs must not hang the run)."""
        give_up = time.monotonic() + self.patience
        for attempt in itertools.count():
            answer = self.once(method, path, token, body)
            if 0 < answer.status < 500 or time.monotonic() > give_up:
                return answer
            time.sleep(min(0.1 * 2**attempt, 2.0))
        raise AssertionError("unreachable")


@dataclass
class Socket:
    """One seat's stream, across reconnections: every event received, in order."""

    exercise: str
    seat: str
    token: str
    seqs: list[int] = field(default_factory=list)
    connections: int = 0
    errors: list[str] = field(default_factory=list)
    drop: asyncio.Event | None = None

    @property
    def last(self) -> int:
        return self.seqs[-1] if self.seqs else 0


class Streams:
    """Sockets on an event loop of their own thread; `stop()` ends them."""

    def __init__(self, urls: Callable[[], list[str]]):
        self.urls = urls
        self.sockets: list[Socket] = []
        self.loop = asyncio.new_event_loop()
        self._stopping = False
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        self._tasks: list[Any] = []

    def follow(self, exercise: str, seat: str, token: str, index: int = 0) -> Socket:
        sock = Socket(exercise, seat, token)
        self.sockets.append(sock)
        self._tasks.append(asyncio.run_coroutine_threadsafe(self._run(sock, index), self.loop))
        return sock

    def drop_all(self) -> None:
        """Every socket's connection cut at once, from the client's side: a reconnect storm."""

        def cut() -> None:
            for sock in self.sockets:
                if sock.drop is not None:
                    sock.drop.set()

        self.loop.call_soon_threadsafe(cut)

    async def _run(self, sock: Socket, index: int) -> None:
        for attempt in itertools.count(index):
            if self._stopping:
                return
            urls = self.urls()
            base = urls[attempt % len(urls)].replace("http://", "ws://")
            try:
                await self._connection(sock, f"{base}/ws/exercises/{sock.exercise}/")
            except (OSError, websockets.exceptions.WebSocketException, TimeoutError) as error:
                sock.errors.append(type(error).__name__)
                await asyncio.sleep(0.2)

    async def _connection(self, sock: Socket, url: str) -> None:
        headers = {"Authorization": f"Bearer {sock.token}"}
        async with websockets.connect(url, additional_headers=headers, open_timeout=30) as ws:
            sock.connections += 1
            sock.drop = asyncio.Event()
            await ws.send(json.dumps({"type": "resume", "since": sock.last}))
            dropped = asyncio.ensure_future(sock.drop.wait())
            try:
                while not self._stopping:
                    receive = asyncio.ensure_future(ws.recv())
                    done, _ = await asyncio.wait(
                        {receive, dropped}, timeout=1.0, return_when=asyncio.FIRST_COMPLETED
                    )
                    if dropped in done:
                        receive.cancel()
                        return
                    if receive not in done:
                        receive.cancel()
                        continue
                    frame = json.loads(receive.result())
                    if "seq" in frame:
                        sock.seqs.append(frame["seq"])
                    else:
                        sock.errors.append(json.dumps(frame)[:200])
            finally:
                dropped.cancel()

    def stop(self) -> None:
        self._stopping = True
        for task in self._tasks:
            try:
                task.result(timeout=30)
            except Exception as error:  # the report says which socket failed and how
                self.sockets[0].errors.append(f"task: {error!r}")
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)
