"""Every event the engine can emit has a treatment in the log, and an inject sent by hand is
the inject the engine fires (exercises/services/engine_log.py, commands.inject)."""

from __future__ import annotations

from exercises.engine import EVENT_TYPES, State, fire_inject
from exercises.services import commands, turns
from exercises.services.engine_log import LOG, Dropped
from exercises.services.scenarios import scenario_of
from tests.services.conftest import Cast


def test_every_engine_event_type_is_mapped_to_the_log_or_dropped_with_a_reason() -> None:
    unmapped = sorted(EVENT_TYPES - set(LOG))
    unknown = sorted(set(LOG) - EVENT_TYPES)
    silent = sorted(t for t, how in LOG.items() if isinstance(how, Dropped) and not how.reason)

    assert (unmapped, unknown, silent) == ([], [], [])


def test_an_inject_sent_by_hand_changes_the_state_and_tells_whom_the_engine_says(
    cast: Cast,
) -> None:
    before = State.from_dict(cast.exercise().state)
    scenario = scenario_of(cast.exercise())

    commands.inject(cast.facilitator, "investor_letter", None, None)

    fired = fire_inject(scenario, before, "investor_letter", before.turn + 1)
    assert cast.exercise().state == fired.state.to_dict()
    [sent] = cast.events("inject")[-1:]
    assert (sent.data, sent.audience) == (
        dict(fired.events[0].data),
        {"roles": ["anthropic"]},
    )


def test_an_inject_sent_early_by_hand_does_not_fire_again_on_its_turn(cast: Cast) -> None:
    # given midterm season, due at turn 6, sent in turn 1
    commands.inject(cast.facilitator, "midterm_pressure", None, None)
    will = cast.exercise().state["values"]["congress.political_will"]

    # when the exercise reaches turn 6
    while cast.turn().number < 6:
        turns.close_turn(cast.facilitator)
        turns.open_next_turn(cast.facilitator)

    # then it was delivered once, and it took its toll once
    sent = [e for e in cast.events("inject") if e.data["inject"] == "midterm_pressure"]
    assert [e.turn for e in sent] == [1]
    assert "midterm_pressure" in cast.exercise().state["fired"]
    assert will == cast.turn(1).state_before["values"]["congress.political_will"] - 5
    opened, closed = cast.turn(6).state_before, cast.turn(5).state_after
    assert closed is not None
    assert (
        opened["values"]["congress.political_will"] == closed["values"]["congress.political_will"]
    )
