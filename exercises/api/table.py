"""What a route is, what a handler receives and what it returns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, BinaryIO, TypeVar

from django.http import HttpRequest
from pydantic import BaseModel

from exercises.models import Seat

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Reply:
    status: int
    body: dict[str, Any]
    # A body that is not JSON (an export as CSV or HTML): its text and headers.
    text: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    # A body sent from an open file, a piece at a time (an export): never read whole.
    file: BinaryIO | None = None


@dataclass(frozen=True)
class Call:
    """One parsed, authenticated request."""

    request: HttpRequest
    seat: Seat | None  # None only on the public routes
    args: dict[str, str]  # path parameters
    body: BaseModel | None = None
    query: BaseModel | None = None

    @property
    def caller(self) -> Seat:
        assert self.seat is not None, "an authenticated route"
        return self.seat

    def body_as(self, model: type[M]) -> M:
        assert isinstance(self.body, model)
        return self.body

    def query_as(self, model: type[M]) -> M:
        assert isinstance(self.query, model)
        return self.query


Handler = Callable[[Call], Reply]


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # as in OpenAPI, under /api/v1: "/exercises/{id}/moves"
    name: str  # the operationId
    summary: str
    who: str  # who may call it, for people
    handler: Handler
    status: int  # on success
    response: str  # what the success body is
    returns: Any  # its type (responses.py), for the OpenAPI document; also of extra_statuses
    request: type[BaseModel] | None = None  # the JSON body
    query: type[BaseModel] | None = None
    errors: tuple[int, ...] = (400, 401, 403, 404, 409, 413)
    auth: bool = True
    extra_statuses: dict[int, str] = field(default_factory=dict)
    content_types: tuple[str, ...] = ("application/json",)  # of the success body
    # Answers with an ETag, and 304 to a request whose If-None-Match holds it.
    etag: bool = False
