"""Who may call what: every route against every kind of caller, as one table."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from exercises.api.routes import ROUTES
from exercises.services import moves, notes, seats

if TYPE_CHECKING:
    from tests.api.conftest import Api, Game

pytestmark = pytest.mark.django_db

CALLERS = ["anthropic", "openai", "observer", "facilitator", "no token", "other exercise"]

# route: (method, path under the exercise, body); `{move}` is a free-form move of anthropic's.
REQUESTS = {
    "view": ("GET", "", None),
    "events": ("GET", "/events", None),
    "submit": (
        "POST",
        "/moves",
        {"action": "free_form", "rationale": "Talk.", "idempotency_key": "k"},
    ),
    "check": ("POST", "/moves/check", {"checks": [{"action": "continue_scaling"}]}),
    "withdraw": ("DELETE", "/moves/{move}", None),
    "ready": ("POST", "/ready", None),
    "vote": ("POST", "/moves/{move}/votes", {"chance": 0.5}),
    "message": ("POST", "/messages", {"to": "all", "body": "Hello."}),
    "control": ("POST", "/control", {"command": "pause"}),
    "ruling": ("POST", "/rulings", {"move": "{move}", "chance": 0.5}),
    "note": ("POST", "/notes", {"text": "A note."}),
    "edit note": ("PATCH", "/notes/{note}", {"text": "Changed."}),
    "delete note": ("DELETE", "/notes/{note}", None),
    "export": ("GET", "/export", None),
}

# fmt: off
#             anthropic openai observer facilitator no-token other-exercise
MATRIX = {
    "view":     (200,      200,   200,     200,        401,     403),
    "events":   (200,      200,   200,     200,        401,     403),
    "submit":   (201,      201,   403,     403,        401,     403),
    "check":    (200,      200,   403,     403,        401,     403),
    "withdraw": (200,      404,   403,     403,        401,     403),  # only the move's own role
    "ready":    (200,      200,   403,     403,        401,     403),
    "vote":     (200,      200,   403,     403,        401,     403),
    "message":  (201,      201,   403,     201,        401,     403),
    "control":  (403,      403,   403,     200,        401,     403),
    "ruling":   (403,      403,   403,     200,        401,     403),
    "note":     (403,      403,   403,     201,        401,     403),
    "edit note": (403,     403,   403,     200,        401,     403),
    "delete note": (403,   403,   403,     200,        401,     403),
    "export":   (200,      200,   200,     200,        401,     403),
}
# fmt: on

CASES = [
    pytest.param(route, caller, status, id=f"{route}-{caller}".replace(" ", "-"))
    for route, statuses in MATRIX.items()
    for caller, status in zip(CALLERS, statuses, strict=True)
]


def token_of(caller: str, game: Game, other_game: Game) -> str | None:
    if caller == "no token":
        return None
    if caller == "other exercise":
        return other_game.tokens["anthropic"]
    return game.tokens[caller]


def free_form_move(game: Game) -> str:
    seat = seats.seat_by_token(game.tokens["anthropic"])
    move, _ = moves.submit_move(seat, "free_form", {}, "We ask the others to pause with us.")
    return move.public_id


def a_note(game: Game) -> str:
    seat = seats.seat_by_token(game.tokens["facilitator"])
    return str(notes.add_note(seat, "Anthropic hesitates.").pk)


@pytest.mark.parametrize(("route", "caller", "status"), CASES)
def test_only_the_documented_seats_may_call_each_route(
    api: Api, game: Game, other_game: Game, route: str, caller: str, status: int
) -> None:
    # given
    move, note = free_form_move(game), a_note(game)
    method, suffix, body = REQUESTS[route]
    if body is not None:
        body = {k: v.replace("{move}", move) if isinstance(v, str) else v for k, v in body.items()}
    path = suffix.replace("{move}", move).replace("{note}", note)

    # when
    response = api.call(method, game.url(path), token_of(caller, game, other_game), body)

    # then
    assert response.status_code == status, response.content
    if status >= 400:
        api.error_of(response)


def test_the_matrix_covers_every_route_of_the_table() -> None:
    covered = {(m, "/exercises/{id}" + p) for m, p, _ in REQUESTS.values()}
    served = {(r.method, r.path) for r in ROUTES if r.auth}
    assert covered == served


def test_a_token_for_an_exercise_that_does_not_exist_gets_a_404(api: Api, game: Game) -> None:
    response = api.get("/api/v1/exercises/nope", game.tokens["anthropic"])

    assert response.status_code == 404
    assert api.error_of(response)["code"] == "not_found"


def test_a_token_that_opens_no_seat_gets_a_401(api: Api, game: Game) -> None:
    response = api.get(game.url(), "not-a-token")

    assert response.status_code == 401
    assert api.error_of(response)["code"] == "unauthorized"


def test_a_bot_seat_cannot_be_played_by_its_old_token(api: Api, game: Game) -> None:
    api.post(
        game.url("/control"),
        game.tokens["facilitator"],
        {"command": "replace_seat", "role": "openai", "bot_policy": "no-pause"},
    )

    response = api.post(game.url("/moves"), game.tokens["openai"], {"action": "continue_scaling"})
    reading = api.get(game.url(), game.tokens["openai"])

    # the old token opens nothing any more, as when the role goes to a new player
    assert response.status_code == 401
    assert reading.status_code == 401
    assert "briefing" not in reading.content.decode()
