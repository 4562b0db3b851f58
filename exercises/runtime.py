"""Turn deadlines and lost jobs in the embedded mode: a sweeper inside the server process.

In production Celery beat sends `exercises.tasks.sweep` every 2 seconds (settings). With no
Redis there is no beat, so the ASGI application runs the same `turns.sweep()` every second,
from the moment the server starts (lifespan) or, if the server was told not to send lifespan
events, from its first request.

The sweep runs in a worker thread of the server's own event loop (`sync_to_async`), not in a
thread of its own, because of the in-memory channel layer. A sweep that closes a turn runs
the adjudication job right after, in the same thread (exercises/services/jobs.py), and the
adjudication rings its doorbells with `async_to_sync`. From
a thread the server's loop started, asgiref runs that call in the server's loop, where the
consumers wait on the layer's queues; from a thread of our own it would run in a throwaway
loop and touch those queues from the wrong thread, so a consumer would hear it late or never.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Mapping

from asgiref.sync import sync_to_async
from asgiref.typing import ASGI3Application, ASGIReceiveCallable, ASGISendCallable, Scope
from django.conf import settings
from django.db import close_old_connections

from exercises.services import turns
from exercises.services.events import ring_from

log = logging.getLogger(__name__)

SweepFunction = Callable[[], Mapping[str, int]]


def default_sweep() -> Mapping[str, int]:
    return turns.sweep()


class Sweeper:
    """Calls a sweep function every `interval` seconds in the running event loop's executor."""

    def __init__(self, interval: float = 1.0, sweep: SweepFunction = default_sweep) -> None:
        self.interval = interval
        self.sweep = sweep
        self.ticks = 0
        self._task: asyncio.Task[None] | None = None

    def tick(self) -> Mapping[str, int] | None:
        """One sweep. A failure is logged and the next tick tries again: a database that is
        down for a minute must not stop deadlines for the rest of the server's life."""
        close_old_connections()
        try:
            return self.sweep()
        except Exception:
            log.exception("the deadline sweep failed; trying again in %g s", self.interval)
            return None
        finally:
            # The executor's threads outlive the tick: give the connection back every time.
            close_old_connections()
            self.ticks += 1

    async def run(self) -> None:
        tick = sync_to_async(self.tick, thread_sensitive=False)
        while True:
            await tick()
            await asyncio.sleep(self.interval)

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        """Start sweeping in the running event loop; does nothing if it already sweeps."""
        if not self.running:
            loop = asyncio.get_running_loop()
            self._task = loop.create_task(self.run(), name="wargame-deadline-sweeper")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


def embedded_sweeper_wanted() -> bool:
    """The embedded mode sweeps in the server; with Redis, Celery beat does it. The test suite
    turns it off (WARGAME_EMBEDDED_SWEEPER), and starts a sweeper itself where it wants one."""
    return not settings.REDIS_URL and settings.WARGAME_EMBEDDED_SWEEPER


class Runtime:
    """ASGI middleware that runs the sweeper (if any) as long as the server runs.

    It answers the lifespan protocol, which Channels' router does not, so the server starts
    the sweeper at startup and stops it at shutdown.
    """

    def __init__(self, app: ASGI3Application, sweeper: Sweeper | None) -> None:
        self.app = app
        self.sweeper = sweeper

    async def __call__(
        self, scope: Scope, receive: ASGIReceiveCallable, send: ASGISendCallable
    ) -> None:
        ring_from(asyncio.get_running_loop())
        if scope["type"] == "lifespan":
            await self.lifespan(receive, send)
            return
        if self.sweeper is not None:
            self.sweeper.start()  # the server may run without lifespan events
        await self.app(scope, receive, send)

    async def lifespan(self, receive: ASGIReceiveCallable, send: ASGISendCallable) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                if self.sweeper is not None:
                    self.sweeper.start()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.sweeper is not None:
                    await self.sweeper.stop()
                await send({"type": "lifespan.shutdown.complete"})
                return
