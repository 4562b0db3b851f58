"""Issue 13's "done when", in real browsers: a designer goes from a spreadsheet timeline and a
YAML file to a running exercise without touching the repository or restarting the server.
The operator uploads both in the lobby, reads a bad cell by row and column, fixes the sheet,
creates an exercise; the players join with their links, the facilitator begins, and the
spreadsheet's inject reaches its recipient's page and no one else's."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl import Workbook
from playwright.sync_api import Page, expect

from tests.browser.test_play import wait_live

if TYPE_CHECKING:
    from tests.browser.conftest import People
    from tests.live_server import Server

MINI = (Path(__file__).resolve().parent.parent / "fixtures" / "mini.yaml").read_text()
PASSWORD = "a long planner password"
HEADER = ["id", "turn", "title", "text", "to", "sender", "channel", "notes"]
MEMO = "The board asks Lab A to slow down."


def write_xlsx(path: Path, *rows: Sequence[object]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    book.save(path)
    return path


def sign_in(page: Page, server: Server) -> None:
    server.manage(
        "createsuperuser",
        "--noinput",
        "--username",
        "planner",
        "--email",
        "planner@example.org",
        extra_env={"DJANGO_SUPERUSER_PASSWORD": PASSWORD},
    )
    page.goto(server.url + "/accounts/login/")
    page.get_by_label("Username").fill("planner")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Lobby", exact=True)).to_be_visible()


def test_a_designer_runs_an_exercise_from_a_yaml_file_and_a_spreadsheet_timeline(
    server: Server, people: People, tmp_path: Path
) -> None:
    # given a scenario file and a timeline spreadsheet on the designer's disk, not the repo's
    yaml_file = tmp_path / "board.yaml"
    yaml_file.write_text(
        MINI.replace("id: mini", "id: board-memo", 1).replace("title: Mini", "title: Board memo")
    )
    memo = ["memo", 1, "Memo from the board", MEMO, "a", "The board", "email", "Wait for it."]
    fax = [*memo[:6], "fax", ""]
    bad = write_xlsx(tmp_path / "timeline-bad.xlsx", HEADER, fax)
    good = write_xlsx(tmp_path / "timeline.xlsx", HEADER, memo)
    designer = people.new("planner")
    page = designer.page
    sign_in(page, server)

    # a sheet with a bad cell: refused, the problem given by row and column
    designer.tolerated.append(re.compile(r"status of 400 \(Bad Request\)"))
    page.get_by_role("link", name="Upload a scenario").click()
    page.get_by_label("Or choose a file").set_input_files(yaml_file)
    page.get_by_label("And a timeline to merge").set_input_files(bad)
    page.get_by_role("button", name="Check and store").click()
    expect(page.locator("#sheet-problems")).to_contain_text("Not stored")
    expect(page.locator("#sheet-problems")).to_contain_text("Row 2, column channel:")
    designer.screenshot("workshop-timeline-error")
    assert people.accessibility_problems(page) == []

    # the fixed sheet, chosen again with the text left in the box: validated and stored
    page.get_by_label("And a timeline to merge").set_input_files(good)
    page.get_by_role("button", name="Check and store").click()
    expect(page.get_by_role("status").first).to_contain_text("Stored as version 1")
    expect(page.locator("#timeline")).to_contain_text("3 injects")
    designer.screenshot("workshop-timeline-stored")

    # the lobby makes an exercise of it, with a link for each seat
    page.get_by_role("link", name="Lobby").first.click()
    card = page.locator("section.card", has=page.get_by_role("heading", name="Board memo"))
    card.get_by_label("Name of the exercise").fill("Board memo from a sheet")
    card.get_by_role("button", name="Create the exercise").click()
    expect(page.get_by_role("heading", name="Board memo from a sheet")).to_be_visible()
    links = {seat: page.locator(f"#link-{seat}").input_value() for seat in ("a", "b")}

    # the players join with their links; the facilitator opens the console and begins
    page.get_by_role("link", name="Open the facilitator console in this browser").click()
    console = page
    lab_a = people.new("lab-a").page
    lab_b = people.new("lab-b").page
    for player, url in ((lab_a, links["a"]), (lab_b, links["b"])):
        player.goto(url)
        expect(player).to_have_url(re.compile(r"/exercises/[^/]+/play/$"))
    for live in (console, lab_a, lab_b):
        wait_live(live)
    console.locator("#turn-bar").get_by_role("button", name="Begin the exercise").click()

    # the spreadsheet's inject reaches Lab A, from its sender, by its channel; not Lab B
    results = lab_a.locator("#results")
    expect(results).to_contain_text("Inject: Memo from the board")
    expect(results).to_contain_text(MEMO)
    expect(results).to_contain_text("From The board, by email")
    expect(lab_b.locator("#status")).to_contain_text("(open)")
    expect(lab_b.locator("main")).not_to_contain_text(MEMO)
    expect(lab_a.locator("main")).not_to_contain_text("Wait for it.")
    expect(console.locator("[data-inject=memo]")).to_contain_text("Notes: Wait for it.")
    designer.screenshot("workshop-timeline-console")
    assert people.errors() == []
