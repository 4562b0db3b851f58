"""`python -m faults [--quick] [SCENARIO ...]`: run the fault scenarios, print the table.

Exit status 0 when every scenario passed, 1 when any found a failure.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import time
import traceback
from pathlib import Path

from faults.cluster import Cluster, recreate_database, with_database
from faults.scenarios import FULL, QUICK, SCENARIOS, Result, Run, Size, folder_for


def main() -> int:
    # Stopped by SIGTERM, the run still stops its processes (each in a session of its own).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    options = arguments()
    size = QUICK if options.quick else FULL
    redis_url = options.redis_url or f"redis://127.0.0.1:{options.redis_port}/0"
    database_url = with_database(options.database_url, options.database)
    setup_django(database_url, redis_url)
    recreate_database(database_url)
    root = Path(options.logs or tempfile.mkdtemp(prefix="wargame-faults-"))
    print(f"logs in {root}", flush=True)
    names = options.scenarios or list(SCENARIOS)
    results: list[Result] = []
    for name in names:
        print(f"--- {name}", flush=True)
        cluster = Cluster(
            folder_for(root, name),
            database_url,
            redis_url,
            0 if options.redis_url else options.redis_port,
            options.lease,
        )
        results.append(run_one(name, cluster, size, first=not results))
    print(table(results))
    return 0 if all(result.passed for result in results) else 1


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m faults", description=__doc__)
    parser.add_argument(
        "scenarios",
        nargs="*",
        metavar="SCENARIO",
        help=f"any of {', '.join(SCENARIOS)} (default: all)",
    )
    parser.add_argument("--quick", action="store_true", help="small sizes (the CI subset)")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("WARGAME_TEST_DATABASE_URL")
        or "postgres://postgres@127.0.0.1:5432/postgres",
        help="a PostgreSQL server (its database name is replaced by --database)",
    )
    parser.add_argument("--database", default="faults_run", help="dropped and made again")
    parser.add_argument("--redis-port", type=int, default=6393, help="for a Redis of its own")
    parser.add_argument(
        "--redis-url",
        default="",
        help="use this Redis database instead (flushed; redis-restart then cannot run)",
    )
    parser.add_argument("--lease", type=float, default=5.0, help="WARGAME_ADJUDICATION_LEASE")
    parser.add_argument("--logs", default="", help="a folder for every process's log")
    options = parser.parse_args()
    unknown = [name for name in options.scenarios if name not in SCENARIOS]
    if unknown:
        parser.error(f"no scenario {', '.join(unknown)}; there are {', '.join(SCENARIOS)}")
    return options


def setup_django(database_url: str, redis_url: str) -> None:
    for name in ("WARGAME_SQLITE_PATH",):
        os.environ.pop(name, None)
    os.environ.update(
        # The runner's own threads (one per exercise played, each checking rows) share one
        # pool: sized for them, so the harness never waits on itself.
        WARGAME_DB_POOL_SIZE="40",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        DJANGO_SETTINGS_MODULE="wargame.settings",
    )
    import django

    django.setup()


def run_one(name: str, cluster: Cluster, size: Size, first: bool) -> Result:
    from faults.game import Findings

    started = time.monotonic()
    try:
        if not cluster.redis_port:
            import redis

            redis.Redis.from_url(cluster.redis_url).flushdb()
        cluster.start_redis()
        if first:
            cluster.manage("migrate", "--noinput", "-v", "0")
        for _ in range(2):
            cluster.start_web()
        result = SCENARIOS[name](Run(cluster, size))
    except Exception as error:  # a scenario that could not run is a failure in the table
        traceback.print_exc()
        result = Result(name, Findings(problems=[f"did not complete: {error!r}"[:500]]))
    finally:
        cluster.stop()
    print(f"    {time.monotonic() - started:.0f} s; " + "; ".join(result.notes), flush=True)
    for problem in result.findings.problems[:20]:
        print(f"    {problem}", flush=True)
    return result


def table(results: list[Result]) -> str:
    head = (
        "scenario",
        "acknowledged moves",
        "lost",
        "duplicated",
        "5xx",
        "max recovery s",
        "verdict",
    )
    rows = [head] + [
        (
            r.scenario,
            str(r.findings.acknowledged),
            str(r.findings.lost),
            str(r.findings.duplicated),
            str(r.findings.server_errors),
            "-" if r.recovery is None else f"{r.recovery:.1f}",
            "pass" if r.passed else "FAIL",
        )
        for r in results
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = [
        " | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
