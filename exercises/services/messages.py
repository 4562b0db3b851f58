"""Messages between roles: to one, several or all, and on a met commitment's private channel."""

from __future__ import annotations

from exercises.engine import FACILITATOR, Scenario
from exercises.models import Exercise, Message, Seat

from . import events
from .errors import Conflict, Forbidden, Invalid
from .locking import current_turn_number, locked_for
from .scenarios import scenario_of, state_of

MAX_BODY = 10_000


def post_message(seat: Seat, to: list[str] | str, body: str, channel: str | None = None) -> Message:
    if seat.kind == Seat.Kind.OBSERVER:
        raise Forbidden("observers do not send messages")
    sender = seat.role if seat.kind == Seat.Kind.ROLE else FACILITATOR
    if not isinstance(body, str) or not body.strip():
        raise Invalid("a message needs a body")
    if len(body) > MAX_BODY:
        raise Invalid(f"a message is at most {MAX_BODY} characters")
    with events.write_transaction():
        exercise = locked_for(seat)
        if exercise.status == Exercise.Status.FINISHED:
            raise Conflict("the exercise has finished: no more messages", code="not_open")
        scenario = scenario_of(exercise)
        if channel:
            recipients = _channel_members(exercise, channel, sender)
            to_all = False
        elif to == "all":
            recipients, to_all = list(scenario.role_ids), True
        else:
            recipients, to_all = _named(scenario, to, sender), False
        message = Message.objects.create(
            exercise=exercise,
            turn=current_turn_number(exercise),
            sender=sender,
            recipients=recipients,
            to_all=to_all,
            channel=channel or "",
            body=body,
        )
        audience = (
            events.EVERYONE
            if to_all
            else events.to_roles(*recipients, *([sender] if seat.role else []))
        )
        events.append(
            exercise,
            "message.posted",
            {
                "id": message.pk,
                "from": sender,
                "to": "all" if to_all else recipients,
                "channel": channel or None,
                "body": body,
            },
            turn=message.turn,
            audience=audience,
        )
    return message


def _named(scenario: Scenario, to: object, sender: str) -> list[str]:
    roles = scenario.role_ids
    if not isinstance(to, list) or not to or not all(isinstance(r, str) for r in to):
        raise Invalid('to must be "all" or a list of role ids')
    unknown = [r for r in to if r not in roles]
    if unknown:
        raise Invalid(f"there is no role {unknown[0]!r}")
    return [r for r in roles if r in set(to)]


def _channel_members(exercise: Exercise, channel: str, sender: str) -> list[str]:
    state = state_of(exercise)
    if channel not in state.met:
        raise Forbidden("there is no open channel by that name")
    members = list(state.commitments.get(channel, ()))
    if sender != FACILITATOR and sender not in members:
        raise Forbidden("only the commitment's members use its channel")
    return members
