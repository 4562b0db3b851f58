"""The scenario's injects as the console lists them: each with whether and when it fired, and
the facilitator's changes to its schedule and words (the engine's state holds them), and its
MSEL row: this is the facilitator's page, notes included."""

from __future__ import annotations

from typing import Any

from exercises.engine import Scenario, State, effective
from exercises.engine.schema import InjectSpec
from exercises.models import Event, Exercise


def injects(exercise: Exercise, scenario: Scenario, state: State) -> list[dict[str, Any]]:
    fired_on = _fired_on(exercise)
    return [
        _row(scenario, state, spec, fired_on.get(spec.id, [])) for spec in scenario.spec.injects
    ]


def _row(scenario: Scenario, state: State, spec: InjectSpec, fired_on: list[int]) -> dict[str, Any]:
    """One inject as it will fire: the facilitator's edits applied (`edited` names them)."""
    i = effective(state, spec)
    return {
        "id": i.id,
        "title": i.title,
        "text": i.text,
        "at_turn": i.at_turn,
        "conditional": i.when is not None,
        "chance": i.chance if isinstance(i.chance, str) or i.chance < 1 else None,
        "after_minutes": i.after_minutes,
        "repeat": i.repeat,
        "to": scenario.resolve_roles(i.to) if i.to else None,
        "sender": i.sender,
        "channel": i.channel,
        "expected_action": i.expected_action,
        "objective": i.objective,
        "notes": i.notes,
        "edited": sorted(state.edits.get(i.id, {})),
        "fired": i.id in state.fired,
        "fired_on": fired_on,
        "scheduled": state.scheduled.get(i.id),
        "skipped": i.id in state.skipped,
    }


def _fired_on(exercise: Exercise) -> dict[str, list[int]]:
    """The turns each scenario inject fired on, from the log (an ad-hoc inject has no id)."""
    out: dict[str, list[int]] = {}
    rows = Event.objects.filter(exercise=exercise, type="inject").order_by("seq")
    for turn, data in rows.values_list("turn", "data"):
        if data.get("inject"):
            out.setdefault(data["inject"], []).append(turn)
    return out
