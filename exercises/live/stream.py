"""One socket's place in the log: every event it may see after `since`, in order, once.

`last_seen` is the exercise-wide seq up to which the socket has been given everything it may
see. An event with the next seq goes out (or is skipped, when not for this viewer); an event at
or below `last_seen` was given already; one beyond the next means something was missed, and the
stream reads the log from `last_seen` while holding back what it hears meanwhile. The log is
read only to resume and to fill such a gap; live events come from the feed.

Frames go out in order, and a slow client holds up nobody else: a frame is written at once
when nothing is waiting before it, else it joins the socket's outbox, which one writer task
empties.
"""

from __future__ import annotations

import asyncio
import collections
import json
import logging
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from exercises.models import Seat
from exercises.services.projection import viewer

from . import log as event_log
from .frames import NOT_SHOWN, Frames

logger = logging.getLogger(__name__)

# Close codes: 4000 + the HTTP status of the same refusal, and the standard ones.
UNAUTHORIZED, FORBIDDEN, NOT_FOUND, REVOKED = 4401, 4403, 4404, 4410
INTERNAL_ERROR, TRY_AGAIN_LATER = 1011, 1013
# A client that cannot keep up is dropped rather than buffered without end; it resumes.
OUTBOX_LIMIT = 2000


SENT: Any = object()


def start(sending: Awaitable[None]) -> Any:
    """Run a send up to its first wait: SENT if it finished without one, else what it awaits.

    Sending a frame to a client whose buffer has room never waits (the server writes it to the
    transport at once), so a broadcast that gave every send a task of its own would pay for a
    task per delivery for nothing: only a send that has to wait gets one (`finish`).
    """
    if not isinstance(sending, Coroutine):
        return sending  # some other awaitable: let a task await it
    try:
        return sending.send(None)
    except StopIteration:
        return SENT


async def finish(sending: Awaitable[None], waiting: Any) -> None:
    """Run a send that `start` began to its end, waking it each time what it awaits is done."""
    if not isinstance(sending, Coroutine):
        await sending
        return
    try:
        while True:
            if isinstance(waiting, asyncio.Future):
                await asyncio.wait([waiting])
            else:
                await asyncio.sleep(0)  # a bare yield
            waiting = sending.send(None)
    except StopIteration:
        return
    finally:
        sending.close()  # no-op once it has finished; unwinds it if this task is cancelled


@dataclass(frozen=True)
class Close:
    code: int
    reason: str


def error_frame(code: str, message: str) -> str:
    return json.dumps({"type": "error", "error": {"code": code, "message": message}})


Send = Callable[[Any], Awaitable[None]]  # the ASGI send of the socket


class Stream:
    def __init__(self, seat: Seat, public_id: str, send: Send, holder: Seat | None = None) -> None:
        self.seat = seat
        # The seat whose loss ends the stream: the seat itself, or for the room view (which
        # streams the observer's view) the facilitator's seat that opened it.
        self.holder = holder or seat
        self.public_id = public_id
        self.who = viewer(seat)
        self.last_seen: int | None = None  # None until the client resumes
        self.closed = False
        self._send = send
        self._catching_up = False
        self._held: list[Frames] = []
        self._unsure: list[str] | None = None  # frames held while a revocation is checked
        self._checks = 0
        self._outbox: collections.deque[str | Close] = collections.deque()
        self._writing = False
        self._tasks: set[asyncio.Task[None]] = set()

    # -- from the client

    def resume(self, since: int) -> None:
        if self.last_seen is not None or self._catching_up:
            self.error("already_resumed", "this socket has resumed already; reconnect to resume")
            return
        self.last_seen = since
        self._start_catching_up(resuming=True)

    # -- from the feed

    def offer(self, frames: Frames) -> None:
        if self.closed or self.last_seen is None:
            return  # not resumed: the resume will read this one from the log
        if self._catching_up:
            self._held.append(frames)
            return
        self._take(frames)

    # -- the log

    def _take(self, frames: Frames) -> None:
        assert self.last_seen is not None
        if frames.seq <= self.last_seen:
            return
        if frames.seq > self.last_seen + 1:
            self._held.append(frames)
            self._start_catching_up()
            return
        self.last_seen = frames.seq
        frame = frames.for_viewer(self.who)
        if frame != NOT_SHOWN:
            if self._unsure is not None:
                self._unsure.append(frame)
            else:
                self._emit(frame)
        if self.holder.kind != Seat.Kind.OBSERVER and frames.may_revoke(self.holder.name):
            # Until the check says whether this seat is the one given away, what follows for
            # the role (a bot's moves, the new player's messages) waits: it may not be ours.
            if self._unsure is None:
                self._unsure = []
            self._checks += 1
            self._spawn(self._close_if_revoked())

    def _start_catching_up(self, resuming: bool = False) -> None:
        self._catching_up = True
        self._spawn(self._catch_up(resuming))

    async def _catch_up(self, resuming: bool) -> None:
        try:
            while self._catching_up and not self.closed:
                await self._room_for_a_page()
                await self._read_log(resuming)
                resuming = False
        except Exception:
            logger.exception("live stream of %s: could not read the log", self.public_id)
            self.close(INTERNAL_ERROR, "unavailable", "the event log could not be read")

    async def _room_for_a_page(self) -> None:
        # A slow client reading a long backlog: the next page is read once it has taken most of
        # the last one, rather than piling the whole log into its outbox (and past the limit).
        while len(self._outbox) > event_log.PAGE and not self.closed:
            await asyncio.sleep(0.05)

    async def _read_log(self, resuming: bool) -> None:
        assert self.last_seen is not None
        # A resume also asks whether the seat was revoked since the handshake.
        seat_pk = self.holder.pk if resuming else None
        page = await event_log.read(self.public_id, self.last_seen, seat_pk=seat_pk)
        if page.revoked:
            self.close(REVOKED, "seat_revoked", "this seat was given to someone else")
            return
        if resuming and self.last_seen > page.last_seq:
            self.error("bad_since", f"since is after the last event ({page.last_seq})")
            self.last_seen, self._catching_up, self._held = None, False, []
            return
        for doorbell in page.doorbells:
            self._take(Frames(doorbell))
        if page.full:
            return  # read on
        held, self._held = sorted(self._held, key=lambda f: f.seq), []
        for index, frames in enumerate(held):
            if frames.seq > self.last_seen + 1:
                self._held = held[index:]  # heard, but what comes before it is not: read on
                if not page.doorbells:
                    await asyncio.sleep(0.1)  # not in the log yet: do not spin on it
                return
            self._take(frames)
        self._catching_up = False

    async def _close_if_revoked(self) -> None:
        revoked = await event_log.revoked(self.holder.pk)
        self._checks -= 1
        if revoked:
            self._unsure = None
            self.close(REVOKED, "seat_revoked", "this seat was given to someone else")
            return
        if self._checks > 0:
            return  # a later replacement is still being checked: its frames wait for it
        held, self._unsure = self._unsure or [], None
        for frame in held:
            self._emit(frame)

    # -- to the client

    def error(self, code: str, message: str) -> None:
        self._emit(error_frame(code, message))

    def close(self, code: int, error: str, message: str) -> None:
        if self.closed:
            return
        self.error(error, message)
        self._emit(Close(code, message[:120]))
        self.closed = True

    def _emit(self, item: str | Close) -> None:
        if self.closed:
            return
        if self._writing or isinstance(item, Close):
            self._queue(item)
            return
        sending = self._send({"type": "websocket.send", "text": item})
        try:
            waiting = start(sending)
        except Exception:
            self._lost()
            return
        if waiting is not SENT:  # the client's buffer is full: finish in a task, queue the rest
            self._writing = True
            self._spawn(self._write(sending, waiting))

    def _queue(self, item: str | Close) -> None:
        if len(self._outbox) >= OUTBOX_LIMIT and not isinstance(item, Close):
            self._outbox.clear()
            item = Close(TRY_AGAIN_LATER, "too far behind; resume from the last seq you saw")
            self.closed = True
        self._outbox.append(item)
        if not self._writing:
            self._writing = True
            self._spawn(self._write())

    async def _write(self, sending: Awaitable[None] | None = None, waiting: Any = None) -> None:
        try:
            if sending is not None:
                await finish(sending, waiting)
            while self._outbox:
                item = self._outbox.popleft()
                if isinstance(item, Close):
                    await self._send({"type": "websocket.close", **vars(item)})
                    self._outbox.clear()
                    return
                await self._send({"type": "websocket.send", "text": item})
        except Exception:
            self._lost()
        finally:
            self._writing = False

    def _lost(self) -> None:
        # The client went away: the consumer hears of it and cleans up.
        logger.debug("live stream of %s: send failed", self.public_id, exc_info=True)
        self._outbox.clear()
        self.closed = True

    def _spawn(self, coroutine: Awaitable[None]) -> None:
        task = asyncio.ensure_future(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def stop(self) -> None:
        self.closed = True
        self._outbox.clear()
        for task in list(self._tasks):
            task.cancel()
