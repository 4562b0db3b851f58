"""What a live page starts from, and what it fetches after the events that do not carry enough.

The view is the API's (`projection.exercise_view`); the rest is what a page needs besides:
each variable's label and bounds, the values over the turns (filtered per turn by the same
engine rule as the view), and for the facilitator the seats, injects and bot policies.
A role never receives anything here that its API view would not show it.

`page_data` is the whole page, rendered into it once. After that a page applies what each
event carries, and after the few events that carry less than it shows (a turn adjudicated: the
seat's private values; a turn opened: what its injects changed) it fetches `now_data`: the
parts that change, with the latest point of the history instead of all of it, so that its cost
does not grow with the turns played.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from exercises.engine import FACILITATOR, Scenario, State, Variable, visible_values
from exercises.models import Exercise, Seat, Turn
from exercises.services import projection
from exercises.services.scenarios import scenario_of, state_of

from .injects import injects as inject_rows

SEAT_ORDER = {Seat.Kind.FACILITATOR: 0, Seat.Kind.OBSERVER: 1, Seat.Kind.ROLE: 2}


def page_data(seat: Seat) -> dict[str, Any]:
    exercise: Exercise = seat.exercise
    scenario = scenario_of(exercise)
    who = projection.viewer(seat)
    data: dict[str, Any] = {
        "exercise": exercise.public_id,
        "seat": seat.name,
        "kind": seat.kind,
        "server_now": timezone.now().isoformat(),
        "view": projection.exercise_view(seat),
        "variables": variables_seen(scenario, state_of(exercise), who),
        "history": history(exercise, scenario, who),
        "turn_label": scenario.turn_label,
        "turn_labels": {str(n): name for n, name in scenario.turn_names().items()},
        "turns": scenario.turns,
        "free_form": scenario.spec.free_form,
        "commitments": commitment_labels(scenario, who),
        "ending": ending(scenario, exercise.ending),
    }
    if who == FACILITATOR:
        data["seats"] = seats(exercise, scenario)
        data["injects"] = inject_rows(exercise, scenario, state_of(exercise))
        data["schedule_from"] = state_of(exercise).opened + 1
        data["policies"] = sorted(scenario.policies)
        data["action_labels"] = {action.id: action.label for action in scenario.actions}
        data["action_commits"] = {a.id: a.commit for a in scenario.actions if a.commit}
    return data


# What a page keeps from its first load: the role's briefing and actions do not change.
CONSTANT_ME = ("briefing", "actions", "moves_per_turn")


def now_data(seat: Seat) -> dict[str, Any]:
    """What changes during an exercise, as `seat` sees it now: `page_data` without what never
    changes and with only the latest point of the history (`point`)."""
    exercise: Exercise = seat.exercise
    scenario = scenario_of(exercise)
    who = projection.viewer(seat)
    view = projection.exercise_view(seat)
    view["me"] = {k: v for k, v in view["me"].items() if k not in CONSTANT_ME}
    data: dict[str, Any] = {
        "server_now": timezone.now().isoformat(),
        "view": view,
        "variables": variables_seen(scenario, state_of(exercise), who),
        "point": latest_point(exercise, scenario, who),
        "commitments": commitment_labels(scenario, who),
        "ending": ending(scenario, exercise.ending),
    }
    if who == FACILITATOR:
        data["seats"] = seats(exercise, scenario)
        data["injects"] = inject_rows(exercise, scenario, state_of(exercise))
        data["schedule_from"] = state_of(exercise).opened + 1
    return data


def variable_meta(variable: Variable) -> dict[str, Any]:
    return {
        "label": variable.label or variable.key,
        "description": variable.description,
        "unit": variable.unit,
        "type": variable.type,
        "min": variable.min,
        "max": variable.max,
        "visibility": variable.visibility,
        "owner": variable.owner,
    }


def variables_seen(scenario: Scenario, state: State, who: str) -> dict[str, dict[str, Any]]:
    """Label, unit, bounds and visibility of each variable the viewer sees now."""
    shown = visible_values(scenario, state, who)
    return {name: variable_meta(var) for name, var in scenario.variables.items() if name in shown}


def history(exercise: Exercise, scenario: Scenario, who: str) -> list[dict[str, Any]]:
    """`[{turn, values}]`: the values before turn 1, then after each resolved turn.

    Each point is filtered by what the viewer could see in that state, so a variable revealed
    in turn 3 has no earlier points for a role.
    """
    turns = list(
        Turn.objects.filter(exercise=exercise)
        .order_by("number")
        .values_list("number", "state_before", "state_after")
    )
    first = turns[0][1] if turns else exercise.state
    points = [(int(first.get("turn", 0)), first)]  # a fork starts after turn 0
    points += [(number, after) for number, _, after in turns if after is not None]
    return [
        {"turn": number, "values": visible_values(scenario, State.from_dict(state), who)}
        for number, state in points
    ]


def latest_point(exercise: Exercise, scenario: Scenario, who: str) -> dict[str, Any]:
    """The last point of `history`: the values after the latest resolved turn, or before the
    first turn when none is resolved yet."""
    turns = Turn.objects.filter(exercise=exercise)
    resolved = turns.filter(state_after__isnull=False).order_by("-number")
    last = resolved.values_list("number", "state_after").first()
    if last is not None and last[1] is not None:  # (the column's type allows None)
        number, state = last[0], last[1]
    else:
        first = turns.order_by("number").values_list("state_before", flat=True).first()
        state = first if first is not None else exercise.state
        number = int(state.get("turn", 0))  # a fork starts after turn 0
    return {"turn": number, "values": visible_values(scenario, State.from_dict(state), who)}


def ending(scenario: Scenario, ending_id: str) -> dict[str, str] | None:
    """The ending the exercise reached, once it has: everyone may read it."""
    spec = next((e for e in scenario.endings if e.id == ending_id), None)
    return {"id": spec.id, "title": spec.title, "text": spec.text} if spec else None


def commitment_labels(scenario: Scenario, who: str) -> dict[str, dict[str, str]]:
    """The commitments the viewer may know of (the facilitator all, a role its own)."""
    return {
        c.id: {"label": c.label, "description": c.description}
        for c in scenario.commitments
        if who == FACILITATOR or who in scenario.resolve_roles(c.roles)
    }


def seats(exercise: Exercise, scenario: Scenario) -> list[dict[str, Any]]:
    """The seats in use: who has joined, who is a bot. Tokens are stored hashed: no links."""
    order = {role: i for i, role in enumerate(scenario.role_ids)}
    rows = sorted(
        exercise.seats.filter(revoked_at=None),
        key=lambda s: (SEAT_ORDER[Seat.Kind(s.kind)], order.get(s.role, 0)),
    )
    names = scenario.role_names
    return [
        {
            "name": s.name,
            "kind": s.kind,
            "label": names.get(s.role, s.name.capitalize()),
            "joined": s.joined_at is not None,
            "bot": s.bot_policy or None,
        }
        for s in rows
    ]
