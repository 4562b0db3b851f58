"""What a use case refuses, and why; entry points turn these into their own error shapes."""

from __future__ import annotations


class ServiceError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code


class Invalid(ServiceError):
    status, code = 400, "invalid"


class Unauthorized(ServiceError):
    status, code = 401, "unauthorized"


class Forbidden(ServiceError):
    status, code = 403, "forbidden"


class NotFound(ServiceError):
    status, code = 404, "not_found"


class Conflict(ServiceError):
    status, code = 409, "conflict"


class Busy(ServiceError):
    """The exercise is held by other work (an adjudication, most likely) for longer than a
    request may wait for it: nothing changed, and the same request may be sent again."""

    status, code = 503, "busy"
    retry_after = 2
