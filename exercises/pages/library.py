"""HTML pages: the scenario library (and, on it, the exercises this browser holds seats in).

Everything shown comes from the engine's public API. These pages show what every player may know
before an exercise starts; a role's briefing and hidden state stay out of them.
"""

from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from exercises import identity
from exercises.engine import Scenario, load_bundled_scenarios
from exercises.models import Seat
from exercises.pages.join import seat_label


@dataclass(frozen=True)
class ActionCard:
    id: str
    label: str
    description: str
    shared_with: list[str]  # names of the other roles that may take it too


@dataclass(frozen=True)
class RoleCard:
    id: str
    name: str
    summary: str
    tags: list[str]
    actions: list[ActionCard]  # its own; the ones open to every role are listed apart
    action_count: int  # all it may take, those open to every role included


@dataclass(frozen=True)
class VariableRow:
    id: str
    label: str
    description: str
    initial: str
    bounds: str


def scenario_library(request: HttpRequest) -> HttpResponse:
    scenarios = sorted(load_bundled_scenarios().values(), key=lambda s: s.title.casefold())
    context = {"scenarios": scenarios, "my_seats": seats_held(request)}
    return render(request, "exercises/scenario_library.html", context)


@dataclass
class HeldSeat:
    seat: Seat
    label: str  # the role's name, as its players know it


def seats_held(request: HttpRequest) -> list[HeldSeat]:
    """The seats this browser holds (it opened their join links), newest exercise first."""
    held = request.session.get(identity.SESSION_SEATS, {}) if hasattr(request, "session") else {}
    rows = Seat.objects.select_related("exercise__snapshot").filter(
        pk__in=held.values(), revoked_at=None
    )
    newest = sorted(rows, key=lambda seat: seat.exercise.created_at, reverse=True)
    return [HeldSeat(seat, seat_label(seat)) for seat in newest]


def scenario_detail(request: HttpRequest, scenario_id: str) -> HttpResponse:
    scenario = load_bundled_scenarios().get(scenario_id)
    if scenario is None:
        raise Http404(f"No bundled scenario has the id {scenario_id!r}.")
    context = {
        "scenario": scenario,
        "roles": role_cards(scenario),
        "common_actions": common_actions(scenario),
        "variables": public_variables(scenario),
    }
    return render(request, "exercises/scenario_detail.html", context)


def _is_common(scenario: Scenario, role_ids: list[str]) -> bool:
    """True for an action every role may take (a free-form move): it is listed once."""
    everyone = {role.id for role in scenario.roles}
    return len(everyone) > 1 and everyone <= set(role_ids)


def common_actions(scenario: Scenario) -> list[ActionCard]:
    return [
        ActionCard(action.id, action.label, action.description, shared_with=[])
        for action in scenario.actions
        if _is_common(scenario, scenario.roles_for(action))
    ]


def role_cards(scenario: Scenario) -> list[RoleCard]:
    names = {role.id: role.name for role in scenario.roles}
    actions: dict[str, list[ActionCard]] = {role.id: [] for role in scenario.roles}
    for action in scenario.actions:
        role_ids = scenario.roles_for(action)
        if _is_common(scenario, role_ids):
            continue
        for role_id in role_ids:
            others = [names[other] for other in role_ids if other != role_id and other in names]
            card = ActionCard(action.id, action.label, action.description, shared_with=others)
            actions.setdefault(role_id, []).append(card)
    shared = len(common_actions(scenario))
    return [
        RoleCard(
            role.id,
            role.name,
            role.summary,
            list(role.tags),
            actions[role.id],
            action_count=len(actions[role.id]) + shared,
        )
        for role in scenario.roles
    ]


def public_variables(scenario: Scenario) -> list[VariableRow]:
    return [
        VariableRow(
            id=name,
            label=spec.label or name,
            description=spec.description or "",
            initial=format_value(spec.initial, spec.unit),
            bounds=format_bounds(spec.min, spec.max),
        )
        for name, spec in scenario.state.items()
        if spec.visibility == "public"
    ]


def format_value(value: object, unit: str | None = None) -> str:
    if isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, list):  # a list of role ids
        text = ", ".join(str(v) for v in value) or "none"
    elif isinstance(value, float) and value.is_integer():
        text = f"{int(value):,}"
    elif isinstance(value, int | float):
        text = f"{value:,}"
    else:
        text = str(value)
    if not unit or isinstance(value, bool):
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


def format_bounds(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"{format_value(low)} to {format_value(high)}"
    if low is not None:
        return f"at least {format_value(low)}"
    if high is not None:
        return f"at most {format_value(high)}"
    return ""
