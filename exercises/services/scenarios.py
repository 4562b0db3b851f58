"""The engine's view of an exercise: its scenario, loaded from the exercise's own snapshot."""

from __future__ import annotations

import functools

from exercises.engine import Scenario, State, load_scenario_text
from exercises.models import Exercise, ScenarioSnapshot


@functools.lru_cache(maxsize=64)
def _load(sha256: str, text: str) -> Scenario:
    return load_scenario_text(text, f"snapshot {sha256[:8]}")


def scenario_of(exercise: Exercise) -> Scenario:
    snapshot: ScenarioSnapshot = exercise.snapshot
    return _load(snapshot.sha256, snapshot.text)


def state_of(exercise: Exercise) -> State:
    return State.from_dict(exercise.state)
