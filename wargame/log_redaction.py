"""No token in any log line: a logging filter that blanks them out of paths and queries.

A seat's token is its permanent credential, and it travels in `/join/<token>` links. uvicorn's
access log writes every request line, and Django's request log every 404 and 500 with its path,
so without this the facilitator's token sits in plain text in the server's output. Tokens are
only ever read from the Authorization header by the API and the stream, but a client may put
one in a query string anyway (`?token=...`): query values whose name sounds like a credential
are blanked too, and so is any path segment long enough to be a token (a link mistyped as
`/joins/<token>` is logged as a 404 like any other path).

`install()` (called once Django is set up, exercises/apps.py) puts the filter on the loggers
that write paths. It works on the record's arguments one by one, so uvicorn's access formatter,
which unpacks them, keeps working.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from pythonjsonlogger.json import JsonFormatter

REDACTED = "[redacted]"
# Not a route pattern (`/join/<str:token>`, which the request log names).
_JOIN = re.compile(r"(/join/)(?!<str:)[^/?#\s\"']+")
# A token is 32 URL-safe characters (secrets.token_urlsafe(24)); ids in paths are 16 hex digits.
_LONG_SEGMENT = re.compile(r"(?<=/)[A-Za-z0-9_-]{24,}(?=[/?#\s\"']|$)")
_QUERY = re.compile(
    r"([?&;][^=&#\s\"']*(?:token|key|secret|passw|auth|session|csrf)[^=&#\s\"']*=)[^&#\s\"']*",
    re.IGNORECASE,
)
# The loggers whose lines carry request paths: uvicorn's request lines (HTTP, and WebSocket
# handshakes, which it logs as uvicorn.error), Django's 4xx/5xx lines and its CSRF refusals.
PATH_LOGGERS = (
    "uvicorn.access",
    "uvicorn.error",
    "django.request",
    "django.server",
    "django.security.csrf",
)


def redact(text: str) -> str:
    text = _LONG_SEGMENT.sub(REDACTED, _JOIN.sub(rf"\1{REDACTED}", text))
    return _QUERY.sub(rf"\1{REDACTED}", text)


_FORMATTER = logging.Formatter()


def _redacted(value: Any) -> Any:
    return redact(value) if isinstance(value, str) else value


class RedactTokens(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redacted(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {key: _redacted(value) for key, value in record.args.items()}
        if record.exc_info and not record.exc_text:
            # A traceback may quote the path (an exception's message); formatters reuse exc_text.
            record.exc_text = redact(_FORMATTER.formatException(record.exc_info))
        return True


class RedactedJsonFormatter(JsonFormatter):
    """The project's log lines (settings.LOGGING), redacted whole: a record's extra fields
    reach the line too (Django's CSRF log adds the request, its path and token with it)."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def install() -> None:
    for name in PATH_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())
