"""The replay page through Django's test client: any seat opens it; it holds what the seat saw.

The page carries the seat's turns (from its export) in a JSON script; the events come later
from the API. These tests read the whole HTML: nothing of another role may appear in it.
"""

from __future__ import annotations

import pytest
from django.test import Client

from exercises.services import commands, creation, moves, seats, turns

pytestmark = pytest.mark.django_db


@pytest.fixture
def played() -> creation.Created:
    made = creation.create_exercise(creation.bundled("ai-pause"), "Replay", seed="r")
    facilitator = seats.seat_by_token(made.tokens["facilitator"])
    commands.start(facilitator)
    openai = seats.seat_by_token(made.tokens["openai"])
    moves.submit_move(openai, "run_safety_evals", {}, "OPENAI-SECRET", "k")
    turns.close_turn(facilitator)
    return made


def replay_of(made: creation.Created, seat: str | None) -> tuple[int, str]:
    browser = Client()
    if seat:
        browser.get(f"/join/{made.tokens[seat]}")
    response = browser.get(f"/exercises/{made.exercise.public_id}/replay/")
    return response.status_code, response.content.decode()


def test_every_seat_opens_the_replay_and_a_browser_without_one_is_told_why(
    played: creation.Created,
) -> None:
    for seat in ("facilitator", "observer", "anthropic", "openai"):
        status, html = replay_of(played, seat)
        assert status == 200, seat
        assert 'id="slider"' in html
    status, html = replay_of(played, None)
    assert status == 403
    assert "You have no seat here" in html


def test_a_roles_replay_holds_its_own_moves_and_not_another_roles(
    played: creation.Created,
) -> None:
    assert "OPENAI-SECRET" in replay_of(played, "openai")[1]
    assert "OPENAI-SECRET" in replay_of(played, "facilitator")[1]
    for seat in ("anthropic", "observer"):
        html = replay_of(played, seat)[1]
        assert "OPENAI-SECRET" not in html
        assert "openai.evidence" not in html


def test_the_live_pages_link_to_the_replay(played: creation.Created) -> None:
    browser = Client()
    browser.get(f"/join/{played.tokens['observer']}")
    html = browser.get(f"/exercises/{played.exercise.public_id}/watch/").content.decode()
    assert f'href="/exercises/{played.exercise.public_id}/replay/"' in html


def test_the_replay_links_to_the_seats_own_report(played: creation.Created) -> None:
    browser = Client()
    browser.get(f"/join/{played.tokens['anthropic']}")
    public_id = played.exercise.public_id
    html = browser.get(f"/exercises/{public_id}/replay/").content.decode()
    link = f"/api/v1/exercises/{public_id}/export?format=html"
    assert f'href="{link}"' in html

    report = browser.get(link)

    assert report.status_code == 200
    assert report["Content-Type"].startswith("text/html")
    assert "After-action report" in report.content.decode()
    assert "OPENAI-SECRET" not in report.content.decode()
