"""The production shape on this machine: PostgreSQL, Redis, web processes, workers and beats.

Every process is a subprocess of the suite with its output in a log file of the run's folder,
so a scenario can kill (SIGKILL), pause (SIGSTOP) or restart any one of them.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
# Variables of the suite's environment the processes must not inherit: they get their own.
OWN = ("DATABASE_URL", "REDIS_URL", "WARGAME_SQLITE_PATH", "DJANGO_SETTINGS_MODULE")


class Timeout(Exception):
    """A condition a scenario waited for did not come true within its bound."""


def wait_until(check: Callable[[], Any], timeout: float, what: str, every: float = 0.05) -> Any:
    """The first true value of `check`; `Timeout` after `timeout` seconds (a bound on a run
    that would otherwise hang, not a guess at how long something takes)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    raise Timeout(f"gave up after {timeout:g} s waiting for {what}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def recreate_database(url: str) -> None:
    """Drop and create the database `url` names, through the server's `postgres` database."""
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(with_database(url, "postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


@dataclass
class Proc:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path
    url: str = ""

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def alive(self) -> bool:
        return self.popen.poll() is None

    def signal(self, number: int) -> None:
        if self.alive():
            self.popen.send_signal(number)

    def kill(self) -> None:
        if self.alive():
            self.popen.send_signal(signal.SIGCONT)  # a paused process cannot die otherwise
            self.popen.kill()
        self.popen.wait(timeout=30)


@dataclass
class Cluster:
    folder: Path
    database_url: str
    redis_url: str
    redis_port: int  # 0: Redis is not ours (redis_url names a shared server's database)
    lease: float
    processes: list[Proc] = field(default_factory=list)
    secret: str = field(default_factory=lambda: secrets.token_urlsafe(50))

    def environment(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in OWN}
        env.update(
            DATABASE_URL=self.database_url,
            REDIS_URL=self.redis_url,
            DJANGO_SETTINGS_MODULE="wargame.settings",
            DJANGO_DEBUG="false",
            DJANGO_SECRET_KEY=self.secret,
            DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
            WARGAME_ADJUDICATION_LEASE=str(self.lease),
            # The clients of a scenario are a crowd on one machine, not one abusive seat.
            WARGAME_API_RATE="100000",
            WARGAME_API_BURST="100000",
            WARGAME_ANONYMOUS_RATE="100000",
            WARGAME_ANONYMOUS_BURST="100000",
            WARGAME_EXPORT_RATE="100000",
            # Plain HTTP on 127.0.0.1: no HTTPS redirect, no Secure cookies.
            WARGAME_HTTPS="false",
        )
        env.update(extra)
        return env

    def spawn(self, name: str, command: list[str], **extra: str) -> Proc:
        log = self.folder / f"{name}.log"
        with log.open("ab") as out:
            popen = subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.environment(**extra),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        proc = Proc(name, popen, log)
        self.processes.append(proc)
        return proc

    def manage(self, *args: str) -> None:
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.environment(),
            check=True,
            capture_output=True,
            timeout=600,
        )

    # Redis ------------------------------------------------------------------------------

    def start_redis(self) -> Proc | None:
        """Our own Redis, empty, nothing saved: a restart loses every queued task."""
        if not self.redis_port:
            return None
        if self._redis_answers():
            # Another server on our port would survive our kill, and the fault would not happen.
            raise RuntimeError(f"something already answers on port {self.redis_port}")
        command = ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no"]
        proc = self.spawn("redis", command)
        wait_until(lambda: self._redis_answers(), 30, "redis to answer")
        return proc

    def _redis_answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.redis_port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def redis(self) -> Proc | None:
        return next((p for p in self.processes if p.name == "redis" and p.alive()), None)

    # The application's processes --------------------------------------------------------

    def start_web(self) -> Proc:
        port = free_port()
        name = f"web{sum(p.name.startswith('web') for p in self.processes) + 1}"
        command = [sys.executable, "-m", "uvicorn", "wargame.asgi:application"]
        command += ["--lifespan", "on", "--host", "127.0.0.1", "--port", str(port)]
        command += ["--log-level", "warning"]
        web = self.spawn(name, command)
        web.url = f"http://127.0.0.1:{port}"
        wait_until(lambda: self._answers(web), 120, f"{name} to answer")
        return web

    def _answers(self, web: Proc) -> bool:
        if not web.alive():
            raise RuntimeError(f"{web.name} exited:\n{web.output()[-3000:]}")
        try:
            with urllib.request.urlopen(web.url + "/api/v1/openapi.json", timeout=5):
                return True
        except OSError:
            return False

    def start_worker(self, app: str = "wargame", **extra: str) -> Proc:
        """A worker with one process (solo pool), returned once it takes tasks."""
        name = f"worker{sum(p.name.startswith('worker') for p in self.processes) + 1}"
        command = [sys.executable, "-m", "celery", "-A", app, "worker", "--pool=solo"]
        command += ["-l", "info", "-n", f"{name}@%h", "--without-mingle", "--without-gossip"]
        worker = self.spawn(name, command, **extra)

        def ready() -> bool:
            if not worker.alive():
                raise RuntimeError(f"{name} exited:\n{worker.output()[-3000:]}")
            return " ready." in worker.output()

        wait_until(ready, 120, f"{name} to be ready")
        return worker

    def start_beat(self) -> Proc:
        name = f"beat{sum(p.name.startswith('beat') for p in self.processes) + 1}"
        schedule = self.folder / f"{name}-schedule"
        command = [sys.executable, "-m", "celery", "-A", "wargame", "beat", "-l", "info"]
        return self.spawn(name, [*command, "--schedule", str(schedule)])

    def webs(self) -> list[Proc]:
        return [p for p in self.processes if p.name.startswith("web") and p.alive()]

    def stop(self) -> None:
        for proc in reversed(self.processes):
            proc.kill()
