"""Turn deadlines in the embedded mode: the sweeper the ASGI application runs in its process.

The sweeper runs here in an event loop of the test's own, as it runs in the server's. The
test thread does not touch the database while the sweeper runs (SQLite's in-memory test
database has table locks, not waits); checks that need the database run inside the sweep.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any, cast

import pytest
from asgiref.typing import ASGIReceiveCallable, ASGISendCallable, Scope
from channels.layers import get_channel_layer
from django.utils import timezone

from exercises import runtime
from exercises.models import Event, Turn
from exercises.runtime import Runtime, Sweeper
from exercises.services import commands, creation, events, seats, turns
from tests import fresh_interpreter

ROOT = Path(__file__).resolve().parents[2]


async def sweep_until(sweeper: Sweeper, done: threading.Event, timeout: float = 120) -> None:
    sweeper.start()
    try:
        async with asyncio.timeout(timeout):
            while not done.is_set():
                await asyncio.sleep(0.02)
    finally:
        await sweeper.stop()


def test_a_failing_sweep_is_logged_and_the_next_one_runs(caplog: pytest.LogCaptureFixture) -> None:
    calls: list[int] = []
    done = threading.Event()

    def flaky() -> Mapping[str, int]:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("the database went away")
        done.set()
        return {"closed": 0, "requeued": 0}

    with caplog.at_level(logging.ERROR, logger="exercises.runtime"):
        asyncio.run(sweep_until(Sweeper(interval=0.01, sweep=flaky), done))

    assert len(calls) >= 2
    assert "the deadline sweep failed" in caplog.text
    assert "the database went away" in caplog.text


def test_every_tick_gives_back_its_database_connection_even_when_it_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    closes: list[str] = []
    monkeypatch.setattr(runtime, "close_old_connections", lambda: closes.append("close"))

    def broken() -> Mapping[str, int]:
        raise RuntimeError("no")

    sweeper = Sweeper(sweep=broken)

    assert sweeper.tick() is None
    assert closes == ["close", "close"]
    assert sweeper.ticks == 1


@pytest.mark.django_db(transaction=True)
def test_the_sweeper_closes_a_turn_past_its_deadline_and_rings_the_servers_layer() -> None:
    # given a running exercise whose turn's deadline has just passed
    created = creation.create_exercise(creation.bundled("ai-pause"), "Deadline", turn_seconds=60)
    facilitator = seats.authenticate(created.exercise.public_id, created.tokens["facilitator"])
    commands.start(facilitator)
    Turn.objects.filter(exercise=created.exercise).update(
        deadline=timezone.now() - timedelta(seconds=1)
    )
    adjudicated = threading.Event()
    logged: list[int] = []  # the last seq in the log once the turn is adjudicated

    def sweep_and_look() -> Mapping[str, int]:
        swept = turns.sweep()
        if Event.objects.filter(exercise=created.exercise, type="turn.adjudicated").exists():
            logged.append(Event.objects.filter(exercise=created.exercise).count())
            adjudicated.set()
        return swept

    # when the sweeper runs in the server's loop, next to a listener on the in-memory layer
    async def serve() -> list[int]:
        layer = get_channel_layer()
        assert layer is not None
        channel = await layer.new_channel()
        await layer.group_add(events.group_name(created.exercise.public_id), channel)
        await sweep_until(Sweeper(interval=0.05, sweep=sweep_and_look), adjudicated)
        heard: list[int] = []
        async with asyncio.timeout(120):  # every doorbell rung up to the last logged event
            while not heard or heard[-1] < logged[0]:
                heard.append((await layer.receive(channel))["seq"])
        return heard

    heard = asyncio.run(serve())

    # then the turn was closed for its deadline and adjudicated (eagerly, in the sweep), and
    # the doorbells reached the layer in the server's loop, where consumers listen
    closed = Event.objects.get(exercise=created.exercise, type="turn.closed")
    assert closed.data == {"number": 1, "reason": "deadline"}
    assert Turn.objects.get(exercise=created.exercise, number=1).phase == Turn.Phase.RESOLVED
    last = Event.objects.filter(exercise=created.exercise).order_by("seq").last()
    assert last is not None and last.type == "turn.adjudicated"
    assert list(range(closed.seq, last.seq + 1)) == heard


def lifespan_messages(*types: str) -> ASGIReceiveCallable:
    queue = [{"type": t} for t in types]

    async def receive() -> Any:
        return queue.pop(0)

    return receive


async def no_app(scope: Scope, receive: ASGIReceiveCallable, send: ASGISendCallable) -> None:
    return None


def scope(kind: str) -> Scope:
    return cast(Scope, {"type": kind})


def test_the_application_starts_the_sweeper_at_startup_and_stops_it_at_shutdown() -> None:
    sweeper = Sweeper(interval=0.01, sweep=lambda: {"closed": 0, "requeued": 0})
    sent: list[str] = []
    seen_running: list[bool] = []

    async def send(message: Any) -> None:
        sent.append(message["type"])
        seen_running.append(sweeper.running)

    receive = lifespan_messages("lifespan.startup", "lifespan.shutdown")
    asyncio.run(Runtime(no_app, sweeper)(scope("lifespan"), receive, send))

    assert sent == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    assert seen_running == [True, False]


async def send_nothing(message: Any) -> None:
    return None


def test_a_server_run_without_lifespan_events_starts_the_sweeper_on_its_first_request() -> None:
    sweeper = Sweeper(interval=0.01, sweep=lambda: {"closed": 0, "requeued": 0})

    async def first_request() -> bool:
        await Runtime(no_app, sweeper)(scope("http"), lifespan_messages(), send_nothing)
        running = sweeper.running
        await sweeper.stop()
        return running

    assert asyncio.run(first_request()) is True


PRINT_SWEEPER = """
import json
import wargame.asgi
print(json.dumps(type(wargame.asgi.application.sweeper).__name__))
"""


def asgi_sweeper(**env: str) -> str:
    name: str = fresh_interpreter.run_json(
        PRINT_SWEEPER, unset=("REDIS_URL", "DATABASE_URL"), **env
    )
    return name


def test_the_server_sweeps_in_process_only_in_the_embedded_mode() -> None:
    assert asgi_sweeper() == "Sweeper"
    assert asgi_sweeper(REDIS_URL="redis://127.0.0.1:6379/15") == "NoneType"


def test_the_server_does_not_sweep_when_the_settings_turn_it_off() -> None:
    assert asgi_sweeper(WARGAME_EMBEDDED_SWEEPER="0") == "NoneType"


def test_no_sweeper_starts_by_itself_in_the_test_suite() -> None:
    import wargame.asgi

    assert wargame.asgi.application.sweeper is None
