"""The scenario files the engine's equivalence tests play: the bundled ones and the fixtures
that have policies. `FILES` is the usual set; `EVERY_FILE` adds every fixture, some invalid
on purpose, for `loadable` to sort out."""

from pathlib import Path

from exercises.engine import load_scenario
from exercises.engine.scenario import Scenario

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SCENARIOS = Path(__file__).resolve().parents[2] / "exercises" / "scenarios"
BUNDLED = sorted(SCENARIOS.glob("*.yaml"))
FILES = [*BUNDLED, FIXTURES / "mini.yaml", FIXTURES / "typed.yaml"]
EVERY_FILE = [*BUNDLED, *sorted(FIXTURES.glob("*.yaml"))]


def loadable(path: Path) -> Scenario | None:
    try:
        return load_scenario(path)
    except Exception:  # fixtures that are invalid on purpose
        return None
