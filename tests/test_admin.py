"""The Django admin lists every table for the operator, and changes none of them."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from exercises.services import commands, creation, moves, seats, turns

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
]


@pytest.fixture
def operator(client: Client) -> Client:
    User.objects.create_superuser("operator", "op@example.org", "pw")
    client.login(username="operator", password="pw")
    return client


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("model", MODELS)
def test_the_operator_sees_a_list_of_every_table(operator: Client, model: str) -> None:
    created = creation.create_exercise(creation.bundled("ai-pause"), "Admin", seed="a")
    facilitator = seats.authenticate(created.exercise.public_id, created.tokens["facilitator"])
    commands.start(facilitator)
    anthropic = seats.authenticate(created.exercise.public_id, created.tokens["anthropic"])
    moves.submit_move(anthropic, "run_safety_evals", {}, "", "k")
    turns.close_turn(facilitator)

    response = operator.get(f"/admin/exercises/{model}/")

    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS)
def test_the_admin_offers_no_way_to_add_a_row(operator: Client, model: str) -> None:
    assert operator.get(f"/admin/exercises/{model}/add/").status_code == 403


@pytest.mark.django_db
def test_the_admin_never_shows_a_token_hash(operator: Client) -> None:
    created = creation.create_exercise(creation.bundled("ai-pause"), "Admin", seed="a")
    seat = created.exercise.seats.first()
    assert seat is not None

    page = operator.get(f"/admin/exercises/seat/{seat.pk}/change/").content.decode()

    assert seat.token_hash not in page
