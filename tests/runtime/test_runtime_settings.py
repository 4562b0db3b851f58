"""The runtime's settings: the jobs' lease, the embedded sweeper and beat's sweep schedule.

Each case reads the settings in a fresh interpreter, since they are read once per process.
"""

from __future__ import annotations

import subprocess
from typing import Any

from tests import fresh_interpreter

OWN = ("WARGAME_ADJUDICATION_LEASE", "WARGAME_EMBEDDED_SWEEPER")

PRINT_SETTINGS = """
import json
from django.conf import settings
from wargame.celery import app

print(json.dumps({
    "lease": settings.WARGAME_ADJUDICATION_LEASE,
    "sweeper": settings.WARGAME_EMBEDDED_SWEEPER,
    "beat": {name: [e["task"], e["schedule"]] for name, e in app.conf.beat_schedule.items()},
}))
"""


def run_settings(**env: str) -> subprocess.CompletedProcess[str]:
    return fresh_interpreter.run(PRINT_SETTINGS, unset=OWN, **env)


def load_settings(**env: str) -> dict[str, Any]:
    settings: dict[str, Any] = fresh_interpreter.run_json(PRINT_SETTINGS, unset=OWN, **env)
    return settings


def test_a_lease_lasts_30_seconds_and_the_server_sweeps_by_default() -> None:
    settings = load_settings()

    assert settings["lease"] == 30.0
    assert settings["sweeper"] is True


def test_the_lease_and_the_sweeper_come_from_the_environment() -> None:
    settings = load_settings(WARGAME_ADJUDICATION_LEASE="3", WARGAME_EMBEDDED_SWEEPER="off")

    assert settings["lease"] == 3.0
    assert settings["sweeper"] is False


def test_a_lease_that_is_not_a_number_is_a_configuration_error() -> None:
    result = run_settings(WARGAME_ADJUDICATION_LEASE="soon")

    assert result.returncode != 0
    assert "WARGAME_ADJUDICATION_LEASE must be a number, not 'soon'" in result.stderr


def test_beat_sends_the_deadline_sweep_every_two_seconds() -> None:
    settings = load_settings()

    assert list(settings["beat"].values()) == [["exercises.tasks.sweep", 2.0]]
