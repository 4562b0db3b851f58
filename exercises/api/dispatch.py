"""The Django view behind every route of the table, running the checks in the documented order:
route and method, authentication (401/403/404), body size (413), JSON shape (400); then the
use case, which checks permission (403), idempotent replay, turn open (409) and the rules (400).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotModified,
    JsonResponse,
)
from django.views.decorators.csrf import csrf_exempt

from exercises import throttle
from exercises.services.errors import ServiceError

from . import auth, body
from .errors import error_json, error_response
from .table import Call, Reply, Route

View = Callable[..., HttpResponseBase]


def view_for(routes: Sequence[Route]) -> View:
    """One view for one path: it picks the route by method (HEAD: GET's, without the body)."""
    by_method = {route.method: route for route in routes}
    if "GET" in by_method:
        by_method["HEAD"] = by_method["GET"]
    allowed = ", ".join(sorted(by_method))

    # CSRF is checked by `auth.caller`, for session-authenticated requests only.
    @csrf_exempt
    def view(request: HttpRequest, **args: str) -> HttpResponseBase:
        route = by_method.get(request.method or "")
        if route is None:
            response = error_json(
                405, "method_not_allowed", f"{request.method} is not allowed here; use {allowed}"
            )
            response["Allow"] = allowed
            return response
        try:
            reply = route.handler(parse(route, request, args))
        except ServiceError as exc:
            return without_body(error_response(exc), request)
        return without_body(answer(reply), request)

    return view


def without_body(response: HttpResponseBase, request: HttpRequest) -> HttpResponseBase:
    """A HEAD request gets GET's status and headers, the length of the body included, and no
    body: servers drop it anyway, but not every test client or proxy does."""
    if request.method != "HEAD":
        return response
    if isinstance(response, FileResponse):
        response.close()  # its length is already in its headers
        headers = dict(response.items())
        return HttpResponse(b"", status=response.status_code, headers=headers)
    assert isinstance(response, HttpResponse)
    response["Content-Length"] = str(len(response.content))
    response.content = b""
    return response


# Pieces of a file body: small enough that a 50 MB export costs no more memory than one piece.
FILE_PIECE = 64 * 1024


def answer(reply: Reply) -> HttpResponseBase:
    response: HttpResponseBase
    if reply.file is not None:
        response = FileResponse(reply.file, status=reply.status)
        response.block_size = FILE_PIECE
        for name, value in reply.headers.items():  # FileResponse names it after the file
            response[name] = value
    elif reply.text is not None:
        response = HttpResponse(reply.text, status=reply.status, headers=reply.headers)
    elif reply.status == 304:
        response = HttpResponseNotModified(headers=reply.headers)
    else:
        response = JsonResponse(reply.body, status=reply.status, headers=reply.headers)
    response["Cache-Control"] = "no-store"  # a seat's view holds its secrets
    return response


def parse(route: Route, request: HttpRequest, args: dict[str, str]) -> Call:
    seat = auth.caller(request, args["id"]) if route.auth else None
    if seat is not None:
        throttle.take(seat.pk)
    parsed: Any = None
    if route.request is not None:
        parsed = body.validate(route.request, body.parse_json(body.read_body(request)))
    else:
        body.check_size(request)
    query = body.validate_query(route.query, request) if route.query is not None else None
    return Call(request, seat, args, parsed, query)


@csrf_exempt
def no_route(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return error_json(404, "no_route", f"there is no API route {request.path}")
