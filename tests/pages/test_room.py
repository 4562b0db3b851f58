"""The room view (`/exercises/<id>/room/`): the facilitator's browser opens it, and every part of
it (the page, its event log and now.json) holds only what the observer may see."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from exercises.services import commands, creation, seats

pytestmark = pytest.mark.django_db


@pytest.fixture
def created() -> creation.Created:
    made = creation.create_exercise(creation.bundled("ai-pause"), "Room", seed="r")
    facilitator = seats.seat_by_token(made.tokens["facilitator"])
    commands.start(facilitator)
    commands.set_state(facilitator, "misalignment_risk", 61, "a hidden worry")
    commands.inject(facilitator, None, "For OpenAI", "A secret memo.", ["openai"])
    commands.inject(facilitator, None, "Breaking", "A public story.", None)
    return made


def browser_of(created: creation.Created, seat: str) -> Client:
    browser = Client()
    browser.get(f"/join/{created.tokens[seat]}")
    return browser


def url(created: creation.Created, suffix: str = "") -> str:
    return f"/exercises/{created.exercise.public_id}/room/{suffix}"


def test_the_facilitator_opens_the_room_view_and_it_holds_only_the_observers_view(
    created: creation.Created,
) -> None:
    browser = browser_of(created, "facilitator")

    html = browser.get(url(created)).content.decode()
    events = json.loads(browser.get(url(created, "api/events?since=0")).content)["events"]
    now = json.loads(browser.get(url(created, "now.json")).content)

    observer = browser_of(created, "observer")
    api = f"/api/v1/exercises/{created.exercise.public_id}/events?since=0"
    assert events == json.loads(observer.get(api).content)["events"]
    for text in ("misalignment_risk", "A secret memo", "a hidden worry", "briefing"):
        assert text not in html, text
        assert text not in json.dumps(now), text
    assert "A public story." in json.dumps(events)
    assert '"frontier_capability"' in html
    assert "data-command" not in html and "<form" not in html.split("</header>", 1)[1]


@pytest.mark.parametrize("seat", ["observer", "anthropic"])
def test_no_other_seat_opens_the_room_view(created: creation.Created, seat: str) -> None:
    browser = browser_of(created, seat)

    page = browser.get(url(created))
    events = browser.get(url(created, "api/events?since=0"))
    now = browser.get(url(created, "now.json"))

    assert page.status_code == 403
    assert events.status_code == now.status_code == 401
    assert "A public story" not in page.content.decode()


def test_a_browser_without_a_seat_gets_no_room_view(created: creation.Created) -> None:
    assert Client().get(url(created)).status_code == 403
    assert Client().get(url(created, "now.json")).status_code == 401


def test_the_room_view_log_refuses_a_since_that_is_not_a_number(
    created: creation.Created,
) -> None:
    response = browser_of(created, "facilitator").get(url(created, "api/events?since=x"))

    assert response.status_code == 400


def test_the_console_links_to_the_room_view(created: creation.Created) -> None:
    console = f"/exercises/{created.exercise.public_id}/console/"

    html = browser_of(created, "facilitator").get(console).content.decode()

    assert f'href="{url(created)}"' in html
