"""Join links: a bot's seat opens nothing, and a browser asks before it switches seats.

A browser acts as one seat of an exercise at a time; opening another seat's link of the same
exercise shows whom it would stop being, and switches only when the person says so. It keeps
the seats it opened, and each page offers to switch back.
"""

from __future__ import annotations

import pytest
from django.test import Client

from exercises.services import commands, creation, seats

pytestmark = pytest.mark.django_db


@pytest.fixture
def created() -> creation.Created:
    made = creation.create_exercise(
        creation.bundled("ai-pause"), "Links", seed="j", bots={"gdm": "no-pause"}
    )
    commands.start(seats.seat_by_token(made.tokens["facilitator"]))
    return made


def home(created: creation.Created) -> str:
    return f"/exercises/{created.exercise.public_id}/"


def test_a_bots_seat_link_opens_no_page_and_no_briefing(created: creation.Created) -> None:
    browser = Client()

    response = browser.get(f"/join/{created.tokens['gdm']}")

    assert response.status_code == 403
    html = response.content.decode()
    assert "A bot plays this role" in html and "Google DeepMind" in html
    briefing = creation.bundled("ai-pause").role("gdm").briefing.split("\n")[0]
    assert briefing not in html
    assert browser.get(home(created)).status_code == 403  # nothing was bound


def test_a_second_seats_link_asks_before_switching(created: creation.Created) -> None:
    browser = Client()
    browser.get(f"/join/{created.tokens['anthropic']}")

    asked = browser.get(f"/join/{created.tokens['openai']}")

    assert asked.status_code == 200
    html = asked.content.decode()
    assert "Switch to OpenAI (CEO)?" in html and "this browser is <strong>Anthropic" in html
    page = browser.get(f"{home(created)}play/").content.decode()
    assert "<strong>Anthropic (CEO)</strong>" in page  # not switched by merely opening it


def test_switching_happens_when_the_person_confirms(created: creation.Created) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.get(f"/join/{created.tokens['anthropic']}")
    asked = browser.get(f"/join/{created.tokens['openai']}")
    csrf = asked.context["csrf_token"]

    switched = browser.post(f"/join/{created.tokens['openai']}", {"csrfmiddlewaretoken": csrf})

    assert switched.status_code == 302
    page = browser.get(f"{home(created)}play/").content.decode()
    assert "<strong>OpenAI (CEO)</strong>" in page


def test_opening_the_same_seats_link_again_does_not_ask(created: creation.Created) -> None:
    browser = Client()
    browser.get(f"/join/{created.tokens['anthropic']}")

    again = browser.get(f"/join/{created.tokens['anthropic']}")

    assert again.status_code == 302


def test_the_front_page_names_the_seat_as_people_call_it(created: creation.Created) -> None:
    browser = Client()
    browser.get(f"/join/{created.tokens['ukaisi']}")

    html = browser.get("/").content.decode()

    assert "you are UK AI Security Institute" in html and "ukaisi" not in html.split("<main")[1]


def test_a_browser_switches_back_to_a_seat_it_opened_from_the_page(
    created: creation.Created,
) -> None:
    # given a browser that opened Anthropic's link, then switched to OpenAI's
    browser = Client()
    browser.get(f"/join/{created.tokens['anthropic']}")
    browser.post(f"/join/{created.tokens['openai']}")
    page = browser.get(f"{home(created)}play/").content.decode()
    assert "<strong>OpenAI (CEO)</strong>" in page and "Switch to Anthropic (CEO)" in page

    # when it switches back from the page
    switched = browser.post(f"{home(created)}switch/", {"seat": "anthropic"})

    # then it acts as Anthropic, and is offered OpenAI
    assert switched.status_code == 302
    page = browser.get(f"{home(created)}play/").content.decode()
    assert "<strong>Anthropic (CEO)</strong>" in page and "Switch to OpenAI (CEO)" in page


def test_a_browser_cannot_switch_to_a_seat_it_never_opened_or_that_was_given_away(
    created: creation.Created,
) -> None:
    browser = Client()
    browser.get(f"/join/{created.tokens['anthropic']}")
    browser.post(f"/join/{created.tokens['openai']}")
    facilitator = seats.seat_by_token(created.tokens["facilitator"])
    commands.replace_seat(facilitator, "anthropic", None)  # Anthropic gets a new player

    for seat in ("anthropic", "meta"):
        refused = browser.post(f"{home(created)}switch/", {"seat": seat})
        assert refused.status_code == 404, seat
    page = browser.get(f"{home(created)}play/").content.decode()
    assert "<strong>OpenAI (CEO)</strong>" in page and "Switch to" not in page


# Login CSRF: another site's link must not silently bind a browser that plays here already.


@pytest.fixture
def other() -> creation.Created:
    return creation.create_exercise(creation.bundled("ai-pause"), "Elsewhere", seed="k")


CROSS_SITE = {"Sec-Fetch-Site": "cross-site"}


def acting_as(browser: Client, created: creation.Created) -> str:
    return browser.get(f"{home(created)}play/").content.decode()


def test_a_link_from_another_site_asks_before_a_browser_that_plays_opens_another_seat(
    created: creation.Created, other: creation.Created
) -> None:
    browser = Client()
    browser.get(f"/join/{created.tokens['anthropic']}")

    asked = browser.get(f"/join/{other.tokens['openai']}", headers=CROSS_SITE)

    assert asked.status_code == 200
    assert "Open OpenAI (CEO) in “Elsewhere”?" in asked.content.decode()
    assert browser.get(f"{home(other)}play/").status_code == 403  # nothing bound yet
    assert "<strong>Anthropic (CEO)</strong>" in acting_as(browser, created)


def test_the_seat_opens_when_the_person_confirms_with_the_forms_csrf_token(
    created: creation.Created, other: creation.Created
) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.get(f"/join/{created.tokens['anthropic']}")
    asked = browser.get(f"/join/{other.tokens['openai']}", headers=CROSS_SITE)

    forged = browser.post(
        f"/join/{other.tokens['openai']}", {}, headers={"Origin": "https://evil.test"}
    )
    confirmed = browser.post(
        f"/join/{other.tokens['openai']}", {"csrfmiddlewaretoken": asked.context["csrf_token"]}
    )

    assert forged.status_code == 403
    assert confirmed.status_code == 302
    assert "<strong>OpenAI (CEO)</strong>" in acting_as(browser, other)
    assert "<strong>Anthropic (CEO)</strong>" in acting_as(browser, created)


def test_a_link_from_another_site_to_another_seat_of_the_same_exercise_asks_to_switch(
    created: creation.Created,
) -> None:
    browser = Client()
    browser.get(f"/join/{created.tokens['anthropic']}")

    asked = browser.get(f"/join/{created.tokens['openai']}", headers=CROSS_SITE)

    assert "Switch to OpenAI (CEO)?" in asked.content.decode()
    assert "<strong>Anthropic (CEO)</strong>" in acting_as(browser, created)


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "none"},  # typed, pasted, or opened from a mail program
        {"Sec-Fetch-Site": "same-origin"},
        {"Referer": "http://testserver/exercises/"},  # a browser without Sec-Fetch-Site
    ],
)
def test_a_link_opened_from_here_or_typed_opens_the_seat_at_once(
    created: creation.Created, other: creation.Created, headers: dict[str, str]
) -> None:
    browser = Client()
    browser.get(f"/join/{created.tokens['anthropic']}")

    opened = browser.get(f"/join/{other.tokens['openai']}", headers=headers)

    assert opened.status_code == 302
    assert "<strong>OpenAI (CEO)</strong>" in acting_as(browser, other)


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "same-site"},
        {"Referer": "https://evil.test/"},
        {"Referer": "https://testserver/"},  # another scheme is another origin
        {},  # neither header: nothing says it began here
    ],
)
def test_a_navigation_not_shown_to_begin_here_asks(
    created: creation.Created, other: creation.Created, headers: dict[str, str]
) -> None:
    browser = Client()
    browser.get(f"/join/{created.tokens['anthropic']}")

    asked = browser.get(f"/join/{other.tokens['openai']}", headers=headers)

    assert asked.status_code == 200 and "Open OpenAI (CEO)" in asked.content.decode()


def test_a_link_from_another_site_opens_a_seat_at_once_in_a_browser_that_holds_none(
    other: creation.Created,
) -> None:
    browser = Client()

    opened = browser.get(f"/join/{other.tokens['openai']}", headers=CROSS_SITE)

    assert opened.status_code == 302


def test_a_request_still_in_flight_with_the_old_session_leaves_the_new_one_alone(
    created: creation.Created,
) -> None:
    # A page's refresh sent before the switch arrives after it: the switch gave the browser a
    # new session, and the late answer must not delete the browser's (new) session cookie.
    browser = Client()
    browser.get(f"/join/{created.tokens['anthropic']}")
    old_cookie = browser.cookies["sessionid"].value
    browser.get(f"/join/{created.tokens['openai']}")
    browser.post(f"/join/{created.tokens['openai']}")
    late = Client()
    late.cookies["sessionid"] = old_cookie

    refreshed = late.get(f"{home(created)}now.json")

    assert refreshed.status_code == 401
    assert "sessionid" not in refreshed.cookies
    page = browser.get(f"{home(created)}play/").content.decode()
    assert "<strong>OpenAI (CEO)</strong>" in page
