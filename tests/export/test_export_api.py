"""`GET /exercises/{id}/export?format=json|csv|html`: attachments any seat may fetch."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from io import StringIO
from typing import TYPE_CHECKING

from django.core.management import call_command

from exercises.services.export import cell, csv_table

if TYPE_CHECKING:
    from tests.export.conftest import Api, Game


def rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_the_json_export_is_an_attachment_the_same_as_the_commands(
    api: Api, game: Game, play: Callable[[], list[str]]
) -> None:
    # given
    play()
    printed = StringIO()
    call_command("export_exercise", game.id, stdout=printed)

    # when
    response = api.get(game.url("/export?format=json"), game.tokens["facilitator"])

    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    disposition = f'attachment; filename="exercise-{game.id}-facilitator.json"'
    assert response["Content-Disposition"] == disposition
    assert response.content.decode() == printed.getvalue()
    export = json.loads(response.content)
    assert export["format_version"] == 1
    assert [t["number"] for t in export["turns"]] == [1, 2, 3]
    assert [n["kind"] for n in export["notes"]] == ["observation", "debrief"]


def test_json_is_the_default_and_an_unknown_format_is_a_400(api: Api, game: Game) -> None:
    plain = api.get(game.url("/export"), game.tokens["observer"])
    wrong = api.get(game.url("/export?format=xlsx"), game.tokens["observer"])

    assert plain["Content-Type"] == "application/json"
    assert wrong.status_code == 400
    assert json.loads(wrong.content)["error"]["code"]


def test_the_csv_export_has_a_row_per_turn_and_variable(
    api: Api, game: Game, play: Callable[[], list[str]]
) -> None:
    # given
    play()

    # when
    response = api.get(game.url("/export?format=csv"), game.tokens["facilitator"])

    # then
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].endswith('-facilitator.csv"')
    table = rows(response.content.decode())
    assert table[0] == ["turn", "variable", "value"]
    assert {row[0] for row in table[1:]} == {"0", "1", "2"}
    assert ["2", "openai.evidence"] in [row[:2] for row in table]
    assert ["0", "frontier_capability"] in [row[:2] for row in table]


def test_a_roles_csv_holds_only_the_variables_it_may_see(
    api: Api, game: Game, play: Callable[[], list[str]]
) -> None:
    # given
    play()

    # when
    text = api.get(game.url("/export?format=csv"), game.tokens["anthropic"]).content.decode()

    # then
    names = {row[1] for row in rows(text)[1:]}
    assert "anthropic.lead_months" in names
    assert "frontier_capability" in names
    public = {
        "openai.verified",
        "openai.testified",
        "openai.leaked",
        "openai.overstatement_exposed",
    }
    assert not [name for name in names if name.startswith("openai.") and name not in public]


def test_the_html_export_is_the_report(api: Api, game: Game) -> None:
    response = api.get(game.url("/export?format=html"), game.tokens["observer"])

    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Content-Disposition"].endswith('-observer.html"')
    assert response.content.decode().lstrip().lower().startswith("<!doctype html>")


def test_text_cells_that_a_spreadsheet_would_run_are_neutralised_but_numbers_are_not() -> None:
    assert [cell(v) for v in ("=1+1", "+1", "-x", "@SUM(A1)", "\tx", "\rx")] == [
        "'=1+1",
        "'+1",
        "'-x",
        "'@SUM(A1)",
        "'\tx",
        "'\rx",
    ]
    assert [cell(v) for v in (-3, -0.5, 2, True, "plain")] == [-3, -0.5, 2, "true", "plain"]


def test_a_csv_export_writes_negative_numbers_as_numbers_and_formulas_as_text() -> None:
    # given
    start = {"=cmd|' /C calc'!A0": -3, "mood": "@bad", "ok": -1.5}

    # when
    table = rows(csv_table([(0, start)]))

    # then
    assert table[1:] == [
        ["0", "'=cmd|' /C calc'!A0", "-3"],
        ["0", "mood", "'@bad"],
        ["0", "ok", "-1.5"],
    ]
