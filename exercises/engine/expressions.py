"""The safe expression language: CEL, behind one small interface.

Scenario conditions, chances and effects are CEL expressions (github.com/google/cel-spec):
no loops, no assignment, no attribute access on host objects, no I/O. Every expression is
compiled when its scenario loads; the limits below bound what a hostile file can make the
evaluator do, and `references` lets the loader reject unknown names before anything runs.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.machinery
import importlib.util
import re
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .cel_compile import Compiled, compile_cel
from .cel_explain import TYPE_ERROR, explain, type_name
from .cel_functions import WORLD_FUNCTIONS, count_of, published, revealed, sum_of
from .cel_parse import Unsupported


def _cel_core() -> Any:
    """The `cel` library's compiled core, which is all the engine uses. The package's own
    __init__ also imports its command line (typer, rich, prompt_toolkit): 0.25 s of CPU, a
    third of `simulate`'s start-up. Registered under its own name, the core is the module a
    later `import cel` uses, not a second copy."""
    loaded = sys.modules.get("cel.cel") or sys.modules.get("cel")
    if loaded is not None:
        return loaded
    package = importlib.util.find_spec("cel")
    folder = Path(((package and package.submodule_search_locations) or [""])[0])
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        spec = importlib.util.spec_from_file_location("cel.cel", folder / f"cel{suffix}")
        if spec and spec.loader and (folder / f"cel{suffix}").is_file():
            core = importlib.util.module_from_spec(spec)
            sys.modules["cel.cel"] = core
            spec.loader.exec_module(core)
            return core
    return importlib.import_module("cel")  # laid out otherwise: the whole package


cel = _cel_core()

MAX_LENGTH = 500
MAX_DEPTH = 12
MAX_MACROS = 2

# A list is one of strings in the engine's state (a `roles` variable) or one built from them.
Value = bool | int | float | str | list[Any]
_VALUES = VALUE_TYPES = frozenset({bool, int, float, str, list})

MACROS = frozenset({"all", "exists", "exists_one", "map", "filter"})
FUNCTIONS = frozenset(
    {
        "size",
        "int",
        "double",
        "string",
        "has",
        "matches",
        "contains",
        "startsWith",
        "endsWith",
        "max",
        "min",
    }
    | MACROS
    | WORLD_FUNCTIONS
)
KEYWORDS = frozenset({"true", "false", "null", "in"})

_STRING = re.compile(
    r"""(?:[rRbB]{0,2})('''.*?'''|\"\"\".*?\"\"\"|'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*")""",
    re.S,
)
_CHAIN = re.compile(r"(?<![\w.\]\)])([A-Za-z_]\w*)((?:\s*\.\s*[A-Za-z_]\w*)*)(\s*\()?")
_MACRO_VAR = re.compile(r"\.\s*(?:all|exists|exists_one|map|filter)\s*\(\s*([A-Za-z_]\w*)\s*,")


class ExpressionError(ValueError):
    """An expression that cannot be compiled, or failed while evaluating."""


def _same_kind(name: str, a: Any, b: Any) -> None:
    # CEL never mixes int and double; a helper that did would change type with the values.
    if type(a) is not type(b):
        raise TypeError(
            f"`{name}` takes two values of one type, not {type_name(a)} and {type_name(b)}: "
            "convert with double() or int()"
        )


def _max(a: Any, b: Any) -> Any:
    _same_kind("max", a, b)
    return a if a >= b else b


def _min(a: Any, b: Any) -> Any:
    _same_kind("min", a, b)
    return a if a <= b else b


_max.pick = ">="  # type: ignore[attr-defined]  # for compiled code (cel_compile)
_min.pick = "<="  # type: ignore[attr-defined]
# max/min are the only helpers added to CEL's standard library: pure, two arguments, bounded.
HELPERS = {"max": _max, "min": _min}


@dataclass(frozen=True)
class Reference:
    """A dotted name an expression reads, such as ("roles", "anthropic", "evidence")."""

    path: tuple[str, ...]
    is_call: bool


@dataclass(frozen=True)
class Expression:
    source: str
    program: Any
    constant: Value | None = None  # an expression that reads nothing, evaluated once
    # `me.x` compiled for one role at a time, as `roles["openai"].x`: CEL asks the resolver for
    # `role` at every `me.` (half the cost of `me.paused`), while a literal costs nothing.
    per_role: dict[str, Any] | None = field(default=None, compare=False, repr=False)
    # The same expression as Python (cel_compile), when the compiler handles all of it: it
    # reads the names where they are instead of a CEL context built from them.
    compiled: Compiled | None = field(default=None, compare=False, repr=False)

    def evaluate(self, env: Environment) -> Value:
        if self.constant is not None:
            return self.constant
        try:
            result = self.compiled(env.names)  # type: ignore[misc]  # None raises: to CEL
        except Exception:  # whatever it was, the library has the answer
            result = self._in_cel(env)
        if result.__class__ not in _VALUES:
            kind = type(result).__name__
            raise ExpressionError(f"gives a {kind}, not a number, bool, text or list")
        return result  # type: ignore[return-value]

    def _in_cel(self, env: Environment) -> Any:
        """The reference: what the `cel` library makes of it, value or error message."""
        program = self.program
        if self.per_role is not None:
            role = env.bound("role")
            if isinstance(role, str):
                program = self.per_role.get(role) or self._for_role(role)
        try:
            return program.execute(env.context)
        except Exception as exc:  # the CEL runtime raises several builtin types
            explained = None
            if TYPE_ERROR.search(str(exc)):  # the library does not say which operation failed
                explained = explain(self.source, env.names, env.run)
            raise ExpressionError(explained or _describe(exc)) from exc

    def _for_role(self, role: str) -> Any:
        assert self.per_role is not None
        program = self.program
        if _ROLE_ID.fullmatch(role):  # anything else could not be written as a literal
            program = cel.compile(_me_as_role(self.source, f'roles["{role}"]'))
        self.per_role[role] = program
        return program


_template = functools.lru_cache(maxsize=256)(cel.compile)
_ROLE_ID = re.compile(r"[a-z][a-z0-9_-]{0,47}")


class Environment:
    """The names an expression may read: built once per phase, then narrowed per move.

    `names` holds the phase's names (`state`, `roles`, ...) and the per-move ones bound on
    top (`role`, `params`), as Python values: compiled expressions read them there. The CEL
    context, which converts every value (about 1 µs each), is built only when an expression
    the compiler does not handle, or an error, needs the library; the per-move names stay
    with a resolver it asks lazily, since any change to a context makes it convert all again.
    """

    def __init__(self, variables: Mapping[str, Any]) -> None:
        self.variables = dict(variables)
        self.names: dict[str, Any] = dict(variables)
        self._context: Any = None
        self.roles: dict[str, dict[str, Any]] = {}
        self.memo: dict[Any, Any] = {}

    @property
    def context(self) -> Any:
        if self._context is None:
            self._context = cel.Context(self.variables, functions=self._functions())
            self._context.set_variable_resolver(self.names.get)
        return self._context

    def _functions(self) -> dict[str, Any]:
        # The engine's functions read the phase (cel_functions), so they close over its names.
        names = self.names
        return {
            **HELPERS,
            "count": lambda members, key: count_of(names, members, key),
            "sum": lambda members, key: sum_of(names, members, key),
            "published": lambda name: published(names, name),
            "revealed": lambda name, viewer: revealed(names, name, viewer),
        }

    def run(self, template: str, values: dict[str, Any]) -> Any:
        """A small CEL template on values, in the library (for cel_explain)."""
        return _template(template).execute(cel.Context(values, functions=self._functions()))

    def bound(self, name: str) -> Any:
        return self.names.get(name)

    def bind(self, **variables: Any) -> Environment:
        self.names.update(variables)
        return self

    def bind_move(self, role: str, params: Mapping[str, Any] | None = None) -> None:
        """`bind(role=..., params=...)` without a dict of keywords: a hundred times a turn."""
        names = self.names
        names["role"] = role
        if params is not None:
            names["params"] = params


def compile_expression(source: str) -> Expression:
    source = source.strip()
    if not source:
        raise ExpressionError("is empty")
    if len(source) > MAX_LENGTH:
        raise ExpressionError(f"is {len(source)} characters long; the limit is {MAX_LENGTH}")
    depth = nesting_depth(source)
    if depth > MAX_DEPTH:
        raise ExpressionError(f"nests {depth} deep; the limit is {MAX_DEPTH}")
    macros = len(_MACRO_VAR.findall(_strip_strings(source)))
    if macros > MAX_MACROS:
        raise ExpressionError(f"uses {macros} list macros; the limit is {MAX_MACROS}")
    rewritten = _me_as_role(source)
    try:
        program = cel.compile(rewritten)
    except Exception as exc:
        raise ExpressionError(_first_line(str(exc))) from exc
    constant = None
    if not program.variables() and not set(program.functions()) & (set(HELPERS) | WORLD_FUNCTIONS):
        # `true`, `0.5`, `2.0 * 3.0`: the many defaults need not go through CEL every time.
        # One that fails (an overflow) stays unfolded, so it fails where it is used.
        try:
            folded = program.execute({})
        except Exception:
            folded = None
        if isinstance(folded, bool | int | float | str):
            constant = folded
    per_role: dict[str, Any] | None = {} if constant is None and rewritten != source else None
    compiled = None
    if constant is None:
        # Valid CEL outside the compiler's subset (Unsupported) is left to the library.
        with contextlib.suppress(Unsupported):
            compiled = compile_python(source)
    return Expression(source, program, constant, per_role, compiled)


def compile_python(source: str) -> Compiled:
    """The expression as Python (cel_compile); Unsupported for CEL the compiler does not
    handle. `me` is `roles[role]` as plain subscripts: the engine's `roles` is always a dict
    of role ids, so they fail exactly where CEL's index would."""
    aliases = {"me": "N['roles'][N['role']]"} if _me_as_role(source) != source else {}
    return compile_cel(source, HELPERS, aliases)


# Loading a scenario asks for each expression's rewriting and its text without strings several
# times (its limits, its compiled code, its names, the rules' and moves' code): once will do.
@functools.lru_cache(maxsize=2048)
def _me_as_role(source: str, role: str = "roles[role]") -> str:
    """`me.x` becomes `roles[role].x`: one string per move to bind instead of a whole map."""
    text = _strip_strings(source)
    if "me" in set(_MACRO_VAR.findall(text)):
        return source  # a macro variable named `me` shadows it; nothing to rewrite
    out, last = [], 0
    for match in _CHAIN.finditer(text):
        if match.group(1) == "me" and not _is_number_suffix(text, match.start()):
            out += [source[last : match.start()], role]
            last = match.start() + 2
    return "".join(out) + source[last:]


def nesting_depth(source: str) -> int:
    depth = deepest = 0
    for char in _strip_strings(source):
        if char in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")]}":
            depth -= 1
    return deepest


def references(source: str) -> Iterator[Reference]:
    """Dotted names read by `source`, outside string literals; macro variables excluded."""
    text = _strip_strings(source)
    bound = set(_MACRO_VAR.findall(text))
    for match in _CHAIN.finditer(text):
        root, rest, call = match.group(1), match.group(2), match.group(3)
        path = (root, *[part.strip() for part in rest.split(".") if part.strip()])
        if root in bound or root in KEYWORDS or _is_number_suffix(text, match.start()):
            continue
        yield Reference(path, bool(call))


def _is_number_suffix(text: str, start: int) -> bool:
    # `1e5`, `2u`: the letters belong to a numeric literal, not a name.
    return start > 0 and text[start - 1].isdigit()


@functools.lru_cache(maxsize=2048)
def _strip_strings(source: str) -> str:
    return _STRING.sub(lambda m: " " * len(m.group(0)), source)


def _first_line(message: str) -> str:
    message = message.replace("Failed to parse expression", "cannot be parsed")
    lines = [line for line in message.splitlines() if line.strip()]
    for line in lines:
        if "ERROR:" in line:
            return line.split("ERROR:", 1)[1].strip().replace("<input>:", "at ")
    return lines[0] if lines else "is not a valid expression"


_RAISED = re.compile(r"Python function call failed: \w+: (.*?)\. Check function arguments", re.S)


def _describe(exc: Exception) -> str:
    raised = _RAISED.search(str(exc))
    if raised:  # a function of the engine's, which explains itself
        return raised.group(1)
    if isinstance(exc, KeyError):
        return f"reads {exc.args[0]!r}, which does not exist"
    if isinstance(exc, ZeroDivisionError):
        return "divides by zero"
    return _first_line(str(exc)).split(" CEL does not coerce")[0]
