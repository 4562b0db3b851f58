"""The project's own middleware: the request log, the answers for a caller over its rate
limit (429) or a database that is held up (503), and sessions that a late answer cannot undo.

Both wrap every request, pages and API alike (the API's threads run the same middleware,
exercises/api/asgi.py).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.contrib.sessions.middleware import SessionMiddleware
from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import patch_vary_headers

from exercises.api.errors import error_json
from exercises.identity import seat_of_request
from exercises.throttle import Limited
from wargame.log_redaction import redact

log = logging.getLogger("wargame.request")

# PostgreSQL gave up: a lock wait (55P03) or a statement (57014) ran past its timeout. The
# connection pool's own timeout (all connections busy) has no SQLSTATE; it is told by its type.
_HELD_UP = frozenset({"55P03", "57014"})
RETRY_AFTER = 2

GetResponse = Callable[[HttpRequest], HttpResponseBase]


class Sessions(SessionMiddleware):
    """Django's sessions, but an answer deletes the browser's session cookie only when its own
    request emptied the session (signing out), never because the session it was sent with is gone.

    Opening or switching a seat gives the browser a new session (`identity.bind_seat`). A page's
    refresh sent a moment before carries the old cookie, finds that session gone and, in Django's
    middleware, answers with a deletion of the cookie; arriving after the switch, that deletion
    removed the new cookie and with it every seat the browser held."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and not session.modified and session.is_empty():
            if session.accessed:
                patch_vary_headers(response, ("Cookie",))
            return response
        return super().process_response(request, response)


class RequestLog:
    """One line per request: method, route (never the raw path of a join link), status, time,
    and the exercise and seat it acted as when there was one."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        started = time.perf_counter()
        response = self.get_response(request)
        log.info("request", extra=request_fields(request, response.status_code, started))
        return response


def request_fields(request: HttpRequest, status: int, started: float) -> dict[str, object]:
    match = request.resolver_match
    fields: dict[str, object] = {
        "method": request.method,
        "route": f"/{match.route}" if match else None,
        # Blanked as every log line is (a mistyped join link is a credential too).
        "path": redact(request.path),
        "status": status,
        "ms": round((time.perf_counter() - started) * 1000, 1),
    }
    if match:
        exercise = match.kwargs.get("public_id") or match.kwargs.get("id")
        if exercise:
            fields["exercise"] = exercise
    seat = seat_of_request(request)
    if seat is not None:
        fields["seat"] = seat.kind if seat.kind != "role" else f"role:{seat.role}"
    return fields


class Overload:
    """A page over its rate limit is answered 429, and a view whose database is held up (a
    lock or statement timeout, no free connection in the pool) 503, not 500: nothing was
    written, and Retry-After says when to send the same request again. The API, and the pages'
    JSON, get the API's error shape."""

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Limited):
            return refusal(request, 429, exception.code, exception.message, exception.retry_after)
        if held_up(exception):
            log.warning("database held up: %s", type(exception.__cause__).__name__)
            message = f"the server is busy; try again in {RETRY_AFTER} s"
            return refusal(request, 503, "unavailable", message, RETRY_AFTER)
        return None


def refusal(request: HttpRequest, status: int, code: str, message: str, wait: int) -> HttpResponse:
    if request.path.startswith("/api/") or request.path.endswith(".json"):
        response: HttpResponse = error_json(status, code, message)
    else:
        text = f"{message[:1].upper()}{message[1:]}.\n"
        response = HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(wait)
    return response


def held_up(exception: BaseException) -> bool:
    if not isinstance(exception, OperationalError):
        return False
    cause = exception.__cause__
    if getattr(cause, "sqlstate", None) in _HELD_UP:
        return True
    return type(cause).__name__ == "PoolTimeout"
