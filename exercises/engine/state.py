"""The state of an exercise between turns, and what each audience may see of it."""

from __future__ import annotations

import operator
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from itertools import compress
from operator import is_not
from typing import Any

from .cel_functions import FACTS, Facts
from .expressions import Environment
from .scenario import EVERYONE, Scenario
from .schema import Value

FACILITATOR = "facilitator"
OBSERVER = "observer"


@dataclass(frozen=True)
class State:
    """Everything adjudication reads and writes. Treat it as immutable: the engine copies.

    `turn` counts the turns resolved so far; `opened`, the turns whose injects have fired.
    `seen` widens a variable's audience at run time: a role id, or `*` for everyone (a lab
    publishing its evidence, an evaluation revealing a safety case to the lab that ran it).
    `scheduled` and `skipped` are the facilitator's changes to the injects' schedule: an inject
    moved to another turn, or one that will not fire by itself (see opening.py); `edits`, the
    words they changed in an inject before it fires (inject_text.py); `tried`, the turn each
    inject timed within its turn was last due (fired or not), so that it is judged once a turn.
    """

    # Each value has its variable's type (`Variable.type`), which no annotation can say here.
    values: Mapping[str, Any]
    turn: int = 0
    opened: int = 0
    seen: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    fired: tuple[str, ...] = ()
    commitments: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    met: tuple[str, ...] = ()
    ending: str | None = None
    scheduled: Mapping[str, int] = field(default_factory=dict)
    skipped: tuple[str, ...] = ()
    edits: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    tried: Mapping[str, int] = field(default_factory=dict)
    # The turn each action (`action:<id>:<role>`) or rule (`rule:<id>:<role or *>`) with
    # `once` or `cooldown` last ran in: what those limits are judged on.
    used: Mapping[str, int] = field(default_factory=dict)
    # Each role's objectives that hold in this state (after a turn is adjudicated).
    achieved: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Effects scheduled for a later turn (`later`), worked out when they were scheduled:
    # `{turn, changes, text, public, role}`, applied as that turn is adjudicated.
    later: tuple[Mapping[str, Any], ...] = ()
    # Offers waiting for an answer: `{id, action, from, to, params, text, turn, until}`.
    offers: tuple[Mapping[str, Any], ...] = ()
    # Once the exercise has ended: each role's own ending (RoleSpec.endings), by role.
    role_endings: Mapping[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "turn": self.turn,
            "opened": self.opened,
            "values": dict(self.values),
            "seen": {name: list(who) for name, who in self.seen.items()},
            "fired": list(self.fired),
            "commitments": {cid: list(who) for cid, who in self.commitments.items()},
            "met": list(self.met),
            "ending": self.ending,
        }
        # Written only once used, so the states of exports made before they existed replay
        # to the same dictionaries.
        if self.scheduled:
            data["scheduled"] = dict(self.scheduled)
        if self.skipped:
            data["skipped"] = list(self.skipped)
        if self.edits:
            data["edits"] = {iid: dict(edit) for iid, edit in self.edits.items()}
        if self.tried:
            data["tried"] = dict(self.tried)
        if self.used:
            data["used"] = dict(self.used)
        if self.achieved:
            data["achieved"] = {role: list(ids) for role, ids in self.achieved.items()}
        if self.later:
            data["later"] = [dict(item) for item in self.later]
        if self.offers:
            data["offers"] = [dict(item) for item in self.offers]
        if self.role_endings:
            data["role_endings"] = dict(self.role_endings)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> State:
        return cls(
            values=dict(data["values"]),
            turn=int(data["turn"]),
            opened=int(data.get("opened", data["turn"])),
            seen={name: tuple(who) for name, who in data.get("seen", {}).items()},
            fired=tuple(data.get("fired", ())),
            commitments={cid: tuple(w) for cid, w in data.get("commitments", {}).items()},
            met=tuple(data.get("met", ())),
            ending=data.get("ending"),
            scheduled={iid: int(turn) for iid, turn in data.get("scheduled", {}).items()},
            skipped=tuple(data.get("skipped", ())),
            edits={iid: dict(edit) for iid, edit in data.get("edits", {}).items()},
            tried={iid: int(turn) for iid, turn in data.get("tried", {}).items()},
            used={key: int(turn) for key, turn in data.get("used", {}).items()},
            achieved={role: tuple(ids) for role, ids in data.get("achieved", {}).items()},
            later=tuple(dict(item) for item in data.get("later", ())),
            offers=tuple(dict(item) for item in data.get("offers", ())),
            role_endings=dict(data.get("role_endings", {})),
        )

    def evolve(self, **changes: Any) -> State:
        # dataclasses.replace checks every field's kind on each call, and the frozen class's
        # __init__ sets each field through object.__setattr__: 8 times a turn.
        if not changes.keys() <= _FIELDS:
            raise TypeError(f"State has no field {sorted(changes.keys() - _FIELDS)[0]!r}")
        evolved = _new(State)
        evolved.__dict__.update(self.__dict__)
        evolved.__dict__.update(changes)
        return evolved


_FIELDS = frozenset(f.name for f in fields(State))
_new = object.__new__


def initial_state(scenario: Scenario) -> State:
    values = {name: var.initial for name, var in scenario.variables.items()}
    return State(values=values, commitments={c.id: () for c in scenario.commitments})


_cache = threading.local()


def environment(scenario: Scenario, state: State, turn: int) -> Environment:
    """What expressions read: `state`, `roles`, `tags`, `commitments`, `turn`.

    Per-move names (`me`, `role`, `params`) are bound on top by the caller, from `env.roles`.
    Building one costs more than a turn's worth of evaluations, and bots and adjudication read
    the same state in turn, so the last one built in this thread is reused for the same values.
    `turn` is served lazily, like the per-move names, so it can change without a rebuild.
    """
    last = getattr(_cache, "last", None)
    if last is not None:
        before = last[0]
        if (
            before[0] is scenario
            and before[1] is state.values
            and before[2] is state.commitments
            and before[3] is state.met
            and before[4] is state.seen
        ):  # five times a turn: written out, env.bound and env.bind too
            env: Environment = last[1]
            names = env.names
            if names.get("turn") != turn:
                env.memo.clear()  # what it remembers was judged in another turn
            names["turn"] = turn
            return env
    key = (scenario, state.values, state.commitments, state.met, state.seen)
    layout = _layout(scenario)
    row = layout.read(state.values)
    updated = _updated(scenario, state, last, layout, row) if last else None
    if updated is not None:
        env = updated
    else:
        readers = _readers(scenario)
        values = state.values
        roles = {rid: dict(zip(keys, read(values), strict=True)) for rid, keys, read in readers[1:]}
        env = Environment(
            {
                "state": dict(zip(readers[0][1], readers[0][2](values), strict=True)),
                "roles": roles,
                "tags": scenario.tags,
                "commitments": _commitments(scenario, state),
            }
        )
        env.roles = roles
        env.names[FACTS] = _facts(scenario, state)
    _cache.last = (key, env, row)
    return env.bind(turn=turn)


def _commitments(scenario: Scenario, state: State) -> dict[str, dict[str, Any]]:
    return {
        c.id: {"count": len(state.commitments.get(c.id, ())), "met": c.id in state.met}
        for c in scenario.commitments
    }


def _updated(
    scenario: Scenario,
    state: State,
    last: tuple[tuple[Any, ...], Environment, tuple[Any, ...]],
    layout: _Layout,
    row: tuple[Any, ...],
) -> Environment | None:
    """The environment of `state` made from the last one built, when that was of the same
    scenario: a phase changes a few dozen of its values, and copying the maps they sit in and
    setting those costs less than reading every value again (three times a turn). None when
    most values changed (another exercise's state): then it is built from the start."""
    before, old, old_row = last
    if before[0] is not scenario:
        return None
    changed = list(compress(layout.places, map(is_not, old_row, row)))
    if len(changed) > layout.most:
        return None
    return _with_changes(scenario, state, before, old, changed, layout, row)


def environment_after(
    scenario: Scenario, before: State, state: State, names: Iterable[str], turn: int
) -> Environment:
    """`environment(scenario, state, turn)` for a state whose values differ from `before`'s
    only in the variables `names` (a phase's own changes, which it knows): when the last
    environment built is `before`'s, made from it without reading and comparing every value."""
    last = getattr(_cache, "last", None)
    if last is None or state.values is before.values:
        return environment(scenario, state, turn)
    key = last[0]
    if not (
        key[0] is scenario
        and key[1] is before.values
        and key[2] is before.commitments is state.commitments
        and key[3] is before.met is state.met
        and key[4] is before.seen
    ):
        return environment(scenario, state, turn)
    layout = _layout(scenario)
    row = list(last[2])
    values = state.values
    where = layout.where
    old = last[1]
    variables = old.variables
    own = variables["state"]
    roles = dict(old.roles)
    copied: set[str | None] = set()
    count = 0
    # `_with_changes` of the values found changed, made in the same pass that finds them:
    # only the maps holding them copied, each once.
    for name in names:
        place, var_key, at = where[name]
        value = values[name]
        if value is not row[at]:
            row[at] = value
            count += 1
            if place is None:
                if None not in copied:
                    own = own.copy()
                    copied.add(None)
                own[var_key] = value
            else:
                if place not in copied:
                    roles[place] = roles[place].copy()
                    copied.add(place)
                roles[place][var_key] = value
    if count > layout.most:
        return environment(scenario, state, turn)
    env = Environment(
        {
            "state": own,
            "roles": roles,
            "tags": scenario.tags,
            "commitments": variables["commitments"],  # the same commitments (checked above)
        }
    )
    env.roles = roles
    # The facts read the state's `seen` alone (can_see): the same `seen`, the same facts.
    env.names[FACTS] = old.names[FACTS] if key[4] is state.seen else _facts(scenario, state)
    _cache.last = ((scenario, values, state.commitments, state.met, state.seen), env, tuple(row))
    return env.bind(turn=turn)


def _with_changes(
    scenario: Scenario,
    state: State,
    before: tuple[Any, ...],
    old: Environment,
    changed: list[tuple[str | None, int]],
    layout: _Layout,
    row: Sequence[Any],
) -> Environment:
    """The environment `old` (of the state keyed `before`) with the values at `changed` (as
    in `layout`) taken from `row`: only the maps holding them copied."""
    variables = old.variables
    own = variables["state"]
    roles = dict(old.roles)
    copied: set[str] = set()
    for place, index in changed:
        if place is None:
            if own is variables["state"]:
                own = own.copy()
            own[layout.keys[index]] = row[index]
        else:
            if place not in copied:
                roles[place] = roles[place].copy()
                copied.add(place)
            roles[place][layout.keys[index]] = row[index]
    same_commitments = before[2] is state.commitments and before[3] is state.met
    env = Environment(
        {
            "state": own,
            "roles": roles,
            "tags": scenario.tags,
            "commitments": (
                variables["commitments"] if same_commitments else _commitments(scenario, state)
            ),
        }
    )
    env.roles = roles
    # The facts read the state's `seen` alone (can_see): the same `seen`, the same facts.
    env.names[FACTS] = old.names[FACTS] if before[4] is state.seen else _facts(scenario, state)
    return env


@dataclass(frozen=True)
class _Layout:
    """Every value an environment holds, in one order: where each sits (None for `state`, else
    its role) with its index, its key there, and a getter of them all from the flat state."""

    places: tuple[tuple[str | None, int], ...]
    keys: tuple[str, ...]
    read: Callable[[Mapping[str, Value]], tuple[Value, ...]]
    most: int  # changed values beyond which a rebuild costs less
    index: Mapping[str, int]  # each variable's place in the order
    # Each variable's map (None for `state`, else its role), its key there and its index.
    where: Mapping[str, tuple[str | None, str, int]]


def _layout(scenario: Scenario) -> _Layout:
    found: _Layout | None = scenario.cache.get("environment_layout")
    if found is None:
        places: list[tuple[str | None, int]] = []
        keys: list[str] = []
        names: list[str] = []
        for owner in (None, *scenario.role_ids):
            for var_key, var in scenario.role_variables(owner).items():
                places.append((owner, len(keys)))
                keys.append(var_key)
                names.append(var.name)
        read = _getter(names)
        most = max(8, len(names) // 3)
        index = {n: i for i, n in enumerate(names)}
        where = {n: (places[i][0], keys[i], i) for n, i in index.items()}
        found = _Layout(tuple(places), tuple(keys), read, most, index, where)
        scenario.cache["environment_layout"] = found
    return found


def _facts(scenario: Scenario, state: State) -> Facts:
    """What `count`, `sum`, `published` and `revealed` read of this state (cel_functions)."""
    fixed = scenario.cache.get("function_facts")
    if fixed is None:
        variables = scenario.variables
        kinds = {var.key: var.type for var in variables.values() if var.owner is not None}
        fixed = (kinds, frozenset(variables), frozenset(scenario.role_ids))
        scenario.cache["function_facts"] = fixed
    return Facts(
        kinds=fixed[0],
        variables=fixed[1],
        role_ids=fixed[2],
        sees=lambda name, role: can_see(scenario, state, role, name),
        public=lambda name: can_see(scenario, state, OBSERVER, name),
    )


_Reader = tuple[str, tuple[str, ...], Callable[[Mapping[str, Value]], tuple[Value, ...]]]


def _readers(scenario: Scenario) -> list[_Reader]:
    """For the globals (owner ""), then each role: the keys expressions read and a getter of
    their values from the flat state. An environment is built two or three times a turn; the
    getters read some 150 values in C where a dict comprehension looked each one up."""
    found: list[_Reader] | None = scenario.cache.get("environment_readers")
    if found is None:
        found = []
        for owner in (None, *scenario.role_ids):
            variables = scenario.role_variables(owner)
            names = [var.name for var in variables.values()]
            found.append((owner or "", tuple(variables), _getter(names)))
        scenario.cache["environment_readers"] = found
    return found


def _getter(names: list[str]) -> Callable[[Mapping[str, Value]], tuple[Value, ...]]:
    if len(names) == 1:  # itemgetter of one name gives the value, not a tuple of it
        return lambda values: (values[names[0]],)
    if not names:
        return lambda values: ()
    return operator.itemgetter(*names)


def role_values(scenario: Scenario, values: Mapping[str, Any], role: str) -> dict[str, Any]:
    return {key: values[var.name] for key, var in scenario.role_variables(role).items()}


def can_see(scenario: Scenario, state: State, viewer: str, name: str) -> bool:
    """Whether `viewer` (a role id, `observer` or `facilitator`) may see variable `name`."""
    if viewer == FACILITATOR:
        return True
    var = scenario.variables[name]
    extra = state.seen.get(name, ())
    if var.visibility == "public" or EVERYONE in extra:
        return True
    if viewer == OBSERVER:
        return False
    return (
        (var.visibility == "private" and var.owner == viewer)
        or viewer in extra
        or viewer in var.audience
    )


def visible_values(scenario: Scenario, state: State, viewer: str) -> dict[str, Any]:
    values = state.values.items()
    return {name: value for name, value in values if can_see(scenario, state, viewer, name)}


def visible_objectives(scenario: Scenario, state: State, viewer: str) -> dict[str, Any]:
    """Each role's objectives and whether they hold: all of them for the facilitator, a role's
    own for it, none for anyone else (they are part of its private briefing)."""
    view: dict[str, Any] = {}
    for role in scenario.roles:
        if role.objectives and viewer in (FACILITATOR, role.id):
            held = state.achieved.get(role.id, ())
            view[role.id] = [
                {"id": o.id, "label": o.label, "description": o.description, "met": o.id in held}
                for o in role.objectives
            ]
    return view


def visible_role_endings(scenario: Scenario, state: State, viewer: str) -> dict[str, Any]:
    """How the exercise ended for each role: every role's for the facilitator, a role's own
    for it, nobody else's."""
    view: dict[str, Any] = {}
    for role in scenario.roles:
        chosen = state.role_endings.get(role.id)
        if chosen is None or viewer not in (FACILITATOR, role.id):
            continue
        spec = next((e for e in role.endings if e.id == chosen), None)
        if spec is not None:
            view[role.id] = {"id": spec.id, "title": spec.title, "text": spec.text}
    return view


def visible_commitments(scenario: Scenario, state: State, viewer: str) -> dict[str, Any]:
    """A role sees only its own signal, and the others' once the commitment is met."""
    view: dict[str, Any] = {}
    for c in scenario.commitments:
        members = state.commitments.get(c.id, ())
        met = c.id in state.met
        if viewer == FACILITATOR:
            view[c.id] = {"committed": list(members), "met": met}
        elif viewer in scenario.resolve_roles(c.roles):
            mine = viewer in members
            view[c.id] = {
                "committed": list(members) if met and mine else [],
                "met": met and mine,
                "mine": mine,
            }
    return view
