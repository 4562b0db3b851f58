"""An inject's words: the templates its title and text may use, and the facilitator's edits.

A template reads only what every recipient may see (the turn, its label, public global
variables), so that filling it in can never show a role a value it may not read. An edit is
part of the engine's state (`State.edits`), so that replaying an export fires the inject with
the words the facilitator gave it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from .effects import in_words, render
from .moves import Rejected
from .scenario import EVERYONE, Scenario
from .schema import InjectSpec, Value
from .state import State

PLACEHOLDER = re.compile(r"\{([^{}\s]*)\}")
# What the facilitator may change in an inject before it fires: its words and its recipients,
# and its minute in the turn; not its schedule (`schedule_inject`) nor its effects.
EDITABLE = (
    "title",
    "text",
    "to",
    "sender",
    "channel",
    "expected_action",
    "objective",
    "notes",
    "after_minutes",
)


def template_names(scenario: Scenario) -> set[str]:
    public = {k for k, var in scenario.global_variables().items() if var.visibility == "public"}
    return {"turn", "turn_label"} | {f"state.{key}" for key in public}


def unknown_placeholders(scenario: Scenario, text: str) -> list[str]:
    known = template_names(scenario)
    return [name for name in PLACEHOLDER.findall(text) if name and name not in known]


def fill(scenario: Scenario, state: State, turn: int, text: str) -> str:
    """`text` with its placeholders filled in for `turn`, read from `state`."""
    if "{" not in text:
        return text
    words: dict[str, Any] = {"turn": turn, "turn_label": scenario.turn_name(turn) or turn}
    for key, var in scenario.global_variables().items():
        if var.visibility == "public":
            words[f"state.{key}"] = _shown(scenario, state.values[var.name])
    return render(text, words)


def _shown(scenario: Scenario, value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return in_words(scenario, value)
    return f"{value:g}" if isinstance(value, float) else str(value)


def effective(state: State, inject: InjectSpec) -> InjectSpec:
    """The inject as it will fire: the scenario's, with the facilitator's edits."""
    edits = state.edits.get(inject.id)
    return inject.model_copy(update=dict(edits)) if edits else inject


def edit_inject(
    scenario: Scenario, state: State, inject_id: str, changes: Mapping[str, Any]
) -> State:
    """The state with the inject's words (or recipients, or minute) changed before it fires.

    Rejected for an unknown inject, one fired that does not repeat, a field that cannot be
    edited, a value of the wrong type, an unknown role or an unknown placeholder."""
    inject = next((i for i in scenario.spec.injects if i.id == inject_id), None)
    if inject is None:
        raise Rejected(f"the scenario has no inject {inject_id!r}")
    if inject.id in state.fired and not inject.repeat:
        raise Rejected(f"the inject {inject_id!r} has fired already")
    wrong = sorted(set(changes) - set(EDITABLE))
    if wrong:
        raise Rejected(f"{', '.join(wrong)} cannot be edited (only {', '.join(EDITABLE)})")
    merged = {**dict(state.edits.get(inject_id, {})), **changes}
    _check(scenario, inject, merged)
    return state.evolve(edits={**state.edits, inject_id: merged})


def _check(scenario: Scenario, inject: InjectSpec, merged: Mapping[str, Any]) -> None:
    try:
        edited = InjectSpec.model_validate({**inject.model_dump(by_alias=True), **merged})
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise Rejected(f"{where}: {first['msg']}") from exc
    for ref in edited.to or []:
        if ref != EVERYONE and ref not in scenario.role_ids and ref not in scenario.tags:
            raise Rejected(f"there is no role or tag {ref!r}")
    for field in ("title", "text"):
        unknown = unknown_placeholders(scenario, getattr(edited, field))
        if unknown:
            raise Rejected(f"{{{unknown[0]}}} is not a placeholder ({_offered(scenario)})")


def _offered(scenario: Scenario) -> str:
    return "placeholders: " + ", ".join(f"{{{n}}}" for n in sorted(template_names(scenario)))
