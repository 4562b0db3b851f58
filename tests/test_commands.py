"""The management commands, run as a user runs them: `python manage.py ...` in a subprocess.

What is checked is what a person or a CI job sees: the lines printed, the exit code, and
that nothing else (a traceback, a progress bar in a log) gets in the way.
"""

import fcntl
import functools
import json
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "fixtures" / "mini.yaml"
BUNDLED = sorted((ROOT / "exercises" / "scenarios").glob("*.yaml"))


def manage(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def broken(tmp_path: Path, old: str, new: str) -> tuple[Path, int]:
    """A copy of the mini scenario with `old` replaced, and the line where `new` starts."""
    text = MINI.read_text()
    assert old in text
    text = text.replace(old, new, 1)
    path = tmp_path / "broken.yaml"
    path.write_text(text)
    return path, text[: text.index(new)].count("\n") + 1


def simulate(*args: str) -> subprocess.CompletedProcess[str]:
    return manage("simulate", MINI, "--policy", "race", *args)


# validate_scenario


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            '"state.capability > 55.0"',
            '"state.capabilty > 55.0"',
            "rules[0].when: expression reads state.capabilty, which is not declared",
        ),
        (
            'chance: "0.5 + me.cash / 20.0"',
            'chance: "me.paused"',
            "actions[0].chance: expression gives",
        ),
        (
            "  - id: eval\n",
            "   success: [unclosed\n  - id: eval\n",
            "is not valid YAML",
        ),
        (
            "  - {id: b, name: Lab B,",
            "  - {id: b, colour: red, name: Lab B,",
            "roles[1].colour: unknown field 'colour'",
        ),
        (
            "  cash: {type: float, roles: [lab], initial: {a: 5.0, b: 3.0}, min: 0}",
            "  cash: {type: float, roles: [lab], initial: {a: 5.0, b: true}, min: 0}",
            "role_state.cash.initial",
        ),
        (
            "capability: {type: float, initial: 50.0,",
            "capability: {type: float, initial: .nan,",
            "state.capability.initial: is .nan",
        ),
        (
            "capability: {type: float, initial: 50.0,",
            "capability: {type: float, initial: -.inf,",
            "state.capability.initial: is infinite",
        ),
        (
            "cash: {type: float, roles: [lab], initial: {a: 5.0, b: 3.0}, min: 0}",
            "cash: {type: float, roles: [lab], initial: {a: 5.0, b: 3.0}, min: 0, max: .inf}",
            "role_state.cash.max: is infinite",
        ),
        (
            "risk: {type: int, initial: 10,",
            "risk: {type: int, initial: 1" + "0" * 30 + ",",
            "state.risk.initial: is infinite or too large",
        ),
        (
            "  - {id: b, name: Lab B,",
            '  - {id: b, name: "Lab\\0B",',
            "roles[1].name: holds a NUL character",
        ),
    ],
)
def test_validate_scenario_prints_the_error_with_its_line_and_exits_1(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    path, line = broken(tmp_path, old, new)

    done = manage("validate_scenario", path)

    assert done.returncode == 1
    first = done.stdout.splitlines()[0]
    assert first.startswith(f"{path}:{line}: ")
    assert message in first
    assert all(line.startswith(f"{path}:") for line in done.stdout.splitlines())
    assert "Traceback" not in done.stderr


def test_validate_scenario_prints_warnings_and_fails_on_them_only_when_strict(
    tmp_path: Path,
) -> None:
    # given a scenario whose public line misspells a placeholder
    path, line = broken(tmp_path, 'public: "{role} pauses."', 'public: "{rol} pauses."')

    # when it is validated, then validated strictly
    plain = manage("validate_scenario", path)
    strict = manage("validate_scenario", "--strict", path)

    # then both print the warning on its line; only the strict run fails
    warning = f"{path}:{line}: actions[1].success.public: warning: {{rol}} is not a placeholder"
    assert plain.returncode == 0 and plain.stdout.startswith(warning)
    assert plain.stdout.splitlines()[-1].endswith(", 1 warning)")
    assert strict.returncode == 1 and strict.stdout.startswith(warning)
    assert "--strict" in strict.stderr


def test_validate_scenario_prints_every_error_one_per_line_in_line_order(
    tmp_path: Path,
) -> None:
    text = (
        MINI.read_text()
        .replace('"state.capability > 55.0"', '"state.capabilty > 55.0"')
        .replace("{add: {tension: 4}}", "{add: {tensoin: 4}}")
        .replace("lab: [{action: scale}, {action: scale}]", "lab: [{action: scael}]")
    )
    path = tmp_path / "three.yaml"
    path.write_text(text)

    done = manage("validate_scenario", path)

    lines = done.stdout.splitlines()
    numbers = [int(line.split(":")[1]) for line in lines]
    assert done.returncode == 1
    assert len(lines) == 3
    assert all(line.startswith(f"{path}:") for line in lines)
    assert numbers == sorted(numbers)


@pytest.mark.parametrize("scenario", [*BUNDLED, "ai-pause"], ids=str)
def test_validate_scenario_accepts_the_bundled_scenarios(scenario: Path | str) -> None:
    done = manage("validate_scenario", scenario)

    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith(f"{scenario}: ok (")
    assert done.stdout.rstrip().endswith("rules)")


def test_validate_scenario_counts_roles_actions_and_rules() -> None:
    done = manage("validate_scenario", MINI)

    assert done.stdout == f"{MINI}: ok (3 roles, 7 actions, 2 rules)\n"


def test_validate_scenario_reports_a_missing_file(tmp_path: Path) -> None:
    done = manage("validate_scenario", tmp_path / "absent.yaml")

    assert done.returncode == 1
    assert "is neither a file nor a bundled scenario" in done.stdout
    assert "Traceback" not in done.stderr


# simulate


def test_simulate_json_has_the_documented_keys() -> None:
    done = manage(
        "simulate", "ai-pause", "--policy", "no-pause", "--runs", "4", "--turns", "2", "--json"
    )

    summary = json.loads(done.stdout)
    assert done.returncode == 0, done.stderr
    assert list(summary) == [
        "scenario",
        "policy",
        "runs",
        "turns",
        "final_state",
        "outcomes",
        "series",
        "ending_turns",
        "actions",
    ]
    assert (summary["scenario"], summary["policy"], summary["runs"], summary["turns"]) == (
        "ai-pause",
        "no-pause",
        4,
        2,
    )
    assert list(summary["final_state"]) == ["mean", "p5", "p95"]
    assert "frontier_capability" in summary["final_state"]["mean"]
    assert "anthropic.lead_months" in summary["final_state"]["p95"]
    assert sum(summary["outcomes"].values()) == pytest.approx(1.0)
    assert list(summary["series"]) == ["mean", "p5", "p95"]
    assert len(summary["series"]["mean"]["frontier_capability"]) == 2


def test_simulate_reports_when_each_ending_came_and_what_each_role_chose() -> None:
    done = simulate("--runs", "10", "--json")

    summary = json.loads(done.stdout)
    assert summary["ending_turns"] == {"time": {"first": 3, "median": 3.0, "last": 3}}
    # the race policy: each lab scales as long as it can afford to, government funds lab a
    assert set(summary["actions"]) == {"a", "b", "gov"}
    assert summary["actions"]["gov"] == {"fund": 3.0}
    assert set(summary["actions"]["a"]) == {"scale"}
    capability = summary["series"]["mean"]["capability"]
    assert len(capability) == 3 and capability == sorted(capability)  # it only grows
    assert capability[-1] == summary["final_state"]["mean"]["capability"]


def test_simulate_json_is_strict_json_with_no_nan_or_infinity() -> None:
    done = simulate("--runs", "20", "--seed", "7", "--json")

    assert done.returncode == 0, done.stderr
    json.loads(done.stdout, parse_constant=lambda name: pytest.fail(f"{name} in the output"))


def test_simulate_json_is_byte_identical_for_the_same_seed() -> None:
    first = simulate("--runs", "60", "--seed", "42", "--json")
    second = simulate("--runs", "60", "--seed", "42", "--json")

    assert first.returncode == 0
    assert first.stdout == second.stdout
    assert first.stdout.endswith("}\n")


def test_simulate_json_does_not_depend_on_the_number_of_workers() -> None:
    # 60 runs make three chunks, so two workers really do share them.
    alone = simulate("--runs", "60", "--seed", "42", "--workers", "1", "--json")
    shared = simulate("--runs", "60", "--seed", "42", "--workers", "2", "--json")

    assert alone.stdout == shared.stdout


def test_simulate_json_differs_for_another_seed() -> None:
    one = simulate("--runs", "60", "--seed", "42", "--json")
    other = simulate("--runs", "60", "--seed", "43", "--json")

    assert json.loads(one.stdout)["final_state"] != json.loads(other.stdout)["final_state"]


def test_simulate_prints_a_table_of_means_percentiles_and_outcomes() -> None:
    done = simulate("--runs", "10", "--workers", "1")

    lines = done.stdout.splitlines()
    assert done.returncode == 0
    assert lines[0] == "Mini (mini), policy race: 10 runs of 3 turns, seed 0"
    assert lines[2].split() == ["variable", "mean", "p5", "p95"]
    assert lines[3].split()[0] == "capability"
    outcome = next(line for line in lines if line.split()[:3] == ["time", "(Time", "up)"])
    assert "100.0%" in outcome and outcome.endswith("3 to 3, median 3")
    assert lines[-4] == "actions chosen, times a run:"
    assert lines[-1] == "  gov: Fund a lab 3"


def test_simulate_shows_no_progress_bar_when_stderr_is_not_a_terminal() -> None:
    done = simulate("--runs", "30", "--workers", "1")

    assert done.returncode == 0
    assert done.stderr == ""


def test_simulate_shows_a_progress_bar_on_a_terminal() -> None:
    leader, follower = pty.openpty()
    # A new pseudo-terminal is 0 columns wide, and tqdm draws nothing in 0 columns.
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    with subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "simulate",
            str(MINI),
            "--policy",
            "race",
            "--runs",
            "30",
            "--workers",
            "1",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=follower,
    ) as process:
        os.close(follower)
        seen = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closes when the command exits
                break
            if not chunk:
                break
            seen += chunk
    os.close(leader)

    assert process.returncode == 0
    assert b"0/30 [" in seen  # drawn, then wiped when done (leave=False)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--policy", "nope", "--runs", "5"], "mini has no policy 'nope'; it has race, calm"),
        (["--policy", "race", "--runs", "0"], "--runs must be at least 1, not 0"),
        (["--policy", "race", "--runs", "5", "--turns", "0"], "--turns must be at least 1"),
        (["--policy", "race", "--runs", "5", "--workers", "0"], "--workers must be at least 1"),
    ],
)
def test_simulate_refuses_bad_arguments_with_exit_code_2(args: list[str], message: str) -> None:
    done = manage("simulate", MINI, *args)

    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""


def test_simulate_refuses_an_unknown_scenario_with_exit_code_2() -> None:
    done = manage("simulate", "no-such-scenario", "--policy", "race", "--runs", "5")

    assert done.returncode == 2
    assert "'no-such-scenario' is neither a file nor a bundled scenario" in done.stderr
    assert "Traceback" not in done.stderr


def test_simulate_refuses_a_scenario_that_does_not_load(tmp_path: Path) -> None:
    path, line = broken(tmp_path, "    label: Pause\n", "    label: Pause\n    colour: red\n")

    done = manage("simulate", path, "--policy", "race", "--runs", "5")

    assert done.returncode == 2
    assert f"{path}:{line + 1}: actions[1].colour: unknown field 'colour'" in done.stderr


def test_simulate_json_prints_a_figure_that_is_not_finite_as_null() -> None:
    from exercises.management.commands.simulate import finite

    summary = {"mean": {"x": float("nan"), "y": 1.5}, "runs": [float("inf"), -float("inf"), 2]}

    assert finite(summary) == {"mean": {"x": None, "y": 1.5}, "runs": [None, None, 2]}


def test_simulate_runs_without_loading_the_job_queue_or_the_cel_command_line() -> None:
    # Start-up is part of what `simulate`'s users wait for (issue 11): the Celery client and
    # the `cel` package's interactive command line were a third of it, and it needs neither.
    loaded = modules_simulate_loads()
    assert [m for m in loaded if m.split(".")[0] in {"celery", "kombu", "prompt_toolkit"}] == []


def test_simulate_loads_no_progress_bar_it_does_not_show() -> None:
    # Nor tqdm, when the bar is hidden (`--json`, a pipe): 1.4% of its start-up, for nothing.
    assert [m for m in modules_simulate_loads() if m.split(".")[0] == "tqdm"] == []


@functools.cache
def modules_simulate_loads() -> tuple[str, ...]:
    """The modules loaded by a `simulate --json` run of one turn, as its command line runs it."""
    script = (
        "import json, runpy, sys\n"
        "sys.argv = ['manage.py', 'simulate', 'ai-pause', '--policy', 'no-pause',\n"
        "            '--runs', '1', '--turns', '1', '--workers', '1', '--json']\n"
        "runpy.run_path('manage.py', run_name='__main__')\n"
        "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )

    assert json.loads(done.stdout)["runs"] == 1
    return tuple(json.loads(done.stderr.strip().splitlines()[-1]))
