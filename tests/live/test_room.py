"""The room view's stream (`/ws/exercises/{id}/room/`): opened by the facilitator, it streams
exactly what the observer's seat gets, and closes when the facilitator's link is replaced."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from django.contrib.auth.models import User

from exercises.services import operators
from tests.live.conftest import Socket, act, bearer, play

if TYPE_CHECKING:
    from tests.live.conftest import Game


def room_path(game: Game) -> str:
    return f"/ws/exercises/{game.public_id}/room/"


def test_the_room_stream_is_the_observers_stream(game: Game) -> None:
    async def scenario() -> None:
        await act(game.say, "anthropic", ["openai"], "Between us.")
        await act(game.inject, "On the wall")
        room = await Socket(room_path(game), bearer(game.tokens["facilitator"])).open()
        await room.resume(0)

        expected = await act(game.visible, "observer")
        got = await room.take(len(expected))

        assert got == expected
        await act(game.say, "anthropic", ["openai"], "Still between us.")
        await act(game.say, "openai", "all", "To the room.")
        assert (await room.next())["data"]["body"] == "To the room."
        await room.close()

    play(scenario)


@pytest.mark.parametrize("seat", ["observer", "anthropic"])
def test_only_the_facilitator_opens_the_room_stream(game: Game, seat: str) -> None:
    async def scenario() -> None:
        socket = await Socket(room_path(game), bearer(game.tokens[seat])).open()
        frame = await socket.next()
        assert frame["error"]["code"] == "forbidden"
        assert await socket.closed_with() == 4403

    play(scenario)


def test_a_new_facilitator_link_closes_the_old_facilitators_streams(game: Game) -> None:
    operator = User.objects.create_superuser("root", password="a long password")

    async def scenario() -> None:
        since = await act(game.last_seq)
        console = await Socket(game.path, bearer(game.tokens["facilitator"])).open()
        room = await Socket(room_path(game), bearer(game.tokens["facilitator"])).open()
        await console.resume(since)
        await room.resume(since)

        await act(operators.new_facilitator_token, operator, game.public_id)

        for socket in (console, room):
            frame = await socket.next()
            while frame["type"] != "error":
                frame = await socket.next()
            assert frame["error"]["code"] == "seat_revoked"
            assert await socket.closed_with() == 4410

    play(scenario)
