"""docs/events.md lists every event type the server can append to a log, and no other.

The types are found in the source, not in a list kept by hand: every string literal passed as
the type of `events.append(...)` anywhere in `exercises/services/`, or as the type of a helper
that passes its own parameter on as that type (`tell_everyone(exercise, "exercise.paused",
...)`, found by following such helpers), plus the engine's event types that the services pass
through to the log. Those come from the services' table of engine events where there is one
(`engine_log.LOG`: the types it publishes must be documented; those it folds into
`role.outcome` may be, since one the engine addresses to the facilitator alone is published),
else from the types the services test an engine event's `.type` against. The engine's event
types are `engine.EVENT_TYPES` where the engine declares them, else read from its source
(`EngineEvent("...")`); docs/events.md must say what becomes of each of them too.
"""

from __future__ import annotations

import ast
import importlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exercises import engine

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ROOT / "exercises" / "services"
ENGINE = ROOT / "exercises" / "engine"
DOC = ROOT / "docs" / "events.md"

LOG_HEADING = re.compile(r"^### `([a-z_]+(?:\.[a-z_]+)*)`", re.MULTILINE)
ENGINE_ROW = re.compile(r"^\| `([a-z_]+(?:\.[a-z_]+)*)` \|", re.MULTILINE)


@dataclass(frozen=True)
class Appender:
    """A function that appends an event whose type is its argument `index` (or `keyword`)."""

    name: str
    index: int
    keyword: str
    receiver: str | None = None  # `events.append`: only on `events`, lists have `append` too


LOG_APPEND = Appender("append", 1, "type", receiver="events")


def trees(folder: Path) -> list[ast.Module]:
    return [ast.parse(path.read_text(), str(path)) for path in sorted(folder.glob("*.py"))]


def strings(node: ast.expr | None) -> set[str] | None:
    """The strings an expression can be, when it is made of literals only."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        body, orelse = strings(node.body), strings(node.orelse)
        return body | orelse if body is not None and orelse is not None else None
    return None


def calls_to(tree: ast.AST, appender: Appender) -> Iterator[ast.Call]:
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == appender.name:
            receiver = func.value
            if appender.receiver is None or (
                isinstance(receiver, ast.Name) and receiver.id == appender.receiver
            ):
                yield node
        elif isinstance(func, ast.Name) and func.id == appender.name and not appender.receiver:
            yield node


def type_argument(call: ast.Call, appender: Appender) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == appender.keyword:
            return keyword.value
    return call.args[appender.index] if len(call.args) > appender.index else None


def helpers(modules: list[ast.Module], known: list[Appender]) -> list[Appender]:
    """Functions that pass one of their parameters on as an event's type, found until no more."""
    found = list(known)
    while True:
        new = [
            helper
            for module in modules
            for function in ast.walk(module)
            if isinstance(function, ast.FunctionDef)
            for helper in _passes_on(function, found)
            if helper not in found
        ]
        if not new:
            return found
        found += new


def _passes_on(function: ast.FunctionDef, appenders: list[Appender]) -> Iterator[Appender]:
    params = [a.arg for a in function.args.args]
    for appender in appenders:
        for call in calls_to(function, appender):
            argument = type_argument(call, appender)
            if isinstance(argument, ast.Name) and argument.id in params:
                yield Appender(function.name, params.index(argument.id), argument.id)


def literal_types() -> set[str]:
    """Every event type the services append as a literal, directly or through a helper."""
    modules = trees(SERVICES)
    found: set[str] = set()
    for appender in helpers(modules, [LOG_APPEND]):
        for module in modules:
            for call in calls_to(module, appender):
                found |= strings(type_argument(call, appender)) or set()
    return found


def engine_types() -> set[str]:
    declared = getattr(engine, "EVENT_TYPES", None)
    return set(declared) if declared is not None else engine_types_in_source()


def engine_types_in_source() -> set[str]:
    """Every type the engine gives an `EngineEvent`, a literal or a name bound to literals."""
    found: set[str] = set()
    for module in trees(ENGINE):
        for function in ast.walk(module):
            if not isinstance(function, ast.FunctionDef):
                continue
            bound = _bound_strings(function)
            for call in calls_to(function, Appender("EngineEvent", 0, "type")):
                argument = type_argument(call, Appender("EngineEvent", 0, "type"))
                if isinstance(argument, ast.Name):
                    found |= bound.get(argument.id, set())
                else:
                    found |= strings(argument) or set()
    return found


def _bound_strings(function: ast.FunctionDef) -> dict[str, set[str]]:
    bound: dict[str, set[str]] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, values = node.targets[0], strings(node.value)
            if isinstance(target, ast.Name) and values is not None:
                bound.setdefault(target.id, set()).update(values)
    return bound


def passed_through(engine: set[str]) -> set[str]:
    """The engine types the services log under their own name: those they test an engine
    event's `.type` against (`== "rule.error"`, `in (...)`, `.startswith("commitment.")`)."""
    named: set[str] = set()
    prefixes: set[str] = set()
    for module in trees(SERVICES):
        for node in ast.walk(module):
            if isinstance(node, ast.Compare) and _is_type(node.left):
                for comparator in node.comparators:
                    named |= _literals_in(comparator)
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "startswith"
                and _is_type(node.func.value)
            ):
                for argument in node.args:
                    prefixes |= _literals_in(argument)
    return {t for t in engine if t in named or t.startswith(tuple(prefixes))}


def _is_type(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "type"


def _literals_in(node: ast.expr) -> set[str]:
    if isinstance(node, ast.Tuple | ast.List | ast.Set):
        return {s for element in node.elts for s in strings(element) or set()}
    return strings(node) or set()


def engine_log_table() -> dict[str, Any] | None:
    try:
        module = importlib.import_module("exercises.services.engine_log")
    except ModuleNotFoundError:
        return None
    table: dict[str, Any] = module.LOG
    return table


def appended_types() -> set[str]:
    """The types the code must be documented as appending."""
    table = engine_log_table()
    if table is None:
        return literal_types() | passed_through(engine_types())
    published = {t for t, treatment in table.items() if type(treatment).__name__ == "Publish"}
    return literal_types() | published


def may_append() -> set[str]:
    """The types the docs may list: those above, and engine types folded into `role.outcome`
    that the engine may address to the facilitator alone, who then gets them as they are."""
    table = engine_log_table()
    if table is None:
        return appended_types()
    folded = {t for t, treatment in table.items() if type(treatment).__name__ == "InRoleOutcome"}
    return appended_types() | folded


def documented(pattern: re.Pattern[str], section: str) -> set[str]:
    text = DOC.read_text()
    start = text.index(section)
    end = text.find("\n## ", start + len(section))
    return set(pattern.findall(text[start : end if end != -1 else len(text)]))


def test_the_scan_finds_events_appended_directly_through_helpers_and_from_the_engine() -> None:
    # The scan itself: one of each road, so that a refactoring that hides them fails here.
    types = appended_types()

    assert {"move.submitted", "role.ready", "role.unready"} <= types  # literal, either branch
    assert {"exercise.paused", "note.added"} <= types  # through tell_everyone, _tell
    assert {"commitment.met", "rule.error"} <= types  # the engine's, passed through
    assert {"move.resolved", "exercise.ended", "inject"} <= engine_types()


def test_every_event_type_the_code_appends_is_documented() -> None:
    missing = appended_types() - documented(LOG_HEADING, "## The events")

    assert not missing, f"docs/events.md does not describe {sorted(missing)}"


def test_the_docs_list_no_event_type_the_code_never_appends() -> None:
    extra = documented(LOG_HEADING, "## The events") - may_append()

    assert not extra, f"docs/events.md describes {sorted(extra)}, which nothing appends"


def test_the_docs_say_what_becomes_of_every_engine_event() -> None:
    assert documented(ENGINE_ROW, "## Engine events") == engine_types()
