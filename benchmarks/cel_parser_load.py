"""Why `exercises/engine/cel_parse.py` is hand-written: a parser generator costs start-up.

    python benchmarks/cel_parser_load.py [--scenario ai-pause] [--repeat 5]

Every `simulate`, `analyze` and server process parses all of a scenario's expressions when it
loads it, so the parser's own set-up and its speed are start-up time. This script times, for
the scenario's expressions: building a Lark LALR parser from a grammar of the same CEL subset
(written here for the comparison; Lark is not a dependency, so the script says so and stops if
it is not installed) and parsing them all with it, against the hand-written parser, and the
whole compilation (`cel_compile`: parse, generate and compile the Python). Prints the least of
`--repeat` rounds of each, in milliseconds.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from exercises.engine import load_bundled_scenarios  # noqa: E402
from exercises.engine.cel_parse import parse  # noqa: E402
from exercises.engine.expressions import HELPERS, _me_as_role  # noqa: E402

GRAMMAR = r"""
?start: expr
?expr: or_ ("?" or_ ":" expr)?
?or_: and_ ("||" and_)*
?and_: relation ("&&" relation)*
?relation: sum (RELOP sum)*
?sum: product (ADDOP product)*
?product: unary (MULOP unary)*
?unary: member | "!" unary -> not_ | "-" unary -> neg
?member: primary
       | member "." NAME -> select
       | member "." NAME "(" [args] ")" -> method
       | member "[" expr "]" -> index
?primary: NAME -> ident
        | NAME "(" [args] ")" -> call
        | "(" expr ")"
        | "[" [args] "]" -> list_
        | FLOAT -> float_
        | INT -> int_
        | STRING -> string
args: expr ("," expr)* ","?
RELOP: "<=" | ">=" | "==" | "!=" | "<" | ">" | "in"
ADDOP: "+" | "-"
MULOP: "*" | "/" | "%"
NAME: /(?!in\b)[A-Za-z_][A-Za-z0-9_]*/
FLOAT: /\d+\.\d+([eE][+-]?\d+)?|\d+[eE][+-]?\d+|\.\d+/
INT: /0[xX][0-9a-fA-F]+|\d+/
STRING: /'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*"/
%ignore /\s+/
"""


def best(repeat: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="ai-pause")
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    try:
        import lark  # type: ignore[import-not-found,unused-ignore]  # not a dependency
    except ImportError:
        print("Lark is not installed (pip install lark): nothing to compare with.")
        return 1
    from exercises.engine.cel_compile import compile_cel

    scenario = load_bundled_scenarios()[options.scenario]
    sources = [_me_as_role(s) for s in scenario.expressions if s.strip()]
    lalr = lark.Lark(GRAMMAR, parser="lalr")
    assert all(lalr.parse(s) for s in sources)  # the grammar reads every one of them
    figures = {
        "Lark: build the parser": best(
            options.repeat, lambda: lark.Lark(GRAMMAR, parser="lalr", cache=False)
        ),
        "Lark: parse every expression": best(
            options.repeat, lambda: [lalr.parse(s) for s in sources]
        ),
        "hand-written: parse every expression": best(
            options.repeat, lambda: [parse(s) for s in sources]
        ),
        "hand-written: compile every expression": best(
            options.repeat, lambda: [compile_cel(s, HELPERS) for s in sources]
        ),
    }
    print(f"{options.scenario}: {len(sources)} expressions, least of {options.repeat} rounds")
    for label, ms in figures.items():
        print(f"  {label:<40} {ms:8.1f} ms")
    lark_total = figures["Lark: build the parser"] + figures["Lark: parse every expression"]
    ratio = lark_total / figures["hand-written: parse every expression"]
    print(f"  Lark (build + parse) / hand-written parse: {ratio:.1f} times")
    return 0


if __name__ == "__main__":
    sys.exit(main())
