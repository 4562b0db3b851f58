"""The difference test over the live stream: a secret move sends no other seat a frame.

Each bundled scenario is played twice from one seed, once with its actor's secret act and once
without, through a turn's adjudication, while every other seat (every other role and the
observer) holds a socket resumed from the start. The frames each receives up to a closing
inject must be the same, once ids, times and seq ranks are normalised
(tests/secrets/difference.py).
"""

from __future__ import annotations

import json

import pytest

from exercises.models import Move
from exercises.services import commands, creation, moves, seats
from tests.live.conftest import Game, act, connect, play
from tests.secrets.difference import Normaliser, first_difference

CASES = {
    "ai-pause": (
        "anthropic",
        "press_pause_button",
        [("openai", "run_safety_evals"), ("anthropic", "run_safety_evals")],
    ),
    "lab-crisis": (
        "safety_lead",
        "signal_whistleblow",
        [("ceo", "steering_vectors"), ("safety_lead", "honeypot_evals")],
    ),
}


def _start(scenario: str) -> Game:
    made = creation.create_exercise(creation.bundled(scenario), "Stream", seed="same")
    commands.start(seats.seat_by_token(made.tokens["facilitator"]))
    return Game(made.exercise.public_id, made.tokens)


def _play_turn(game: Game, scenario: str, with_secret: bool) -> None:
    actor, secret, made = CASES[scenario]
    for index, (role, action) in enumerate(made):
        moves.submit_move(game.seat(role), action, {}, "", action)
        if with_secret and index == 0:
            moves.submit_move(game.seat(actor), secret, {}, "", secret)
    for name in game.tokens:
        if name not in ("facilitator", "observer"):
            moves.declare_ready(game.seat(name))
    commands.inject(game.seat("facilitator"), None, "END", "The end of the test.")


def _frames(scenario: str, with_secret: bool) -> dict[str, str]:
    """Each other seat's frames, normalised, and the actor's."""

    async def run() -> dict[str, list[dict[str, object]]]:
        game = await act(_start, scenario)
        names = [n for n in game.tokens if n != "facilitator"]
        sockets = {name: await connect(game, name, since=0) for name in names}
        await act(_play_turn, game, scenario, with_secret)
        seen: dict[str, list[dict[str, object]]] = {}
        for name, socket in sockets.items():
            frames = [await socket.next()]
            while frames[-1]["type"] != "inject" or frames[-1]["data"]["title"] != "END":
                frames.append(await socket.next())
            seen[name] = frames
            await socket.close()
        ids = [game.public_id, *game.tokens.values()]
        ids += await act(
            lambda: list(
                Move.objects.filter(exercise__public_id=game.public_id).values_list(
                    "public_id", flat=True
                )
            )
        )
        seen["<ids>"] = [{"id": i} for i in ids]
        return seen

    seen = play(run)
    ids = [str(i["id"]) for i in seen.pop("<ids>")]
    out = {}
    for name, frames in seen.items():
        normal = Normaliser(ids, [int(str(f["seq"])) for f in frames])
        out[name] = normal(json.dumps(frames, sort_keys=True))
    return out


@pytest.mark.parametrize("scenario", sorted(CASES))
def test_a_secret_move_sends_no_other_seat_a_frame(transactional_db: None, scenario: str) -> None:
    actor = CASES[scenario][0]
    pressed = _frames(scenario, True)
    quiet = _frames(scenario, False)
    for name in pressed:
        if name != actor:
            assert pressed[name] == quiet[name], first_difference(pressed[name], quiet[name])
    assert '"turn.adjudicated"' in pressed["observer"]  # the turn was played out
    # The comparison can fail: the actor's own stream shows its act.
    assert pressed[actor] != quiet[actor]
    assert CASES[scenario][1] in pressed[actor]
