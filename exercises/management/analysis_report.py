"""The `analyze` command's report for a person: the same data as `--json`, read aloud."""

from __future__ import annotations

from typing import Any

from exercises.engine import Scenario
from exercises.engine.analysis_summary import ending_ids


def report(scenario: Scenario, result: dict[str, Any]) -> str:
    lines = [
        f"{scenario.title} ({result['scenario']} v{result['version']}): "
        f"{len(result['setups'])} set-ups of {result['runs']} runs, "
        f"{result['turns']} turns, seed {result['seed']}",
        "",
        *_flags(result),
        "",
        *_endings(result),
        "",
        *_idle(result),
        "",
        *_finals(result),
    ]
    return "\n".join(lines) + "\n"


def _flags(result: dict[str, Any]) -> list[str]:
    if not result["flags"]:
        return ["Flags: none"]
    return ["Flags:"] + [f"  {f['kind']}: {f['subject']}: {f['detail']}" for f in result["flags"]]


def _endings(result: dict[str, Any]) -> list[str]:
    ids = ending_ids(result)
    width = max(len(s["label"]) for s in result["setups"])
    lines = ["Share of each ending (95 % Wilson interval), by set-up:", ""]
    lines.append(f"{'set-up':<{width}}  " + "  ".join(f"{e:>19}" for e in ids))
    for s in result["setups"]:
        cells = [_share(s["endings"][e]) for e in ids]
        lines.append(f"{s['label']:<{width}}  " + "  ".join(f"{c:>19}" for c in cells))
    return lines


def _share(cell: dict[str, Any]) -> str:
    return f"{cell['share']:.0%} [{cell['low']:.0%}-{cell['high']:.0%}]"


def _idle(result: dict[str, Any]) -> list[str]:
    roles = [r["id"] for r in result["roles"]]
    lines = ["Points the endings move when one role is idle (under 10: idling changes nothing):"]
    lines.append(f"{'policy':<20}" + "".join(f"{r:>14}" for r in roles))
    for policy, shifts in result["idle_shift"].items():
        lines.append(f"{policy:<20}" + "".join(f"{shifts[r]:>14g}" for r in roles))
    return lines


def _finals(result: dict[str, Any]) -> list[str]:
    bases = [s for s in result["setups"] if not s["idle"] and not s["swap"]]
    names = [v["name"] for v in result["variables"]]
    width = max(len(n) for n in ["variable", *names])
    lines = ["Each variable after the last turn, mean (p5-p95), by policy:", ""]
    lines.append(f"{'variable':<{width}}  " + "  ".join(f"{s['policy']:>24}" for s in bases))
    for name in names:
        cells = [_band(s["variables"][name]) for s in bases]
        lines.append(f"{name:<{width}}  " + "  ".join(f"{c:>24}" for c in cells))
    return lines


def _band(band: dict[str, list[float | None]]) -> str:
    return f"{band['mean'][-1]:g} ({band['p5'][-1]:g}-{band['p95'][-1]:g})"
