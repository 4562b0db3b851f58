"""No response to a role or the observer ever holds another role's secrets.

One turn is played through the API (scripted and free-form moves, a private message, a
facilitator's ruling, the pause button met by two labs, a message on its private channel); then
every GET route is fetched by every seat and searched, as serialized JSON, for openai's secrets.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from exercises.api.routes import ROUTES

if TYPE_CHECKING:
    from tests.api.conftest import Api, Game

SEATS = ["anthropic", "openai", "gdm", "meta", "observer", "facilitator"]
BRIEFING = "your latest checkpoint worries your alignment team"  # openai's briefing only


def move(api: Api, game: Game, role: str, action: str, rationale: str = "") -> dict[str, Any]:
    body = {"action": action, "rationale": rationale, "idempotency_key": f"{role}-{action}"}
    response = api.post(game.url("/moves"), game.tokens[role], body)
    assert response.status_code == 201, response.content
    return dict(api.json(response))


def say(api: Api, game: Game, role: str, body: dict[str, Any]) -> None:
    response = api.post(game.url("/messages"), game.tokens[role], body)
    assert response.status_code == 201, response.content


def everything_seen_by(api: Api, game: Game, seat: str) -> str:
    """Every GET route's answer for this seat, as one JSON text."""
    seen = []
    for route in ROUTES:
        if route.method == "GET" and route.auth:
            path = route.path.replace("{id}", game.id).removeprefix("/")
            response = api.get(f"/api/v1/{path}", game.tokens[seat])
            assert response.status_code == 200, response.content
            seen.append(response.content.decode())
    return "\n".join(seen)


def play_a_turn(api: Api, game: Game) -> list[str]:
    """Play turn 1 and return openai's secrets: what only openai (or gdm) may know."""
    evals = move(api, game, "openai", "run_safety_evals", "OPENAI-RATIONALE-evals")
    argued = move(api, game, "openai", "free_form", "OPENAI-RATIONALE-free-form")
    button = move(api, game, "openai", "press_pause_button", "OPENAI-RATIONALE-button")
    move(api, game, "gdm", "press_pause_button")
    move(api, game, "anthropic", "continue_scaling", "Anthropic scales.")
    say(api, game, "openai", {"to": ["gdm"], "body": "OPENAI-TO-GDM-only"})
    say(api, game, "anthropic", {"to": "all", "body": "Anthropic to everyone."})
    ruling = {"move": argued["id"], "outcome": "success", "narrative": "OPENAI-RULING-text"}
    assert api.post(game.url("/rulings"), game.tokens["facilitator"], ruling).status_code == 200
    closing = {"command": "close_turn"}
    assert api.post(game.url("/control"), game.tokens["facilitator"], closing).status_code == 200
    # Adjudication ran on commit (eager Celery): the button is met, its channel is open.
    view = api.json(api.get(game.url(), game.tokens["openai"]))
    assert view["turn"]["phase"] == "resolved"
    say(api, game, "openai", {"channel": "pause_button", "body": "OPENAI-CHANNEL-to-gdm"})
    return [
        BRIEFING,
        "openai.evidence",
        "openai.valuation_busd",
        "openai.evaluated",
        *(m["id"] for m in (evals, argued, button)),
        "OPENAI-RATIONALE",
        "OPENAI-TO-GDM-only",
        "OPENAI-CHANNEL-to-gdm",
    ]


@pytest.mark.usefixtures("committing")  # the adjudication runs after each commit
def test_no_role_or_observer_sees_another_roles_briefing_state_moves_or_messages(
    api: Api, game: Game
) -> None:
    # given
    secrets = play_a_turn(api, game)

    # when
    seen = {seat: everything_seen_by(api, game, seat) for seat in SEATS}

    # then
    for seat in ("anthropic", "meta", "observer"):
        leaked = [secret for secret in secrets if secret in seen[seat]]
        assert not leaked, f"{seat} sees {leaked}"
    shared_with_gdm = {"OPENAI-TO-GDM-only", "OPENAI-CHANNEL-to-gdm"}
    leaked = [s for s in secrets if s in seen["gdm"] and s not in shared_with_gdm]
    assert not leaked, f"gdm sees {leaked}"
    # The search would have found them: openai and the facilitator see every one (the
    # facilitator's export holds the scenario text, briefings and all).
    assert [s for s in secrets if s not in seen["openai"]] == []
    assert [s for s in secrets if s not in seen["facilitator"]] == []
    assert all(s in seen["gdm"] for s in shared_with_gdm)


@pytest.mark.usefixtures("committing")  # the adjudication runs after each commit
def test_other_roles_learn_only_that_openai_submitted(api: Api, game: Game) -> None:
    # given
    submitted = move(api, game, "openai", "run_safety_evals", "OPENAI-RATIONALE-evals")

    # when
    events = api.json(api.get(game.url("/events"), game.tokens["anthropic"]))["events"]
    view = api.json(api.get(game.url(), game.tokens["anthropic"]))

    # then
    announced = [e for e in events if e["type"] == "move.submitted"]
    assert [e["data"] for e in announced] == [{"role": "openai"}]
    openai = next(role for role in view["roles"] if role["id"] == "openai")
    assert (openai["name"], openai["submitted"]) == ("OpenAI (CEO)", True)
    assert submitted["id"] not in json.dumps([events, view])
