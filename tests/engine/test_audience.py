"""The one vocabulary of audiences: the engine's `Audience` and the shape the log stores."""

from __future__ import annotations

import pytest

from exercises.engine import FACILITATOR, OBSERVER, Audience
from exercises.engine.audience import EVERYONE, FACILITATOR_ONLY


@pytest.mark.parametrize(
    ("audience", "stored"),
    [
        (EVERYONE, {"all": True}),
        (FACILITATOR_ONLY, {}),
        (Audience.of(["openai"]), {"roles": ["openai"]}),
        (Audience.of(["openai", "gdm", "openai"]), {"roles": ["gdm", "openai"]}),
    ],
)
def test_an_audience_is_stored_in_the_shape_exports_and_the_stream_read(
    audience: Audience, stored: dict[str, object]
) -> None:
    assert audience.to_dict() == stored
    assert Audience.from_dict(stored) == audience


def test_roles_are_one_audience_whatever_order_they_are_named_in() -> None:
    assert Audience.of(["openai", "gdm"]) == Audience.of(["gdm", "openai"])


def test_no_roles_at_all_is_the_facilitator_alone() -> None:
    assert Audience.of([]) == FACILITATOR_ONLY
    assert Audience.from_dict(None) == Audience.from_dict({"roles": []}) == FACILITATOR_ONLY


def test_an_audience_includes_the_facilitator_always_and_the_observer_only_when_public() -> None:
    to_gdm = Audience.of(["gdm"])

    assert [to_gdm.includes(v) for v in (FACILITATOR, "gdm", "openai", OBSERVER)] == [
        True,
        True,
        False,
        False,
    ]
    assert EVERYONE.includes(OBSERVER) and FACILITATOR_ONLY.includes(FACILITATOR)
    assert not FACILITATOR_ONLY.includes("gdm")


def test_everyone_and_some_roles_at_once_is_refused() -> None:
    with pytest.raises(ValueError, match="names no roles"):
        Audience(everyone=True, roles=("gdm",))
