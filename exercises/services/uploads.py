"""Scenarios uploaded in the lobby: checked in a sandbox, stored by version, retired, restored.

An upload is untrusted text. It is loaded in a child process with limits (`sandbox`) before
anything is stored; only a text that loaded there within its limits is ever loaded by this
process (to create an exercise or show a preview), so that cost is bounded too. Each version's
text is a `ScenarioSnapshot`, stored by its hash as an exercise's is, so an exercise made from
a version points at the very text it was made from, whatever is uploaded after it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from exercises.engine import Scenario, ScenarioLoadError, load_bundled_scenarios
from exercises.engine.loader import MAX_FILE_BYTES
from exercises.models import ScenarioSnapshot, ScenarioVersion, UploadedScenario

from . import sandbox
from .errors import Forbidden, Invalid, NotFound
from .scenarios import scenario_of_snapshot


class Problems(Invalid):
    """The loader's errors (and warnings) on an upload, each `{line, where, message, severity}`."""

    def __init__(self, errors: list[dict[str, Any]], warnings: list[dict[str, Any]]) -> None:
        count = len(errors)
        super().__init__(f"the scenario has {count} error{'s' if count != 1 else ''}")
        self.errors, self.warnings = errors, warnings


@dataclass(frozen=True)
class Uploaded:
    version: ScenarioVersion
    new: bool  # False: the text was the latest version's already


def check(text: str) -> dict[str, Any]:
    """The sandbox's answer on `text`; `Problems` when it does not load."""
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise Invalid(f"the scenario is larger than {MAX_FILE_BYTES // 1_000_000} MB")
    if not text.strip():
        raise Invalid("the scenario is empty: paste its text or choose its file")
    checked = sandbox.check_text(text)
    if checked["errors"]:
        raise Problems(checked["errors"], checked["warnings"])
    return checked


def upload(text: str, user: Any, *, replacing: str | None = None) -> Uploaded:
    """Store `text` as the next version of the scenario its `id` names (the first, for a new
    id). `replacing`: the id the operator means to give a new version, which must match."""
    checked = check(text)
    scenario_id = checked["id"]
    if scenario_id in load_bundled_scenarios():
        raise Invalid(f"{scenario_id!r} is a bundled scenario's id: give yours another")
    if replacing is not None and scenario_id != replacing:
        raise Invalid(
            f"this text is scenario {scenario_id!r}, not {replacing!r}: "
            f"a new version of {replacing!r} keeps its id"
        )
    try:
        with transaction.atomic():
            return _store(text, checked, scenario_id, user)
    except IntegrityError:  # another upload of the same id won the race: nothing was stored
        raise Invalid(
            "another upload of this scenario was stored at the same moment; try again"
        ) from None


def _store(text: str, checked: dict[str, Any], scenario_id: str, user: Any) -> Uploaded:
    entry, created = UploadedScenario.objects.get_or_create(
        scenario_id=scenario_id, defaults={"created_by": user}
    )
    if not created:
        require_owner(entry, user, "store a new version of")
    # Locked, so that two uploads of one scenario cannot both take the next number.
    entry = UploadedScenario.objects.select_for_update().get(pk=entry.pk)
    latest = entry.versions.select_related("snapshot").first()
    sha = hashlib.sha256(text.encode()).hexdigest()
    if latest is not None and latest.snapshot.sha256 == sha:
        return Uploaded(latest, new=False)
    snapshot, _ = ScenarioSnapshot.objects.get_or_create(
        sha256=sha,
        defaults={
            "scenario_id": scenario_id,
            "version": checked["version"],
            "title": checked["title"],
            "text": text,
        },
    )
    version = ScenarioVersion.objects.create(
        scenario=entry,
        number=(latest.number if latest else 0) + 1,
        snapshot=snapshot,
        uploaded_by=user,
        warnings=checked["warnings"],
    )
    return Uploaded(version, new=True)


def entry(scenario_id: str) -> UploadedScenario:
    found = UploadedScenario.objects.filter(scenario_id=scenario_id).first()
    if found is None:
        raise NotFound(f"no scenario {scenario_id!r} was uploaded")
    return found


def version_of(scenario_id: str, number: int | None = None) -> ScenarioVersion:
    """A version of an uploaded scenario: `number`, or the latest."""
    versions = entry(scenario_id).versions.select_related("snapshot", "scenario")
    found = versions.filter(number=number).first() if number else versions.first()
    if found is None:
        raise NotFound(f"{scenario_id!r} has no version {number}")
    return found


def scenario_of_version(version: ScenarioVersion) -> Scenario:
    return scenario_of_snapshot(version.snapshot)


def in_use() -> list[ScenarioVersion]:
    """The latest version of every uploaded scenario not retired: the create form's."""
    rows = UploadedScenario.objects.filter(retired_at=None).order_by("scenario_id")
    versions = [row.versions.select_related("snapshot", "scenario").first() for row in rows]
    return [v for v in versions if v is not None]


def loadable(versions: list[ScenarioVersion]) -> list[Scenario]:
    """The scenarios of `versions` that still load: a text stored under an earlier engine may
    not load under this one, and must not take the lobby down with it."""
    found = []
    for version in versions:
        try:
            found.append(scenario_of_version(version))
        except ScenarioLoadError:
            continue
    return found


def active_scenario(scenario_id: str) -> Scenario | None:
    """The latest version of an uploaded scenario that is not retired, loaded; else None."""
    row = UploadedScenario.objects.filter(scenario_id=scenario_id, retired_at=None).first()
    latest = row.versions.select_related("snapshot").first() if row else None
    return next(iter(loadable([latest])), None) if latest else None


def may_change(row: UploadedScenario, user: Any) -> bool:
    return user is None or user.is_superuser or row.created_by_id in (None, user.pk)


def require_owner(row: UploadedScenario, user: Any, doing: str) -> None:
    """An uploaded scenario is its first uploader's to change (new versions, retiring,
    restoring), or a superuser's, as an exercise is its maker's: another operator may read it,
    preview, check and use it. `user` None is the server itself (a command, a test)."""
    if may_change(row, user):
        return
    owner = row.created_by.get_username() if row.created_by else "its uploader"
    raise Forbidden(
        f"only {owner}, who uploaded {row.scenario_id!r}, or a superuser may {doing} it; "
        "to change it yourself, upload it under another id"
    )


def retire(scenario_id: str, user: Any = None) -> UploadedScenario:
    """Hide it from the create form; its versions and the exercises made from them stay."""
    row = entry(scenario_id)
    require_owner(row, user, "retire")
    UploadedScenario.objects.filter(pk=row.pk, retired_at=None).update(retired_at=timezone.now())
    row.refresh_from_db()
    return row


def restore(scenario_id: str, user: Any = None) -> UploadedScenario:
    row = entry(scenario_id)
    require_owner(row, user, "restore")
    UploadedScenario.objects.filter(pk=row.pk).update(retired_at=None)
    row.refresh_from_db()
    return row
