"""Loading scenario files: YAML with line numbers, the schema, then every cross-check.

A scenario that loads is one the engine can run: every id it names exists, every expression
compiles, reads only declared names and gives the type its place needs. Problems come back
together, each with its file and line, so an author fixes a file in one pass.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .checks import Checker
from .scenario import Scenario, Variable
from .schema import ScenarioSpec
from .texts import UNSTORABLE, storable

MAX_FILE_BYTES = 1_000_000
MAX_NODES = 200_000
MAX_DEPTH = 40
BUNDLED = Path(__file__).resolve().parent.parent / "scenarios"

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class LoadError:
    file: str
    line: int
    where: str
    message: str
    severity: str = "error"  # or "warning": the scenario loads, but look again

    def __str__(self) -> str:
        where = f" {self.where}:" if self.where else ""
        flag = " warning:" if self.severity == "warning" else ""
        return f"{self.file}:{self.line}:{where}{flag} {self.message}"


class ScenarioLoadError(ValueError):
    def __init__(self, errors: list[LoadError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


def load_scenario(path: str | Path) -> Scenario:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioLoadError([LoadError(str(path), 0, "", f"cannot read: {exc}")]) from exc
    return load_scenario_text(text, str(path))


def validate_scenario_file(path: str | Path) -> list[LoadError]:
    try:
        load_scenario(path)
    except ScenarioLoadError as exc:
        return exc.errors
    return []


@functools.cache
def load_bundled_scenarios() -> dict[str, Scenario]:
    scenarios = (load_scenario(p) for p in sorted(BUNDLED.glob("*.yaml")))
    return {s.id: s for s in scenarios}


def load_scenario_text(text: str, path: str = "<scenario>") -> Scenario:
    data, lines = _parse_yaml(text, path)
    unusable = [
        LoadError(path, _line(lines, loc), _where(loc), msg) for loc, msg in _unusable(data)
    ]
    if unusable:
        raise ScenarioLoadError(unusable)
    try:
        spec = ScenarioSpec.model_validate(data)
    except ValidationError as exc:
        raise ScenarioLoadError(_schema_errors(exc, lines, path)) from exc
    scenario = Scenario(spec, text, path, variables={}, tags={})
    checker = Checker(scenario)
    problems = checker.run()
    if problems:
        errors = [LoadError(path, _line(lines, loc), _where(loc), msg) for loc, msg in problems]
        raise ScenarioLoadError(errors)
    scenario.warnings = [
        LoadError(path, _line(lines, loc), _where(loc), msg, "warning")
        for loc, msg in checker.warnings
    ]
    return scenario


def _parse_yaml(text: str, path: str) -> tuple[Any, dict[Loc, int]]:
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise ScenarioLoadError([LoadError(path, 0, "", "is larger than 1 MB")])
    try:
        try:
            data, lines = _parse_with(_FAST_LOADER, text, path)
        except yaml.YAMLError:
            # libyaml words its errors otherwise and points elsewhere: an author reads the
            # pure-Python parser's, which the tests pin down.
            data, lines = _parse_with(yaml.SafeLoader, text, path)
    except yaml.YAMLError as exc:
        raise ScenarioLoadError([_yaml_error(exc, path, text)]) from exc
    except _TooBig as exc:
        raise ScenarioLoadError([LoadError(path, exc.line, "", str(exc))]) from exc
    except RecursionError as exc:
        raise ScenarioLoadError([LoadError(path, 1, "", "nests too deeply")]) from exc
    if not isinstance(data, dict):
        raise ScenarioLoadError([LoadError(path, 1, "", "must be a mapping of fields")])
    return data, lines


# libyaml when PyYAML was built with it: the pure-Python parser took 0.6 s of the 0.7 s that
# loading `ai-pause` cost, before `simulate` could start a run (benchmarks/README.md).
_FAST_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _parse_with(loader_class: Any, text: str, path: str) -> tuple[Any, dict[Loc, int]]:
    """The document's data (built from the node whose lines were read, not parsed again)."""
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise ScenarioLoadError([LoadError(path, 1, "", "is empty")])
        lines: dict[Loc, int] = {}
        duplicates: list[LoadError] = []
        _record_lines(node, (), lines, [0], duplicates, path)
        if duplicates:
            raise ScenarioLoadError(duplicates)
        return loader.construct_document(node), lines
    finally:
        loader.dispose()


# As the API's bodies (exercises/api/body.py): past this, sums drift towards infinity, which
# neither JSON nor a database column can hold.
MAX_NUMBER = 2**53


def _unusable(data: Any) -> list[tuple[Loc, str]]:
    """Every number YAML reads as `.nan`, `.inf` or past MAX_NUMBER, and every text holding a
    NUL (`"\\0"`, which PostgreSQL cannot store) or a lone surrogate (not UTF-8), where it is."""
    found: list[tuple[Loc, str]] = []
    stack: list[tuple[Any, Loc]] = [(data, ())]
    while stack:
        item, loc = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                if isinstance(key, str) and not storable(key):
                    found.append(((*loc, key), f"the name {UNSTORABLE}"))
                stack.append((value, (*loc, key)))
        elif isinstance(item, list):
            stack.extend((value, (*loc, index)) for index, value in enumerate(item))
        elif isinstance(item, str):
            if not storable(item):
                found.append((loc, UNSTORABLE))
        elif isinstance(item, float) and math.isnan(item):
            found.append((loc, "is .nan, not a number: give a finite number"))
        elif type(item) in (int, float) and abs(item) > MAX_NUMBER:  # bool is not int here
            found.append((loc, "is infinite or too large: numbers go up to 2**53 either side"))
    return sorted(found, key=lambda problem: [str(part) for part in problem[0]])


class _TooBig(ValueError):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


def _yaml_error(exc: yaml.YAMLError, path: str, text: str) -> LoadError:
    """PyYAML's error as one line: what is wrong, where, and what it was inside."""
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    # An unclosed quote is noticed at the end of the file; where it opened is the line the
    # author needs. Other contexts ("while parsing a block") point too far up to help.
    scanning = bool(context) and str(context).startswith("while scanning")
    mark = getattr(exc, "context_mark" if scanning else "problem_mark", None)
    line = mark.line + 1 if mark else 0
    message = f"is not valid YAML: {problem}" + (f" ({context})" if context else "")
    pitfall = _pitfall(exc, text)
    if pitfall is not None:
        line = pitfall[0] or line
        message = pitfall[1]
    return LoadError(path, line, "", message)


def _pitfall(exc: yaml.YAMLError, text: str) -> tuple[int, str] | None:
    """The reference's advice for the YAML pitfalls it documents, instead of the parser's."""
    problem = str(getattr(exc, "problem", "") or "")
    if "could not determine a constructor for the tag '!" in problem:
        tag = problem.rpartition("tag ")[2].strip("'")
        return 0, (
            f"{tag} starts with `!`, which YAML reads as a tag: quote the expression "
            f'("{tag}"); see "YAML pitfalls" in docs/scenario-reference.md'
        )
    marks = [getattr(exc, "context_mark", None), getattr(exc, "problem_mark", None)]
    source = text.splitlines()
    for mark in marks:
        if mark is None or not 0 <= mark.line < len(source):
            continue
        for row in (mark.line, mark.line - 1):
            found = _BARE_BRACE.search(source[row]) if 0 <= row < len(source) else None
            if found:
                return row + 1, _brace_advice(found.group(1).strip())
    return None


def _brace_advice(value: str) -> str:
    return (
        f"a value that starts with `{{` opens a YAML mapping: quote the text ('{value}'); "
        'see "YAML pitfalls" in docs/scenario-reference.md'
    )


# `key: {text...}` or `- {text...}` where the braces are followed by more words: a text that
# starts with a placeholder, not the flow mapping YAML takes it for.
_BARE_BRACE = re.compile(r"(?:^\s*-\s+|:\s+)(\{[^}]*\}\s*[^\s,}#].*)$")


def _record_lines(
    node: yaml.Node,
    loc: Loc,
    lines: dict[Loc, int],
    count: list[int],
    duplicates: list[LoadError],
    path: str,
) -> None:
    # Aliases can make a small file describe a huge tree (a "billion laughs"): count nodes.
    count[0] += 1
    if count[0] > MAX_NODES:
        raise _TooBig("has too many YAML nodes", node.start_mark.line + 1)
    if len(loc) > MAX_DEPTH:
        raise _TooBig("nests too deeply", node.start_mark.line + 1)
    lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        first: dict[str, int] = {}
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value != "<<":
                line = key.start_mark.line + 1
                if key.value in first:
                    # YAML keeps the last and drops the first without a word: two `add:` blocks
                    # in one branch lost the first block's effects.
                    message = (
                        f"{key.value!r} is given twice in one mapping, on lines "
                        f"{first[key.value]} and {line}: YAML would keep only the last"
                    )
                    duplicates.append(LoadError(path, line, _where((*loc, key.value)), message))
                first.setdefault(key.value, line)
                lines.setdefault((*loc, key.value), line)
                _record_lines(value, (*loc, key.value), lines, count, duplicates, path)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, (*loc, index), lines, count, duplicates, path)


def _line(lines: dict[Loc, int], loc: Loc) -> int:
    for end in range(len(loc), -1, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return 0


def _where(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _schema_errors(exc: ValidationError, lines: dict[Loc, int], path: str) -> list[LoadError]:
    errors: list[LoadError] = []
    seen: set[tuple[int, str]] = set()
    for error in exc.errors():
        loc = tuple(p for p in error["loc"] if not _is_union_tag(p))
        message = _schema_message(error)
        key = (_line(lines, loc), _where(loc))
        if key not in seen:  # a union reports once per member; one line is enough
            seen.add(key)
            errors.append(LoadError(path, key[0], key[1], message))
    return errors


def _is_union_tag(part: str | int) -> bool:
    return isinstance(part, str) and (
        part.startswith(("constrained-", "function-"))
        or part
        in {
            "bool",
            "int",
            "float",
            "str",
            "dict[str,union[bool,int,float]]",
            "dict[str,union[bool,int,float,str]]",
            "union[bool,int,float]",
        }
    )


def _schema_message(error: Any) -> str:
    loc = error["loc"]
    if error["type"] == "string_type" and isinstance(error.get("input"), dict):
        # `text: {role}` alone is a valid flow mapping, {"role": None}: say how it came about.
        braces = ", ".join(str(k) for k in error["input"])
        return f"is a mapping, not a text: {_brace_advice('{' + braces + '}')}"
    if error["type"] == "extra_forbidden":
        return f"unknown field {loc[-1]!r}"
    if error["type"] == "missing":
        return f"missing field {loc[-1]!r}"
    return str(error["msg"])


__all__ = [
    "LoadError",
    "Scenario",
    "ScenarioLoadError",
    "Variable",
    "load_bundled_scenarios",
    "load_scenario",
    "load_scenario_text",
    "validate_scenario_file",
]
