"""The facilitator moves a scenario inject to a later turn or skips it; the change is kept in
the engine's state, so the export still verifies, openings included."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from exercises.engine.replay import Difference, verify_export
from exercises.services import commands, injects, turns
from exercises.services.errors import Conflict, Forbidden, Invalid
from exercises.services.export import dumps, export_for
from tests.services.conftest import Cast


def fired(cast: Cast) -> list[tuple[int, str]]:
    return [(e.turn, e.data["inject"]) for e in cast.events("inject")]


def next_turn(cast: Cast) -> None:
    turns.close_turn(cast.facilitator)
    turns.open_next_turn(cast.facilitator)


def verified(cast: Cast) -> tuple[int, list[Difference]]:
    return verify_export(json.loads(dumps(export_for(cast.facilitator))))


def test_an_inject_scheduled_while_a_turn_is_open_fires_on_that_turn_and_verifies(
    cast: Cast,
) -> None:
    injects.schedule_inject(cast.facilitator, "midterm_pressure", 2)

    next_turn(cast)
    turns.close_turn(cast.facilitator)

    assert fired(cast) == [(1, "red_team_report"), (2, "midterm_pressure")]
    [event] = cast.events("inject.scheduled")
    assert (event.data, event.audience) == ({"inject": "midterm_pressure", "turn": 2}, {})
    assert verified(cast) == (2, [])


def test_an_inject_scheduled_between_turns_is_replayed_at_the_next_opening(cast: Cast) -> None:
    turns.close_turn(cast.facilitator)
    injects.schedule_inject(cast.facilitator, "scary_demo", 2)

    turns.open_next_turn(cast.facilitator)
    turns.close_turn(cast.facilitator)

    assert (2, "scary_demo") in fired(cast)
    assert verified(cast) == (2, [])


def test_a_skipped_inject_does_not_fire_on_its_turn_and_the_export_verifies(
    create: Callable[..., Cast],
) -> None:
    cast = create()
    injects.skip_inject(cast.facilitator, "red_team_report")

    commands.start(cast.facilitator)
    turns.close_turn(cast.facilitator)

    assert fired(cast) == []
    assert cast.events("inject.skipped")[0].data == {"inject": "red_team_report"}
    assert verified(cast) == (1, [])


@pytest.mark.parametrize(
    ("inject", "turn"),
    [("red_team_report", 3), ("midterm_pressure", 1), ("no_such_inject", 3)],
)
def test_scheduling_an_inject_that_fired_or_for_a_turn_that_opened_is_refused(
    cast: Cast, inject: str, turn: int
) -> None:
    before = (cast.exercise().state, cast.seqs())

    with pytest.raises(Invalid):
        injects.schedule_inject(cast.facilitator, inject, turn)

    assert (cast.exercise().state, cast.seqs()) == before


def test_only_the_facilitator_changes_the_schedule(cast: Cast) -> None:
    with pytest.raises(Forbidden):
        injects.skip_inject(cast.anthropic, "midterm_pressure")
    with pytest.raises(Forbidden):
        injects.schedule_inject(cast.anthropic, "midterm_pressure", 3)
    assert cast.events("inject.skipped", "inject.scheduled") == []


def test_no_other_seat_learns_of_the_schedule(cast: Cast) -> None:
    injects.schedule_inject(cast.facilitator, "midterm_pressure", 3)
    injects.skip_inject(cast.facilitator, "scary_demo")

    for seat in ("anthropic", "openai", "observer"):
        types = {e["type"] for e in cast.visible(seat)}
        assert not types & {"inject.scheduled", "inject.skipped"}


def test_an_inject_that_fired_is_not_sent_again_by_hand(cast: Cast) -> None:
    commands.inject(cast.facilitator, "midterm_pressure", None, None)
    before = (cast.exercise().state, cast.seqs())

    for inject in ("midterm_pressure", "red_team_report"):
        with pytest.raises(Invalid, match="has fired already"):
            commands.inject(cast.facilitator, inject, None, None)

    assert (cast.exercise().state, cast.seqs()) == before


def test_the_schedule_of_a_finished_exercise_does_not_change(cast: Cast) -> None:
    commands.finish(cast.facilitator)
    before = (cast.exercise().state, cast.seqs())

    with pytest.raises(Conflict):
        injects.schedule_inject(cast.facilitator, "midterm_pressure", 3)
    with pytest.raises(Conflict):
        injects.skip_inject(cast.facilitator, "midterm_pressure")

    assert (cast.exercise().state, cast.seqs()) == before
