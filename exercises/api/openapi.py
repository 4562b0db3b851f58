"""The OpenAPI 3.1 document, generated from the route table: the request models (schemas.py)
and the types of the answers (responses.py), both as JSON Schema through pydantic."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from pydantic import BaseModel, TypeAdapter

from .errors import ERROR_SCHEMA, ERROR_STATUSES
from .table import Route

REF = "#/components/schemas/{model}"
PATH_PARAMETER = re.compile(r"{(\w+)}")
PATH_DESCRIPTIONS = {
    "id": "The exercise's id.",
    "move": "The move's id.",
    "note": "The note's id.",
}


def document(routes: Iterable[Route]) -> dict[str, Any]:
    schemas: dict[str, Any] = {"Error": ERROR_SCHEMA}
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        item = paths.setdefault(route.path, {})
        item[route.method.lower()] = operation(route, schemas)
        if route.method == "GET":
            item["head"] = head_operation(route, item["get"])
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Wargame exercise server",
            "version": "1",
            "description": (
                "Tabletop exercises over HTTP. Every error is "
                '`{"error": {"code", "message"}}`. Checks run in this order: authentication '
                "(401), body size (413; bodies up to 64 KiB), JSON shape (400), permission "
                "(403), idempotent replay, turn open (409), scenario rules (400). Every GET "
                "route also answers HEAD: the same status and headers, no body. "
                "docs/http-api.md in the repository says more."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "responses": {
                str(status): error_response(text) for status, text in ERROR_STATUSES.items()
            },
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A seat's token. Never accepted in the query string.",
                },
                "session": {
                    "type": "apiKey",
                    "in": "cookie",
                    "name": settings.SESSION_COOKIE_NAME,
                    "description": "A browser that opened its /join/<token> link; unsafe "
                    "methods also need the X-CSRFToken header.",
                },
            },
        },
    }


def operation(route: Route, schemas: dict[str, Any]) -> dict[str, Any]:
    op: dict[str, Any] = {
        "operationId": route.name,
        "summary": route.summary,
        "description": f"Who may call it: {route.who}.",
        "x-who": route.who,
        "parameters": parameters(route),
        "responses": responses(route, schemas),
        "security": [{"bearer": []}, {"session": []}] if route.auth else [],
    }
    if route.request is not None:
        op["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": schema_ref(route.request, schemas)}},
        }
    return op


def parameters(route: Route) -> list[dict[str, Any]]:
    params = [
        {
            "name": name,
            "in": "path",
            "required": True,
            "description": PATH_DESCRIPTIONS.get(name, ""),
            "schema": {"type": "string"},
        }
        for name in PATH_PARAMETER.findall(route.path)
    ]
    if route.etag:
        params.append(
            {
                "name": "If-None-Match",
                "in": "header",
                "required": False,
                "description": "The ETag of the copy the caller holds: 304 while it is current.",
                "schema": {"type": "string"},
            }
        )
    if route.query is not None:
        query = route.query.model_json_schema()
        required = set(query.get("required", []))
        for name, schema in query["properties"].items():
            description = schema.pop("description", "")
            params.append(
                {
                    "name": name,
                    "in": "query",
                    "required": name in required,
                    "description": description,
                    "schema": schema,
                }
            )
    return params


def head_operation(route: Route, get: dict[str, Any]) -> dict[str, Any]:
    """HEAD on a GET route: what GET would answer, headers only."""
    return {
        **get,
        "operationId": f"{route.name}Head",
        "summary": f"{route.summary}: headers only",
        "responses": {
            status: {"description": "As GET, without the body."} for status in get["responses"]
        },
    }


def responses(route: Route, schemas: dict[str, Any]) -> dict[str, Any]:
    body = type_schema(route.returns, schemas)
    out: dict[str, Any] = {
        str(route.status): {
            "description": route.response,
            "content": {
                kind: {"schema": body if kind.endswith("json") else {"type": "string"}}
                for kind in route.content_types
            },
        }
    }
    for status, text in route.extra_statuses.items():
        out[str(status)] = {
            "description": text,
            "content": {"application/json": {"schema": body}},
        }
    if route.etag:
        etag = {"ETag": {"description": "The digest of the body.", "schema": {"type": "string"}}}
        out[str(route.status)]["headers"] = etag
        out["304"] = {
            "description": "The copy whose ETag the request sent is current: no body, no charge.",
            "headers": etag,
        }
    throttled = (429,) if route.auth else ()  # the rate limit counts a seat's requests
    for status in (*route.errors, *throttled):
        out[str(status)] = {"$ref": f"#/components/responses/{status}"}
    return out


def error_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": REF.format(model="Error")}}},
    }


def type_schema(kind: Any, schemas: dict[str, Any]) -> dict[str, Any]:
    """The JSON Schema of a type (a TypedDict, or a union of them): a named one goes into
    `schemas` (with the types it uses) and is given by $ref; a union inline."""
    schema = TypeAdapter(kind).json_schema(ref_template=REF)
    schemas.update(schema.pop("$defs", {}))
    name = getattr(kind, "__name__", None)
    if name is None or "title" not in schema:
        return schema
    schemas[name] = schema
    return {"$ref": REF.format(model=name)}


def schema_ref(model: type[BaseModel], schemas: dict[str, Any]) -> dict[str, str]:
    """Put the model's JSON Schema (and the models it uses) into `schemas`; return its $ref."""
    schema = model.model_json_schema(ref_template=REF)
    schemas.update(schema.pop("$defs", {}))
    schemas[model.__name__] = schema
    return {"$ref": REF.format(model=model.__name__)}
