"""Seeded randomness that does not depend on the order moves arrive in.

Each draw gets its own generator, derived from the exercise seed, the turn and a key naming
what is rolled for (a move's content, a rule and its role). Two servers, or a replay, given the
same seed and moves, roll the same numbers whatever order the moves were submitted in.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Draw:
    """One roll: what it was for, against which chance, and what came up."""

    key: str
    role: str | None
    subject: str
    label: str
    chance: float
    roll: float
    success: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "role": self.role,
            "subject": self.subject,
            "label": self.label,
            "chance": self.chance,
            "roll": self.roll,
            "success": self.success,
        }


def generator(seed: int | str, turn: int, key: str) -> random.Random:
    digest = hashlib.sha256(f"{seed}|{turn}|{key}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def _uniform(seed: int | str, turn: int, key: str) -> float:
    digest = hashlib.sha256(f"{seed}|{turn}|{key}".encode()).digest()
    return int.from_bytes(digest[:7], "big") / 2**56


def roll(
    seed: int | str,
    turn: int,
    key: str,
    chance: float,
    *,
    role: str | None,
    subject: str,
    label: str,
) -> Draw:
    chance = min(1.0, max(0.0, float(chance)))
    return clamped_roll(seed, turn, key, chance, round(chance, 6), role, subject, label)


def clamped_roll(
    seed: int | str,
    turn: int,
    key: str,
    chance: float,
    recorded: float,
    role: str | None,
    subject: str,
    label: str,
) -> Draw:
    """`roll` of a chance already clamped to [0, 1], with `recorded` its `round(chance, 6)`:
    a move's plan works both out once (move_plans.py)."""
    # _uniform written out, and the Draw made without the frozen dataclass's __init__ (a
    # field at a time through object.__setattr__), as moves.state_change is: a dozen draws
    # a turn in `simulate`.
    digest = _sha256(f"{seed}|{turn}|{key}".encode()).digest()
    value = _from_bytes(digest[:7], "big") / 2**56
    made = _new(Draw)
    fields = made.__dict__
    fields["key"] = key
    fields["role"] = role
    fields["subject"] = subject
    fields["label"] = label
    fields["chance"] = recorded
    fields["roll"] = round(value, 6)
    fields["success"] = value < chance
    return made


_new = object.__new__
_sha256 = hashlib.sha256
_from_bytes = int.from_bytes
