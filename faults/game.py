"""Exercises played as clients play them, and the checks made on them afterwards.

The suite's own process reads the database (it is the test harness: it chooses the people's
moves from the state, as a careful player would, and waits on rows rather than on time), but
every write a player or the facilitator makes goes through the HTTP API.
"""

from __future__ import annotations

import contextlib
import functools
import json
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from faults.clients import Ack, Http, Ledger, Socket
from faults.cluster import Timeout, wait_until

HUMANS = ("anthropic", "openai")
API = "/api/v1/exercises/"


@dataclass
class Game:
    id: str
    tokens: dict[str, str]
    played: list[int] = field(default_factory=list)
    stuck: list[str] = field(default_factory=list)


def create_games(
    count: int, name: str, turn_seconds: int | None = None, close_when: str = "everyone_in"
) -> list[Game]:
    """`count` exercises of `ai-pause`, people in two roles and bots in the others, each turn
    closing once everyone is in (or at its deadline) and published at once; made as
    `create_exercise` makes them."""
    from exercises.services import creation

    scenario = creation.bundled("ai-pause")
    bots = {role: "no-pause" for role in scenario.role_ids if role not in HUMANS}
    games = []
    for n in range(count):
        created = creation.create_exercise(
            scenario,
            f"{name} {n}",
            seed=str(n + 1),
            bots=bots,
            turn_seconds=turn_seconds,
            close_when=close_when,
        )
        games.append(Game(created.exercise.public_id, dict(created.tokens)))
    return games


def command(http: Http, game: Game, body: dict[str, Any]) -> int:
    return http.call("POST", f"{API}{game.id}/control", game.tokens["facilitator"], body).status


def turn_row(game: Game, number: int) -> Any:
    from exercises.models import Turn

    return Turn.objects.filter(exercise__public_id=game.id, number=number).first()


def finished(game: Game) -> bool:
    from exercises.models import Exercise

    return Exercise.objects.get(public_id=game.id).status == Exercise.Status.FINISHED


def play_people(http: Http, ledger: Ledger, game: Game, number: int) -> None:
    """The people's moves of turn `number`, then each says it is ready."""
    from exercises import engine
    from exercises.models import Exercise
    from exercises.services.scenarios import scenario_of, state_of

    exercise = Exercise.objects.select_related("snapshot").get(public_id=game.id)
    scenario, state = scenario_of(exercise), state_of(exercise)
    for role in HUMANS:
        token = game.tokens[role]
        chosen = engine.choose_moves(scenario, state, role, "all-labs-pause", exercise.seed)
        for index, move in enumerate(chosen):
            key = f"{role}-{number}-{index}"
            body = {
                "action": move.action,
                "params": dict(move.params),
                "rationale": move.text,
                "idempotency_key": key,
            }
            answer = http.call("POST", f"{API}{game.id}/moves", token, body)
            if answer.status in (200, 201):
                ledger.ack(Ack(game.id, role, key, answer.body["id"]))
        http.call("POST", f"{API}{game.id}/ready", token, {})


def play_turn(http: Http, ledger: Ledger, game: Game, number: int, bound: float) -> float:
    """Turn `number` played to its result; how long from the people's last word to the result.

    A turn that does not close within `bound` (its bots never moved, say) is recorded as stuck
    and closed by the facilitator, so that a run finds every failure and still ends."""
    wait_until(lambda: turn_row(game, number), bound, f"turn {number} of {game.id} to open")
    play_people(http, ledger, game, number)
    started = time.monotonic()

    def resolved() -> bool:
        turn = turn_row(game, number)
        return bool(turn and turn.phase == "resolved")

    try:
        wait_until(resolved, bound, f"turn {number} of {game.id} to be resolved", every=0.1)
    except Timeout:
        game.stuck.append(
            f"turn {number} not resolved within {bound:g} s (phase {turn_row(game, number).phase})"
        )
        command(http, game, {"command": "close_turn", "anyway": True})
        wait_until(resolved, bound, f"turn {number} of {game.id} to be resolved", every=0.1)
    game.played.append(number)
    return time.monotonic() - started


def play(http: Http, ledger: Ledger, game: Game, turns: int, bound: float) -> list[float]:
    """Up to `turns` turns from the one open now, the facilitator opening each next one."""
    first = len(game.played) + 1
    seconds = []
    for number in range(first, first + turns):
        seconds.append(play_turn(http, ledger, game, number, bound))
        if finished(game) or number == first + turns - 1:
            break
        if command(http, game, {"command": "open_next_turn"}) == 409:
            # A retried request whose first attempt opened it, or a conflict: the row says.
            wait_until(functools.partial(turn_row, game, number + 1), bound, "the next turn")
    return seconds


# Checks ---------------------------------------------------------------------------------


@dataclass
class Findings:
    acknowledged: int = 0
    lost: int = 0
    duplicated: int = 0
    server_errors: int = 0
    problems: list[str] = field(default_factory=list)


def export_of(http: Http, game: Game) -> dict[str, Any]:
    answer = http.call("GET", f"{API}{game.id}/export?format=json", game.tokens["facilitator"])
    if answer.status != 200:
        raise RuntimeError(f"export of {game.id} answered {answer.status}")
    body: dict[str, Any] = answer.body
    return body


def check_games(http: Http, ledger: Ledger, games: list[Game], findings: Findings) -> None:
    """Nothing acknowledged lost, nothing done twice, every turn resolved exactly once, and
    every export re-adjudicates to what it records."""
    from exercises.models import Event, Move

    findings.acknowledged += len(ledger.acks)
    from exercises.engine.replay import verify_export

    for game in games:
        exported = export_of(http, game)
        _, differences = verify_export(exported)
        findings.problems.extend(f"{game.id} export: {d}" for d in differences[:5])
        ids = [move["id"] for turn in exported["turns"] for move in turn["moves"]]
        for ack in (a for a in ledger.acks if a.exercise == game.id):
            if ack.move not in ids or not Move.objects.filter(public_id=ack.move).exists():
                findings.lost += 1
                findings.problems.append(f"lost: {game.id} {ack.role} {ack.key} {ack.move}")
        doubled = len(ids) - len(set(ids))
        keyed = Counter(
            Move.objects.filter(exercise__public_id=game.id)
            .exclude(idempotency_key="")
            .values_list("seat_id", "idempotency_key")
        )
        doubled += sum(count - 1 for count in keyed.values())
        adjudicated = Counter(
            Event.objects.filter(exercise__public_id=game.id, type="turn.adjudicated").values_list(
                "turn", flat=True
            )
        )
        for turn, count in adjudicated.items():
            if count != 1:
                doubled += count - 1
                findings.problems.append(f"{game.id} turn {turn} adjudicated {count} times")
        closed = Counter(
            Event.objects.filter(exercise__public_id=game.id, type="turn.closed").values_list(
                "turn", flat=True
            )
        )
        for turn, count in closed.items():
            if count != 1:
                doubled += count - 1
                findings.problems.append(f"{game.id} turn {turn} closed {count} times")
        for number in game.played:
            if adjudicated.get(number) != 1:
                findings.problems.append(f"{game.id} turn {number}: no turn.adjudicated")
        findings.duplicated += doubled
        findings.problems.extend(f"{game.id}: {stuck}" for stuck in game.stuck)
    findings.server_errors = sum(n for status, n in ledger.statuses.items() if status >= 500)
    findings.problems.extend(sorted(set(ledger.server_errors))[:10])


def events_for(http: Http, game_id: str, token: str) -> list[int]:
    seqs: list[int] = []
    while True:
        answer = http.call("GET", f"{API}{game_id}/events?since={seqs[-1] if seqs else 0}", token)
        page = [event["seq"] for event in answer.body["events"]]
        if not page:
            return seqs
        seqs += page


def caught_up(sock: Socket, seq: int) -> bool:
    return sock.last >= seq


def check_sockets(http: Http, sockets: list[Socket], findings: Findings, bound: float) -> float:
    """Every socket received every event its seat may see, once, in order; how long the last
    one took to catch up (counted from this call)."""
    started = time.monotonic()
    seats = sorted({(s.exercise, s.token) for s in sockets})
    with ThreadPoolExecutor(8) as pool:
        logs = pool.map(lambda seat: events_for(http, *seat), seats)
        expected = dict(zip(seats, logs, strict=True))
    for sock in sockets:
        want = expected[(sock.exercise, sock.token)]
        with contextlib.suppress(Timeout):
            wait_until(
                functools.partial(caught_up, sock, want[-1] if want else 0),
                bound,
                f"socket {sock.seat} of {sock.exercise} to catch up",
                every=0.1,
            )
        # Events written after `want` was read (a bot's move in a turn just opened) are not
        # the socket's to have been shown yet.
        got = [seq for seq in sock.seqs if not want or seq <= want[-1]]
        if got != want:
            missing = sorted(set(want) - set(got))
            twice = len(got) - len(set(got))
            findings.problems.append(
                f"socket {sock.seat} of {sock.exercise}: {len(missing)} missing "
                f"(first {missing[:5]}), {twice} twice, {sock.connections} connections, "
                f"errors {json.dumps(sock.errors[-3:])}"
            )
            findings.lost += len(missing)
            findings.duplicated += twice
    return time.monotonic() - started
