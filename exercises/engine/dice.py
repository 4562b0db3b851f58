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
    value = _uniform(seed, turn, key)
    return Draw(key, role, subject, label, round(chance, 6), round(value, 6), value < chance)
