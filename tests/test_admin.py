"""The Django admin lists every table for the operator, and changes none of them."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.db.models import Model
from django.test import Client
from pytest_django import DjangoCaptureOnCommitCallbacks as CaptureCallbacks

from exercises.models import QuickCheck, ScenarioVersion, Turn, UploadedScenario
from exercises.services import commands, creation, messages, moves, notes, seats, turns

MODELS = [
    "scenariosnapshot",
    "exercise",
    "seat",
    "turn",
    "move",
    "ruling",
    "probabilityvote",
    "message",
    "event",
    "note",
    "job",
    "uploadedscenario",
    "scenarioversion",
    "quickcheck",
]


@pytest.fixture
def operator(client: Client) -> Client:
    # No password: hashing one costs more than the whole test, and signing in is not tested here.
    client.force_login(User.objects.create_superuser("operator", "op@example.org", None))
    return client


@pytest.fixture
def played(db: None, django_capture_on_commit_callbacks: CaptureCallbacks) -> None:
    """An exercise with at least one row in every table: a free-form move with an estimate and
    a ruling, a message, a note, and a turn closed and adjudicated by its job (after commit, as
    in the server; here the test's transaction is rolled back, so the callbacks are run by
    hand)."""
    created = creation.create_exercise(creation.bundled("ai-pause"), "Admin", seed="a")
    public_id, tokens = created.exercise.public_id, created.tokens
    facilitator = seats.authenticate(public_id, tokens["facilitator"])
    commands.start(facilitator)
    anthropic = seats.authenticate(public_id, tokens["anthropic"])
    openai = seats.authenticate(public_id, tokens["openai"])
    moves.submit_move(anthropic, "run_safety_evals", {}, "", "k")
    bold, _ = moves.submit_move(openai, "free_form", {}, "We open-source the weights.", "f")
    moves.vote(anthropic, bold.public_id, 0.25)
    moves.rule_on_move(facilitator, bold.public_id, outcome="failure", narrative="Nobody cares.")
    messages.post_message(anthropic, ["openai"], "Can we talk?")
    notes.add_note(facilitator, "The labs are talking.")
    with django_capture_on_commit_callbacks(execute=True):
        turns.close_turn(facilitator)
    assert Turn.objects.get(exercise=created.exercise).phase == Turn.Phase.RESOLVED
    # An uploaded scenario's rows, written directly: uploading checks the text in a child
    # process, which is the workshop tests' business, not the admin's.
    uploaded = UploadedScenario.objects.create(scenario_id="uploaded")
    version = ScenarioVersion.objects.create(
        scenario=uploaded, number=1, snapshot=created.exercise.snapshot
    )
    QuickCheck.objects.create(version=version, runs=1, seed="s")


def model_of(name: str) -> type[Model]:
    return apps.get_model("exercises", name)


@pytest.mark.parametrize("model", MODELS)
def test_the_operator_sees_a_list_of_every_row_of_every_table(
    played: None, operator: Client, model: str
) -> None:
    rows = model_of(model)._default_manager.all()
    assert rows.exists(), f"the fixture left {model} empty: the test would prove nothing"

    response = operator.get(f"/admin/exercises/{model}/")

    assert response.status_code == 200
    listed = response.context["cl"]
    assert listed.result_count == rows.count()
    assert {row.pk for row in listed.result_list} == {row.pk for row in rows}


@pytest.mark.parametrize("model", MODELS)
def test_every_admin_page_is_read_only(played: None, operator: Client, model: str) -> None:
    row = model_of(model)._default_manager.first()
    assert row is not None
    base = f"/admin/exercises/{model}/"

    listing = operator.get(base)
    page = operator.get(f"{base}{row.pk}/change/")

    # nothing offers a change: no add link, no bulk delete, no save or delete button
    assert listing.status_code == page.status_code == 200
    assert f'href="{base}add/"' not in listing.content.decode()
    assert "delete_selected" not in listing.content.decode()
    assert not listing.context["cl"].formset  # no editable columns in the list
    assert page.context["has_change_permission"] is False
    assert page.context["has_delete_permission"] is False
    assert 'name="_save"' not in page.content.decode()
    assert f'href="{base}{row.pk}/delete/"' not in page.content.decode()


@pytest.mark.parametrize("model", MODELS)
def test_the_admin_refuses_every_write(played: None, operator: Client, model: str) -> None:
    rows = model_of(model)._default_manager
    row = rows.first()
    assert row is not None
    before = rows.count(), {f.name: getattr(row, f.attname) for f in row._meta.concrete_fields}
    base = f"/admin/exercises/{model}/"

    assert operator.get(f"{base}add/").status_code == 403
    assert operator.post(f"{base}add/", {}).status_code == 403
    assert operator.post(f"{base}{row.pk}/change/", {}).status_code == 403
    assert operator.get(f"{base}{row.pk}/delete/").status_code == 403
    assert operator.post(f"{base}{row.pk}/delete/", {"post": "yes"}).status_code == 403
    bulk = {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"}
    operator.post(base, bulk)

    row.refresh_from_db()
    after = rows.count(), {f.name: getattr(row, f.attname) for f in row._meta.concrete_fields}
    assert after == before


@pytest.mark.django_db
def test_the_admin_never_shows_a_token_hash(operator: Client) -> None:
    created = creation.create_exercise(creation.bundled("ai-pause"), "Admin", seed="a")
    seat = created.exercise.seats.first()
    assert seat is not None

    page = operator.get(f"/admin/exercises/seat/{seat.pk}/change/").content.decode()

    assert seat.token_hash not in page
