"""A seat that sends too many requests is told to wait, and nobody else is slowed."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.test import Client

from exercises import throttle


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


@pytest.mark.django_db
def test_a_browsers_pages_and_their_data_count_against_its_seats_allowance(
    client: Client, settings: Any, clock: Clock
) -> None:
    from exercises.services import creation

    # given a browser that opened a player's link, and a seat allowed 3 requests at once
    settings.WARGAME_API_RATE = 0.5
    settings.WARGAME_API_BURST = 3
    created = creation.create_exercise(creation.bundled("ai-pause"), "Pages", seed="p")
    client.get(f"/join/{created.tokens['anthropic']}")
    base = f"/exercises/{created.exercise.public_id}"

    # when it asks for the page, its data twice, then the page again
    answers = [client.get(f"{base}/{path}") for path in ("play/", "page.json", "now.json")]
    over = client.get(f"{base}/play/")
    data_over = client.get(f"{base}/page.json")

    # then the fourth and fifth wait, the data in the API's error shape
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert (over.status_code, over["Retry-After"]) == (429, "2")
    assert data_over.status_code == 429
    assert data_over.json()["error"]["code"] == "rate_limited"

    # and another seat's program is not slowed
    assert get(client, created.exercise.public_id, created.tokens["openai"]).status_code == 200


@pytest.mark.django_db
def test_an_address_that_keeps_sending_bad_tokens_is_told_to_wait(
    client: Client, settings: Any, clock: Clock
) -> None:
    from exercises.services import creation

    settings.WARGAME_ANONYMOUS_RATE = 1
    settings.WARGAME_ANONYMOUS_BURST = 3
    created = creation.create_exercise(creation.bundled("ai-pause"), "Guessing", seed="g")
    exercise = created.exercise.public_id

    # when an address sends three wrong tokens, a fourth, and a wrong join link
    wrong = [get(client, exercise, f"guess-{n}").status_code for n in range(4)]
    link = client.get("/join/not-a-token")

    # then the fourth waits, and so, while it waits, does anything from that address
    assert wrong == [401, 401, 401, 429]
    assert link.status_code == 429
    assert get(client, exercise, created.tokens["anthropic"]).status_code == 429

    # once the address has waited, its right token opens the seat
    clock.now += 2
    assert get(client, exercise, created.tokens["anthropic"]).status_code == 200


@pytest.mark.django_db
def test_a_seats_exports_are_limited_by_their_size(
    client: Client, settings: Any, clock: Clock
) -> None:
    from exercises.services import creation

    # given seats allowed about 2 KB of exports a minute
    settings.WARGAME_EXPORT_RATE = 2 / 1024
    created = creation.create_exercise(creation.bundled("ai-pause"), "Exports", seed="e")
    url = f"/api/v1/exercises/{created.exercise.public_id}/export?format=json"

    def export(seat: str) -> Any:
        return client.get(url, HTTP_AUTHORIZATION=f"Bearer {created.tokens[seat]}")

    # when the observer exports twice
    first, second = export("observer"), export("observer")

    # then the first (larger than the allowance) goes through and the second waits
    assert first.status_code == 200
    assert len(first.content) > 2 * 1024
    assert second.status_code == 429
    assert int(second["Retry-After"]) > 1

    # and another seat's export is not held up by it
    assert export("facilitator").status_code == 200

    # once the observer has waited as long as it was told, it may export again
    clock.now += int(second["Retry-After"])
    assert export("observer").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_exports_are_built_on_threads_of_their_own_not_the_apis(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import asyncio

    from asgiref.testing import ApplicationCommunicator

    from exercises.api.asgi import ApiApplication
    from exercises.services import creation
    from exercises.services import export as exports

    # given the API's application, and a record of the threads that build exports
    created = creation.create_exercise(creation.bundled("ai-pause"), "Threads", seed="x")
    render = exports.render
    threads: list[str] = []

    def recorded(*args: Any) -> Any:
        threads.append(threading.current_thread().name)
        return render(*args)

    monkeypatch.setattr(exports, "render", recorded)
    application = ApiApplication(fallback=None)  # type: ignore[arg-type]

    async def export() -> int:
        token = created.tokens["observer"].encode()
        scope = {
            "type": "http",
            "method": "GET",
            "path": f"/api/v1/exercises/{created.exercise.public_id}/export",
            "query_string": b"format=json",
            "headers": [(b"authorization", b"Bearer " + token), (b"host", b"localhost")],
            "root_path": "",
        }
        communicator = ApplicationCommunicator(application, scope)
        await communicator.send_input({"type": "http.request", "body": b""})
        start = await communicator.receive_output(timeout=60)
        while (await communicator.receive_output(timeout=60)).get("more_body"):
            pass
        await communicator.wait(timeout=60)  # the server closes the export's file after this
        return int(start["status"])

    # when a seat exports
    status = asyncio.run(export())

    # then the export was built, on an export thread
    assert status == 200
    assert [name.rpartition("_")[0] for name in threads] == ["wargame-export"]
