"""A 300-byte broadcast to 1,000 WebSocket clients: raw `websockets`, stock Channels, this server.

    python benchmarks/ws_broadcast.py [--clients 1000] [--rounds 40] [--burst 20]
    python benchmarks/ws_broadcast.py --redis redis://127.0.0.1:6379/14 [--exercises 100]

The first form measures three servers in one run, each a subprocess on a free port, with the
same 1,000 clients (the `websockets` library, in this process):

- raw: a `websockets` server that `broadcast()`s a 300-byte text frame to every connection;
- stock Channels: uvicorn, an `AsyncJsonWebsocketConsumer` per socket joining one group, the
  in-memory layer, `group_send` (Django set up with this project's settings);
- this server: uvicorn, `wargame.asgi` in the embedded mode (fresh SQLite file, debug off),
  the clients spread over every seat of one started `ai-pause` exercise, each resumed; the
  command is the facilitator's `POST .../control` `inject` (a frame of about 300 bytes).

Each server gets `--rounds` single commands, one at a time: the latency of a delivery is from
the moment the command leaves this process to the moment a client has the frame, and the
"last client" latency is that of the slowest client of a command. Then `--burst` commands
back to back: deliveries a second are every delivery of the burst over the time from its
first command to its last delivery. Targets (issue 4): this server's p99 within 10 times the
raw p99, and at least 3 times stock Channels' deliveries a second.

The second form is the production shape: two uvicorn processes of this server on Redis
(channels_redis pub/sub), `--exercises` started exercises with 10 clients each (every seat),
half on each process; injects and private messages go to every exercise through either
process's API. Every client must receive every event its seat may see, in order, with no gap
and no duplicate: the figures compare each client's frames with what `GET .../events?since=0`
shows its seat afterwards.

Not a test: the figures depend on the machine and what else runs on it.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import re
import resource
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.servers import (  # noqa: E402
    free_port,
    read_response,
    server_environment,
    started_exercises,
)

PAYLOAD_BYTES = 300
LATENCY_TARGET = 10.0  # this server's p99 within this many times the raw p99
RATE_TARGET = 3.0  # this server's deliveries a second, at least this many times stock Channels'
SEATS = (
    "facilitator",
    "observer",
    "anthropic",
    "openai",
    "gdm",
    "meta",
    "ukaisi",
    "congress",
    "china",
    "un",
)

Command = Callable[[str], Awaitable[None]]


# -- the clients


@dataclass
class Arrivals:
    """When each client got each keyed frame."""

    expected: int
    times: dict[str, list[float]] = field(default_factory=dict)
    complete: dict[str, asyncio.Event] = field(default_factory=dict)

    def expect(self, key: str) -> asyncio.Event:
        self.times.setdefault(key, [])
        return self.complete.setdefault(key, asyncio.Event())

    def record(self, key: str, at: float) -> None:
        times = self.times.setdefault(key, [])
        times.append(at)
        if len(times) >= self.expected:
            self.expect(key).set()


KEY = re.compile(rb'"(?:id|title)":"([^"]+)"')


def key_of(frame: bytes) -> str | None:
    """The broadcast's key: `id` (raw, stock) or an inject's title (this server)."""
    found = KEY.search(frame)
    return found.group(1).decode() if found else None


class Client(asyncio.Protocol):
    """A minimal WebSocket client: text frames in and out, nothing more.

    The `websockets` library's client costs tens of microseconds a frame, so 1,000 of them in
    one process measured the clients, not the servers; this one parses a frame in a few.
    """

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        parts = urlsplit(url)
        self.host, self.port, self.path = parts.hostname or "", parts.port or 80, parts.path
        self.headers = headers
        self.opened: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.on_text: Callable[[bytes, float], None] = lambda text, at: None
        self.transport: asyncio.Transport | None = None
        self.buffer = b""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        key = base64.b64encode(secrets.token_bytes(16)).decode()
        lines = [f"GET {self.path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        lines += ["Upgrade: websocket", "Connection: Upgrade", f"Sec-WebSocket-Key: {key}"]
        lines += ["Sec-WebSocket-Version: 13", *(f"{k}: {v}" for k, v in self.headers.items())]
        transport.write(("\r\n".join(lines) + "\r\n\r\n").encode())

    def data_received(self, data: bytes) -> None:
        at = time.perf_counter()
        self.buffer += data
        if not self.opened.done():
            head, found, rest = self.buffer.partition(b"\r\n\r\n")
            if not found:
                return
            if not head.startswith(b"HTTP/1.1 101"):
                self.opened.set_exception(ConnectionError(head.decode("latin-1")))
                return
            self.opened.set_result(None)
            self.buffer = rest
        self.frames(at)

    def frames(self, at: float) -> None:
        buffer, start = self.buffer, 0
        while len(buffer) - start >= 2:
            opcode, length = buffer[start] & 0x0F, buffer[start + 1] & 0x7F
            head = 2
            if length == 126:
                length, head = int.from_bytes(buffer[start + 2 : start + 4], "big"), 4
            elif length == 127:
                length, head = int.from_bytes(buffer[start + 2 : start + 10], "big"), 10
            if len(buffer) - start < head + length:
                break
            payload = buffer[start + head : start + head + length]
            start += head + length
            if opcode == 1:
                self.on_text(payload, at)
            elif opcode == 9:
                self.write(0xA, payload)  # pong
        self.buffer = buffer[start:]

    def write(self, opcode: int, payload: bytes) -> None:
        mask = secrets.token_bytes(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        size = len(payload)
        length = bytes([0x80 | size]) if size < 126 else bytes([0x80 | 126]) + size.to_bytes(2)
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(bytes([0x80 | opcode]) + length + mask + masked)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.opened.done():
            self.opened.set_exception(exc or ConnectionError("closed"))

    async def send(self, text: str) -> None:
        self.write(1, text.encode())

    async def close(self) -> None:
        self.write(8, (1000).to_bytes(2))
        if self.transport is not None:
            self.transport.close()


def listen(ws: Client, arrivals: Arrivals) -> None:
    def heard(frame: bytes, at: float) -> None:
        key = key_of(frame)
        if key is not None:
            arrivals.record(key, at)

    ws.on_text = heard


async def open_clients(
    urls_and_headers: list[tuple[str, dict[str, str]]], at_once: int = 50
) -> list[Client]:
    loop = asyncio.get_running_loop()

    async def one(url: str, headers: dict[str, str]) -> Client:
        client = Client(url, headers)
        await loop.create_connection(lambda: client, client.host, client.port)
        await asyncio.wait_for(client.opened, 60)
        return client

    clients: list[Client] = []
    for start in range(0, len(urls_and_headers), at_once):
        batch = urls_and_headers[start : start + at_once]
        clients += await asyncio.gather(*(one(url, headers) for url, headers in batch))
    return clients


@dataclass
class Figures:
    name: str
    delivery_ms: list[float]
    last_client_ms: list[float]
    per_second: float

    def p99(self) -> float:
        return percentile(self.delivery_ms, 99)

    def line(self) -> str:
        return (
            f"{self.name:<16} delivery p50 {percentile(self.delivery_ms, 50):7.1f} ms, "
            f"p99 {self.p99():7.1f} ms; last client p50 "
            f"{percentile(self.last_client_ms, 50):7.1f} ms, p99 "
            f"{percentile(self.last_client_ms, 99):7.1f} ms; {self.per_second:9,.0f} deliveries/s"
        )


async def measure(
    name: str, command: Command, arrivals: Arrivals, rounds: int, burst: int
) -> Figures:
    delivery: list[float] = []
    last: list[float] = []
    for n in range(rounds):
        key = f"{name}-round-{n}"
        done = arrivals.expect(key)
        sent = time.perf_counter()
        await command(key)
        await asyncio.wait_for(done.wait(), 60)
        times = arrivals.times[key][: arrivals.expected]
        delivery += [(t - sent) * 1000 for t in times]
        last.append((max(times) - sent) * 1000)
        await asyncio.sleep(0.02)
    keys = [f"{name}-burst-{n}" for n in range(burst)]
    dones = [arrivals.expect(key) for key in keys]
    sent = time.perf_counter()
    for key in keys:
        await command(key)
    await asyncio.wait_for(asyncio.gather(*(done.wait() for done in dones)), 120)
    finished = max(max(arrivals.times[key][: arrivals.expected]) for key in keys)
    return Figures(name, delivery, last, arrivals.expected * burst / (finished - sent))


async def broadcast_run(
    name: str,
    clients: list[tuple[str, dict[str, str]]],
    command: Callable[[], Awaitable[tuple[Command, Callable[[], Awaitable[None]]]]],
    options: argparse.Namespace,
    resume: bool = False,
) -> Figures:
    arrivals = Arrivals(expected=len(clients))
    sockets = await open_clients(clients)
    for ws in sockets:
        listen(ws, arrivals)
    if resume:  # this server streams once told where to start
        await resume_all(sockets)
    send, close = await command()
    try:
        # Everyone connected and following: one command all clients receive.
        done = arrivals.expect(f"{name}-warm-up")
        await send(f"{name}-warm-up")
        await asyncio.wait_for(done.wait(), 60)
        return await measure(name, send, arrivals, options.rounds, options.burst)
    finally:
        await close()
        await asyncio.gather(*(ws.close() for ws in sockets))


# -- raw websockets and stock Channels


def payload(key: str) -> str:
    frame = compact({"id": key, "pad": ""})
    return compact({"id": key, "pad": "x" * (PAYLOAD_BYTES - len(frame))})


def compact(message: Any) -> str:
    return json.dumps(message, separators=(",", ":"))


async def serve_raw(port: int) -> None:
    """The raw server: any text frame `go KEY` broadcasts KEY's payload to every connection."""
    from websockets.asyncio.server import ServerConnection, broadcast, serve

    connections: set[ServerConnection] = set()

    async def handler(ws: ServerConnection) -> None:
        connections.add(ws)
        try:
            async for message in ws:
                broadcast(connections, payload(str(message).split()[1]))
        finally:
            connections.discard(ws)

    async with serve(handler, "127.0.0.1", port, ping_interval=None, backlog=2048):
        await asyncio.Future()


def stock_application() -> Any:
    """`uvicorn --factory ws_broadcast:stock_application`: Channels as its docs show it."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wargame.settings")
    import django

    django.setup()
    from channels.generic.websocket import AsyncJsonWebsocketConsumer
    from channels.routing import ProtocolTypeRouter, URLRouter
    from django.urls import path

    class Broadcast(AsyncJsonWebsocketConsumer):
        async def connect(self) -> None:
            await self.channel_layer.group_add("bench", self.channel_name)
            await self.accept()

        async def disconnect(self, code: int) -> None:
            await self.channel_layer.group_discard("bench", self.channel_name)

        async def receive_json(self, content: Any, **kwargs: Any) -> None:
            message = {"type": "bench.message", "text": payload(content["go"])}
            await self.channel_layer.group_send("bench", message)

        async def bench_message(self, event: dict[str, Any]) -> None:
            await self.send(text_data=event["text"])

    consumer: Any = Broadcast.as_asgi()
    return ProtocolTypeRouter({"websocket": URLRouter([path("ws/", consumer)])})


def control_socket(url: str, frame: Callable[[str], str]) -> Callable[[], Awaitable[Any]]:
    """A command that is a frame on a connection of its own (which hears the broadcast too)."""

    async def open_control() -> tuple[Command, Callable[[], Awaitable[None]]]:
        [ws] = await open_clients([(url, {})])

        async def send(key: str) -> None:
            await ws.send(frame(key))

        return send, ws.close

    return open_control


# -- this server


@dataclass
class Exercise:
    public_id: str
    tokens: dict[str, str]


def prepare(env: dict[str, str], count: int) -> list[Exercise]:
    """Migrate the fresh database and start `count` exercises in it (in this process)."""
    return [Exercise(*made) for made in started_exercises(env, count, "Broadcast")]


class Http:
    """One keep-alive HTTP/1.1 connection to the API."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def request(self, method: str, path: str, token: str, body: Any = None) -> Any:
        if self.streams is None:
            self.streams = await asyncio.open_connection("127.0.0.1", self.port)
        reader, writer = self.streams
        data = b"" if body is None else json.dumps(body).encode()
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
            f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(data)}\r\n\r\n"
        )
        writer.write(head.encode() + data)
        status, answer = await read_response(reader)
        if status >= 300:
            raise RuntimeError(f"{method} {path}: {status} {answer[:200]!r}")
        return json.loads(answer) if answer else None

    async def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()


def inject(title: str) -> dict[str, Any]:
    # The text brings the frame to about 300 bytes, as the raw and stock payloads.
    return {"command": "inject", "title": title, "text": "x" * 120}


def stream_clients(port: int, exercise: Exercise, count: int) -> list[tuple[str, dict[str, str]]]:
    url = f"ws://127.0.0.1:{port}/ws/exercises/{exercise.public_id}/"
    tokens = [exercise.tokens[SEATS[n % len(SEATS)]] for n in range(count)]
    return [(url, {"Authorization": f"Bearer {token}"}) for token in tokens]


def our_commands(port: int, exercise: Exercise) -> Callable[[], Awaitable[Any]]:
    async def open_control() -> tuple[Command, Callable[[], Awaitable[None]]]:
        http = Http(port)
        path = f"/api/v1/exercises/{exercise.public_id}/control"

        async def send(key: str) -> None:
            await http.request("POST", path, exercise.tokens["facilitator"], inject(key))

        return send, http.close

    return open_control


async def resume_all(sockets: list[Client]) -> None:
    await asyncio.gather(*(ws.send(json.dumps({"type": "resume", "since": 0})) for ws in sockets))


# -- processes


def environment(tmp: Path, redis_url: str = "", database_url: str = "") -> dict[str, str]:
    return server_environment(
        tmp / "bench.sqlite3",
        WARGAME_API_RATE="1000000",
        WARGAME_API_BURST="1000000",
        REDIS_URL=redis_url,
        DATABASE_URL=database_url,
    )


@contextmanager
def server(command: list[str], env: dict[str, str], port: int) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + 60
        while True:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{command} did not start")
            time.sleep(0.1)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def uvicorn(app: str, port: int, *extra: str) -> list[str]:
    command = [sys.executable, "-m", "uvicorn", app, "--port", str(port), *extra]
    return [*command, "--no-access-log", "--log-level", "warning", "--backlog", "2048"]


def more_open_files() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else 65536
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


# -- the two forms


def compare(options: argparse.Namespace) -> int:
    n = options.clients
    with tempfile.TemporaryDirectory(prefix="wargame-ws-") as tmp:
        env = environment(Path(tmp))
        [exercise] = prepare(env, 1)
        figures: list[Figures] = []
        port = free_port()
        with server([sys.executable, __file__, "--serve-raw", str(port)], env, port):
            url = f"ws://127.0.0.1:{port}/"
            control = control_socket(url, lambda key: f"go {key}")
            clients: list[tuple[str, dict[str, str]]] = [(url, {})] * n
            figures.append(asyncio.run(broadcast_run("raw", clients, control, options)))
        print(figures[-1].line(), flush=True)
        port = free_port()
        stock = uvicorn("ws_broadcast:stock_application", port, "--factory")
        with server([*stock, "--app-dir", str(Path(__file__).parent)], env, port):
            url = f"ws://127.0.0.1:{port}/ws/"
            control = control_socket(url, lambda key: json.dumps({"go": key}))
            clients = [(url, {})] * (n - 1)  # with the control socket, n in the group
            figures.append(asyncio.run(broadcast_run("stock Channels", clients, control, options)))
        print(figures[-1].line(), flush=True)
        port = free_port()
        with server(uvicorn("wargame.asgi:application", port, "--lifespan", "on"), env, port):
            clients = stream_clients(port, exercise, n)
            control = our_commands(port, exercise)
            run = broadcast_run("this server", clients, control, options, resume=True)
            figures.append(asyncio.run(run))
        print(figures[-1].line(), flush=True)
    return report(*figures)


# -- the Redis form


@dataclass
class Follower:
    """One client of the Redis form: its seat and every frame it got, with when."""

    exercise: Exercise
    seat: str
    port: int
    frames: list[dict[str, Any]] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    marks: dict[str, asyncio.Event] = field(default_factory=dict)

    def address(self) -> tuple[str, dict[str, str]]:
        url = f"ws://127.0.0.1:{self.port}/ws/exercises/{self.exercise.public_id}/"
        return url, {"Authorization": f"Bearer {self.exercise.tokens[self.seat]}"}

    def mark(self, title: str) -> asyncio.Event:
        """Set once the inject called `title` has come."""
        return self.marks.setdefault(title, asyncio.Event())

    def heard(self, text: bytes, at: float) -> None:
        self.times.append(at)
        frame = json.loads(text)
        self.frames.append(frame)
        if frame.get("type") == "inject":
            self.mark(frame["data"]["title"]).set()

    def resume(self) -> str:
        since = self.frames[-1]["seq"] if self.frames else 0
        return json.dumps({"type": "resume", "since": since})


def fan_out(options: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="wargame-ws-") as tmp:
        env = environment(Path(tmp), options.redis, options.database_url)
        exercises = prepare(env, options.exercises)
        ports = [free_port(), free_port()]
        app = "wargame.asgi:application"
        first, second = (server(uvicorn(app, port), env, port) for port in ports)
        with first, second:
            return asyncio.run(fan_out_run(ports, exercises, options.rounds))


async def connect(followers: list[Follower]) -> list[Client]:
    """Connect every follower, each resuming from the last seq it got."""
    sockets = await open_clients([follower.address() for follower in followers])
    for follower, ws in zip(followers, sockets, strict=True):
        ws.on_text = follower.heard
    await asyncio.gather(*(ws.send(f.resume()) for f, ws in zip(followers, sockets, strict=True)))
    return sockets


async def everyone_heard(followers: list[Follower], title: str, timeout: float) -> None:
    with suppress(TimeoutError):  # the final check says who missed what
        waits = (follower.mark(title).wait() for follower in followers)
        await asyncio.wait_for(asyncio.gather(*waits), timeout)


async def fan_out_run(ports: list[int], exercises: list[Exercise], rounds: int) -> int:
    followers = [
        Follower(exercise, seat, ports[(e * len(SEATS) + s) % len(ports)])
        for e, exercise in enumerate(exercises)
        for s, seat in enumerate(SEATS)
    ]
    began = time.perf_counter()
    sockets = await connect(followers)
    await run_jobs(ports, commands(exercises, 0, last="ready"))
    await everyone_heard(followers, "ready", 300)
    print(f"{len(followers)} clients connected, resumed from 0 and caught up in ", end="")
    print(f"{time.perf_counter() - began:.1f} s", flush=True)

    sent: dict[tuple[str, str], float] = {}
    started = time.perf_counter()
    await run_jobs(ports, commands(exercises, rounds), sent)
    await run_jobs(ports, commands(exercises, 0, last="end"))
    await everyone_heard(followers, "end", 120)
    elapsed = time.perf_counter() - started
    await asyncio.gather(*(ws.close() for ws in sockets))

    # All of them lose their connection; events happen meanwhile; all come back at once.
    await run_jobs(ports, commands(exercises, 1, label="away"))
    began = time.perf_counter()
    sockets = await connect(followers)
    await run_jobs(ports, commands(exercises, 0, last="back"))
    await everyone_heard(followers, "back", 300)
    print(f"{len(followers)} clients reconnected at once, resumed from their last seq and ", end="")
    print(f"caught up in {time.perf_counter() - began:.1f} s", flush=True)
    await asyncio.gather(*(ws.close() for ws in sockets))
    return await check_followers(ports, followers, sent, elapsed)


Job = tuple[str, str, str, dict[str, Any] | None, tuple[str, str] | None]


def commands(
    exercises: list[Exercise], rounds: int, last: str = "", label: str = "round"
) -> list[Job]:
    """An inject (everyone sees it) and a private message a round, in every exercise.

    Round by round across the exercises, so that requests in flight together are mostly for
    different exercises, as in a real deployment (one exercise's writes queue on its row).
    """
    jobs: list[Job] = []
    for n in range(-1 if last else 0, rounds):
        for exercise in exercises:
            api = f"/api/v1/exercises/{exercise.public_id}"
            facilitator, anthropic = exercise.tokens["facilitator"], exercise.tokens["anthropic"]
            if n < 0:
                jobs.append(("POST", f"{api}/control", facilitator, inject(last), None))
                continue
            key = (exercise.public_id, f"{label} {n}")
            jobs.append(("POST", f"{api}/control", facilitator, inject(key[1]), key))
            message = {"to": ["openai"], "body": f"{label}: a secret {n}"}
            jobs.append(("POST", f"{api}/messages", anthropic, message, None))
    return jobs


async def run_jobs(
    ports: list[int], jobs: list[Job], sent: dict[tuple[str, str], float] | None = None
) -> list[Any]:
    """Run the requests over 16 keep-alive connections spread over the processes."""
    queue: asyncio.Queue[tuple[int, Job]] = asyncio.Queue()
    for index, job in enumerate(jobs):
        queue.put_nowait((index, job))
    answers: list[Any] = [None] * len(jobs)
    took: list[float] = []

    async def worker(port: int) -> None:
        http = Http(port)
        try:
            while not queue.empty():
                index, (method, path, token, body, key) = queue.get_nowait()
                began = time.perf_counter()
                answers[index] = await http.request(method, path, token, body)
                if key is not None and sent is not None:
                    sent[key] = began
                    took.append((time.perf_counter() - began) * 1000)
        finally:
            await http.close()

    await asyncio.gather(*(worker(ports[n % len(ports)]) for n in range(16)))
    if took:
        print(
            f"answer to an inject: p50 {percentile(took, 50):.1f} ms, "
            f"p99 {percentile(took, 99):.1f} ms"
        )
    return answers


async def check_followers(
    ports: list[int], followers: list[Follower], sent: dict[tuple[str, str], float], elapsed: float
) -> int:
    jobs: list[Job] = [
        (
            "GET",
            f"/api/v1/exercises/{f.exercise.public_id}/events?since=0",
            f.exercise.tokens[f.seat],
            None,
            None,
        )
        for f in followers
    ]
    logs = await run_jobs(ports, jobs)
    complete = sum(1 for f, log in zip(followers, logs, strict=True) if f.frames == log["events"])
    delivered = sum(len(f.frames) for f in followers)
    latencies = [
        (at - sent[(f.exercise.public_id, frame["data"]["title"])]) * 1000
        for f in followers
        for frame, at in zip(f.frames, f.times, strict=True)
        if frame.get("type") == "inject" and (f.exercise.public_id, frame["data"]["title"]) in sent
    ]
    print(
        f"{len(followers)} clients of {len(followers) // len(SEATS)} exercises on "
        f"{len(ports)} processes (Redis pub/sub): {delivered:,} frames in all; the live "
        f"rounds took {elapsed:.1f} s"
    )
    if latencies:
        print(
            f"inject to client: p50 {percentile(latencies, 50):.1f} ms, "
            f"p99 {percentile(latencies, 99):.1f} ms"
        )
    verdict = "met" if complete == len(followers) else "MISSED"
    print(
        f"clients that got every event their seat may see, in order, once: {complete}/"
        f"{len(followers)} (target all: {verdict})"
    )
    return 0 if complete == len(followers) else 1


def report(raw: Figures, stock: Figures, mine: Figures) -> int:
    latency = mine.p99() / raw.p99()
    rate = mine.per_second / stock.per_second
    print(
        f"this server's p99 is {latency:.1f} times raw (target at most {LATENCY_TARGET:g}: "
        f"{'met' if latency <= LATENCY_TARGET else 'MISSED'})"
    )
    print(
        f"this server's deliveries/s are {rate:.1f} times stock Channels' (target at least "
        f"{RATE_TARGET:g}: {'met' if rate >= RATE_TARGET else 'MISSED'})"
    )
    return 0


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round((len(ordered) - 1) * pct / 100))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument(
        "--rounds", type=int, default=40, help="single commands (Redis form: per exercise)"
    )
    parser.add_argument("--burst", type=int, default=20, help="commands back to back")
    parser.add_argument("--redis", default="", help="the Redis form: two processes on this Redis")
    parser.add_argument("--exercises", type=int, default=100, help="Redis form: 10 clients each")
    parser.add_argument("--database-url", default="", help="Redis form: instead of SQLite")
    parser.add_argument("--serve-raw", type=int, default=0, help=argparse.SUPPRESS)
    options = parser.parse_args()
    more_open_files()
    if options.serve_raw:
        asyncio.run(serve_raw(options.serve_raw))
        return 0
    if options.redis:
        return fan_out(options)
    return compare(options)


if __name__ == "__main__":
    sys.exit(main())
