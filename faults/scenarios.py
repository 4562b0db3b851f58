"""The scenarios: each starts the production shape, plays, does one fault, and checks.

Every wait is on a condition (a marker file the slow worker writes, a turn
resolved), bounded by `Size.bound` so that a run that finds a hang still ends and says so.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from faults import game
from faults.clients import Http, Ledger, Streams
from faults.cluster import Cluster, Proc, Timeout, wait_until
from faults.game import Findings, Game


@dataclass(frozen=True)
class Size:
    games: int  # exercises played at once
    turns: int  # turns each plays
    sockets: int  # sockets per exercise
    browsers: int  # concurrent page loads
    storm_games: int
    storm_sockets: int  # in all, over storm_games
    bound: float  # seconds any one wait may take before the run gives up on it


QUICK = Size(games=2, turns=2, sockets=3, browsers=30, storm_games=3, storm_sockets=24, bound=60)
FULL = Size(games=4, turns=3, sockets=4, browsers=300, storm_games=25, storm_sockets=400, bound=120)


@dataclass
class Result:
    scenario: str
    findings: Findings
    recovery: float | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        f = self.findings
        return not (f.lost or f.duplicated or f.server_errors or f.problems)


@dataclass
class Run:
    """One scenario's cluster, clients and ledger."""

    cluster: Cluster
    size: Size
    ledger: Ledger = field(default_factory=Ledger)
    http: Http = field(init=False)
    streams: Streams = field(init=False)

    def __post_init__(self) -> None:
        # A proxy in front of the web processes sends requests only to those alive.
        def urls() -> list[str]:
            return [web.url for web in self.cluster.webs()]

        self.http = Http(urls, self.ledger, timeout=self.size.bound / 2, patience=self.size.bound)
        self.streams = Streams(urls)

    def games(self, count: int, name: str, **options: Any) -> list[Game]:
        games = game.create_games(count, name, **options)
        for index, one in enumerate(games):
            seats = ["facilitator", "observer", *game.HUMANS, "gdm", "meta"]
            for n, seat in enumerate(seats[: self.size.sockets]):
                self.streams.follow(one.id, seat, one.tokens[seat], index + n)
            if game.command(self.http, one, {"command": "start"}) != 200:
                raise RuntimeError(f"could not start {one.id}")
        return games

    def play_all(self, games: list[Game], turns: int) -> list[threading.Thread]:
        """Each exercise played `turns` turns in a thread of its own, started now."""
        threads = [
            threading.Thread(target=self._play, args=(one, turns), daemon=True) for one in games
        ]
        for thread in threads:
            thread.start()
        return threads

    def _play(self, one: Game, turns: int) -> None:
        try:
            game.play(self.http, self.ledger, one, turns, self.size.bound)
        except Exception as error:  # the report names it; the run goes on to its checks
            one.stuck.append(f"play stopped: {error}")
        finally:
            from django.db import connection

            connection.close()

    def finish(self, name: str, games: list[Game], threads: list[threading.Thread]) -> Result:
        join(threads, self.size.bound * (self.size.turns + 2))
        for thread in threads:
            if thread.is_alive():
                games[0].stuck.append("a player thread did not finish")
        findings = Findings()
        game.check_games(self.http, self.ledger, games, findings)
        game.check_sockets(self.http, self.streams.sockets, findings, self.size.bound)
        self.streams.stop()
        return Result(name, findings)


def join(threads: list[threading.Thread], seconds: float) -> None:
    """Wait for the threads, `seconds` in all."""
    give_up = time.monotonic() + seconds
    for thread in threads:
        thread.join(timeout=max(give_up - time.monotonic(), 0))


def resolved_count(games: list[Game]) -> int:
    from exercises.models import Turn

    ids = [one.id for one in games]
    return Turn.objects.filter(exercise__public_id__in=ids, phase="resolved").count()


def held_turn(marker: Path) -> Any:
    """The turn the slow worker is adjudicating, once it has said so in `marker`."""
    from exercises.models import Turn

    if not marker.exists() or not marker.read_text():
        return None
    return Turn.objects.get(pk=int(marker.read_text()))


def turn_resolved(turn_id: int) -> bool:
    from exercises.models import Turn

    return Turn.objects.filter(pk=turn_id, phase="resolved").exists()


def slow_worker(cluster: Cluster, **extra: str) -> Proc:
    settings = {"SLOW_WORKER_SECONDS": "0", "SLOW_BOTS_SECONDS": "0", **extra}
    return cluster.start_worker("faults.slow_worker", **settings)


# The scenarios --------------------------------------------------------------------------


def worker_killed_mid_adjudication(run: Run) -> Result:
    cluster = run.cluster
    marker = cluster.folder / "adjudication-held"
    doomed = slow_worker(cluster, SLOW_WORKER_SECONDS="600", SLOW_WORKER_MARKER=str(marker))
    cluster.start_beat()
    games = run.games(run.size.games, "killed mid-adjudication")
    threads = run.play_all(games, run.size.turns)
    turn = wait_until(lambda: held_turn(marker), run.size.bound, "a turn being adjudicated")
    doomed.kill()
    killed = time.monotonic()
    cluster.start_worker()
    wait_until(lambda: turn_resolved(turn.pk), run.size.bound * 2, "the claimed turn")
    recovery = time.monotonic() - killed
    result = run.finish("worker killed mid-adjudication", games, threads)
    result.recovery = recovery
    return result


def worker_killed_holding_bots(run: Run) -> Result:
    cluster = run.cluster
    marker = cluster.folder / "bots-held"
    doomed = slow_worker(cluster, SLOW_BOTS_SECONDS="600", SLOW_BOTS_MARKER=str(marker))
    cluster.start_beat()
    games = run.games(1, "killed holding bots")
    wait_until(marker.exists, run.size.bound, "the worker to hold a bots job")
    doomed.kill()
    killed = time.monotonic()
    cluster.start_worker()
    threads = run.play_all(games, run.size.turns)
    turn = wait_until(lambda: game.turn_row(games[0], 1), run.size.bound, "turn 1")
    try:
        wait_until(lambda: turn_resolved(turn.pk), run.size.bound, "turn 1 resolved")
        recovery: float | None = time.monotonic() - killed
    except Timeout:
        recovery = None
    result = run.finish("worker killed holding bots", games, threads)
    result.recovery = recovery
    return result


def redis_restarted_empty(run: Run) -> Result:
    cluster = run.cluster
    if not cluster.redis_port:
        raise SystemExit("redis-restart needs a Redis of its own (--redis-port), not --redis-url")
    cluster.start_worker()
    cluster.start_beat()
    games = run.games(run.size.games, "redis restarted")
    threads = run.play_all(games, run.size.turns + 1)
    wait_until(lambda: resolved_count(games) >= len(games), run.size.bound, "a turn each")
    redis = cluster.redis()
    assert redis is not None
    redis.kill()
    answered = sum(run.ledger.statuses.values())
    # Down until the clients have been answered a few times more (or a bound passes): the
    # fault must meet requests, however slowly this machine runs them.
    with contextlib.suppress(Timeout):
        wait_until(lambda: sum(run.ledger.statuses.values()) >= answered + 8, 10, "requests")
    cluster.start_redis()
    restarted = time.monotonic()
    before = resolved_count(games)
    wait_until(
        lambda: resolved_count(games) >= before + len(games),
        run.size.bound * 2,
        "a turn each after the restart",
    )
    recovery = time.monotonic() - restarted
    result = run.finish("redis killed, restarted empty", games, threads)
    result.recovery = recovery
    return result


def web_process_killed(run: Run) -> Result:
    cluster = run.cluster
    cluster.start_worker()
    cluster.start_beat()
    games = run.games(run.size.games, "web killed")
    threads = run.play_all(games, run.size.turns + 1)
    wait_until(lambda: resolved_count(games) >= len(games), run.size.bound, "a turn each")
    cluster.webs()[0].kill()
    killed = time.monotonic()
    before = resolved_count(games)
    wait_until(
        lambda: resolved_count(games) >= before + len(games),
        run.size.bound * 2,
        "a turn each after the kill",
    )
    recovery = time.monotonic() - killed
    result = run.finish("one of two web processes killed", games, threads)
    result.recovery = recovery
    return result


def reconnect_storm(run: Run) -> Result:
    cluster = run.cluster
    cluster.start_worker()
    cluster.start_beat()
    per_game = max(run.size.storm_sockets // run.size.storm_games, 1)
    games = game.create_games(run.size.storm_games, "storm")
    seats = ["facilitator", "observer", "anthropic", "openai", "gdm", "meta"]
    for index, one in enumerate(games):
        for n in range(per_game):
            seat = seats[n % len(seats)]
            run.streams.follow(one.id, seat, one.tokens[seat], index + n)
        game.command(run.http, one, {"command": "start"})
    connected = lambda: all(s.connections for s in run.streams.sockets)  # noqa: E731
    wait_until(connected, run.size.bound * 2, "every socket to connect")
    threads = run.play_all(games, run.size.turns)
    wait_until(lambda: resolved_count(games) >= 1, run.size.bound, "a turn")
    run.streams.drop_all()
    dropped = time.monotonic()
    wait_until(
        lambda: all(s.connections >= 2 for s in run.streams.sockets),
        run.size.bound * 2,
        "every socket to reconnect",
    )
    recovery = time.monotonic() - dropped
    result = run.finish(f"reconnect storm, {len(run.streams.sockets)} sockets", games, threads)
    result.recovery = recovery
    result.notes.append("recovery: from the drop to every socket reconnected and resumed")
    return result


def worker_paused_mid_adjudication(run: Run) -> Result:
    cluster = run.cluster
    release = cluster.folder / "release-adjudication"
    marker = cluster.folder / "adjudication-held"
    paused = slow_worker(
        cluster,
        SLOW_WORKER_SECONDS="600",
        SLOW_WORKER_UNTIL=str(release),
        SLOW_WORKER_MARKER=str(marker),
    )
    cluster.start_beat()
    stalled = run.games(1, "paused")
    stalled_threads = run.play_all(stalled, 1)
    turn = wait_until(lambda: held_turn(marker), run.size.bound, "a turn being adjudicated")
    paused.signal(signal.SIGSTOP)
    release.touch()  # read once the worker runs again
    cluster.start_worker()
    others = run.games(run.size.games, "playing on")
    # People of the stalled exercise keep asking while its row is locked.
    with ThreadPoolExecutor(4) as pool:
        probes = [pool.submit(probe, run, stalled[0]) for _ in range(4)]
        started = time.monotonic()
        threads = run.play_all(others, run.size.turns)
        join(threads, run.size.bound * (run.size.turns + 1))
        others_seconds = time.monotonic() - started
        others_resolved = resolved_count(others)
        waiting = lock_waits()
        paused.signal(signal.SIGCONT)
        resumed = time.monotonic()
        wait_until(lambda: turn_resolved(turn.pk), run.size.bound * 2, "the paused turn")
        recovery = time.monotonic() - resumed
        slowest_probe, status = max(p.result() for p in probes)
    result = run.finish(
        "worker paused mid-adjudication", stalled + others, stalled_threads + threads
    )
    result.recovery = recovery
    result.notes.append(f"just before SIGCONT, waiting on locks: {waiting or 'nothing'}")
    result.notes.append(
        f"while paused ({others_seconds:.1f} s) the other exercises resolved {others_resolved} "
        f"of {run.size.turns * len(others)} turns; "
        f"slowest request to the stalled exercise {slowest_probe:.1f} s (answered {status})"
    )
    return result


def lock_waits() -> str:
    """What the database's sessions wait on a lock for, by the start of their statement."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT left(query, 40), count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock' GROUP BY 1"
        )
        return ", ".join(f"{count} x {query}" for query, count in cursor.fetchall())


def probe(run: Run, stalled: Game) -> tuple[float, int]:
    """A move the stalled exercise's person tries while its row is locked: how long it took,
    and its status."""
    body = {"action": "free_form", "params": {}, "rationale": "probe", "idempotency_key": ""}
    # Its own ledger: a lock timeout may rightly answer 503 with Retry-After; the note says.
    answer = Http(run.http.urls, Ledger()).once(
        "POST", f"{game.API}{stalled.id}/moves", stalled.tokens["openai"], body
    )
    return answer.seconds, answer.status


def browsers(run: Run) -> Result:
    import http.cookiejar
    import urllib.request

    cluster = run.cluster
    cluster.start_worker()
    games = run.games(5, "browsers")
    seats = ["observer", *game.HUMANS]
    failures: list[str] = []

    def browse(n: int) -> float:
        one = games[n % len(games)]
        token = one.tokens[seats[n % len(seats)]]
        base = cluster.webs()[n % len(cluster.webs())].url
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        started = time.monotonic()
        # Labelled, not by path: a seat's link holds its token, which no output may show.
        pages = (("/join/…", f"/join/{token}"), ("/exercises/…/", f"/exercises/{one.id}/"))
        for label, path in pages:
            try:
                with opener.open(base + path, timeout=120) as page:
                    page.read()
                    run.ledger.record("GET", label, page.status)
            except urllib.error.HTTPError as error:
                run.ledger.record("GET", label, error.code)
            except OSError as error:
                failures.append(f"no answer: {error}")
        return time.monotonic() - started

    peak = [0]
    counting = threading.Event()
    counter = threading.Thread(target=count_connections, args=(peak, counting), daemon=True)
    counter.start()
    with ThreadPoolExecutor(run.size.browsers) as pool:
        seconds = list(pool.map(browse, range(run.size.browsers)))
    counting.set()
    counter.join(timeout=10)
    result = run.finish(f"{run.size.browsers} concurrent browsers", games, [])
    result.findings.problems.extend(sorted(set(failures))[:5])
    result.notes.append(f"slowest browser {max(seconds):.1f} s for join and page")
    result.notes.append(f"at most {peak[0]} connections to the database at once")
    return result


def count_connections(peak: list[int], stop: threading.Event) -> None:
    """The most sessions the database had at once, sampled until `stop`."""
    from django.db import connection

    try:
        while not stop.wait(0.1):
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                )
                peak[0] = max(peak[0], cursor.fetchone()[0])
    finally:
        connection.close()


def beats(run: Run) -> Result:
    cluster = run.cluster
    cluster.start_worker()
    beat = cluster.start_beat()
    # Turns close at their deadline only, which beat's sweep enforces.
    games = run.games(run.size.games, "beats", turn_seconds=3, close_when="deadline")
    threads = run.play_all(games, run.size.turns)
    wait_until(lambda: resolved_count(games) >= len(games), run.size.bound, "a turn each")
    beat.kill()
    killed = time.monotonic()
    cluster.start_beat()
    before = resolved_count(games)
    wait_until(lambda: resolved_count(games) >= before + 1, run.size.bound, "a turn after")
    recovery = time.monotonic() - killed
    cluster.start_beat()  # two at once from now on
    result = run.finish("beat killed, then two beats", games, threads)
    result.recovery = recovery
    return result


SCENARIOS: dict[str, Callable[[Run], Result]] = {
    "worker-kill-adjudication": worker_killed_mid_adjudication,
    "worker-kill-bots": worker_killed_holding_bots,
    "redis-restart": redis_restarted_empty,
    "web-kill": web_process_killed,
    "reconnect-storm": reconnect_storm,
    "worker-pause": worker_paused_mid_adjudication,
    "browsers": browsers,
    "beats": beats,
}
QUICK_SUBSET = ("worker-kill-adjudication", "web-kill")


def folder_for(root: Path, name: str) -> Path:
    folder = root / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder
