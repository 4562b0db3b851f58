"""Who holds a seat: a token (a link or a bearer header) or a browser session, and joining."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from exercises.models import Exercise, Seat, hash_token

from . import events, rows
from .errors import Forbidden, NotFound, Unauthorized
from .locking import current_turn_number, locked


def authenticate(public_id: str, token: str | None) -> Seat:
    """The seat this token opens in this exercise: 401 without a valid token, 403 for a seat
    of another exercise, 404 when the exercise does not exist."""
    if not token:
        raise Unauthorized("a seat token is needed")
    seat = rows.seat_by_token_hash(hash_token(token))
    if seat is None or seat.revoked_at is not None:
        raise Unauthorized("this token does not open any seat")
    if seat.exercise.public_id != public_id:
        if not Exercise.objects.filter(public_id=public_id).exists():
            raise NotFound("there is no such exercise")
        raise Forbidden("this token is for another exercise")
    return seat


def seat_by_token(token: str) -> Seat:
    seat = rows.seat_by_token_hash(hash_token(token))
    if seat is None or seat.revoked_at is not None:
        raise Unauthorized("this link does not open any seat")
    return seat


def seat_in_session(seats: Mapping[str, Any], public_id: str) -> Seat:
    """The seat a browser holds in this exercise: `seats` is what `/join/<token>` put in its
    session, {exercise public id: seat pk}."""
    seat_pk = seats.get(public_id)
    if seat_pk is None:
        raise Unauthorized("a seat token is needed (or open your /join/ link in this browser)")
    seat = (
        Seat.objects.select_related("exercise")
        .filter(pk=seat_pk, exercise__public_id=public_id, revoked_at=None)
        .first()
    )
    if seat is None:
        raise Unauthorized("this browser's seat was given to someone else; ask for a new link")
    return seat


def join(seat: Seat) -> Seat:
    """Mark the seat as joined (first use of its link or token)."""
    if seat.joined_at is not None:
        return seat
    with events.write_transaction():
        exercise = locked(seat.exercise.public_id)
        updated = Seat.objects.filter(pk=seat.pk, joined_at=None).update(joined_at=timezone.now())
        if updated:
            events.append(
                exercise,
                "seat.joined",
                {"seat": seat.name},
                turn=current_turn_number(exercise),
                audience=events.FACILITATOR_ONLY,
            )
    seat.refresh_from_db()
    return seat
