"""What an operator (a signed-in Django user) does outside any seat: find the exercises they
made, and replace a lost facilitator link."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from exercises.models import Exercise, Seat, hash_token

from . import events
from .creation import new_token
from .errors import Forbidden
from .locking import current_turn_number, locked


def exercises_of(user: Any) -> QuerySet[Exercise]:
    """The exercises `user` made, newest first."""
    rows = Exercise.objects.filter(created_by=user).select_related("snapshot")
    return rows.order_by("-created_at", "-pk")


def new_facilitator_token(user: Any, public_id: str) -> str:
    """A new facilitator token, returned once; the old one, and every browser and socket that
    held it, stop working. For the operator who made the exercise, or a superuser."""
    with events.write_transaction():
        exercise = locked(public_id)
        if not (user.is_superuser or (user.pk and exercise.created_by_id == user.pk)):
            raise Forbidden("only the operator who made this exercise may replace its link")
        old = Seat.objects.get(exercise=exercise, kind=Seat.Kind.FACILITATOR, revoked_at=None)
        old.revoked_at = timezone.now()
        old.save(update_fields=["revoked_at"])
        token = new_token()
        Seat.objects.create(
            exercise=exercise, kind=Seat.Kind.FACILITATOR, token_hash=hash_token(token)
        )
        # To the facilitator alone: the old holder's open sockets close on it.
        events.append(
            exercise,
            "seat.replaced",
            {"role": "facilitator", "bot": None},
            turn=current_turn_number(exercise),
            audience=events.FACILITATOR_ONLY,
        )
    return token
