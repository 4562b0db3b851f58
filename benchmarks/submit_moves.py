"""Accepted moves per second through the HTTP API, with 20 concurrent clients.

    python benchmarks/submit_moves.py [--clients 20] [--seconds 10] [--exercises 100]

The embedded default, as `dev.py serve` runs it: a uvicorn subprocess on a free port, a fresh
SQLite file, the in-memory channel layer, Celery tasks run eagerly; debug off, as in
production. Each client keeps one HTTP/1.1 connection open and POSTs to
`/api/v1/exercises/{id}/moves` as fast as the answers come back.

How 20 clients keep submitting accepted moves: `ai-pause` allows 2 moves a turn per role, but
`press_pause_button` is a free action (it does not count towards the limit) open to the four
lab CEOs, and a role may press it again, so no turn ever fills up and closes. The cost of a
submission grows with the moves its role already has in the turn (the rules check reads them
all), so one seat pressing thousands of times would measure that growth rather than the
server; a real role makes a handful of moves a turn. The clients therefore play many
exercises at once (`--exercises`, 4 lab seats each, created and started before the server
starts), each client going round its own share of the seats: a seat gets a few moves, as in
a real turn. Every move is a new one (its own idempotency key), so each POST goes through the
whole road: the bearer token, the exercise lock, the rules check, the move and its event, the
publish to the channel layer.

Prints accepted moves a second and the latency percentiles against the targets (at least
300 a second, p99 under 100 ms). Not a test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.servers import (  # noqa: E402
    LABS,
    free_port,
    read_response,
    server_environment,
    started_exercises,
)

TARGET_PER_SECOND = 300
TARGET_P99_MS = 100.0


@dataclass
class Tally:
    latencies_ms: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    server_cpu_seconds: float | None = None

    def add(self, status: int, latency_ms: float) -> None:
        self.statuses[status] = self.statuses.get(status, 0) + 1
        if status == 201:
            self.latencies_ms.append(latency_ms)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10.0, help="measured time")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds not measured")
    parser.add_argument("--exercises", type=int, default=100, help="each gives 4 lab seats")
    options = parser.parse_args()
    if options.clients > 4 * options.exercises:
        parser.error("each client needs a lab seat of its own: raise --exercises")

    with tempfile.TemporaryDirectory(prefix="wargame-bench-") as tmp:
        env = server_environment(Path(tmp) / "bench.sqlite3")
        seats = prepare(env, options.exercises)
        port = free_port()
        server = start_server(env, port)
        try:
            wait_for(f"http://127.0.0.1:{port}")
            shares = [seats[i :: options.clients] for i in range(options.clients)]
            tally = asyncio.run(load(port, shares, options.warmup, options.seconds, server.pid))
        finally:
            server.terminate()
            server.wait(timeout=10)
    report(tally, options.seconds, options.clients, len(seats))
    return 0


def prepare(env: dict[str, str], exercises: int) -> list[tuple[str, str]]:
    """The lab seats (exercise id, token) of `exercises` started exercises."""
    made = started_exercises(env, exercises, "Benchmark")
    return [(public_id, tokens[lab]) for public_id, tokens in made for lab in LABS]


def start_server(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "uvicorn", "wargame.asgi:application", "--lifespan", "on"]
    command += ["--port", str(port), "--no-access-log", "--log-level", "warning"]
    return subprocess.Popen(command, cwd=ROOT, env=env)


def wait_for(base: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(base + "/", timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


async def load(
    port: int, shares: list[list[tuple[str, str]]], warmup: float, seconds: float, pid: int
) -> Tally:
    tally = Tally()
    measure_from = time.perf_counter() + warmup
    stop_at = measure_from + seconds
    clients = [client(port, share, tally, measure_from, stop_at) for share in shares]
    await asyncio.gather(*clients, cpu_time(pid, tally, measure_from, stop_at))
    return tally


async def cpu_time(pid: int, tally: Tally, start: float, stop: float) -> None:
    """The server's CPU seconds over the measured time: unlike the rate, this hardly moves
    when other programs load the machine, so it tells what a quiet machine would give."""
    await asyncio.sleep(start - time.perf_counter())
    before = process_cpu_seconds(pid)
    await asyncio.sleep(stop - time.perf_counter())
    after = process_cpu_seconds(pid)
    if before is not None and after is not None:
        tally.server_cpu_seconds = after - before


def process_cpu_seconds(pid: int) -> float | None:
    try:  # Linux: user and system time are fields 14 and 15 of /proc/<pid>/stat
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def client(
    port: int, seats: list[tuple[str, str]], tally: Tally, measure_from: float, stop_at: float
) -> None:
    """One program playing its seats in turn: POST a new move, wait for the answer, again."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    n = 0
    try:
        while (now := time.perf_counter()) < stop_at:
            public_id, token = seats[n % len(seats)]
            n += 1
            body = json.dumps(
                {"action": "press_pause_button", "params": {}, "idempotency_key": f"bench-{n}"}
            ).encode()
            head = (
                f"POST /api/v1/exercises/{public_id}/moves HTTP/1.1\r\n"
                f"Host: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
            )
            writer.write(head.encode() + body)
            status, _ = await read_response(reader)
            if now >= measure_from:
                tally.add(status, (time.perf_counter() - now) * 1000)
    finally:
        writer.close()


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round((len(ordered) - 1) * pct / 100))]


def report(tally: Tally, seconds: float, clients: int, seats: int) -> None:
    accepted = len(tally.latencies_ms)
    if not accepted:
        print(f"no move was accepted; answers: {tally.statuses}")
        return
    rate = accepted / seconds
    p50, p99 = statistics.median(tally.latencies_ms), percentile(tally.latencies_ms, 99)
    rate_ok = "met" if rate >= TARGET_PER_SECOND else "MISSED"
    p99_ok = "met" if p99 < TARGET_P99_MS else "MISSED"
    print(
        f"{clients} clients on {seats} lab seats, {seconds:g} s measured, answers: {tally.statuses}"
    )
    print(f"accepted moves: {rate:.0f}/s (target at least {TARGET_PER_SECOND}/s: {rate_ok})")
    print(
        f"latency of an accepted move: p50 {p50:.1f} ms, p99 {p99:.1f} ms, "
        f"max {max(tally.latencies_ms):.1f} ms (target p99 under {TARGET_P99_MS:g} ms: {p99_ok})"
    )
    if tally.server_cpu_seconds is not None:
        per_move = tally.server_cpu_seconds / accepted * 1000
        print(
            f"server CPU: {per_move:.2f} ms per accepted move, so about {1000 / per_move:.0f} "
            f"moves a second on one idle core ({os.getloadavg()[0]:.1f} load average now)"
        )


if __name__ == "__main__":
    sys.exit(main())
