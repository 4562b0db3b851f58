"""A timeline spreadsheet in the workshop: an operator uploads a MSEL (.xlsx or .csv) with a
scenario's text, or onto an uploaded scenario as its next version; every problem is shown by
row and column and nothing is stored; a sheet that is not a plain workbook, or that would
unpack or read too much, is refused in words. Any scenario's timeline can be downloaded."""

from __future__ import annotations

import csv
import io
import struct
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook, load_workbook

from exercises.engine import load_bundled_scenarios, load_scenario_text
from exercises.models import ScenarioVersion, UploadedScenario

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
MINI = (FIXTURES / "mini.yaml").read_text()
PASSWORD = "a long operator password"
HEADER = ["ID", "Turn", "Title", "Text", "To", "Sender", "Channel", "Notes"]
MEMO = ["memo", 1, "A memo", "For Lab A only.", "a", "The board", "email", "Ask about it."]


@pytest.fixture
def operator() -> Client:
    User.objects.create_user("operator", password=PASSWORD)
    browser = Client()
    assert browser.login(username="operator", password=PASSWORD)
    return browser


def xlsx(*rows: list[Any]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(*rows: list[Any]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def upload(
    browser: Client, sheet: bytes, name: str = "timeline.xlsx", text: str = MINI, **extra: str
) -> Any:
    file = SimpleUploadedFile(name, sheet)
    return browser.post("/lobby/scenarios/upload/", {"text": text, "timeline": file, **extra})


def stored_injects() -> dict[str, Any]:
    text = ScenarioVersion.objects.first().snapshot.text  # type: ignore[union-attr]
    return {i["id"]: i for i in yaml.safe_load(text)["injects"]}


def refused(response: Any) -> str:
    """The page of a refused upload, once it is known that nothing was stored."""
    assert response.status_code == 400
    assert not ScenarioVersion.objects.exists()
    return str(response.content.decode())


def test_a_scenario_and_its_xlsx_timeline_are_stored_merged_as_version_1(
    operator: Client,
) -> None:
    response = upload(operator, xlsx(HEADER, MEMO))

    assert response["Location"] == "/lobby/scenarios/mini/?version=1"
    injects = stored_injects()
    assert list(injects) == ["news", "alarm", "memo"]
    assert injects["memo"] == {
        "id": "memo",
        "at_turn": 1,
        "title": "A memo",
        "text": "For Lab A only.",
        "to": ["a"],
        "sender": "The board",
        "channel": "email",
        "notes": "Ask about it.",
    }
    assert injects["news"]["effects"] == {"add": {"risk": 5}}  # effects have no column
    assert "# A small scenario" in ScenarioVersion.objects.get().snapshot.text  # comments kept


def test_a_csv_timeline_onto_an_uploaded_scenario_is_its_next_version(operator: Client) -> None:
    operator.post("/lobby/scenarios/upload/", {"text": MINI})
    sheet = csv_bytes(
        ["id", "turn", "title", "text", "channel"],
        ["news", "", "", "Markets wobble.", "news"],  # an empty cell changes nothing
        ["memo", "3", "A memo", "Late news.", ""],
    )

    response = upload(operator, sheet, "timeline.csv", replacing="mini")

    assert response["Location"] == "/lobby/scenarios/mini/?version=2"
    injects = stored_injects()
    assert injects["news"]["text"] == "Markets wobble." and injects["news"]["at_turn"] == 2
    assert injects["news"]["channel"] == "news" and injects["news"]["title"] == "News"
    assert injects["memo"] == {"id": "memo", "at_turn": 3, "title": "A memo", "text": "Late news."}
    assert list(ScenarioVersion.objects.values_list("number", flat=True)) == [2, 1]


def test_a_bad_cell_is_shown_by_row_and_column_and_nothing_is_stored(operator: Client) -> None:
    fax = ["fax_memo", *MEMO[1:6], "fax", ""]
    html = refused(upload(operator, xlsx(HEADER, MEMO, fax)))

    assert "Not stored: the timeline has" in html
    assert 'data-row="3" data-column="channel">Row 3, column channel: Input should be' in html
    assert html.count('class="problem error"') == 1
    assert "choose it again" in html
    assert "# A small scenario" in html  # the text back in the box


def test_a_row_that_names_no_role_is_shown_by_row_and_column(operator: Client) -> None:
    stranger = ["memo", 1, "A memo", "For nobody.", "zed", "", "", ""]

    html = refused(upload(operator, xlsx(HEADER, stranger)))

    assert "Row 2, column to: &#x27;zed&#x27; is not a role id or tag" in html


def test_an_unknown_column_is_shown_at_the_header_row(operator: Client) -> None:
    html = refused(upload(operator, xlsx(["id", "colour"], ["memo", "red"])))

    assert "Row 1, column colour: unknown column" in html


def test_a_scenario_that_does_not_load_is_shown_by_line_before_its_timeline(
    operator: Client,
) -> None:
    broken = MINI.replace("    label: Pause\n", "    label: Pause\n    colour: red\n", 1)

    html = refused(upload(operator, xlsx(HEADER, MEMO), text=broken))

    assert "colour" in html and 'class="source-line has-problem"' in html


def macro_workbook() -> bytes:
    out = io.BytesIO(xlsx(HEADER, MEMO))
    with zipfile.ZipFile(out, "a") as package:
        package.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0 not really VBA")
    return out.getvalue()


def bomb() -> bytes:
    """A workbook of a few tens of kB that unpacks to 30 MB."""
    out = io.BytesIO(xlsx(HEADER, MEMO))
    with zipfile.ZipFile(out, "a", compression=zipfile.ZIP_DEFLATED) as package:
        package.writestr("xl/media/padding.bin", b"\0" * 30_000_000)
    return out.getvalue()


def far_rows() -> bytes:
    """A tiny workbook whose second row is its millionth: read in full, a million rows."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADER)
    sheet.cell(row=1_000_000, column=1, value="late")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def plain_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        package.writestr("readme.txt", "hello")
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "sheet", "words"),
    [
        ("timeline.xlsx", b"id,title\nmemo,A memo\n", "is not an .xlsx workbook"),
        ("timeline.xlsx", plain_zip(), "is a zip file but not an .xlsx workbook"),
        ("timeline.xlsx", macro_workbook(), "holds macros"),
        ("timeline.xlsx", bomb(), "unpacks to 30 MB, more than the 20 MB"),
        ("timeline.xlsx", far_rows(), "has more than 2000 rows"),
        ("timeline.csv", "id,title\nmemo,Ça\n".encode("latin-1"), "is not UTF-8 text"),
        ("timeline.csv", csv_bytes(["id"], *[[f"i{n}"] for n in range(2001)]), "2000 rows"),
        ("timeline.csv", b"id,title\nmemo," + b"x" * 200_000, "Row 2: not a CSV row"),
        ("timeline.xlsm", xlsx(HEADER, MEMO), "a timeline is a .xlsx or .csv file"),
        ("timeline.csv", b"id\n" + b"x" * 1_000_001, "the timeline is larger than 1 MB"),
        ("timeline.csv", b"", "The submitted file is empty"),
        ("timeline.csv", b"\n", "the sheet has no id column"),
    ],
)
def test_what_is_not_a_plain_timeline_is_refused_in_words(
    operator: Client, name: str, sheet: bytes, words: str
) -> None:
    html = refused(upload(operator, sheet, name))

    assert words in html


def test_a_damaged_workbook_is_refused_in_words(operator: Client) -> None:
    # a workbook whose sheet part is cut short: the package lists it, the XML ends half way
    good = zipfile.ZipFile(io.BytesIO(xlsx(HEADER, MEMO)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as package:
        for part in good.infolist():
            data = good.read(part)
            cut = part.filename.startswith("xl/worksheets/")
            package.writestr(part.filename, data[: len(data) // 2] if cut else data)

    html = refused(upload(operator, out.getvalue()))

    assert "could not be read as a workbook" in html


def understated() -> bytes:
    """A workbook whose directory says its sheet unpacks to 100 bytes, while it unpacks to
    more: what a zip bomb that lies about its sizes looks like."""
    data = bytearray(xlsx(HEADER, *[MEMO] * 50))
    name = b"xl/worksheets/sheet1.xml"
    local = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo(name.decode()).header_offset
    central = data.index(b"PK\x01\x02")
    central = next(
        n
        for n in range(central, len(data) - 46)
        if data[n : n + 4] == b"PK\x01\x02" and data[n + 46 : n + 46 + len(name)] == name
    )
    # the unpacked size: at 22 in the part's local header, at 24 in its directory entry
    for start in (local + 22, central + 24):
        data[start : start + 4] = struct.pack("<I", 100)
    return bytes(data)


def test_a_workbook_that_understates_a_parts_size_is_refused_in_words(operator: Client) -> None:
    html = refused(upload(operator, understated()))

    assert "could not be read as a workbook" in html


def table_of(xlsx_bytes: bytes) -> list[list[Any]]:
    sheet = load_workbook(io.BytesIO(xlsx_bytes), read_only=True).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_a_bundled_scenarios_timeline_downloads_as_xlsx_and_csv(operator: Client) -> None:
    scenario = load_bundled_scenarios()["hospital-ransomware"]

    sheet = operator.get("/lobby/scenarios/hospital-ransomware/timeline.xlsx")
    text = operator.get("/lobby/scenarios/hospital-ransomware/timeline.csv")

    assert sheet.status_code == 200 and text.status_code == 200
    assert sheet["Content-Disposition"] == ('attachment; filename="hospital-ransomware-msel.xlsx"')
    table = table_of(sheet.content)
    assert table[0][:3] == ["id", "turn", "minutes"]
    assert [row[0] for row in table[1:]] == [i.id for i in scenario.spec.injects]
    rows = list(csv.reader(io.StringIO(text.content.decode())))
    assert [row[0] for row in rows] == [row[0] for row in table]
    assert text["Content-Type"] == "text/csv; charset=utf-8"


def test_an_uploaded_scenarios_timeline_downloads_by_version_and_uploads_back_unchanged(
    operator: Client,
) -> None:
    upload(operator, xlsx(HEADER, MEMO))
    operator.post("/lobby/scenarios/upload/", {"text": MINI, "replacing": "mini"})

    first = operator.get("/lobby/scenarios/mini/timeline.xlsx?version=1")
    latest = operator.get("/lobby/scenarios/mini/timeline.xlsx")

    assert first["Content-Disposition"] == 'attachment; filename="mini-v1-msel.xlsx"'
    assert [row[0] for row in table_of(first.content)] == ["id", "news", "alarm", "memo"]
    assert [row[0] for row in table_of(latest.content)] == ["id", "news", "alarm"]
    version_1 = ScenarioVersion.objects.get(number=1).snapshot.text
    again = upload(operator, first.content, text=version_1, replacing="mini")
    assert again.status_code == 302
    assert ScenarioVersion.objects.count() == 3
    assert load_scenario_text(ScenarioVersion.objects.first().snapshot.text)  # type: ignore[union-attr]


def test_a_timeline_download_needs_an_operator_and_a_scenario(
    client: Client, operator: Client
) -> None:
    stranger = client.get("/lobby/scenarios/hospital-ransomware/timeline.csv")

    assert stranger.status_code == 302 and "/accounts/login/" in stranger["Location"]
    assert operator.get("/lobby/scenarios/nothing/timeline.csv").status_code == 404
    assert operator.get("/lobby/scenarios/nothing/timeline.xlsx?version=x").status_code == 404
    assert not UploadedScenario.objects.exists()


def test_the_lobby_and_the_workshop_link_the_timelines(operator: Client) -> None:
    upload(operator, xlsx(HEADER, MEMO))

    lobby = operator.get("/lobby/").content.decode()
    workshop = operator.get("/lobby/scenarios/mini/").content.decode()

    assert 'href="/lobby/scenarios/hospital-ransomware/timeline.xlsx"' in lobby
    assert 'href="/lobby/scenarios/mini/timeline.csv"' in lobby
    assert 'href="/lobby/scenarios/mini/timeline.xlsx?version=1"' in workshop
    assert "Version 1's 3 injects as a spreadsheet" in workshop
