"""Two server processes on Redis: a client of each sees the same events.

Two uvicorn processes of the production shape (channels_redis, PostgreSQL) serve one exercise;
a WebSocket client connects to each (the `websockets` library, as a program would), and events
made through the HTTP API of one process or the other reach both clients, in the same order.

The processes share the test's database (`database_url()`, as in tests/runtime), so this runs
only in the PostgreSQL pass of `python3 dev.py test`, with `WARGAME_TEST_REDIS_URL` set.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import websockets
from django.db import connection

from exercises.services import commands, creation, seats
from tests.runtime.conftest import POSTGRES_URL, REDIS_URL, ROOT, database_url, wait_until

pytestmark = pytest.mark.django_db(transaction=True)

OWN_CONFIGURATION = ("DATABASE_URL", "REDIS_URL", "WARGAME_SQLITE_PATH")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Server:
    """`uvicorn wargame.asgi:application` in a subprocess, on the test's database and Redis."""

    def __init__(self, log: Path) -> None:
        self.port = free_port()
        self.log = log
        env = {k: v for k, v in os.environ.items() if k not in OWN_CONFIGURATION}
        env.update(DATABASE_URL=database_url(), REDIS_URL=REDIS_URL)
        env["DJANGO_SETTINGS_MODULE"] = "wargame.settings"
        command = [sys.executable, "-m", "uvicorn", "wargame.asgi:application"]
        command += ["--port", str(self.port), "--lifespan", "on", "--no-access-log"]
        with log.open("wb") as out:
            self.popen = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
            )
        wait_until(self.listening)

    def listening(self) -> bool:
        if self.popen.poll() is not None:
            pytest.fail(f"the server exited:\n{self.log.read_text(errors='replace')}")
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", self.port)) == 0

    def url(self, path: str, scheme: str = "http") -> str:
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    def post(self, path: str, token: str, body: dict[str, Any]) -> int:
        request = urllib.request.Request(
            self.url(path),
            data=json.dumps(body).encode(),
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            status: int = response.status
            return status

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=10)


@pytest.fixture
def servers(transactional_db: None, tmp_path: Path) -> Iterator[tuple[Server, Server]]:
    if not REDIS_URL or not POSTGRES_URL:
        pytest.skip("needs WARGAME_TEST_REDIS_URL and WARGAME_TEST_DATABASE_URL")
    if connection.vendor != "postgresql":
        pytest.skip("runs in the PostgreSQL pass (DATABASE_URL=$WARGAME_TEST_DATABASE_URL)")
    started: list[Server] = []
    try:
        started.append(Server(tmp_path / "web1.log"))
        started.append(Server(tmp_path / "web2.log"))
        yield started[0], started[1]
    finally:
        for server in started:
            server.stop()


async def client(server: Server, public_id: str, token: str, since: int) -> Any:
    ws = await websockets.connect(
        server.url(f"/ws/exercises/{public_id}/", "ws"),
        additional_headers={"Authorization": f"Bearer {token}"},
    )
    await ws.send(json.dumps({"type": "resume", "since": since}))
    return ws


async def frames_until(ws: Any, title: str) -> list[dict[str, Any]]:
    """Every frame up to and including the inject called `title`."""
    frames: list[dict[str, Any]] = []
    async with asyncio.timeout(120):
        while not frames or frames[-1].get("data", {}).get("title") != title:
            frames.append(json.loads(await ws.recv()))
    return frames


def test_clients_of_two_server_processes_see_the_same_events(
    servers: tuple[Server, Server],
) -> None:
    first, second = servers
    created = creation.create_exercise(creation.bundled("ai-pause"), "Two", seed="two")
    commands.start(seats.seat_by_token(created.tokens["facilitator"]))
    public_id, tokens = created.exercise.public_id, created.tokens
    api = f"/api/v1/exercises/{public_id}"

    async def scenario() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        # given a client of each process, both caught up
        on_first = await client(first, public_id, tokens["observer"], 0)
        on_second = await client(second, public_id, tokens["observer"], 0)
        post = asyncio.to_thread
        await post(first.post, f"{api}/control", tokens["facilitator"], inject("Ready"))
        await frames_until(on_first, "Ready")
        await frames_until(on_second, "Ready")

        # when events are made through either process's API
        for index in range(10):
            server = first if index % 2 else second
            body = {"to": "all", "body": f"message {index}"}
            await post(server.post, f"{api}/messages", tokens["anthropic"], body)
        await post(second.post, f"{api}/control", tokens["facilitator"], inject("Done"))

        # then both clients get them all, live
        seen = await frames_until(on_first, "Done"), await frames_until(on_second, "Done")
        await on_first.close()
        await on_second.close()
        return seen

    seen_by_first, seen_by_second = asyncio.run(scenario())

    assert seen_by_first == seen_by_second
    bodies = [f["data"]["body"] for f in seen_by_first if f["type"] == "message.posted"]
    assert bodies == [f"message {index}" for index in range(10)]
    seqs = [f["seq"] for f in seen_by_first]
    assert seqs == sorted(set(seqs))


def inject(title: str) -> dict[str, Any]:
    return {"command": "inject", "title": title, "text": f"{title}, in full."}
