"""A live server for the tests that need a real one: uvicorn running `wargame.asgi` in a
subprocess, in the embedded mode, on a SQLite file of its own (`WARGAME_SQLITE_PATH`), so its
deadline sweeper, eager adjudication, API threads and WebSocket stream all run as `python3
dev.py serve` runs them. Exercises are made with `manage.py create_exercise`, as an operator
would.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Variables of the test process the server must not inherit: it runs in the embedded mode.
NOT_INHERITED = (
    "DATABASE_URL",
    "REDIS_URL",
    "WARGAME_SQLITE_PATH",
    "DJANGO_SETTINGS_MODULE",
)


@contextmanager
def running_server(folder: Path, log_level: str = "warning", **env: str) -> Iterator[Server]:
    """A migrated server on a free port, `env` on top of this process's; stopped on exit.
    `log_level="info"` turns uvicorn's access log on, as it is in production."""
    environment = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    environment.update(
        WARGAME_SQLITE_PATH=str(folder / "db.sqlite3"),
        DJANGO_SETTINGS_MODULE="wargame.settings",
        **env,
    )
    port = free_port()
    live = Server(f"http://127.0.0.1:{port}", port, environment, folder / "server.log")
    live.manage("migrate", "--noinput", "-v", "0")
    command = [sys.executable, "-m", "uvicorn", "wargame.asgi:application", "--lifespan", "on"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", log_level]
    with live.log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=out, stderr=subprocess.STDOUT
        )
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class Server:
    url: str
    port: int
    env: dict[str, str]
    log: Path

    def manage(self, *args: str, extra_env: dict[str, str] | None = None) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={**self.env, **(extra_env or {})},
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    def create_exercise(self, *args: str, scenario: str = "ai-pause") -> Exercise:
        # Turns close once everyone is in and are published at once, unless a test says
        # otherwise in `args` (the last of a repeated option wins). `scenario`: an id or a file.
        plain = ("--close-when", "everyone_in", "--no-review")
        out = self.manage(
            "create_exercise", scenario, "--base-url", self.url, "--json", *plain, *args
        )
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
        with urllib.request.urlopen(request, timeout=60) as response:
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


def wait_for_server(live: Server, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 180  # a bound on a hang, generous for a loaded machine
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the server exited:\n{live.log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(live.url + "/", timeout=2):
                return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    pytest.fail("the server did not answer within 180 s")
