"""From the facilitator's close to the `turn.adjudicated` event, with Redis and one worker.

    python benchmarks/close_to_adjudicated.py [--turns 30] [--database-url URL] [--pool solo]

The production shape in miniature: this process is the web process (REDIS_URL set, so it
only queues the adjudication), one Celery worker subprocess adjudicates. Each turn of
`ai-pause`, every one of the 8 roles submits its moves (the `all-labs-pause` bots' choice,
through `moves.submit_move` as a player would; the last role leaves one move out so the turn
stays open), then the clock starts, the facilitator calls `close_turn`, and it stops when the
`turn.adjudicated` event is in the Event table (polled every millisecond). When an exercise
ends, the next one starts, until `--turns` turns are timed.

The database is a fresh SQLite file unless `--database-url` names one (PostgreSQL, as in
production; it is migrated, and the exercises stay in it). Redis is `REDIS_URL`, else
`WARGAME_TEST_REDIS_URL`, else redis://127.0.0.1:6379/15; its queue is purged first.

Prints the median and p95 against the target (median under 100 ms). Not a test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGET_MEDIAN_MS = 100.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=30)
    parser.add_argument("--database-url", default="", help="default: a fresh SQLite file")
    parser.add_argument("--pool", default="solo", help="the worker's pool (solo, prefork)")
    options = parser.parse_args()
    redis_url = (
        os.environ.get("REDIS_URL")
        or os.environ.get("WARGAME_TEST_REDIS_URL")
        or "redis://127.0.0.1:6379/15"
    )
    with tempfile.TemporaryDirectory(prefix="wargame-bench-") as tmp:
        configure(Path(tmp), options.database_url, redis_url)
        setup_django()
        worker = start_worker(Path(tmp) / "worker.log", options.pool)
        try:
            timings = time_turns(options.turns)
        finally:
            worker.terminate()
            worker.wait(timeout=20)
    report(timings, options.pool)
    return 0


def configure(tmp: Path, database_url: str, redis_url: str) -> None:
    """The environment of this process and of the worker it starts: one deployment."""
    for name in ("DATABASE_URL", "WARGAME_SQLITE_PATH"):
        os.environ.pop(name, None)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ["WARGAME_SQLITE_PATH"] = str(tmp / "bench.sqlite3")
    os.environ["REDIS_URL"] = redis_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "wargame.settings"


def setup_django() -> None:
    import django

    django.setup()
    from django.core.management import call_command

    from wargame.celery import app

    call_command("migrate", "--noinput", verbosity=0)
    app.control.purge()


def start_worker(log: Path, pool: str) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "celery", "-A", "wargame", "worker", "-l", "info"]
    command += [f"--pool={pool}", "--concurrency=1", "--without-mingle", "--without-gossip"]
    with log.open("wb") as out:
        worker = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while " ready." not in log.read_text(errors="replace"):
        if worker.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"the worker did not start:\n{log.read_text(errors='replace')}")
        time.sleep(0.1)
    return worker


def time_turns(wanted: int) -> list[float]:
    from exercises.models import Exercise
    from exercises.services import commands, creation, seats, turns

    timings: list[float] = []
    while len(timings) < wanted:
        created = creation.create_exercise(creation.bundled("ai-pause"), "Benchmark")
        facilitator = seats.authenticate(created.exercise.public_id, created.tokens["facilitator"])
        commands.start(facilitator)
        for number in range(1, 100):
            play_turn(created)
            timings.append(close_and_wait(facilitator, created.exercise, number))
            finished = Exercise.objects.get(pk=created.exercise.pk).status == "finished"
            if finished or len(timings) >= wanted:
                break
            turns.open_next_turn(facilitator)
    return timings


def play_turn(created: Any) -> None:
    """Every role's moves, as players would submit them; the turn stays open."""
    from exercises import engine
    from exercises.models import Exercise
    from exercises.services import moves, seats
    from exercises.services.errors import ServiceError
    from exercises.services.scenarios import scenario_of, state_of

    exercise = Exercise.objects.select_related("snapshot").get(pk=created.exercise.pk)
    scenario, state = scenario_of(exercise), state_of(exercise)
    for index, role in enumerate(scenario.role_ids):
        seat = seats.authenticate(exercise.public_id, created.tokens[role])
        chosen = engine.choose_moves(scenario, state, role, "all-labs-pause", exercise.seed)
        if index == len(scenario.role_ids) - 1:
            chosen = chosen[:1]  # one role not in yet: the facilitator closes the turn
        for n, move in enumerate(chosen):
            try:
                moves.submit_move(seat, move.action, dict(move.params), move.text, str(n))
            except ServiceError:
                continue


def close_and_wait(facilitator: Any, exercise: Any, number: int) -> float:
    from exercises.models import Event
    from exercises.services import turns

    adjudicated = Event.objects.filter(exercise=exercise, type="turn.adjudicated", turn=number)
    started = time.perf_counter()
    turns.close_turn(facilitator)
    while not adjudicated.exists():
        if time.perf_counter() - started > 30:
            raise SystemExit(f"turn {number} was not adjudicated within 30 s: is the worker up?")
        time.sleep(0.001)
    return (time.perf_counter() - started) * 1000


def report(timings: list[float], pool: str) -> None:
    median = statistics.median(timings)
    p95 = sorted(timings)[min(len(timings) - 1, round((len(timings) - 1) * 0.95))]
    verdict = "met" if median < TARGET_MEDIAN_MS else "MISSED"
    print(f"{len(timings)} turns of ai-pause, 8 roles, one worker (--pool={pool})")
    print(
        f"close_turn to turn.adjudicated: median {median:.1f} ms, p95 {p95:.1f} ms, "
        f"min {min(timings):.1f} ms, max {max(timings):.1f} ms "
        f"(target: median under {TARGET_MEDIAN_MS:g} ms: {verdict})"
    )


if __name__ == "__main__":
    sys.exit(main())
