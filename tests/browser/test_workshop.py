"""A designer takes a scenario from a file to an exercise in the browser: uploads it in the
lobby, sees an error with its line, fixes it, previews a role, runs the quick check and
creates an exercise from it, without touching the repository or restarting the server."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from playwright.sync_api import expect

if TYPE_CHECKING:
    from tests.browser.conftest import People
    from tests.live_server import Server

MINI = (Path(__file__).resolve().parent.parent / "fixtures" / "mini.yaml").read_text()
PASSWORD = "a long designer password"


def test_a_designer_uploads_fixes_previews_checks_and_runs_a_scenario(
    server: Server, people: People
) -> None:
    server.manage(
        "createsuperuser",
        "--noinput",
        "--username",
        "designer",
        "--email",
        "designer@example.org",
        extra_env={"DJANGO_SUPERUSER_PASSWORD": PASSWORD},
    )
    designer = people.new("designer")
    page = designer.page
    page.goto(server.url + "/accounts/login/")
    page.get_by_label("Username").fill("designer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Lobby", exact=True)).to_be_visible()

    # an upload with a misspelt field: refused, the error shown at its line
    broken = MINI.replace("    label: Pause\n", "    label: Pause\n    colour: red\n", 1)
    line = broken.splitlines().index("    colour: red") + 1
    # (the refusal is a 400, which the browser logs: expected here)
    designer.tolerated.append(re.compile(r"status of 400 \(Bad Request\)"))
    page.get_by_role("link", name="Upload a scenario").click()
    page.get_by_label("Scenario text (YAML)").fill(broken)
    page.get_by_role("button", name="Check and store").click()
    expect(page.locator(".error-summary")).to_contain_text("Not stored")
    expect(page.locator(f"#line-{line} .problem")).to_contain_text(f"Line {line}:")
    expect(page.locator(f"#line-{line} .problem")).to_contain_text("colour")
    designer.screenshot("workshop-error")
    assert people.accessibility_problems(page) == []

    # fixed in the same box, it is stored as version 1
    page.get_by_label("Scenario text (YAML)").fill(MINI)
    page.get_by_role("button", name="Check and store").click()
    expect(page.get_by_role("status").first).to_contain_text("Stored as version 1")

    # the preview shows what Lab A sees at turn 1
    page.get_by_role("link", name="Lab A").click()
    expect(page.get_by_role("heading", name="Preview: Lab A at turn 1")).to_be_visible()
    expect(page.locator(".briefing")).to_contain_text("You are A.")
    expect(page.locator("details.action", has_text="Scale up")).to_contain_text("costs 1 of cash")
    designer.screenshot("workshop-preview")
    assert people.accessibility_problems(page) == []
    page.go_back()

    # the quick check runs apart from the page, which polls it until it is done
    page.get_by_role("button", name="Run the quick check").click()
    expect(page.locator(".quick-check-status")).to_have_text("Done.", timeout=60_000)
    expect(page.locator(".quick-check-table")).to_contain_text("race")
    expect(page.locator(".never-moves")).to_contain_text("tension")
    designer.screenshot("workshop-quick-check")
    assert people.accessibility_problems(page) == []

    # and the lobby makes an exercise from it
    page.get_by_role("link", name="Lobby").first.click()
    card = page.locator("section.card", has=page.get_by_role("heading", name="Mini"))
    card.get_by_label("Name of the exercise").fill("Mini from the browser")
    card.get_by_role("button", name="Create the exercise").click()
    expect(page.get_by_role("heading", name="Mini from the browser")).to_be_visible()
    assert people.errors() == []
