"""Scenarios from the browser: an operator uploads one in the lobby, sees its problems by
line, keeps its versions, previews it as a role, quick-checks it, makes exercises from it and
retires it. Bundled scenarios stay as they are."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from exercises.models import Exercise, QuickCheck, ScenarioVersion, UploadedScenario
from exercises.services import jobs

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
MINI = (FIXTURES / "mini.yaml").read_text()
HOSTILE = (FIXTURES / "hostile_nested_lists.yaml").read_text()
PASSWORD = "a long operator password"


@pytest.fixture
def operator() -> Client:
    User.objects.create_user("operator", password=PASSWORD)
    browser = Client()
    assert browser.login(username="operator", password=PASSWORD)
    return browser


def upload(browser: Client, text: str, **extra: str) -> Any:
    return browser.post("/lobby/scenarios/upload/", {"text": text, **extra})


def broken_mini() -> tuple[str, int]:
    """Mini with a misspelt field on a line of its own, and that line's number."""
    text = MINI.replace("    label: Pause\n", "    label: Pause\n    colour: red\n", 1)
    return text, text.splitlines().index("    colour: red") + 1


def test_the_upload_page_asks_a_stranger_to_sign_in(client: Client) -> None:
    response = client.get("/lobby/scenarios/upload/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_pasted_scenario_that_loads_is_stored_as_version_1(operator: Client) -> None:
    response = upload(operator, MINI)

    assert response.status_code == 302
    assert response["Location"] == "/lobby/scenarios/mini/?version=1"
    [version] = ScenarioVersion.objects.all()
    assert version.number == 1 and version.snapshot.text == MINI
    assert "Stored as version 1" in operator.get(response["Location"]).content.decode()


def test_an_uploaded_file_is_read_as_the_text(operator: Client, tmp_path: Path) -> None:
    path = tmp_path / "mini.yaml"
    path.write_text(MINI)

    with path.open("rb") as file:
        response = operator.post("/lobby/scenarios/upload/", {"text": "", "file": file})

    assert response.status_code == 302
    assert UploadedScenario.objects.get().scenario_id == "mini"


def test_an_error_is_shown_with_its_line_next_to_the_text_and_nothing_is_stored(
    operator: Client,
) -> None:
    text, line = broken_mini()

    response = upload(operator, text)

    html = response.content.decode()
    assert response.status_code == 400
    assert f'<li id="line-{line}" class="source-line has-problem"' in html
    assert f'<p class="problem error" data-line="{line}"><strong>Line {line}:</strong>' in html
    assert "colour" in html and "Not stored" in html
    assert "    colour: red" in html  # back in the box, to be fixed there
    assert not UploadedScenario.objects.exists()


def test_a_warning_is_shown_with_its_line_once_stored(operator: Client) -> None:
    text = MINI.replace('public: "{role} pauses."', 'public: "{rol} pauses."')
    line = text.splitlines().index(next(s for s in text.splitlines() if "{rol}" in s)) + 1

    response = upload(operator, text)
    html = operator.get(response["Location"]).content.decode()

    assert 'class="problem warning"' in html
    assert f'<a href="#line-{line}">Line {line}</a> (warning):' in html
    assert f'<li id="line-{line}" class="source-line has-problem"' in html
    assert "{rol} is not a placeholder" in html


def test_a_scenario_too_costly_to_check_is_refused_within_its_limit(
    operator: Client, settings: Any
) -> None:
    # given a file that takes the loader tens of seconds, and a limit of one second
    settings.WARGAME_SCENARIO_SECONDS = 1

    response = upload(operator, HOSTILE)

    assert response.status_code == 400
    assert "the scenario took longer than 1 s to check" in response.content.decode()
    assert not UploadedScenario.objects.exists()


def test_a_bundled_scenario_id_is_refused(operator: Client) -> None:
    response = upload(operator, MINI.replace("id: mini", "id: ai-pause", 1))

    assert response.status_code == 400
    assert "is a bundled scenario&#x27;s id" in response.content.decode()
    assert not UploadedScenario.objects.exists()


def test_an_empty_upload_is_refused_in_words(operator: Client) -> None:
    response = upload(operator, "  ")

    assert response.status_code == 400
    assert "the scenario is empty" in response.content.decode()


def test_a_new_upload_of_the_same_id_is_the_next_version(operator: Client) -> None:
    upload(operator, MINI)

    response = upload(operator, MINI.replace("title: Mini", "title: Mini two"), replacing="mini")

    assert response["Location"] == "/lobby/scenarios/mini/?version=2"
    assert list(ScenarioVersion.objects.values_list("number", flat=True)) == [2, 1]


def test_the_same_text_again_stores_nothing_new(operator: Client) -> None:
    upload(operator, MINI)

    response = upload(operator, MINI)

    assert response["Location"] == "/lobby/scenarios/mini/?unchanged=1"
    assert ScenarioVersion.objects.count() == 1


def test_a_new_version_must_keep_the_scenario_id(operator: Client) -> None:
    upload(operator, MINI)

    response = upload(operator, MINI.replace("id: mini", "id: other", 1), replacing="mini")

    assert response.status_code == 400
    assert "a new version of &#x27;mini&#x27; keeps its id" in response.content.decode()
    assert ScenarioVersion.objects.count() == 1


def test_each_version_can_be_downloaded(operator: Client) -> None:
    upload(operator, MINI)

    response = operator.get("/lobby/scenarios/mini/v1.yaml")

    assert response.status_code == 200
    assert response.content.decode() == MINI
    assert response["Content-Disposition"] == 'attachment; filename="mini-v1.yaml"'


def test_an_uploaded_scenario_is_offered_by_the_create_form_and_makes_an_exercise(
    operator: Client,
) -> None:
    upload(operator, MINI)
    assert 'value="mini"' in operator.get("/lobby/").content.decode()

    response = operator.post("/lobby/", {"scenario": "mini", "name": "From the browser"})

    assert response.status_code == 200
    exercise = Exercise.objects.get(name="From the browser")
    assert exercise.snapshot == ScenarioVersion.objects.get().snapshot


def test_a_retired_scenario_leaves_the_create_form_and_can_be_restored(operator: Client) -> None:
    upload(operator, MINI)

    operator.post("/lobby/scenarios/mini/retire/")

    assert 'value="mini"' not in operator.get("/lobby/").content.decode()
    refused = operator.post("/lobby/", {"scenario": "mini", "name": "Retired"})
    assert refused.status_code == 400 and not Exercise.objects.exists()
    operator.post("/lobby/scenarios/mini/restore/")
    assert 'value="mini"' in operator.get("/lobby/").content.decode()


def signed_in(name: str, superuser: bool = False) -> Client:
    make = User.objects.create_superuser if superuser else User.objects.create_user
    make(name, password=PASSWORD)
    browser = Client()
    assert browser.login(username=name, password=PASSWORD)
    return browser


def test_only_its_uploader_or_a_superuser_may_change_an_uploaded_scenario(
    operator: Client,
) -> None:
    upload(operator, MINI)
    colleague, admin = signed_in("colleague"), signed_in("admin", superuser=True)

    page = colleague.get("/lobby/scenarios/mini/").content.decode()
    retired = colleague.post("/lobby/scenarios/mini/retire/")
    replaced = upload(colleague, MINI.replace("title: Mini", "title: Theirs"), replacing="mini")

    assert "Uploaded by operator: only they or a superuser may" in page
    assert "Retire it" not in page and "Replace it with a new version" not in page
    assert retired.status_code == 403
    said = retired.content.decode()
    assert "only operator, who uploaded &#x27;mini&#x27;, or a superuser" in said
    assert replaced.status_code == 400 and "upload it under another id" in replaced.content.decode()
    assert UploadedScenario.objects.get().retired_at is None
    assert ScenarioVersion.objects.count() == 1
    # The colleague may still use it; a superuser may change it.
    made = colleague.post("/lobby/", {"scenario": "mini", "name": "Borrowed"})
    assert made.status_code == 200 and Exercise.objects.filter(name="Borrowed").exists()
    assert admin.post("/lobby/scenarios/mini/retire/").status_code == 302
    assert UploadedScenario.objects.get().retired_at is not None


def test_retiring_needs_a_post_with_csrf(operator: Client) -> None:
    upload(operator, MINI)
    strict = Client(enforce_csrf_checks=True)
    strict.login(username="operator", password=PASSWORD)

    assert operator.get("/lobby/scenarios/mini/retire/").status_code == 405
    assert strict.post("/lobby/scenarios/mini/retire/").status_code == 403
    assert UploadedScenario.objects.get().retired_at is None


def test_the_preview_shows_what_a_role_sees_at_turn_1_without_an_exercise(
    operator: Client,
) -> None:
    upload(operator, MINI)

    html = operator.get("/lobby/scenarios/mini/preview/a/").content.decode()

    assert "Preview: Lab A at turn 1" in html
    assert "You are A." in html  # its briefing
    assert "cash" in html and "5.0" in html  # its private state
    assert "capability" in html  # the public state
    assert "Scale up" in html and "costs 1 of cash" in html  # an action and its cost
    assert "You are paused." in html  # what it needs
    assert "risk" not in html.split("The public state")[1]  # the facilitator's only
    assert not Exercise.objects.exists()


def test_the_preview_of_an_action_with_parameters_shows_their_fields(operator: Client) -> None:
    upload(operator, MINI)

    html = operator.get("/lobby/scenarios/mini/preview/gov/").content.decode()

    assert 'id="preview-fund-amount"' in html and 'min="0.5"' in html
    assert '<option value="a">Lab A</option>' in html


def test_an_unknown_role_or_scenario_is_a_404(operator: Client) -> None:
    upload(operator, MINI)

    assert operator.get("/lobby/scenarios/mini/preview/nobody/").status_code == 404
    assert operator.get("/lobby/scenarios/nothing/").status_code == 404
    assert operator.get("/lobby/scenarios/mini/v9.yaml").status_code == 404


def test_the_quick_check_runs_as_a_job_and_its_status_is_polled(
    operator: Client, committing: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given the embedded mode's thread run in this one (the test's transaction is its own)
    monkeypatch.setattr(jobs, "in_thread", jobs.run)
    upload(operator, MINI)

    response = operator.post("/lobby/scenarios/mini/quick-check/")

    assert response.status_code == 302
    check = QuickCheck.objects.get()
    status = json.loads(operator.get(f"/lobby/quick-checks/{check.pk}.json").content)
    assert status["status"] == "done" and status["done"] == status["total"] == 2
    assert [row["policy"] for row in status["result"]["rows"]] == ["race", "calm"]
    assert "tension" in status["result"]["never_moves"]
    assert (
        "Never move in any run: tension" in operator.get("/lobby/scenarios/mini/").content.decode()
    )


def test_a_quick_check_over_its_time_limit_fails_in_words(
    operator: Client, committing: None, monkeypatch: pytest.MonkeyPatch, settings: Any
) -> None:
    monkeypatch.setattr(jobs, "in_thread", jobs.run)
    upload(operator, MINI)
    settings.WARGAME_QUICK_CHECK_SECONDS = 0.01

    operator.post("/lobby/scenarios/mini/quick-check/")

    status = json.loads(
        operator.get(f"/lobby/quick-checks/{QuickCheck.objects.get().pk}.json").content
    )
    assert status["status"] == "failed"
    assert status["error"] == "the scenario took longer than 0.01 s to run"


def test_a_file_that_is_not_utf8_is_refused_in_words(operator: Client, tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("title: Caf\xe9\n".encode("latin-1"))

    with path.open("rb") as file:
        response = operator.post("/lobby/scenarios/upload/", {"text": "", "file": file})

    assert response.status_code == 400
    assert "the file is not UTF-8 text" in response.content.decode()


def test_a_version_this_engine_no_longer_loads_takes_nothing_down(operator: Client) -> None:
    # given a stored text that a later engine refuses (here: edited in the database)
    upload(operator, MINI)
    text, line = broken_mini()
    ScenarioVersion.objects.get().snapshot.__class__.objects.update(text=text)

    lobby = operator.get("/lobby/")
    page = operator.get("/lobby/scenarios/mini/")

    assert lobby.status_code == 200 and 'value="mini"' not in lobby.content.decode()
    assert page.status_code == 409
    assert f'<p class="problem error" data-line="{line}">' in page.content.decode()


def test_the_preview_shows_the_role_its_own_objectives_only(operator: Client) -> None:
    goal = 'objectives: [{id: calm, label: Keep tension under 5, when: "state.tension < 5"}]'
    text = MINI.replace(
        'briefing: "You are A.", tags: [lab]}', f'briefing: "You are A.", tags: [lab], {goal}}}'
    )
    upload(operator, text)

    mine = operator.get("/lobby/scenarios/mini/preview/a/").content.decode()
    theirs = operator.get("/lobby/scenarios/mini/preview/b/").content.decode()

    assert "Keep tension under 5" in mine
    assert "Keep tension under 5" not in theirs


def test_the_preview_shows_choices_and_lists_of_roles_as_a_player_reads_them(
    operator: Client,
) -> None:
    upload(operator, (FIXTURES / "typed.yaml").read_text())

    html = operator.get("/lobby/scenarios/typed/preview/a/").content.decode()

    private = html.split("The public state")[0]
    assert "Lab B, Government" in private  # a's allies, held as [gov, b, gov]
    assert "['b', 'gov']" not in html
    assert "nobody" in html.split("The public state")[1]  # who is blamed: a choice
    assert "Motto" not in html  # the government's only
