"""One exercise held up (its lock held by a stalled adjudication) slows no other exercise: a
request that cannot get the lock soon is answered 503 `busy` with Retry-After, and changes
nothing. PostgreSQL only: SQLite has one lock for the whole database, held briefly."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from django.db import connection, transaction
from pytest_django.fixtures import Settings

from exercises.models import Exercise, Move

if TYPE_CHECKING:
    from tests.api.conftest import Api, Game

pytestmark = pytest.mark.django_db(transaction=True)

MOVE = {"action": "share_evidence_back_channel", "params": {"lab": "openai"}, "rationale": "r"}


@pytest.fixture
def postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks with a timeout are PostgreSQL's (the PostgreSQL pass)")


def hold_lock(public_id: str, release: threading.Event) -> Iterator[None]:
    """Another connection holds the exercise's row lock, as a stalled adjudication does,
    until `release` is set."""
    held = threading.Event()

    def holder() -> None:
        try:
            with transaction.atomic():
                Exercise.objects.select_for_update().get(public_id=public_id)
                held.set()
                release.wait(timeout=60)
        finally:
            connection.close()

    thread = threading.Thread(target=holder)
    thread.start()
    assert held.wait(timeout=60)
    try:
        yield
    finally:
        release.set()
        thread.join()


def test_a_write_to_an_exercise_whose_lock_is_held_is_a_retryable_503_and_changes_nothing(
    postgresql: None, api: Api, game: Game, other_game: Game, settings: Settings
) -> None:
    # given an exercise whose lock another connection holds (a stalled adjudication)
    settings.WARGAME_LOCK_TIMEOUT = 0.2
    release = threading.Event()
    holding = hold_lock(game.id, release)
    next(holding)

    # when a player moves in it, and another exercise's player moves in theirs
    refused = api.post(game.url("/moves"), game.tokens["anthropic"], MOVE)
    elsewhere = api.post(other_game.url("/moves"), other_game.tokens["anthropic"], MOVE)

    # then the first is told to retry, in the API's shape, and the other is served
    assert refused.status_code == 503
    assert api.error_of(refused)["code"] == "busy"
    assert int(refused["Retry-After"]) > 0
    assert elsewhere.status_code == 201, elsewhere.content
    assert not Move.objects.filter(exercise__public_id=game.id).exists()

    # when the lock is released, the same request goes through
    next(holding, None)
    assert api.post(game.url("/moves"), game.tokens["anthropic"], MOVE).status_code == 201
