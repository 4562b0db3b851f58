"""`POST .../moves/check`: would a move be taken now, and what would it cost? Changes nothing.

A player's form asks it before sending, so that it can say which refusal applies now instead
of after a submission.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from exercises.models import Event, Move
from exercises.services import commands, creation, seats

if TYPE_CHECKING:
    from tests.api.conftest import Api, Game

pytestmark = pytest.mark.django_db


def check(api: Api, game: Game, seat: str, *moves: dict[str, Any]) -> list[dict[str, Any]]:
    response = api.post(game.url("/moves/check"), game.tokens[seat], {"checks": list(moves)})
    assert response.status_code == 200, response.content
    return list(api.json(response)["checks"])


def submit(api: Api, game: Game, seat: str, action: str) -> str:
    response = api.post(game.url("/moves"), game.tokens[seat], {"action": action})
    assert response.status_code == 201, response.content
    return str(response.json()["id"])


def test_a_legal_move_is_allowed_and_nothing_is_made(api: Api, game: Game) -> None:
    api.get(game.url(), game.tokens["anthropic"])  # a seat's first request joins it: an event
    events = Event.objects.count()

    [answer] = check(api, game, "anthropic", {"action": "continue_scaling"})

    assert answer == {"action": "continue_scaling", "allowed": True, "reason": None, "cost": []}
    assert Move.objects.count() == 0 and Event.objects.count() == events


def test_an_unmet_precondition_is_the_reason_given_now(api: Api, game: Game) -> None:
    [answer] = check(api, game, "anthropic", {"action": "deploy_checkpoint"})

    assert answer["allowed"] is False
    assert answer["reason"] == "You have no patched checkpoint yet; try an internal fix first."


def test_the_move_limit_counts_live_moves_but_not_the_one_replaced(api: Api, game: Game) -> None:
    first = submit(api, game, "anthropic", "continue_scaling")
    submit(api, game, "anthropic", "run_safety_evals")

    full, replacing = check(
        api,
        game,
        "anthropic",
        {"action": "apply_steering_vectors"},
        {"action": "apply_steering_vectors", "replaces": first},
    )

    assert full["allowed"] is False and "move" in full["reason"]
    assert replacing["allowed"] is True


def test_a_move_of_another_action_replaces_a_move(api: Api, game: Game) -> None:
    first = submit(api, game, "anthropic", "continue_scaling")

    body = {"action": "run_safety_evals", "replaces": first}
    response = api.post(game.url("/moves"), game.tokens["anthropic"], body)

    assert response.status_code == 201
    live = Move.objects.filter(role="anthropic", status=Move.Status.SUBMITTED)
    assert [m.action for m in live] == ["run_safety_evals"]


def test_a_closed_turn_is_the_reason_once_the_exercise_has_finished(api: Api, game: Game) -> None:
    api.post(game.url("/control"), game.tokens["facilitator"], {"command": "finish"})

    [answer] = check(api, game, "anthropic", {"action": "continue_scaling"})

    assert answer["allowed"] is False and answer["reason"] == "the exercise has finished"


def test_a_cost_that_reads_only_its_params_is_shown_as_an_amount(api: Api) -> None:
    made = creation.create_exercise(creation.bundled("lab-crisis"), "Costs", seed="c")
    commands.start(seats.seat_by_token(made.tokens["facilitator"]))
    url = f"/api/v1/exercises/{made.exercise.public_id}/moves/check"
    body = {"checks": [{"action": "alignment_datasets", "params": {"count": 2}}]}

    response = api.post(url, made.tokens["safety_lead"], body)

    [answer] = response.json()["checks"]
    [cost] = answer["cost"]
    assert cost["variable"] == "lead_weeks" and cost["amount"] == pytest.approx(0.6)
    assert "params" not in cost["text"] and "double" not in cost["text"]


def test_the_observer_and_the_facilitator_check_nothing(api: Api, game: Game) -> None:
    for seat in ("observer", "facilitator"):
        body = {"checks": [{"action": "continue_scaling"}]}
        response = api.post(game.url("/moves/check"), game.tokens[seat], body)
        assert response.status_code == 403, seat
