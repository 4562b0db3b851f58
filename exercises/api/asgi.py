"""The API's own road from the ASGI server to Django: a few long-lived threads.

Django's ASGI handler gives every request a thread of its own and hops between the event loop
and that thread for every middleware, so each request also opens a new database connection
(connections belong to threads). On this project's hottest call, a move submission, that cost
as much as the use case itself. Here the whole request, middleware included, runs in one hop on
one of a few threads that live as long as the process and keep their database connection.
Everything that is not under `/api/` goes to Django's own handler.

The request still goes through Django's `BaseHandler` with the project's middleware and the
request signals, so it behaves as it would under Django's handler.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Iterator
from io import BytesIO
from typing import Any

from asgiref.sync import sync_to_async
from asgiref.typing import (
    ASGIReceiveCallable,
    ASGISendCallable,
    HTTPResponseBodyEvent,
    HTTPResponseStartEvent,
    Scope,
)
from django.conf import settings
from django.core import signals
from django.core.handlers.asgi import ASGIRequest
from django.core.handlers.base import BaseHandler
from django.http import FileResponse, HttpResponseBase
from django.urls import set_script_prefix

from exercises.pools import pool_keeping_connections

from .errors import MAX_BODY

THREAD_NAME = "wargame-api"
# Python runs one thread at a time, and SQLite takes one writer at a time: more threads than
# this only add switching. They help while one waits for PostgreSQL or a lock.
THREADS = 4
# Exports take threads of their own: an export of a long exercise takes a second or more to
# build, and on the API's threads a few at once would hold up every seat's moves.
EXPORT_THREAD_NAME = "wargame-export"
EXPORT_THREADS = 2

Headers = list[tuple[bytes, bytes]]
# Django's and Channels' ASGI applications type their arguments more loosely than asgiref does.
Application = Callable[[Any, Any, Any], Awaitable[None]]


class ApiApplication:
    """Serves `/api/` on the thread pool and hands everything else to `fallback`."""

    def __init__(self, fallback: Application, threads: int = THREADS) -> None:
        self.fallback = fallback
        self.handler = BaseHandler()
        self.handler.load_middleware(is_async=False)
        self.pool = pool_keeping_connections(THREAD_NAME, threads)
        self.respond = sync_to_async(self._respond, thread_sensitive=False, executor=self.pool)
        self.export_pool = pool_keeping_connections(EXPORT_THREAD_NAME, EXPORT_THREADS)
        self.respond_export = sync_to_async(
            self._respond, thread_sensitive=False, executor=self.export_pool
        )

    async def __call__(
        self, scope: Scope, receive: ASGIReceiveCallable, send: ASGISendCallable
    ) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            await self.fallback(scope, receive, send)
            return
        body = await read_body(receive)
        if body is None:  # the client went away before it finished sending
            return
        exporting = scope["path"].endswith("/export")
        respond = self.respond_export if exporting else self.respond
        status, headers, content = await respond(scope, body)
        start: HTTPResponseStartEvent = {
            "type": "http.response.start",
            "status": status,
            "headers": headers,
            "trailers": False,
        }
        await send(start)
        if isinstance(content, bytes):
            await send(body_event(content, more=False))
            return
        # A file body: each piece is read on the export threads, so a slow disk never holds up
        # the event loop, and only one piece of it is in memory at a time.
        pieces: Iterator[bytes] = iter(content)

        def next_piece() -> bytes:
            return next(pieces, b"")

        read = sync_to_async(next_piece, thread_sensitive=False, executor=self.export_pool)
        try:
            while piece := await read():
                await send(body_event(piece, more=True))
            await send(body_event(b"", more=False))
        finally:
            await sync_to_async(content.close, thread_sensitive=False, executor=self.export_pool)()

    def _respond(self, scope: Scope, body: bytes) -> tuple[int, Headers, bytes | HttpResponseBase]:
        set_script_prefix(settings.FORCE_SCRIPT_NAME or str(scope.get("root_path") or "/"))
        signals.request_started.send(sender=self.__class__, scope=scope)
        request = ASGIRequest(scope, BytesIO(body))
        response = self.handler.get_response(request)
        response._handler_class = self.__class__  # type: ignore[attr-defined]
        if isinstance(response, FileResponse):
            # Closed (request_finished sent) once its last piece has gone.
            return response.status_code, headers_of(response), response
        try:
            return response.status_code, headers_of(response), content_of(response)
        finally:
            response.close()  # sends request_finished


def body_event(content: bytes, more: bool) -> HTTPResponseBodyEvent:
    return {"type": "http.response.body", "body": content, "more_body": more}


async def read_body(receive: ASGIReceiveCallable) -> bytes | None:
    """The request body, cut one byte past the API's limit: enough for the 413."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk: bytes = message.get("body", b"")  # type: ignore[assignment]
        if size <= MAX_BODY:
            chunks.append(chunk)
            size += len(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)[: MAX_BODY + 1]


def headers_of(response: HttpResponseBase) -> Headers:
    headers = [(name.encode("ascii"), value.encode("latin-1")) for name, value in response.items()]
    for cookie in response.cookies.values():
        headers.append((b"set-cookie", cookie.output(header="").strip().encode("ascii")))
    return headers


def content_of(response: HttpResponseBase) -> bytes:
    if not response.streaming:
        return response.content  # type: ignore[attr-defined,no-any-return]
    chunks: Iterable[bytes] = response
    return b"".join(chunks)
