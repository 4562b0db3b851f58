"""Restoring an exercise from the facilitator's export (`manage.py import_exercise`).

Every row comes back as it was: the exercise under its own id, its seats, turns, moves,
rulings, votes, messages, notes and its whole event log with the same seqs, times and
audiences, so that exporting the restored exercise gives the same bytes again. Only the
tokens are new (the export never holds them): every seat still in use gets one, shown once.
Restoring writes no event of its own, for that reason; nothing is published, since no one can
be following an exercise that did not exist.

The exercise keeps its id unless that id (or one of its moves' ids) is taken on this server;
then `new_ids=True` restores it under fresh ids, rewritten throughout the export.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import datetime
from typing import Any

from django.db import models

from exercises.engine import ScenarioLoadError, load_scenario_text
from exercises.models import (
    Event,
    Exercise,
    Message,
    Move,
    Note,
    ProbabilityVote,
    Ruling,
    Seat,
    Turn,
    hash_token,
    new_public_id,
)

from . import drafts, events
from .creation import Created, new_token, snapshot_for
from .errors import Conflict, Invalid
from .export import FORMAT_VERSION
from .turns import outcome_of, unruled


def import_exercise(export: Any, *, new_ids: bool = False) -> Created:
    """The exercise restored, and a fresh token for every seat not revoked."""
    _check(export)
    if new_ids:
        export = _with_new_ids(export)
    exercise_data = export["exercise"]
    try:
        scenario = load_scenario_text(exercise_data["scenario"]["text"], "export")
    except ScenarioLoadError as exc:
        raise Invalid(f"the export's scenario does not load:\n{exc}") from exc
    with events.write_transaction():
        _check_free(export)
        exercise = _exercise(exercise_data, snapshot_for(scenario))
        seats, tokens = _seats(exercise, export["seats"])
        for turn in export["turns"]:
            _turn(exercise, turn, seats)
        _messages(exercise, export["messages"], scenario.role_ids)
        _events(exercise, export["events"])
        _notes(exercise, export["notes"])
    return Created(exercise, tokens)


def _check(export: Any) -> None:
    if not isinstance(export, dict) or export.get("format_version") != FORMAT_VERSION:
        raise Invalid(f"not an export in format version {FORMAT_VERSION}")
    if export.get("exported_for") != "facilitator":
        raise Invalid(
            f"this is the {export.get('exported_for')}'s export, which holds only what that "
            "seat saw: only the facilitator's export can be restored"
        )
    text = export["exercise"]["scenario"]["text"]
    if hashlib.sha256(text.encode()).hexdigest() != export["exercise"]["scenario"]["sha256"]:
        raise Invalid("the scenario text does not match its sha256: it was changed")


def _check_free(export: dict[str, Any]) -> None:
    public_id = export["exercise"]["id"]
    if Exercise.objects.filter(public_id=public_id).exists():
        raise Conflict(f"an exercise {public_id} exists already (restore it with new ids)")
    move_ids = [m["id"] for t in export["turns"] for m in t["moves"]]
    if Move.objects.filter(public_id__in=move_ids).exists():
        raise Conflict("some of its moves exist already (restore it with new ids)")


def _with_new_ids(export: dict[str, Any]) -> dict[str, Any]:
    """The export with a new exercise id and new move ids, wherever they appear (events carry
    move ids). Ids are random hex, so replacing their text replaces nothing else."""
    old = [export["exercise"]["id"], *(m["id"] for t in export["turns"] for m in t["moves"])]
    text = json.dumps(export)
    for old_id in old:
        text = text.replace(f'"{old_id}"', f'"{new_public_id()}"')
    renamed: dict[str, Any] = json.loads(text)
    return renamed


def _exercise(data: dict[str, Any], snapshot: Any) -> Exercise:
    exercise = Exercise.objects.create(
        public_id=data["id"],
        name=data["name"],
        snapshot=snapshot,
        seed=data["seed"],
        status=data["status"],
        turn_seconds=data["turn_seconds"],
        auto_advance=data["auto_advance"],
        # Exports older than these options: the behaviour they were played with.
        close_when=data.get("close_when", Exercise.CloseWhen.EVERYONE_IN),
        review=data.get("review", False),
        state=data["state"],
        ending=data["ending"] or "",
        last_seq=data["last_seq"],
        paused_remaining=data["paused_remaining"],
    )
    _stamp([exercise], created_at=[data["created_at"]])
    return exercise


def _seats(
    exercise: Exercise, data: list[dict[str, Any]]
) -> tuple[list[tuple[Seat, dict[str, Any]]], dict[str, str]]:
    seats, tokens = [], {}
    for row in data:
        # A revoked seat gets a token nobody is shown: it opens nothing, as before.
        token = new_token()
        seat = Seat.objects.create(
            exercise=exercise,
            kind=row["kind"],
            role=row["role"] or "",
            token_hash=hash_token(token if row["revoked_at"] is None else secrets.token_hex(32)),
            bot_policy=row["bot_policy"] or "",
            joined_at=_when(row["joined_at"]),
            revoked_at=_when(row["revoked_at"]),
        )
        if row["revoked_at"] is None:
            tokens[row["name"]] = token
        seats.append((seat, row))
    _stamp([s for s, _ in seats], created_at=[row["created_at"] for _, row in seats])
    return seats, tokens


def _seat_at(seats: list[tuple[Seat, dict[str, Any]]], role: str, at: str) -> Seat:
    """The seat that held `role` at time `at`: a move or vote belongs to who made it."""
    held = [(s, row) for s, row in seats if row["name"] == role]
    if not held:
        raise Invalid(f"the export has no seat for {role!r}")
    for seat, row in held:
        if row["created_at"] <= at and (row["revoked_at"] is None or at < row["revoked_at"]):
            return seat
    return held[-1][0]


def _turn(exercise: Exercise, data: dict[str, Any], seats: list[tuple[Seat, Any]]) -> None:
    turn = Turn.objects.create(
        exercise=exercise,
        number=data["number"],
        phase=data["phase"],
        deadline=_when(data["deadline"]),
        closed_at=_when(data["closed_at"]),
        resolved_at=_when(data["resolved_at"]),
        ready=data["ready"],
        state_before=data["state_before"],
        state_at_close=data["state_at_close"],
        state_after=data["state_after"],
        narrative=data["narrative"],
        draws=data["draws"],
        review=data.get("review") or {},
    )
    _stamp([turn], opened_at=[data["opened_at"]])
    rulings = {r["move"]: r for r in data["rulings"]}
    for row in data["moves"]:
        move = Move.objects.create(
            exercise=exercise,
            turn=turn,
            seat=_seat_at(seats, row["role"], row["created_at"]),
            public_id=row["id"],
            role=row["role"],
            action=row["action"],
            params=row["params"],
            rationale=row["rationale"],
            status=row["status"],
            result=row["result"],
        )
        _stamp([move], created_at=[row["created_at"]])
        if row["id"] in rulings:
            _ruling(move, rulings[row["id"]])
        votes = [
            ProbabilityVote.objects.create(
                move=move, seat=_seat_at(seats, v["role"], v["created_at"]), chance=v["chance"]
            )
            for v in row["votes"]
        ]
        _stamp(votes, created_at=[v["created_at"] for v in row["votes"]])
    if turn.phase == Turn.Phase.REVIEW:
        # The draft is not exported: it is what the turn's review gives, so it is made again.
        pending = [m.public_id for m in unruled(turn)]
        turn.draft = drafts.draft_of(exercise, turn, outcome_of(exercise, turn), pending)
        turn.save(update_fields=["draft"])


def _ruling(move: Move, data: dict[str, Any]) -> None:
    ruling = Ruling.objects.create(
        move=move,
        chance=data["chance"],
        outcome=data["outcome"] or "",
        narrative=data["narrative"],
        failure_narrative=data["failure_narrative"],
        changes=data["changes"],
        audience=data.get("audience", "everyone"),
    )
    _stamp([ruling], created_at=[data["created_at"]])


def _messages(exercise: Exercise, data: list[dict[str, Any]], roles: list[str]) -> None:
    rows = [
        Message.objects.create(
            exercise=exercise,
            turn=m["turn"],
            sender=m["from"],
            recipients=list(roles) if m["to"] == "all" else m["to"],
            to_all=m["to"] == "all",
            channel=m["channel"] or "",
            body=m["body"],
        )
        for m in data
    ]
    _stamp(rows, created_at=[m["at"] for m in data])


def _events(exercise: Exercise, data: list[dict[str, Any]]) -> None:
    rows = Event.objects.bulk_create(
        Event(
            exercise=exercise,
            seq=e["seq"],
            type=e["type"],
            turn=e["turn"],
            data=e["data"],
            audience=e["audience"],
            redacted=e["redacted"],
        )
        for e in data
    )
    if any(row.pk is None for row in rows):  # a database that does not return new ids
        rows = list(Event.objects.filter(exercise=exercise).order_by("seq"))
    _stamp(rows, at=[e["at"] for e in data])


def _notes(exercise: Exercise, data: list[dict[str, Any]]) -> None:
    rows = [
        Note.objects.create(
            exercise=exercise,
            kind=n["kind"],
            turn=n["turn"],
            event_seq=n["event_seq"],
            text=n["text"],
        )
        for n in data
    ]
    for note, n in zip(rows, data, strict=True):
        # `update` leaves `updated_at` as given: it is an `auto_now` field only on save().
        Note.objects.filter(pk=note.pk).update(
            created_at=_when(n["created_at"]), updated_at=_when(n["updated_at"])
        )


def _stamp(rows: list[Any], **times: list[str]) -> None:
    """Put back the times the rows were made: `auto_now_add` set them to now on insert."""
    if not rows:
        return
    for name, values in times.items():
        for row, value in zip(rows, values, strict=True):
            setattr(row, name, _when(value))
    model: type[models.Model] = type(rows[0])
    model._default_manager.bulk_update(rows, list(times), batch_size=500)


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value is not None else None
