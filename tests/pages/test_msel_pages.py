"""The inject timeline on the pages: the console lists each inject's MSEL row (notes included),
a player's page holds none of what is the facilitator's, and every page, export and report
that shows a turn's number adds the turn's name in the story."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from exercises.services import commands, creation, seats, turns
from exercises.services.export import dumps, export_for
from exercises.services.report import render_report
from tests.services.test_msel import with_timeline

pytestmark = pytest.mark.django_db


@pytest.fixture
def created() -> creation.Created:
    made = creation.create_exercise(with_timeline(), "Timeline", seed="p")
    commands.start(seats.seat_by_token(made.tokens["facilitator"]))
    return made


def page_of(created: creation.Created, seat: str, path: str) -> str:
    browser = Client()
    browser.get(f"/join/{created.tokens[seat]}")
    response = browser.get(f"/exercises/{created.exercise.public_id}/{path}/")
    assert response.status_code == 200
    return response.content.decode()


def page_data(html: str) -> Any:
    start = html.index('<script id="page-data" type="application/json">')
    body = html[html.index(">", start) + 1 : html.index("</script>", start)]
    return json.loads(body)


def test_the_console_lists_each_injects_msel_row_and_the_turns_names(
    created: creation.Created,
) -> None:
    data = page_data(page_of(created, "facilitator", "console"))

    rows = {row["id"]: row for row in data["injects"]}
    assert rows["ransom_email"]["sender"] == "Unknown actor"
    assert rows["ransom_email"]["notes"] == "Hold the follow-up call until they ask."
    assert rows["press_call"]["after_minutes"] == 10
    assert rows["leak"]["chance"] == 0.5
    assert data["turn_labels"] == {"1": "Day 1, 08:00", "2": "Day 1, 14:00"}


def test_a_players_page_names_the_turns_and_holds_nothing_of_the_facilitators(
    created: creation.Created,
) -> None:
    html = page_of(created, "anthropic", "play")

    assert page_data(html)["turn_labels"]["1"] == "Day 1, 08:00"
    for secret in ("Hold the follow-up", "Call the board", "Crisis communication"):
        assert secret not in html


def test_exports_and_reports_keep_the_turn_number_and_add_its_name(
    created: creation.Created,
) -> None:
    facilitator = seats.seat_by_token(created.tokens["facilitator"])
    turns.close_turn(facilitator)
    for seat in ("facilitator", "anthropic"):
        export = json.loads(dumps(export_for(seats.seat_by_token(created.tokens[seat]))))

        [turn] = export["turns"]
        assert (turn["number"], turn["label"]) == (1, "Day 1, 08:00")
        assert '1 <span class="turn-story">(Day 1, 08:00)</span></h3>' in render_report(export)
