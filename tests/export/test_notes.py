"""The facilitator's notes: written, changed and deleted over the API, seen by nobody else."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.export.conftest import Api, Game


def test_the_facilitator_writes_a_note_on_an_event_and_sees_it_in_its_view(
    api: Api, game: Game
) -> None:
    # when
    note = api.post(game.url("/notes"), game.tokens["facilitator"], {"text": "A", "event_seq": 2})

    # then
    assert (note["kind"], note["turn"], note["event_seq"], note["text"]) == (
        "observation",
        0,
        2,
        "A",
    )
    view = json.loads(api.get(game.url(), game.tokens["facilitator"]).content)
    assert view["notes"] == [note]


def test_an_observation_is_on_the_current_turn_and_a_debrief_on_none(api: Api, game: Game) -> None:
    # when
    seen = api.post(game.url("/notes"), game.tokens["facilitator"], {"text": "seen"})
    debrief = {"text": "in sum", "kind": "debrief"}
    summed = api.post(game.url("/notes"), game.tokens["facilitator"], debrief)

    # then
    assert (seen["turn"], summed["turn"]) == (1, None)


def test_a_note_is_edited_and_deleted_and_each_change_is_a_facilitator_only_event(
    api: Api, game: Game
) -> None:
    # given
    token = game.tokens["facilitator"]
    note = api.post(game.url("/notes"), token, {"text": "first"})

    # when
    edited = api.call("PATCH", game.url(f"/notes/{note['id']}"), token, {"text": "second"})
    deleted = api.call("DELETE", game.url(f"/notes/{note['id']}"), token)

    # then
    assert json.loads(edited.content)["text"] == "second"
    assert json.loads(deleted.content)["text"] == "second"
    assert json.loads(api.get(game.url(), token).content)["notes"] == []
    events = json.loads(api.get(game.url("/events"), token).content)["events"]
    assert [e["type"] for e in events if e["type"].startswith("note.")] == [
        "note.added",
        "note.edited",
        "note.deleted",
    ]
    anthropic = api.get(game.url("/events"), game.tokens["anthropic"]).content.decode()
    assert "note." not in anthropic and "second" not in anthropic


def test_only_the_facilitator_writes_notes(api: Api, game: Game) -> None:
    for seat in ("anthropic", "observer"):
        response = api.call("POST", game.url("/notes"), game.tokens[seat], {"text": "mine"})
        assert response.status_code == 403, response.content
        view = json.loads(api.get(game.url(), game.tokens[seat]).content)
        assert "notes" not in view


def test_a_note_on_an_event_that_does_not_exist_is_refused(api: Api, game: Game) -> None:
    body = {"text": "A", "event_seq": 999}
    response = api.call("POST", game.url("/notes"), game.tokens["facilitator"], body)
    assert response.status_code == 400
    assert "no event 999" in response.content.decode()


def test_an_unknown_note_is_a_404(api: Api, game: Game) -> None:
    for note in ("77", "x"):
        path = game.url(f"/notes/{note}")
        response = api.call("DELETE", path, game.tokens["facilitator"])
        assert response.status_code == 404, response.content
