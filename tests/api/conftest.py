"""Fixtures for the HTTP API: a started `ai-pause` exercise and a client that speaks JSON.

The cast: `anthropic` and `openai` (two labs), `gdm` (a third, for private messages and the
pause button), the `observer` and the `facilitator`. Test modules import the classes below for
their annotations only (`if TYPE_CHECKING`): tests/ has no packages, the fixtures carry them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client

from exercises.services import commands, creation, seats

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response


@dataclass(frozen=True)
class Game:
    id: str
    tokens: dict[str, str]

    def url(self, suffix: str = "") -> str:
        return f"/api/v1/exercises/{self.id}{suffix}"


def _new_game(start: bool = True) -> Game:
    created = creation.create_exercise(creation.bundled("ai-pause"), "Test", seed="t")
    if start:
        commands.start(seats.seat_by_token(created.tokens["facilitator"]))
    return Game(created.exercise.public_id, created.tokens)


@pytest.fixture
def new_game() -> Callable[..., Game]:
    return _new_game


@pytest.fixture
def game() -> Game:
    return _new_game()


@pytest.fixture
def other_game() -> Game:
    return _new_game()


class Api:
    """Django's test client, sending JSON and a bearer token."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def call(
        self,
        method: str,
        path: str,
        token: str | None = None,
        body: Any = None,
        *,
        raw: bytes | str | None = None,
        **extra: Any,
    ) -> Response:
        if token is not None:
            extra["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        data = raw if raw is not None else json.dumps(body) if body is not None else ""
        return self.client.generic(method, path, data, "application/json", **extra)

    def get(self, path: str, token: str | None = None, **extra: Any) -> Response:
        return self.call("GET", path, token, **extra)

    def post(self, path: str, token: str | None, body: Any = None, **extra: Any) -> Response:
        return self.call("POST", path, token, body if body is not None else {}, **extra)

    def delete(self, path: str, token: str | None = None, **extra: Any) -> Response:
        return self.call("DELETE", path, token, **extra)

    @staticmethod
    def json(response: Response) -> Any:
        assert response["Content-Type"] == "application/json", response.content[:200]
        return json.loads(response.content)

    @classmethod
    def error_of(cls, response: Response) -> dict[str, str]:
        """The error a response carries, checking it has the API's one error shape."""
        body = cls.json(response)
        assert set(body) == {"error"}, body
        assert set(body["error"]) == {"code", "message"}, body
        assert all(isinstance(v, str) and v for v in body["error"].values()), body
        return dict(body["error"])


@pytest.fixture
def api(client: Client) -> Api:
    return Api(client)
