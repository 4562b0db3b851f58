"""Objectives as each seat sees them: in its view, its export and its report; the facilitator
sees every role's, a role its own, nobody else any."""

from __future__ import annotations

import json

import pytest

from exercises.engine import Scenario, load_scenario_text
from exercises.services import commands, export, moves, projection, turns
from exercises.services.report import render_report
from tests.engine.test_objectives import with_objectives
from tests.services.conftest import Cast


@pytest.fixture
def scenario() -> Scenario:
    return load_scenario_text(with_objectives(), "mini+objectives")


def play_a_turn(cast: Cast) -> None:
    moves.submit_move(cast.seat("gov"), "escalate", {})
    turns.close_turn(cast.facilitator)


def test_the_facilitator_sees_every_roles_objectives_and_a_role_its_own(cast: Cast) -> None:
    play_a_turn(cast)

    facilitator = projection.exercise_view(cast.facilitator)
    a = projection.exercise_view(cast.seat("a"))
    b = projection.exercise_view(cast.seat("b"))
    observer = projection.exercise_view(cast.observer)

    assert {
        role: [o["met"] for o in goals] for role, goals in facilitator["objectives"].items()
    } == {
        "a": [False, True],
        "gov": [False],
    }
    assert [o["label"] for o in a["me"]["objectives"]] == ["Pass 55 capability", "Keep 3 in cash"]
    assert "objectives" not in b["me"] and "objectives" not in b
    for view in (a, b, observer):
        assert "Keep tension under 5" not in json.dumps(view)
    assert "Pass 55 capability" not in json.dumps(b) + json.dumps(observer)


def test_exports_and_reports_tell_each_seat_only_its_own_objectives(cast: Cast) -> None:
    play_a_turn(cast)
    commands.finish(cast.facilitator)

    a_export = export.export_for(cast.seat("a"))
    b_export = export.export_for(cast.seat("b"))
    reports = {
        seat: render_report(export.export_for(cast.seat(seat)))
        for seat in ("facilitator", "a", "b", "observer")
    }

    assert [o["id"] for o in a_export["me"]["objectives"]] == ["lead", "solvent"]
    assert a_export["turns"][0]["state_after"]["objectives"] == ["solvent"]  # type: ignore[index,typeddict-item]
    assert "objectives" not in b_export["me"]
    assert "objectives" not in json.dumps(b_export["turns"])
    assert (
        "Keep tension under 5" in reports["facilitator"]
        and "Keep 3 in cash" in reports["facilitator"]
    )
    assert "Keep 3 in cash" in reports["a"] and "Keep tension under 5" not in reports["a"]
    for seat in ("b", "observer"):
        assert 'id="objectives"' not in reports[seat]
        assert "Keep 3 in cash" not in reports[seat]
