"""An idempotency key makes a move safe to resend: one move, however often it arrives."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from exercises.models import Move

if TYPE_CHECKING:
    from tests.api.conftest import Api, Game

pytestmark = pytest.mark.django_db

BODY = {"action": "continue_scaling", "rationale": "Keep the lead.", "idempotency_key": "k-1"}


def test_the_same_key_ten_times_makes_one_move_answered_201_then_200(api: Api, game: Game) -> None:
    responses = [api.post(game.url("/moves"), game.tokens["anthropic"], BODY) for _ in range(10)]

    assert [r.status_code for r in responses] == [201] + [200] * 9
    assert len({api.json(r)["id"] for r in responses}) == 1
    assert Move.objects.filter(role="anthropic").count() == 1


def test_the_same_key_with_another_body_is_a_409(api: Api, game: Game) -> None:
    api.post(game.url("/moves"), game.tokens["anthropic"], BODY)

    response = api.post(
        game.url("/moves"), game.tokens["anthropic"], {**BODY, "rationale": "Changed my mind."}
    )

    assert response.status_code == 409
    assert api.error_of(response)["code"] == "idempotency_conflict"
    assert Move.objects.filter(role="anthropic").count() == 1


def test_a_key_belongs_to_one_seat(api: Api, game: Game) -> None:
    first = api.post(game.url("/moves"), game.tokens["anthropic"], BODY)

    second = api.post(game.url("/moves"), game.tokens["openai"], BODY)

    assert (first.status_code, second.status_code) == (201, 201)
    assert api.json(first)["id"] != api.json(second)["id"]


def test_a_replay_still_answers_after_the_turn_has_closed(api: Api, game: Game) -> None:
    created = api.post(game.url("/moves"), game.tokens["anthropic"], BODY)
    api.post(game.url("/control"), game.tokens["facilitator"], {"command": "close_turn"})

    replay = api.post(game.url("/moves"), game.tokens["anthropic"], BODY)
    fresh = api.post(
        game.url("/moves"), game.tokens["anthropic"], {**BODY, "idempotency_key": "k-2"}
    )

    assert replay.status_code == 200
    assert api.json(replay)["id"] == api.json(created)["id"]
    assert fresh.status_code == 409
    assert api.error_of(fresh)["code"] == "not_open"
