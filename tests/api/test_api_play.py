"""The routes doing their work: moves, withdrawals, votes, rulings, messages, events, control."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from exercises.models import Exercise, Ruling, Seat
from exercises.services import events

if TYPE_CHECKING:
    from collections.abc import Callable

    from tests.api.conftest import Api, Game, Response

pytestmark = pytest.mark.django_db


def control(api: Api, game: Game, command: str, **fields: Any) -> Response:
    return api.post(
        game.url("/control"), game.tokens["facilitator"], {"command": command, **fields}
    )


def test_a_move_is_returned_in_the_documented_shape(api: Api, game: Game) -> None:
    response = api.post(
        game.url("/moves"),
        game.tokens["anthropic"],
        {"action": "share_evidence_back_channel", "params": {"lab": "openai"}, "rationale": "r"},
    )

    move = api.json(response)
    assert response.status_code == 201
    assert set(move) == {"id", "turn", "role", "action", "params", "rationale", "status"}
    assert (move["turn"], move["role"], move["status"]) == (1, "anthropic", "submitted")
    assert move["params"] == {"lab": "openai"}


def test_bad_params_are_a_400_saying_which(api: Api, game: Game) -> None:
    response = api.post(
        game.url("/moves"),
        game.tokens["anthropic"],
        {"action": "share_evidence_back_channel", "params": {"lab": "anthropic"}},
    )

    assert response.status_code == 400
    assert api.error_of(response)["code"] == "move_rejected"


def test_a_withdrawn_move_comes_back_withdrawn(api: Api, game: Game) -> None:
    move = api.json(
        api.post(game.url("/moves"), game.tokens["anthropic"], {"action": "continue_scaling"})
    )

    response = api.delete(game.url(f"/moves/{move['id']}"), game.tokens["anthropic"])
    again = api.delete(game.url(f"/moves/{move['id']}"), game.tokens["anthropic"])

    assert response.status_code == 200
    assert api.json(response)["status"] == "withdrawn"
    assert again.status_code == 409


def test_a_move_replaces_another_in_one_step_even_when_the_role_is_at_its_limit(
    api: Api, game: Game
) -> None:
    # given: anthropic has made the two moves a turn allows
    token = game.tokens["anthropic"]
    first = api.json(api.post(game.url("/moves"), token, {"action": "continue_scaling"}))
    api.post(game.url("/moves"), token, {"action": "mobilize_crisis_team"})
    assert api.post(game.url("/moves"), token, {"action": "run_safety_evals"}).status_code == 400

    # when
    response = api.post(
        game.url("/moves"), token, {"action": "run_safety_evals", "replaces": first["id"]}
    )

    # then
    assert response.status_code == 201
    view = api.json(api.get(game.url(), token))
    live = {m["action"] for m in view["me"]["moves"] if m["status"] == "submitted"}
    assert live == {"mobilize_crisis_team", "run_safety_evals"}


def test_a_refused_replacement_keeps_the_move_it_would_have_replaced(api: Api, game: Game) -> None:
    token = game.tokens["anthropic"]
    first = api.json(api.post(game.url("/moves"), token, {"action": "continue_scaling"}))

    refused = api.post(
        game.url("/moves"),
        token,
        {
            "action": "share_evidence_back_channel",
            "params": {"lab": "anthropic"},
            "replaces": first["id"],
        },
    )

    assert refused.status_code == 400
    view = api.json(api.get(game.url(), token))
    assert [(m["id"], m["status"]) for m in view["me"]["moves"]] == [(first["id"], "submitted")]


def test_a_move_cannot_replace_another_roles_move(api: Api, game: Game) -> None:
    theirs = api.json(
        api.post(game.url("/moves"), game.tokens["openai"], {"action": "continue_scaling"})
    )

    response = api.post(
        game.url("/moves"),
        game.tokens["anthropic"],
        {"action": "continue_scaling", "replaces": theirs["id"]},
    )

    assert response.status_code == 404
    assert api.json(api.get(game.url(), game.tokens["openai"]))["me"]["moves"][0]["status"] == (
        "submitted"
    )


def test_moves_wait_for_the_exercise_to_start(api: Api, new_game: Callable[..., Game]) -> None:
    lobby = new_game(start=False)

    response = api.post(
        lobby.url("/moves"), lobby.tokens["anthropic"], {"action": "continue_scaling"}
    )
    started = control(api, lobby, "start")

    assert response.status_code == 409
    assert started.status_code == 200
    assert api.get(lobby.url(), lobby.tokens["observer"]).json()["turn"]["number"] == 1


def test_votes_and_a_ruling_on_a_free_form_move(api: Api, game: Game) -> None:
    move = api.json(
        api.post(
            game.url("/moves"),
            game.tokens["anthropic"],
            {"action": "free_form", "rationale": "We ask."},
        )
    )
    vote = api.post(game.url(f"/moves/{move['id']}/votes"), game.tokens["openai"], {"chance": 0.25})

    pending = api.get(game.url(), game.tokens["facilitator"]).json()["rulings_pending"]
    ruling = api.post(
        game.url("/rulings"),
        game.tokens["facilitator"],
        {
            "move": move["id"],
            "outcome": "success",
            "narrative": "They listen.",
            "changes": [{"variable": "public_concern", "delta": 5, "reason": "A good speech."}],
        },
    )

    assert vote.status_code == 200
    assert api.json(vote) == {"move": move["id"], "chance": 0.25}
    assert pending[0]["votes"] == [{"role": "openai", "chance": 0.25}]
    assert ruling.status_code == 200
    assert api.json(ruling)["outcome"] == "success"
    assert Ruling.objects.get(move__public_id=move["id"]).changes == [
        {"variable": "public_concern", "delta": 5, "reason": "A good speech."}
    ]


def test_a_ruling_on_a_move_that_does_not_exist_is_a_404(api: Api, game: Game) -> None:
    response = api.post(
        game.url("/rulings"), game.tokens["facilitator"], {"move": "nope", "chance": 0.5}
    )

    assert response.status_code == 404


def test_messages_reach_only_their_recipients(api: Api, game: Game) -> None:
    sent = api.post(game.url("/messages"), game.tokens["openai"], {"to": ["gdm"], "body": "Psst."})

    def bodies(seat: str) -> list[str]:
        events = api.get(game.url("/events"), game.tokens[seat]).json()["events"]
        return [e["data"]["body"] for e in events if e["type"] == "message.posted"]

    assert sent.status_code == 201
    assert api.json(sent) == {
        "id": api.json(sent)["id"],
        "turn": 1,
        "from": "openai",
        "to": ["gdm"],
        "channel": None,
        "body": "Psst.",
    }
    assert (bodies("gdm"), bodies("openai"), bodies("anthropic")) == (["Psst."], ["Psst."], [])


def test_events_since_n_are_the_later_ones_in_order(api: Api, game: Game) -> None:
    token = game.tokens["observer"]
    everything = api.get(game.url("/events"), token).json()["events"]

    later = api.get(game.url(f"/events?since={everything[1]['seq']}"), token).json()["events"]

    seqs = [e["seq"] for e in everything]
    assert seqs == sorted(seqs)
    assert later == [e for e in everything if e["seq"] > everything[1]["seq"]]
    assert set(everything[0]) == {"seq", "type", "turn", "at", "data"}


def test_events_a_seat_may_see_are_found_past_a_long_run_it_may_not(api: Api, game: Game) -> None:
    # given: 1,500 facilitator-only events, then one for everyone
    exercise = Exercise.objects.get(public_id=game.id)
    with events.write_transaction():
        for n in range(1500):
            events.append(exercise, "note", {"n": n}, turn=1, audience=events.FACILITATOR_ONLY)
        events.append(exercise, "inject", {"title": "Later"}, turn=1, audience=events.EVERYONE)

    # when
    seen = api.get(game.url("/events?since=0"), game.tokens["observer"]).json()["events"]

    # then
    assert seen[-1]["data"] == {"title": "Later"}
    assert not any(e["type"] == "note" for e in seen)


@pytest.mark.usefixtures("committing")  # the adjudication runs after each commit
def test_a_turn_is_closed_adjudicated_and_the_next_opened_by_the_facilitator(
    api: Api, game: Game
) -> None:
    api.post(game.url("/moves"), game.tokens["anthropic"], {"action": "continue_scaling"})

    closed = control(api, game, "close_turn")
    resolved = api.get(game.url(), game.tokens["observer"]).json()["turn"]["phase"]
    opened = control(api, game, "open_next_turn")

    assert closed.status_code == 200
    assert resolved == "resolved"
    assert opened.status_code == 200
    assert api.get(game.url(), game.tokens["observer"]).json()["turn"]["number"] == 2


def test_the_facilitator_steers_the_exercise(api: Api, game: Game) -> None:
    facilitator = game.tokens["facilitator"]

    def view() -> Any:
        return api.get(game.url(), facilitator).json()

    def logged(type: str) -> list[dict[str, Any]]:
        events = api.get(game.url("/events?since=0"), facilitator).json()["events"]
        return [e["data"] for e in events if e["type"] == type]

    assert view()["turn"]["deadline"] is None
    untimed = control(api, game, "extend", seconds=60)
    assert untimed.status_code == 409
    assert "no deadline" in untimed.json()["error"]["message"]
    assert view()["turn"]["deadline"] is None and logged("turn.extended") == []

    assert control(api, game, "pause").status_code == 200
    assert view()["status"] == "paused"
    assert control(api, game, "pause").status_code == 409
    assert control(api, game, "resume").status_code == 200
    assert view()["status"] == "running"
    assert len(logged("exercise.paused")) == len(logged("exercise.resumed")) == 1

    assert control(api, game, "inject", inject="midterm_pressure").status_code == 200
    assert control(api, game, "inject", title="News", text="A leak.", to=["gdm"]).status_code == 200
    injects = logged("inject")
    assert [(i["inject"], i["title"]) for i in injects][-1] == (None, "News")
    assert "midterm_pressure" in [i["inject"] for i in injects]

    poll = control(api, game, "set_state", variable="public_concern", value=55, reason="A poll.")
    assert poll.status_code == 200
    assert api.get(game.url(), game.tokens["observer"]).json()["state"]["public_concern"] == 55

    assert control(api, game, "replace_seat", role="meta", bot_policy="no-pause").json() == {
        "ok": True
    }
    assert (
        Seat.objects.get(exercise__public_id=game.id, role="meta", revoked_at=None).bot_policy
        == "no-pause"
    )

    assert control(api, game, "finish").status_code == 200
    assert view()["status"] == "finished"
    assert logged("exercise.finished") == [{"ending": None}]


def test_an_ad_hoc_inject_reaches_only_its_roles(api: Api, game: Game) -> None:
    control(api, game, "inject", title="News", text="SECRET-NEWS", to=["gdm"])

    def sees(seat: str) -> bool:
        return "SECRET-NEWS" in api.get(game.url("/events"), game.tokens[seat]).content.decode()

    assert (sees("gdm"), sees("openai"), sees("observer")) == (True, False, False)
