"""The OpenAPI document comes from the one route table, and the table is what is served."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from exercises.api.routes import ROUTES

if TYPE_CHECKING:
    from tests.api.conftest import Api, Game

pytestmark = pytest.mark.django_db


def served_api_paths() -> set[str]:
    """Every path the URLconf serves under /api/v1/, written as in the table."""
    api = next(
        p
        for p in get_resolver().url_patterns
        if isinstance(p, URLResolver) and str(p.pattern) == "api/v1/"
    )
    paths = set()
    for pattern in api.url_patterns:
        assert isinstance(pattern, URLPattern)
        text = str(pattern.pattern)
        if text:  # the catch-all JSON 404
            paths.add("/" + re.sub(r"<str:(\w+)>", r"{\1}", text))
    return paths


def test_every_served_api_path_is_in_the_table_and_every_route_is_served() -> None:
    assert served_api_paths() == {route.path for route in ROUTES}


def test_every_route_of_the_table_answers_its_method(api: Api, game: Game) -> None:
    for route in ROUTES:
        path = route.path.replace("{id}", game.id).replace("{move}", "m")
        response = api.call(route.method, "/api/v1" + path, game.tokens["facilitator"], {})

        assert response.status_code != 405, route
        if response.status_code == 404:
            assert api.error_of(response)["code"] != "no_route", route


def document(api: Api) -> dict[str, Any]:
    response = api.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return dict(api.json(response))


def test_the_document_is_openapi_3_1_with_a_path_for_each_route(api: Api) -> None:
    doc = document(api)

    assert doc["openapi"].startswith("3.1")
    assert {"title", "version"} <= set(doc["info"])
    for route in ROUTES:
        op = doc["paths"][route.path][route.method.lower()]
        assert op["operationId"] == route.name
        assert op["x-who"] == route.who
        assert str(route.status) in op["responses"]
    operations = [op for item in doc["paths"].values() for op in item.values()]
    assert len(operations) == len(ROUTES)
    assert len({op["operationId"] for op in operations}) == len(ROUTES)


def test_the_document_has_the_error_shape_and_bearer_security(api: Api) -> None:
    doc = document(api)
    components = doc["components"]

    error = components["schemas"]["Error"]
    assert error["properties"]["error"]["required"] == ["code", "message"]
    assert components["securitySchemes"]["bearer"] == {
        **components["securitySchemes"]["bearer"],
        "type": "http",
        "scheme": "bearer",
    }
    submit = doc["paths"]["/exercises/{id}/moves"]["post"]
    assert {"bearer": []} in submit["security"]
    assert submit["responses"]["409"] == {"$ref": "#/components/responses/409"}
    assert components["responses"]["409"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }


def test_every_reference_in_the_document_resolves(api: Api) -> None:
    doc = document(api)

    for ref in refs(doc):
        node: Any = doc
        for part in ref.removeprefix("#/").split("/"):
            node = node[part]
        assert isinstance(node, dict)


def refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [r for value in node.values() for r in refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in refs(value)]
    return []


def test_request_bodies_are_the_pydantic_models_schemas(api: Api) -> None:
    doc = document(api)
    schemas = doc["components"]["schemas"]

    move = schemas["MoveRequest"]
    assert move["additionalProperties"] is False
    assert set(move["properties"]) == {
        "action",
        "params",
        "rationale",
        "idempotency_key",
        "replaces",
    }
    control = schemas["ControlRequest"]
    assert control["discriminator"]["propertyName"] == "command"
    assert len(control["oneOf"]) == 11
    events = doc["paths"]["/exercises/{id}/events"]["get"]
    assert [p["name"] for p in events["parameters"]] == ["id", "since"]
