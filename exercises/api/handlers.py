"""One function per route: call one use case, shape what it returns. No game logic here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from exercises import throttle
from exercises.models import Message, Ruling
from exercises.services import (
    commands,
    export_cache,
    injects,
    messages,
    move_checks,
    moves,
    notes,
    projection,
    review,
    turns,
)
from exercises.services import fork as forks
from exercises.services.errors import NotFound

from . import schemas as s
from .errors import ApiError
from .table import Call, Reply


def exercise_view(call: Call) -> Reply:
    return Reply(200, projection.exercise_view(call.caller))


def submit_move(call: Call) -> Reply:
    body = call.body_as(s.MoveRequest)
    move, created = moves.submit_move(
        call.caller,
        body.action,
        body.params,
        body.rationale,
        body.idempotency_key,
        replaces=body.replaces,
    )
    return Reply(201 if created else 200, projection.move_dict(move))


def check_moves(call: Call) -> Reply:
    body = call.body_as(s.MoveChecksRequest)
    checks = [c.model_dump() for c in body.checks]
    return Reply(200, {"checks": move_checks.check_moves(call.caller, checks)})


def withdraw_move(call: Call) -> Reply:
    move = moves.withdraw_move(call.caller, call.args["move"])
    return Reply(200, projection.move_dict(move))


def declare_ready(call: Call) -> Reply:
    moves.declare_ready(call.caller)
    return Reply(200, {"ok": True})


def vote(call: Call) -> Reply:
    body = call.body_as(s.VoteRequest)
    cast = moves.vote(call.caller, call.args["move"], body.chance)
    return Reply(200, {"move": call.args["move"], "chance": cast.chance})


def events(call: Call) -> Reply:
    query = call.query_as(s.EventsQuery)
    return Reply(200, {"events": projection.events_for(call.caller, query.since)})


def export(call: Call) -> Reply:
    format = call.query_as(s.ExportQuery).format
    found = export_cache.find(call.caller, format)
    if found.etag is not None and found.etag in if_none_match(call.request):
        # The copy the caller holds is the current one: nothing to build or send, no charge.
        return Reply(304, {}, headers={"ETag": found.etag})
    throttle.export_allowed(call.caller.pk)
    built = export_cache.export_file(call.caller, found)
    throttle.export_cost(call.caller.pk, built.size)
    headers = {
        "ETag": built.etag,
        "Content-Type": built.content_type,
        "Content-Disposition": f'attachment; filename="{built.filename}"',
    }
    return Reply(200, {}, file=built.file, headers=headers)


def if_none_match(request: HttpRequest) -> list[str]:
    header = request.headers.get("If-None-Match", "")
    return [tag.strip().removeprefix("W/") for tag in header.split(",")]


def post_message(call: Call) -> Reply:
    body = call.body_as(s.MessageRequest)
    message = messages.post_message(call.caller, body.to or [], body.body, body.channel)
    return Reply(201, message_dict(message))


def message_dict(message: Message) -> dict[str, Any]:
    return {
        "id": message.pk,
        "turn": message.turn,
        "from": message.sender,
        "to": "all" if message.to_all else message.recipients,
        "channel": message.channel or None,
        "body": message.body,
    }


def rule_on_move(call: Call) -> Reply:
    body = call.body_as(s.RulingRequest)
    ruling = moves.rule_on_move(
        call.caller,
        body.move,
        chance=body.chance,
        outcome=body.outcome,
        narrative=body.narrative,
        failure_narrative=body.failure_narrative,
        changes=[c.model_dump(exclude_none=True) for c in body.changes or []],
        audience=body.audience,
    )
    return Reply(200, ruling_dict(body.move, ruling))


def ruling_dict(move_id: str, ruling: Ruling) -> dict[str, Any]:
    return {
        "move": move_id,
        "chance": ruling.chance,
        "outcome": ruling.outcome or None,
        "narrative": ruling.narrative,
        "failure_narrative": ruling.failure_narrative,
        "changes": ruling.changes,
        "audience": ruling.audience,
    }


def add_note(call: Call) -> Reply:
    body = call.body_as(s.NoteRequest)
    note = notes.add_note(
        call.caller, body.text, kind=body.kind, turn=body.turn, event_seq=body.event_seq
    )
    return Reply(201, notes.note_dict(note))


def edit_note(call: Call) -> Reply:
    body = call.body_as(s.NoteEdit)
    note = notes.edit_note(call.caller, _note_id(call), body.text, body.kind)
    return Reply(200, notes.note_dict(note))


def delete_note(call: Call) -> Reply:
    return Reply(200, notes.delete_note(call.caller, _note_id(call)))


def _note_id(call: Call) -> int:
    if not call.args["note"].isdigit():
        raise NotFound("there is no such note")
    return int(call.args["note"])


def control(call: Call) -> Reply:
    command = call.body_as(s.ControlRequest).root
    run = COMMANDS.get(command.command)
    if run is None:
        # The schema lets a command through that no handler runs: refuse it as unknown, before
        # anything changes, rather than fail with a 500. A test keeps the two lists equal.
        raise ApiError(400, "unknown_command", f"there is no command {command.command!r}")
    return run(call, command)


def _done(run: Callable[..., Any]) -> Callable[[Call, Any], Reply]:
    """A command that answers `{"ok": true}` once the use case has run."""

    def command(call: Call, body: Any) -> Reply:
        run(call.caller, body)
        return Reply(200, {"ok": True})

    return command


def replace_seat(call: Call, body: Any) -> Reply:
    token = commands.replace_seat(call.caller, body.role, body.bot_policy)
    if token is None:
        return Reply(200, {"ok": True})
    # The new player's link, shown this once: only its hash is stored.
    url = call.request.build_absolute_uri(reverse("join", args=[token]))
    return Reply(200, {"token": token, "url": url})


def fork(call: Call, body: Any) -> Reply:
    created = forks.fork_exercise(
        call.caller, body.turn, name=body.name, new_seed=body.new_seed, bots=body.bots
    )
    # The fork's links, shown this once: only their hashes are stored.
    link = call.request.build_absolute_uri
    seats = {
        name: {"token": token, "url": link(reverse("join", args=[token]))}
        for name, token in created.tokens.items()
    }
    new = created.exercise
    return Reply(200, {"id": new.public_id, "name": new.name, "seats": seats})


# Each facilitator command by its name, as the request's "command" field gives it.
COMMANDS: dict[str, Callable[[Call, Any], Reply]] = {
    "start": _done(lambda seat, _: commands.start(seat)),
    "close_turn": _done(lambda seat, b: turns.close_turn(seat, anyway=b.anyway)),
    "open_next_turn": _done(lambda seat, _: turns.open_next_turn(seat)),
    "pause": _done(lambda seat, _: commands.pause(seat)),
    "resume": _done(lambda seat, _: commands.resume(seat)),
    "finish": _done(lambda seat, _: commands.finish(seat)),
    "extend": _done(lambda seat, b: commands.extend(seat, b.seconds)),
    "inject": _done(lambda seat, b: commands.inject(seat, b.inject, b.title, b.text, b.to)),
    "schedule_inject": _done(lambda seat, b: injects.schedule_inject(seat, b.inject, b.turn)),
    "skip_inject": _done(lambda seat, b: injects.skip_inject(seat, b.inject)),
    "edit_inject": _done(
        lambda seat, b: injects.edit_inject(
            seat, b.inject, b.changes.model_dump(exclude_unset=True)
        )
    ),
    "set_state": _done(lambda seat, b: commands.set_state(seat, b.variable, b.value, b.reason)),
    "replace_seat": replace_seat,
    "fork": fork,
    "set_options": _done(
        lambda seat, b: review.set_options(seat, close_when=b.close_when, review=b.review)
    ),
    "publish": _done(lambda seat, b: review.publish(seat, anyway=b.anyway)),
    "override": _done(lambda seat, b: review.override(seat, b.move, b.outcome, b.reason)),
    "reroll": _done(lambda seat, b: review.reroll(seat, b.move, b.reason)),
    "edit_narrative": _done(
        lambda seat, b: review.edit_narrative(seat, b.line, b.text, b.audience)
    ),
}
