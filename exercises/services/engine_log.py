"""What the event log makes of each event the engine emits: one table, every type in it.

An engine event is published under its own type to the audience the engine gave it, folded
into its roles' `role.outcome` (what a turn did for each role), or dropped with the reason its
news reaches the log another way. A type the engine can emit (`engine.EVENT_TYPES`) with no
row here fails a test (tests/services/test_engine_log.py), so no event vanishes silently.
Audiences need no translation: the log stores the engine's `Audience` as it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from exercises import engine
from exercises.models import Exercise

from . import events


@dataclass(frozen=True)
class Publish:
    """Appended under its own type, to the engine's audience; `channel` adds the name of a
    met commitment's private channel, which the players' message form reads."""

    channel: bool = False


@dataclass(frozen=True)
class InRoleOutcome:
    """Folded into the `role.outcome` of each role in its audience, under `key`; one the
    engine addresses to the facilitator alone is published as it is."""

    key: str


@dataclass(frozen=True)
class Dropped:
    reason: str


Treatment = Publish | InRoleOutcome | Dropped

LOG: dict[str, Treatment] = {
    "move.resolved": InRoleOutcome("results"),
    "move.rejected": InRoleOutcome("results"),
    "rule.fired": InRoleOutcome("notices"),
    "narrative.shared": InRoleOutcome("shared"),
    "commitment.signal": Publish(),
    "commitment.met": Publish(channel=True),
    "commitment.joined": Publish(channel=True),
    "rule.error": Publish(),
    "inject": Publish(),
    "inject.rolled": Publish(),
    "exercise.ended": Dropped(
        "`turn.adjudicated` carries the ending to everyone, and `exercise.finished` follows"
    ),
}


@dataclass
class Folded:
    """A turn's engine events sorted out: per role, what goes into its `role.outcome`; and
    the events published as they are."""

    by_role: dict[str, dict[str, list[dict[str, Any]]]] = field(default_factory=dict)
    published: list[engine.EngineEvent] = field(default_factory=list)


def fold(role_ids: Iterable[str], outcome_events: Iterable[engine.EngineEvent]) -> Folded:
    folded = Folded({role: {"results": [], "notices": [], "shared": []} for role in role_ids})
    for event in outcome_events:
        treatment = LOG[event.type]
        if isinstance(treatment, InRoleOutcome) and not event.audience.facilitator_only:
            for role in event.audience.roles:
                folded.by_role[role][treatment.key].append(dict(event.data))
        elif not isinstance(treatment, Dropped):
            folded.published.append(event)
    return folded


def publish(exercise: Exercise, turn: int, engine_events: Iterable[engine.EngineEvent]) -> None:
    """Append engine events that go into the log as they are (an opening's, an inject's)."""
    for event in engine_events:
        treatment = LOG[event.type]
        if isinstance(treatment, Dropped):
            continue
        if isinstance(treatment, InRoleOutcome) and not event.audience.facilitator_only:
            raise ValueError(f"{event.type} to roles belongs in a role.outcome: use fold()")
        data = dict(event.data)
        if isinstance(treatment, Publish) and treatment.channel:
            data["channel"] = data["commitment"]
        events.append(exercise, event.type, data, turn=turn, audience=event.audience)
