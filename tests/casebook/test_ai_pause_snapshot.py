"""Bumping `ai-pause` to version 2 leaves exercises started on version 1 playing version 1.

An exercise stores the exact scenario text it started with (a `ScenarioSnapshot` keyed by the
text's SHA-256) and is adjudicated from that text, never from the file again.
"""

from __future__ import annotations

import pytest

from exercises.engine import load_bundled_scenarios, load_scenario_text
from exercises.services.creation import create_exercise
from exercises.services.scenarios import scenario_of

pytestmark = pytest.mark.django_db


def test_an_exercise_started_on_the_old_version_keeps_its_text_after_the_bump() -> None:
    # given an exercise started on an earlier text of the scenario
    current = load_bundled_scenarios()["ai-pause"]
    earlier_text = current.source.replace("\nversion: 2\n", "\nversion: 1\n", 1)
    assert earlier_text != current.source
    earlier = load_scenario_text(earlier_text, current.path)
    old = create_exercise(earlier, "started on version 1").exercise

    # when the file moves on and a new exercise starts
    new = create_exercise(current, "started on version 2").exercise

    # then each plays the text it started with
    old.refresh_from_db()
    assert (old.snapshot.version, old.snapshot.text) == ("1", earlier_text)
    assert (new.snapshot.version, new.snapshot.text) == ("2", current.source)
    assert str(scenario_of(old).version) == "1"
    assert str(scenario_of(new).version) == "2"
