"""Who is calling, for every entry point: a bearer token (programs) or a browser session.

A browser gets its seat by opening `/join/<token>`, which binds the seat to its session; the
HTTP API, the WebSocket stream and the pages all read it back from there. Tokens are read from
the `Authorization` header only, never from the query string: URLs end up in logs, browser
history and Referer headers.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.middleware.csrf import rotate_token

from exercises.models import Seat
from exercises.services import seats
from exercises.services.errors import Unauthorized

SESSION_SEATS = "wargame.seats"  # {exercise public id: seat pk}


def bearer_token(header: str) -> str:
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized('send the seat token as "Authorization: Bearer <token>"')
    return token.strip()


def session_seat(request: HttpRequest, public_id: str) -> Seat:
    return seats.seat_in_session(request.session.get(SESSION_SEATS, {}), public_id)


def bind_seat(request: HttpRequest, seat: Seat) -> None:
    """Let this browser act as `seat` in its exercise (what `/join/<token>` does)."""
    held = dict(request.session.get(SESSION_SEATS, {}))
    held[seat.exercise.public_id] = seat.pk
    # A new privilege: new session key and CSRF token, so a planted session gains nothing.
    request.session.cycle_key()
    request.session[SESSION_SEATS] = held
    rotate_token(request)
