"""Writing to a client whose buffer is full: the frames wait, in order, and nobody else does."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from exercises.live.stream import Stream
from exercises.models import Seat


def messages(sent: list[dict[str, Any]]) -> list[str]:
    return [json.loads(m["text"])["error"]["message"] for m in sent]


def test_frames_wait_behind_a_send_that_waits_for_room_and_keep_their_order() -> None:
    async def scenario() -> None:
        room = asyncio.Event()
        sent: list[dict[str, Any]] = []

        async def send(message: dict[str, Any]) -> None:
            await room.wait()  # as uvicorn does while the client's transport is paused
            sent.append(message)

        stream = Stream(Seat(kind=Seat.Kind.OBSERVER), "exercise", send)
        for n in range(3):
            stream.error("test", f"frame {n}")
        await asyncio.sleep(0.01)
        assert sent == []

        room.set()
        async with asyncio.timeout(60):  # each frame takes a turn of the loop: wait for all three
            while len(sent) < 3:
                await asyncio.sleep(0)
        assert messages(sent) == ["frame 0", "frame 1", "frame 2"]

        # with room again, a frame is written at once, in the caller's turn of the loop
        stream.error("test", "frame 3")
        assert messages(sent)[-1] == "frame 3"

    asyncio.run(scenario())


def test_a_client_that_is_gone_stops_the_stream_without_an_error_escaping() -> None:
    async def scenario() -> None:
        async def send(message: dict[str, Any]) -> None:
            raise OSError("the client went away")

        stream = Stream(Seat(kind=Seat.Kind.OBSERVER), "exercise", send)
        stream.error("test", "anyone there?")
        assert stream.closed

    asyncio.run(scenario())
