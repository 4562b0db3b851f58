"""What goes wrong: lost channel-layer messages, revoked seats and clients that send nonsense."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import override_settings

from exercises.services import commands, events
from tests.live.conftest import Game, act, connect, play


class Doorbells:
    """The channel layer losing the messages of chosen events (Channels is at-most-once)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.lose: set[int] = set()
        self.lost: list[int] = []
        self.hold: set[int] = set()
        self.held: list[tuple[str, dict[str, Any]]] = []
        self.ring = events._ring

        def lossy_ring(public_id: str, message: dict[str, Any]) -> None:
            if message["seq"] in self.lose:
                self.lost.append(message["seq"])
            elif message["seq"] in self.hold:
                self.held.append((public_id, message))
            else:
                self.ring(public_id, message)

        monkeypatch.setattr(events, "_ring", lossy_ring)

    def release(self) -> None:
        """Ring the held doorbells now, late."""
        for public_id, message in self.held:
            self.ring(public_id, message)
        self.held = []


@pytest.fixture
def doorbells(monkeypatch: pytest.MonkeyPatch) -> Doorbells:
    return Doorbells(monkeypatch)


@pytest.fixture
def slow_checks() -> Iterator[None]:
    # No periodic look at the log during the test: only the next doorbell can reveal a gap.
    with override_settings(WARGAME_LIVE_CHECK_SECONDS=3600):
        yield


def test_an_event_whose_message_was_lost_comes_before_the_next_one(
    game: Game, doorbells: Doorbells, slow_checks: None
) -> None:
    async def scenario() -> None:
        socket = await connect(game, "openai", since=await act(game.last_seq))
        # when the message of the first of two events is lost
        doorbells.lose.add(await act(game.last_seq) + 1)
        await act(game.say, "anthropic", ["openai"], "Lost on the wire.")
        await act(game.inject, "Heard")
        # then the client gets both, in order, once
        frames = await socket.take(2)
        assert [f["seq"] for f in frames] == [frames[0]["seq"], frames[0]["seq"] + 1]
        assert frames[0]["data"]["body"] == "Lost on the wire."
        assert frames[1]["data"]["title"] == "Heard"
        assert await socket.silent()
        await socket.close()

    play(scenario)
    assert len(doorbells.lost) == 1


def test_a_message_that_arrives_after_the_next_one_is_put_back_in_order(
    game: Game, doorbells: Doorbells, slow_checks: None
) -> None:
    async def scenario() -> None:
        socket = await connect(game, "openai", since=await act(game.last_seq))
        # when the first of two events' messages is overtaken by the second's (two processes)
        doorbells.hold.add(await act(game.last_seq) + 1)
        await act(game.say, "anthropic", ["openai"], "First.")
        await act(game.inject, "Second")
        await act(doorbells.release)
        # then the client gets them in order, once
        frames = await socket.take(2)
        assert frames[0]["data"]["body"] == "First."
        assert frames[1]["data"]["title"] == "Second"
        assert await socket.silent()
        await socket.close()

    play(scenario)


def test_a_lost_message_at_the_end_of_the_log_arrives_with_the_periodic_check(
    game: Game, doorbells: Doorbells
) -> None:
    async def scenario() -> None:
        with override_settings(WARGAME_LIVE_CHECK_SECONDS=0.1):
            socket = await connect(game, "observer", since=await act(game.last_seq))
            doorbells.lose.add(await act(game.last_seq) + 1)
            await act(game.inject, "Nobody rang")
            frame = await socket.next()
            assert frame["data"]["title"] == "Nobody rang"
            assert await socket.silent()
            await socket.close()

    play(scenario)
    assert len(doorbells.lost) == 1


def test_many_lost_messages_are_read_back_in_order_for_every_seat(
    game: Game, doorbells: Doorbells, slow_checks: None
) -> None:
    async def scenario() -> None:
        since = await act(game.last_seq)
        sockets = {n: await connect(game, n, since=since) for n in ("facilitator", "gdm")}
        joined = await act(game.last_seq)  # the two joins are events too
        doorbells.lose.update(range(joined + 1, joined + 8))
        for index in range(7):
            await act(game.say, "anthropic", ["gdm"] if index % 2 else "all", f"m{index}")
        await act(game.inject, "The end")
        for name, socket in sockets.items():
            expected = await act(game.visible, name, since)
            assert await socket.take(len(expected)) == expected, name
            assert await socket.silent()
            await socket.close()

    play(scenario)


def test_giving_a_seat_to_someone_else_closes_its_sockets(game: Game) -> None:
    async def scenario() -> None:
        held = await connect(game, "anthropic", since=await act(game.last_seq))
        neighbour = await connect(game, "openai", since=await act(game.last_seq))
        # when the facilitator gives anthropic's role to a new player
        await act(game.replace_seat, "anthropic")
        # then the old holder's socket is told so and closed; others stay
        frames = [await held.next()]
        while frames[-1]["type"] != "error":
            frames.append(await held.next())
        assert frames[-1]["error"]["code"] == "seat_revoked"
        assert [f["type"] for f in frames[:-1]] in ([], ["seat.replaced"])
        assert await held.closed_with() == 4410
        await act(game.inject, "Still here")
        assert (await neighbour.next())["data"]["title"] == "Still here"
        await neighbour.close()

    play(scenario)


def test_a_seat_revoked_while_away_is_closed_when_it_resumes(game: Game) -> None:
    async def scenario() -> None:
        socket = await connect(game, "gdm", since=None)
        await act(game.replace_seat, "gdm")
        await socket.resume(0)
        frame = await socket.next()
        assert frame["error"]["code"] == "seat_revoked"
        assert await socket.closed_with() == 4410

    play(scenario)


def test_giving_a_seat_to_a_bot_closes_its_sockets(game: Game) -> None:
    async def scenario() -> None:
        held = await connect(game, "anthropic", since=await act(game.last_seq))
        # when the facilitator gives anthropic's role to a bot
        await act(game.replace_seat, "anthropic", "no-pause")
        # then the old holder's socket is closed as for a new player, before it reads a word
        # of what the bot does or is sent
        await act(game.say, "gdm", ["anthropic"], "for anthropic only")
        frame = await held.next()
        assert frame["error"]["code"] == "seat_revoked"
        assert await held.closed_with() == 4410

    play(scenario)


@pytest.mark.parametrize(
    "frame",
    [
        "not json",
        "[1, 2]",
        '{"since": 0}',
        '{"type": "subscribe", "since": 0}',
        '{"type": "resume"}',
        '{"type": "resume", "since": -1}',
        '{"type": "resume", "since": "3"}',
        '{"type": "resume", "since": true}',
        '{"type": "resume", "since": 1.5}',
        '{"type": "resume", "since": 1' + "0" * 400 + "}",
        '{"type": "resume", "since": 1e400}',
        "[" * 100_000 + "]" * 100_000,
    ],
)
def test_a_bad_frame_gets_an_error_and_the_socket_stays_usable(game: Game, frame: str) -> None:
    async def scenario() -> None:
        socket = await connect(game, "observer", since=None)
        await socket.send_text(frame)
        error = await socket.next()
        assert error["type"] == "error" and error["error"]["code"] == "bad_message", error
        await socket.resume(0)
        expected = await act(game.visible, "observer")
        assert await socket.take(len(expected)) == expected
        await socket.close()

    play(scenario)


def test_a_binary_frame_gets_an_error(game: Game) -> None:
    async def scenario() -> None:
        socket = await connect(game, "observer", since=None)
        await socket.send_bytes(b'{"type": "resume", "since": 0}')
        assert (await socket.next())["error"]["code"] == "bad_message"
        await socket.close()

    play(scenario)


def test_a_second_resume_is_refused_without_repeating_anything(game: Game) -> None:
    async def scenario() -> None:
        socket = await connect(game, "observer")
        expected = await act(game.visible, "observer")
        assert await socket.take(len(expected)) == expected
        await socket.resume(0)
        assert (await socket.next())["error"]["code"] == "already_resumed"
        assert await socket.silent()
        await socket.close()

    play(scenario)


def test_a_resume_from_beyond_the_log_is_refused(game: Game) -> None:
    async def scenario() -> None:
        socket = await connect(game, "observer", since=await act(game.last_seq) + 100)
        assert (await socket.next())["error"]["code"] == "bad_since"
        await socket.resume(0)
        assert await socket.take(len(await act(game.visible, "observer")))
        await socket.close()

    play(scenario)


def test_the_new_player_of_a_replaced_seat_reads_the_roles_log_through(game: Game) -> None:
    async def scenario() -> None:
        # given anthropic's role given to a new player, then a message to it
        facilitator = await act(game.seat, "facilitator")
        token = await act(commands.replace_seat, facilitator, "anthropic", None)
        assert token is not None
        await act(game.say, "openai", ["anthropic"], "Welcome.")
        # when the new player's socket reads the role's log from the start
        renewed = Game(game.public_id, {**game.tokens, "anthropic": token})
        socket = await connect(renewed, "anthropic", since=0)
        # then the replacement in it holds up nothing: every event comes, the last included
        expected = await act(renewed.visible, "anthropic")
        assert await socket.take(len(expected)) == expected
        assert expected[-1]["data"]["body"] == "Welcome."
        await socket.close()

    play(scenario)
