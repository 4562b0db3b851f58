"""Bots play the seats the facilitator gives them, through the same road as players.

They move in a job (`play_bots`) that a turn's opening, a resume or a seat handed to a bot asks
for (`turns.schedule_bots`).
"""

from __future__ import annotations

from exercises import engine
from exercises.models import Exercise, Job, Move, Seat

from . import jobs
from .errors import ServiceError
from .locking import current_turn
from .moves import declare_ready, submit_move
from .scenarios import scenario_of, state_of


@jobs.handler(Job.Kind.PLAY_BOTS)
def _play_bots_job(job: Job) -> bool:
    assert job.exercise is not None  # bots play in an exercise
    play_bots(job.exercise.public_id)
    return True


def play_bots(public_id: str) -> int:
    """Submit the moves of every bot seat that has not moved this turn; return how many."""
    exercise = Exercise.objects.get(public_id=public_id)
    turn = current_turn(exercise)
    if turn is None or turn.phase != turn.Phase.OPEN or exercise.status != "running":
        return 0
    scenario = scenario_of(exercise)
    state = state_of(exercise)
    made = 0
    for seat in exercise.seats.exclude(bot_policy="").filter(revoked_at=None, kind="role"):
        # By role, not seat: a bot given a role mid-turn has a seat of its own, and the moves
        # the role's player already made this turn are the role's.
        moved = Move.objects.filter(turn=turn, role=seat.role).exclude(status=Move.Status.WITHDRAWN)
        if seat.role in turn.ready or moved.exists():
            continue
        key_base = f"bot-{turn.number}-{seat.role}"
        moves = engine.choose_moves(scenario, state, seat.role, seat.bot_policy, exercise.seed)
        try:
            for index, move in enumerate(moves):
                submit_move(
                    seat,
                    move.action,
                    dict(move.params),
                    move.text,
                    f"{key_base}-{index}",
                    as_bot=True,
                )
                made += 1
            declare_ready(seat, as_bot=True)
        except ServiceError:
            continue  # the turn closed under it, or the state moved on: next turn, then
    return made


def is_bot(seat: Seat) -> bool:
    return seat.is_bot
