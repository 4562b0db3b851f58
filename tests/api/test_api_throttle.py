"""A seat that sends too many requests is told to wait, and nobody else is slowed."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from exercises.api import throttle


def get(client: Client, exercise: str, token: str) -> Any:
    return client.get(f"/api/v1/exercises/{exercise}", HTTP_AUTHORIZATION=f"Bearer {token}")


class Clock:
    """The throttle's time, which moves only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    frozen = Clock()
    monkeypatch.setattr(throttle, "clock", frozen)
    return frozen


@pytest.mark.django_db
def test_a_seat_over_its_burst_gets_429_with_retry_after(
    client: Client, settings: Any, clock: Clock
) -> None:
    from exercises.services import creation

    settings.WARGAME_API_RATE = 0.5
    settings.WARGAME_API_BURST = 3
    created = creation.create_exercise(creation.bundled("ai-pause"), "Throttle", seed="t")
    exercise, tokens = created.exercise.public_id, created.tokens

    answers = [get(client, exercise, tokens["anthropic"]) for _ in range(4)]

    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[-1].json()["error"]["code"] == "rate_limited"
    assert answers[-1]["Retry-After"] == "2"
    assert get(client, exercise, tokens["openai"]).status_code == 200

    clock.now += 2  # as long as it was told to wait: one request's worth back, no more
    assert get(client, exercise, tokens["anthropic"]).status_code == 200
    assert get(client, exercise, tokens["anthropic"]).status_code == 429


def test_the_allowance_refills_at_the_rate(settings: Any) -> None:
    settings.WARGAME_API_RATE = 2
    settings.WARGAME_API_BURST = 2
    throttle.take(1, now=100.0)
    throttle.take(1, now=100.0)
    with pytest.raises(throttle.Limited):
        throttle.take(1, now=100.0)

    throttle.take(1, now=100.6)  # 0.6 s at 2 a second: one request's worth back

    with pytest.raises(throttle.Limited):
        throttle.take(1, now=100.6)


def test_the_openapi_document_says_every_seat_route_may_answer_429(client: Client) -> None:
    document = client.get("/api/v1/openapi.json").json()

    operations = [op for path in document["paths"].values() for op in path.values()]
    seat_routes = [op for op in operations if op.get("security")]
    assert seat_routes and all("429" in op["responses"] for op in seat_routes)
