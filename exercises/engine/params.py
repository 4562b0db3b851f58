"""Action parameters: checking what a player sent, and describing it as JSON Schema."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from .scenario import Scenario
from .schema import ActionSpec, ParamSpec
from .texts import UNSTORABLE, storable


class ParamError(ValueError):
    pass


def check_params(
    scenario: Scenario, action: ActionSpec, role: str, given: Mapping[str, Any]
) -> dict[str, Any]:
    """The parameters with defaults filled in, or ParamError saying which one is wrong."""
    if not isinstance(given, Mapping):
        raise ParamError("params must be an object")
    unknown = sorted(set(given) - set(action.params))
    if unknown:
        raise ParamError(f"{action.id} takes no parameter {unknown[0]!r}")
    checked: dict[str, Any] = {}
    for name, spec in action.params.items():
        if name in given:
            checked[name] = _check_one(scenario, spec, role, name, given[name])
        elif spec.default is not None:
            checked[name] = float(spec.default) if spec.type == "float" else spec.default
        else:
            raise ParamError(f"{action.id} needs the parameter {name!r}")
    return checked


def _check_one(scenario: Scenario, spec: ParamSpec, role: str, name: str, value: Any) -> Any:
    if spec.type == "bool":
        if not isinstance(value, bool):
            raise ParamError(f"{name} must be true or false")
        return value
    if spec.type in ("int", "float"):
        return _check_number(spec, name, value)
    if not isinstance(value, str):
        raise ParamError(f"{name} must be text")
    if spec.type == "text":
        if not storable(value):
            raise ParamError(f"{name} is not valid text: it {UNSTORABLE}")
        if len(value) > spec.max_length:
            raise ParamError(f"{name} is longer than {spec.max_length} characters")
        return value
    allowed = param_choices(scenario, spec, role)
    if value not in allowed:
        raise ParamError(f"{name} must be one of {', '.join(allowed)}")
    return value


def _check_number(spec: ParamSpec, name: str, value: Any) -> int | float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ParamError(f"{name} must be a number")
    if not _finite(value):
        raise ParamError(f"{name} must be a finite number")
    if spec.type == "int" and isinstance(value, float) and not value.is_integer():
        raise ParamError(f"{name} must be a whole number")
    if spec.min is not None and value < spec.min:
        raise ParamError(f"{name} must be at least {spec.min:g}")
    if spec.max is not None and value > spec.max:
        raise ParamError(f"{name} must be at most {spec.max:g}")
    return int(value) if spec.type == "int" else float(value)


def _finite(value: int | float) -> bool:
    # An integer of a few hundred digits is past any float: comparing it is fine, converting not.
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


def param_choices(scenario: Scenario, spec: ParamSpec, role: str) -> list[str]:
    if spec.type == "choice":
        return list(spec.choices or [])
    roles = scenario.resolve_roles(spec.roles or ["*"])
    return [r for r in roles if not (spec.not_self and r == role)]


def params_schema(scenario: Scenario, action: ActionSpec, role: str) -> dict[str, Any]:
    """The action's parameters as a JSON Schema object, for forms and API clients."""
    properties = {name: _param_schema(scenario, spec, role) for name, spec in action.params.items()}
    required = [name for name, spec in action.params.items() if spec.default is None]
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def _param_schema(scenario: Scenario, spec: ParamSpec, role: str) -> dict[str, Any]:
    kinds = {"int": "integer", "float": "number", "bool": "boolean"}
    schema: dict[str, Any] = {"type": kinds.get(spec.type, "string"), "title": spec.label}
    if spec.description:
        schema["description"] = spec.description
    if spec.type in ("choice", "role"):
        schema["enum"] = param_choices(scenario, spec, role)
    if spec.type == "text":
        schema["maxLength"] = spec.max_length
    if spec.min is not None:
        schema["minimum"] = spec.min
    if spec.max is not None:
        schema["maximum"] = spec.max
    if spec.default is not None:
        schema["default"] = spec.default
    return schema
