"""Every facilitator command the API declares has a handler; any other command is a 400."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from exercises.api import handlers
from exercises.models import Event, Exercise, Message, Move, Seat

if TYPE_CHECKING:
    from tests.api.conftest import Api, Game

pytestmark = pytest.mark.django_db

# A valid body for each command, past the schema: what a facilitator would send.
EXAMPLES: dict[str, dict[str, Any]] = {
    "start": {},
    "close_turn": {},
    "open_next_turn": {},
    "pause": {},
    "resume": {},
    "finish": {},
    "extend": {"seconds": 60},
    "inject": {"title": "News", "text": "A leak."},
    "schedule_inject": {"inject": "midterm_pressure", "turn": 3},
    "skip_inject": {"inject": "scary_demo"},
    "edit_inject": {"inject": "scary_demo", "changes": {"text": "A new demo.", "sender": "Press"}},
    "set_state": {"variable": "public_concern", "value": 55, "reason": "A poll."},
    "replace_seat": {"role": "meta", "bot_policy": "no-pause"},
    "fork": {"turn": 0},
    "set_options": {"close_when": "deadline", "review": True},
    "publish": {},
    "override": {"move": "m1", "outcome": "success", "reason": "The board ruled."},
    "reroll": {"move": "m1"},
    "edit_narrative": {"line": 0, "text": "A quieter line.", "audience": ["openai"]},
}
# The facilitator's acts on a turn in review: in an open turn there is nothing to review.
IN_REVIEW = ("publish", "override", "reroll", "edit_narrative")


def declared_commands(api: Api) -> set[str]:
    """The commands the OpenAPI document says `POST .../control` takes."""
    document = api.json(api.get("/api/v1/openapi.json"))
    schemas = document["components"]["schemas"]
    control = document["paths"]["/exercises/{id}/control"]["post"]
    ref = control["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    choices = schemas[ref.rsplit("/", 1)[-1]]["oneOf"]
    names = [
        schemas[c["$ref"].rsplit("/", 1)[-1]]["properties"]["command"]["const"] for c in choices
    ]
    assert len(names) == len(set(names)), names
    return set(names)


def snapshot(api: Api, game: Game) -> tuple[Any, ...]:
    """Everything a command could change, to show that a refused one changed nothing.

    The facilitator's first request joins its seat (an event): it is made here, before.
    """
    api.get(game.url(), game.tokens["facilitator"])
    exercise = Exercise.objects.get(public_id=game.id)
    seats = sorted(Seat.objects.filter(exercise=exercise).values_list("role", "bot_policy"))
    counts = Exercise.objects.count(), Move.objects.count(), Message.objects.count()
    events = Event.objects.filter(exercise=exercise).count()
    return exercise.status, exercise.state, exercise.last_seq, events, seats, counts


def test_every_command_the_schema_declares_has_a_handler_and_no_other(api: Api) -> None:
    assert declared_commands(api) == set(handlers.COMMANDS)


def test_every_declared_command_has_an_example_here(api: Api) -> None:
    assert declared_commands(api) == set(EXAMPLES)


@pytest.mark.parametrize("command", list(EXAMPLES))
def test_every_command_is_answered_by_its_handler_never_a_500(
    api: Api, game: Game, command: str
) -> None:
    body = {"command": command, **EXAMPLES[command]}

    response = api.post(game.url("/control"), game.tokens["facilitator"], body)

    # a running exercise without deadlines: starting or resuming it, opening a turn before
    # this one is resolved, or extending a turn that has no deadline, is a conflict; the rest
    # is done
    if command in ("start", "resume", "open_next_turn", "extend"):
        assert response.status_code == 409, response.content
        assert api.error_of(response)["code"] == "conflict"
    elif command in IN_REVIEW:
        assert response.status_code == 409, response.content
        assert api.error_of(response)["code"] == "not_in_review"
    else:
        assert response.status_code == 200, response.content
        assert api.json(response)


@pytest.mark.parametrize("command", list(EXAMPLES))
def test_a_declared_command_without_a_handler_is_a_400_and_changes_nothing(
    api: Api, game: Game, command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a handler table that lost one command the schema still declares
    monkeypatch.delitem(handlers.COMMANDS, command)
    before = snapshot(api, game)

    # when the facilitator sends it
    body = {"command": command, **EXAMPLES[command]}
    response = api.post(game.url("/control"), game.tokens["facilitator"], body)

    # then
    assert response.status_code == 400, response.content
    error = api.error_of(response)
    assert error["code"] == "unknown_command" and repr(command) in error["message"]
    assert snapshot(api, game) == before


@pytest.mark.parametrize("command", ["launch", "START", "", "__class__", "finish "])
def test_an_unknown_command_is_a_400_and_changes_nothing(
    api: Api, game: Game, command: str
) -> None:
    before = snapshot(api, game)

    response = api.post(game.url("/control"), game.tokens["facilitator"], {"command": command})

    assert response.status_code == 400, response.content
    assert api.error_of(response)["code"] == "invalid"
    assert snapshot(api, game) == before


def test_a_value_set_out_of_its_bounds_is_a_400_that_names_them(api: Api, game: Game) -> None:
    before = snapshot(api, game)
    body = {"command": "set_state", "variable": "public_concern", "value": 101, "reason": "x"}

    response = api.post(game.url("/control"), game.tokens["facilitator"], body)

    assert response.status_code == 400, response.content
    error = api.error_of(response)
    assert error == {"code": "invalid", "message": "public_concern must be between 0 and 100"}
    assert snapshot(api, game) == before
