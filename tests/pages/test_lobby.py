"""The lobby: operators sign in, make an exercise from a scenario, and get its links once."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from exercises.models import Exercise, Seat
from exercises.services import creation, seats

pytestmark = pytest.mark.django_db

PASSWORD = "a long operator password"


@pytest.fixture
def operator() -> Client:
    User.objects.create_user("operator", password=PASSWORD)
    browser = Client()
    assert browser.login(username="operator", password=PASSWORD)
    return browser


def test_the_lobby_asks_a_stranger_to_sign_in(client: Client) -> None:
    response = client.get("/lobby/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/lobby/"
    assert "Sign in" in client.get(response["Location"]).content.decode()


def test_signing_in_leads_to_the_lobby(client: Client) -> None:
    User.objects.create_user("operator", password=PASSWORD)

    response = client.post(
        "/accounts/login/", {"username": "operator", "password": PASSWORD, "next": ""}
    )

    assert response.status_code == 302
    assert response["Location"] == "/lobby/"


def test_signing_out_ends_the_session_and_deletes_its_cookie(operator: Client) -> None:
    signed_out = operator.post("/accounts/logout/")

    assert signed_out.status_code == 302
    assert signed_out.cookies["sessionid"].value == ""  # deleted: its max-age is 0
    assert operator.get("/lobby/").status_code == 302  # back to the sign-in page


def test_a_wrong_password_is_told_on_the_sign_in_page(client: Client) -> None:
    User.objects.create_user("operator", password=PASSWORD)

    response = client.post("/accounts/login/", {"username": "operator", "password": "nope"})

    assert response.status_code == 200
    assert "error-summary" in response.content.decode()


def test_the_lobby_offers_every_bundled_scenario(operator: Client) -> None:
    html = operator.get("/lobby/").content.decode()

    assert 'value="ai-pause"' in html and 'value="lab-crisis"' in html


def test_an_operator_makes_an_exercise_and_gets_a_working_link_for_every_persons_seat(
    operator: Client,
) -> None:
    response = operator.post(
        "/lobby/",
        {
            "scenario": "ai-pause",
            "name": "Tuesday's run",
            "turn_minutes": "20",
            "bots": ["gdm", "meta"],
            "policy": "no-pause",
        },
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    exercise = Exercise.objects.get(name="Tuesday's run")
    assert exercise.turn_seconds == 1200
    tokens = dict(
        re.findall(r'id="link-([\w-]+)" type="text" readonly value="[^"]*/join/([^"]+)"', html)
    )
    people = set(creation.bundled("ai-pause").role_ids) - {"gdm", "meta"}
    assert set(tokens) == {"facilitator", "observer", *people}  # bots' seats get no link
    assert html.count("Played by a bot (no-pause): no link") == 2
    for name, token in tokens.items():
        assert seats.authenticate(exercise.public_id, token).name == name
    bots = Seat.objects.filter(exercise=exercise).exclude(bot_policy="")
    assert {(s.role, s.bot_policy) for s in bots} == {("gdm", "no-pause"), ("meta", "no-pause")}


def test_a_bad_form_is_shown_again_with_its_errors_and_makes_nothing(operator: Client) -> None:
    response = operator.post("/lobby/", {"scenario": "ai-pause", "name": "", "turn_minutes": "0"})

    assert response.status_code == 400
    assert "field-error" in response.content.decode()
    assert not Exercise.objects.exists()


def test_an_unknown_scenario_makes_nothing(operator: Client) -> None:
    response = operator.post("/lobby/", {"scenario": "no-such", "name": "X"})

    assert response.status_code == 400
    assert not Exercise.objects.exists()


def make(operator: Client, name: str, **fields: Any) -> Exercise:
    body = {"scenario": "ai-pause", "name": name, "policy": "no-pause", **fields}
    assert operator.post("/lobby/", body).status_code == 200
    return Exercise.objects.get(name=name)


def test_with_people_playing_the_lobby_proposes_closing_by_hand_and_review(
    operator: Client,
) -> None:
    exercise = make(operator, "People", bots=["gdm"])

    assert (exercise.close_when, exercise.review) == ("deadline", True)


def test_with_bots_in_every_role_the_lobby_proposes_closing_when_everyone_is_in(
    operator: Client,
) -> None:
    roles = ["anthropic", "openai", "gdm", "meta", "ukaisi", "congress", "china", "un"]

    exercise = make(operator, "Bots", bots=roles)

    assert (exercise.close_when, exercise.review) == ("everyone_in", False)


def test_the_operator_chooses_how_turns_close_and_whether_they_are_reviewed(
    operator: Client,
) -> None:
    exercise = make(operator, "Chosen", close_when="everyone_in", review="no")

    assert (exercise.close_when, exercise.review) == ("everyone_in", False)
