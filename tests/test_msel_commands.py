"""`import_msel` and `export_msel`, run as a designer runs them: a spreadsheet timeline merged
into a scenario file, every problem by row and column, and the timeline written back."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from exercises.engine import load_scenario
from exercises.msel import read_timeline, timeline_rows, write_timeline

ROOT = Path(__file__).resolve().parents[1]
LAB_CRISIS = ROOT / "exercises" / "scenarios" / "lab-crisis.yaml"
EXAMPLE = ROOT / "docs" / "examples" / "lab-crisis-msel.csv"
HEADER = (
    "id,turn,minutes,when,chance,repeat,title,text,to,"
    + "sender,channel,expected_action,objective,notes"
)


def manage(*args: str | Path) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "manage.py", *map(str, args)]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)


@pytest.fixture
def scenario_file(tmp_path: Path) -> Path:
    return Path(shutil.copy(LAB_CRISIS, tmp_path / "lab-crisis.yaml"))


def sheet(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "timeline.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n")
    return path


def test_the_example_timeline_merges_into_lab_crisis_and_loads(scenario_file: Path) -> None:
    before = scenario_file.read_text()

    done = manage("import_msel", scenario_file, EXAMPLE)

    assert done.returncode == 0, done.stdout + done.stderr
    injects = {i.id: i for i in load_scenario(scenario_file).spec.injects}
    assert injects["board_call"].after_minutes == 10
    assert injects["tip_off"].chance == 0.5 and injects["tip_off"].channel == "social"
    assert injects["back_channel"].effects.add == {"evidence": 8}  # effects stay in the file
    after = scenario_file.read_text()
    assert after.split("\ninjects:")[0] == before.split("\ninjects:")[0]
    assert after.split("\ncommitments:")[1] == before.split("\ncommitments:")[1]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_timeline_exported_and_imported_again_changes_no_inject(
    tmp_path: Path, scenario_file: Path, suffix: str
) -> None:
    manage("import_msel", scenario_file, EXAMPLE)
    merged = load_scenario(scenario_file).spec.injects
    out = tmp_path / f"msel{suffix}"

    assert manage("export_msel", scenario_file, out).returncode == 0
    assert manage("import_msel", scenario_file, out).returncode == 0

    assert load_scenario(scenario_file).spec.injects == merged


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_text_a_spreadsheet_would_run_as_a_formula_comes_back_as_written(
    tmp_path: Path, suffix: str
) -> None:
    table: list[list[Any]] = [
        HEADER.split(","),
        ["x", 1, "", "", "", "no", "=1+1", "-2 and @me", "", "", ""],
    ]
    out = tmp_path / f"t{suffix}"

    write_timeline(table, out)

    [row] = read_timeline(out)
    assert (row.cells["title"], row.cells["text"]) == ("=1+1", "-2 and @me")
    if suffix == ".csv":
        with out.open(newline="") as f:
            assert list(csv.reader(f))[1][6] == "'=1+1"


def test_every_problem_is_given_by_row_and_column_and_nothing_is_written(
    tmp_path: Path, scenario_file: Path
) -> None:
    before = scenario_file.read_text()
    timeline = sheet(
        tmp_path,
        "new_one,two,,,,no,A title,Text,,,,,,",
        "pigeon,1,,,,maybe,A title,Text,,,pigeon,,,",
        ",1,,,,,No id,Text,,,,,,",
        "late,12,,,,,Too late,Text {state.true_misalignment},ceo,,,,,",
        "no_title,1,,,,,,Text,nobody,,,,,",
    )

    done = manage("import_msel", scenario_file, timeline)

    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines[0].startswith("timeline.csv:row 2, column turn: 'two' is not a whole number")
    assert lines[1].startswith("timeline.csv:row 3, column repeat: 'maybe' is not yes or no")
    assert any(line.startswith("timeline.csv:row 3, column channel:") for line in lines)
    assert "timeline.csv:row 4, column id: every row needs an id" in lines
    assert any(line.startswith("timeline.csv:row 6, column title:") for line in lines)
    assert "nothing written" in done.stderr
    assert scenario_file.read_text() == before


def test_load_errors_of_the_merged_file_point_at_the_row_and_column(
    tmp_path: Path, scenario_file: Path
) -> None:
    timeline = sheet(
        tmp_path,
        "late,12,,,,,Too late,Text,ceo,,,,,",
        "secret,1,,,,,Leak,Says {state.true_misalignment},ceo,,,,,",
        "lost,1,,,,,Lost,Text,nobody,,,,,",
    )

    done = manage("import_msel", scenario_file, timeline)

    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert "timeline.csv:row 2, column turn: the scenario has only 8 turns" in lines
    assert any(line.startswith("timeline.csv:row 3, column text: {state.true_m") for line in lines)
    assert any(line.startswith("timeline.csv:row 4, column to:") for line in lines)


def test_the_turn_column_may_name_a_turn_by_its_label(tmp_path: Path) -> None:
    data = yaml.safe_load(LAB_CRISIS.read_text())
    data["turn_labels"] = ["Week 1, Monday", "Week 2, Monday"]
    scenario_file = tmp_path / "s.yaml"
    scenario_file.write_text(yaml.safe_dump(data, sort_keys=False))

    done = manage("import_msel", scenario_file, sheet(tmp_path, 'x,"Week 2, Monday",,,,,T,X,,,,,,'))

    assert done.returncode == 0, done.stdout
    [x] = [i for i in load_scenario(scenario_file).spec.injects if i.id == "x"]
    assert x.at_turn == 2


def test_export_writes_the_columns_import_reads(tmp_path: Path) -> None:
    out = tmp_path / "lab.csv"

    assert manage("export_msel", "lab-crisis", out).returncode == 0

    assert out.read_text().splitlines()[0] == HEADER
    assert len(timeline_rows(load_scenario(LAB_CRISIS))) == len(read_timeline(out)) + 1


def test_a_nul_character_in_a_cell_is_refused_by_row_and_column(
    tmp_path: Path, scenario_file: Path
) -> None:
    # PostgreSQL cannot store it: an exercise would fail on the first event that carries it.
    timeline = sheet(tmp_path, "nul,1,,,,,A title,Text\x00more,ceo,,,,,")

    done = manage("import_msel", scenario_file, timeline)

    assert done.returncode == 1
    assert "timeline.csv:row 2, column text: holds a NUL character" in done.stdout
