"""Who may learn of something: everyone, some roles, or the facilitator alone.

The facilitator always may, so an audience never names it. The engine gives every event it
emits an `Audience`, and the server's event log stores exactly `to_dict()`: `{"all": true}`,
`{"roles": [...]}` (sorted) or `{}` for the facilitator only, the shape exports and the live
stream read. So the vocabulary is defined once, here, and nothing translates it by hand.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .state import FACILITATOR, OBSERVER


@dataclass(frozen=True)
class Audience:
    """Everyone, or these roles (sorted, each once), or nobody but the facilitator."""

    everyone: bool = False
    roles: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.everyone and self.roles:
            raise ValueError("an audience of everyone names no roles")
        canonical = tuple(sorted(set(self.roles)))
        if canonical != self.roles:
            object.__setattr__(self, "roles", canonical)

    @classmethod
    def of(cls, roles: Iterable[str]) -> Audience:
        """These roles (and the facilitator); no roles at all is the facilitator alone."""
        return _of(tuple(roles))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Audience:
        """The audience a stored event's `audience` field describes."""
        data = data or {}
        if data.get("all"):
            return EVERYONE
        return cls.of(data.get("roles", ()))

    def to_dict(self) -> dict[str, Any]:
        """The stored shape (docs/export-format.md, `events`)."""
        if self.everyone:
            return {"all": True}
        if self.roles:
            return {"roles": list(self.roles)}
        return {}

    def includes(self, viewer: str) -> bool:
        """Whether `viewer` (a role id, `observer` or `facilitator`) is in the audience."""
        if viewer == FACILITATOR or self.everyone:
            return True
        return viewer != OBSERVER and viewer in self.roles

    @property
    def facilitator_only(self) -> bool:
        return not self.everyone and not self.roles


@lru_cache(maxsize=4096)
def _of(roles: tuple[str, ...]) -> Audience:
    # Adjudication makes one audience per move and rule; the same few recur every turn.
    return Audience(roles=roles)


EVERYONE = Audience(everyone=True)
FACILITATOR_ONLY = Audience()


def to_roles(*roles: str) -> Audience:
    return Audience.of(roles)
