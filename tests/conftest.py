"""Shared fixtures for the test suite (pytest-django supplies `client`, `db` and friends)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import transaction
from django.http import FileResponse, HttpResponse
from django.test import Client

from exercises import throttle

# Before any test imports the ASGI application: deadlines and lost jobs are swept only when a
# test says so, never by a server's sweeper behind its back. (Servers the tests start in
# processes of their own sweep as usual.)
settings.WARGAME_EMBEDDED_SWEEPER = False
# Built exports go to a directory of this run's own, gone with the machine's temporary files.
settings.WARGAME_EXPORT_CACHE_DIR = Path(tempfile.mkdtemp(prefix="wargame-test-exports-"))


_request = Client.request


def _whole_bodies(self: Client, **request: Any) -> Any:
    """Django's test client, reading a body sent from a file (an export) whole, as a browser
    would: the file is closed at once, and tests read `.content` whatever the body was."""
    response = _request(self, **request)
    if not isinstance(response, FileResponse):
        return response
    whole = HttpResponse(b"".join(response.streaming_content), status=response.status_code)
    for name, value in response.items():
        whole[name] = value
    for name, value in vars(response).items():
        if name in {
            "client",
            "request",
            "templates",
            "context",
            "resolver_match",
            "wsgi_request",
            "redirect_chain",
        }:
            setattr(whole, name, value)
    whole.json = partial(self._parse_json, whole)
    return whole


Client.request = _whole_bodies  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> Iterator[None]:
    # Seat ids come back after a test's rollback; one test's spent allowance is not the next's.
    throttle._buckets.clear()
    yield
    throttle._buckets.clear()


@pytest.fixture(autouse=True)
def fresh_scenario_cache() -> Iterator[None]:
    # Snapshot ids come back after a test's rollback too, naming another scenario: the cache of
    # loaded snapshots, keyed by id, must not hand the next test the last one's scenario. (The
    # parsed scenarios stay: they are cached by their text.)
    from exercises.services import scenarios

    scenarios._load.cache_clear()
    yield
    scenarios._load.cache_clear()


@pytest.fixture
def committing(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run the use cases inside the test's transaction, which is rolled back (much faster than
    emptying every table after each test), yet as if each had committed: when the outermost
    block a use case opened exits, its on-commit callbacks (jobs, doorbells) run, one after the
    other, as the server's commit would run them. A test marked `transaction=True` commits for
    real, and this changes nothing."""
    connection = transaction.get_connection()
    outermost = len(connection.atomic_blocks)  # the test's own blocks
    exit_block = transaction.Atomic.__exit__
    running = False

    def exit_and_commit(block: transaction.Atomic, *exc: Any) -> None:
        nonlocal running
        exit_block(block, *exc)
        done = transaction.get_connection(block.using)
        if running or len(done.atomic_blocks) != outermost or done.needs_rollback:
            return  # an inner block, a rolled-back one, or a callback's own block
        running = True
        try:
            while done.run_on_commit:
                _, callback, _ = done.run_on_commit.pop(0)
                callback()
        finally:
            running = False

    monkeypatch.setattr(transaction.Atomic, "__exit__", exit_and_commit)
