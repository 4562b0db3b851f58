"""The WebSocket routes, with the session the cookie names (browsers) in the scope."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from channels.routing import URLRouter
from channels.sessions import SessionMiddlewareStack
from django.urls import path

from .consumer import ExerciseConsumer

if TYPE_CHECKING:
    from channels.utils import _ChannelApplication

# Django's path() is typed for views; Channels' URLRouter takes ASGI applications too.
_consumer: Any = ExerciseConsumer.as_asgi()
websocket_urlpatterns: list[Any] = [path("ws/exercises/<str:public_id>/", _consumer)]


def websocket_application() -> _ChannelApplication:
    return SessionMiddlewareStack(URLRouter(websocket_urlpatterns))
