"""Hundreds of browsers asking for their page at once, on PostgreSQL: pages, not 500s.

    python benchmarks/concurrent_pages.py --database-url postgres://postgres@127.0.0.1/bench \
        [--browsers 300] [--rounds 3] [--pool-size 10]

One uvicorn process (debug off, the production settings but no Redis) on the PostgreSQL
database given (migrated here; use a database of its own: exercises are added to it). One
started `ai-pause` exercise; `--browsers` browsers each open the observer's join link (a
session cookie of their own), then, `--rounds` times, all of them ask for the observer's page
at the same moment, each on a connection of its own. Printed: the answers by status, the
time to each page (p50, p99, max), and the most connections the server held open to the
database at any moment (sampled from pg_stat_activity every 20 ms). `--pool-size 0` runs
without the connection pool, one connection per request's thread, as before issue 12.

Every browser shares the observer's seat, and so its rate limit (exercises/throttle.py): the
server runs with the limits lifted, as a room of observers on one link would need.

Not a test: the figures depend on the machine and what else runs on it.
"""

from __future__ import annotations

import argparse
import http.client
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.servers import free_port, server_environment, started_exercises  # noqa: E402
from benchmarks.ws_broadcast import more_open_files, percentile, server, uvicorn  # noqa: E402


def join(port: int, token: str) -> str:
    """The session cookie a browser gets for opening the join link."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", f"/join/{token}")
    response = connection.getresponse()
    response.read()
    cookies = [value for name, value in response.getheaders() if name.lower() == "set-cookie"]
    connection.close()
    session = [c.split(";")[0] for c in cookies if c.startswith("sessionid=")]
    if response.status != 302 or not session:
        raise RuntimeError(f"joining answered {response.status}")
    return session[0]


def page(port: int, path: str, cookie: str) -> tuple[int, float]:
    started = time.perf_counter()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        connection.request("GET", path, headers={"Cookie": cookie})
        response = connection.getresponse()
        response.read()
        connection.close()
        return response.status, time.perf_counter() - started
    except OSError:
        return 0, time.perf_counter() - started  # refused or cut: counted as status 0


def all_at_once(port: int, path: str, cookies: list[str]) -> list[tuple[int, float]]:
    results: list[tuple[int, float]] = [(0, 0.0)] * len(cookies)
    barrier = threading.Barrier(len(cookies))

    def browser(index: int) -> None:
        barrier.wait()
        results[index] = page(port, path, cookies[index])

    threads = [threading.Thread(target=browser, args=(n,)) for n in range(len(cookies))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


class ConnectionCount:
    """The most connections to the database, sampled from another connection."""

    def __init__(self, database_url: str, database: str) -> None:
        import psycopg

        self.connection = psycopg.connect(database_url, autocommit=True)
        self.database = database
        self.peak = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.sample)

    def sample(self) -> None:
        query = (
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"
        )
        while not self.stop.wait(0.02):
            row = self.connection.execute(query, (self.database,)).fetchone()
            self.peak = max(self.peak, int(row[0]) if row else 0)

    def __enter__(self) -> ConnectionCount:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()
        self.connection.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--browsers", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--pool-size", type=int, default=10)
    options = parser.parse_args()
    more_open_files()
    with tempfile.TemporaryDirectory() as tmp:
        env = server_environment(
            Path(tmp) / "unused.sqlite3",
            DATABASE_URL=options.database_url,
            WARGAME_DB_POOL_SIZE=str(options.pool_size),
            WARGAME_API_RATE="1000000",
            WARGAME_API_BURST="1000000",
            WARGAME_LOG_LEVEL="WARNING",
        )
        [(public_id, tokens)] = started_exercises(env, 1, "Crowd")
        from django.db import connection

        database = str(connection.settings_dict["NAME"])
        connection.close()
        port = free_port()
        with server(uvicorn("wargame.asgi:application", port), env, port):
            cookies = [join(port, tokens["observer"]) for _ in range(options.browsers)]
            path = f"/exercises/{public_id}/watch/"
            statuses: Counter[int] = Counter()
            times: list[float] = []
            with ConnectionCount(options.database_url, database) as count:
                for _ in range(options.rounds):
                    for status, seconds in all_at_once(port, path, cookies):
                        statuses[status] += 1
                        times.append(seconds)
    print(f"{options.browsers} browsers x {options.rounds} rounds, pool {options.pool_size}")
    print("answers: " + ", ".join(f"{s}: {n}" for s, n in sorted(statuses.items())))
    print(
        f"time to page: p50 {percentile(times, 50) * 1000:.0f} ms, "
        f"p99 {percentile(times, 99) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms"
    )
    print(f"most database connections at once: {count.peak}")
    return 0 if set(statuses) == {200} else 1


if __name__ == "__main__":
    sys.exit(main())
