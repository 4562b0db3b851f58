"""Forking: a new exercise that plays on from a resolved turn of an old one ("what if")."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client

from exercises.engine import State
from exercises.models import Exercise, Seat, hash_token
from exercises.services import commands, fork, moves, seats, turns
from exercises.services.errors import Conflict, Forbidden, Invalid
from tests.services.conftest import Cast


def play_two_turns(cast: Cast) -> None:
    moves.submit_move(cast.anthropic, "run_safety_evals", {}, "", "k1")
    turns.close_turn(cast.facilitator)
    turns.open_next_turn(cast.facilitator)
    moves.submit_move(cast.openai, "run_safety_evals", {}, "", "k2")
    turns.close_turn(cast.facilitator)


@pytest.fixture
def played(create: Callable[..., Cast]) -> Cast:
    cast = create(bots={"gdm": "no-pause", "china": "no-pause"}, turn_seconds=600)
    commands.start(cast.facilitator)
    play_two_turns(cast)
    return cast


def test_a_fork_starts_from_the_state_after_the_turn_with_the_same_scenario_and_seed(
    played: Cast,
) -> None:
    old = played.exercise()

    created = fork.fork_exercise(played.facilitator, 1)

    new = created.exercise
    assert new.status == Exercise.Status.LOBBY
    assert new.snapshot_id == old.snapshot_id
    assert new.seed == old.seed
    assert new.turn_seconds == 600
    assert new.state == played.turn(1).state_after
    assert new.name == "The Pause, tested (what if, from month 1)"


def test_a_fork_keeps_the_roles_and_their_bots_with_new_tokens_stored_hashed(
    played: Cast,
) -> None:
    created = fork.fork_exercise(played.facilitator, 1)

    seats = {s.name: s for s in Seat.objects.filter(exercise=created.exercise)}
    assert set(created.tokens) == set(played.tokens) == set(seats)
    assert {n: s.bot_policy for n, s in seats.items() if s.bot_policy} == {
        "gdm": "no-pause",
        "china": "no-pause",
    }
    for name, token in created.tokens.items():
        assert token != played.tokens[name]
        assert seats[name].token_hash == hash_token(token)


def test_a_fork_may_take_a_new_seed_and_other_bots(played: Cast) -> None:
    created = fork.fork_exercise(
        played.facilitator, 2, name="What if", new_seed=True, bots={"un": "no-pause"}
    )

    assert created.exercise.seed != played.exercise().seed
    assert created.exercise.name == "What if"
    bots = Seat.objects.filter(exercise=created.exercise).exclude(bot_policy="")
    assert [s.role for s in bots] == ["un"]


def test_the_forks_first_turn_is_the_one_after_the_turn_it_came_from(played: Cast) -> None:
    created = fork.fork_exercise(played.facilitator, 1)
    facilitator = seats.seat_by_token(created.tokens["facilitator"])

    commands.start(facilitator)

    turn = created.exercise.turns.get()
    assert turn.number == 2
    assert State.from_dict(turn.state_before).turn == 1


def test_both_logs_record_where_the_fork_came_from(played: Cast) -> None:
    created = fork.fork_exercise(played.facilitator, 1, new_seed=True)

    forked = created.exercise.events.get(type="exercise.forked")
    assert forked.data == {
        "from": played.public_id,
        "name": "The Pause, tested",
        "turn": 1,
        "new_seed": True,
    }
    assert forked.audience == {"all": True}
    to = played.exercise().events.get(type="exercise.forked_to")
    assert to.data["to"] == created.exercise.public_id
    assert to.audience == {}


def test_only_the_facilitator_forks_and_only_from_a_resolved_turn(played: Cast) -> None:
    with pytest.raises(Forbidden):
        fork.fork_exercise(played.anthropic, 1)
    with pytest.raises(Invalid):
        fork.fork_exercise(played.facilitator, 5)
    turns.open_next_turn(played.facilitator)
    with pytest.raises(Conflict):
        fork.fork_exercise(played.facilitator, 3)
    assert fork.fork_exercise(played.facilitator, 0).exercise.state["turn"] == 0


def test_a_fork_of_a_fork_may_start_where_the_first_fork_started(played: Cast) -> None:
    first = fork.fork_exercise(played.facilitator, 1)
    facilitator = seats.seat_by_token(first.tokens["facilitator"])

    second = fork.fork_exercise(facilitator, 1)

    assert second.exercise.state == played.turn(1).state_after
    with pytest.raises(Invalid):
        fork.fork_exercise(facilitator, 2)


def test_the_fork_command_answers_the_new_links_once(played: Cast, client: Client) -> None:
    response = client.post(
        f"/api/v1/exercises/{played.public_id}/control",
        json.dumps({"command": "fork", "turn": 2}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {played.tokens['facilitator']}",
    )

    assert response.status_code == 200, response.content
    answer = response.json()
    assert set(answer["seats"]) == set(played.tokens)
    token = answer["seats"]["anthropic"]["token"]
    assert answer["seats"]["anthropic"]["url"].endswith(f"/join/{token}")
    seat = seats.authenticate(answer["id"], token)
    assert seat.role == "anthropic"


def test_a_fork_closes_and_reviews_its_turns_as_the_exercise_it_came_from(played: Cast) -> None:
    from exercises.services import review

    review.set_options(played.facilitator, close_when="deadline", review=True)

    new = fork.fork_exercise(played.facilitator, 1).exercise

    assert (new.close_when, new.review) == ("deadline", True)


def test_a_fork_belongs_to_the_operator_who_made_the_exercise(played: Cast) -> None:
    operator = User.objects.create_user("operator")
    Exercise.objects.filter(public_id=played.public_id).update(created_by=operator)

    created = fork.fork_exercise(played.facilitator, 1)

    assert created.exercise.created_by == operator
