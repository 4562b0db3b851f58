"""Creating an exercise: its scenario snapshot, its seats and their tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from exercises.engine import Scenario, initial_state, load_bundled_scenarios
from exercises.models import Exercise, ScenarioSnapshot, Seat, hash_token

from . import events
from .errors import Invalid, NotFound


@dataclass(frozen=True)
class Created:
    exercise: Exercise
    tokens: dict[str, str]  # seat name -> token, shown once


def new_token() -> str:
    return secrets.token_urlsafe(24)  # 192 bits


def snapshot_for(scenario: Scenario) -> ScenarioSnapshot:
    sha = hashlib.sha256(scenario.source.encode()).hexdigest()
    snapshot, _ = ScenarioSnapshot.objects.get_or_create(
        sha256=sha,
        defaults={
            "scenario_id": scenario.id,
            "version": str(scenario.version),
            "title": scenario.title,
            "text": scenario.source,
        },
    )
    return snapshot


def bundled(scenario_id: str) -> Scenario:
    try:
        return load_bundled_scenarios()[scenario_id]
    except KeyError:
        raise NotFound(f"there is no scenario {scenario_id!r}") from None


def people_defaults(scenario: Scenario, bots: dict[str, str]) -> tuple[str, bool]:
    """`(close_when, review)` for a new exercise: with a person in any role, the facilitator
    closes each turn (or its deadline does: players may change their minds until then) and
    reviews each before it is published; with bots only, each turn closes once everyone is in
    and is published at once."""
    if all(role in bots for role in scenario.role_ids):
        return Exercise.CloseWhen.EVERYONE_IN, False
    return Exercise.CloseWhen.DEADLINE, True


def create_exercise(
    scenario: Scenario,
    name: str,
    *,
    seed: str | None = None,
    turn_seconds: int | None = None,
    bots: dict[str, str] | None = None,
    auto_advance: bool = False,
    close_when: str = Exercise.CloseWhen.EVERYONE_IN,
    review: bool = False,
    created_by: Any = None,
) -> Created:
    """A new exercise in the lobby, with a seat and a fresh token for every role.

    This use case's defaults are the plain ones (close when everyone is in, no review); the
    people-facing entry points (the lobby, `manage.py create_exercise`) propose
    `people_defaults` instead. `created_by`: the operator (a Django user) who made it, when
    one did."""
    bots = bots or {}
    for role, policy in bots.items():
        if role not in scenario.role_ids:
            raise Invalid(f"there is no role {role!r} to give a bot")
        if policy not in scenario.policies:
            raise Invalid(f"{scenario.id} has no policy {policy!r}")
    if not name.strip():
        raise Invalid("an exercise needs a name")
    if close_when not in Exercise.CloseWhen.values:
        raise Invalid("close_when is everyone_in or deadline")
    if turn_seconds is not None and turn_seconds < 1:
        raise Invalid("turn_seconds must be at least 1")
    with events.write_transaction():
        exercise = Exercise.objects.create(
            name=name.strip()[:200],
            snapshot=snapshot_for(scenario),
            seed=seed or secrets.token_hex(8),
            turn_seconds=turn_seconds,
            auto_advance=auto_advance,
            close_when=close_when,
            review=review,
            state=initial_state(scenario).to_dict(),
            created_by=created_by,
        )
        tokens = {}
        for kind, role in [
            ("facilitator", ""),
            ("observer", ""),
            *[("role", r) for r in scenario.role_ids],
        ]:
            token = new_token()
            Seat.objects.create(
                exercise=exercise,
                kind=kind,
                role=role,
                token_hash=hash_token(token),
                bot_policy=bots.get(role, ""),
            )
            tokens[role or kind] = token
        events.append(
            exercise,
            "exercise.created",
            {"name": exercise.name, "scenario": scenario.id, "bots": sorted(bots)},
            turn=0,
            audience=events.EVERYONE,
        )
    return Created(exercise, tokens)
