"""What the benchmarks share: a server's environment, a free port, and started exercises.

The scripts run as `python benchmarks/<name>.py` and import this as `benchmarks.servers`.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
from pathlib import Path

LABS = ("anthropic", "openai", "gdm", "meta")


def server_environment(sqlite: Path, **extra: str) -> dict[str, str]:
    """The embedded default as `dev.py serve` runs it, debug off, on a SQLite file of its own;
    `extra` on top (an empty value drops the variable)."""
    own = ("DATABASE_URL", "REDIS_URL", "DJANGO_DEBUG", "DJANGO_SECRET_KEY", "WARGAME_HTTPS")
    env = {k: v for k, v in os.environ.items() if k not in own}
    env.update(
        WARGAME_SQLITE_PATH=str(sqlite),
        DJANGO_SETTINGS_MODULE="wargame.settings",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        WARGAME_HTTPS="false",  # plain HTTP on 127.0.0.1: no redirect, no Secure cookies
    )
    env.update({name: value for name, value in extra.items() if value})
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def started_exercises(
    env: dict[str, str], count: int, name: str
) -> list[tuple[str, dict[str, str]]]:
    """Migrate the database `env` names and start `count` `ai-pause` exercises in it, from
    this process: (public id, tokens by seat) for each."""
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    from exercises.services import commands, creation, seats

    call_command("migrate", "--noinput", verbosity=0)
    scenario = creation.bundled("ai-pause")
    made = []
    for n in range(count):
        created = creation.create_exercise(scenario, f"{name} {n}")
        public_id = created.exercise.public_id
        commands.start(seats.authenticate(public_id, created.tokens["facilitator"]))
        made.append((public_id, created.tokens))
    return made


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    """One HTTP/1.1 response with a Content-Length: its status and body."""
    status = int((await reader.readline()).split()[1])
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    return status, await reader.readexactly(length)
