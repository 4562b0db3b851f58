"""The difference test for a role's private goals: the same exercise played twice, once where
the chief executive has objectives and endings of its own and once where it has none, leaves
every other seat's views, events, pages, exports and reports the same, byte for byte."""

from __future__ import annotations

import pytest

from exercises.engine import load_bundled_scenarios, load_scenario_text
from exercises.services import creation
from tests.secrets.difference import first_difference
from tests.secrets.test_secret_moves import Case, Play, views_of

pytestmark = pytest.mark.usefixtures("committing")  # adjudication runs after each commit

MOVES = (("ciso", "isolate_network"), ("comms", "holding_statement"), ("cmo", "staff_overtime"))


def text(with_goals: bool) -> str:
    # An ending due after the first day, so that every role's own ending is set then.
    source = load_bundled_scenarios()["hospital-ransomware"].source.replace(
        "\nendings:\n", '\nendings:\n  - {id: drill_over, title: Drill over, when: "turn >= 1"}\n'
    )
    if with_goals:
        return source
    ceo = source.index("  - id: ceo\n")
    start = source.index("    objectives:\n", ceo)
    end = source.index("  - id: ciso\n")
    return source[:start] + source[end:]


def played(with_goals: bool) -> Play:
    scenario = load_scenario_text(text(with_goals), "hospital-ransomware")
    made = creation.create_exercise(scenario, "Difference", seed="same")
    play = Play(
        Case("hospital-ransomware", "ceo", "", ()), True, made.exercise.public_id, made.tokens
    )
    play.control("start")
    for role, action in MOVES:
        play.move(role, action)
    for role in (name for name in made.tokens if name not in ("facilitator", "observer")):
        play.call("POST", "/ready", role)
    return play


def test_a_roles_objectives_and_ending_leave_no_trace_for_other_seats() -> None:
    with_goals, without = played(True), played(False)
    others = [s for s in [*with_goals.tokens, "room"] if s not in ("ceo", "facilitator")]

    for seat in others:
        seen, unseen = views_of(with_goals, seat, True), views_of(without, seat, True)
        for name, page in seen.items():
            assert page == unseen[name], (
                f"{seat}'s {name} differs\n{first_difference(page, unseen[name])}"
            )

    # The comparison can fail: the chief executive itself sees its goals and its ending.
    mine = views_of(with_goals, "ceo", True)
    assert "Do not pay the ransom" in mine["snapshot"] and "How it ended" in mine["html"]
    assert "Do not pay the ransom" not in views_of(without, "ceo", True)["snapshot"]
