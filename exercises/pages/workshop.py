"""The scenario workshop: an operator uploads a scenario in the lobby, sees its problems by
line, keeps its versions, previews it as each role, quick-checks it, and retires it.

Every page here is an operator's (signed in); the checking itself happens in the services'
sandbox, never in this process on text that has not passed it.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from exercises.engine import (
    OBSERVER,
    Scenario,
    ScenarioLoadError,
    initial_state,
    load_bundled_scenarios,
    open_turn,
    visible_values,
)
from exercises.engine.effects import in_words
from exercises.engine.loader import MAX_FILE_BYTES
from exercises.models import QuickCheck, ScenarioVersion
from exercises.services import projection, quick_checks, timelines, uploads
from exercises.services.errors import Invalid, NotFound, ServiceError

from .data import variables_seen
from .views import paragraphs


class UploadForm(forms.Form):
    text = forms.CharField(
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false"}),
        label="Scenario text (YAML)",
    )
    file = forms.FileField(required=False, label="Or choose a file")
    timeline = forms.FileField(
        required=False, label="And a timeline to merge into its injects (.xlsx or .csv)"
    )
    replacing = forms.CharField(required=False, widget=forms.HiddenInput)


def text_of(form: UploadForm) -> str:
    """The file's text when one was chosen, else the pasted text; Invalid when unreadable."""
    upload = form.cleaned_data.get("file")
    if upload is None:
        return str(form.cleaned_data.get("text") or "").replace("\r\n", "\n")
    if upload.size > MAX_FILE_BYTES:
        raise Invalid("the file is larger than 1 MB")
    try:
        return bytes(upload.read()).decode("utf-8").replace("\r\n", "\n")
    except UnicodeDecodeError:
        raise Invalid("the file is not UTF-8 text") from None


def timeline_of(form: UploadForm) -> tuple[bytes, str] | None:
    """The timeline file's bytes and name when one was chosen; Invalid, unread, when it is
    too large or not a spreadsheet."""
    upload = form.cleaned_data.get("timeline")
    if upload is None:
        return None
    timelines.check_sheet(upload.size or 0, upload.name or "")
    return bytes(upload.read()), upload.name or ""


def annotated(text: str, problems: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The text's lines, each with the problems found on it. (A problem of no line, such as
    a file too large, is in the list above the text only.)"""
    by_line: dict[int, list[dict[str, Any]]] = {}
    for problem in problems:
        by_line.setdefault(int(problem["line"]), []).append(problem)
    return [
        {"number": n, "text": line, "problems": by_line.get(n, [])}
        for n, line in enumerate(text.split("\n"), start=1)
    ]


@login_required
@never_cache
def upload(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        form = UploadForm(initial={"replacing": request.GET.get("replacing", "")})
        return _upload_page(request, form)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _upload_page(request, form, status=400)
    text = ""
    try:
        text = text_of(form)
        uploaded = _store(form, text, request.user)
    except uploads.Problems as exc:
        return _upload_page(request, _refilled(form, text), text, exc, status=400)
    except timelines.SheetProblems as exc:
        context = {"sheet_problems": exc}
        return _upload_page(request, _refilled(form, text), extra=context, status=400)
    except ServiceError as exc:
        form = _refilled(form, text)
        form.add_error(None, exc.message)
        return _upload_page(request, form, status=400)
    version = uploaded.version
    url = reverse("exercises:workshop", args=[version.scenario.scenario_id])
    return redirect(f"{url}?{'version' if uploaded.new else 'unchanged'}={version.number}")


def _store(form: UploadForm, text: str, user: Any) -> uploads.Uploaded:
    replacing = form.cleaned_data.get("replacing") or None
    sheet = timeline_of(form)
    if sheet is None:
        return uploads.upload(text, user, replacing=replacing)
    return timelines.upload(text, *sheet, user, replacing=replacing)


def _refilled(form: UploadForm, text: str) -> UploadForm:
    """The form again with the text in the box, so that it can be fixed there."""
    data = {"text": text, "replacing": form.data.get("replacing", "")}
    fresh = UploadForm(data)
    fresh.is_valid()
    return fresh


def _upload_page(
    request: HttpRequest,
    form: UploadForm,
    text: str = "",
    problems: uploads.Problems | None = None,
    status: int = 200,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    context: dict[str, Any] = {"form": form, "replacing": form["replacing"].value() or ""}
    context.update(extra or {})
    if problems is not None:
        context["problems"] = problems
        context["annotated"] = annotated(text, problems.errors + problems.warnings)
    return render(request, "exercises/lobby/upload.html", context, status=status)


def _version(scenario_id: str, number: str | None = None) -> ScenarioVersion:
    try:
        return uploads.version_of(scenario_id, int(number) if number else None)
    except (NotFound, ValueError):
        raise Http404("no such scenario or version") from None


@login_required
@never_cache
def workshop(request: HttpRequest, scenario_id: str) -> HttpResponse:
    """An uploaded scenario's page: its versions, warnings, previews and quick check."""
    latest = _version(scenario_id)
    entry = latest.scenario
    try:
        scenario = uploads.scenario_of_version(latest)
    except ScenarioLoadError as exc:
        return _no_longer_loads(request, latest, exc)
    check = quick_checks.latest(latest)
    form = UploadForm(initial={"replacing": scenario_id, "text": latest.snapshot.text})
    context = {
        "entry": entry,
        "latest": latest,
        "versions": entry.versions.select_related("snapshot", "uploaded_by"),
        "scenario": scenario,
        "warnings": annotated(latest.snapshot.text, latest.warnings),
        "check": quick_checks.status(check) if check else None,
        "check_row": check,
        "form": form,
        "may_change": uploads.may_change(entry, request.user),
        "new_version": request.GET.get("version"),
        "unchanged": request.GET.get("unchanged"),
    }
    return render(request, "exercises/lobby/workshop.html", context)


def _no_longer_loads(
    request: HttpRequest, version: ScenarioVersion, exc: ScenarioLoadError
) -> HttpResponse:
    """A version stored under an earlier engine that this one refuses: its problems, by line,
    and the form to store a fixed version."""
    text = version.snapshot.text
    form = UploadForm({"text": text, "replacing": version.scenario.scenario_id})
    form.is_valid()
    problems = uploads.Problems([asdict(e) for e in exc.errors], [])
    return _upload_page(request, form, text, problems, status=409)


@login_required
def download(request: HttpRequest, scenario_id: str, number: int) -> HttpResponse:
    version = _version(scenario_id, str(number))
    response = HttpResponse(version.snapshot.text, content_type="application/yaml; charset=utf-8")
    name = f"{scenario_id}-v{version.number}.yaml"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def timeline(request: HttpRequest, scenario_id: str, kind: str) -> HttpResponse:
    """A scenario's injects as a MSEL spreadsheet, as `export_msel` writes it: a bundled
    scenario's, or a version of an uploaded one (`?version=`, else the latest). Its notes are
    the facilitator's, so it is an operator's download, not the public library's."""
    bundled = load_bundled_scenarios().get(scenario_id)
    if bundled is not None:
        scenario, name = bundled, f"{scenario_id}-msel.{kind}"
    else:
        version = _version(scenario_id, request.GET.get("version"))
        try:
            scenario = uploads.scenario_of_version(version)
        except ScenarioLoadError as exc:
            return _no_longer_loads(request, version, exc)
        name = f"{scenario_id}-v{version.number}-msel.{kind}"
    response = HttpResponse(timelines.sheet_of(scenario, kind), content_type=timelines.KINDS[kind])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def retire(request: HttpRequest, scenario_id: str) -> HttpResponse:
    _version(scenario_id)
    try:
        uploads.retire(scenario_id, request.user)
    except ServiceError as exc:
        return _not_done(request, exc)
    return redirect("exercises:workshop", scenario_id=scenario_id)


@login_required
@require_POST
def restore(request: HttpRequest, scenario_id: str) -> HttpResponse:
    _version(scenario_id)
    try:
        uploads.restore(scenario_id, request.user)
    except ServiceError as exc:
        return _not_done(request, exc)
    return redirect("exercises:workshop", scenario_id=scenario_id)


def _not_done(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    context = {"title": "Not done", "message": str(exc)}
    return render(request, "exercises/live/no_seat.html", context, status=exc.status)


@login_required
@require_POST
def start_quick_check(request: HttpRequest, scenario_id: str) -> HttpResponse:
    quick_checks.start(_version(scenario_id))
    url = reverse("exercises:workshop", args=[scenario_id])
    return redirect(f"{url}#quick-check")


@login_required
@never_cache
def quick_check_status(request: HttpRequest, check_id: int) -> JsonResponse:
    row = QuickCheck.objects.filter(pk=check_id).first()
    if row is None:
        return JsonResponse(
            {"error": {"code": "not_found", "message": "no such check"}}, status=404
        )
    return JsonResponse(quick_checks.status(row))


@login_required
@never_cache
def preview(request: HttpRequest, scenario_id: str, role: str) -> HttpResponse:
    """What `role` would see at turn 1, before any exercise exists: the player's page's own
    projection (`projection.role_sees`) of the state turn 1 opens with."""
    version = _version(scenario_id, request.GET.get("version"))
    try:
        scenario = uploads.scenario_of_version(version)
    except ScenarioLoadError as exc:
        return _no_longer_loads(request, version, exc)
    if role not in scenario.role_ids:
        raise Http404("no such role")
    # The preview's seed only decides injects with a chance at turn 1; any fixed one will do.
    opening = open_turn(scenario, initial_state(scenario), "preview")
    state = opening.state
    me = projection.role_sees(scenario, state, role)
    seen = variables_seen(scenario, state, role)
    public = visible_values(scenario, state, OBSERVER)
    context = {
        "version": version,
        "scenario": scenario,
        "me": me,
        "briefing": paragraphs(me["briefing"]),
        "private": _rows(scenario, me["private_state"], seen),
        "public": _rows(scenario, public, seen),
        "actions": [_action_card(scenario, a, seen) for a in me["actions"]],
        "narrative": opening.narrative,
        "roles": scenario.roles,
    }
    return render(request, "exercises/lobby/preview.html", context)


def _rows(
    scenario: Scenario, values: dict[str, Any], seen: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    return [
        {
            "label": seen.get(name, {}).get("label", name),
            # A list of roles as their names, an empty text as "none", as the player page shows
            "value": in_words(scenario, value) if isinstance(value, list | str) else value,
            **seen.get(name, {}),
        }
        for name, value in values.items()
    ]


def _action_card(
    scenario: Scenario, action: dict[str, Any], seen: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    """An action as the player's form shows it: its fields, what it costs, what it needs."""
    schema = action["params"] or {"properties": {}}
    required = set(schema.get("required", []))
    fields = [
        {"name": name, "required": name in required, **_field(prop, scenario)}
        for name, prop in schema.get("properties", {}).items()
    ]
    return {**action, "fields": fields, "costs": _costs(action["cost"], seen)}


def _field(prop: dict[str, Any], scenario: Scenario) -> dict[str, Any]:
    kind = prop.get("type", "string")
    if "enum" in prop:
        names = scenario.role_names
        return {
            "kind": "select",
            "title": prop.get("title"),
            "options": [(value, names.get(value, value)) for value in prop["enum"]],
            "description": prop.get("description", ""),
        }
    return {
        "kind": {"integer": "number", "number": "number", "boolean": "checkbox"}.get(kind, "text"),
        "title": prop.get("title"),
        "min": prop.get("minimum"),
        "max": prop.get("maximum"),
        "default": prop.get("default"),
        "description": prop.get("description", ""),
    }


def _costs(cost: dict[str, Any], seen: dict[str, dict[str, Any]]) -> list[str]:
    words = []
    for key, amount in cost.items():
        name = key.removeprefix("me.")
        meta = next((m for n, m in seen.items() if n == key or n.endswith(f".{name}")), None)
        what = meta["label"] if meta else key
        words.append(f"{amount:g} of {what}" if isinstance(amount, int | float) else f"some {what}")
    return words
