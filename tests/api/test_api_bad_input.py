"""Bad requests get the error shape and a clear message, write nothing, and never a 500."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest
from django.test import override_settings

from exercises.models import Event, Message, Move

if TYPE_CHECKING:
    from tests.api.conftest import Api, Game

pytestmark = pytest.mark.django_db

KIB = 1024


def deep(levels: int) -> Any:
    value: Any = 1
    for _ in range(levels - 1):
        value = {"a": value}
    return value


def rows() -> tuple[int, int, int]:
    return Move.objects.count(), Message.objects.count(), Event.objects.count()


# (route, raw body, status, code, words the message must hold)
CASES = [
    (
        "/moves",
        json.dumps({"action": "free_form", "rationale": "x" * 64 * KIB}),
        413,
        "too_large",
        "64 KiB",
    ),
    ("/moves", json.dumps({"action": "free_form", "params": deep(21)}), 400, "too_deep", "20"),
    ("/moves", "[" * 30_000 + "]" * 30_000, 400, "too_deep", "20"),
    ("/moves", json.dumps({"action": 7}), 400, "invalid", "'action'"),
    (
        "/moves",
        json.dumps({"action": "continue_scaling", "params": []}),
        400,
        "invalid",
        "'params'",
    ),
    ("/moves", json.dumps({"action": "lobby_congress"}), 400, "move_rejected", "'lobby_congress'"),
    (
        "/moves",
        json.dumps({"action": "continue_scaling", "colour": "red"}),
        400,
        "invalid",
        "unknown field 'colour'",
    ),
    (
        "/moves",
        json.dumps({"action": "continue_scaling", "status": "succeeded"}),
        400,
        "invalid",
        "'status' is set by the server",
    ),
    (
        "/moves",
        json.dumps({"action": "continue_scaling", "id": "m1"}),
        400,
        "invalid",
        "'id' is set by the server",
    ),
    (
        "/moves",
        json.dumps({"action": "continue_scaling", "role": "openai"}),
        400,
        "invalid",
        "'role' is set by the server",
    ),
    (
        "/moves",
        json.dumps({"action": "continue_scaling", "turn": 3}),
        400,
        "invalid",
        "'turn' is set by the server",
    ),
    ("/moves", "action=continue_scaling", 400, "invalid_json", "not valid JSON"),
    ("/moves", "", 400, "invalid_json", "empty"),
    ("/moves", b"\xff\xfe{}", 400, "invalid_json", "UTF-8"),
    ("/moves", '{"action": "free_form", "rationale": NaN}', 400, "invalid_json", "NaN"),
    ("/moves", json.dumps([{"action": "continue_scaling"}]), 400, "invalid_json", "an array"),
    ("/moves", json.dumps("continue_scaling"), 400, "invalid_json", "a string"),
    (
        "/moves",
        '{"action": "free_form", "rationale": "x", "params": {"n": 1' + "0" * 5000 + "}}",
        400,
        "invalid_json",
        "not valid JSON",
    ),
    ("/messages", json.dumps({"to": "gdm", "body": "hi"}), 400, "invalid", "'to'"),
    ("/messages", json.dumps({"to": ["gdm"], "body": ""}), 400, "invalid", "'body'"),
    ("/messages", json.dumps({"body": "hi"}), 400, "invalid", '"to"'),
    ("/messages", json.dumps({"to": ["nobody"], "body": "hi"}), 400, "invalid", "'nobody'"),
    # PostgreSQL's text columns cannot hold a NUL; a lone surrogate is not UTF-8 at all.
    (
        "/messages",
        '{"to": ["gdm"], "body": "a\\u0000b"}',
        400,
        "invalid",
        "'body': the text holds a NUL",
    ),
    ("/moves", '{"action": "free_form", "rationale": "\\ud800"}', 400, "invalid", "'rationale'"),
    ("/moves", '{"action": "free_form", "params": {"a\\u0000": 1}}', 400, "invalid", "NUL"),
]
# fmt: on


@pytest.mark.parametrize(
    ("suffix", "raw", "status", "code", "words"),
    [pytest.param(*case, id=f"{case[0]}-{case[3]}-{n}") for n, case in enumerate(CASES)],
)
def test_a_bad_body_is_refused_with_a_clear_error_and_writes_nothing(
    api: Api, game: Game, suffix: str, raw: str, status: int, code: str, words: str
) -> None:
    # given
    token = game.tokens["anthropic"]
    api.get(game.url(), token)  # the seat's first use is recorded; count after it
    before = rows()

    # when
    response = api.call("POST", game.url(suffix), token, raw=raw)

    # then
    assert response.status_code == status, response.content
    error = api.error_of(response)
    assert error["code"] == code
    assert words in error["message"]
    assert rows() == before


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"command": "launch"}, "'launch'"),
        ({}, "'command'"),
        ({"command": "extend", "seconds": "60"}, "'seconds'"),
        ({"command": "extend", "seconds": 0}, "'seconds'"),
        (
            {"command": "set_state", "variable": "public_concern", "value": "high", "reason": "r"},
            "public_concern is a number",  # a string is a value only for a text or a choice
        ),
        (
            {"command": "set_state", "variable": "public_concern", "value": {}, "reason": "r"},
            "'value'",
        ),
        ({"command": "pause", "turn": 2}, "'turn' is set by the server"),
        ({"command": "inject", "inject": "no_such_inject"}, "'no_such_inject'"),
        ({"command": "set_state", "variable": "nope", "value": 1, "reason": "r"}, "'nope'"),
        ({"command": "replace_seat", "role": "nobody"}, "'nobody'"),
    ],
)
def test_a_bad_control_command_is_refused_and_names_the_problem(
    api: Api, game: Game, body: dict[str, Any], words: str
) -> None:
    token = game.tokens["facilitator"]
    api.get(game.url(), token)
    before = rows()

    response = api.post(game.url("/control"), token, body)

    assert response.status_code == 400, response.content
    assert words in api.error_of(response)["message"]
    assert rows() == before


@pytest.mark.parametrize(
    "body",
    [
        {"move": "m"},
        {"move": "m", "chance": 0.5, "outcome": "success"},
        {"move": "m", "chance": 1.5},
        {"move": "m", "outcome": "maybe"},
        {"move": "m", "outcome": "success", "changes": [{"variable": "public_concern"}]},
    ],
)
def test_a_malformed_ruling_is_a_400(api: Api, game: Game, body: dict[str, Any]) -> None:
    response = api.post(game.url("/rulings"), game.tokens["facilitator"], body)

    assert response.status_code == 400, response.content
    api.error_of(response)


def test_authentication_is_checked_before_the_body(api: Api, game: Game) -> None:
    response = api.call("POST", game.url("/moves"), None, raw="x" * 100 * KIB)

    assert response.status_code == 401


def test_the_body_size_is_checked_before_its_shape(api: Api, game: Game) -> None:
    response = api.call("POST", game.url("/moves"), game.tokens["anthropic"], raw="[" * 70 * KIB)

    assert response.status_code == 413


def test_the_shape_is_checked_before_permission(api: Api, game: Game) -> None:
    response = api.post(game.url("/moves"), game.tokens["observer"], {"action": 1})

    assert response.status_code == 400


def test_a_body_of_exactly_64_kib_is_accepted(api: Api, game: Game) -> None:
    body = {"action": "free_form", "rationale": ""}
    body["rationale"] = "x" * (64 * KIB - len(json.dumps(body)))

    response = api.call("POST", game.url("/moves"), game.tokens["anthropic"], raw=json.dumps(body))

    assert response.status_code == 201, response.content[:200]


def test_a_declared_length_over_the_limit_is_refused_before_reading(api: Api, game: Game) -> None:
    response = api.call(
        "POST", game.url("/ready"), game.tokens["anthropic"], raw="{}", CONTENT_LENGTH="70000"
    )

    assert response.status_code == 413
    assert api.error_of(response)["code"] == "too_large"


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024)
def test_djangos_own_upload_limit_becomes_a_json_413(api: Api, game: Game) -> None:
    body = json.dumps({"action": "free_form", "rationale": "x" * 2 * KIB})

    response = api.call("POST", game.url("/moves"), game.tokens["anthropic"], raw=body)

    assert response.status_code == 413
    assert api.error_of(response)["code"] == "too_large"


@pytest.mark.parametrize("since", ["x", "-1", "1.5", "9" * 40])
def test_a_bad_since_is_a_400(api: Api, game: Game, since: str) -> None:
    response = api.get(game.url(f"/events?since={since}"), game.tokens["anthropic"])

    assert response.status_code == 400
    assert "'since'" in api.error_of(response)["message"]


def test_an_unknown_route_under_the_api_is_a_json_404(api: Api, game: Game) -> None:
    for path in ["/api/v1/nope", game.url("/nope"), game.url("/"), "/api/v2/exercises", "/api"]:
        response = api.get(path, game.tokens["anthropic"])

        assert response.status_code == 404, path
        assert api.error_of(response)["code"] == "no_route"


def test_a_method_a_route_does_not_take_is_a_json_405(api: Api, game: Game) -> None:
    response = api.call("PUT", game.url("/moves"), game.tokens["anthropic"], {})

    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert api.error_of(response)["code"] == "method_not_allowed"


HUGE = "1" + "0" * 400  # past float range; Python reads it as an int, 1e400 as infinity


DATASETS = '{"action": "add_alignment_datasets", "params": {"count": %s}}'
SET_STATE = '{"command": "set_state", "variable": "public_concern", "value": %s, "reason": "r"}'
CHANGE = '{"variable": "public_concern", "delta": %s, "reason": "r"}'


@pytest.mark.parametrize(
    ("suffix", "seat", "raw", "field"),
    [
        ("/moves", "anthropic", DATASETS, "params.count"),
        ("/moves/check", "anthropic", '{"checks": [' + DATASETS + "]}", "checks.0.params.count"),
        ("/control", "facilitator", SET_STATE, "value"),
        ("/control", "facilitator", '{"command": "extend", "seconds": %s}', "seconds"),
        ("/rulings", "facilitator", '{"move": "m", "chance": %s}', "chance"),
        (
            "/rulings",
            "facilitator",
            '{"move": "m", "outcome": "success", "changes": [' + CHANGE + "]}",
            "changes.0.delta",
        ),
    ],
)
@pytest.mark.parametrize("number", [HUGE, "-" + HUGE, "1e400", "-1e400", "1e300", str(2**53 + 1)])
def test_a_number_past_2_to_the_53_is_a_400_naming_its_field(
    api: Api, game: Game, suffix: str, seat: str, raw: str, field: str, number: str
) -> None:
    token = game.tokens[seat]
    api.get(game.url(), token)
    before = rows()

    response = api.call("POST", game.url(suffix), token, raw=raw % number)

    assert response.status_code == 400, response.content
    error = api.error_of(response)
    assert error["code"] == "invalid"
    assert f"'{field}'" in error["message"] and "2**53" in error["message"]
    assert rows() == before
