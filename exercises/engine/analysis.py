"""A balance analysis of a scenario: whole exercises played by its bots in many set-ups.

A set-up gives every role a policy, or none (an idle role makes no moves): each policy as
written, each policy with one role idle, each policy with one role playing another policy.
Every set-up plays the same run seeds (`simulation.run_seed`), so set-ups differ only by who
plays what, and a set-up of one policy ends exactly as `simulate` of that policy does.
Each set-up is played whole in one process, so the result is the same for any worker count.
`analysis_summary` turns the plays into shares, bands and flags (the shape is in
docs/analysis.md).
"""

from __future__ import annotations

import multiprocessing
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from .adjudication import adjudicate
from .admission import check_move
from .analysis_summary import Play, SetupPlays, flags, idle_shifts, summarise_setup
from .bots import choose_moves
from .loader import load_scenario_text
from .moves import Move, Rejected
from .opening import open_turn_unclocked
from .params import param_choices
from .scenario import Scenario
from .schema import ActionSpec, ParamSpec
from .simulation import UNRESOLVED, run_seed
from .state import State, environment, initial_state


@dataclass(frozen=True)
class Setup:
    """Who plays what. `idle` makes no moves; `swapped` plays `other` instead of `policy`."""

    policy: str
    idle: str | None = None
    swapped: str | None = None
    other: str | None = None

    @property
    def label(self) -> str:
        if self.idle:
            return f"{self.policy}, {self.idle} idle"
        if self.swapped:
            return f"{self.policy}, {self.swapped} plays {self.other}"
        return self.policy

    def policy_of(self, role: str) -> str | None:
        if role == self.idle:
            return None
        return self.other if role == self.swapped else self.policy

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "policy": self.policy,
            "idle": self.idle,
            "swap": {"role": self.swapped, "policy": self.other} if self.swapped else None,
        }


def setups(scenario: Scenario, bases: Sequence[str] | None = None) -> list[Setup]:
    """Every set-up of each policy in `bases` (default: all); a role may still be swapped to
    any policy of the scenario."""
    found: list[Setup] = []
    policies = list(scenario.policies)
    for policy in [p for p in policies if bases is None or p in bases]:
        found.append(Setup(policy))
        found += [Setup(policy, idle=role) for role in scenario.role_ids]
        found += [
            Setup(policy, swapped=role, other=other)
            for role in scenario.role_ids
            for other in policies
            if other != policy
        ]
    return found


def play(scenario: Scenario, setup: Setup, seed: str, turns: int, out: SetupPlays) -> Play:
    state = initial_state(scenario)
    rows = [_numbers(scenario, state)]
    for _ in range(turns):
        state = open_turn_unclocked(scenario, state, seed)
        _probe_legality(scenario, state, out.legal)
        moves = _choose(scenario, state, setup, seed, out)
        state = adjudicate(scenario, state, moves, seed, record=False).state
        rows.append(_numbers(scenario, state))
        if state.ending is not None:
            break
    # An ended exercise keeps its final state, so every run has a value at every turn.
    rows += [rows[-1]] * (turns + 1 - len(rows))
    return Play(rows, state.ending or UNRESOLVED)


def _choose(
    scenario: Scenario, state: State, setup: Setup, seed: str, out: SetupPlays
) -> list[Move]:
    env = environment(scenario, state, state.turn + 1)
    moves: list[Move] = []
    for role in scenario.role_ids:
        policy = setup.policy_of(role)
        if policy is None:
            continue
        mine = choose_moves(scenario, state, role, policy, seed, env)
        out.turns[role] += 1
        out.chosen.setdefault(role, Counter()).update({m.action for m in mine})
        out.legal.update((role, m.action) for m in mine)
        moves += mine
    return moves


def _numbers(scenario: Scenario, state: State) -> list[float]:
    return [float(state.values[name]) for name in scenario.numeric_names]


def _probe_legality(scenario: Scenario, state: State, legal: set[tuple[str, str]]) -> None:
    """Ask the rules about each (role, action) not yet found legal, with plausible params.
    Once found legal a pair is not asked again: the flag needs one legal state, not all."""
    for action in scenario.actions:
        for role in scenario.roles_for(action):
            if (role, action.id) in legal:
                continue
            move = Move(role, action.id, sample_params(scenario, action, role))
            try:
                check_move(scenario, state, move)
            except Rejected:
                continue
            legal.add((role, action.id))


def sample_params(scenario: Scenario, action: ActionSpec, role: str) -> dict[str, Any]:
    return {name: _sample(scenario, spec, role) for name, spec in action.params.items()}


def _sample(scenario: Scenario, spec: ParamSpec, role: str) -> Any:
    if spec.default is not None:
        return spec.default
    if spec.type in ("choice", "role"):
        choices = param_choices(scenario, spec, role)
        return choices[0] if choices else ""
    if spec.type in ("int", "float"):
        number = spec.min if spec.min is not None else (spec.max if spec.max is not None else 0)
        return int(number) if spec.type == "int" else float(number)
    return False if spec.type == "bool" else "analysis"


_worker_scenario: Scenario | None = None
# The (role, action) pairs this process has found legal in this analysis: a later set-up need
# not ask the rules about them again. Only their union is reported, and the union is the same
# whichever worker found which, so the output still does not depend on the workers.
_known_legal: set[tuple[str, str]] = set()


def _init_worker(source: str, path: str) -> None:
    global _worker_scenario
    _worker_scenario = load_scenario_text(source, path)


def _run_setup(job: tuple[Setup, int, int | str, int]) -> SetupPlays:
    setup, runs, seed, turns = job
    assert _worker_scenario is not None
    out = SetupPlays(legal=set(_known_legal))
    for index in range(runs):
        out.plays.append(play(_worker_scenario, setup, run_seed(seed, index), turns, out))
    _known_legal.update(out.legal)
    return out


def _map(scenario: Scenario, jobs: list[Any], workers: int) -> Iterator[SetupPlays]:
    global _worker_scenario
    _worker_scenario = scenario
    _known_legal.clear()
    if workers <= 1 or len(jobs) <= 1:
        yield from map(_run_setup, jobs)
        return
    # Forked workers inherit the loaded scenario; spawned ones load it again from its text.
    if "fork" in multiprocessing.get_all_start_methods():
        pool = multiprocessing.get_context("fork").Pool(workers)
    else:
        args = (scenario.source, scenario.path)
        pool = multiprocessing.get_context("spawn").Pool(workers, _init_worker, args)
    with pool:
        yield from pool.imap(_run_setup, jobs)


def analyse(
    scenario: Scenario,
    runs: int,
    seed: int | str = 0,
    workers: int = 1,
    progress: Callable[[int], None] | None = None,
    only: Sequence[Setup] | None = None,
) -> dict[str, Any]:
    """The whole analysis as JSON-ready data; `progress` hears of each set-up played."""
    if not scenario.policies:
        raise ValueError(f"{scenario.id} has no policies: there is nothing to analyse")
    chosen = list(only) if only is not None else setups(scenario)
    jobs = [(setup, runs, seed, scenario.turns) for setup in chosen]
    summaries, legal = [], set()
    for setup, result in zip(chosen, _map(scenario, jobs, workers), strict=True):
        summaries.append(summarise_setup(scenario, setup.to_dict(), result))
        legal |= result.legal
        if progress:
            progress(1)
    return {
        "scenario": scenario.id,
        "version": scenario.version,
        "runs": runs,
        "seed": seed,
        "turns": scenario.turns,
        **_catalogue(scenario),
        "setups": summaries,
        "idle_shift": idle_shifts(summaries),
        "flags": flags(scenario, summaries, legal),
    }


def _catalogue(scenario: Scenario) -> dict[str, Any]:
    return {
        "policies": list(scenario.policies),
        "roles": [{"id": r.id, "name": r.name} for r in scenario.roles],
        "endings": [{"id": e.id, "title": e.title} for e in scenario.endings],
        "variables": [
            {"name": v.name, "label": v.label or v.name, "type": v.type, "min": v.min, "max": v.max}
            for v in scenario.variables.values()
            if v.name in scenario.numeric_names  # a text has no bands; analyze skips it
        ],
    }
