"""The child side of `sandbox`: reads one request as JSON on stdin, answers on stdout.

It imports the engine and the MSEL reader only (no Django), so that a fresh interpreter starts
quickly and holds nothing a hostile scenario or sheet could reach: no database connection, no
settings, no secrets. Each line it writes is one JSON object: `{"progress": [done, of]}` any
number of times, then `{"result": ...}` or `{"error": ...}`.
"""

from __future__ import annotations

import base64
import json
import resource
import sys
from dataclasses import asdict
from typing import Any

from exercises.engine import ScenarioLoadError, load_scenario_text
from exercises.engine.analysis import Setup, analyse
from exercises.msel import TimelineError, merge, read_sheet


def write(line: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(line) + "\n")
    sys.stdout.flush()


def load(request: dict[str, Any]) -> dict[str, Any]:
    """The scenario's problems, each with its line; its id and title when it loads."""
    try:
        scenario = load_scenario_text(request["text"], request.get("name", "<upload>"))
    except ScenarioLoadError as exc:
        return {"errors": [asdict(e) for e in exc.errors], "warnings": []}
    return {
        "errors": [],
        "warnings": [asdict(w) for w in scenario.warnings],
        "id": scenario.id,
        "title": scenario.title,
        "version": str(scenario.version),
    }


def quick_check(request: dict[str, Any]) -> dict[str, Any]:
    """A few runs of each policy with every role played by it: how each ends, what never moves."""
    scenario = load_scenario_text(request["text"], "<upload>")
    policies = list(scenario.policies)
    if not policies:
        return {"policies": [], "never_moves": [], "note": "the scenario has no bot policies"}
    done = 0

    def progress(step: int) -> None:
        nonlocal done
        done += step
        write({"progress": [done, len(policies)]})

    write({"progress": [0, len(policies)]})
    only = [Setup(policy) for policy in policies]
    data = analyse(scenario, int(request["runs"]), request["seed"], progress=progress, only=only)
    never = [f["subject"] for f in data["flags"] if f["kind"] == "variable_never_moves"]
    return {
        "runs": data["runs"],
        "endings": data["endings"],
        "policies": [
            {"policy": s["policy"], "endings": {e: v["share"] for e, v in s["endings"].items()}}
            for s in data["setups"]
        ],
        "never_moves": never,
    }


def merge_timeline(request: dict[str, Any]) -> dict[str, Any]:
    """The scenario's text with a timeline spreadsheet merged into its injects: `{"text"}`;
    else the scenario's own errors by line (`{"errors"}`) or the sheet's by row and column
    (`{"problems"}`). The sheet is read here, under the limits, as an .xlsx is a zip."""
    text = request["text"]
    try:
        load_scenario_text(text, "<upload>")
    except ScenarioLoadError as exc:
        return {"errors": [asdict(e) for e in exc.errors]}
    try:
        rows = read_sheet(base64.b64decode(request["sheet"]), request["name"])
        merged, _ = merge(text, rows, "<upload>")
    except TimelineError as exc:
        return {"problems": [asdict(p) for p in exc.problems]}
    return {"text": merged, "rows": len(rows)}


TASKS = {"load": load, "quick_check": quick_check, "merge_timeline": merge_timeline}


def limit(cpu_seconds: int, address_space: int) -> None:
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))


def main() -> None:
    limit(int(sys.argv[1]), int(sys.argv[2]))
    request = json.loads(sys.stdin.read())
    try:
        write({"result": TASKS[request["task"]](request)})
    except MemoryError:
        write({"error": "memory"})
    except RecursionError:
        write({"error": "too deeply nested to check"})


if __name__ == "__main__":
    main()
