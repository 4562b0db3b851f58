"""The engine's view of an exercise: its scenario, loaded from the exercise's own snapshot."""

from __future__ import annotations

import functools

from exercises.engine import Scenario, State, load_scenario_text
from exercises.models import Exercise, ScenarioSnapshot


@functools.lru_cache(maxsize=64)
def _load(snapshot_id: int) -> Scenario:
    # Snapshots never change, so the id is enough of a key; the text (tens of KB) is read
    # from the database only the first time.
    snapshot = ScenarioSnapshot.objects.get(pk=snapshot_id)
    return _parse(snapshot.text, snapshot.sha256)


@functools.lru_cache(maxsize=16)
def _parse(text: str, sha256: str) -> Scenario:
    # Loading checks every expression of the scenario (half a second for ai-pause): done once
    # per text, however many snapshots (or databases, in the tests) hold the same one.
    return load_scenario_text(text, f"snapshot {sha256[:8]}")


def scenario_of_snapshot(snapshot: ScenarioSnapshot) -> Scenario:
    return _parse(snapshot.text, snapshot.sha256)


def scenario_of(exercise: Exercise) -> Scenario:
    return _load(exercise.snapshot_id)


def scenario_of_snapshot_id(snapshot_id: int) -> Scenario:
    """The scenario of an exercise known only by its snapshot's id (a row read for a sweep)."""
    return _load(snapshot_id)


def state_of(exercise: Exercise) -> State:
    return State.from_dict(exercise.state)


def role_name(exercise: Exercise, role: str) -> str:
    """A role as people call it ("OpenAI (CEO)"), for the messages they read."""
    return scenario_of(exercise).role_names.get(role, role)
