"""Management commands, and what they share: finding and loading a scenario by file or id."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError

from exercises.engine import Scenario, ScenarioLoadError, load_bundled_scenarios, load_scenario
from exercises.engine.loader import BUNDLED

USAGE_ERROR = 2


class UnknownScenario(LookupError):
    """Neither a readable file nor the id of a bundled scenario."""


def scenario_path(ref: str) -> Path:
    """The file `ref` names: a path when one exists, else the bundled scenario with that id."""
    path = Path(ref)
    if path.is_file():
        return path
    for suffix in (".yaml", ".yml"):
        candidate = BUNDLED / f"{ref}{suffix}"
        if "/" not in ref and candidate.is_file():
            return candidate
    # A bundled file may be named otherwise than its id; a broken one must not hide the rest.
    try:
        bundled = load_bundled_scenarios()
    except ScenarioLoadError:
        bundled = {}
    if ref in bundled:
        return Path(bundled[ref].path)
    raise UnknownScenario(f"{ref!r} is neither a file nor a bundled scenario ({bundled_ids()})")


def bundled_ids() -> str:
    ids = sorted(p.stem for p in BUNDLED.glob("*.y*ml"))
    return "bundled: " + (", ".join(ids) if ids else "none")


def usage_error(message: str) -> CommandError:
    return CommandError(message, returncode=USAGE_ERROR)


def load(ref: str) -> Scenario:
    """The scenario `ref` names, or a usage error saying why it cannot be had."""
    try:
        return load_scenario(scenario_path(ref))
    except UnknownScenario as exc:
        raise usage_error(str(exc)) from exc
    except ScenarioLoadError as exc:
        raise usage_error(f"the scenario does not load:\n{exc}") from exc
