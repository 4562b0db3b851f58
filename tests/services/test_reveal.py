"""What the actor of a move learns of its result (`reveal`): the roll, the outcome, or the text.

The scenario is the engine's mini case book with `reveal: outcome` as its default and
`reveal: text` on `scale`, a rolled action. The actor's `role.outcome`, snapshot and export
are cut; the facilitator's are not.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from exercises.engine import Scenario
from exercises.engine.loader import load_scenario_text
from exercises.services import export, moves, projection, turns
from tests.services.conftest import Cast

MINI = (Path(__file__).parent.parent / "fixtures" / "mini.yaml").read_text()
GAMBLE = """  - id: gamble
    label: Gamble
    roles: [lab]
    chance: 0.5
    success: {add: {me.cash: 1.0}, text: "Won."}
    failure: {text: "Lost."}
"""


@pytest.fixture
def scenario() -> Scenario:
    text = MINI.replace("moves_per_turn: 2\n", "moves_per_turn: 2\nreveal: outcome\n")
    text = text.replace("    label: Scale up\n", "    label: Scale up\n    reveal: text\n")
    text = text.replace("  - id: pause\n", GAMBLE + "  - id: pause\n")
    return load_scenario_text(text)


def played(cast: Cast, action: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The move's result as its actor's `role.outcome` and the facilitator's export say."""
    moves.submit_move(cast.seat("a"), action, {}, "", action)
    turns.close_turn(cast.facilitator)
    [outcome] = [e for e in cast.visible("a") if e["type"] == "role.outcome"]
    [told] = outcome["data"]["results"]
    [full] = export.export_for(cast.facilitator)["turns"][0]["moves"]
    return told, dict(full)


def test_an_actor_told_only_the_text_learns_neither_the_outcome_nor_the_roll(cast: Cast) -> None:
    told, full = played(cast, "scale")

    assert full["result"]["draw"] is not None and full["status"] in ("succeeded", "failed")
    assert (told["success"], told["draw"], told["changes"]) == (None, None, [])
    assert told["text"] == full["result"]["text"] in ("It worked.", "It failed.")
    mine = export.export_for(cast.seat("a"))["turns"][0]
    [move] = mine["moves"]
    assert move["status"] == projection.RESOLVED
    assert move["result"] is not None
    assert (move["result"]["success"], move["result"]["draw"]) == (None, None)
    assert mine["draws"] == []
    assert [m["status"] for m in projection.exercise_view(cast.seat("a"))["me"]["moves"]] == [
        projection.RESOLVED
    ]


def test_an_actor_told_the_outcome_learns_it_without_the_roll(cast: Cast) -> None:
    told, full = played(cast, "gamble")

    assert full["result"]["draw"] is not None
    assert told["success"] == full["result"]["success"]
    assert told["draw"] is None
    mine = export.export_for(cast.seat("a"))["turns"][0]
    assert mine["moves"][0]["status"] == full["status"]
    assert mine["draws"] == []


def test_the_facilitator_always_sees_the_roll(cast: Cast) -> None:
    _, full = played(cast, "scale")

    facilitator = export.export_for(cast.facilitator)["turns"][0]
    assert [d["key"] for d in facilitator["draws"]] == [full["result"]["draw"]["key"]]
    # the role's outcome too, as its console shows it, with what the role was told
    [outcome] = [e for e in cast.visible("facilitator") if e["type"] == "role.outcome"]
    [result] = outcome["data"]["results"]
    assert result["draw"] == full["result"]["draw"]
    assert (result["success"], result["reveal"]) == (full["result"]["success"], "text")
