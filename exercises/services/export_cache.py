"""Exports built once and kept on disk, then sent from there in pieces.

An export of a long exercise is tens of megabytes of text and a second or more of work; built
on every request, a seat fetching it in a loop held hundreds of megabytes of the server's memory
and slowed every other seat. Here each export is built at most once per version of what its
seat may see, written to a file, and every request for it reads that file a piece at a time.

What a file is keyed by matters for secrecy as much as for freshness. The key is made only of
what the seat's own export shows (its last visible event, the exercise's settings, the turns'
phases and deadlines as the seat sees them, the seats as it sees them), never of the whole log:
an event hidden from the seat (a secret move) must not make its next export slower than the one
before, since a rebuild that happens only because of a secret is a timing leak. The ETag is the
digest of the file's bytes, so it too says nothing the bytes do not.

Files live under WARGAME_EXPORT_CACHE_DIR (readable by this user only: they hold secrets), at
most WARGAME_EXPORT_CACHE_MB of them; the least recently written go first. Several server
processes on one machine may share the directory: a file appears whole or not at all.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.db.models import Count, Max

from exercises.models import Exercise, Note, Seat

from . import export as exports
from . import projection
from .errors import Invalid
from .export_types import Export
from .projection import FACILITATOR, viewer

# What an export is made by: a new release may build the same exercise differently.
_CODE = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class ExportFile:
    file: BinaryIO  # open: a trim that removes it now leaves this reader whole
    size: int
    etag: str  # quoted, as the header carries it
    filename: str
    content_type: str


@dataclass(frozen=True)
class Found:
    """Where a seat's export is or will be, and its ETag if it is already built."""

    key: str
    path: Path
    format: str
    filename: str
    etag: str | None


_building: dict[str, threading.Lock] = {}
_building_lock = threading.Lock()


def find(seat: Seat, format: str) -> Found:
    """Where the seat's export in `format` is kept: a cheap look, nothing is built."""
    if format not in exports.FORMATS:
        raise Invalid(f"format is one of {', '.join(exports.FORMATS)}")
    exercise = Exercise.objects.get(pk=seat.exercise_id)
    key = _key(exercise, seat, format)
    path = cache_dir() / f"{key}.{format}"
    found = _read(path)
    name = f"exercise-{exercise.public_id}-{seat.name}.{format}"
    return Found(key, path, format, name, found[1] if found else None)


def export_file(seat: Seat, found: Found) -> ExportFile:
    """The export `find` found, built now if it is not there yet, opened for reading."""
    path = found.path
    while True:
        built = _read(path)
        if built is None:
            # One build per key at a time in this process: a seat clicking twice, or a
            # facilitator and a script asking together, wait for the first build.
            with _lock_for(found.key):
                built = _read(path)
                if built is None:
                    built = _build(seat, found.format, path)
                    _trim(path.parent, keep=path)
        try:
            file = path.open("rb")
        except FileNotFoundError:  # trimmed by another process between the two: build again
            continue
        size, etag = built
        return ExportFile(file, size, etag, found.filename, exports.CONTENT_TYPES[found.format])


def export_data(seat: Seat) -> Export:
    """The seat's JSON export read back from its file: a page that shows the export (the
    replay) costs one build per version too, not one per visit."""
    built = export_file(seat, find(seat, "json"))
    with built.file as file:
        data: Export = json.load(file)
    return data


def cache_dir() -> Path:
    folder = Path(settings.WARGAME_EXPORT_CACHE_DIR)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _key(exercise: Exercise, seat: Seat, format: str) -> str:
    who = viewer(seat)
    turns = [
        [
            t.number,
            projection.phase_for(t.phase, who),
            _at(t.deadline),
            _at(t.closed_at),
            _at(t.resolved_at),
            list(t.ready),
        ]
        for t in exercise.turns.order_by("number").only(
            "number", "phase", "deadline", "closed_at", "resolved_at", "ready"
        )
    ]
    seen: dict[str, Any] = {
        "exercise": [
            exercise.pk,
            exercise.public_id,
            exercise.name,
            exercise.status,
            exercise.ending,
            exercise.turn_seconds,
            exercise.auto_advance,
            exercise.close_when,
            exercise.review,
            exercise.snapshot_id,
        ],
        "seat": [seat.pk, seat.name, seat.kind, seat.role],
        "last_seq": projection.last_seq_for(exercise, who),
        "turns": turns,
        "seats": projection.seats_for(exercise, who),
        "format": format,
        "code": code_digest(),
    }
    if who == FACILITATOR:
        # The facilitator's export holds everything: any change at all is in its key.
        notes = Note.objects.filter(exercise=exercise).aggregate(
            n=Count("id"), at=Max("updated_at")
        )
        seen["facilitator"] = [
            exercise.seed,
            exercise.paused_remaining,
            notes["n"],
            _at(notes["at"]),
        ]
    text = json.dumps(seen, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


@cache
def code_digest() -> str:
    """The digest of the code and templates exports are made by, read once per process."""
    digest = hashlib.sha256()
    for path in sorted([*_CODE.rglob("*.py"), *_CODE.rglob("*.html"), *_CODE.rglob("*.yaml")]):
        if "migrations" not in path.parts:
            digest.update(str(path.relative_to(_CODE)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _read(path: Path) -> tuple[int, str] | None:
    try:
        etag = path.with_suffix(path.suffix + ".etag").read_text()
        size = path.stat().st_size
    except FileNotFoundError:
        return None
    return size, etag


def _build(seat: Seat, format: str, path: Path) -> tuple[int, str]:
    text, _ = exports.render(exports.export_for(seat), format)
    data = text.encode()
    del text
    etag = '"' + hashlib.sha256(data).hexdigest()[:32] + '"'
    # The ETag first, then the file: whoever finds the file finds its ETag.
    _write(path.with_suffix(path.suffix + ".etag"), etag.encode())
    _write(path, data)
    return len(data), etag


def _write(path: Path, data: bytes) -> None:
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".building-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _trim(folder: Path, keep: Path) -> None:
    """Drop the oldest exports past the cache's size, but never the one just built."""
    limit = float(settings.WARGAME_EXPORT_CACHE_MB) * 1024 * 1024
    files = []
    for path in folder.iterdir():
        if path.suffix == ".etag" or path.name.startswith(".building-") or path == keep:
            continue
        try:
            stat = path.stat()
        except FileNotFoundError:  # another process trimmed it
            continue
        files.append((stat.st_mtime, stat.st_size, path))
    total = sum(size for _, size, _ in files)
    for _, size, path in sorted(files, key=lambda f: f[0]):
        if total <= limit:
            break
        # A reader that already opened it keeps reading: unlinking leaves open files whole.
        path.unlink(missing_ok=True)
        path.with_suffix(path.suffix + ".etag").unlink(missing_ok=True)
        total -= size


def _lock_for(key: str) -> threading.Lock:
    with _building_lock:
        if len(_building) > 256:
            _building.clear()  # locks of finished builds; one in use stays held by its users
        return _building.setdefault(key, threading.Lock())


def _at(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
