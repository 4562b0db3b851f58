"""A hostile-input corpus: the API's own OpenAPI document, driven by schemathesis.

For a facilitator and a role, every operation gets schema-valid requests (positive) and
requests that break the schema (negative), a fixed number each with Hypothesis derandomized, so
the run is the same every time and bounded in length (WARGAME_FUZZ_EXAMPLES for more). No
answer may be a 5xx, and every answer must be one the document declares, in its declared shape
and content type.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

if TYPE_CHECKING:
    from tests.api.conftest import Game

pytestmark = pytest.mark.django_db

# Per operation, seat and mode: about 450 requests in all by default. WARGAME_FUZZ_EXAMPLES=500
# makes a longer run (by hand, not in CI); still derandomized, so one run repeats exactly.
EXAMPLES = int(os.environ.get("WARGAME_FUZZ_EXAMPLES") or 8)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def in_process() -> Iterator[None]:
    """Requests run by the WSGI handler inside the test's transaction: the handler would close
    the connection at each request's end, as Django's own test client keeps it from doing."""
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield
    finally:
        for signal in (signals.request_started, signals.request_finished):
            signal.connect(close_old_connections)


def operations() -> list[Any]:
    from schemathesis.core.result import Err

    from wargame.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    found: list[Any] = []
    for result in schema.get_all_operations():
        # An operation schemathesis cannot read is a fault of the document: fail on it.
        assert not isinstance(result, Err), result.err()
        found.append(result.ok())
    return found


# schemathesis's WSGI transport never closes a body sent from a file (an export); the server's
# own ASGI road does (tests/api/test_api_server.py).
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.parametrize("mode", list(schemathesis.GenerationMode), ids=str)
@pytest.mark.parametrize("seat", ["facilitator", "anthropic"])
@override_settings(WARGAME_API_RATE=1e9, WARGAME_API_BURST=1e9)
def test_no_generated_request_gets_a_5xx_or_an_answer_the_document_does_not_declare(
    game: Game, in_process: None, seat: str, mode: schemathesis.GenerationMode
) -> None:
    headers = {"Authorization": f"Bearer {game.tokens[seat]}"}
    statuses: list[int] = []
    for operation in operations():
        path = {"id": game.id} if "{id}" in operation.path else None
        strategy = operation.as_strategy(mode, path_parameters=path, headers=headers)

        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy)
        def fuzz(case: schemathesis.Case) -> None:
            response = case.call_and_validate(checks=CHECKS)
            statuses.append(response.status_code)

        try:
            fuzz()
        except Unsatisfiable:
            # Nothing to break: an operation with no parameters and no body has no negative case.
            assert mode == schemathesis.GenerationMode.NEGATIVE, operation.label
    # The corpus reached the use cases: the token was taken, and some requests went through.
    assert 401 not in statuses
    assert any(200 <= status < 300 for status in statuses)
