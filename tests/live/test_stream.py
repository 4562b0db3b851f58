"""The stream: resume from a seq, then live events, each seat seeing what the HTTP API shows it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.live.conftest import ROLES, act, connect, play

if TYPE_CHECKING:
    from tests.live.conftest import Game

SEATS = ("facilitator", "observer", *ROLES)


def test_a_seat_resuming_from_zero_gets_every_event_it_may_see_in_order(game: Game) -> None:
    # given a log with public, private and facilitator-only events
    game.say("anthropic", ["openai"], "Call me.")
    game.move("anthropic", "We brief the White House first.")

    async def scenario() -> None:
        for name in SEATS:
            # when the seat resumes from 0 (its own join is one more event, for the facilitator)
            socket = await connect(game, name)
            expected = await act(game.visible, name)
            # then it gets exactly what the HTTP API shows it, in order, and nothing more
            assert await socket.take(len(expected)) == expected
            assert await socket.silent()
            await socket.close()

    play(scenario)


def test_a_seat_resuming_from_a_seq_gets_only_the_events_after_it(game: Game) -> None:
    game.inject("Leak")
    since = game.last_seq()
    game.inject("Second leak")
    game.say("openai", "all", "We deny everything.")

    async def scenario() -> None:
        socket = await connect(game, "observer", since=since)
        frames = await socket.take(2)
        assert [f["seq"] > since for f in frames] == [True, True]
        assert frames == (await act(game.visible, "observer", since))[:2]
        assert frames[0]["data"]["title"] == "Second leak"
        assert frames[1]["data"]["body"] == "We deny everything."
        await socket.close()

    play(scenario)


def test_live_events_follow_the_backlog_as_they_happen(game: Game) -> None:
    async def scenario() -> None:
        socket = await connect(game, "observer")
        backlog = await socket.take(len(await act(game.visible, "observer")))
        await act(game.inject, "Breaking news")
        live = await socket.next()
        assert live["type"] == "inject" and live["data"]["title"] == "Breaking news"
        assert live["seq"] > backlog[-1]["seq"]
        assert set(live) == {"seq", "type", "turn", "at", "data"}
        await socket.close()

    play(scenario)


def test_a_private_message_reaches_its_roles_and_the_facilitator_only(game: Game) -> None:
    async def scenario() -> None:
        sockets = {name: await connect(game, name, since=None) for name in SEATS}
        since = await act(game.last_seq)
        for socket in sockets.values():
            await socket.resume(since)

        # when anthropic writes to openai alone, and then says something to everyone
        await act(game.say, "anthropic", ["openai"], "Secret: we pause on Monday.")
        await act(game.say, "anthropic", "all", "Public: we are thinking.")

        # then the two of them and the facilitator get the secret; gdm and the observer don't
        for name in ("facilitator", "anthropic", "openai"):
            bodies = [f["data"]["body"] for f in await sockets[name].take(2)]
            assert bodies == ["Secret: we pause on Monday.", "Public: we are thinking."], name
        for name in ("gdm", "observer"):
            bodies = [f["data"]["body"] for f in await sockets[name].take(1)]
            assert bodies == ["Public: we are thinking."], name
        for name, socket in sockets.items():
            assert await socket.silent(), name
            await socket.close()

    play(scenario)


def test_each_seat_sees_live_what_the_http_api_shows_it(game: Game) -> None:
    async def scenario() -> None:
        sockets = {name: await connect(game, name, since=None) for name in SEATS}
        since = await act(game.last_seq)
        for socket in sockets.values():
            await socket.resume(since)

        # when moves (whole to their role, redacted to others), messages and injects happen
        await act(game.move, "anthropic", "We brief the White House first.")
        await act(game.say, "openai", ["gdm"], "A word, privately.")
        await act(game.inject, "Leak")
        await act(game.move, "gdm", "We open the weights.")

        # then each socket got what the HTTP projection shows that seat, no more, no less
        for name, socket in sockets.items():
            expected = await act(game.visible, name, since)
            assert await socket.take(len(expected)) == expected, name
            assert await socket.silent(), name
            await socket.close()
        # and no role ever got another role's move in full
        secrets = [e for e in await act(game.visible, "facilitator", since)]
        moved = [e for e in secrets if e["type"] == "move.submitted"]
        assert {e["data"]["role"] for e in moved} == {"anthropic", "gdm"}
        openai_view = await act(game.visible, "openai", since)
        assert "We brief the White House first." not in str(openai_view)
        assert "We open the weights." not in str(openai_view)

    play(scenario)


def test_a_client_that_reconnects_with_its_last_seq_misses_nothing_and_sees_nothing_twice(
    game: Game,
) -> None:
    async def scenario() -> None:
        # given a client that saw the backlog and one live event, then lost its connection
        socket = await connect(game, "anthropic")
        seen = await socket.take(len(await act(game.visible, "anthropic")))
        await act(game.inject, "Before the cut")
        seen.append(await socket.next())
        await socket.close()

        # when events happen while it is away and it reconnects with the last seq it saw
        await act(game.inject, "While away")
        await act(game.say, "openai", ["anthropic"], "Are you there?")
        socket = await connect(game, "anthropic", since=seen[-1]["seq"])
        seen += await socket.take(2)
        await act(game.inject, "After the return")
        seen.append(await socket.next())

        # then it has seen every event it may see exactly once, in order
        assert seen == await act(game.visible, "anthropic")
        assert await socket.silent()
        await socket.close()

    play(scenario)


@pytest.mark.parametrize("name", ["anthropic", "observer"])
def test_a_resume_from_the_last_seq_gets_only_live_events(game: Game, name: str) -> None:
    async def scenario() -> None:
        socket = await connect(game, name, since=await act(game.last_seq))
        assert await socket.silent()
        await act(game.inject, "Now")
        assert (await socket.next())["data"]["title"] == "Now"
        await socket.close()

    play(scenario)


def test_sockets_of_one_seat_each_get_every_event(game: Game) -> None:
    async def scenario() -> None:
        first = await connect(game, "openai", since=await act(game.last_seq))
        second = await connect(game, "openai", since=await act(game.last_seq))
        await act(game.say, "anthropic", ["openai"], "Both tabs?")
        assert (await first.next())["data"]["body"] == "Both tabs?"
        assert (await second.next())["data"]["body"] == "Both tabs?"
        await first.close()
        await act(game.say, "anthropic", ["openai"], "Just one.")
        assert (await second.next())["data"]["body"] == "Just one."
        await second.close()

    play(scenario)
