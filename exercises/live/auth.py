"""Who a WebSocket handshake is: a bearer header (programs) or the browser session's seat.

A browser sends its cookies with a WebSocket handshake to any site, whichever page opened it
(cross-site WebSocket hijacking), and the same-origin policy does not apply to WebSockets. So
a handshake that relies on the session cookie must come from one of our own pages: its Origin
must be this server's own scheme, host and port (`http://` for `ws://`, `https://` for `wss://`,
and the Host header, which must be an allowed host), or one of CSRF_TRUSTED_ORIGINS: the check
Django's CSRF middleware makes of an HTTP POST. A bearer handshake carries no ambient
credential and needs no Origin (programs send none). Tokens in the query string are never read.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import import_module
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http import parse_cookie
from django.http.request import split_domain_port, validate_host
from django.utils.http import is_same_domain

from exercises import throttle
from exercises.identity import SESSION_SEATS, bearer_token
from exercises.models import Seat
from exercises.services import seats
from exercises.services.errors import Forbidden, ServiceError, Unauthorized

from .log import on_the_pool


def header(scope: Mapping[str, Any], name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


def origin_allowed(scope: Mapping[str, Any], origin: str | None) -> bool:
    if not origin:
        return False
    host = header(scope, b"host") or ""
    domain, _ = split_domain_port(host)
    own = bool(domain) and validate_host(domain, settings.ALLOWED_HOSTS)
    return (own and origin == f"{own_scheme(scope)}://{host}") or trusted_origin(origin)


def own_scheme(scope: Mapping[str, Any]) -> str:
    """The scheme of the page that may open this socket: as Django's `request.scheme`."""
    proxy_header = settings.SECURE_PROXY_SSL_HEADER
    if proxy_header:
        name, secure_value = proxy_header
        # Django's META name (HTTP_X_FORWARDED_PROTO) as the header's own name.
        value = header(scope, name.removeprefix("HTTP_").replace("_", "-").lower().encode())
        if value is not None:
            return "https" if value.split(",")[0].strip() == secure_value else "http"
    return "https" if scope.get("scheme") in ("wss", "https") else "http"


def trusted_origin(origin: str) -> bool:
    trusted: list[str] = list(settings.CSRF_TRUSTED_ORIGINS)
    if origin in trusted:
        return True
    try:
        parsed = urlsplit(origin)
    except ValueError:
        return False
    wildcards = (urlsplit(t) for t in trusted if "*" in t)
    return any(
        w.scheme == parsed.scheme and is_same_domain(parsed.netloc, w.netloc.lstrip("*"))
        for w in wildcards
    )


def _handshake_seat(scope: Mapping[str, Any], public_id: str) -> Seat:
    """The seat the handshake is for, marked joined on first use; raises a ServiceError."""
    authorization = header(scope, b"authorization")
    if authorization is not None:
        seat = seats.authenticate(public_id, bearer_token(authorization))
    elif session_key(scope) is None:
        raise Unauthorized("a seat token is needed, as 'Authorization: Bearer <token>'")
    elif not origin_allowed(scope, header(scope, b"origin")):
        # Checked before the session is even read, so a foreign page learns nothing of it.
        raise Forbidden("a handshake with a session cookie must come from this site")
    else:
        seat = _session_seat(scope, public_id)
    return seats.join(seat) if seat.joined_at is None else seat


def session_key(scope: Mapping[str, Any]) -> str | None:
    return parse_cookie(header(scope, b"cookie") or "").get(settings.SESSION_COOKIE_NAME)


def _session_seat(scope: Mapping[str, Any], public_id: str) -> Seat:
    # Read here rather than by Channels' session middleware, whose wrapper would look at the
    # session again on every frame the socket is sent, for nothing: a socket never writes it.
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key(scope))
    return seats.seat_in_session(store.get(SESSION_SEATS, {}), public_id)


def _counted_handshake_seat(scope: Mapping[str, Any], public_id: str) -> Seat:
    """`_handshake_seat`, counting the handshakes that open no seat against their address, as
    the API and the pages count requests (exercises/throttle.py): past the limit, 4429."""
    client = scope.get("client") or ("unknown", 0)
    address = str(client[0])
    throttle.refused_address(address)
    try:
        return _handshake_seat(scope, public_id)
    except ServiceError:
        throttle.failed_from(address)
        raise


# On the live stream's threads, which keep their connection (log.py): a thousand browsers
# reconnecting at once do not open a thousand connections.
handshake_seat = on_the_pool(_counted_handshake_seat)
