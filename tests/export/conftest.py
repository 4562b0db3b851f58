"""Fixtures for exports, notes, verify and import: an `ai-pause` exercise played over the API.

The cast is the API tests' (tests/api/conftest.py): `anthropic`, `openai` and `gdm`, the
`observer` and the `facilitator`; bots play nobody, so what each seat may see is known.
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

ROLES = ("anthropic", "openai", "gdm", "meta", "ukaisi", "congress", "china", "un")
SEATS = ("facilitator", "observer", *ROLES)


@dataclass(frozen=True)
class Game:
    id: str
    tokens: dict[str, str]

    def url(self, suffix: str = "") -> str:
        return f"/api/v1/exercises/{self.id}{suffix}"


class Api:
    """Django's test client, sending JSON and a bearer token."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def call(self, method: str, path: str, token: str | None, body: Any = None) -> Response:
        extra: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
        data = json.dumps(body) if body is not None else ""
        return self.client.generic(method, path, data, "application/json", **extra)

    def get(self, path: str, token: str | None = None) -> Response:
        return self.call("GET", path, token)

    def post(self, path: str, token: str | None, body: Any) -> Any:
        """POST and return the JSON answer, which must be a success."""
        response = self.call("POST", path, token, body)
        assert response.status_code in (200, 201), response.content
        return json.loads(response.content)


@pytest.fixture
def api(client: Client) -> Api:
    return Api(client)


@pytest.fixture
def game(transactional_db: None) -> Game:
    created = creation.create_exercise(creation.bundled("ai-pause"), "Exported", seed="x")
    commands.start(seats.seat_by_token(created.tokens["facilitator"]))
    return Game(created.exercise.public_id, created.tokens)


def move(api: Api, game: Game, role: str, action: str, rationale: str = "") -> dict[str, Any]:
    body = {"action": action, "rationale": rationale, "idempotency_key": f"{role}-{rationale}"}
    return dict(api.post(game.url("/moves"), game.tokens[role], body))


def control(api: Api, game: Game, command: str, **more: Any) -> None:
    api.post(game.url("/control"), game.tokens["facilitator"], {"command": command, **more})


@pytest.fixture
def play(api: Api, game: Game) -> Callable[[], list[str]]:
    """Play two turns and leave the third open; return openai's secrets (see test_api_secrets)."""

    def run() -> list[str]:
        evals = move(api, game, "openai", "run_safety_evals", "OPENAI-RATIONALE-evals")
        argued = move(api, game, "openai", "free_form", "OPENAI-RATIONALE-free-form")
        button = move(api, game, "openai", "press_pause_button", "OPENAI-RATIONALE-button")
        move(api, game, "gdm", "press_pause_button")
        move(api, game, "anthropic", "continue_scaling", "Anthropic scales.")
        talk = {"to": ["gdm"], "body": "OPENAI-TO-GDM-only"}
        api.post(game.url("/messages"), game.tokens["openai"], talk)
        api.post(game.url("/messages"), game.tokens["anthropic"], {"to": "all", "body": "Hi all."})
        ruling = {"move": argued["id"], "chance": 0.5, "narrative": "OPENAI-RULING-text"}
        api.post(game.url("/rulings"), game.tokens["facilitator"], ruling)
        note = {"text": "FACILITATOR-NOTE openai hesitates", "event_seq": 3}
        api.post(game.url("/notes"), game.tokens["facilitator"], note)
        control(api, game, "set_state", variable="openai.evidence", value=2, reason="a leak")
        control(api, game, "close_turn")
        control(api, game, "open_next_turn")
        move(api, game, "anthropic", "continue_scaling", "Anthropic scales again.")
        channel = {"channel": "pause_button", "body": "OPENAI-CHANNEL-to-gdm"}
        api.post(game.url("/messages"), game.tokens["openai"], channel)
        control(api, game, "close_turn")
        control(api, game, "open_next_turn")
        debrief = {"text": "FACILITATOR-DEBRIEF =1+1", "kind": "debrief"}
        api.post(game.url("/notes"), game.tokens["facilitator"], debrief)
        return [
            "your latest checkpoint worries your alignment team",  # openai's briefing
            "openai.evidence",
            "openai.valuation_busd",
            "openai.evaluated",
            *(m["id"] for m in (evals, argued, button)),
            "OPENAI-RATIONALE",
            "OPENAI-RULING-text",
            "OPENAI-TO-GDM-only",
            "OPENAI-CHANNEL-to-gdm",
        ]

    return run
