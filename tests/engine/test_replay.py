"""Replaying an export on the engine alone (exercises/engine/replay.py).

The exports here are written from the engine's own play, in the export's shapes
(docs/export-format.md), with bots' moves and one free-form move ruled by chance each turn:
what the server records, without the server. The server's own exports are replayed in
tests/export/test_export_command.py.
"""

from __future__ import annotations

import copy
import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from exercises.engine import (
    FREE_FORM,
    Move,
    MoveResult,
    Scenario,
    adjudicate,
    choose_moves,
    initial_state,
    load_bundled_scenarios,
    move_from_record,
    open_turn,
)
from exercises.engine.replay import Uncheckable, verify_export
from exercises.engine.state import environment

ROOT = Path(__file__).resolve().parents[2]
SEED = "replayed"


@pytest.fixture(scope="module")
def pause() -> Scenario:
    return load_bundled_scenarios()["ai-pause"]


def status(result: MoveResult) -> str:
    if not result.accepted:
        return "rejected"
    return "succeeded" if result.success else "failed"


def ruling_for(move_id: str) -> dict[str, Any]:
    return {
        "move": move_id,
        "chance": 0.5,
        "outcome": None,
        "narrative": "The argument lands.",
        "failure_narrative": "Nobody is convinced.",
        "changes": [{"variable": "public_concern", "delta": 4, "reason": "The argument."}],
    }


def turn_moves(scenario: Scenario, state: Any, number: int) -> list[dict[str, Any]]:
    env = environment(scenario, state, number)
    chosen = [
        m
        for role in scenario.role_ids
        for m in choose_moves(scenario, state, role, "no-pause", SEED, env)
    ]
    chosen.append(Move("un", FREE_FORM, {}, text="A moratorium, argued."))
    return [
        {"id": f"t{number}m{i}", "role": m.role, "action": m.action, "params": dict(m.params)}
        | {"rationale": m.text}
        for i, m in enumerate(chosen)
    ]


def played_export(scenario: Scenario, turns: int) -> dict[str, Any]:
    """The facilitator's export of `turns` turns played by bots, as far as replay reads it."""
    state = initial_state(scenario)
    records: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    for number in range(1, turns + 1):
        state = open_turn(scenario, state, SEED).state
        events.append({"seq": len(events) + 1, "type": "turn.opened", "turn": number})
        moves = turn_moves(scenario, state, number)
        rulings = [ruling_for(m["id"]) for m in moves if m["action"] == FREE_FORM]
        by_move = {r["move"]: r for r in rulings}
        played = [move_from_record(m, by_move.get(m["id"])) for m in moves]
        outcome = adjudicate(scenario, state, played, SEED)
        results = {r.move.id: r for r in outcome.results}
        for move in moves:
            move |= {"status": status(results[move["id"]]), "result": results[move["id"]]}
            move["result"] = move["result"].to_dict()
        records.append(
            {
                "number": number,
                "phase": "resolved",
                "state_before": state.to_dict(),
                "state_at_close": state.to_dict(),
                "state_after": outcome.state.to_dict(),
                "moves": moves,
                "rulings": rulings,
                "draws": [d.to_dict() for d in outcome.draws],
                "narrative": list(outcome.narrative),
            }
        )
        events.append({"seq": len(events) + 1, "type": "turn.adjudicated", "turn": number})
        state = outcome.state
    text = scenario.source
    exercise = {"seed": SEED, "scenario": {"text": text, "sha256": sha256(text)}}
    document = {"format_version": 1, "exercise": exercise, "turns": records, "events": events}
    read: dict[str, Any] = json.loads(json.dumps(document))  # as a file holds it: no tuples
    return read


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture(scope="module")
def export(pause: Scenario) -> dict[str, Any]:
    return played_export(pause, 3)


def test_an_export_of_the_engines_own_play_replays_without_a_difference(
    export: dict[str, Any],
) -> None:
    assert verify_export(export) == (3, [])
    assert any(m["action"] == FREE_FORM for m in export["turns"][0]["moves"])


def test_a_changed_state_roll_or_ruling_is_found_with_its_turn(export: dict[str, Any]) -> None:
    changed = copy.deepcopy(export)
    changed["turns"][1]["state_after"]["values"]["public_concern"] += 1
    changed["turns"][2]["draws"][0]["roll"] = 0.999
    ruling = changed["turns"][0]["rulings"][0]
    ruling["narrative"] = ruling["failure_narrative"] = "Another story."

    _, differences = verify_export(changed)

    found = {(d.turn, d.what) for d in differences}
    assert (2, "public_concern") in found
    assert (3, "draws") in found
    assert any(turn == 1 and what.startswith("the result of un's move") for turn, what in found)


def test_a_changed_opening_is_found(export: dict[str, Any]) -> None:
    changed = copy.deepcopy(export)
    changed["turns"][1]["state_before"]["fired"] = []

    _, differences = verify_export(changed)

    assert [(d.turn, d.what) for d in differences][:1] == [(2, "state fired at the opening")]


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"format_version": 2}, "format version 1"),
        ({"exercise": {"scenario": {}}}, "only the facilitator's export"),
        ({"turns": {}}, "no list of turns"),
    ],
)
def test_an_export_that_cannot_be_replayed_says_why(
    export: dict[str, Any], change: dict[str, Any], words: str
) -> None:
    with pytest.raises(Uncheckable, match=words):
        verify_export({**export, **change})


def test_a_changed_scenario_text_is_refused(export: dict[str, Any]) -> None:
    changed = copy.deepcopy(export)
    changed["exercise"]["scenario"]["text"] += "\n# edited\n"

    with pytest.raises(Uncheckable, match="sha256"):
        verify_export(changed)


def test_replay_runs_in_a_python_without_django_settings(
    export: dict[str, Any], tmp_path: Path
) -> None:
    path = tmp_path / "export.json"
    path.write_text(json.dumps(replace_turn_value(export)), encoding="utf-8")
    script = (
        "import json, sys\n"
        "from exercises.engine.replay import verify_export\n"
        f"checked, differences = verify_export(json.load(open({str(path)!r})))\n"
        "print(json.dumps({'checked': checked, 'differences': [str(d) for d in differences],"
        " 'loaded': sorted(m for m in sys.modules if m.split('.')[0] == 'django')}))\n"
    )
    env = {"PATH": "/usr/bin:/bin"}  # no DJANGO_SETTINGS_MODULE, nothing inherited

    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )

    assert done.returncode == 0, done.stderr
    said = json.loads(done.stdout)
    assert (said["checked"], said["loaded"]) == (3, [])
    replayed = export["turns"][2]["state_after"]["values"]["frontier_capability"]
    assert said["differences"] == [
        f"turn 3: frontier_capability: recorded -1, re-adjudicated {replayed!r}"
    ]


def replace_turn_value(export: dict[str, Any]) -> dict[str, Any]:
    """The export with one recorded value changed, so that the replay has something to find."""
    changed = copy.deepcopy(export)
    changed["turns"][2]["state_after"]["values"]["frontier_capability"] = -1
    return changed
