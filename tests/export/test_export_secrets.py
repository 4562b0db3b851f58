"""Seat-scoped exports hold nothing the seat did not see: tested for every seat of ai-pause.

Two turns are played (tests/export/conftest.py); then every seat's export, in every format,
is fetched over the API and searched, as text, for what only others may know: each other
role's briefing, every variable the seat may not see (by name), other roles' moves, the
messages not addressed to it, the rulings' texts, the notes and the seed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest

from exercises.services import creation

if TYPE_CHECKING:
    from tests.export.conftest import Api, Game

ROLES = ["anthropic", "openai", "gdm", "meta", "ukaisi", "congress", "china", "un"]
FORMATS = ("json", "csv", "html")
# (A ruling's narrative is not among them: on success it is the public narrative.)
ONLY_FACILITATOR = ["FACILITATOR-NOTE", "FACILITATOR-DEBRIEF", '"seed"', '"sha256"']
# Who besides the facilitator may see each of these.
SHARED = {"OPENAI-TO-GDM-only": {"openai", "gdm"}, "OPENAI-CHANNEL-to-gdm": {"openai", "gdm"}}


def snippet(text: str) -> str:
    """A stretch of plain words from `text`, which escaping in JSON or HTML leaves alone."""
    words: list[str] = re.findall(r"[A-Za-z ]+", text)
    return max(words, key=len)[:40]


def hidden_from(seat: str, export: dict[str, Any]) -> list[str]:
    """The variables `seat` may never see, by the scenario and every state it went through."""
    scenario = creation.bundled("ai-pause")
    states = [export["initial_state"], export["exercise"]["state"]]
    states += [t[k] for t in export["turns"] for k in ("state_before", "state_after") if t[k]]
    widened = {n for s in states for n, who in s["seen"].items() if {seat, "*"} & set(who)}
    return [
        name
        for name, var in scenario.variables.items()
        if var.visibility != "public"
        and not (var.visibility == "private" and var.owner == seat)
        and name not in widened
    ]


@pytest.fixture
def exports(api: Api, game: Game, play: Callable[[], list[str]]) -> dict[str, dict[str, str]]:
    """Every seat's export in every format."""
    play()
    seen: dict[str, dict[str, str]] = {}
    for seat in ["facilitator", "observer", *ROLES]:
        for format in FORMATS:
            response = api.get(game.url(f"/export?format={format}"), game.tokens[seat])
            assert response.status_code == 200, response.content
            seen.setdefault(seat, {})[format] = response.content.decode()
    return seen


def test_no_seat_exports_another_roles_briefing_state_moves_messages_or_notes(
    exports: dict[str, dict[str, str]],
) -> None:
    # given
    full = json.loads(exports["facilitator"]["json"])
    briefings = {r.id: snippet(r.briefing) for r in creation.bundled("ai-pause").roles}
    moves = {
        role: [m["id"] for t in full["turns"] for m in t["moves"] if m["role"] == role]
        for role in ROLES
    }

    for seat in ["observer", *ROLES]:
        # when
        text = "\n".join(exports[seat].values())
        secrets = [b for role, b in briefings.items() if role != seat]
        secrets += hidden_from(seat, full)
        secrets += [i for role, ids in moves.items() if role != seat for i in ids]
        secrets += ONLY_FACILITATOR
        secrets += [s for s, who in SHARED.items() if seat not in who]

        # then
        leaked = [s for s in secrets if s in text]
        assert not leaked, f"{seat} exports {leaked}"
        if seat in briefings:
            assert briefings[seat] in text, f"{seat}'s own briefing is missing"

    # The search would find them: the facilitator's export holds every one.
    everything = [*briefings.values(), *hidden_from("observer", full), *ONLY_FACILITATOR]
    everything += [*SHARED, *(i for ids in moves.values() for i in ids)]
    assert [s for s in everything if s not in exports["facilitator"]["json"]] == []
