"""The after-action report: one self-contained HTML file, charts inline, user text escaped.

`render_report` reads only the export it is given, so a seat's report is that seat's export
rendered: the tests play two turns and render the export of each kind of seat.
"""

from __future__ import annotations

import re

import pytest

from exercises.services import export, messages, moves, notes, review, seats, turns
from exercises.services.export_types import Export, ExportNote, ExportSeat, ExportState
from exercises.services.report import render_report
from tests.services.conftest import Cast

XSS = '<script>alert(1)</script><img src=x onerror="alert(2)">'


def state(turn: int, **values: object) -> ExportState:
    return {"turn": turn, "values": dict(values), "commitments": {}, "ending": None}


def export_shaped(notes: list[ExportNote] | None = None) -> Export:
    """A facilitator's export as docs/export-format.md describes it (and mypy checks against
    `export_types.Export`), small enough to read."""
    state0 = state(0, frontier_capability=10, public_alarm=1.5, paused=False)
    state1 = state(1, frontier_capability=12, public_alarm=2.0, paused=True)
    at = "2026-11-22T09:00:00+00:00"
    return {
        "format_version": 1,
        "exported_for": "facilitator",
        "exercise": {
            "id": "abc",
            "name": "Friday <b>drill</b>",
            "status": "running",
            "ending": None,
            "planned_turns": 12,
            "turn_seconds": None,
            "auto_advance": False,
            "created_at": at,
            "last_seq": 2,
            "scenario": {"id": "ai-pause", "version": "1", "title": "The Pause"},
            "state": state1,
            "seed": "s",
            "paused_remaining": None,
        },
        "me": {"seat": "facilitator", "kind": "facilitator"},
        "seats": [
            seat("facilitator", "facilitator", None),
            seat("anthropic", "role", "anthropic"),
            seat("gdm", "role", "gdm", bot_policy="no-pause"),
        ],
        "initial_state": state0,
        "turns": [
            {
                "number": 1,
                "phase": "resolved",
                "opened_at": at,
                "deadline": None,
                "closed_at": at,
                "resolved_at": at,
                "ready": [],
                "state_before": state0,
                "state_at_close": state0,
                "state_after": state1,
                "moves": [
                    {
                        "id": "m1",
                        "turn": 1,
                        "role": "anthropic",
                        "action": "free_form",
                        "params": {},
                        "rationale": f"We {XSS} stall",
                        "status": "succeeded",
                        "result": None,
                        "created_at": at,
                        "votes": [],
                    },
                ],
                "rulings": [{"move": "m1", "chance": 0.4, "outcome": None, "created_at": at}],
                "draws": [
                    {
                        "key": "m1",
                        "role": "anthropic",
                        "subject": "free_form",
                        "label": "We stall",
                        "chance": 0.4,
                        "roll": 0.21,
                        "success": True,
                    }
                ],
                "narrative": [f"The world {XSS} holds its breath."],
            }
        ],
        "events": [
            {
                "seq": 1,
                "type": "exercise.created",
                "turn": 0,
                "at": at,
                "data": {"name": "Friday", "scenario": "ai-pause", "bots": ["gdm"]},
            },
            {
                "seq": 2,
                "type": "message.posted",
                "turn": 1,
                "at": "2026-11-22T09:05:00+00:00",
                "data": {"id": 1, "from": "anthropic", "to": "all", "channel": None, "body": XSS},
            },
        ],
        "messages": [
            {
                "seq": 2,
                "turn": 1,
                "at": "2026-11-22T09:05:00+00:00",
                "from": "anthropic",
                "to": "all",
                "channel": None,
                "body": f"Hi {XSS}",
            }
        ],
        "notes": notes or [],
    }


def seat(name: str, kind: str, role: str | None, bot_policy: str | None = None) -> ExportSeat:
    at = "2026-11-22T09:00:00+00:00"
    return {
        "name": name,
        "kind": kind,
        "role": role,
        "bot_policy": bot_policy,
        "created_at": at,
        "joined_at": at,
        "revoked_at": None,
    }


def note(kind: str, text: str, turn: int | None, event_seq: int | None) -> ExportNote:
    at = "2026-11-22T09:10:00+00:00"
    return {
        "kind": kind,
        "turn": turn,
        "event_seq": event_seq,
        "text": text,
        "created_at": at,
        "updated_at": at,
    }


def test_the_report_is_one_self_contained_file() -> None:
    html = render_report(export_shaped())

    assert html.startswith("<!doctype html>")
    assert "<script" not in html.lower()
    assert "<link" not in html.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "url(" not in html
    assert "@media print" in html


def test_every_variable_has_an_inline_svg_chart() -> None:
    html = render_report(export_shaped())

    for name in ("frontier_capability", "public_alarm", "paused"):
        assert re.search(rf'<svg[^>]*data-variable="{name}"', html), name


def test_markup_in_a_move_a_narrative_and_a_message_is_escaped() -> None:
    html = render_report(export_shaped())

    assert XSS not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Friday &lt;b&gt;drill&lt;/b&gt;" in html


def test_it_holds_the_dice_the_notes_and_the_debrief() -> None:
    notes_ = [
        note("observation", "They hesitated.", 1, 2),
        note("debrief", "Talk about the button.", None, None),
    ]
    html = render_report(export_shaped(notes=notes_))

    assert "We stall" in html and "40 or less" in html and ">22<" in html
    assert "They hesitated." in html
    assert "Talk about the button." in html
    assert "a bot (no-pause)" in html


def test_a_forks_report_says_where_it_came_from() -> None:
    forked = {"from": "abc123", "name": "Friday", "turn": 3, "new_seed": False}
    shaped = export_shaped()
    shaped["events"].append(
        {"seq": 3, "type": "exercise.forked", "turn": 0, "at": "", "data": forked}
    )

    html = render_report(shaped)

    assert "Forked from" in html
    assert "“Friday” (abc123), after month 3" in html


def two_turns(cast: Cast) -> None:
    """Anthropic moves in secret and writes to OpenAI; the facilitator rules and notes."""
    secret = moves.submit_move(cast.anthropic, "free_form", {}, "ANTHROPIC-SECRET plan", "k1")[0]
    moves.rule_on_move(cast.facilitator, secret.public_id, chance=0.5, narrative="It works.")
    messages.post_message(cast.anthropic, ["openai"], "PRIVATE-TO-OPENAI", None)
    notes.add_note(cast.facilitator, "FACILITATOR-OBSERVATION")
    turns.close_turn(cast.facilitator)
    turns.open_next_turn(cast.facilitator)
    moves.submit_move(cast.openai, "free_form", {}, "OPENAI-SECRET plan", "k2")
    # unruled: closed anyway, the turn goes into review; published as it stands
    turns.close_turn(cast.facilitator, anyway=True)
    review.publish(cast.facilitator, anyway=True)
    notes.add_note(cast.facilitator, "FACILITATOR-DEBRIEF", kind="debrief")


@pytest.mark.parametrize("seat", ["observer", "openai", "gdm", "anthropic", "facilitator"])
def test_a_seats_report_holds_nothing_the_seat_did_not_see(cast: Cast, seat: str) -> None:
    two_turns(cast)
    seen = seats.authenticate(cast.public_id, cast.tokens[seat])

    html = render_report(export.export_for(seen))

    shown = {
        "ANTHROPIC-SECRET": seat in ("anthropic", "facilitator"),
        "OPENAI-SECRET": seat in ("openai", "facilitator"),
        "PRIVATE-TO-OPENAI": seat in ("anthropic", "openai", "facilitator"),
        "FACILITATOR-OBSERVATION": seat == "facilitator",
        "FACILITATOR-DEBRIEF": seat == "facilitator",
    }
    assert {secret: secret in html for secret in shown} == shown
    assert "<script" not in html
    charted = set(re.findall(r'<svg[^>]*data-variable="([^"]+)"', html))
    assert charted == set(export.export_for(seen)["initial_state"]["values"])
