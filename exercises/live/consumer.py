"""`/ws/exercises/{id}/`: the Channels consumer of the live stream.

Thin: it authenticates the handshake, hands the socket to its exercise's feed and passes the
client's `resume` on. It has no channel of its own (the feed listens for the whole process),
and it skips Channels' per-message `aclose_old_connections`: it touches the database only
through `database_sync_to_async`, which gives connections back itself.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncWebsocketConsumer

from exercises.models import Seat
from exercises.services import room
from exercises.services.errors import ServiceError

from .auth import handshake_seat
from .feed import hub
from .log import on_the_pool
from .stream import INTERNAL_ERROR, Stream, error_frame

MAX_SEQ = 2**62  # as the API's `since`: a larger number overflows the database's integer

logger = logging.getLogger(__name__)

# No layer by this name: Channels then gives the consumer no channel and no layer to listen to.
NO_CHANNEL_LAYER = "wargame.live.no-layer"


class ExerciseConsumer(AsyncWebsocketConsumer):
    channel_layer_alias = NO_CHANNEL_LAYER
    stream: Stream | None = None

    async def dispatch(self, message: dict[str, Any]) -> None:
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"no handler for message type {message['type']}")
        await handler(message)

    async def connect(self) -> None:
        public_id: str = self.scope["url_route"]["kwargs"]["public_id"]
        try:
            seat = await handshake_seat(self.scope, public_id)
            stream = await self.stream_for(seat, public_id)
        except ServiceError as refused:
            await self.refuse(4000 + refused.status, refused.code, refused.message)
            return
        try:
            await hub().join(public_id, stream)
        except Exception:
            logger.exception("live stream of %s: could not follow the exercise", public_id)
            await self.refuse(INTERNAL_ERROR, "unavailable", "the live stream is unavailable")
            return
        self.stream = stream
        # Accepted once the seat is known, marked joined and followed: a client that is in, is.
        await self.accept()

    async def stream_for(self, seat: Seat, public_id: str) -> Stream:
        return Stream(seat, public_id, self.base_send)

    async def refuse(self, code: int, error: str, message: str) -> None:
        # Accepted, then closed, so that the client learns why: an error frame and a code.
        await self.accept()
        await self.send(text_data=error_frame(error, message))
        await self.close(code=code, reason=message[:120])

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        stream = self.stream
        if stream is None or stream.closed:
            return
        since = resume_since(text_data)
        if isinstance(since, int):
            stream.resume(since)
        else:
            stream.error("bad_message", since)

    async def disconnect(self, code: int) -> None:
        if self.stream is not None:
            hub().leave(self.stream.public_id, self.stream)
            self.stream.stop()


class RoomConsumer(ExerciseConsumer):
    """`/ws/exercises/{id}/room/`: the observer's stream, for the facilitator's room view."""

    async def stream_for(self, seat: Seat, public_id: str) -> Stream:
        observer = await on_the_pool(room.observer_seat)(seat)
        return Stream(observer, public_id, self.base_send, holder=seat)


def resume_since(text: str | None) -> int | str:
    """The `since` of a `{"type": "resume", "since": N}` frame, or what is wrong with it."""
    if text is None:
        return 'send text frames: {"type": "resume", "since": N}'
    try:
        message = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: arrays nested thousands deep
        return "a frame must be a JSON object"
    if not isinstance(message, dict) or message.get("type") != "resume":
        return 'the only message is {"type": "resume", "since": N}'
    since = message.get("since")
    if isinstance(since, bool) or not isinstance(since, int) or not 0 <= since <= MAX_SEQ:
        return "since must be a whole number from 0 to 2**62: the last seq you saw"
    return since
