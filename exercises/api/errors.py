"""The API's one error shape: `{"error": {"code", "message"}}`, for use cases and requests alike."""

from __future__ import annotations

from django.http import JsonResponse

from exercises.services.errors import ServiceError


class ApiError(ServiceError):
    """A request refused before any use case runs: no route, no seat, too big, not JSON."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message, code)
        self.status = status


def error_response(error: ServiceError) -> JsonResponse:
    response = error_json(error.status, error.code, error.message)
    retry_after = getattr(error, "retry_after", None)
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


def error_json(status: int, code: str, message: str) -> JsonResponse:
    response = JsonResponse({"error": {"code": code, "message": message}}, status=status)
    response["Cache-Control"] = "no-store"
    return response


ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "description": "Stable, for programs."},
                "message": {"type": "string", "description": "For people: says what to fix."},
            },
        }
    },
}

# The statuses the API answers with, and when.
ERROR_STATUSES = {
    400: "The request is malformed, or a scenario rule refuses it; the message says which.",
    401: "No seat token (or browser session) opens a seat of this exercise.",
    403: "The seat may not do this, or the token belongs to another exercise.",
    404: "There is no such exercise, move or route.",
    405: "The route does not take this method.",
    409: "The exercise or turn is not in a state that allows this, or the idempotency key "
    "was used for a different body.",
    413: "The body is larger than 64 KiB.",
    429: "The seat sent too many requests; Retry-After says how many seconds to wait.",
    503: "The exercise (`busy`) or the server (`unavailable`) is held up; nothing was changed. "
    "Retry-After says how many seconds to wait before sending the same request again.",
}


MAX_BODY = 64 * 1024


def too_large() -> ApiError:
    return ApiError(413, "too_large", f"the body is larger than {MAX_BODY // 1024} KiB")
