"""A Master Scenario Events List (MSEL): a scenario's injects as a spreadsheet, one row each.

`read_timeline` reads a .csv or .xlsx into rows, `merge` puts them into a scenario file's text
(an inject whose id the scenario has is updated, field by field; a new one is added), and
`timeline_rows`/`write_timeline` make the spreadsheet back from a scenario. Every problem is
given by row and column, as the designer sees the sheet. No Django: the commands are thin.

Only the `injects:` block of the scenario file is rewritten; the rest of the file (comments
included) stays as it was. An inject's `effects` have no column: they stay in the file.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from exercises.engine import LoadError, Scenario, ScenarioLoadError, load_scenario_text
from exercises.engine.schema import InjectSpec

# Column header, and the inject's field it fills. The order is the exported sheet's.
COLUMNS = (
    ("id", "id"),
    ("turn", "at_turn"),
    ("minutes", "after_minutes"),
    ("when", "when"),
    ("chance", "chance"),
    ("repeat", "repeat"),
    ("title", "title"),
    ("text", "text"),
    ("to", "to"),
    ("sender", "sender"),
    ("channel", "channel"),
    ("expected_action", "expected_action"),
    ("objective", "objective"),
    ("notes", "notes"),
)
FIELD_OF = dict(COLUMNS)
COLUMN_OF = {field: column for column, field in COLUMNS}
TRUE, FALSE = {"yes", "true", "y", "1", "x"}, {"no", "false", "n", "0", ""}
# A spreadsheet runs a cell that starts with one of these as a formula (services/export.py).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Problem:
    row: int  # as the spreadsheet numbers it: the header is row 1
    column: str  # the header's name, or "" for the whole row
    message: str

    def __str__(self) -> str:
        if self.row == 0:  # the whole sheet or the scenario file, not a row of it
            return self.message
        where = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


class TimelineError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Row:
    number: int
    cells: dict[str, Any]  # header -> value, empty cells left out


# ---- reading --------------------------------------------------------------------------------

# A sheet comes from anyone who may upload a scenario. An .xlsx is a zip: a small file can
# unpack to gigabytes, and a sheet can declare a million empty rows, so the package's declared
# sizes are checked before openpyxl opens it (Python's zipfile never unpacks past an entry's
# declared size) and rows are read only up to the limit.
MAX_SHEET_BYTES = 1_000_000
MAX_UNPACKED_BYTES = 20_000_000
MAX_PARTS = 200
MAX_ROWS = 2_000
MAX_COLUMNS = 64


def read_timeline(path: Path) -> list[Row]:
    """The sheet's rows (its first sheet for .xlsx), keyed by their normalised headers."""
    return read_sheet(path.read_bytes(), path.name)


def read_sheet(data: bytes, name: str) -> list[Row]:
    """As `read_timeline`, of a file's bytes; `name` gives its kind (.csv or .xlsx)."""
    suffix = Path(name).suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise _whole(f"{name}: a timeline is a .csv or .xlsx file")
    if len(data) > MAX_SHEET_BYTES:
        raise _whole(f"{name} is larger than {MAX_SHEET_BYTES // 1_000_000} MB")
    table = _csv_table(data, name) if suffix == ".csv" else _xlsx_table(data, name)
    if len(table) > MAX_ROWS:
        raise _whole(f"{name} has more than {MAX_ROWS} rows")
    return _rows(table)


def _whole(message: str) -> TimelineError:
    return TimelineError([Problem(0, "", message)])


def _csv_table(data: bytes, name: str) -> list[list[Any]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        message = f"{name} is not UTF-8 text: save the CSV as UTF-8, or upload the .xlsx"
        raise _whole(message) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return [row[:MAX_COLUMNS] for row in itertools.islice(reader, MAX_ROWS + 1)]
    except csv.Error as exc:
        raise TimelineError([Problem(reader.line_num, "", f"not a CSV row ({exc})")]) from None


def _xlsx_table(data: bytes, name: str) -> list[list[Any]]:
    _check_package(data, name)
    from openpyxl import load_workbook

    # openpyxl raises a dozen kinds of error on a damaged package (KeyError on a missing part,
    # ValueError on a bad cell, XML errors...): to the designer they all mean the same thing.
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            if not book.worksheets:
                raise _whole(f"{name} has no worksheet")
            rows = book.worksheets[0].iter_rows(
                max_row=MAX_ROWS + 1, max_col=MAX_COLUMNS, values_only=True
            )
            return [list(row) for row in rows]
        finally:
            book.close()
    except TimelineError:
        raise
    except Exception as exc:
        reason = type(exc).__name__
        raise _whole(f"{name} could not be read as a workbook ({reason}): is it damaged?") from None


def _check_package(data: bytes, name: str) -> None:
    """Refuse what is not a plain workbook, or would unpack to too much, before reading it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise _whole(
            f"{name} is not an .xlsx workbook (an .xls, an encrypted workbook or another "
            "file?): save the sheet as .xlsx or .csv"
        ) from None
    with archive:
        parts = archive.infolist()
    names = {part.filename.lower() for part in parts}
    if len(parts) > MAX_PARTS:
        raise _whole(f"{name} holds {len(parts)} parts: a timeline's workbook holds a few")
    if any(n.endswith("vbaproject.bin") for n in names):
        raise _whole(f"{name} holds macros: save it as a plain .xlsx workbook, without them")
    if "xl/workbook.xml" not in names:
        raise _whole(f"{name} is a zip file but not an .xlsx workbook")
    unpacked = sum(part.file_size for part in parts)
    if unpacked > MAX_UNPACKED_BYTES:
        raise _whole(
            f"{name} unpacks to {unpacked // 1_000_000} MB, more than the "
            f"{MAX_UNPACKED_BYTES // 1_000_000} MB a timeline may"
        )


def _rows(table: list[list[Any]]) -> list[Row]:
    if not table:
        raise TimelineError([Problem(1, "", "the sheet is empty: it needs a header row")])
    headers = [_header(h) for h in table[0]]
    unknown = [h for h in headers if h and h not in FIELD_OF]
    problems = [Problem(1, h, f"unknown column (the columns: {_names()})") for h in unknown]
    if "id" not in headers:
        problems.append(Problem(1, "", "the sheet has no id column"))
    if problems:
        raise TimelineError(problems)
    rows = []
    for number, values in enumerate(table[1:], start=2):
        cells = {h: _cell(v) for h, v in zip(headers, values, strict=False) if h}
        cells = {h: v for h, v in cells.items() if v != ""}
        if cells:
            rows.append(Row(number, cells))
    return rows


def _header(value: Any) -> str:
    return re.sub(r"[\s-]+", "_", str(value or "").strip().lower())


def _names() -> str:
    return ", ".join(column for column, _ in COLUMNS)


def _cell(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip()
        # An apostrophe written before a formula character by `write_timeline`'s CSV.
        return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return "" if value is None else value


# ---- rows to injects ------------------------------------------------------------------------


def row_fields(row: Row, turns: dict[str, int]) -> tuple[dict[str, Any], list[Problem]]:
    """The inject fields a row gives, each converted from its cell; a problem per bad cell.
    `turns`: the scenario's turn labels, by which the turn column may name a turn."""
    fields: dict[str, Any] = {}
    problems = []
    for column, value in row.cells.items():
        try:
            field = FIELD_OF[column]
            value = turns.get(value, value) if field == "at_turn" else value
            fields[field] = _convert(field, value)
        except ValueError as exc:
            problems.append(Problem(row.number, column, str(exc)))
    return fields, problems


def _convert(field: str, value: Any) -> Any:
    if field in ("at_turn", "after_minutes"):
        if isinstance(value, bool) or not isinstance(value, int):
            if not (isinstance(value, str) and value.isdigit()):
                label = " (nor a turn's label)" if field == "at_turn" else ""
                raise ValueError(f"{value!r} is not a whole number{label}")
            return int(value)
        return value
    if field == "chance":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return value
        try:
            return float(value)
        except ValueError:
            return str(value)  # an expression, checked as the scenario loads
    if field == "repeat":
        word = str(value).strip().lower()
        if word not in TRUE | FALSE:
            raise ValueError(f"{value!r} is not yes or no")
        return word in TRUE
    if field == "to":
        return [part.strip() for part in re.split(r"[,;\s]+", str(value)) if part.strip()]
    return str(value)


def merge(text: str, rows: Sequence[Row], path: str = "<scenario>") -> tuple[str, Scenario]:
    """The scenario file's text with the timeline merged into its injects, and the scenario it
    loads as; TimelineError with every problem, by row and column where a row caused it."""
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise TimelineError([Problem(0, "", "the scenario file is not a YAML mapping")])
    injects = [dict(i) for i in data.get("injects") or []]
    labels = data.get("turn_labels") or {}
    named = dict(enumerate(labels, 1)) if isinstance(labels, list) else labels
    turns = {str(name): number for number, name in named.items()}
    index = {inject.get("id"): n for n, inject in enumerate(injects)}
    rows_at: dict[int, Row] = {}
    problems: list[Problem] = []
    for row in rows:
        fields, bad = row_fields(row, turns)
        problems += bad
        if fields.get("id") is None:
            problems.append(Problem(row.number, "id", "every row needs an id"))
            continue
        if fields["id"] in index and index[fields["id"]] in rows_at:
            problems.append(Problem(row.number, "id", f"{fields['id']!r} is on an earlier row"))
            continue
        _merge_into(injects, index, fields)
        rows_at[index[fields["id"]]] = row
        problems += _shape(row, injects[index[fields["id"]]])
    if problems:
        raise TimelineError(problems)
    merged = replace_injects(text, injects)
    try:
        return merged, load_scenario_text(merged, path)
    except ScenarioLoadError as exc:
        raise TimelineError([_located(e, rows_at) for e in exc.errors]) from exc


def _merge_into(
    injects: list[dict[str, Any]], index: dict[Any, int], fields: dict[str, Any]
) -> None:
    if fields["id"] not in index:
        index[fields["id"]] = len(injects)
        injects.append({})
    inject = injects[index[fields["id"]]]
    for field, value in fields.items():
        # A cell left at the default (`repeat: no`) adds nothing the file did not say.
        if field in inject or value != InjectSpec.model_fields[field].default:
            inject[field] = value


def _shape(row: Row, inject: dict[str, Any]) -> list[Problem]:
    """The schema's problems with the merged inject, at the column that gave the field."""
    try:
        InjectSpec.model_validate(inject)
    except ValidationError as exc:
        return [
            Problem(row.number, COLUMN_OF.get(str(e["loc"][0]), "") if e["loc"] else "", e["msg"])
            for e in exc.errors()
        ]
    return []


def _located(error: LoadError, rows_at: dict[int, Row]) -> Problem:
    """A load error in an inject that came from a row, at that row and column."""
    found = re.match(r"injects\[(\d+)\](?:\.(\w+))?", error.where)
    row = rows_at.get(int(found.group(1))) if found else None
    if row is None or found is None:
        return Problem(0, "", str(error))
    return Problem(row.number, COLUMN_OF.get(found.group(2) or "", ""), error.message)


# ---- the scenario file ----------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # A list inside a mapping indented, as the bundled scenarios write it.
        super().increase_indent(flow, False)


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Texts as a designer writes them: several lines as a block (`|`), a long one folded (`>`).
    style = "|" if "\n" in value else ">" if len(value) > 80 else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def replace_injects(text: str, injects: list[dict[str, Any]]) -> str:
    """The file with its top-level `injects:` block replaced (added at the end if it had none),
    every other line left as it was."""
    block = yaml.dump(
        {"injects": injects},
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        width=88,
        default_flow_style=None,
    )
    lines = text.splitlines(keepends=True)
    start = next((n for n, line in enumerate(lines) if re.match(r"injects\s*:", line)), None)
    if start is None:
        return text.rstrip("\n") + "\n\n" + block
    end = next(
        (n for n in range(start + 1, len(lines)) if re.match(r"[A-Za-z_]", lines[n])),
        len(lines),
    )
    # Comments and blank lines just above the next key belong to it, not to the injects.
    while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
        end -= 1
    return "".join(lines[:start]) + block + "".join(lines[end:])


# ---- writing --------------------------------------------------------------------------------


def timeline_rows(scenario: Scenario) -> list[list[Any]]:
    """The header, then a row per inject, in the scenario's order."""
    table: list[list[Any]] = [[column for column, _ in COLUMNS]]
    for inject in scenario.spec.injects:
        table.append([_out(field, getattr(inject, field)) for _, field in COLUMNS])
    return table


def _out(field: str, value: Any) -> Any:
    if value is None:
        return ""
    if field == "repeat":
        return "yes" if value else "no"
    if field == "to":
        return ", ".join(value)
    if field == "chance" and value == 1.0:
        return ""
    return value


def write_timeline(table: Iterable[list[Any]], path: Path) -> None:
    path.write_bytes(timeline_bytes(table, path.name))


def timeline_bytes(table: Iterable[list[Any]], name: str) -> bytes:
    """The sheet as the bytes of a .csv or .xlsx file, as `name` ends."""
    suffix = Path(name).suffix.lower()
    if suffix == ".xlsx":
        return _xlsx_bytes(list(table))
    if suffix != ".csv":
        raise _whole(f"{name}: a timeline is a .csv or .xlsx file")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in table:
        writer.writerow([_inert(v) for v in row])
    return out.getvalue().encode("utf-8")


def _inert(value: Any) -> Any:
    """Text a spreadsheet would run as a formula, made inert (`read_timeline` undoes it)."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def _xlsx_bytes(table: list[list[Any]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "MSEL"
    for r, row in enumerate(table, start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text, never a formula, whatever it starts with
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
