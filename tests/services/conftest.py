"""A small cast for the use-case tests: a started ai-pause exercise and the seats that play it.

The tests call `exercises.services` directly, as the HTTP API and the tasks do. They run
inside the test's transaction, rolled back at its end (`committing`), but each use case's
on-commit work runs when it returns, as after a real commit: a close runs the adjudication
job at once, as in the embedded server. Concurrency tests commit for real
(`django_db(transaction=True)`) and start real threads (`in_threads`); each closes its own
connection.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from exercises.engine import Scenario
from exercises.models import Event, Exercise, Job, Move, Seat, Turn
from exercises.services import commands, creation, jobs, moves, projection, seats
from exercises.services.creation import Created

T = TypeVar("T")

# The roles bots play when a test needs the turn to fill up: every role but the two human labs.
OTHERS = ("gdm", "meta", "ukaisi", "congress", "china", "un")
SEATS = ("facilitator", "observer", "anthropic", "openai", *OTHERS)
FINAL = {Move.Status.SUCCEEDED, Move.Status.FAILED, Move.Status.REJECTED}


def _sqlite_test_database_in_a_file() -> None:
    """Concurrent writers need a SQLite file, as the server has.

    Django's default SQLite test database lives in memory with a shared cache, where a second
    writer fails at once with "database table is locked" instead of waiting for the lock: the
    thread tests would measure the test setup, not the services. Nothing changes on PostgreSQL.
    """
    database = settings.DATABASES["default"]
    test = database.setdefault("TEST", {})
    if database["ENGINE"].endswith("sqlite3") and not test.get("NAME"):
        name = f"wargame-test-{os.getpid()}.sqlite3"
        test["NAME"] = os.path.join(tempfile.gettempdir(), name)


_sqlite_test_database_in_a_file()


@dataclass
class Cast:
    """One exercise, its tokens (shown once, at creation) and a way to each of its seats."""

    created: Created

    @property
    def public_id(self) -> str:
        return self.created.exercise.public_id

    @property
    def tokens(self) -> dict[str, str]:
        return self.created.tokens

    def seat(self, name: str) -> Seat:
        """The seat as a request loads it: fresh from the database, through its token."""
        return seats.authenticate(self.public_id, self.tokens[name])

    @property
    def facilitator(self) -> Seat:
        return self.seat("facilitator")

    @property
    def observer(self) -> Seat:
        return self.seat("observer")

    @property
    def anthropic(self) -> Seat:
        return self.seat("anthropic")

    @property
    def openai(self) -> Seat:
        return self.seat("openai")

    def exercise(self) -> Exercise:
        return Exercise.objects.get(public_id=self.public_id)

    def turn(self, number: int | None = None) -> Turn:
        turns = Turn.objects.filter(exercise__public_id=self.public_id)
        if number is not None:
            return turns.get(number=number)
        turn = turns.order_by("-number").first()
        assert turn is not None, "no turn has opened"
        return turn

    def events(self, *types: str) -> list[Event]:
        rows = Event.objects.filter(exercise__public_id=self.public_id).order_by("seq")
        return list(rows.filter(type__in=types) if types else rows)

    def seqs(self) -> list[int]:
        return [e.seq for e in self.events()]

    def visible(self, name: str, since: int = 0) -> list[dict[str, Any]]:
        return projection.events_for(self.seat(name), since)

    def moves(self, **filters: Any) -> list[Move]:
        rows = Move.objects.filter(exercise__public_id=self.public_id, **filters)
        return list(rows.order_by("id"))

    def free_form(self, name: str, text: str, key: str = "") -> Move:
        move, _ = moves.submit_move(self.seat(name), "free_form", {}, text, key)
        return move


@pytest.fixture
def scenario() -> Scenario:
    return creation.bundled("ai-pause")


@pytest.fixture
def create(committing: None, scenario: Scenario) -> Callable[..., Cast]:
    """Create an ai-pause exercise in the lobby, with any of `create_exercise`'s options."""

    def make(**options: Any) -> Cast:
        options.setdefault("seed", "services-tests")
        return Cast(creation.create_exercise(scenario, "The Pause, tested", **options))

    return make


@pytest.fixture
def lobby(create: Callable[..., Cast]) -> Cast:
    return create()


@pytest.fixture
def cast(lobby: Cast) -> Cast:
    """The exercise started: turn 1 is open, nobody has moved, no bots."""
    commands.start(lobby.facilitator)
    return lobby


@dataclass
class Queue:
    """Jobs asked for but not run: the worker is slow, or dead."""

    job_ids: list[int] = field(default_factory=list)

    @property
    def turn_ids(self) -> list[int]:
        """The turns whose adjudication waits."""
        held = Job.objects.filter(pk__in=self.job_ids, kind=Job.Kind.ADJUDICATE)
        return [turn_id for turn_id in held.values_list("turn_id", flat=True) if turn_id]

    def lose(self) -> None:
        """The messages are lost (a broker restarted); the jobs' rows stay."""
        self.job_ids.clear()

    def run(self) -> list[bool]:
        ran = list(self.job_ids)
        self.job_ids.clear()  # in place: the patched `dispatch` appends to this very list
        return [jobs.run(job_id) for job_id in ran]


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Queue:
    """Hold jobs (adjudications, bots' moves) in a queue instead of running them."""
    queue = Queue()
    monkeypatch.setattr(jobs, "dispatch", queue.job_ids.append)
    return queue


@dataclass
class Clock:
    at: datetime

    def now(self) -> datetime:
        return self.at

    def advance(self, seconds: float) -> datetime:
        self.at += timedelta(seconds=seconds)
        return self.at


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """Time that moves only when the test says so (every `timezone.now()` reads it)."""
    frozen = Clock(timezone.now().replace(microsecond=0))
    monkeypatch.setattr(timezone, "now", frozen.now)
    return frozen


def in_threads(count: int, work: Callable[[int], T]) -> list[T | Exception]:
    """Run `work(0)` .. `work(count - 1)` in threads released together; each result or error.

    Every thread closes its database connection, or the test database could not be dropped.
    """
    barrier = threading.Barrier(count)
    results: dict[int, T | Exception] = {}

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = work(index)
        except Exception as exc:  # handed to the test, which says which errors are fine
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    return [results[i] for i in range(count)]
