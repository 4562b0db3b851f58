"""Run a snippet of Python in a fresh interpreter under the project's settings.

Settings are read from the environment once per process, so a case about what an environment
variable does needs a process of its own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def run(script: str, *, unset: Iterable[str] = (), **env: str) -> subprocess.CompletedProcess[str]:
    """Run `script` with `env` on top of this environment less the names in `unset`."""
    dropped = set(unset)
    clean = {name: value for name, value in os.environ.items() if name not in dropped}
    return subprocess.run(
        [sys.executable, "-c", script],
        env={**clean, "DJANGO_SETTINGS_MODULE": "wargame.settings", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,  # a bound on a hang: the interpreter starts in seconds on an idle machine
        check=False,
    )


def run_json(script: str, *, unset: Iterable[str] = (), **env: str) -> Any:
    """What `script` printed, as JSON; the script must succeed."""
    result = run(script, unset=unset, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)
