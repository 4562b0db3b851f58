"""The report opens with what a sponsor reads in five minutes, and says truly who played each
role: a person for the turns a person played it, a bot after."""

from __future__ import annotations

from collections.abc import Callable

from exercises.services import commands, export, moves, notes, seats, turns
from exercises.services.report import render_report
from tests.services.conftest import OTHERS, Cast


def play(cast: Cast, count: int) -> None:
    for month in range(count):
        # Anthropic's first training run has its scaling policy's evaluation run with it, and
        # the policy forbids scaling from then on: later months it staffs the crisis instead.
        action = "continue_scaling" if month == 0 else "mobilize_crisis_team"
        moves.submit_move(cast.anthropic, action, {}, "", "")
        turns.close_turn(cast.facilitator)
        turns.open_next_turn(cast.facilitator)


def report_of(cast: Cast, seat: str) -> str:
    return render_report(export.export_for(seats.authenticate(cast.public_id, cast.tokens[seat])))


def test_a_role_a_person_played_before_a_bot_took_it_says_both(
    create: Callable[..., Cast],
) -> None:
    # given two months played by a person, then the role handed to a bot
    cast = create(bots=dict.fromkeys(OTHERS, "no-pause"))
    commands.start(cast.facilitator)
    play(cast, 2)
    commands.replace_seat(cast.facilitator, "openai", "no-pause")
    turns.close_turn(cast.facilitator)

    # when the facilitator prints the report
    html = report_of(cast, "facilitator")

    # then
    assert "a person (months 1\N{EN DASH}2), then a bot (no-pause) from month 3" in html
    assert "a bot (no-pause)" in html  # the roles a bot played from the start


def test_the_five_minute_summary_comes_before_the_detail(create: Callable[..., Cast]) -> None:
    cast = create(bots=dict.fromkeys(OTHERS, "no-pause"))
    commands.start(cast.facilitator)
    play(cast, 3)

    html = report_of(cast, "facilitator")

    glance, detail = html.index("In five minutes"), html.index("Turn by turn</h2>")
    assert glance < detail
    summary = html[glance:detail]
    for part in ("Key numbers, start to end", "Turning points", "Decisive moves"):
        assert part in summary, part
    assert "What each role did" in summary and "Anthropic" in summary
    assert "Continue scaling" in summary  # what Anthropic did, in words
    assert "No ending was reached" in summary


def test_a_roles_report_does_not_claim_no_debrief_was_written(cast: Cast) -> None:
    notes.add_note(cast.facilitator, "DEBRIEF-TEXT", kind="debrief")

    for seat in ("anthropic", "observer"):
        html = report_of(cast, seat)
        assert "No debrief was written" not in html, seat
        assert "DEBRIEF-TEXT" not in html, seat
        assert "The debrief is the facilitator's" in html, seat
    assert "DEBRIEF-TEXT" in report_of(cast, "facilitator")


def test_a_roles_summary_lists_only_the_moves_it_saw(create: Callable[..., Cast]) -> None:
    cast = create(bots=dict.fromkeys(OTHERS, "no-pause"))
    commands.start(cast.facilitator)
    play(cast, 1)

    html = report_of(cast, "anthropic")

    summary = html[html.index("What each role did") : html.index("The detail follows")]
    assert "Anthropic (CEO)" in summary and "Continue scaling" in summary
    assert "OpenAI (CEO)" not in summary  # its moves are not Anthropic's to see


def test_the_summary_stays_the_same_size_however_long_the_exercise_ran(
    create: Callable[..., Cast],
) -> None:
    cast = create(bots=dict.fromkeys(OTHERS, "no-pause"))
    commands.start(cast.facilitator)
    play(cast, 6)

    html = report_of(cast, "facilitator")

    summary = html[html.index("In five minutes") : html.index("The detail follows")]
    points = summary[summary.index("Turning points") : summary.index("Decisive moves")]
    decisive = summary[summary.index("Decisive moves") : summary.index("What each role did")]
    numbers = summary[summary.index("Key numbers") : summary.index("Turning points")]
    assert points.count("<li>") <= 5 and decisive.count("<li>") <= 5
    assert numbers.count("<tr>") <= 1 + 8  # the header, then at most eight numbers
