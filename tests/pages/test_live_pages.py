"""The live pages through Django's test client: who gets which page, and what it may hold.

A page carries its seat's data (the API view, variables, history) in a JSON script; these tests
read the whole HTML, so nothing of another role may appear anywhere in it.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from exercises.engine import Scenario
from exercises.services import commands, creation, moves, seats, turns
from exercises.services.scenarios import scenario_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def created() -> creation.Created:
    made = creation.create_exercise(creation.bundled("ai-pause"), "Pages", seed="p")
    commands.start(seats.seat_by_token(made.tokens["facilitator"]))
    return made


@pytest.fixture
def scenario(created: creation.Created) -> Scenario:
    return scenario_of(created.exercise)


def browser_of(created: creation.Created, seat: str) -> Client:
    browser = Client()
    browser.get(f"/join/{created.tokens[seat]}")
    return browser


def page_of(created: creation.Created, seat: str, path: str) -> str:
    response = browser_of(created, seat).get(f"/exercises/{created.exercise.public_id}/{path}/")
    assert response.status_code == 200
    return response.content.decode()


def secret_names(scenario: Scenario, allowed: str | None) -> list[str]:
    """Variables only others may see: other roles' private ones and the facilitator's."""
    return [
        name
        for name, var in scenario.variables.items()
        if var.visibility == "facilitator" or (var.visibility == "private" and var.owner != allowed)
    ]


def test_each_seat_is_sent_from_its_join_link_to_its_own_page(created: creation.Created) -> None:
    public_id = created.exercise.public_id
    for seat, page in (("anthropic", "play"), ("facilitator", "console"), ("observer", "watch")):
        browser = Client()

        joined = browser.get(f"/join/{created.tokens[seat]}")
        home = browser.get(joined["Location"])

        assert joined["Location"] == f"/exercises/{public_id}/"
        assert home.status_code == 302
        assert home["Location"] == f"/exercises/{public_id}/{page}/"
        assert browser.get(home["Location"]).status_code == 200


def test_a_players_page_shows_its_briefing_and_private_state_and_no_other_roles_secrets(
    created: creation.Created, scenario: Scenario
) -> None:
    html = page_of(created, "anthropic", "play")

    assert scenario.role("anthropic").briefing.split("\n")[0] in html
    assert '"anthropic.lead_months"' in html
    for other in scenario.roles:
        if other.id != "anthropic":
            assert other.briefing.split("\n")[0] not in html
    for name in secret_names(scenario, allowed="anthropic"):
        assert f'"{name}"' not in html, name
    assert "rulings_pending" not in html and '"seats"' not in html


def test_the_observer_page_holds_only_the_public(
    created: creation.Created, scenario: Scenario
) -> None:
    html = page_of(created, "observer", "watch")

    for role in scenario.roles:
        assert role.briefing.split("\n")[0] not in html
    for name in secret_names(scenario, allowed=None):
        assert f'"{name}"' not in html, name
    assert '"frontier_capability"' in html


def test_the_console_shows_every_variable_hidden_ones_included_and_the_seats(
    created: creation.Created, scenario: Scenario
) -> None:
    html = page_of(created, "facilitator", "console")

    for name in scenario.variables:
        assert f'"{name}"' in html, name
    assert '"seats"' in html and '"injects"' in html and '"policies"' in html


def test_a_browser_without_a_seat_gets_a_page_saying_so_on_every_page(
    client: Client, created: creation.Created
) -> None:
    public_id = created.exercise.public_id
    for path in ("", "play/", "console/", "watch/"):
        response = client.get(f"/exercises/{public_id}/{path}")

        assert response.status_code == 403, path
        assert "You have no seat here" in response.content.decode()
    answer = client.get(f"/exercises/{public_id}/page.json")
    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "no_seat"


def test_an_unknown_exercise_is_a_404_page(client: Client) -> None:
    response = client.get("/exercises/0000000000000000/play/")

    assert response.status_code == 404
    assert "No such exercise" in response.content.decode()


def test_a_seat_opening_another_kinds_page_gets_a_403_page_without_its_data(
    created: creation.Created,
) -> None:
    player = browser_of(created, "anthropic")
    public_id = created.exercise.public_id

    console = player.get(f"/exercises/{public_id}/console/")
    watch = player.get(f"/exercises/{public_id}/watch/")

    for response in (console, watch):
        html = response.content.decode()
        assert response.status_code == 403
        assert "Not your page" in html
        assert "page-data" not in html


def test_a_seat_given_to_someone_else_gets_the_no_seat_page(created: creation.Created) -> None:
    player = browser_of(created, "openai")
    facilitator = seats.seat_by_token(created.tokens["facilitator"])
    commands.replace_seat(facilitator, "openai", None)

    response = player.get(f"/exercises/{created.exercise.public_id}/play/")

    assert response.status_code == 403
    assert "given to someone" in response.content.decode()


def test_a_seat_given_to_a_bot_gets_the_no_seat_page(created: creation.Created) -> None:
    player = browser_of(created, "openai")
    facilitator = seats.seat_by_token(created.tokens["facilitator"])
    briefing = creation.bundled("ai-pause").role("openai").briefing
    commands.replace_seat(facilitator, "openai", "no-pause")

    pages = [player.get(f"/exercises/{created.exercise.public_id}/{p}") for p in PAGES]

    assert [r.status_code for r in pages] == [403, 403, 401]
    assert "given to someone" in pages[0].content.decode()
    assert not any(briefing[:60] in r.content.decode() for r in pages)


PAGES = ("play/", "replay/", "now.json")


def test_a_wrong_join_link_is_a_404_page_not_a_500(client: Client) -> None:
    response = client.get("/join/not-a-token")

    assert response.status_code == 404
    assert "This link opens no seat" in response.content.decode()


def test_page_data_reloads_with_the_seats_view(created: creation.Created) -> None:
    player = browser_of(created, "anthropic")

    data = player.get(f"/exercises/{created.exercise.public_id}/page.json").json()

    assert data["seat"] == "anthropic"
    assert data["view"]["me"]["role"]["id"] == "anthropic"
    assert [point["turn"] for point in data["history"]] == [0]
    assert "seats" not in data


def test_markup_in_an_exercise_name_is_escaped_in_the_page(client: Client) -> None:
    made = creation.create_exercise(creation.bundled("ai-pause"), "<script>alert(1)</script>")
    browser = Client()
    browser.get(f"/join/{made.tokens['observer']}")

    html = browser.get(f"/exercises/{made.exercise.public_id}/watch/").content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_front_page_lists_the_exercises_this_browser_holds_seats_in(
    created: creation.Created,
) -> None:
    browser = browser_of(created, "openai")
    stranger = Client()

    mine = browser.get("/").content.decode()
    theirs = stranger.get("/").content.decode()

    assert "Your exercises" in mine
    assert f'href="/exercises/{created.exercise.public_id}/"' in mine
    assert "you are OpenAI (CEO)" in mine
    assert "Your exercises" not in theirs


@pytest.fixture
def played_turn(created: creation.Created, django_capture_on_commit_callbacks: Any) -> None:
    """Turn 1 adjudicated (after commit) with a move of Anthropic's, and turn 2 open."""
    facilitator = seats.seat_by_token(created.tokens["facilitator"])
    anthropic = seats.seat_by_token(created.tokens["anthropic"])
    moves.submit_move(anthropic, "continue_scaling", {}, "", "now-1")
    with django_capture_on_commit_callbacks(execute=True):
        turns.close_turn(facilitator)
    turns.open_next_turn(facilitator)


@pytest.mark.parametrize("seat", ["facilitator", "observer", "anthropic", "openai"])
def test_now_data_holds_only_what_the_whole_page_data_holds_for_the_same_seat(
    created: creation.Created, played_turn: None, seat: str
) -> None:
    # given an exercise with a resolved turn, and the seat's page data: the secret tests above
    # and the API's prove that it holds nothing of another role's
    browser = browser_of(created, seat)
    url = f"/exercises/{created.exercise.public_id}"
    page = browser.get(f"{url}/page.json").json()

    # when the page fetches its changing data
    now = browser.get(f"{url}/now.json").json()

    # then every part of it is the same part of the page data: it tells the seat nothing more
    me = {k: v for k, v in page["view"]["me"].items() if k not in ("briefing", "actions")}
    me.pop("moves_per_turn", None)
    assert now["view"] == {**page["view"], "me": me}
    assert now["point"] == page["history"][-1]
    for key in ("variables", "commitments", "ending", "seats"):
        assert now.get(key) == page.get(key), key
    assert set(now) - set(page) == {"point"}


def test_now_data_carries_the_latest_point_of_the_history_only(
    created: creation.Created, played_turn: None
) -> None:
    browser = browser_of(created, "anthropic")
    url = f"/exercises/{created.exercise.public_id}"

    now = browser.get(f"{url}/now.json").json()

    assert now["point"]["turn"] == 1
    assert "history" not in now
    assert "anthropic.lead_months" in now["point"]["values"]
    assert "openai.lead_months" not in now["point"]["values"]


def test_now_data_without_a_seat_is_a_401(client: Client, created: creation.Created) -> None:
    answer = client.get(f"/exercises/{created.exercise.public_id}/now.json")

    assert answer.status_code == 401
    assert answer.json()["error"]["code"] == "no_seat"
