"""The WebSocket routes.

No session middleware: the handshake reads the session the cookie names itself
(`auth.py`), once, and Channels' session wrapper would otherwise look at the session again on
every frame sent.
"""

from __future__ import annotations

from typing import Any

from channels.routing import URLRouter
from django.urls import path, re_path

from .consumer import ExerciseConsumer, RoomConsumer

# The ASGI extension by which a server answers a handshake with an HTTP response (uvicorn has it).
DENIAL = "websocket.http.response"


async def no_route(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Refuse a handshake to a path with no stream: a plain 404 where the server can send one,
    else a close before accepting (which servers answer with 403)."""
    await receive()  # websocket.connect
    if DENIAL not in scope.get("extensions", {}):
        await send({"type": "websocket.close", "code": 1008})
        return
    body = b"No WebSocket route here: streams are at /ws/exercises/<id>/\n"
    headers = [(b"content-type", b"text/plain; charset=utf-8")]
    await send({"type": "websocket.http.response.start", "status": 404, "headers": headers})
    await send({"type": "websocket.http.response.body", "body": body})


# Django's path() is typed for views; Channels' URLRouter takes ASGI applications too.
_consumer: Any = ExerciseConsumer.as_asgi()
_room: Any = RoomConsumer.as_asgi()
_no_route: Any = no_route
websocket_urlpatterns: list[Any] = [
    path("ws/exercises/<str:public_id>/", _consumer),
    path("ws/exercises/<str:public_id>/room/", _room),
    # Anything else: Channels' router would raise, and the handshake would fail with a 500.
    re_path(r"", _no_route),
]


def websocket_application() -> URLRouter:
    return URLRouter(websocket_urlpatterns)
