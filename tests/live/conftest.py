"""Fixtures for the live stream: a started `ai-pause` exercise and WebSocket clients of it.

The tests speak the WebSocket protocol to the whole ASGI application (`wargame.asgi`) through
asgiref's `ApplicationCommunicator` (Channels' `WebsocketCommunicator` is the same, but its
package imports daphne), each in an event loop of its own (`asyncio.run`), as one server
process would. The exercise changes through the use cases, in a worker thread of that
loop (`sync_to_async`), as an HTTP request would change it; their doorbells then ring in the
loop, where the feeds listen.
"""

from __future__ import annotations

import asyncio
import json
import os
import tempfile
import threading
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest
from asgiref.sync import sync_to_async
from asgiref.testing import ApplicationCommunicator
from channels.layers import get_channel_layer
from django.conf import settings

from exercises.live.log import close_connections
from exercises.models import Event, Exercise, Seat
from exercises.services import commands, creation, messages, moves, projection, seats

T = TypeVar("T")

# How long a socket waits for a frame before the test fails: a bound on a hang, never a speed
# test (a frame that comes returns at once), so generous enough for a machine under load.
WAIT = 60.0

ROLES = ("anthropic", "openai", "gdm")


def _sqlite_test_database_in_a_file() -> None:
    """As in tests/services: in-memory SQLite with a shared cache refuses a reader while a
    writer holds a table ("database table is locked") instead of waiting, and here sockets
    read the log while the use cases write it."""
    database = settings.DATABASES["default"]
    test = database.setdefault("TEST", {})
    if database["ENGINE"].endswith("sqlite3") and not test.get("NAME"):
        name = f"wargame-test-{os.getpid()}.sqlite3"
        test["NAME"] = os.path.join(tempfile.gettempdir(), name)


_sqlite_test_database_in_a_file()


def play(scenario: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run one test's async part in an event loop of its own: one server process."""
    return asyncio.run(scenario())


async def act(work: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call a use case the way a request does: in a worker thread, from the server's loop."""
    return await sync_to_async(work)(*args, **kwargs)


@dataclass(frozen=True)
class Game:
    public_id: str
    tokens: dict[str, str]

    @property
    def path(self) -> str:
        return f"/ws/exercises/{self.public_id}/"

    def seat(self, name: str) -> Seat:
        return seats.authenticate(self.public_id, self.tokens[name])

    def say(self, sender: str, to: list[str] | str, body: str) -> None:
        messages.post_message(self.seat(sender), to, body)

    def inject(self, title: str) -> None:
        commands.inject(self.seat("facilitator"), None, title, f"{title}, in full.")

    def move(self, role: str, rationale: str) -> None:
        moves.submit_move(self.seat(role), "free_form", {}, rationale, rationale)

    def replace_seat(self, role: str, bot_policy: str | None = None) -> None:
        commands.replace_seat(self.seat("facilitator"), role, bot_policy)

    def last_seq(self) -> int:
        return Exercise.objects.get(public_id=self.public_id).last_seq

    def visible(self, name: str, since: int = 0) -> list[dict[str, Any]]:
        """What the HTTP API (`GET .../events?since=`) shows this seat."""
        return projection.events_for(self.seat(name), since)

    def event(self, seq: int) -> Event:
        return Event.objects.get(exercise__public_id=self.public_id, seq=seq)


def _new_game() -> Game:
    created = creation.create_exercise(creation.bundled("ai-pause"), "Live", seed="live")
    commands.start(seats.seat_by_token(created.tokens["facilitator"]))
    return Game(created.exercise.public_id, created.tokens)


@pytest.fixture
def game(transactional_db: None) -> Game:
    return _new_game()


@pytest.fixture
def other_game(transactional_db: None) -> Game:
    return _new_game()


def flush_layer() -> None:
    layer = get_channel_layer()
    assert layer is not None
    # In a thread of its own: it needs an event loop, whatever this thread holds.
    flushing = threading.Thread(target=lambda: asyncio.run(layer.flush()))
    flushing.start()
    flushing.join()


@pytest.fixture(autouse=True)
def fresh_layer() -> Iterator[None]:
    # The in-memory layer outlives each test's event loop: start and end with it empty.
    flush_layer()
    yield
    flush_layer()
    # The stream's threads keep their database connections; the test database must go.
    close_connections()


class Socket:
    """A WebSocket client of the application."""

    def __init__(self, path: str, headers: list[tuple[bytes, bytes]], scheme: str = "ws") -> None:
        from wargame.asgi import application

        path, _, query = path.partition("?")
        scope: dict[str, Any] = {"type": "websocket", "path": path, "query_string": query.encode()}
        scope["scheme"] = scheme
        scope.update(headers=headers, subprotocols=[])
        self.communicator = ApplicationCommunicator(application, scope)

    async def open(self) -> Socket:
        await self.communicator.send_input({"type": "websocket.connect"})
        accepted = await self.communicator.receive_output(WAIT)
        assert accepted["type"] == "websocket.accept", accepted
        return self

    async def resume(self, since: int) -> None:
        await self.send({"type": "resume", "since": since})

    async def send(self, message: Any) -> None:
        await self.send_text(json.dumps(message))

    async def send_text(self, text: str) -> None:
        await self.communicator.send_input({"type": "websocket.receive", "text": text})

    async def send_bytes(self, data: bytes) -> None:
        await self.communicator.send_input({"type": "websocket.receive", "bytes": data})

    async def next(self, timeout: float = WAIT) -> dict[str, Any]:
        output = await self.communicator.receive_output(timeout)
        assert output["type"] == "websocket.send", output
        frame: dict[str, Any] = json.loads(output["text"])
        return frame

    async def take(self, count: int, timeout: float = WAIT) -> list[dict[str, Any]]:
        return [await self.next(timeout) for _ in range(count)]

    async def silent(self, timeout: float = 0.3) -> bool:
        return bool(await self.communicator.receive_nothing(timeout))

    async def closed_with(self, timeout: float = WAIT) -> int:
        """The close code the server sends next, after any frames before it."""
        while True:
            output = await self.communicator.receive_output(timeout)
            if output["type"] == "websocket.close":
                return int(output.get("code", 1000))

    async def close(self) -> None:
        await self.communicator.send_input({"type": "websocket.disconnect", "code": 1000})
        await self.communicator.wait(WAIT)


def bearer(token: str) -> list[tuple[bytes, bytes]]:
    return [(b"authorization", f"Bearer {token}".encode())]


async def connect(game: Game, name: str, since: int | None = 0) -> Socket:
    """A program's socket for seat `name` (bearer), resumed from `since` unless None."""
    socket = await Socket(game.path, bearer(game.tokens[name])).open()
    if since is not None:
        await socket.resume(since)
    return socket
