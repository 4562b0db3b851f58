"""Exports are built once per version of what a seat may see, then sent from disk in pieces."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import pytest
from asgiref.testing import ApplicationCommunicator

from exercises.services import export as exports
from tests.export.conftest import move

if TYPE_CHECKING:
    from tests.export.conftest import Api, Game


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The seats whose exports were built (not merely sent) since the test began."""
    built: list[str] = []
    export_for = exports.export_for

    def recorded(seat: Any) -> Any:
        built.append(seat.name)
        return export_for(seat)

    monkeypatch.setattr(exports, "export_for", recorded)
    return built


def export(api: Api, game: Game, seat: str, format: str = "json", etag: str = "") -> Any:
    headers = {"Authorization": f"Bearer {game.tokens[seat]}"}
    if etag:
        headers["If-None-Match"] = etag
    return api.client.get(game.url(f"/export?format={format}"), headers=headers)


def test_an_unchanged_export_is_built_once_and_keeps_its_etag(
    api: Api, game: Game, builds: list[str]
) -> None:
    first, second = export(api, game, "observer"), export(api, game, "observer")

    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert first["ETag"] == second["ETag"] and first["ETag"].startswith('"')
    assert builds == ["observer"]


def test_a_copy_the_caller_already_holds_is_a_304_without_a_body(
    api: Api, game: Game, settings: Any
) -> None:
    # given an allowance smaller than one export
    settings.WARGAME_EXPORT_RATE = 1 / 1024
    first = export(api, game, "observer")

    # when the seat asks again, with the ETag it holds, three times
    again = [export(api, game, "observer", etag=first["ETag"]) for _ in range(3)]

    # then nothing is sent, nothing is charged, and the ETag is repeated
    assert [r.status_code for r in again] == [304, 304, 304]
    assert all(r.content == b"" and r["ETag"] == first["ETag"] for r in again)


def test_each_format_and_seat_has_its_own_export(api: Api, game: Game) -> None:
    observer_json = export(api, game, "observer")
    observer_csv = export(api, game, "observer", "csv")
    facilitator_json = export(api, game, "facilitator")

    assert observer_csv["Content-Type"].startswith("text/csv")
    assert len({observer_json["ETag"], observer_csv["ETag"], facilitator_json["ETag"]}) == 3
    assert b'"exported_for": "observer"' in observer_json.content
    assert b'"exported_for": "facilitator"' in facilitator_json.content


def test_an_event_the_seat_sees_makes_a_new_export(api: Api, game: Game) -> None:
    before = export(api, game, "observer")

    api.post(game.url("/messages"), game.tokens["anthropic"], {"to": "all", "body": "Hello all"})
    after = export(api, game, "observer")

    assert after["ETag"] != before["ETag"]
    assert b"Hello all" in after.content


def test_a_secret_move_neither_rebuilds_nor_changes_another_seats_export(
    api: Api, game: Game, builds: list[str]
) -> None:
    # given every seat's export as it was
    seats = ("observer", "anthropic", "facilitator")
    before = {seat: export(api, game, seat) for seat in seats}
    builds.clear()

    # when openai presses the pause button, a secret act
    move(api, game, "openai", "press_pause_button")
    after = {seat: export(api, game, seat) for seat in seats}

    # then the other seats get the same bytes without a rebuild: not even the time taken differs
    for seat in ("observer", "anthropic"):
        assert after[seat].content == before[seat].content
        assert after[seat]["ETag"] == before[seat]["ETag"]
    # and only the facilitator, who sees the press, gets a new export
    assert builds == ["facilitator"]
    assert after["facilitator"]["ETag"] != before["facilitator"]["ETag"]


def test_a_facilitators_note_is_in_the_facilitators_next_export(api: Api, game: Game) -> None:
    before = export(api, game, "facilitator")

    api.post(game.url("/notes"), game.tokens["facilitator"], {"text": "NOTE-after-the-first"})
    after = export(api, game, "facilitator")

    assert b"NOTE-after-the-first" not in before.content
    assert b"NOTE-after-the-first" in after.content


def test_the_cache_keeps_to_its_size_and_still_answers(
    api: Api, game: Game, settings: Any, builds: list[str]
) -> None:
    # given a cache too small for more than one export
    settings.WARGAME_EXPORT_CACHE_MB = 0.001
    first = export(api, game, "observer")

    # when other exports push it out
    export(api, game, "facilitator")
    again = export(api, game, "observer")

    # then it is built again, the same
    assert again.status_code == 200 and again.content == first.content
    assert builds == ["observer", "facilitator", "observer"]
    files = [p for p in settings.WARGAME_EXPORT_CACHE_DIR.iterdir() if p.suffix == ".json"]
    assert len(files) == 1


def test_a_head_request_gets_the_length_and_no_body(api: Api, game: Game) -> None:
    whole = export(api, game, "observer")

    head = api.client.head(
        game.url("/export"), HTTP_AUTHORIZATION=f"Bearer {game.tokens['observer']}"
    )

    assert head.status_code == 200 and head.content == b""
    assert int(head["Content-Length"]) == len(whole.content)


@pytest.mark.django_db(transaction=True)
def test_the_server_sends_a_large_export_in_pieces(api: Api, game: Game) -> None:
    from exercises.api.asgi import ApiApplication
    from exercises.api.dispatch import FILE_PIECE

    # given an exercise whose export is several pieces long
    for n in range(40):
        body = {"to": "all", "body": f"message {n} " + "x" * 4000}
        api.post(game.url("/messages"), game.tokens["anthropic"], body)
    application = ApiApplication(fallback=None)  # type: ignore[arg-type]

    async def download() -> tuple[int, list[bytes]]:
        scope = {
            "type": "http",
            "method": "GET",
            "path": f"/api/v1/exercises/{game.id}/export",
            "query_string": b"format=json",
            "headers": [
                (b"authorization", b"Bearer " + game.tokens["observer"].encode()),
                (b"host", b"localhost"),
            ],
            "root_path": "",
        }
        communicator = ApplicationCommunicator(application, scope)
        await communicator.send_input({"type": "http.request", "body": b""})
        start = await communicator.receive_output(timeout=60)
        pieces = []
        while True:
            message = await communicator.receive_output(timeout=60)
            pieces.append(message["body"])
            if not message.get("more_body"):
                await communicator.wait(timeout=60)  # the server closes the file after this
                return int(start["status"]), pieces

    # when it is downloaded through the server's own road
    status, pieces = asyncio.run(download())

    # then it comes in pieces, none larger than one, and whole
    whole = export(api, game, "observer").content
    assert status == 200
    assert len(pieces) > 3
    assert max(len(p) for p in pieces) <= FILE_PIECE
    assert b"".join(pieces) == whole
