"""A timeline spreadsheet (a MSEL, `exercises.msel`) uploaded in the lobby: merged into a
scenario's text in the sandbox, then stored as any upload is; and a scenario's timeline as a
spreadsheet to download.

The sheet is as untrusted as the text: an .xlsx is a zip that openpyxl unpacks, so it is read
in the sandbox's child, under its limits, never in this process.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from exercises.engine import Scenario
from exercises.engine.loader import MAX_FILE_BYTES
from exercises.msel import MAX_SHEET_BYTES, timeline_bytes, timeline_rows

from . import sandbox, uploads
from .errors import Invalid

KINDS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


class SheetProblems(Invalid):
    """The timeline's problems, each `{row, column, message}` as the sheet numbers its rows
    (the header is row 1; row 0: the whole sheet)."""

    def __init__(self, problems: list[dict[str, Any]]) -> None:
        count = len(problems)
        super().__init__(f"the timeline has {count} problem{'s' if count != 1 else ''}")
        self.problems = problems


def check_sheet(size: int, name: str) -> None:
    """What can be refused before the sheet is read: its kind and its size in bytes."""
    if Path(name).suffix.lower().lstrip(".") not in KINDS:
        raise Invalid(f"{name}: a timeline is a .xlsx or .csv file")
    if size > MAX_SHEET_BYTES:
        raise Invalid(f"the timeline is larger than {MAX_SHEET_BYTES // 1_000_000} MB")


def merged(text: str, sheet: bytes, name: str) -> str:
    """`text` with the sheet merged into its injects; `uploads.Problems` when the text itself
    does not load, `SheetProblems` when the sheet or the merged injects have problems."""
    check_sheet(len(sheet), name)
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise Invalid(f"the scenario is larger than {MAX_FILE_BYTES // 1_000_000} MB")
    if not text.strip():
        raise Invalid("the scenario is empty: paste its text or choose its file")
    answer = sandbox.merge_timeline(text, sheet, name)
    if answer.get("errors"):
        raise uploads.Problems(answer["errors"], [])
    if answer.get("problems"):
        raise SheetProblems(answer["problems"])
    return str(answer["text"])


def upload(
    text: str, sheet: bytes, name: str, user: Any, *, replacing: str | None = None
) -> uploads.Uploaded:
    """Store `text` with the sheet merged in, as `uploads.upload` stores a text (checked again
    there, as any upload is)."""
    return uploads.upload(merged(text, sheet, name), user, replacing=replacing)


def sheet_of(scenario: Scenario, kind: str) -> bytes:
    """The scenario's injects as a .xlsx or .csv file, as `export_msel` writes them."""
    return timeline_bytes(timeline_rows(scenario), f"timeline.{kind}")
