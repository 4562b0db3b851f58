"""The lobby: a signed-in operator creates an exercise from a scenario and gets its links.

Operators are Django users (`manage.py createsuperuser`, or users added in the admin). The
exercise is made by the same use case as `manage.py create_exercise`. Tokens are stored
hashed, so the links are shown once, in the answer to the form, and never cached.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from exercises.engine import Scenario, load_bundled_scenarios
from exercises.models import Exercise, UploadedScenario
from exercises.services import creation, operators, uploads
from exercises.services.errors import ServiceError


class ExerciseForm(forms.Form):
    scenario = forms.CharField(widget=forms.HiddenInput)
    name = forms.CharField(max_length=200, label="Name of the exercise")
    turn_minutes = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=7 * 24 * 60,
        label="Minutes per turn",
        help_text="Leave empty for no deadline: the facilitator closes each turn.",
    )
    auto_advance = forms.BooleanField(
        required=False, label="Open the next turn as soon as one is resolved"
    )
    bots = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Roles played by a bot",
    )
    policy = forms.ChoiceField(required=False, label="The bots' policy")
    # Empty: as fits who plays (creation.people_defaults), decided once the bots are known.
    close_when = forms.ChoiceField(
        required=False,
        label="A turn closes",
        choices=[
            ("", "As fits the players: by hand or at the deadline when people play"),
            ("deadline", "At its deadline, or when the facilitator closes it"),
            ("everyone_in", "As soon as every role is in"),
        ],
    )
    review = forms.ChoiceField(
        required=False,
        label="The facilitator reviews each turn before it is published",
        choices=[("", "When people play"), ("yes", "Always"), ("no", "Never")],
    )

    def __init__(self, scenario: Scenario, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{scenario.id}-%s")
        super().__init__(*args, **kwargs)
        self.scenario_spec = scenario
        self.fields["scenario"].initial = scenario.id
        self.fields["name"].initial = scenario.title
        bots = self.fields["bots"]
        assert isinstance(bots, forms.MultipleChoiceField)
        bots.choices = [(role.id, role.name) for role in scenario.roles]
        policy = self.fields["policy"]
        assert isinstance(policy, forms.ChoiceField)
        policy.choices = [(name, name) for name in scenario.policies]
        # Uploaded in the lobby (not bundled): its card links to its workshop page.
        self.uploaded = scenario.id not in load_bundled_scenarios()


def scenarios() -> list[Scenario]:
    """The bundled scenarios and the latest version of each uploaded one not retired."""
    found = [*load_bundled_scenarios().values()]
    found += uploads.loadable(uploads.in_use())
    return sorted(found, key=lambda s: s.title.casefold())


def find_scenario(scenario_id: str) -> Scenario | None:
    bundled = load_bundled_scenarios().get(scenario_id)
    return bundled or uploads.active_scenario(scenario_id)


def lobby_page(
    request: HttpRequest, forms_by_id: dict[str, ExerciseForm], status: int = 200
) -> HttpResponse:
    recent = Exercise.objects.select_related("snapshot").order_by("-created_at")[:20]
    mine = operators.exercises_of(request.user)[:100]
    context = {
        "forms": list(forms_by_id.values()),
        "recent": recent,
        "mine": mine,
        "uploaded": UploadedScenario.objects.order_by("scenario_id"),
    }
    return render(request, "exercises/lobby/lobby.html", context, status=status)


@login_required
@never_cache
def lobby(request: HttpRequest) -> HttpResponse:
    forms_by_id = {s.id: ExerciseForm(s) for s in scenarios()}
    if request.method != "POST":
        return lobby_page(request, forms_by_id)
    scenario = find_scenario(request.POST.get("scenario", ""))
    if scenario is None:
        return lobby_page(request, forms_by_id, status=400)
    form = forms_by_id[scenario.id] = ExerciseForm(scenario, request.POST)
    if not form.is_valid():
        return lobby_page(request, forms_by_id, status=400)
    try:
        created = create(scenario, form.cleaned_data, request.user)
    except ServiceError as exc:
        form.add_error(None, str(exc))
        return lobby_page(request, forms_by_id, status=400)
    return created_page(request, scenario, created)


def create(scenario: Scenario, data: dict[str, Any], user: Any) -> creation.Created:
    minutes = data.get("turn_minutes")
    policy = data.get("policy") or next(iter(scenario.policies), "")
    bots = dict.fromkeys(data.get("bots") or [], policy)
    close_when, review = creation.people_defaults(scenario, bots)
    chosen = data.get("review")
    return creation.create_exercise(
        scenario,
        data["name"],
        turn_seconds=minutes * 60 if minutes else None,
        bots=bots,
        auto_advance=bool(data.get("auto_advance")),
        close_when=data.get("close_when") or close_when,
        review=review if not chosen else chosen == "yes",
        created_by=user,
    )


def created_page(
    request: HttpRequest, scenario: Scenario, created: creation.Created
) -> HttpResponse:
    names = {"facilitator": "Facilitator", "observer": "Observer", **scenario.role_names}
    bots = dict(created.exercise.seats.exclude(bot_policy="").values_list("role", "bot_policy"))
    # A bot's seat gets no link: it would open the bot's briefing to whoever has it.
    links = [
        {
            "seat": seat,
            "label": names.get(seat, seat),
            "url": "" if seat in bots else request.build_absolute_uri(reverse("join", args=[t])),
            "bot": bots.get(seat, ""),
        }
        for seat, t in created.tokens.items()
    ]
    context = {"exercise": created.exercise, "scenario": scenario, "links": links}
    return render(request, "exercises/lobby/created.html", context)


@login_required
@never_cache
@require_POST
def new_facilitator_link(request: HttpRequest, public_id: str) -> HttpResponse:
    """A new facilitator link for an exercise the operator made, shown once; the old stops."""
    try:
        token = operators.new_facilitator_token(request.user, public_id)
    except ServiceError as exc:
        context = {"title": "Not done", "message": str(exc)}
        return render(request, "exercises/live/no_seat.html", context, status=exc.status)
    exercise = Exercise.objects.select_related("snapshot").get(public_id=public_id)
    url = request.build_absolute_uri(reverse("join", args=[token]))
    return render(request, "exercises/lobby/new_link.html", {"exercise": exercise, "url": url})
