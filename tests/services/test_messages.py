"""Messages between roles: to one, to several, to all; each role reads only its own."""

from __future__ import annotations

from typing import Any

import pytest

from exercises.models import Message
from exercises.services import messages
from exercises.services.errors import Forbidden, Invalid
from tests.services.conftest import SEATS, Cast


def bodies(cast: Cast, seat: str) -> list[str]:
    return [e["data"]["body"] for e in cast.visible(seat) if e["type"] == "message.posted"]


def test_a_message_to_one_role_reaches_that_role_and_its_sender(cast: Cast) -> None:
    messages.post_message(cast.anthropic, ["openai"], "Are you seeing it too?")

    for seat in SEATS:
        expected = seat in ("anthropic", "openai", "facilitator")
        assert bodies(cast, seat) == (["Are you seeing it too?"] if expected else []), seat


def test_a_message_to_several_roles_reaches_each_of_them(cast: Cast) -> None:
    message = messages.post_message(cast.seat("ukaisi"), ["openai", "anthropic"], "Send logs.")

    assert message.recipients == ["anthropic", "openai"]
    for seat in SEATS:
        expected = seat in ("ukaisi", "anthropic", "openai", "facilitator")
        assert bodies(cast, seat) == (["Send logs."] if expected else []), seat


def test_a_message_to_all_reaches_every_role(cast: Cast) -> None:
    message = messages.post_message(cast.seat("un"), "all", "Summit on Friday.")

    assert message.to_all
    for seat in SEATS:
        if seat != "observer":  # whether a message to all roles is public is left open
            assert bodies(cast, seat) == ["Summit on Friday."], seat


def test_the_facilitator_may_write_to_a_role(cast: Cast) -> None:
    messages.post_message(cast.facilitator, ["openai"], "Your board calls.")

    [event] = [e for e in cast.visible("openai") if e["type"] == "message.posted"]
    assert event["data"]["from"] == "facilitator"
    assert bodies(cast, "anthropic") == []


def test_the_observer_cannot_post(cast: Cast) -> None:
    with pytest.raises(Forbidden):
        messages.post_message(cast.observer, "all", "Hello from the gallery.")

    assert not Message.objects.exists()


def test_a_role_sees_only_messages_addressed_to_it_or_sent_by_it(cast: Cast) -> None:
    # given a web of messages
    messages.post_message(cast.anthropic, ["openai"], "a->o")
    messages.post_message(cast.openai, ["anthropic", "gdm"], "o->a,g")
    messages.post_message(cast.seat("gdm"), ["meta"], "g->m")
    messages.post_message(cast.seat("china"), "all", "c->all")
    messages.post_message(cast.facilitator, ["congress"], "f->c")

    # then
    assert bodies(cast, "anthropic") == ["a->o", "o->a,g", "c->all"]
    assert bodies(cast, "openai") == ["a->o", "o->a,g", "c->all"]
    assert bodies(cast, "gdm") == ["o->a,g", "g->m", "c->all"]
    assert bodies(cast, "meta") == ["g->m", "c->all"]
    assert bodies(cast, "congress") == ["c->all", "f->c"]
    assert bodies(cast, "facilitator") == ["a->o", "o->a,g", "g->m", "c->all", "f->c"]


@pytest.mark.parametrize(
    "to",
    [["nobody"], [], "everyone", [42], None],
)
def test_a_message_to_nobody_known_is_invalid(cast: Cast, to: Any) -> None:
    with pytest.raises(Invalid):
        messages.post_message(cast.anthropic, to, "Hello?")

    assert not Message.objects.exists()


@pytest.mark.parametrize("body", ["", "   ", "x" * (messages.MAX_BODY + 1)])
def test_a_message_needs_a_body_of_sensible_length(cast: Cast, body: str) -> None:
    with pytest.raises(Invalid):
        messages.post_message(cast.anthropic, ["openai"], body)
