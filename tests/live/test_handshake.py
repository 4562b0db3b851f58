"""Who may open the stream: a bearer header, or a session cookie from one of our own pages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings
from django.test import Client

from tests.live.conftest import Socket, act, bearer, play

if TYPE_CHECKING:
    from tests.live.conftest import Game

REFUSED = {"unauthorized": 4401, "forbidden": 4403, "not_found": 4404}


def session_cookie(game: Game, name: str) -> tuple[bytes, bytes]:
    """The cookie of a browser that opened the seat's /join/ link."""
    client = Client()
    assert client.get(f"/join/{game.tokens[name]}").status_code == 302
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    return (b"cookie", cookie.encode())


async def refusal(path: str, headers: list[tuple[bytes, bytes]]) -> tuple[str, int]:
    """The error code and the close code a refused handshake gets."""
    socket = await Socket(path, headers).open()
    frame = await socket.next()
    assert set(frame) == {"type", "error"} and frame["type"] == "error", frame
    assert frame["error"]["message"], frame
    return frame["error"]["code"], await socket.closed_with()


def test_a_bearer_handshake_needs_no_origin(game: Game) -> None:
    async def scenario() -> None:
        socket = await Socket(game.path, bearer(game.tokens["openai"])).open()
        await socket.resume(0)
        assert await socket.take(len(await act(game.visible, "openai")))
        await socket.close()

    play(scenario)


def test_a_cookie_handshake_from_an_allowed_origin_streams_the_sessions_seat(game: Game) -> None:
    cookie = session_cookie(game, "openai")

    async def scenario() -> None:
        socket = await Socket(game.path, [cookie, (b"origin", b"http://localhost:8000")]).open()
        await socket.resume(0)
        assert await socket.take(len(await act(game.visible, "openai")))
        await act(game.say, "anthropic", ["openai"], "Cookie jar.")
        assert (await socket.next())["data"]["body"] == "Cookie jar."
        await socket.close()

    play(scenario)


@pytest.mark.parametrize("origin", [None, b"https://evil.example", b"null", b"localhost"])
def test_a_cookie_handshake_without_an_allowed_origin_is_refused(
    game: Game, origin: bytes | None
) -> None:
    headers = [session_cookie(game, "openai")]
    if origin is not None:
        headers.append((b"origin", origin))

    assert play(lambda: refusal(game.path, headers)) == ("forbidden", 4403)


def test_a_handshake_without_credentials_is_refused(game: Game) -> None:
    headers = [(b"origin", b"http://localhost")]

    assert play(lambda: refusal(game.path, headers)) == ("unauthorized", 4401)


def test_a_token_in_the_query_string_is_not_accepted(game: Game) -> None:
    path = f"{game.path}?token={game.tokens['openai']}"

    assert play(lambda: refusal(path, [])) == ("unauthorized", 4401)


@pytest.mark.parametrize("header", [b"Bearer not-a-token", b"Basic b3BlbmFpOg==", b"Bearer "])
def test_a_bad_authorization_header_is_refused_even_with_a_good_cookie(
    game: Game, header: bytes
) -> None:
    headers = [(b"authorization", header), session_cookie(game, "openai")]
    headers.append((b"origin", b"http://localhost"))

    assert play(lambda: refusal(game.path, headers)) == ("unauthorized", 4401)


def test_a_token_of_another_exercise_is_forbidden(game: Game, other_game: Game) -> None:
    headers = bearer(other_game.tokens["openai"])

    assert play(lambda: refusal(game.path, headers)) == ("forbidden", 4403)


def test_a_token_for_an_exercise_that_does_not_exist_gets_not_found(game: Game) -> None:
    headers = bearer(game.tokens["openai"])

    assert play(lambda: refusal("/ws/exercises/nosuchexercise/", headers)) == ("not_found", 4404)


def test_a_session_of_another_exercise_opens_nothing_here(game: Game, other_game: Game) -> None:
    headers = [session_cookie(other_game, "openai"), (b"origin", b"http://localhost")]

    assert play(lambda: refusal(game.path, headers)) == ("unauthorized", 4401)


def test_the_first_handshake_marks_the_seat_joined(game: Game) -> None:
    assert game.seat("gdm").joined_at is None

    async def scenario() -> None:
        socket = await Socket(game.path, bearer(game.tokens["gdm"])).open()
        await socket.close()

    play(scenario)
    assert game.seat("gdm").joined_at is not None


def test_an_address_whose_handshakes_keep_failing_is_told_to_wait(
    game: Game, settings: Any
) -> None:
    # given an address allowed two failures at once, and none back while the test runs
    settings.WARGAME_ANONYMOUS_RATE = 0.001
    settings.WARGAME_ANONYMOUS_BURST = 2
    wrong = bearer("not-a-token")

    # when it sends three handshakes with a wrong token, then one with a right one
    async def scenario() -> list[tuple[str, int]]:
        refused = [await refusal(game.path, wrong) for _ in range(3)]
        return [*refused, await refusal(game.path, bearer(game.tokens["openai"]))]

    # then the third and the fourth are told to wait, the right token included
    assert play(scenario) == [
        ("unauthorized", 4401),
        ("unauthorized", 4401),
        ("rate_limited", 4429),
        ("rate_limited", 4429),
    ]
