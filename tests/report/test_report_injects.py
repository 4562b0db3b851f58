"""The report's inject table: each inject with when it fired, who received it, what it expected
and tested, and what those roles did that turn; the facilitator's notes and rolls in the
facilitator's report alone."""

from __future__ import annotations

import re

import pytest

from exercises.engine import Scenario
from exercises.services import injects, moves, turns
from exercises.services.export import export_for
from exercises.services.report import render_report
from tests.services.conftest import Cast
from tests.services.test_msel import with_timeline


@pytest.fixture
def scenario() -> Scenario:
    return with_timeline()


def section(html: str) -> str:
    found = re.search(r'<section id="injects".*?</section>', html, re.S)
    assert found
    return found.group(0)


def played(cast: Cast) -> Cast:
    moves.submit_move(cast.anthropic, "free_form", {}, "We call the board.", "k1")
    moves.submit_move(cast.openai, "free_form", {}, "We stay quiet.", "k2")
    injects.skip_inject(cast.facilitator, "press_call")
    turns.close_turn(cast.facilitator, anyway=True)
    return cast


def test_the_facilitators_report_lists_every_inject_with_what_it_tests_and_what_was_done(
    cast: Cast,
) -> None:
    table = section(render_report(export_for(played(cast).facilitator)))

    ransom = table[table.index("Ransom note (Day 1, 08:00)") :].split("</tr>")[0]
    assert "from Unknown actor (email)" in ransom
    assert "Call the board." in ransom and "Crisis communication" in ransom
    assert "Notes: Hold the follow-up call until they ask." in ransom
    assert "Anthropic" in ransom and "Free-form move" in ransom
    assert "OpenAI" not in ransom  # it did not receive it
    assert "A reporter calls" in table and "never fired" in table


def test_another_seats_report_lists_the_injects_it_received_without_what_is_the_facilitators(
    cast: Cast,
) -> None:
    played(cast)
    mine = section(render_report(export_for(cast.anthropic)))
    theirs = section(render_report(export_for(cast.openai)))

    assert "Ransom note (Day 1, 08:00)" in mine and "Ransom note" not in theirs
    for secret in ("Call the board.", "Crisis communication", "Hold the follow-up", "never fired"):
        assert secret not in mine and secret not in theirs
    assert "from Unknown actor (email)" in mine
