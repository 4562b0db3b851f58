"""Creating, starting and steering an exercise: the state machines of exercise and turn."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from exercises.models import Exercise, Seat, Turn
from exercises.services import commands, seats, turns
from exercises.services.errors import Conflict, Forbidden
from tests.services.conftest import SEATS, Cast, Clock, Queue


def test_it_creates_a_seat_and_a_token_for_every_role_the_facilitator_and_the_observer(
    lobby: Cast,
) -> None:
    seats = Seat.objects.filter(exercise__public_id=lobby.public_id)
    assert sorted(s.name for s in seats) == sorted(SEATS)
    assert sorted(lobby.tokens) == sorted(SEATS)
    assert len(set(lobby.tokens.values())) == len(SEATS)
    assert all(len(token) >= 22 for token in lobby.tokens.values())  # 128 bits or more
    assert lobby.exercise().status == Exercise.Status.LOBBY


def test_it_stores_tokens_hashed_so_no_raw_token_is_in_the_seat_table(lobby: Cast) -> None:
    rows = [str(row) for row in Seat.objects.values_list()]
    for token in lobby.tokens.values():
        assert not any(token in row for row in rows)
    for name, token in lobby.tokens.items():
        assert seats.authenticate(lobby.public_id, token).name == name


def test_start_opens_turn_one_with_the_month_one_inject_to_anthropic_only(lobby: Cast) -> None:
    # when
    commands.start(lobby.facilitator)

    # then
    turn = lobby.turn()
    assert (turn.number, turn.phase) == (1, Turn.Phase.OPEN)
    assert lobby.exercise().status == Exercise.Status.RUNNING
    assert [e.type for e in lobby.events()] == [
        "exercise.created",
        "exercise.started",
        "turn.opened",
        "inject",
    ]
    for seat in ("anthropic", "facilitator"):
        injects = [e for e in lobby.visible(seat) if e["type"] == "inject"]
        assert [e["data"]["inject"] for e in injects] == ["red_team_report"]
    for seat in ("openai", "gdm", "observer"):
        assert "inject" not in [e["type"] for e in lobby.visible(seat)]


def test_only_the_facilitator_steers(cast: Cast) -> None:
    for command in (commands.pause, commands.finish, turns.close_turn):
        with pytest.raises(Forbidden):
            command(cast.anthropic)
        with pytest.raises(Forbidden):
            command(cast.observer)
    assert cast.exercise().status == Exercise.Status.RUNNING


def test_a_closed_turn_is_adjudicating_until_its_task_runs_then_resolved(
    cast: Cast, held: Queue
) -> None:
    # when
    turns.close_turn(cast.facilitator)

    # then
    assert cast.turn(1).phase == Turn.Phase.ADJUDICATING
    assert [e.data["reason"] for e in cast.events("turn.closed")] == ["facilitator"]
    assert cast.events("turn.adjudicated") == []

    # when
    assert held.run() == [True]

    # then
    turn = cast.turn(1)
    assert turn.phase == Turn.Phase.RESOLVED
    assert turn.state_after == cast.exercise().state
    [adjudicated] = cast.events("turn.adjudicated")
    assert adjudicated.data["number"] == 1
    assert cast.events("turn.closed")[0].seq < adjudicated.seq


def test_open_next_turn_opens_turn_two_after_turn_one_is_resolved(cast: Cast) -> None:
    turns.close_turn(cast.facilitator)

    turns.open_next_turn(cast.facilitator)

    assert (cast.turn().number, cast.turn().phase) == (2, Turn.Phase.OPEN)
    assert [e.data["number"] for e in cast.events("turn.opened")] == [1, 2]


def test_starting_twice_is_a_conflict_that_changes_nothing(cast: Cast) -> None:
    before = cast.seqs()
    with pytest.raises(Conflict):
        commands.start(cast.facilitator)
    assert cast.seqs() == before
    assert Turn.objects.filter(exercise__public_id=cast.public_id).count() == 1


def test_resuming_a_running_exercise_is_a_conflict_that_changes_nothing(cast: Cast) -> None:
    before = cast.seqs()
    with pytest.raises(Conflict):
        commands.resume(cast.facilitator)
    assert cast.seqs() == before
    assert cast.exercise().status == Exercise.Status.RUNNING


def test_closing_a_turn_that_is_not_open_is_a_conflict_that_changes_nothing(
    cast: Cast, held: Queue
) -> None:
    turns.close_turn(cast.facilitator)
    before = cast.seqs()

    with pytest.raises(Conflict):
        turns.close_turn(cast.facilitator)  # adjudicating
    held.run()
    after_resolution = cast.seqs()
    with pytest.raises(Conflict):
        turns.close_turn(cast.facilitator)  # resolved

    assert before == after_resolution[: len(before)]
    assert cast.seqs() == after_resolution
    assert cast.turn(1).phase == Turn.Phase.RESOLVED


def test_the_next_turn_cannot_open_before_the_current_one_is_resolved(
    cast: Cast, held: Queue
) -> None:
    with pytest.raises(Conflict):
        turns.open_next_turn(cast.facilitator)  # open
    turns.close_turn(cast.facilitator)
    before = cast.seqs()

    with pytest.raises(Conflict):
        turns.open_next_turn(cast.facilitator)  # adjudicating

    assert cast.seqs() == before
    assert cast.turn().number == 1


def test_a_lobby_cannot_be_paused_and_has_no_turn_to_close(lobby: Cast) -> None:
    with pytest.raises(Conflict):
        commands.pause(lobby.facilitator)
    with pytest.raises(Conflict):
        turns.close_turn(lobby.facilitator)
    assert [e.type for e in lobby.events()] == ["exercise.created"]


def test_pause_stops_the_deadline_clock_and_resume_gives_back_the_time_left(
    create: Callable[..., Cast], clock: Clock
) -> None:
    # given a ten-minute turn, 100 seconds in
    cast = create(turn_seconds=600)
    commands.start(cast.facilitator)
    assert cast.turn().deadline == clock.now() + timedelta(seconds=600)
    clock.advance(100)

    # when paused for an hour
    commands.pause(cast.facilitator)
    assert cast.turn().deadline is None
    clock.advance(3600)
    assert turns.sweep()["closed"] == 0

    # then the turn is still open and resuming gives back the 500 seconds that were left
    assert cast.turn().phase == Turn.Phase.OPEN
    commands.resume(cast.facilitator)
    assert cast.turn().deadline == clock.now() + timedelta(seconds=500)
    assert cast.exercise().status == Exercise.Status.RUNNING
    assert [e.type for e in cast.events()][-2:] == ["exercise.paused", "exercise.resumed"]


def test_extend_moves_the_deadline_later(create: Callable[..., Cast], clock: Clock) -> None:
    cast = create(turn_seconds=600)
    commands.start(cast.facilitator)
    deadline = cast.turn().deadline
    assert deadline is not None

    commands.extend(cast.facilitator, 120)

    assert cast.turn().deadline == deadline + timedelta(seconds=120)
    [extended] = cast.events("turn.extended")
    assert extended.data["deadline"] == (deadline + timedelta(seconds=120)).isoformat()


def test_an_extension_given_during_a_pause_survives_the_resume(
    create: Callable[..., Cast], clock: Clock
) -> None:
    # given a ten-minute turn, paused at once
    cast = create(turn_seconds=600)
    commands.start(cast.facilitator)
    commands.pause(cast.facilitator)

    # when the facilitator gives five more minutes, then resumes
    commands.extend(cast.facilitator, 300)
    commands.resume(cast.facilitator)

    # then the players have fifteen minutes
    assert cast.turn().deadline == clock.now() + timedelta(seconds=900)


def test_finish_ends_the_exercise_and_no_move_is_taken_after_it(cast: Cast) -> None:
    commands.finish(cast.facilitator)

    assert cast.exercise().status == Exercise.Status.FINISHED
    assert cast.events()[-1].type == "exercise.finished"
    with pytest.raises(Conflict) as refused:
        cast.free_form("anthropic", "We try anyway.")
    assert refused.value.code == "not_open"
    with pytest.raises(Conflict):
        commands.finish(cast.facilitator)


def test_the_exercise_finishes_by_itself_after_the_scenarios_last_turn(cast: Cast) -> None:
    # when every one of the twelve months is closed and the next opened
    for _ in range(11):
        turns.close_turn(cast.facilitator)
        turns.open_next_turn(cast.facilitator)
    assert cast.exercise().status == Exercise.Status.RUNNING
    turns.close_turn(cast.facilitator)

    # then
    exercise = cast.exercise()
    assert exercise.status == Exercise.Status.FINISHED
    assert exercise.ending == "race_continues"
    assert cast.turn().number == 12
    assert cast.turn().phase == Turn.Phase.RESOLVED
    [finished] = cast.events("exercise.finished")
    assert finished.data["ending"] == "race_continues"
    with pytest.raises(Conflict):
        turns.open_next_turn(cast.facilitator)


def test_the_exercise_finishes_early_on_an_ending(cast: Cast) -> None:
    # given the model is about to escape
    commands.set_state(cast.facilitator, "misalignment_risk", 99, "scripted for the test")

    # when month one is adjudicated
    turns.close_turn(cast.facilitator)

    # then
    exercise = cast.exercise()
    assert (exercise.status, exercise.ending) == (Exercise.Status.FINISHED, "loss_of_control")
    assert cast.turn().number == 1
    assert cast.events("turn.adjudicated")[0].data["ending"] == "loss_of_control"


def test_auto_advance_opens_the_next_turn_by_itself(create: Callable[..., Cast]) -> None:
    cast = create(auto_advance=True)
    commands.start(cast.facilitator)

    turns.close_turn(cast.facilitator)

    assert cast.turn(1).phase == Turn.Phase.RESOLVED
    assert (cast.turn().number, cast.turn().phase) == (2, Turn.Phase.OPEN)
    [adjudicated] = cast.events("turn.adjudicated")
    assert cast.events("turn.opened")[-1].seq > adjudicated.seq


def test_without_auto_advance_the_next_turn_waits_for_the_facilitator(cast: Cast) -> None:
    turns.close_turn(cast.facilitator)

    assert cast.turn().number == 1
    assert cast.exercise().status == Exercise.Status.RUNNING


def test_no_move_is_taken_while_the_exercise_is_paused(cast: Cast) -> None:
    commands.pause(cast.facilitator)

    with pytest.raises(Conflict) as refused:
        cast.free_form("anthropic", "While nobody looks.")

    assert refused.value.code == "not_open"
    assert cast.moves() == []


def test_a_turn_that_ends_the_exercise_resolves_even_if_the_facilitator_finished_first(
    cast: Cast, held: Queue
) -> None:
    # given a turn whose adjudication will reach an ending, waiting for a worker
    commands.set_state(cast.facilitator, "misalignment_risk", 99, "scripted for the test")
    turns.close_turn(cast.facilitator)

    # when the facilitator finishes the exercise before the worker runs
    commands.finish(cast.facilitator)
    held.run()

    # then the turn is still resolved, once
    assert cast.turn().phase == Turn.Phase.RESOLVED
    assert len(cast.events("turn.adjudicated")) == 1
    assert cast.exercise().status == Exercise.Status.FINISHED


def test_auto_advance_opens_the_next_turn_on_resume_if_the_turn_resolved_during_a_pause(
    create: Callable[..., Cast], held: Queue
) -> None:
    # given an auto-advancing exercise paused while its turn waited for a worker
    cast = create(auto_advance=True)
    commands.start(cast.facilitator)
    turns.close_turn(cast.facilitator)
    commands.pause(cast.facilitator)
    held.run()
    assert cast.turn().phase == Turn.Phase.RESOLVED

    # when
    commands.resume(cast.facilitator)

    # then
    assert (cast.turn().number, cast.turn().phase) == (2, Turn.Phase.OPEN)
