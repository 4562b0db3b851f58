"""The API's caller: a bearer token or the browser's session seat (exercises/identity.py).

Requests authenticated by a session cookie are open to cross-site request forgery, so their
unsafe methods must carry Django's CSRF token; bearer requests carry no ambient credential and
need none.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.middleware.csrf import CsrfViewMiddleware

from exercises import throttle
from exercises.identity import bearer_token, client_address, note_seat, session_seat
from exercises.models import Seat
from exercises.services import seats
from exercises.services.errors import Forbidden, ServiceError

from .errors import ApiError, too_large

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def caller(request: HttpRequest, public_id: str) -> Seat:
    """The seat making this request, marked joined on its first use. An address whose
    requests keep failing to open a seat is told to wait (429) before any is checked."""
    address = client_address(request)
    throttle.refused_address(address)
    try:
        seat = _seat_of(request, public_id)
    except ServiceError:
        throttle.failed_from(address)
        raise
    if request.method not in SAFE_METHODS and request.headers.get("Authorization") is None:
        check_csrf(request)
    if seat.joined_at is None:
        seat = seats.join(seat)
    return seat


def _seat_of(request: HttpRequest, public_id: str) -> Seat:
    header = request.headers.get("Authorization")
    if header is None:
        return session_seat(request, public_id)
    seat = seats.authenticate(public_id, bearer_token(header))
    note_seat(request, seat)
    return seat


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
