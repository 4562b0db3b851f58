"""The facilitator's notes: observations on a turn or an event during play, and the debrief.

Only the facilitator writes or reads them; every change appends a facilitator-only event in
the same transaction, like every other change to an exercise. The after-action report and the
facilitator's export hold them.
"""

from __future__ import annotations

from typing import Any

from exercises.models import Event, Exercise, Note, Seat

from . import events
from .errors import Invalid, NotFound
from .locking import current_turn_number, locked, require_facilitator

MAX_TEXT = 20_000


def note_dict(note: Note) -> dict[str, Any]:
    return {
        "id": note.pk,
        "kind": note.kind,
        "turn": note.turn,
        "event_seq": note.event_seq,
        "text": note.text,
        "created_at": note.created_at.isoformat(),
        "updated_at": note.updated_at.isoformat(),
    }


def notes_of(exercise: Exercise) -> list[dict[str, Any]]:
    return [note_dict(n) for n in Note.objects.filter(exercise=exercise).order_by("id")]


def add_note(
    seat: Seat,
    text: str,
    *,
    kind: str = Note.Kind.OBSERVATION,
    turn: int | None = None,
    event_seq: int | None = None,
) -> Note:
    """A new note. An observation is on the current turn unless it names a turn or an event
    (whose turn it takes); a debrief is on no turn unless it names one."""
    require_facilitator(seat)
    _check(text, kind)
    with events.write_transaction():
        exercise = locked(seat.exercise.public_id)
        turn, event_seq = _place(exercise, kind, turn, event_seq)
        note = Note.objects.create(
            exercise=exercise, kind=kind, turn=turn, event_seq=event_seq, text=text
        )
        _tell(exercise, "note.added", note)
    return note


def edit_note(seat: Seat, note_id: int, text: str, kind: str | None = None) -> Note:
    require_facilitator(seat)
    with events.write_transaction():
        exercise = locked(seat.exercise.public_id)
        note = _note(exercise, note_id)
        note.kind = kind or note.kind
        _check(text, note.kind)
        note.text = text
        note.save(update_fields=["kind", "text", "updated_at"])
        _tell(exercise, "note.edited", note)
    return note


def delete_note(seat: Seat, note_id: int) -> dict[str, Any]:
    require_facilitator(seat)
    with events.write_transaction():
        exercise = locked(seat.exercise.public_id)
        note = _note(exercise, note_id)
        gone = note_dict(note)
        note.delete()
        events.append(
            exercise,
            "note.deleted",
            {"id": gone["id"]},
            turn=current_turn_number(exercise),
            audience=events.FACILITATOR_ONLY,
        )
    return gone


def _check(text: str, kind: str) -> None:
    if kind not in Note.Kind.values:
        raise Invalid(f"a note's kind is one of {', '.join(Note.Kind.values)}")
    if not text.strip():
        raise Invalid("a note needs a text")
    if len(text) > MAX_TEXT:
        raise Invalid(f"a note is at most {MAX_TEXT} characters")


def _place(
    exercise: Exercise, kind: str, turn: int | None, event_seq: int | None
) -> tuple[int | None, int | None]:
    """The turn and event a note is attached to, checked against the exercise."""
    now = current_turn_number(exercise)
    if event_seq is not None:
        event = Event.objects.filter(exercise=exercise, seq=event_seq).first()
        if event is None:
            raise Invalid(f"there is no event {event_seq}")
        if turn is not None and turn != event.turn:
            raise Invalid(f"event {event_seq} is in turn {event.turn}, not {turn}")
        return event.turn, event_seq
    if turn is not None and not 0 <= turn <= now:
        raise Invalid(f"turn must be between 0 and {now}")
    if turn is None and kind == Note.Kind.OBSERVATION:
        turn = now
    return turn, None


def _note(exercise: Exercise, note_id: int) -> Note:
    note = Note.objects.filter(exercise=exercise, pk=note_id).first()
    if note is None:
        raise NotFound("there is no such note")
    return note


def _tell(exercise: Exercise, type: str, note: Note) -> None:
    events.append(
        exercise,
        type,
        note_dict(note),
        turn=current_turn_number(exercise),
        audience=events.FACILITATOR_ONLY,
    )
