"""Reading a request: its size, its JSON and its shape, checked in that order.

Nothing here knows the game. A body that fails is refused with a message that names the field,
before any use case runs, so a refused request writes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest
from pydantic import BaseModel, RootModel, ValidationError

from exercises.engine.texts import UNSTORABLE, storable

from .errors import MAX_BODY, ApiError, too_large

MAX_DEPTH = 20
# The largest number a body may hold, either sign: integers up to it are exact in a float (and
# in JavaScript), and sums of a few such numbers stay far from infinity, which no JSON column
# can store. `1e400` (infinity to Python) and an integer of 400 digits are refused by it.
MAX_NUMBER = 2**53
# Fields the server sets; a client that sends one is told so, not just "unknown field".
SERVER_OWNED = frozenset(
    {"id", "status", "role", "turn", "seat", "result", "exercise", "created_at", "seq"}
)


def check_size(request: HttpRequest) -> None:
    """413 from the declared length alone, before anything is read."""
    declared = request.META.get("CONTENT_LENGTH") or "0"
    try:
        length = int(declared)
    except ValueError:
        raise ApiError(400, "bad_request", "Content-Length is not a number") from None
    if length > MAX_BODY:
        raise too_large()


def read_body(request: HttpRequest) -> bytes:
    check_size(request)
    try:
        raw = request.body
    except RequestDataTooBig:  # DATA_UPLOAD_MAX_MEMORY_SIZE set below our own limit
        raise too_large() from None
    if len(raw) > MAX_BODY:  # a body longer than it said it was
        raise too_large()
    return raw


def parse_json(raw: bytes) -> Any:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise invalid_json("the body is not UTF-8") from None
    if not text.strip():
        raise invalid_json("the body is empty; send a JSON object")
    try:
        data = json.loads(text, parse_constant=_no_constants)
    except RecursionError:
        raise too_deep() from None
    except ValueError as exc:
        raise invalid_json(f"the body is not valid JSON ({exc})") from None
    if depth(data) > MAX_DEPTH:
        raise too_deep()
    if not isinstance(data, dict):
        raise invalid_json(f"the body must be a JSON object, not {_json_type(data)}")
    check_values(data)
    return data


def check_values(data: Any) -> None:
    """Refuse, naming where, a number past MAX_NUMBER (or infinite), and a text no database
    column can hold: a NUL character (PostgreSQL refuses it) or a lone surrogate (not UTF-8)."""
    stack: list[tuple[Any, str]] = [(data, "")]
    while stack:
        item, where = stack.pop()
        field = f"{where!r}: " if where else ""
        if isinstance(item, dict):
            for key, value in item.items():
                inside = f"{where}.{key}" if where else str(key)
                if not storable(key):
                    raise ApiError(400, "invalid", f"{inside!r}: the name {UNSTORABLE}")
                stack.append((value, inside))
        elif isinstance(item, list):
            stack.extend((v, f"{where}.{i}") for i, v in enumerate(item))
        elif isinstance(item, str):
            if not storable(item):
                raise ApiError(400, "invalid", f"{field}the text {UNSTORABLE}")
        elif not number_in_range(item):
            raise ApiError(
                400, "invalid", f"{field}numbers must be finite and at most 2**53 either side"
            )


def number_in_range(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return True
    return abs(value) <= MAX_NUMBER  # False for NaN, too


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def depth(value: Any) -> int:
    """How deeply objects and arrays nest: 1 for `{}`, 0 for a number. No recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, level + 1) for child in children)
    return deepest


def validate(model: type[BaseModel], data: Mapping[str, Any]) -> BaseModel:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ApiError(400, "invalid", describe(exc, model, data)) from None


def validate_query(model: type[BaseModel], request: HttpRequest) -> BaseModel:
    """Query parameters the model names; others (a `?token=` included) are ignored."""
    params = {name: request.GET[name] for name in model.model_fields if name in request.GET}
    return validate(model, params)


def describe(exc: ValidationError, model: type[BaseModel], data: Mapping[str, Any]) -> str:
    """One sentence per field at fault, naming it as the client wrote it."""
    by_field: dict[str, list[str]] = {}
    for error in exc.errors(include_url=False):
        field, problem = _problem(error, model, data)
        by_field.setdefault(field, []).append(problem)
    problems = [_sentence(field, found) for field, found in by_field.items()]
    more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
    return "; ".join(problems[:3]) + more


def _problem(error: Any, model: type[BaseModel], data: Mapping[str, Any]) -> tuple[str, str]:
    loc = _as_written(list(error["loc"]), model, data, keep_last=error["type"] == "missing")
    field = ".".join(str(part) for part in loc)
    kind = error["type"]
    if kind == "extra_forbidden":
        if len(loc) == 1 and loc[0] in SERVER_OWNED:
            return field, f"{field!r} is set by the server; leave it out"
        return field, f"unknown field {field!r}"
    if kind == "missing":
        return field, f"{field!r} is required"
    if kind == "union_tag_not_found":
        return field, f"{error['ctx']['discriminator']} is required"
    if kind == "union_tag_invalid":
        ctx = error["ctx"]
        expected = ctx["expected_tags"]
        return field, f"{ctx['discriminator']}: there is no {ctx['tag']!r}; use one of {expected}"
    return field, str(error["msg"]).removeprefix("Value error, ")


def _as_written(
    loc: list[Any], model: type[BaseModel], data: Mapping[str, Any], *, keep_last: bool
) -> list[Any]:
    """The error's location without the labels pydantic adds for union members and tags."""
    if issubclass(model, RootModel) and loc and loc[0] == data.get("command"):
        loc = loc[1:]  # a tagged union puts the tag first
    written: list[Any] = []
    node: Any = data
    for index, part in enumerate(loc):
        last = index == len(loc) - 1
        if _holds(node, part):
            node = node[part]
        elif not (keep_last and last):
            continue  # `int`, `list[str]`, `literal['all']`: not in the body, a union label
        written.append(part)
    return written


def _holds(node: Any, part: Any) -> bool:
    if isinstance(node, dict):
        return part in node
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)


def _sentence(field: str, problems: list[str]) -> str:
    if any(p.startswith(("'", "unknown field")) for p in problems):
        return problems[0]
    # A union reports each alternative: "should be a valid list", "should be 'all'".
    alternatives = [p.removeprefix("Input should be ") for p in dict.fromkeys(problems)]
    text = alternatives[0] if len(alternatives) == 1 else " or ".join(alternatives)
    if len(alternatives) > 1 or problems[0].startswith("Input should be "):
        text = f"should be {text}"
    return f"{field!r}: {text}" if field else text


def invalid_json(message: str) -> ApiError:
    return ApiError(400, "invalid_json", message)


def too_deep() -> ApiError:
    return ApiError(400, "too_deep", f"the JSON nests deeper than {MAX_DEPTH} levels")


def _json_type(value: Any) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if value is None:
        return "null"
    return "a number"
