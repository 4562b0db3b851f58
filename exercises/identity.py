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

SESSION_SEATS = "wargame.seats"  # {exercise public id: seat pk}: the seat it acts as
# {exercise public id: [seat pk, ...]}: every seat whose link this browser opened, so that it
# can switch between them (one acts at a time: every request and socket reads SESSION_SEATS).
SESSION_KNOWN = "wargame.known_seats"


def bearer_token(header: str) -> str:
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized('send the seat token as "Authorization: Bearer <token>"')
    return token.strip()


def client_address(request: HttpRequest) -> str:
    """The address a request came from (behind a proxy, as the ASGI server was told to trust
    its forwarded headers)."""
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def session_seat(request: HttpRequest, public_id: str) -> Seat:
    seat = seats.seat_in_session(request.session.get(SESSION_SEATS, {}), public_id)
    note_seat(request, seat)
    return seat


# Where a request keeps the seat it was found to act as, for the request log (wargame/).
_SEAT = "_wargame_seat"


def note_seat(request: HttpRequest, seat: Seat) -> None:
    setattr(request, _SEAT, seat)


def seat_of_request(request: HttpRequest) -> Seat | None:
    seat: Seat | None = getattr(request, _SEAT, None)
    return seat


def holds_a_seat(request: HttpRequest) -> bool:
    """Whether this browser acts as a seat of any exercise."""
    return bool(request.session.get(SESSION_SEATS))


def bind_seat(request: HttpRequest, seat: Seat) -> None:
    """Let this browser act as `seat` in its exercise (what `/join/<token>` does)."""
    public_id = seat.exercise.public_id
    held = dict(request.session.get(SESSION_SEATS, {}))
    held[public_id] = seat.pk
    known = dict(request.session.get(SESSION_KNOWN, {}))
    known[public_id] = [pk for pk in known.get(public_id, []) if pk != seat.pk] + [seat.pk]
    # A new privilege: new session key and CSRF token, so a planted session gains nothing.
    request.session.cycle_key()
    request.session[SESSION_SEATS] = held
    request.session[SESSION_KNOWN] = known
    rotate_token(request)


def other_seats(request: HttpRequest, public_id: str) -> list[Seat]:
    """The seats of this exercise this browser opened and may switch to, but the one it acts
    as: not given to someone else since, nor to a bot."""
    known = request.session.get(SESSION_KNOWN, {}).get(public_id, [])
    acting = request.session.get(SESSION_SEATS, {}).get(public_id)
    rows = Seat.objects.select_related("exercise").filter(
        pk__in=known, exercise__public_id=public_id, revoked_at=None, bot_policy=""
    )
    return list(rows.exclude(pk=acting).order_by("pk"))
