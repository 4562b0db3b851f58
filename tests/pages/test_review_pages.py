"""The pages of a turn in review: the console carries the draft and its panel, every other seat's
page and `now.json` show the turn as being adjudicated, without the draft."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from exercises.services import commands, creation, moves, seats, turns

pytestmark = pytest.mark.django_db


@pytest.fixture
def in_review() -> creation.Created:
    made = creation.create_exercise(
        creation.bundled("ai-pause"), "Review pages", seed="p", review=True
    )
    facilitator = seats.seat_by_token(made.tokens["facilitator"])
    commands.start(facilitator)
    moves.submit_move(seats.seat_by_token(made.tokens["anthropic"]), "continue_scaling", {})
    turns.close_turn(facilitator)
    turns.adjudicate(made.exercise.turns.get(number=1).pk)
    return made


def now_of(made: creation.Created, seat: str) -> dict[str, object]:
    browser = Client()
    browser.get(f"/join/{made.tokens[seat]}")
    answer = browser.get(f"/exercises/{made.exercise.public_id}/now.json")
    assert answer.status_code == 200
    data: dict[str, object] = json.loads(answer.content)
    return data


def test_the_facilitators_now_json_carries_the_draft_and_no_one_elses_does(
    in_review: creation.Created,
) -> None:
    mine = now_of(in_review, "facilitator")["view"]
    assert isinstance(mine, dict)
    assert mine["turn"]["phase"] == "review"
    assert mine["draft"]["moves"][0]["dice"]["needed"] == 90

    for seat in ("observer", "anthropic", "openai"):
        view = now_of(in_review, seat)["view"]
        assert isinstance(view, dict)
        assert view["turn"]["phase"] == "adjudicating", seat
        assert "draft" not in view, seat


def test_the_console_has_the_review_panel(in_review: creation.Created) -> None:
    browser = Client()
    browser.get(f"/join/{in_review.tokens['facilitator']}")

    html = browser.get(f"/exercises/{in_review.exercise.public_id}/console/").content.decode()

    assert 'id="review-heading"' in html and "js/console-review.js" in html
    assert 'id="rulings-banner"' in html
