"""The event log: gapless seqs per exercise, written in the changing transaction, and each
seat's view of it through `events_for`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from exercises.models import Exercise, Move, Turn
from exercises.services import commands, messages, moves, notes, turns
from exercises.services.errors import Invalid
from tests.services.conftest import SEATS, Cast, in_threads


def play_a_little(cast: Cast) -> None:
    """A turn with a bit of everything: moves, a withdrawal, messages, a ruling, a close."""
    kept = cast.free_form("anthropic", "We publish our evals.")
    dropped = cast.free_form("openai", "We say nothing.")
    moves.withdraw_move(cast.openai, dropped.public_id)
    moves.submit_move(cast.openai, "run_safety_evals", {})
    messages.post_message(cast.anthropic, ["openai"], "Can we talk?")
    messages.post_message(cast.facilitator, "all", "Ten minutes left.")
    moves.rule_on_move(cast.facilitator, kept.public_id, outcome="success", narrative="Done.")
    turns.close_turn(cast.facilitator, anyway=True)


def test_seqs_are_gapless_from_one_and_match_last_seq(cast: Cast) -> None:
    play_a_little(cast)

    seqs = cast.seqs()
    assert seqs == list(range(1, len(seqs) + 1))
    assert cast.exercise().last_seq == len(seqs)


def test_each_exercise_numbers_its_own_events(create: Callable[..., Cast]) -> None:
    # given two exercises played in turns
    first, second = create(), create()
    commands.start(first.facilitator)
    commands.start(second.facilitator)
    first.free_form("anthropic", "One.")
    second.free_form("openai", "Two.")
    play_a_little(first)

    # then each has its own gapless log: activity in one took no number from the other
    for cast in (first, second):
        assert cast.seqs() == list(range(1, cast.exercise().last_seq + 1))
    assert len(first.seqs()) > len(second.seqs())


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_to_two_exercises_leave_both_logs_gapless(
    create: Callable[..., Cast],
) -> None:
    # given two running exercises
    casts = [create(), create()]
    for cast in casts:
        commands.start(cast.facilitator)
    senders = [(cast, role) for cast in casts for role in ("anthropic", "openai", "gdm", "meta")]

    # when eight threads post five messages each, four threads to each exercise
    def post(index: int) -> int:
        cast, role = senders[index]
        seat = cast.seat(role)
        for n in range(5):
            messages.post_message(seat, "all", f"{role} says {n}")
        return 5

    results = in_threads(len(senders), post)

    # then nothing failed and each exercise has 20 more events, numbered without gaps
    assert results == [5] * len(senders)
    for cast in casts:
        assert len(cast.events("message.posted")) == 20
        assert cast.seqs() == list(range(1, cast.exercise().last_seq + 1))


def test_a_failing_call_leaves_no_events_and_no_change(
    lobby: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a start that fails after it has appended its first events (the bots cannot be
    # scheduled, say)
    def broken(exercise: Exercise, turn: Turn | None = None) -> None:
        raise RuntimeError("the queue is down")

    monkeypatch.setattr(turns, "schedule_bots", broken)

    # when
    with pytest.raises(RuntimeError):
        commands.start(lobby.facilitator)

    # then the whole change is rolled back with its events
    assert [e.type for e in lobby.events()] == ["exercise.created"]
    exercise = lobby.exercise()
    assert (exercise.status, exercise.last_seq) == (Exercise.Status.LOBBY, 1)
    assert not Turn.objects.filter(exercise=exercise).exists()


def test_a_refused_move_leaves_no_events(cast: Cast) -> None:
    before = cast.seqs()

    with pytest.raises(Invalid):
        moves.submit_move(cast.anthropic, "resume_training", {})  # not paused

    assert cast.seqs() == before
    assert not Move.objects.exists()


def test_every_change_is_committed_with_its_events(cast: Cast) -> None:
    # given a move; the log and the row agree
    move = cast.free_form("anthropic", "We publish our evals.")
    [submitted] = cast.events("move.submitted")
    assert submitted.data["id"] == move.public_id

    # when it is withdrawn, both change together
    moves.withdraw_move(cast.anthropic, move.public_id)
    assert Move.objects.get(pk=move.pk).status == Move.Status.WITHDRAWN
    assert [e.data["id"] for e in cast.events("move.withdrawn")] == [move.public_id]


@pytest.mark.parametrize("since", [0, 3, 7, 10_000])
def test_events_for_returns_the_seats_events_after_since_in_order(cast: Cast, since: int) -> None:
    play_a_little(cast)
    last = cast.exercise().last_seq

    for name in SEATS:
        # when
        everything, after = cast.visible(name), cast.visible(name, since)

        # then
        seqs = [e["seq"] for e in everything]
        assert seqs == sorted(set(seqs)) and all(1 <= seq <= last for seq in seqs), name
        assert after == [e for e in everything if e["seq"] > since], name


@dataclass(frozen=True)
class Act:
    """Something done in a turn, who sees all of it, and what everyone else sees of it."""

    do: Callable[[Cast], object]
    insiders: frozenset[str]
    outsiders_see: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


def first_move(cast: Cast) -> str:
    return cast.moves(role="anthropic")[0].public_id


ACTS = {
    "a message to everyone": Act(
        lambda c: messages.post_message(c.openai, "all", "Hello all."), frozenset(SEATS)
    ),
    "a private message": Act(
        lambda c: messages.post_message(c.anthropic, ["openai"], "Meet at noon."),
        frozenset({"facilitator", "anthropic", "openai"}),
    ),
    "a move": Act(
        lambda c: c.free_form("anthropic", "Our secret plan."),
        frozenset({"facilitator", "anthropic"}),
        # its second move: the role has made all it may make this turn, which everyone sees
        [("move.submitted", {"role": "anthropic"}), ("role.ready", {"role": "anthropic"})],
    ),
    "a withdrawal": Act(
        lambda c: moves.withdraw_move(c.anthropic, first_move(c)),
        frozenset({"facilitator", "anthropic"}),
        [("move.withdrawn", {"role": "anthropic"})],
    ),
    "a ruling": Act(
        lambda c: moves.rule_on_move(c.facilitator, first_move(c), chance=0.3),
        frozenset({"facilitator", "anthropic"}),
    ),
    "a facilitator's note": Act(
        lambda c: notes.add_note(c.facilitator, "Watch openai."), frozenset({"facilitator"})
    ),
}


def views(cast: Cast) -> dict[str, list[tuple[int, str, dict[str, Any]]]]:
    return {name: [(e["seq"], e["type"], e["data"]) for e in cast.visible(name)] for name in SEATS}


@pytest.mark.parametrize("act", list(ACTS.values()), ids=list(ACTS))
def test_an_act_adds_to_each_view_only_what_that_seat_may_see_of_it(cast: Cast, act: Act) -> None:
    # given a turn under way: moves, a withdrawal, messages
    cast.free_form("anthropic", "We publish our evals.")
    moves.withdraw_move(cast.openai, cast.free_form("openai", "We say nothing.").public_id)
    messages.post_message(cast.facilitator, "all", "Ten minutes left.")
    before = views(cast)

    # when
    act.do(cast)

    # then the act changed no seat's view of the past
    after = views(cast)
    added = {name: after[name][len(before[name]) :] for name in SEATS}
    assert all(after[name][: len(before[name])] == before[name] for name in SEATS)
    # and the seats it concerns see all of it, as the facilitator does
    whole = added["facilitator"]
    assert whole, "the act left no event"
    for name in act.insiders:
        assert added[name] == whole, name
    # and every other seat sees only that it happened, or nothing
    for name in set(SEATS) - act.insiders:
        assert [(kind, data) for _, kind, data in added[name]] == act.outsiders_see, name


def test_a_role_sees_that_another_role_moved_but_not_the_move(cast: Cast) -> None:
    move = cast.free_form("anthropic", "Our secret plan.")

    [own] = [e for e in cast.visible("anthropic") if e["type"] == "move.submitted"]
    [other] = [e for e in cast.visible("openai") if e["type"] == "move.submitted"]
    [public] = [e for e in cast.visible("observer") if e["type"] == "move.submitted"]

    assert own["data"]["id"] == move.public_id
    assert own["data"]["rationale"] == "Our secret plan."
    assert other["data"] == public["data"] == {"role": "anthropic"}


def test_the_facilitator_sees_every_event(cast: Cast) -> None:
    play_a_little(cast)

    assert [e["seq"] for e in cast.visible("facilitator")] == cast.seqs()
