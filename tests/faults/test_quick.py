"""The bounded part of the fault suite (`python -m faults`, README "The fault suite") that runs
with the default suite: a worker SIGKILLed mid-adjudication and one of two web processes
killed, at the quick size, as a subprocess that starts the production shape itself.

It needs PostgreSQL and Redis, so it runs only in the PostgreSQL pass of `python3 dev.py test`
(`DATABASE_URL=$WARGAME_TEST_DATABASE_URL`, with `WARGAME_TEST_REDIS_URL` set) and skips
otherwise. Its database is `faults_<name>` on the same server, dropped and made again; its
Redis is the test Redis database, flushed (the runtime tests flush it too).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
POSTGRES_URL = os.environ.get("WARGAME_TEST_DATABASE_URL", "").strip()
REDIS_URL = os.environ.get("WARGAME_TEST_REDIS_URL", "").strip()

pytestmark = pytest.mark.skipif(
    not (POSTGRES_URL and REDIS_URL and os.environ.get("DATABASE_URL", "").strip()),
    reason="runs in the PostgreSQL pass, with WARGAME_TEST_REDIS_URL set",
)


def test_a_killed_worker_and_a_killed_web_process_lose_nothing_acknowledged(
    tmp_path: Path,
) -> None:
    # given the production shape on this machine, started by the fault suite
    database = "faults_" + urlsplit(POSTGRES_URL).path.lstrip("/")
    command = [sys.executable, "-m", "faults", "--quick", "--database-url", POSTGRES_URL]
    command += ["--database", database, "--redis-url", REDIS_URL, "--logs", str(tmp_path)]
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}

    # when a worker is killed mid-adjudication, then one of two web processes mid-play
    done = subprocess.run(
        [*command, "worker-kill-adjudication", "web-kill"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    # then both pass: nothing acknowledged lost or duplicated, no 5xx, every socket gap-free
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    rows = [line for line in done.stdout.splitlines() if line.endswith(("pass", "FAIL"))]
    assert len(rows) == 2, done.stdout
    for row in rows:
        _, acknowledged, lost, duplicated, errors, _, verdict = (
            cell.strip() for cell in row.split(" | ")
        )
        assert int(acknowledged) > 0, row
        assert (lost, duplicated, errors, verdict) == ("0", "0", "0", "pass"), row
