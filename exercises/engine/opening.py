"""Injects: fired by the schedule as a turn opens, or by the facilitator's hand at any time.

Both roads run `_fire`, so an inject does the same whoever fires it: its effects (`set`,
`add`, `publish`), its event to its recipients, its line of the public narrative when it goes
to everyone, and its id recorded in `State.fired`, which keeps a non-repeating inject from
firing again on its own turn or condition once it has been sent by hand.

The facilitator may also change the schedule, and the change is part of the state, so that
replaying the openings reproduces it: `schedule_inject` makes an inject fire as a later turn
opens (instead of its own turn or condition), `skip_inject` keeps it from firing by itself,
`edit_inject` (inject_text.py) changes its words before it fires.

An inject with `after_minutes` fires not at the opening but when the server's sweep finds its
minute has come (`fire_timed`); one with a `chance` is rolled with the seeded dice, keyed by its
id and the turn, and the roll is an event for the facilitator.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .audience import EVERYONE as TO_EVERYONE
from .audience import FACILITATOR_ONLY, Audience
from .dice import Draw, roll
from .effects import apply_changes, branch_changes, picked, target_name, widen_audience
from .expressions import Environment, ExpressionError
from .inject_text import effective, fill
from .moves import EngineEvent, Opening, Rejected, StateChange
from .scenario import EVERYONE, Scenario
from .schema import InjectSpec
from .state import State, environment


@dataclass(frozen=True)
class _Fired:
    inject: InjectSpec
    changes: list[StateChange]
    published: list[str]
    event: EngineEvent
    narrative: tuple[str, ...]


def open_turn(scenario: Scenario, state: State, seed: int | str) -> Opening:
    """Fire the injects due as turn `state.turn + 1` opens. Calling it twice changes nothing.

    Every due inject reads the state the turn opens from, and their changes are applied
    together, as adjudication applies the changes of one phase. An inject timed within its
    turn (`after_minutes`) waits for `fire_timed`."""
    turn = state.turn + 1
    if state.opened >= turn or state.ending is not None:
        return Opening(turn, state, (), ())
    if state.edits:
        due = [i for i in scenario.spec.injects if effective(state, i).after_minutes is None]
    else:
        due = _untimed(scenario)
    after, narrative, events, _ = _fire_due(scenario, state, seed, turn, due)
    return Opening(turn, after.evolve(opened=turn), narrative, events)


def fire_timed(scenario: Scenario, state: State, seed: int | str, minutes: float) -> Opening:
    """Fire the injects timed within the open turn whose minute has come, `minutes` after it
    opened. Each is judged (condition, chance) once a turn: calling it again changes nothing
    until another comes due; the state is returned as it was when none is."""
    turn = state.opened
    if turn <= state.turn or state.ending is not None:
        return Opening(turn, state, (), ())
    due = [i for i in scenario.spec.injects if _come(state, i, minutes, turn)]
    after, narrative, events, tried = _fire_due(scenario, state, seed, turn, due)
    if not tried:
        return Opening(turn, state, (), ())
    after = after.evolve(tried={**after.tried, **dict.fromkeys(tried, turn)})
    return Opening(turn, after, narrative, events)


def open_turn_unclocked(scenario: Scenario, state: State, seed: int | str) -> State:
    """The state as turn `state.turn + 1` opens where no clock runs (`simulate`, the
    analysis): its opening's injects, then those timed within it, as if every minute had
    come before anyone moves. Leaving them out would play a scenario without them."""
    opened = _open_quietly(scenario, state, seed)
    if not _has_timed(scenario):
        return opened
    return fire_timed(scenario, opened, seed, math.inf).state


def _open_quietly(scenario: Scenario, state: State, seed: int | str) -> State:
    """`open_turn(...).state` for those who read nothing else of the opening: the same
    injects judged and fired with the same dice, without their titles, texts and events,
    and `seen` kept as it is when nothing is published (an inject that only sends a
    message leaves the environment built for the state valid, so it is not built again)."""
    turn = state.turn + 1
    if state.opened >= turn or state.ending is not None:
        return state
    if state.edits:  # the facilitator's words: the general path, as it reads them
        return open_turn(scenario, state, seed).state
    after, _, _, _ = _fire_due(scenario, state, seed, turn, _untimed(scenario), False)
    return after.evolve(opened=turn)


def _has_timed(scenario: Scenario) -> bool:
    """`scenario.timed_injects`, asked once per scenario rather than every turn."""
    found: bool | None = scenario.cache.get("has_timed_injects")
    if found is None:
        found = scenario.cache["has_timed_injects"] = scenario.timed_injects
    return found


def _untimed(scenario: Scenario) -> list[InjectSpec]:
    """The injects that fire as their turn opens, unedited: the scenario's alone."""
    found: list[InjectSpec] | None = scenario.cache.get("untimed_injects")
    if found is None:
        found = [i for i in scenario.spec.injects if i.after_minutes is None]
        scenario.cache["untimed_injects"] = found
    return found


def _come(state: State, inject: InjectSpec, minutes: float, turn: int) -> bool:
    """Whether a timed inject's minute has come and it was not judged yet this turn."""
    minute = effective(state, inject).after_minutes
    return minute is not None and minute <= minutes and state.tried.get(inject.id) != turn


def _fire_due(
    scenario: Scenario,
    state: State,
    seed: int | str,
    turn: int,
    due: Sequence[InjectSpec],
    record: bool = True,
) -> tuple[State, tuple[str, ...], tuple[EngineEvent, ...], list[str]]:
    """Fire those of `due` on schedule whose condition holds and whose chance comes up: the
    state after, the narrative, the events (a roll is one, for the facilitator) and the ids
    judged. `record=False`: the state alone (`_open_quietly`), no narrative or events."""
    env = environment(scenario, state, turn)
    fired: list[_Fired] = []
    events: list[EngineEvent] = []
    judged: list[str] = []
    for spec in due:
        if not _on_schedule(state, spec, turn):
            continue
        judged.append(spec.id)
        inject = effective(state, spec) if state.edits else spec
        # One the facilitator moved to this turn fires whatever its condition and chance.
        moved = spec.id in state.scheduled
        try:
            when = None if moved else inject.when
            if when is not None and scenario.expr(when).evaluate(env) is not True:
                continue
            chance = 1.0 if moved else _chance(scenario, inject, env)
            draw = _roll(inject, chance, seed, turn)
            if draw is not None and record:
                data: dict[str, Any] = {"inject": inject.id, "draw": draw.to_dict()}
                if inject.after_minutes is not None:  # the sweep's, not the opening's
                    data["minutes"] = inject.after_minutes
                events.append(EngineEvent("inject.rolled", FACILITATOR_ONLY, data))
            if not (draw.success if draw is not None else chance >= 1):
                continue
            if not record:
                fired.append(_fired_quietly(scenario, inject, env))
                continue
            firing = _fire(scenario, inject, env, state, turn)
        except (ExpressionError, ValueError) as exc:
            error = {"inject": inject.id, "error": str(exc)}
            events.append(EngineEvent("rule.error", FACILITATOR_ONLY, error))
            continue
        fired.append(firing)
        events.append(firing.event)
    if not record:
        return _record(scenario, state, fired, False), (), (), judged
    after = _record(scenario, state, fired)
    narrative = tuple(line for firing in fired for line in firing.narrative)
    return after, narrative, tuple(events), judged


def _chance(scenario: Scenario, inject: InjectSpec, env: Environment) -> float:
    chance = inject.chance
    value = scenario.expr(chance).evaluate(env) if isinstance(chance, str) else chance
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"its chance gave {value!r}, not a number")
    return min(1.0, max(0.0, float(value)))


def _roll(inject: InjectSpec, chance: float, seed: int | str, turn: int) -> Draw | None:
    """The inject's roll, keyed by its id and the turn, or None when its chance is certain."""
    if chance <= 0 or chance >= 1:
        return None
    key = f"inject:{inject.id}"
    return roll(seed, turn, key, chance, role=None, subject=inject.id, label=inject.title)


def _on_schedule(state: State, inject: InjectSpec, turn: int) -> bool:
    """Whether `inject` may fire as `turn` opens, its condition aside: one the facilitator
    scheduled fires on that turn, whatever its own turn or condition say."""
    if (inject.id in state.fired and not inject.repeat) or inject.id in state.skipped:
        return False
    if inject.id in state.scheduled:
        return state.scheduled[inject.id] == turn
    return inject.at_turn is None or inject.at_turn == turn


def schedule_inject(scenario: Scenario, state: State, inject_id: str, turn: int) -> State:
    """The state with the inject due as turn `turn` opens (and no longer skipped).

    Rejected for an unknown inject, one that has fired and does not repeat, or a turn that has
    opened already or is past the scenario's last."""
    _unfired(scenario, state, inject_id)
    if turn <= state.opened:
        raise Rejected(f"turn {turn} has opened already: choose a later turn")
    if turn > scenario.turns:
        raise Rejected(f"the scenario has {scenario.turns} turns: choose one up to it")
    scheduled = {**state.scheduled, inject_id: turn}
    skipped = tuple(i for i in state.skipped if i != inject_id)
    return state.evolve(scheduled=scheduled, skipped=skipped)


def skip_inject(scenario: Scenario, state: State, inject_id: str) -> State:
    """The state with the inject no longer firing by itself (it can still be sent by hand).

    Rejected for an unknown inject, or one that has fired and does not repeat."""
    _unfired(scenario, state, inject_id)
    scheduled = {i: t for i, t in state.scheduled.items() if i != inject_id}
    return state.evolve(scheduled=scheduled, skipped=(*state.skipped, inject_id))


def _unfired(scenario: Scenario, state: State, inject_id: str) -> InjectSpec:
    inject = next((i for i in scenario.spec.injects if i.id == inject_id), None)
    if inject is None:
        raise Rejected(f"the scenario has no inject {inject_id!r}")
    if inject.id in state.fired and not inject.repeat:
        raise Rejected(f"the inject {inject_id!r} has fired already")
    return inject


def fire_inject(scenario: Scenario, state: State, inject_id: str, turn: int) -> Opening:
    """The inject fired now, by hand, as part of turn `turn` (whatever its schedule says).

    Its condition and chance are not asked: the facilitator decided. Rejected when the scenario
    has no such inject, when it has fired and does not repeat (the schedule would not fire it
    twice either), or when its effects cannot be evaluated."""
    inject = effective(state, _unfired(scenario, state, inject_id))
    try:
        firing = _fire(scenario, inject, environment(scenario, state, turn), state, turn)
    except (ExpressionError, ValueError) as exc:
        raise Rejected(f"the scenario cannot fire {inject_id!r}: {exc}") from exc
    return Opening(turn, _record(scenario, state, [firing]), firing.narrative, (firing.event,))


def _fire(
    scenario: Scenario, inject: InjectSpec, env: Environment, state: State, turn: int
) -> _Fired:
    changes = branch_changes(scenario, inject.effects, env, None, {}, f"inject {inject.id}")
    published = [target_name(t, None, {}) for t in picked(scenario, inject.effects, env).publish]
    audience = Audience.of(scenario.resolve_roles(inject.to)) if inject.to else TO_EVERYONE
    title = fill(scenario, state, turn, inject.title)
    text = fill(scenario, state, turn, inject.text)
    data = {"inject": inject.id, "title": title, "text": text, **_row(inject)}
    narrative = (f"{title}: {text}",) if audience.everyone else ()
    return _Fired(inject, changes, published, EngineEvent("inject", audience, data), narrative)


def _fired_quietly(scenario: Scenario, inject: InjectSpec, env: Environment) -> _Fired:
    """`_fire`'s changes and publications, without the texts and event nobody reads."""
    changes = branch_changes(scenario, inject.effects, env, None, {}, f"inject {inject.id}")
    effects = picked(scenario, inject.effects, env) if inject.effects.if_ else inject.effects
    published = [target_name(t, None, {}) for t in effects.publish]
    return _Fired(inject, changes, published, _NO_EVENT, ())


_NO_EVENT = EngineEvent("inject", FACILITATOR_ONLY, {})


def _row(inject: InjectSpec) -> dict[str, str]:
    """The MSEL fields it carries, only those set, so that an inject without them is recorded
    as before. `expected_action`, `objective` and `notes` are the facilitator's: the server
    cuts them from what any other seat sees of the event (services/projection.py)."""
    fields = ("sender", "channel", "expected_action", "objective", "notes")
    return {f: str(getattr(inject, f)) for f in fields if getattr(inject, f)}


def _record(
    scenario: Scenario, state: State, fired: Sequence[_Fired], record: bool = True
) -> State:
    """The state with every firing's changes applied together, its id recorded as fired (and
    no longer rescheduled) and the variables it publishes revealed to everyone. `record=False`
    (`_open_quietly`): `seen` kept, the same mapping, when nothing is published."""
    if not fired and state.values.__class__ is dict:
        # Nothing to record: the same state, so the environment built for it (cached by the
        # identity of its values and `seen`) serves the bots and the moves, not a new one.
        return state
    changes = [change for firing in fired for change in firing.changes]
    done = [firing.inject.id for firing in fired]
    state = state.evolve(
        values=apply_changes(scenario, state.values, changes),
        fired=tuple(dict.fromkeys((*state.fired, *done))),
        # A rescheduled inject, once fired (on its new turn or by hand), goes back to its own
        # schedule: a repeating one may fire again on its own turns or condition.
        scheduled={i: t for i, t in state.scheduled.items() if i not in done},
    )
    published = [name for firing in fired for name in firing.published]
    if not published and not record:
        return state
    return state.evolve(seen=widen_audience(state, published, EVERYONE))
