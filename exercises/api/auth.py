"""Who is calling: a bearer token (programs) or the seat a browser session holds (`/join/<token>`).

Tokens are read from the `Authorization` header only, never from the query string: URLs end up
in logs, browser history and Referer headers. Requests authenticated by a session cookie are
open to cross-site request forgery, so their unsafe methods must carry Django's CSRF token;
bearer requests carry no ambient credential and need none.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.middleware.csrf import CsrfViewMiddleware, rotate_token

from exercises.models import Seat
from exercises.services import lifecycle
from exercises.services.errors import Forbidden, Unauthorized

from .errors import ApiError, too_large

SESSION_SEATS = "wargame.seats"  # {exercise public id: seat pk}
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def caller(request: HttpRequest, public_id: str) -> Seat:
    """The seat making this request, marked joined on its first use."""
    header = request.headers.get("Authorization")
    if header is not None:
        seat = lifecycle.authenticate(public_id, bearer_token(header))
    else:
        seat = session_seat(request, public_id)
        if request.method not in SAFE_METHODS:
            check_csrf(request)
    if seat.joined_at is None:
        seat = lifecycle.join(seat)
    return seat


def bearer_token(header: str) -> str:
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized('send the seat token as "Authorization: Bearer <token>"')
    return token.strip()


def session_seat(request: HttpRequest, public_id: str) -> Seat:
    return lifecycle.seat_in_session(request.session.get(SESSION_SEATS, {}), public_id)


def bind_seat(request: HttpRequest, seat: Seat) -> None:
    """Let this browser act as `seat` in its exercise (what `/join/<token>` does)."""
    seats = dict(request.session.get(SESSION_SEATS, {}))
    seats[seat.exercise.public_id] = seat.pk
    # A new privilege: new session key and CSRF token, so a planted session gains nothing.
    request.session.cycle_key()
    request.session[SESSION_SEATS] = seats
    rotate_token(request)


class _CsrfCheck(CsrfViewMiddleware):
    def _reject(self, request: HttpRequest, reason: str) -> Any:
        return reason


def check_csrf(request: HttpRequest) -> None:
    check = _CsrfCheck(lambda request: HttpResponse())
    try:
        # A form-encoded POST makes Django parse the body for `csrfmiddlewaretoken`; a body
        # Django cannot parse is refused in the API's shape, never as an HTML 400 or a 500.
        reason = check.process_view(request, None, (), {})  # type: ignore[arg-type]
    except RequestDataTooBig:
        raise too_large() from None
    except (SuspiciousOperation, BadRequest, MultiPartParserError):
        raise ApiError(400, "invalid_json", "the body must be a JSON object") from None
    if reason is not None:
        raise Forbidden(f"CSRF check failed: {reason}", code="csrf_failed")
