"""What a role reads of the changes its moves and the rules made: only the variables it may
see, in its results and in the rules' notices to it alike."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from exercises.engine import Scenario, load_scenario_text
from exercises.services import commands, moves, turns
from tests.services.conftest import Cast

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini.yaml"


@pytest.fixture
def scenario() -> Scenario:
    """The mini scenario, with a rule that tells a paused lab its cost and also raises the
    hidden risk (as scaling does)."""
    text = MINI.read_text().replace(
        'then: {add: {me.cash: -0.5}, text: "Pausing costs you."}',
        'then: {add: {me.cash: -0.5, risk: 1}, text: "Pausing costs you."}',
    )
    return load_scenario_text(text, "mini-notice")


def test_a_role_reads_no_change_to_a_hidden_variable_in_its_results_or_notices(
    create: Callable[..., Cast],
) -> None:
    cast = create(bots={"gov": "race"})
    commands.start(cast.facilitator)
    moves.submit_move(cast.seat("a"), "pause", {})
    moves.submit_move(cast.seat("b"), "scale", {})

    turns.close_turn(cast.facilitator)

    outcomes = {e.audience["roles"][0]: e.data for e in cast.events("role.outcome")}
    [notice] = outcomes["a"]["notices"]
    assert notice["text"] == "Pausing costs you."
    assert [c["variable"] for c in notice["changes"]] == ["a.cash"]
    [scaled] = outcomes["b"]["results"]
    assert "risk" not in [c["variable"] for c in scaled["changes"]]
