"""The OpenAPI document comes from the one route table, and the table is what is served."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from jsonschema import Draft202012Validator

from exercises.api.routes import ROUTES
from exercises.api.table import Route

if TYPE_CHECKING:
    from tests.api.conftest import Api, Game, Response

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
    heads = [route for route in ROUTES if route.method == "GET"]
    assert len(operations) == len(ROUTES) + len(heads)
    assert len({op["operationId"] for op in operations}) == len(operations)


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
    assert len(control["oneOf"]) == 19
    events = doc["paths"]["/exercises/{id}/events"]["get"]
    assert [p["name"] for p in events["parameters"]] == ["id", "since"]


def test_no_success_response_is_described_as_just_an_object(api: Api) -> None:
    doc = document(api)

    for route in ROUTES:
        for status, answer in doc["paths"][route.path][route.method.lower()]["responses"].items():
            for kind, content in answer.get("content", {}).items():
                schema = content["schema"]
                if kind == "application/json":
                    assert schema != {"type": "object"}, (route.name, status)
                    assert "$ref" in schema or "anyOf" in schema, (route.name, status)


# ---- every answer of a played exercise against the document ---------------------------------


@dataclass
class Checked:
    """Calls the API and validates each answer against the document's schema for its route
    and status, remembering which routes answered with success."""

    api: Api
    doc: dict[str, Any]
    game: Game
    succeeded: set[str] = field(default_factory=set)

    def call(
        self, name: str, seat: str | None, body: Any = None, query: str = "", **path: str
    ) -> Response:
        route = next(r for r in ROUTES if r.name == name)
        url = "/api/v1" + route.path.format(id=self.game.id, **path) + query
        token = self.game.tokens[seat] if seat else None
        sent = body if body is not None or route.method != "POST" else {}
        response = self.api.call(route.method, url, token, sent)
        self.check(route, response)
        return response

    def check(self, route: Route, response: Response) -> None:
        operation = self.doc["paths"][route.path][route.method.lower()]
        answer = operation["responses"].get(str(response.status_code))
        assert answer is not None, (route.name, response.status_code, response.content[:300])
        answer = self.resolve(answer)
        kind = response["Content-Type"]
        assert kind in answer["content"], (route.name, kind)
        schema = answer["content"][kind]["schema"]
        if kind == "application/json":
            body = response.json()
            validator = Draft202012Validator({**schema, "components": self.doc["components"]})
            errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)]
            assert not errors, (route.name, response.status_code, errors[:5])
        if response.status_code < 300:
            self.succeeded.add(route.name)

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            target: Any = self.doc
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            node = target
        return node

    def json(self, *args: Any, **kwargs: Any) -> Any:
        return self.call(*args, **kwargs).json()


def play_one_turn(c: Checked) -> str:
    """A turn with moves, a withdrawal, votes, a ruling, messages, notes and commands; then
    closed and adjudicated. Returns the free-form move's id."""
    free = c.json("submitMove", "anthropic", {"action": "free_form", "rationale": "We stall."})
    replayed = {"action": "run_safety_evals", "idempotency_key": "k1"}
    c.call("submitMove", "openai", replayed)
    assert c.call("submitMove", "openai", replayed).status_code == 200  # the replay
    scaling = c.json("submitMove", "gdm", {"action": "continue_scaling"})
    c.call("withdrawMove", "gdm", move=scaling["id"])
    c.call("submitMove", "observer", {"action": "continue_scaling"})  # 403
    c.call("submitMove", "anthropic", {"action": "no_such_action"})  # 400
    c.call("withdrawMove", "anthropic", move="nothing")  # 404
    checks = [{"action": "continue_scaling"}, {"action": "no_such_action", "params": {"x": 1}}]
    c.call("checkMoves", "anthropic", {"checks": checks})
    c.call("voteOnMove", "openai", {"chance": 0.3}, move=free["id"])
    c.call("voteOnMove", "gdm", {"chance": 0.5}, move=free["id"])
    c.call("getExercise", "facilitator")  # a ruling pending, with its votes
    c.call("ruleOnMove", "facilitator", {"move": free["id"], "chance": 0.5, "narrative": "Yes."})
    c.call("postMessage", "anthropic", {"to": ["openai"], "body": "Call me."})
    c.call("postMessage", "facilitator", {"to": "all", "body": "Ten minutes."})
    note = c.json("addNote", "facilitator", {"text": "OpenAI hesitates."})
    c.call("editNote", "facilitator", {"text": "OpenAI hesitated."}, note=str(note["id"]))
    c.call("deleteNote", "facilitator", note=str(note["id"]))
    c.call("addNote", "facilitator", {"kind": "debrief", "text": "Talk about the button."})
    for command in (
        {"command": "extend", "seconds": 60},
        {"command": "inject", "title": "News", "text": "A leak.", "to": ["gdm"]},
        {"command": "set_state", "variable": "public_concern", "value": 55, "reason": "A poll."},
        {"command": "replace_seat", "role": "china", "bot_policy": "no-pause"},
        {"command": "replace_seat", "role": "un"},  # a new link
        {"command": "pause"},
        {"command": "resume"},
    ):
        c.call("control", "facilitator", command)
    c.call("declareReady", "anthropic")
    c.call("control", "facilitator", {"command": "close_turn"})
    c.call("control", "facilitator", {"command": "close_turn"})  # 409: none is open
    return str(free["id"])


@pytest.mark.django_db(transaction=True)
def test_every_answer_of_a_played_exercise_matches_the_documents_schema(
    api: Api, game: Game
) -> None:
    # given
    checked = Checked(api, document(api), game)
    checked.call("openapi", None)
    checked.call("getExercise", None)  # 401

    # when
    play_one_turn(checked)
    checked.call("control", "facilitator", {"command": "fork", "turn": 1, "new_seed": True})

    # then
    for seat in ("facilitator", "anthropic", "observer"):
        view = checked.json("getExercise", seat)
        assert view["turn"]["phase"] == "resolved", view["turn"]
        events = checked.json("listEvents", seat, query="?since=0")["events"]
        assert events
        for format in ("json", "csv", "html"):
            checked.call("exportExercise", seat, query=f"?format={format}")
    assert checked.succeeded == {route.name for route in ROUTES}


def test_a_head_request_answers_as_get_without_a_body(api: Api, game: Game) -> None:
    token = game.tokens["anthropic"]
    for suffix in ("", "/events?since=0", "/export?format=csv"):
        got = api.get(game.url(suffix), token)
        head = api.call("HEAD", game.url(suffix), token)

        assert head.status_code == got.status_code == 200, suffix
        assert head.content == b"", suffix
        assert head["Content-Type"] == got["Content-Type"], suffix
        assert int(head["Content-Length"]) == len(got.content), suffix
    assert api.call("HEAD", "/api/v1/openapi.json").status_code == 200


def test_a_head_request_is_refused_as_get_is_and_not_where_there_is_no_get(
    api: Api, game: Game
) -> None:
    head = api.call("HEAD", game.url(), "not-a-token")
    moves = api.call("HEAD", game.url("/moves"), game.tokens["anthropic"])

    assert head.status_code == 401
    assert head.content == b""
    assert moves.status_code == 405
    assert moves["Allow"] == "POST"
    assert api.call("OPTIONS", game.url(), game.tokens["anthropic"])["Allow"] == "GET, HEAD"


@pytest.mark.django_db(transaction=True)
def test_the_answers_of_a_reviewed_turn_match_the_documents_schema(api: Api, game: Game) -> None:
    checked = Checked(api, document(api), game)
    on = {"command": "set_options", "close_when": "deadline", "review": True}
    checked.call("control", "facilitator", on)
    free = checked.json("submitMove", "anthropic", {"action": "free_form", "rationale": "Stall."})
    scaling = checked.json("submitMove", "openai", {"action": "continue_scaling"})
    checked.call("control", "facilitator", {"command": "close_turn"})  # 409: a ruling pending
    checked.call("control", "facilitator", {"command": "close_turn", "anyway": True})
    ruling = {"move": free["id"], "outcome": "success", "narrative": "Yes.", "audience": "mover"}
    checked.call("ruleOnMove", "facilitator", ruling)
    override = {"command": "override", "move": scaling["id"], "outcome": "failure"}
    checked.call("control", "facilitator", {**override, "reason": "Chips."})
    checked.call("control", "facilitator", {"command": "reroll", "move": scaling["id"]})
    draft = checked.json("getExercise", "facilitator")["draft"]
    assert draft["moves"] and draft["narrative"] is not None
    assert checked.json("getExercise", "anthropic")["turn"]["phase"] == "adjudicating"
    checked.call("control", "facilitator", {"command": "publish"})

    assert checked.json("getExercise", "facilitator")["turn"]["phase"] == "resolved"
