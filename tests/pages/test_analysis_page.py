"""The scenario library's analysis page: the analysis `analyze --store` kept, or how to get one."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from exercises.models import ScenarioAnalysis

pytestmark = pytest.mark.django_db

URL = "/scenarios/lab-crisis/analysis/"


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def store(runs: int = 2) -> None:
    args = ["--runs", str(runs), "--workers", "1", "--store"]
    call_command("analyze", "lab-crisis", *args, stdout=StringIO())


def test_a_scenario_page_links_to_its_analysis(client: Client) -> None:
    assert f'href="{URL}"' in page(client, "/scenarios/lab-crisis/")


def test_the_page_says_how_to_analyse_a_scenario_not_analysed_yet(client: Client) -> None:
    html = page(client, URL)

    assert "has not been analysed yet" in html
    assert "python manage.py analyze lab-crisis --runs 200 --store" in html
    assert "<svg" not in html


def test_the_page_shows_a_stored_analysis_with_its_charts(client: Client) -> None:
    store()

    html = page(client, URL)

    assert "has not been analysed yet" not in html
    assert "2 runs each" in html
    assert html.count('class="chart analysis-bars"') == 3  # one per policy
    assert 'class="chart analysis-band"' in html
    assert "cautious, investors plays mutiny" in html
    assert "variable_never_moves" in html


def test_the_page_draws_the_variables_of_the_policy_asked_for(client: Client) -> None:
    store()

    html = page(client, URL + "?policy=reckless")

    assert "Variables by turn under reckless" in html


def test_the_page_shows_the_analysis_with_the_most_runs(client: Client) -> None:
    store(runs=2)
    store(runs=3)

    assert "3 runs each" in page(client, URL)
    assert ScenarioAnalysis.objects.count() == 2


def test_storing_again_replaces_the_analysis_of_the_same_text_and_runs() -> None:
    store()
    store()

    assert ScenarioAnalysis.objects.count() == 1


def test_an_analysis_of_another_version_of_the_text_is_not_shown(client: Client) -> None:
    store()
    ScenarioAnalysis.objects.update(sha256="0" * 64)  # as if the scenario changed since

    assert "has not been analysed yet" in page(client, URL)


def test_an_unknown_scenario_has_no_analysis_page(client: Client) -> None:
    assert client.get("/scenarios/no-such-scenario/analysis/").status_code == 404


def test_the_page_reads_only_what_it_shows_of_a_stored_analysis(client: Client) -> None:
    store()
    row = ScenarioAnalysis.objects.get()
    row.page = None  # as stored before pages were kept apart
    row.save()

    html = page(client, URL)

    row.refresh_from_db()
    assert row.page is not None  # kept on first view, for the next
    kept = {s["label"]: "variables" in s for s in row.page["setups"]}
    assert kept["cautious"] and not kept["cautious, investors plays mutiny"]
    assert len(row.page["setups"]) == len(row.data["setups"])
    assert html == page(client, URL)
