"""The replay page: step through an exercise turn by turn and event by event, as a seat saw it.

The events come from `GET /api/v1/exercises/{id}/events` (the projection's `events_for`), and
the turns (states before and after, moves, rulings, rolls, narrative) from the seat's export
(`export_for`, cut by the same projection, read back from the export cache): this page
filters nothing itself. The facilitator sees everything, notes included; a role what it saw;
the observer the public.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.cache import never_cache

from exercises.engine import Scenario
from exercises.models import Seat
from exercises.services import projection
from exercises.services.export_cache import export_data
from exercises.services.scenarios import scenario_of

from .data import commitment_labels, ending, variable_meta
from .views import PAGES, NoSeat, no_seat_page, seat_for

# What the page needs of each turn; the export's other fields stay out of the page.
TURN_FIELDS = ("number", "phase", "state_before", "state_after", "moves", "rulings", "draws")


@never_cache
def replay(request: HttpRequest, public_id: str) -> HttpResponse:
    try:
        seat = seat_for(request, public_id)
    except NoSeat as error:
        return no_seat_page(request, error)
    data = replay_data(seat)
    data["csrf"] = get_token(request)
    data["urls"] = {
        "api": reverse("api:getExercise", args=[public_id]),
        "back": reverse(PAGES[Seat.Kind(seat.kind)], args=[public_id]),
        "report": report_url(public_id),
    }
    context = {"data": data, "view": data["view"], "seat": seat}
    return render(request, "exercises/live/replay.html", context)


def report_url(public_id: str) -> str | None:
    """The seat's after-action report (its export as HTML), once the export route exists."""
    try:
        return reverse("api:exportExercise", args=[public_id]) + "?format=html"
    except NoReverseMatch:
        return None


def replay_data(seat: Seat) -> dict[str, Any]:
    exercise = seat.exercise
    scenario = scenario_of(exercise)
    who = projection.viewer(seat)
    export = export_data(seat)
    history = _history(export)
    return {
        "exercise": exercise.public_id,
        "seat": seat.name,
        "kind": seat.kind,
        "view": projection.exercise_view(seat),
        "variables": _variables(scenario, history),
        "history": history,
        "turns_detail": [{k: t.get(k) for k in TURN_FIELDS} for t in export["turns"]],
        "notes": export.get("notes") or [],
        "turn_label": scenario.turn_label,
        "turn_labels": {str(n): name for n, name in scenario.turn_names().items()},
        "turns": scenario.turns,
        "commitments": commitment_labels(scenario, who),
        "action_labels": {action.id: action.label for action in scenario.actions},
        "ending": ending(scenario, exercise.ending),
    }


def _history(export: Mapping[str, Any]) -> list[dict[str, Any]]:
    """`[{turn, values}]`: the state play started from, then after each resolved turn."""
    start = export["initial_state"]
    points = [{"turn": start["turn"], "values": start["values"]}]
    points += [
        {"turn": t["number"], "values": t["state_after"]["values"]}
        for t in export["turns"]
        if t.get("state_after")
    ]
    return points


def _variables(scenario: Scenario, history: list[dict[str, Any]]) -> dict[str, Any]:
    """Label, unit and bounds of every variable the seat saw at some point."""
    seen = {name for point in history for name in point["values"]}
    out = {n: variable_meta(v) for n, v in scenario.variables.items() if n in seen}
    names = scenario.role_names
    for meta in out.values():
        if meta["owner"]:  # "Political will" is each role's: say whose
            meta["label"] = f"{names.get(meta['owner'], meta['owner'])}: {meta['label']}"
    return out
