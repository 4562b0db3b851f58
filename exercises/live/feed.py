"""One exercise's events in one server process: a single channel-layer subscription, fanned
out to the process's sockets of that exercise.

Stock Channels gives every socket its own channel and group membership, and dispatches every
group message to every consumer through `aclose_old_connections` in a thread. Here the layer
delivers one message per process, the feed projects it once per viewer (`Frames`) and hands the
frames to the local sockets directly: no thread and no database for a live event.

The layer may drop a message (Channels is at-most-once): when the next seq has not come a
moment (`GAP_GRACE`) after a later one, or a message comes without the stored event, the feed
reads the missing events from the log; the hub also compares every feed with the log now and
then (`Hub.check`), for a lost message at the end of the log.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from collections.abc import Coroutine
from typing import Any, Protocol

from channels.layers import BaseChannelLayer, get_channel_layer
from django.conf import settings

from exercises.services.events import group_name

from . import log as event_log
from .frames import Frames

logger = logging.getLogger(__name__)

# Seconds a doorbell that came early waits for those before it before the log is read.
GAP_GRACE = 0.2


class Socket(Protocol):
    def offer(self, frames: Frames) -> None: ...


class Feed:
    def __init__(self, public_id: str) -> None:
        self.public_id = public_id
        self.sockets: set[Socket] = set()
        self.last_seq = 0  # every event up to here went out to the sockets
        self._layer: BaseChannelLayer | None = None
        self._channel = ""
        self._early: dict[int, Frames] = {}  # heard before an event that comes before them
        self._grace: asyncio.TimerHandle | None = None
        self._filling = asyncio.Lock()
        self._tasks: set[asyncio.Task[None]] = set()
        self.stopped = False

    async def start(self) -> None:
        self._layer = get_channel_layer()
        if self._layer is not None:
            self._channel = await self._layer.new_channel()
            await self.join_group()
            self._spawn(self._listen())
        # Joined first, read second: an event committed in between is both heard and read,
        # never neither.
        self.last_seq = await event_log.last_seq(self.public_id)

    async def join_group(self) -> None:
        # Again on every check: the in-memory layer forgets group members after a day, and
        # joining again changes nothing where the member is still there.
        if self._layer is not None and not self.stopped:
            await self._layer.group_add(group_name(self.public_id), self._channel)

    async def stop(self) -> None:
        self.stopped = True
        if self._grace is not None:
            self._grace.cancel()
        for task in list(self._tasks):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._layer is not None and self._channel:
            await self._layer.group_discard(group_name(self.public_id), self._channel)

    async def _listen(self) -> None:
        assert self._layer is not None
        while True:
            message = await self._layer.receive(self._channel)
            try:
                self.ring(message)
            except Exception:
                logger.exception("live feed of %s: could not pass on %r", self.public_id, message)

    def ring(self, message: dict[str, Any]) -> None:
        """A doorbell from the layer.

        Server processes publish independently, so the doorbells of one exercise may arrive
        out of order: one that comes early waits `GAP_GRACE` for those before it, and only
        then are the missing events read from the log.
        """
        seq = message.get("seq")
        if not isinstance(seq, int) or seq <= self.last_seq:
            return
        if "event" not in message:  # a doorbell that carries nothing: read the log
            self.fill_soon(through=seq)
            return
        self._early[seq] = Frames(message)
        self._pass_on_early()

    def _pass_on_early(self) -> None:
        while (frames := self._early.pop(self.last_seq + 1, None)) is not None:
            self.publish(frames)
        for seq in [seq for seq in self._early if seq <= self.last_seq]:
            del self._early[seq]
        if not self._early and self._grace is not None:
            self._grace.cancel()
            self._grace = None
        elif self._early and self._grace is None:
            loop = asyncio.get_running_loop()
            self._grace = loop.call_later(GAP_GRACE, self._grace_over)

    def _grace_over(self) -> None:
        self._grace = None
        if self._early:
            self.fill_soon(through=max(self._early))

    def fill_soon(self, through: int | None = None) -> None:
        if not self.stopped:
            self._spawn(self.fill(through))

    async def fill(self, through: int | None = None) -> None:
        """Pass on the events after `last_seq` (up to `through`) read from the log."""
        async with self._filling:
            while through is None or self.last_seq < through:
                page = await event_log.read(self.public_id, self.last_seq, through)
                for doorbell in page.doorbells:
                    self.publish(Frames(doorbell))
                if not page.full:
                    break
            self._pass_on_early()

    def publish(self, frames: Frames) -> None:
        if frames.seq != self.last_seq + 1:
            return  # already passed on (a doorbell and a read of the log crossed)
        self.last_seq = frames.seq
        for socket in list(self.sockets):
            socket.offer(frames)

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("live feed of %s failed", self.public_id, exc_info=task.exception())


class Hub:
    """The feeds of one event loop (one server process): one per exercise with sockets.

    It also looks at the log for them every `WARGAME_LIVE_CHECK_SECONDS`, in one query for
    all, for an event whose doorbell was lost at the end of the log, where no later doorbell
    reveals the gap.
    """

    def __init__(self) -> None:
        self.feeds: dict[str, Feed] = {}
        self._starting: dict[str, asyncio.Future[None]] = {}
        self._stopping: set[asyncio.Future[None]] = set()
        self._checking: asyncio.Task[None] | None = None

    async def join(self, public_id: str, socket: Socket) -> None:
        feed = self.feeds.get(public_id)
        if feed is None:
            feed = self.feeds[public_id] = Feed(public_id)
            self._starting[public_id] = asyncio.ensure_future(feed.start())
        feed.sockets.add(socket)
        if self._checking is None or self._checking.done():
            self._checking = asyncio.create_task(self._check_every_while())
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

    async def _check_every_while(self) -> None:
        while self.feeds:
            await asyncio.sleep(settings.WARGAME_LIVE_CHECK_SECONDS)
            try:
                await self.check()
            except Exception:
                logger.exception("live feeds: checking the log failed")

    async def check(self) -> None:
        started = [
            feed
            for public_id, feed in self.feeds.items()
            if self._starting[public_id].done() and not self._starting[public_id].exception()
        ]
        if not started:
            return
        last_seqs = await event_log.last_seqs([feed.public_id for feed in started])
        for feed in started:
            if feed.stopped:  # its last socket left while the log was read
                continue
            await feed.join_group()
            if last_seqs.get(feed.public_id, 0) > feed.last_seq:
                feed.fill_soon()


_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Hub] = weakref.WeakKeyDictionary()


def hub() -> Hub:
    """This event loop's hub (a server process runs one loop; tests run one per test)."""
    loop = asyncio.get_running_loop()
    found = _hubs.get(loop)
    if found is None:
        found = _hubs[loop] = Hub()
    return found
