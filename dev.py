#!/usr/bin/env python3
"""The one entry point for developers.

    python3 dev.py serve [--host HOST] [--port PORT] [--no-demo] [uvicorn options...]
    python3 dev.py test [pytest arguments...]

Both commands first make sure `.venv` exists and holds the project (`pip install -e '.[dev]'`,
run again only when pyproject.toml changed since the last install), then run inside it.

serve   apply migrations, create a demo exercise and print its links, then run the ASGI
        server (uvicorn) on http://127.0.0.1:8000/
test    ruff check, ruff format --check, mypy, then pytest; stops at the first failure. When
        WARGAME_TEST_DATABASE_URL is set, pytest runs a second time on that PostgreSQL server.

Only the standard library is used here: this file runs before anything is installed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import venv
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYPROJECT = ROOT / "pyproject.toml"
# Holds the hash of the pyproject.toml that was last installed; inside .venv, so that a new
# virtual environment always starts with an install.
STAMP = VENV / ".wargame-installed"
REEXEC_GUARD = "WARGAME_DEV_IN_VENV"


def venv_python() -> Path:
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def running_in_venv() -> bool:
    return Path(sys.prefix).resolve() == VENV.resolve()


def pyproject_hash() -> str:
    return hashlib.sha256(PYPROJECT.read_bytes()).hexdigest()


def ensure_venv() -> None:
    """Create .venv if missing and install the project when pyproject.toml changed."""
    if not venv_python().exists():
        print(f"==> creating {VENV.relative_to(ROOT)}", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    wanted = pyproject_hash()
    if STAMP.exists() and STAMP.read_text().strip() == wanted:
        return
    print("==> pip install -e '.[dev]' (pyproject.toml changed since the last install)", flush=True)
    pip = [str(venv_python()), "-m", "pip", "install", "--disable-pip-version-check"]
    result = subprocess.run([*pip, "-e", ".[dev]"], cwd=ROOT, check=False)
    if result.returncode != 0:
        sys.exit(result.returncode)
    # Written only after a successful install, so a failed one is retried next time.
    STAMP.write_text(wanted + "\n")


def reexec_in_venv(argv: Sequence[str]) -> NoReturn:
    if os.environ.get(REEXEC_GUARD):
        sys.exit(f"dev.py: {venv_python()} does not run inside {VENV}; delete .venv and retry")
    os.environ[REEXEC_GUARD] = "1"
    python = str(venv_python())
    os.execv(python, [python, str(Path(__file__).resolve()), *argv])


def run(args: Sequence[str]) -> int:
    """Run the virtual environment's `python ARGS...` from the project root, saying so first."""
    print(f"==> python {' '.join(args)}", flush=True)
    return subprocess.run([sys.executable, *args], cwd=ROOT, check=False).returncode


DEMO_NAME = "Demo: The Pause"
DEMO_PLAYERS = ("anthropic", "openai")  # people play these; bots (no-pause) play the rest
DEMO_LINKS = ("facilitator", "observer", *DEMO_PLAYERS)


def prepare_demo(url: str) -> None:
    """Create a fresh `ai-pause` demo exercise and print the links to its seats.

    A fresh one every run: tokens are stored hashed, so the links of an earlier demo cannot
    be shown again (the earlier exercises stay, and their links keep working).
    """
    print(f"Scenario library: {url}", flush=True)
    command = ["manage.py", "create_exercise", "ai-pause", "--name", DEMO_NAME]
    command += ["--players", ",".join(DEMO_PLAYERS), "--bot-policy", "no-pause"]
    command += ["--turn-seconds", "600", "--base-url", url.rstrip("/"), "--json"]
    result = subprocess.run(
        [sys.executable, *command], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        print(f"dev.py: no demo exercise: {result.stderr.strip()}", file=sys.stderr, flush=True)
        return
    seats = json.loads(result.stdout)["seats"]
    print(f"\n{DEMO_NAME}: bots play every role but {' and '.join(DEMO_PLAYERS)}.")
    print("Each link binds its seat to a browser session; a program sends the token after")
    print("/join/ as 'Authorization: Bearer <token>'. Turns close after 10 minutes, or when")
    print("the facilitator closes them; the facilitator reviews each turn, then publishes it.")
    for seat in DEMO_LINKS:
        print(f"  {seat:<12} {seats[seat]['url']}")
    print("Open the facilitator's link to start it from the console; each player's link")
    print("opens that role's page. Operators make more exercises in the lobby (README).")
    print(flush=True)


def serve(args: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="dev.py serve", description="Run the server.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--no-demo", action="store_true", help="create no demo exercise")
    options, uvicorn_args = parser.parse_known_args(args)
    status = run(["manage.py", "migrate", "--noinput"])
    if status != 0:
        return status
    host = f"[{options.host}]" if ":" in options.host else options.host
    url = f"http://{host}:{options.port}/"
    if not options.no_demo:
        prepare_demo(url)
    print(f"==> serving on {url} (Ctrl-C to stop)", flush=True)
    # The application answers lifespan events: it starts the deadline sweeper at startup.
    command = ["-m", "uvicorn", "wargame.asgi:application", "--lifespan", "on"]
    command += ["--host", options.host, "--port", str(options.port), *uvicorn_args]
    os.chdir(ROOT)
    os.execv(sys.executable, [sys.executable, *command])


def test(args: Sequence[str]) -> int:
    checks = [
        ["-m", "ruff", "check", "."],
        ["-m", "ruff", "format", "--check", "."],
        ["-m", "mypy"],
    ]
    for check in checks:
        status = run(check)
        if status != 0:
            return status
    status = run(["-m", "pytest", *args])
    postgres = os.environ.get("WARGAME_TEST_DATABASE_URL", "").strip()
    if status != 0 or not postgres or os.environ.get("DATABASE_URL", "").strip():
        return status
    # The same suite on PostgreSQL: pytest-django creates its test database (`test_<name>`)
    # on that server. The production-process tests run only in this pass.
    print(f"==> DATABASE_URL={postgres} (WARGAME_TEST_DATABASE_URL)", flush=True)
    os.environ["DATABASE_URL"] = postgres
    return run(["-m", "pytest", *args])


COMMANDS: dict[str, Callable[[Sequence[str]], int]] = {"serve": serve, "test": test}


def main(argv: Sequence[str]) -> int:
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return 0
    command = COMMANDS.get(argv[0])
    if command is None:
        print(f"dev.py: unknown command {argv[0]!r}\n{__doc__}", file=sys.stderr)
        return 2
    ensure_venv()
    if not running_in_venv():
        reexec_in_venv(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wargame.settings")
    return command(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
