"""`python manage.py analyze`, run as a user runs it: in a subprocess, reading what it prints."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "fixtures" / "mini.yaml"
UNBALANCED = ROOT / "tests" / "fixtures" / "unbalanced.yaml"


def analyze(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "analyze", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_analyze_json_has_the_documented_shape() -> None:
    done = analyze(MINI, "--runs", "6", "--json")

    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert set(data) == {
        "scenario", "version", "runs", "seed", "turns", "policies", "roles", "endings",
        "variables", "setups", "idle_shift", "flags",
    }  # fmt: skip
    setup = data["setups"][0]
    assert set(setup) == {
        "label", "policy", "idle", "swap", "runs", "endings", "variables", "moved",
        "turns_played", "chosen",
    }  # fmt: skip
    assert set(setup["endings"]["time"]) == {"count", "share", "low", "high"}
    assert len(setup["variables"]["capability"]["p95"]) == data["turns"] + 1
    assert data["setups"][1]["idle"] == "a"
    assert data["setups"][4]["swap"] == {"role": "a", "policy": "calm"}
    assert set(data["flags"][0]) == {"kind", "subject", "detail"}


def test_analyze_prints_the_flags_and_each_set_ups_endings() -> None:
    done = analyze(UNBALANCED, "--runs", "10")

    assert done.returncode == 0, done.stderr
    assert "ending_never_reached: treaty" in done.stdout
    assert "variable_never_moves: paperwork" in done.stdout
    assert "action_never_legal: veto" in done.stdout
    assert "idle_changes_nothing: clerk" in done.stdout
    assert "play, hawk plays quiet" in done.stdout


def test_analyze_plays_only_the_set_ups_of_the_policies_asked_for() -> None:
    done = analyze(MINI, "--runs", "3", "--policies", "calm", "--json")

    labels = [s["label"] for s in json.loads(done.stdout)["setups"]]
    assert labels == [
        "calm", "calm, a idle", "calm, b idle", "calm, gov idle",
        "calm, a plays race", "calm, b plays race", "calm, gov plays race",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["no-such-scenario"], "'no-such-scenario' is neither a file nor a bundled scenario"),
        ([MINI, "--runs", "0"], "--runs must be at least 1, not 0"),
        ([MINI, "--workers", "0"], "--workers must be at least 1, not 0"),
        ([MINI, "--policies", "calm,nope"], "mini has no policy nope; it has race, calm"),
    ],
)
def test_analyze_refuses_bad_input_with_a_clear_error(args: list[str], message: str) -> None:
    done = analyze(*args)

    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


def test_analyze_refuses_a_scenario_without_policies(tmp_path: Path) -> None:
    text = UNBALANCED.read_text()
    path = tmp_path / "nopolicy.yaml"
    path.write_text(text[: text.index("policies:")])

    done = analyze(path, "--runs", "5")

    assert done.returncode == 2
    assert "unbalanced has no policies: there is nothing to analyse" in done.stderr
    assert "Traceback" not in done.stderr
