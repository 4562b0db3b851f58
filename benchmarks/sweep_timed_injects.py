"""What the sweep's new duty costs: looking for injects timed within a turn in every open turn.

    python benchmarks/sweep_timed_injects.py [--exercises 50] [--repeat 50]

The sweep runs every second in the embedded mode, so this part of it runs that often too. With
`--exercises` started `ai-pause` exercises open (none of whose injects is timed: the common
case, nothing to send), times `injects.fire_timed(now)` `--repeat` times on a fresh SQLite
file and prints the median and p95, and the time per open exercise. Not a test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exercises", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=50)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wargame-bench-") as tmp:
        for name in ("DATABASE_URL", "REDIS_URL"):
            os.environ.pop(name, None)
        os.environ["WARGAME_SQLITE_PATH"] = str(Path(tmp) / "bench.sqlite3")
        os.environ["DJANGO_SETTINGS_MODULE"] = "wargame.settings"
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", "--noinput", verbosity=0)
        timings = time_sweeps(options.exercises, options.repeat)
    median = statistics.median(timings)
    p95 = sorted(timings)[int(len(timings) * 0.95) - 1]
    print(f"{options.exercises} open exercises, {options.repeat} sweeps")
    print(f"fire_timed: median {median:.1f} ms, p95 {p95:.1f} ms")
    print(f"per open exercise: {median / options.exercises:.2f} ms")
    return 0


def time_sweeps(exercises: int, repeat: int) -> list[float]:
    from django.utils import timezone

    from exercises.services import commands, creation, injects, seats

    for _ in range(exercises):
        created = creation.create_exercise(creation.bundled("ai-pause"), "Benchmark")
        commands.start(seats.seat_by_token(created.tokens["facilitator"]))
    injects.fire_timed(timezone.now())  # the scenario loaded once, as in a running server
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        injects.fire_timed(timezone.now())
        timings.append((time.perf_counter() - start) * 1000)
    return timings


if __name__ == "__main__":
    raise SystemExit(main())
