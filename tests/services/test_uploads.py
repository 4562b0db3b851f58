"""Uploaded scenarios as the use cases and commands see them: checked in a sandbox with
limits, stored by version, usable by `manage.py create_exercise` until retired."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from exercises.models import Exercise, ScenarioSnapshot
from exercises.services import sandbox, uploads

pytestmark = pytest.mark.django_db

MINI = (Path(__file__).resolve().parent.parent / "fixtures" / "mini.yaml").read_text()


def test_a_scenario_needing_more_memory_than_allowed_is_refused_in_words(settings: Any) -> None:
    settings.WARGAME_SCENARIO_MEMORY_MB = 20  # not even enough to start the checker

    with pytest.raises(sandbox.TooCostly, match="needed more than 20 MB to check"):
        uploads.upload(MINI, None)

    assert not ScenarioSnapshot.objects.exists()


def test_the_problems_of_a_text_come_back_with_their_lines() -> None:
    with pytest.raises(uploads.Problems) as refused:
        uploads.upload("id: x\ntitle: [unclosed\n", None)

    assert refused.value.errors[0]["line"] in (2, 3)  # where YAML notices the bracket
    assert refused.value.errors[0]["severity"] == "error"


def test_a_version_shares_its_snapshot_with_the_exercises_made_from_it() -> None:
    first = uploads.upload(MINI, User.objects.create_user("op")).version

    again = uploads.upload(MINI.replace("title: Mini", "title: Mini 2"), None).version

    assert (first.number, again.number) == (1, 2)
    assert first.snapshot != again.snapshot
    assert ScenarioSnapshot.objects.get(pk=first.snapshot.pk).text == MINI


def test_create_exercise_accepts_an_uploaded_scenario_by_its_id() -> None:
    uploads.upload(MINI, None)
    out = io.StringIO()

    call_command("create_exercise", "mini", "--name", "Uploaded", "--json", stdout=out)

    exercise = Exercise.objects.get(public_id=json.loads(out.getvalue())["id"])
    assert exercise.snapshot.scenario_id == "mini"


def test_create_exercise_refuses_a_retired_scenario() -> None:
    uploads.upload(MINI, None)
    uploads.retire("mini")

    with pytest.raises(CommandError, match="nor an uploaded scenario in use"):
        call_command("create_exercise", "mini", "--name", "Retired")
    assert not Exercise.objects.exists()
