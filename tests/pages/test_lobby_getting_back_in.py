"""Getting back in: the lobby lists the exercises an operator made, with their consoles, and
replaces a lost facilitator link (shown once; the old one stops working)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from django.test import Client

from exercises.models import Exercise
from exercises.services import creation, seats
from exercises.services.errors import Unauthorized

pytestmark = pytest.mark.django_db

PASSWORD = "a long operator password"


def signed_in(name: str) -> Client:
    User.objects.create_user(name, password=PASSWORD)
    browser = Client()
    assert browser.login(username=name, password=PASSWORD)
    return browser


def make(browser: Client, name: str) -> Exercise:
    response = browser.post("/lobby/", {"scenario": "ai-pause", "name": name, "policy": ""})
    assert response.status_code == 200, response.content
    return Exercise.objects.get(name=name)


def new_link(browser: Client, exercise: Exercise) -> str:
    response = browser.post(f"/lobby/exercises/{exercise.public_id}/facilitator-link/")
    assert response.status_code == 200, response.content
    [token] = re.findall(
        r'id="facilitator-link" type="text" readonly value="[^"]*/join/([^"]+)"',
        response.content.decode(),
    )
    return str(token)


def test_the_lobby_lists_the_exercises_the_operator_made_with_their_consoles() -> None:
    alice, bob = signed_in("alice"), signed_in("bob")
    hers = make(alice, "Alice's run")
    his = make(bob, "Bob's run")
    creation.create_exercise(creation.bundled("ai-pause"), "From the command line")

    html = alice.get("/lobby/").content.decode()

    assert hers.created_by is not None and hers.created_by.get_username() == "alice"
    mine = html.split('id="mine-heading"', 1)[1].split("<h2", 1)[0]
    assert "Alice&#x27;s run" in mine
    assert f'href="/exercises/{hers.public_id}/console/"' in mine
    assert "Bob&#x27;s run" not in mine and his.public_id not in mine
    assert "From the command line" not in mine


def test_a_new_facilitator_link_opens_the_console_and_the_old_one_stops(
    client: Client,
) -> None:
    alice = signed_in("alice")
    exercise = make(alice, "Alice's run")
    old_seat = exercise.seats.get(kind="facilitator")

    token = new_link(alice, exercise)

    assert seats.authenticate(exercise.public_id, token).kind == "facilitator"
    old_seat.refresh_from_db()
    assert old_seat.revoked_at is not None
    joined = client.get(f"/join/{token}")
    assert client.get(joined["Location"], follow=True).status_code == 200
    [event] = exercise.events.filter(type="seat.replaced")
    assert (event.data, event.audience) == ({"role": "facilitator", "bot": None}, {})


def test_a_browser_holding_the_old_facilitator_link_is_shut_out(client: Client) -> None:
    made = creation.create_exercise(creation.bundled("ai-pause"), "Run")
    superuser = User.objects.create_superuser("root", password=PASSWORD)
    operator = Client()
    operator.force_login(superuser)
    client.get(f"/join/{made.tokens['facilitator']}")
    console = f"/exercises/{made.exercise.public_id}/console/"
    assert client.get(console).status_code == 200

    new_link(operator, made.exercise)

    assert client.get(console).status_code == 403
    with pytest.raises(Unauthorized):
        seats.authenticate(made.exercise.public_id, made.tokens["facilitator"])


def test_only_the_operator_who_made_it_replaces_its_facilitator_link() -> None:
    alice, bob = signed_in("alice"), signed_in("bob")
    exercise = make(alice, "Alice's run")

    response = bob.post(f"/lobby/exercises/{exercise.public_id}/facilitator-link/")

    assert response.status_code == 403
    assert exercise.seats.filter(kind="facilitator", revoked_at=None).count() == 1
    assert not exercise.events.filter(type="seat.replaced").exists()


def test_a_stranger_cannot_replace_a_facilitator_link(client: Client) -> None:
    made = creation.create_exercise(creation.bundled("ai-pause"), "Run")

    response = client.post(f"/lobby/exercises/{made.exercise.public_id}/facilitator-link/")

    assert response.status_code == 302
    assert made.exercise.seats.filter(kind="facilitator", revoked_at=None).count() == 1


def test_a_new_link_is_made_only_by_a_post(client: Client) -> None:
    alice = signed_in("alice")
    exercise = make(alice, "Alice's run")

    assert alice.get(f"/lobby/exercises/{exercise.public_id}/facilitator-link/").status_code == 405
