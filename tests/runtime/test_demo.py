"""`python3 dev.py serve` prepares a demo exercise and prints the links to play it.

`prepare_demo` runs `manage.py create_exercise` in a subprocess, as `serve` does before the
server starts; here on a SQLite file of the test's own, migrated first.
"""

from __future__ import annotations

import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import dev

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def demo_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "demo.sqlite3"
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("WARGAME_SQLITE_PATH", str(path))
    migrate = [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"]
    subprocess.run(migrate, cwd=ROOT, check=True, timeout=300)
    return path


def demo_seats(database: Path) -> dict[str, str]:
    with sqlite3.connect(database) as db:
        rows = db.execute(
            "SELECT role, bot_policy FROM exercises_seat JOIN exercises_exercise e"
            " ON e.id = exercise_id WHERE e.name = 'Demo: The Pause' AND kind = 'role'"
        ).fetchall()
    return dict(rows)


def test_serve_prints_the_links_of_a_fresh_demo_exercise_every_time_it_starts(
    demo_database: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dev.prepare_demo("http://127.0.0.1:8123/")
    first = capsys.readouterr().out
    dev.prepare_demo("http://127.0.0.1:8123/")
    second = capsys.readouterr().out

    links = re.findall(r"^\s+(\w+)\s+(http://127\.0\.0\.1:8123/join/\S+)$", first, re.M)
    assert [seat for seat, _ in links] == ["facilitator", "observer", "anthropic", "openai"]
    assert "Scenario library: http://127.0.0.1:8123/" in first
    assert set(re.findall(r"/join/(\S+)", first)).isdisjoint(re.findall(r"/join/(\S+)", second))
    seats = demo_seats(demo_database)
    assert seats.pop("anthropic") == seats.pop("openai") == ""
    assert set(seats.values()) == {"no-pause"} and len(seats) == 6


def test_a_demo_that_cannot_be_made_does_not_stop_the_server(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("WARGAME_SQLITE_PATH", str(tmp_path / "never-migrated.sqlite3"))

    dev.prepare_demo("http://127.0.0.1:8000/")

    assert "no demo exercise" in capsys.readouterr().err
