"""The scenario's injects as the console lists them: each with whether and when it fired, and
the facilitator's changes to its schedule (the engine's state holds them)."""

from __future__ import annotations

from typing import Any

from exercises.engine import Scenario, State
from exercises.models import Event, Exercise


def injects(exercise: Exercise, scenario: Scenario, state: State) -> list[dict[str, Any]]:
    fired_on = _fired_on(exercise)
    return [
        {
            "id": i.id,
            "title": i.title,
            "text": i.text,
            "at_turn": i.at_turn,
            "conditional": i.when is not None,
            "repeat": i.repeat,
            "to": scenario.resolve_roles(i.to) if i.to else None,
            "fired": i.id in state.fired,
            "fired_on": fired_on.get(i.id, []),
            "scheduled": state.scheduled.get(i.id),
            "skipped": i.id in state.skipped,
        }
        for i in scenario.spec.injects
    ]


def _fired_on(exercise: Exercise) -> dict[str, list[int]]:
    """The turns each scenario inject fired on, from the log (an ad-hoc inject has no id)."""
    out: dict[str, list[int]] = {}
    rows = Event.objects.filter(exercise=exercise, type="inject").order_by("seq")
    for turn, data in rows.values_list("turn", "data"):
        if data.get("inject"):
            out.setdefault(data["inject"], []).append(turn)
    return out
