"""The scenario library pages, read through the Django test client.

The pages show what every player may know before an exercise: never a briefing, never a
variable hidden from the players.
"""

import pytest
from django.test import Client
from django.utils.html import escape

from exercises.engine import Scenario, load_bundled_scenarios


@pytest.fixture
def ai_pause() -> Scenario:
    return load_bundled_scenarios()["ai-pause"]


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_front_page_lists_the_bundled_scenarios(client: Client) -> None:
    html = page(client, "/")

    assert "Scenario library" in html
    assert "Pause" in html
    assert 'href="/scenarios/ai-pause/"' in html


def test_every_bundled_scenario_has_a_page(client: Client) -> None:
    for scenario_id, scenario in load_bundled_scenarios().items():
        html = page(client, f"/scenarios/{scenario_id}/")

        assert escape(scenario.title) in html


def test_a_scenario_page_shows_its_title_summary_and_number_of_turns(
    client: Client, ai_pause: Scenario
) -> None:
    html = page(client, "/scenarios/ai-pause/")

    assert f"<h1>{escape(ai_pause.title)}</h1>" in html
    assert "Pause" in ai_pause.title
    assert escape(ai_pause.summary.split("\n")[0]) in html
    assert f"<dd>{ai_pause.turns}" in html


def test_a_scenario_page_shows_every_role_with_its_public_summary(
    client: Client, ai_pause: Scenario
) -> None:
    html = page(client, "/scenarios/ai-pause/")

    assert "anthropic" in {role.id for role in ai_pause.roles}
    for role in ai_pause.roles:
        assert f'id="role-{role.id}">{escape(role.name)}</h3>' in html
        assert escape(role.summary) in html


def test_a_scenario_page_never_shows_a_briefing(client: Client, ai_pause: Scenario) -> None:
    html = page(client, "/scenarios/ai-pause/")

    for role in ai_pause.roles:
        opening = role.briefing.strip().split("\n")[0][:80]
        assert escape(opening) not in html, f"the briefing of {role.id} leaked"


def test_a_scenario_page_shows_public_variables_and_hides_the_others(
    client: Client, ai_pause: Scenario
) -> None:
    html = page(client, "/scenarios/ai-pause/")

    assert ai_pause.state["frontier_capability"].visibility == "public"
    for name, spec in ai_pause.state.items():
        shown = f"<code>{name}</code>" in html
        assert shown == (spec.visibility == "public"), name


def test_a_scenario_page_shows_each_roles_actions(client: Client, ai_pause: Scenario) -> None:
    html = page(client, "/scenarios/ai-pause/")

    assert 'id="actions-anthropic"' in html
    for action in ai_pause.actions:
        assert f"<dt>{escape(action.label)}</dt>" in html


def test_the_pages_need_no_javascript(client: Client) -> None:
    for url in ("/", "/scenarios/ai-pause/"):
        assert "<script" not in page(client, url)


def test_an_unknown_scenario_is_not_found(client: Client) -> None:
    response = client.get("/scenarios/no-such-scenario/")

    assert response.status_code == 404
