"""Shared fixtures for the test suite (pytest-django supplies `client`, `db` and friends)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.conf import settings

from exercises.api import throttle

# Before any test imports the ASGI application: deadlines and lost jobs are swept only when a
# test says so, never by a server's sweeper behind its back. (Servers the tests start in
# processes of their own sweep as usual.)
settings.WARGAME_EMBEDDED_SWEEPER = False


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> Iterator[None]:
    # Seat ids come back after a test's rollback; one test's spent allowance is not the next's.
    throttle._buckets.clear()
    yield
    throttle._buckets.clear()


@pytest.fixture(autouse=True)
def fresh_scenario_cache() -> Iterator[None]:
    # Snapshot ids come back after a test's rollback too, naming another scenario: the cache of
    # loaded snapshots, keyed by id, must not hand the next test the last one's scenario.
    from exercises.services import scenarios

    scenarios._load.cache_clear()
    yield
    scenarios._load.cache_clear()
