"""Bearer tokens for programs, the session bound by `/join/<token>` for browsers; never a token
in a query string."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import pytest
from django.core.handlers.asgi import ASGIRequest
from django.test import Client
from django.urls import resolve

from exercises.models import Event, Seat
from exercises.services import seats

if TYPE_CHECKING:
    from tests.api.conftest import Api, Game

pytestmark = pytest.mark.django_db


def test_a_token_in_the_query_string_is_ignored(api: Api, game: Game) -> None:
    token = game.tokens["anthropic"]

    response = api.get(game.url(f"?token={token}"))
    events = api.get(game.url(f"/events?since=0&token={token}"))

    assert response.status_code == 401
    assert events.status_code == 401
    assert not Seat.objects.get(exercise__public_id=game.id, role="anthropic").joined_at


@pytest.mark.parametrize("header", ["Basic abc", "Bearer", "Bearer ", "Token x", "x"])
def test_an_authorization_header_that_is_not_a_bearer_token_is_a_401(
    api: Api, game: Game, header: str
) -> None:
    response = api.get(game.url(), HTTP_AUTHORIZATION=header)

    assert response.status_code == 401
    assert "Bearer" in api.error_of(response)["message"]


def test_a_bearer_request_marks_its_seat_joined_once(api: Api, game: Game) -> None:
    for _ in range(3):
        api.get(game.url(), game.tokens["openai"])

    joined = Event.objects.filter(exercise__public_id=game.id, type="seat.joined")
    assert [e.data for e in joined] == [{"seat": "openai"}]


def test_a_bearer_post_needs_no_csrf_token(game: Game) -> None:
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        game.url("/ready"), HTTP_AUTHORIZATION=f"Bearer {game.tokens['anthropic']}"
    )

    assert response.status_code == 200
    assert response.json() == {"ok": True}
    ready = Event.objects.filter(exercise__public_id=game.id, type="role.ready")
    assert [e.data for e in ready] == [{"role": "anthropic"}]


def test_joining_binds_the_seat_to_the_browser_session(game: Game) -> None:
    browser = Client(enforce_csrf_checks=True)

    joined = browser.get(f"/join/{game.tokens['openai']}")
    view = browser.get(game.url())

    assert joined.status_code == 302
    assert joined["Location"] == f"/exercises/{game.id}/"
    assert view.status_code == 200
    assert view.json()["me"]["seat"] == "openai"
    assert Seat.objects.get(exercise__public_id=game.id, role="openai").joined_at


def test_a_session_post_without_the_csrf_token_is_refused(api: Api, game: Game) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.get(f"/join/{game.tokens['openai']}")

    refused = browser.post(game.url("/ready"), content_type="application/json")
    accepted = browser.post(
        game.url("/ready"),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=browser.cookies["csrftoken"].value,
    )

    assert refused.status_code == 403
    assert api.error_of(refused)["code"] == "csrf_failed"
    assert accepted.status_code == 200


def test_a_session_seat_opens_only_its_own_exercise(game: Game, other_game: Game) -> None:
    browser = Client()
    browser.get(f"/join/{game.tokens['openai']}")

    response = browser.get(other_game.url())

    assert response.status_code == 401


def test_one_browser_may_hold_seats_in_two_exercises(game: Game, other_game: Game) -> None:
    browser = Client()
    browser.get(f"/join/{game.tokens['openai']}")
    # Typed, or opened from a mail program (a link on another site would ask first).
    browser.get(f"/join/{other_game.tokens['gdm']}", headers={"Sec-Fetch-Site": "none"})

    assert browser.get(game.url()).json()["me"]["seat"] == "openai"
    assert browser.get(other_game.url()).json()["me"]["seat"] == "gdm"


def test_a_bad_join_link_is_a_404_page(game: Game) -> None:
    response = Client().get("/join/not-a-token")

    assert response.status_code == 404


def test_a_replaced_seat_loses_its_token_and_its_sessions(api: Api, game: Game) -> None:
    browser = Client()
    browser.get(f"/join/{game.tokens['openai']}")

    replaced = api.post(
        game.url("/control"),
        game.tokens["facilitator"],
        {"command": "replace_seat", "role": "openai"},
    )
    new = api.json(replaced)

    assert replaced.status_code == 200
    assert new["url"] == f"http://testserver/join/{new['token']}"
    assert api.get(game.url(), game.tokens["openai"]).status_code == 401
    assert browser.get(game.url()).status_code == 401
    assert api.get(game.url(), new["token"]).json()["me"]["seat"] == "openai"
    assert Client().get(new["url"].removeprefix("http://testserver")).status_code == 302


def test_a_body_longer_than_the_limit_is_refused_without_a_content_length(game: Game) -> None:
    # Under ASGI a chunked body has no Content-Length: the length read is what counts.
    path = game.url("/moves")
    scope = {
        "type": "http",
        "method": "POST",
        "path": path,
        "query_string": b"",
        "headers": [
            (b"host", b"testserver"),
            (b"authorization", f"Bearer {game.tokens['anthropic']}".encode()),
        ],
    }
    request = ASGIRequest(
        scope, io.BytesIO(b'{"action": "free_form", "rationale": "' + b"x" * 70_000 + b'"}')
    )
    match = resolve(path)

    response = match.func(request, **match.kwargs)

    assert response.status_code == 413


def test_the_facilitator_token_opens_the_view_with_everything(api: Api, game: Game) -> None:
    view = api.get(game.url(), game.tokens["facilitator"]).json()

    assert view["me"] == {"seat": "facilitator"}
    assert "misalignment_risk" in view["state"]
    assert seats.authenticate(game.id, game.tokens["facilitator"]).joined_at
