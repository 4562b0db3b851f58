"""One exercise's events in one server process: a single channel-layer subscription, fanned
out to the process's sockets of that exercise.

Stock Channels gives every socket its own channel and group membership, and dispatches every
group message to every consumer through `aclose_old_connections` in a thread. Here the layer
delivers one message per process, the feed projects it once per viewer (`Frames`) and hands the
frames to the local sockets directly: no thread and no database for a live event.

The layer may drop a message (Channels is at-most-once): a message whose seq is not the next
one, or one without the stored event, makes the feed read the missing events from the log;
every `WARGAME_LIVE_CHECK_SECONDS` it also compares its last seq with the exercise's, for a
lost message at the end of the log, where no later one reveals the gap.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from typing import Any, Protocol

from channels.layers import BaseChannelLayer, get_channel_layer
from django.conf import settings

from exercises.services.events import group_name

from . import log as event_log
from .frames import Frames

logger = logging.getLogger(__name__)


class Socket(Protocol):
    def offer(self, frames: Frames) -> None: ...


class Feed:
    def __init__(self, public_id: str) -> None:
        self.public_id = public_id
        self.sockets: set[Socket] = set()
        self.last_seq = 0  # every event up to here went out to the sockets
        self._layer: BaseChannelLayer | None = None
        self._channel = ""
        self._filling = asyncio.Lock()
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        self._layer = get_channel_layer()
        if self._layer is not None:
            self._channel = await self._layer.new_channel()
            await self._layer.group_add(group_name(self.public_id), self._channel)
            self._tasks.append(asyncio.create_task(self._listen()))
        # Joined first, read second: an event committed in between is both heard and read,
        # never neither.
        self.last_seq = await event_log.last_seq(self.public_id)
        self._tasks.append(asyncio.create_task(self._check_every_while()))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._layer is not None and self._channel:
            await self._layer.group_discard(group_name(self.public_id), self._channel)

    async def _listen(self) -> None:
        assert self._layer is not None
        while True:
            message = await self._layer.receive(self._channel)
            try:
                await self.ring(message)
            except Exception:
                logger.exception("live feed of %s: could not pass on %r", self.public_id, message)

    async def _check_every_while(self) -> None:
        while True:
            await asyncio.sleep(settings.WARGAME_LIVE_CHECK_SECONDS)
            try:
                await self.check()
            except Exception:
                logger.exception("live feed of %s: checking the log failed", self.public_id)

    async def ring(self, message: dict[str, Any]) -> None:
        """A doorbell from the layer."""
        seq = message.get("seq")
        if not isinstance(seq, int) or seq <= self.last_seq:
            return
        if seq == self.last_seq + 1 and "event" in message:
            self.publish(Frames(message))
        else:
            await self.fill(through=seq)

    async def check(self) -> None:
        if self._layer is not None:
            # The in-memory layer forgets group members after a day; joining again is a no-op
            # where the member is still there.
            await self._layer.group_add(group_name(self.public_id), self._channel)
        if await event_log.last_seq(self.public_id) > self.last_seq:
            await self.fill()

    async def fill(self, through: int | None = None) -> None:
        """Pass on the events after `last_seq` (up to `through`) read from the log."""
        async with self._filling:
            while through is None or self.last_seq < through:
                page = await event_log.read(self.public_id, self.last_seq, through)
                for doorbell in page.doorbells:
                    self.publish(Frames(doorbell))
                if not page.full:
                    return

    def publish(self, frames: Frames) -> None:
        if frames.seq != self.last_seq + 1:
            return  # already passed on (a doorbell and a read of the log crossed)
        self.last_seq = frames.seq
        for socket in list(self.sockets):
            socket.offer(frames)


class Hub:
    """The feeds of one event loop (one server process): one per exercise with sockets."""

    def __init__(self) -> None:
        self.feeds: dict[str, Feed] = {}
        self._starting: dict[str, asyncio.Future[None]] = {}
        self._stopping: set[asyncio.Future[None]] = set()

    async def join(self, public_id: str, socket: Socket) -> None:
        feed = self.feeds.get(public_id)
        if feed is None:
            feed = self.feeds[public_id] = Feed(public_id)
            self._starting[public_id] = asyncio.ensure_future(feed.start())
        feed.sockets.add(socket)
        try:
            await asyncio.shield(self._starting[public_id])
        except BaseException:
            self.leave(public_id, socket)
            raise

    def leave(self, public_id: str, socket: Socket) -> None:
        feed = self.feeds.get(public_id)
        if feed is None or socket not in feed.sockets:
            return
        feed.sockets.discard(socket)
        if not feed.sockets:
            # Gone from the hub at once, so a socket arriving now starts a fresh feed.
            del self.feeds[public_id]
            starting = self._starting.pop(public_id)
            stopping = asyncio.ensure_future(self._stop(feed, starting))
            self._stopping.add(stopping)
            stopping.add_done_callback(self._stopping.discard)

    @staticmethod
    async def _stop(feed: Feed, starting: asyncio.Future[None]) -> None:
        with contextlib.suppress(Exception):
            await starting
        await feed.stop()


_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub] = weakref.WeakKeyDictionary()


def hub() -> Hub:
    """This event loop's hub (a server process runs one loop; tests run one per test)."""
    loop = asyncio.get_running_loop()
    found = _hubs.get(loop)
    if found is None:
        found = _hubs[loop] = Hub()
    return found
