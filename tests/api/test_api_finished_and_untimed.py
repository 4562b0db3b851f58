"""A finished exercise takes no more messages; an untimed turn has no deadline to extend.

Both are refused with a 409 that says why, and change nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from exercises.models import Event, Message

if TYPE_CHECKING:
    from tests.api.conftest import Api, Game

pytestmark = pytest.mark.django_db


def control(api: Api, game: Game, command: str, **fields: Any) -> Any:
    body = {"command": command, **fields}
    return api.post(game.url("/control"), game.tokens["facilitator"], body)


@pytest.mark.parametrize("seat", ["anthropic", "facilitator"])
def test_a_finished_exercise_refuses_messages_with_a_409_saying_so(
    api: Api, game: Game, seat: str
) -> None:
    # given a finished exercise
    assert control(api, game, "finish").status_code == 200
    api.get(game.url(), game.tokens[seat])  # a seat's first request joins it: an event
    events = Event.objects.count()

    # when a role or the facilitator writes to everyone
    response = api.post(game.url("/messages"), game.tokens[seat], {"to": "all", "body": "Hi"})

    # then it is refused, in words, and nothing is stored or told
    assert response.status_code == 409
    error = api.error_of(response)
    assert error["code"] == "not_open" and "finished" in error["message"]
    assert Message.objects.count() == 0 and Event.objects.count() == events


def test_extending_a_turn_without_a_deadline_is_refused_and_sets_none(api: Api, game: Game) -> None:
    response = control(api, game, "extend", seconds=300)

    assert response.status_code == 409
    assert "no deadline" in api.error_of(response)["message"]
    view = api.get(game.url(), game.tokens["facilitator"]).json()
    assert view["turn"]["deadline"] is None


def test_extending_a_paused_untimed_turn_is_refused_too(api: Api, game: Game) -> None:
    control(api, game, "pause")

    response = control(api, game, "extend", seconds=300)
    control(api, game, "resume")

    assert response.status_code == 409
    assert api.get(game.url(), game.tokens["facilitator"]).json()["turn"]["deadline"] is None
