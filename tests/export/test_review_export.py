"""A turn reviewed over the API: closed with a ruling pending, ruled, overridden, re-rolled,
edited and published; its export holds every act, `verify_exercise` reproduces it, and an
import restores it byte for byte. Other seats' exports hold only the published result."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.core.management import call_command

from exercises.services import creation, seats

if TYPE_CHECKING:
    from tests.export.conftest import Api, Game


@pytest.fixture
def reviewed(transactional_db: None) -> Game:
    from tests.export.conftest import Game

    created = creation.create_exercise(
        creation.bundled("ai-pause"), "Reviewed", seed="r", review=True, close_when="deadline"
    )
    from exercises.services import commands

    commands.start(seats.seat_by_token(created.tokens["facilitator"]))
    return Game(created.exercise.public_id, created.tokens)


def control(api: Api, game: Game, command: str, **more: Any) -> Any:
    body = {"command": command, **more}
    return api.call("POST", game.url("/control"), game.tokens["facilitator"], body)


def review_a_turn(api: Api, game: Game) -> dict[str, Any]:
    scaled = api.post(game.url("/moves"), game.tokens["anthropic"], {"action": "continue_scaling"})
    argued = api.post(
        game.url("/moves"),
        game.tokens["openai"],
        {"action": "free_form", "rationale": "OPENAI-SECRET-PLAN"},
    )
    refused = control(api, game, "close_turn")
    assert refused.status_code == 409
    assert json.loads(refused.content)["error"]["code"] == "rulings_pending"
    assert argued["id"] in json.loads(refused.content)["error"]["message"]
    assert control(api, game, "close_turn", anyway=True).status_code == 200
    ruling = {
        "move": argued["id"],
        "chance": 0.5,
        "narrative": "OPENAI-RULED-privately",
        "audience": "mover",
    }
    answer = api.call("POST", game.url("/rulings"), game.tokens["facilitator"], ruling)
    assert answer.status_code == 200 and json.loads(answer.content)["audience"] == "mover"
    reason = "FACILITATOR-REASON chips late"
    assert control(api, game, "override", move=scaled["id"], outcome="failure", reason=reason)
    assert control(api, game, "reroll", move=argued["id"], reason="again").status_code == 200
    view = json.loads(api.call("GET", game.url(), game.tokens["facilitator"]).content)
    assert view["turn"]["phase"] == "review" and view["draft"]["rulings_pending"] == []
    assert control(api, game, "publish").status_code == 200
    return {"scaled": scaled, "argued": argued}


def export_of(game: Game, seat: str = "facilitator") -> str:
    out = StringIO()
    call_command("export_exercise", game.id, "--seat", seat, stdout=out)
    return out.getvalue()


def test_a_reviewed_turn_exports_its_acts_and_verifies(
    api: Api, reviewed: Game, tmp_path: Path
) -> None:
    moves = review_a_turn(api, reviewed)

    data = json.loads(export_of(reviewed))
    [turn] = [t for t in data["turns"] if t["number"] == 1]
    assert turn["review"]["overrides"][moves["scaled"]["id"]]["outcome"] == "failure"
    assert turn["review"]["rerolls"] == {moves["argued"]["id"]: 1}
    assert data["exercise"]["review"] is True and data["exercise"]["close_when"] == "deadline"
    path = tmp_path / "export.json"
    path.write_text(json.dumps(data))
    out = StringIO()
    call_command("verify_exercise", str(path), stdout=out)
    assert "1 turns re-adjudicated: every one matches the record" in out.getvalue()


def test_a_tampered_override_fails_verification(api: Api, reviewed: Game) -> None:
    from exercises.engine.replay import verify_export

    moves = review_a_turn(api, reviewed)
    data = json.loads(export_of(reviewed))
    [turn] = [t for t in data["turns"] if t["number"] == 1]
    turn["review"]["overrides"][moves["scaled"]["id"]]["outcome"] = "success"

    _, differences = verify_export(data)

    assert differences


def test_other_seats_exports_hold_only_the_published_result(api: Api, reviewed: Game) -> None:
    review_a_turn(api, reviewed)

    for seat in ("observer", "anthropic", "gdm"):
        text = export_of(reviewed, seat)
        assert "FACILITATOR-REASON" not in text, seat
        assert "OPENAI-RULED-privately" not in text, seat
        assert '"review": {' not in text, seat
        assert "move.rerolled" not in text and "move.overridden" not in text, seat
    mover = json.loads(export_of(reviewed, "openai"))
    [argued] = [m for m in mover["turns"][0]["moves"] if m["action"] == "free_form"]
    assert argued["result"]["shared_with"] == {"roles": ["openai"]}


def test_an_imported_reviewed_exercise_exports_the_same(
    api: Api, reviewed: Game, tmp_path: Path
) -> None:
    review_a_turn(api, reviewed)
    before = export_of(reviewed)
    path = tmp_path / "export.json"
    path.write_text(before)
    from exercises.models import Exercise

    Exercise.objects.filter(public_id=reviewed.id).delete()

    call_command("import_exercise", str(path), stdout=StringIO())

    assert export_of(reviewed) == before


def test_a_turn_imported_in_review_shows_the_facilitator_the_same_draft(
    api: Api, reviewed: Game, tmp_path: Path
) -> None:
    api.post(reviewed.url("/moves"), reviewed.tokens["anthropic"], {"action": "continue_scaling"})
    assert control(api, reviewed, "close_turn").status_code == 200
    draft = json.loads(api.call("GET", reviewed.url(), reviewed.tokens["facilitator"]).content)
    path = tmp_path / "export.json"
    path.write_text(export_of(reviewed))
    from exercises.models import Exercise

    Exercise.objects.filter(public_id=reviewed.id).delete()
    out = StringIO()
    call_command("import_exercise", str(path), "--json", stdout=out)
    token = json.loads(out.getvalue())["seats"]["facilitator"]["token"]

    view = json.loads(api.call("GET", reviewed.url(), token).content)

    assert view["turn"]["phase"] == "review"
    assert view["draft"] == draft["draft"]
