"""What compiled CEL calls at run time: CEL's operators, with CEL's types.

Each helper either gives exactly what the `cel` library gives or raises: ints and doubles
never mix in arithmetic, a bool is never a number, int64 overflow and division by zero fail.
Compiled code never builds its own error messages: whatever raises here makes the expression
run again in `cel` (see `expressions.Expression.evaluate`), so errors read the same either way.
Where the library's result would be a value that is awkward to reproduce (a double divided by
zero, `string()` of a double, the size of a string) the helpers raise too, and let it decide.
"""

from __future__ import annotations

import math
from typing import Any, NoReturn

from .cel_parse import INT_MAX, INT_MIN

_NUMBERS = (int, float)
_ORDERED = (int, float, str, bool)
_SCALARS = (bool, int, float, str, type(None))
_EXACT = 2**53


class Fallback(Exception):
    """Compiled code cannot give CEL's answer here; `cel` will."""


def fail(*_: Any) -> NoReturn:
    raise Fallback


def truth(value: Any) -> bool:
    if value is True or value is False:
        return value
    raise Fallback


def _checked(value: int) -> int:
    if INT_MIN <= value <= INT_MAX:
        return value
    raise Fallback


def add(a: Any, b: Any) -> Any:
    kind = type(a)
    if kind is not type(b):
        raise Fallback
    if kind is int:
        return _checked(a + b)
    if kind is float or kind is str or kind is list:
        return a + b
    raise Fallback


def sub(a: Any, b: Any) -> Any:
    kind = type(a)
    if kind is not type(b):
        raise Fallback
    if kind is int:
        return _checked(a - b)
    if kind is float:
        return a - b
    raise Fallback


def mul(a: Any, b: Any) -> Any:
    kind = type(a)
    if kind is not type(b):
        raise Fallback
    if kind is int:
        return _checked(a * b)
    if kind is float:
        return a * b
    raise Fallback


def div(a: Any, b: Any) -> Any:
    kind = type(a)
    if kind is not type(b) or not b:
        raise Fallback
    if kind is int:
        quotient = abs(a) // abs(b)  # CEL truncates toward zero; Python's // floors
        return _checked(quotient if (a < 0) == (b < 0) else -quotient)
    if kind is float:
        return a / b
    raise Fallback


def mod(a: Any, b: Any) -> Any:
    if type(a) is not int or type(b) is not int or not b or (a == INT_MIN and b == -1):
        raise Fallback
    remainder = abs(a) % abs(b)  # the sign of the dividend, as in C
    return -remainder if a < 0 else remainder


def neg(a: Any) -> Any:
    kind = type(a)
    if kind is int and a != INT_MIN:
        return -a
    if kind is float:
        return -a
    raise Fallback


def less(a: Any, b: Any) -> bool:
    if _comparable(a, b):
        return bool(a < b)
    raise Fallback


def less_equal(a: Any, b: Any) -> bool:
    if _comparable(a, b):
        return bool(a <= b)
    raise Fallback


def greater(a: Any, b: Any) -> bool:
    if _comparable(a, b):
        return bool(a > b)
    raise Fallback


def greater_equal(a: Any, b: Any) -> bool:
    if _comparable(a, b):
        return bool(a >= b)
    raise Fallback


def _comparable(a: Any, b: Any) -> bool:
    # The library compares an int with a double; a bool only with a bool; a NaN with nothing
    # (it raises where Python answers false: `a == a` is false only for a NaN).
    kind, other = type(a), type(b)
    if kind is other:
        return kind in _ORDERED and (kind is not float or (a == a and b == b))
    return kind in _NUMBERS and other in _NUMBERS and _exact(a, b) and a == a and b == b


def _exact(a: Any, b: Any) -> bool:
    # Python compares an int with a double exactly; past 2**53 the library may not.
    return -_EXACT <= (a if type(a) is int else b) <= _EXACT


def equal(a: Any, b: Any) -> bool:
    kind, other = type(a), type(b)
    if kind is other and kind in _SCALARS:
        return bool(a == b)
    if kind in _NUMBERS and other in _NUMBERS and _exact(a, b):
        return bool(a == b)
    mixed_numbers = kind in _NUMBERS and other in _NUMBERS
    if kind in _SCALARS and other in _SCALARS and not mixed_numbers:
        return False  # `true == 1`, `'a' == 1`: never equal, never an error
    raise Fallback  # lists and maps: left to the library


def not_equal(a: Any, b: Any) -> bool:
    return not equal(a, b)


def contained(item: Any, container: Any) -> bool:
    if type(container) is list:
        return any(equal(item, element) for element in container)
    if type(container) is dict and type(item) is str:
        return item in container
    raise Fallback


def index(operand: Any, key: Any) -> Any:
    if type(operand) is dict and type(key) is str:
        return operand[key]
    if type(operand) is list and type(key) is int and 0 <= key < len(operand):
        return operand[key]
    raise Fallback


def has(operand: Any, name: str) -> bool:
    if type(operand) is dict:
        return name in operand
    raise Fallback


def items(operand: Any) -> list[Any]:
    """What a macro iterates: a list's elements, a map's keys."""
    if type(operand) is list:
        return operand
    if type(operand) is dict:
        return list(operand)
    raise Fallback


def every(results: list[Any]) -> bool:
    # Every element is evaluated before deciding: the library reports an error in any of them
    # unless another element settles the answer, and a Fallback lets it decide that.
    return all([truth(result) for result in results])


def some(results: list[Any]) -> bool:
    return any([truth(result) for result in results])


def exactly_one(results: list[Any]) -> bool:
    return [truth(result) for result in results].count(True) == 1


def size(value: Any) -> int:
    if type(value) is list or type(value) is dict:
        return len(value)
    raise Fallback  # a string's size is counted in the library's own way


def to_int(value: Any) -> int:
    kind = type(value)
    if kind is int:
        return int(value)
    if kind is float and math.isfinite(value) and abs(value) < 9.2e18:
        return int(value)  # truncates toward zero, as CEL does
    raise Fallback


def to_double(value: Any) -> float:
    kind = type(value)
    if kind is int or kind is float:
        return float(value)
    raise Fallback


def to_string(value: Any) -> str:
    kind = type(value)
    if kind is str:
        return str(value)
    if kind is int:
        return str(value)
    raise Fallback


def text_method(name: str) -> Any:
    def method(receiver: Any, argument: Any) -> bool:
        if type(receiver) is str and type(argument) is str:
            return bool(getattr(receiver, name)(argument))
        raise Fallback

    return method


contains = text_method("__contains__")
starts_with = text_method("startswith")
ends_with = text_method("endswith")
