"""Locking an exercise before a write, and the reads every use case makes under that lock.

Every write starts by locking the exercise row (`locked`), so writes to one exercise are
serialised: on PostgreSQL by the row lock, on SQLite by the immediate transaction every atomic
block opens (settings). Checks made after the lock cannot be invalidated before commit.
"""

from __future__ import annotations

from django.conf import settings
from django.db import OperationalError, connection

from exercises.models import Exercise, Seat, Turn

from . import rows
from .errors import Busy, Forbidden, NotFound, Unauthorized
from .scenarios import role_name


def locked(public_id: str) -> Exercise:
    """The exercise, locked for the rest of the transaction; `Busy` if another transaction
    holds it for longer than WARGAME_LOCK_TIMEOUT (PostgreSQL)."""
    limit_lock_waits()
    try:
        return Exercise.objects.select_for_update().get(public_id=public_id)
    except Exercise.DoesNotExist:
        raise NotFound("there is no such exercise") from None
    except OperationalError as exc:
        if not is_lock_timeout(exc):
            raise
        raise Busy(
            "this exercise is busy (a turn is being adjudicated, most likely); nothing was "
            f"changed: try again in {Busy.retry_after} s"
        ) from exc


def limit_lock_waits() -> None:
    """Bound how long the rest of this transaction waits for any lock. A stalled worker may
    hold an exercise's lock indefinitely: the requests queued behind it would hold every
    server thread, and every other exercise would wait for a thread."""
    if connection.vendor == "postgresql":
        milliseconds = max(1, round(float(settings.WARGAME_LOCK_TIMEOUT) * 1000))
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = {milliseconds}")


def is_lock_timeout(error: BaseException) -> bool:
    """Whether PostgreSQL gave up waiting for a lock (SQLSTATE 55P03)."""
    return getattr(error.__cause__, "sqlstate", None) == "55P03"


def locked_for(seat: Seat, *, as_bot: bool = False) -> Exercise:
    """The exercise, locked, once the seat is known to still be the caller's: a request may
    have waited for the lock while its seat was revoked or given to a bot."""
    fresh = _locked_seat(seat)
    _check_still_yours(seat, fresh.revoked_at is not None, fresh.bot_policy, as_bot=as_bot)
    return fresh.exercise


def locked_with_turn(seat: Seat, *, as_bot: bool = False) -> tuple[Exercise, Turn | None]:
    """`locked_for` and `current_turn` together: in one query on SQLite, where the immediate
    transaction already holds the only write lock, since moves are the hottest write."""
    if connection.vendor == "sqlite":
        found = rows.current_turn_of_seat(seat.pk)
        if found is not None:
            turn, revoked, bot_policy = found
            _check_still_yours(seat, revoked, bot_policy, as_bot=as_bot)
            return turn.exercise, turn
    exercise = locked_for(seat, as_bot=as_bot)
    return exercise, current_turn(exercise)


def _check_still_yours(seat: Seat, revoked: bool, bot_policy: str, *, as_bot: bool) -> None:
    if revoked:
        raise Unauthorized("this seat has been given to someone else")
    if bot_policy and not as_bot:
        raise Forbidden(f"{role_name(seat.exercise, seat.role)} is played by a bot")
    seat.bot_policy = bot_policy


def _locked_seat(seat: Seat) -> Seat:
    """The seat as it is now, with its exercise locked."""
    if connection.vendor == "sqlite":
        # The immediate transaction already holds SQLite's one write lock, so nothing can
        # change under this read: one query gives the fresh seat and its exercise.
        fresh = Seat.objects.select_related("exercise").filter(pk=seat.pk).first()
    else:
        # On PostgreSQL the seat is read after the exercise lock is granted: read in the
        # same statement, it would be the version from before the wait, missing a revocation.
        exercise = locked(seat.exercise.public_id)
        fresh = Seat.objects.filter(pk=seat.pk).first()
        if fresh is not None:
            fresh.exercise = exercise
    if fresh is None:
        raise Unauthorized("this seat no longer exists")
    return fresh


def current_turn(exercise: Exercise) -> Turn | None:
    return exercise.turns.order_by("-number").first()


def current_turn_number(exercise: Exercise) -> int:
    return exercise.turns.order_by("-number").values_list("number", flat=True).first() or 0


def require_facilitator(seat: Seat) -> None:
    if seat.kind != Seat.Kind.FACILITATOR:
        raise Forbidden("only the facilitator steers the exercise")
