"""Determinism check for speed work: what `simulate` and a recorded play give, byte for byte.

    python benchmarks/simulate_golden.py --write DIR   # before changing anything
    python benchmarks/simulate_golden.py --check DIR   # after every step

For every bundled scenario and test fixture, and each of its policies: the `simulate` summary
of 200 runs (JSON, as the command prints it), every run's final values and ending, and three
exercises played with `record=True` (every turn's opening and outcome: events, narrative,
results and draws, as their `repr`). A speed-up that changes any of it changed behaviour.
Not a test: it takes a minute, and its files belong to the tree they were written from.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from exercises.engine import (  # noqa: E402
    Scenario,
    adjudicate,
    choose_moves,
    initial_state,
    load_bundled_scenarios,
    load_scenario,
    open_turn,
    play_exercise,
    simulate,
)
from exercises.engine.simulation import run_seed  # noqa: E402

RUNS = 200


def scenarios() -> Iterator[Scenario]:
    yield from load_bundled_scenarios().values()
    for path in sorted((ROOT / "tests" / "fixtures").glob("*.yaml")):
        yield load_scenario(path)


def outputs(scenario: Scenario, policy: str) -> dict[str, str]:
    summary = json.dumps(simulate(scenario, policy, RUNS, seed=7), indent=2, sort_keys=True)
    finals = []
    for index in range(RUNS):
        state = play_exercise(scenario, policy, run_seed(7, index), None)
        finals.append(f"{index} {state.ending} {sorted(state.values.items())!r}")
    recorded = [played(scenario, policy, f"golden:{index}") for index in range(3)]
    return {
        "summary.json": summary + "\n",
        "finals.txt": "\n".join(finals) + "\n",
        "recorded.txt": "\n".join(recorded) + "\n",
    }


def played(scenario: Scenario, policy: str, seed: str) -> str:
    """Every opening and outcome of one exercise, recorded as the server would record it."""
    state, lines = initial_state(scenario), []
    for _ in range(scenario.turns):
        opening = open_turn(scenario, state, seed)
        lines.append(repr(opening))
        state = opening.state
        moves = [
            m for r in scenario.role_ids for m in choose_moves(scenario, state, r, policy, seed)
        ]
        outcome = adjudicate(scenario, state, moves, seed)
        lines.append(repr(outcome))
        state = outcome.state
        if state.ending is not None:
            break
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", metavar="DIR", type=Path)
    group.add_argument("--check", metavar="DIR", type=Path)
    options = parser.parse_args()
    different = 0
    for scenario in scenarios():
        for policy in scenario.policies:
            for name, text in outputs(scenario, policy).items():
                path = (options.write or options.check) / f"{scenario.id}.{policy}.{name}"
                if options.write:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_text(text)
                elif not path.exists() or path.read_text() != text:
                    different += 1
                    print(f"DIFFERENT: {path.name}")
            print(f"{scenario.id} {policy}: {'written' if options.write else 'compared'}")
    if options.check:
        print("identical" if not different else f"{different} files differ")
    return 1 if different else 0


if __name__ == "__main__":
    sys.exit(main())
