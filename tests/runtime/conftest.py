"""Fixtures for the runtime tests: real Celery workers and beat in subprocesses, on Redis.

`deployment` turns the test process into a web process of the production shape (Celery
sends tasks to the Redis broker instead of running them, the channel layer is Redis) and
starts workers and beats that use the same database as the test. It needs PostgreSQL (a
SQLite test database lives in memory, where no other process can see it) and Redis, so it
skips unless the test runs on PostgreSQL with `WARGAME_TEST_REDIS_URL` set: the second pass
of `python3 dev.py test` (`DATABASE_URL=$WARGAME_TEST_DATABASE_URL`).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import redis
from django.db import connection
from django.test import override_settings

from wargame.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("WARGAME_TEST_REDIS_URL", "").strip()
POSTGRES_URL = os.environ.get("WARGAME_TEST_DATABASE_URL", "").strip()
# Variables of the test process the subprocesses must not inherit: they get their own.
OWN_CONFIGURATION = (
    "DATABASE_URL",
    "REDIS_URL",
    "WARGAME_SQLITE_PATH",
    "WARGAME_ADJUDICATION_LEASE",
    "WARGAME_JOB_HEARTBEAT",
    "SLOW_WORKER_SECONDS",
)


def wait_until(check: Callable[[], Any], timeout: float = 120.0, every: float = 0.05) -> Any:
    """The first true value `check` returns, or a failed test after `timeout` seconds.

    The timeout only bounds a test that would otherwise hang: a check that passes returns as
    soon as it does, so the timeout is generous enough for a machine under heavy load.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(every)
    pytest.fail(f"gave up waiting after {timeout:g} s for {getattr(check, '__name__', check)}")


def database_url() -> str:
    """The URL of the database this test runs on: pytest-django's `test_<name>`."""
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else ""
    host = db["HOST"] or "localhost"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{user}{password}@{host}{port}/{db['NAME']}"


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGKILL)
            self.popen.wait(timeout=10)


@dataclass
class Deployment:
    """Worker and beat processes of one deployment, all on the test's database and Redis."""

    tmp_path: Path
    database_url: str
    redis_url: str
    processes: list[Process] = field(default_factory=list)

    def environment(self, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in OWN_CONFIGURATION}
        env.update(DATABASE_URL=self.database_url, REDIS_URL=self.redis_url, **extra)
        env["DJANGO_SETTINGS_MODULE"] = "wargame.settings"
        return env

    def spawn(self, name: str, args: list[str], app: str = "wargame", **extra: str) -> Process:
        log = self.tmp_path / f"{name}.log"
        with log.open("wb") as out:
            popen = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", app, *args],
                cwd=ROOT,
                env=self.environment(**extra),
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        process = Process(name, popen, log)
        self.processes.append(process)
        return process

    def start_worker(self, app: str = "wargame", **extra: str) -> Process:
        """`celery -A wargame worker --pool=solo`, returned once it takes tasks."""
        name = f"worker{len(self.processes) + 1}"
        worker = self.spawn(
            name,
            ["worker", "--pool=solo", "-l", "info", "-n", f"{name}@%h", "--without-mingle"],
            app,
            **extra,
        )

        def ready() -> bool:
            if worker.popen.poll() is not None:
                pytest.fail(f"{name} exited:\n{worker.output()}")
            return " ready." in worker.output()

        wait_until(ready)
        return worker

    def start_beat(self) -> Process:
        schedule = self.tmp_path / "celerybeat-schedule"
        return self.spawn("beat", ["beat", "-l", "info", "--schedule", str(schedule)])

    def stop(self) -> None:
        for process in self.processes:
            process.kill()


def use_broker(url: str, *, eager: bool) -> None:
    """Point the test process's Celery app at another broker.

    The app keeps its connection pool and its producer pool (made for the broker of the
    first task sent, `memory://` in the embedded mode); it must forget both, or tasks keep
    going to the old broker. Not closed: kombu shares them per URL with later users. And not
    `app.close()`, which would also deregister the app.
    """
    celery_app._pool = None  # type: ignore[attr-defined]
    celery_app.amqp._producer_pool = None  # type: ignore[attr-defined]
    celery_app.conf.update(task_always_eager=eager, broker_url=url)


@pytest.fixture
def deployment(transactional_db: None, tmp_path: Path) -> Iterator[Deployment]:
    if not REDIS_URL or not POSTGRES_URL:
        pytest.skip("needs WARGAME_TEST_REDIS_URL and WARGAME_TEST_DATABASE_URL")
    with deployed(tmp_path, REDIS_URL) as deploy:
        yield deploy


@contextmanager
def deployed(tmp_path: Path, redis_url: str) -> Iterator[Deployment]:
    """This process as a web process of the production shape on `redis_url` (flushed before
    and after), ready to start workers and beats."""
    if connection.vendor != "postgresql":
        pytest.skip("runs in the PostgreSQL pass (DATABASE_URL=$WARGAME_TEST_DATABASE_URL)")
    broker = redis.Redis.from_url(redis_url)
    broker.flushdb()  # the test Redis database: no task of an earlier run is left in the queue
    redis_layer = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [redis_url]},
        }
    }
    saved_broker, saved_eager = celery_app.conf.broker_url, celery_app.conf.task_always_eager
    use_broker(redis_url, eager=False)
    deploy = Deployment(tmp_path, database_url(), redis_url)
    try:
        with override_settings(CHANNEL_LAYERS=redis_layer, REDIS_URL=redis_url):
            yield deploy
    finally:
        # Workers first: the database is flushed after this, and a worker holding a lock
        # would make that wait.
        deploy.stop()
        use_broker(saved_broker, eager=saved_eager)
        with suppress(redis.RedisError):
            broker.flushdb()
        broker.close()


@dataclass
class RedisServer:
    """A redis-server of the test's own, on a port of its own, that the test may kill and
    start again (empty: it saves nothing), as a Redis that crashed and restarted would be."""

    port: int
    folder: Path
    popen: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--dir", str(self.folder)]
        self.popen = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)

        def answers() -> bool:
            with suppress(redis.RedisError):
                return bool(client.ping())
            return False

        wait_until(answers)
        client.close()

    def kill(self) -> None:
        if self.popen is not None and self.popen.poll() is None:
            self.popen.send_signal(signal.SIGKILL)
            self.popen.wait(timeout=10)


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    if not POSTGRES_URL:
        pytest.skip("needs WARGAME_TEST_DATABASE_URL")
    if shutil.which("redis-server") is None:
        pytest.skip("needs redis-server")
    server = RedisServer(free_port(), tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.kill()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port
