"""The WebSocket routes.

No session middleware: the handshake reads the session the cookie names itself
(`auth.py`), once, and Channels' session wrapper would otherwise look at the session again on
every frame sent.
"""

from __future__ import annotations

from typing import Any

from channels.routing import URLRouter
from django.urls import path

from .consumer import ExerciseConsumer, RoomConsumer

# Django's path() is typed for views; Channels' URLRouter takes ASGI applications too.
_consumer: Any = ExerciseConsumer.as_asgi()
_room: Any = RoomConsumer.as_asgi()
websocket_urlpatterns: list[Any] = [
    path("ws/exercises/<str:public_id>/", _consumer),
    path("ws/exercises/<str:public_id>/room/", _room),
]


def websocket_application() -> URLRouter:
    return URLRouter(websocket_urlpatterns)
