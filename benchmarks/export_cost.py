"""What a seat looping exports of a long exercise costs the server and the other seats.

    python benchmarks/export_cost.py [--messages 3000] [--loops 6] [--seconds 20]

One uvicorn process in the embedded mode (debug off, a SQLite file of its own, rate limits
lifted so that only the server's own cost shows). One started `ai-pause` exercise with
`--messages` public messages of about 1 KB (issue 12 measured 3,000, whose HTML export was
55 MB). For `--seconds`, `--loops` clients download the observer's export in a loop, in turn
as JSON and as HTML, each reading the whole body; meanwhile another seat (anthropic) asks for
its view every 50 ms. Printed: the exports served and their sizes, the other seat's latency
(p50, p99, max), and the server process's peak resident memory (VmHWM, from /proc).

Issue 12 measured, before exports were cached: the other seat's latency went from 10 ms to
3 s, and the server to 830 MB. Not a test: the figures depend on the machine.
"""

from __future__ import annotations

import argparse
import http.client
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.servers import free_port, server_environment, started_exercises  # noqa: E402
from benchmarks.ws_broadcast import percentile, server, uvicorn  # noqa: E402


def long_exercise(env: dict[str, str], messages: int) -> tuple[str, dict[str, str]]:
    [(public_id, tokens)] = started_exercises(env, 1, "Long")
    from exercises.services import messages as posting
    from exercises.services import seats

    sender = seats.authenticate(public_id, tokens["anthropic"])
    for n in range(messages):
        posting.post_message(sender, "all", f"message {n}: " + "a line of negotiation. " * 45)
    from django.db import connection

    connection.close()
    return public_id, tokens


def get(port: int, path: str, token: str) -> tuple[int, int, float]:
    """Status, body size and seconds of one GET, the body read whole a piece at a time."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request("GET", path, headers={"Authorization": f"Bearer {token}"})
        response = connection.getresponse()
        size = 0
        while piece := response.read(65536):
            size += len(piece)
        return response.status, size, time.perf_counter() - started
    finally:
        connection.close()


def peak_memory_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--loops", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=20.0)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = server_environment(
            Path(tmp) / "db.sqlite3",
            WARGAME_API_RATE="1000000",
            WARGAME_API_BURST="1000000",
            WARGAME_EXPORT_RATE="1000000",
            WARGAME_EXPORT_CACHE_DIR=str(Path(tmp) / "exports"),
            WARGAME_LOG_LEVEL="WARNING",
        )
        public_id, tokens = long_exercise(env, options.messages)
        port = free_port()
        base = f"/api/v1/exercises/{public_id}"
        exports: list[tuple[str, int, int, float]] = []
        views: list[float] = []
        stop = threading.Event()

        def exporter(index: int) -> None:
            formats = ("json", "html")
            n = index
            while not stop.is_set():
                format = formats[n % 2]
                status, size, seconds = get(
                    port, f"{base}/export?format={format}", tokens["observer"]
                )
                exports.append((format, status, size, seconds))
                n += 1

        def other_seat() -> None:
            while not stop.is_set():
                status, _, seconds = get(port, base, tokens["anthropic"])
                assert status == 200, status
                views.append(seconds)
                time.sleep(0.05)

        with server(uvicorn("wargame.asgi:application", port), env, port) as process:
            quiet = [get(port, base, tokens["anthropic"])[2] for _ in range(20)]
            threads = [threading.Thread(target=exporter, args=(i,)) for i in range(options.loops)]
            threads.append(threading.Thread(target=other_seat))
            for thread in threads:
                thread.start()
            time.sleep(options.seconds)
            stop.set()
            for thread in threads:
                thread.join()
            peak = peak_memory_mb(process.pid)
    sizes = {f: max(s for g, _, s, _ in exports if g == f) for f in ("json", "html")}
    statuses = sorted({status for _, status, _, _ in exports})
    print(
        f"{options.messages} messages; export sizes: json {sizes['json'] / 1e6:.1f} MB, "
        f"html {sizes['html'] / 1e6:.1f} MB"
    )
    print(
        f"{len(exports)} exports by {options.loops} loops in {options.seconds:.0f} s "
        f"(statuses {statuses}); slowest export {max(e[3] for e in exports):.2f} s"
    )
    print(f"other seat's view, quiet: p50 {percentile(quiet, 50) * 1000:.0f} ms")
    print(
        f"other seat's view, during the exports: p50 {percentile(views, 50) * 1000:.0f} ms, "
        f"p99 {percentile(views, 99) * 1000:.0f} ms, max {max(views) * 1000:.0f} ms "
        f"({len(views)} requests)"
    )
    print(f"server's peak resident memory: {peak:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
