"""The API as a real server answers it: uvicorn running `wargame.asgi:application`.

The API has its own road from the ASGI server to Django (`exercises/api/asgi.py`, a few
long-lived threads instead of Django's thread per request), so these cases go through a real
server on a SQLite file of their own, as `python3 dev.py serve` runs it.
"""

from __future__ import annotations

import asyncio
import http.client
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import pytest
import websockets

from tests.live_server import Server, running_server


@dataclass
class Game:
    """A started exercise on a live server, and raw HTTP to it (for headers and chunks)."""

    server: Server
    exercise: str
    tokens: dict[str, str]

    @property
    def port(self) -> int:
        return self.server.port

    def request(
        self, method: str, path: str, body: Any = None, token: str | None = None
    ) -> tuple[int, dict[str, str], Any]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = None if body is None else json.dumps(body).encode()
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        raw = response.read()
        connection.close()
        kind = response.getheader("Content-Type", "")
        parsed = json.loads(raw) if kind.startswith("application/json") else raw.decode()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, parsed

    def api(self, suffix: str = "") -> str:
        return f"/api/v1/exercises/{self.exercise}{suffix}"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Game]:
    folder = tmp_path_factory.mktemp("api-server")
    secret = "a test key that is long enough to be a real one, really"
    # Debug off, over plain HTTP: no redirect to HTTPS, cookies not Secure.
    plain = {"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": secret, "WARGAME_HTTPS": "false"}
    with running_server(folder, **plain) as live:
        exercise = live.create_exercise("--name", "Server test")
        game = Game(live, exercise.id, exercise.tokens)
        exercise.control("start")
        yield game


def move(key: str, rationale: str = "") -> dict[str, Any]:
    return {"action": "press_pause_button", "params": {}, "idempotency_key": key} | (
        {"rationale": rationale} if rationale else {}
    )


def test_the_server_answers_the_api_with_json_and_the_usual_headers(server: Game) -> None:
    status, headers, view = server.request("GET", server.api(), token=server.tokens["openai"])

    assert status == 200
    assert view["me"]["seat"] == "openai"
    assert headers["cache-control"] == "no-store"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["content-type"] == "application/json"


def test_the_server_refuses_a_wrong_token_in_the_api_error_shape(server: Game) -> None:
    status, _, body = server.request("GET", server.api(), token="not-a-token")

    assert status == 401
    assert body["error"]["code"] == "unauthorized"


def test_pages_still_go_through_django(server: Game) -> None:
    status, headers, _page = server.request("GET", "/")

    assert status == 200
    assert headers["content-type"].startswith("text/html")
    assert "x-frame-options" in headers


def test_a_chunked_body_over_64_kib_gets_413_and_makes_no_move(server: Game) -> None:
    token = server.tokens["anthropic"]
    big = json.dumps(move("too-big", rationale="x" * 70_000)).encode()
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    connection.putrequest("POST", server.api("/moves"))
    connection.putheader("Authorization", f"Bearer {token}")
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Transfer-Encoding", "chunked")
    connection.endheaders()
    for start in range(0, len(big), 16_384):
        chunk = big[start : start + 16_384]
        connection.send(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
    connection.send(b"0\r\n\r\n")
    response = connection.getresponse()
    body = json.loads(response.read())
    connection.close()

    assert response.status == 413
    assert body["error"]["code"] == "too_large"
    _, _, view = server.request("GET", server.api(), token=token)
    assert not next(r for r in view["roles"] if r["id"] == "anthropic")["submitted"]


def test_ten_concurrent_posts_with_one_key_make_one_move(server: Game) -> None:
    token = server.tokens["openai"]

    def post(n: int) -> tuple[int, str]:
        status, _headers, body = server.request("POST", server.api("/moves"), move("same"), token)
        return status, body["id"]

    with ThreadPoolExecutor(10) as pool:
        answers = list(pool.map(post, range(10)))

    assert sorted(status for status, _ in answers) == [200] * 9 + [201]
    assert len({move_id for _, move_id in answers}) == 1


def test_a_move_posted_over_http_reaches_a_websocket_client_of_the_same_server(
    server: Game,
) -> None:
    async def watch_then_move() -> dict[str, Any]:
        url = f"ws://127.0.0.1:{server.port}/ws/exercises/{server.exercise}/"
        bearer = {"Authorization": f"Bearer {server.tokens['facilitator']}"}
        async with websockets.connect(url, additional_headers=bearer) as socket_:
            _, _, view = server.request("GET", server.api(), token=server.tokens["facilitator"])
            await socket_.send(json.dumps({"type": "resume", "since": view["last_seq"]}))
            loop = asyncio.get_running_loop()
            posted = loop.run_in_executor(
                None,
                server.request,
                "POST",
                server.api("/moves"),
                move("live"),
                server.tokens["meta"],
            )
            while True:
                frame: dict[str, Any] = json.loads(await asyncio.wait_for(socket_.recv(), 10))
                if frame.get("type") == "move.submitted":
                    await posted
                    return frame

    event = asyncio.run(watch_then_move())

    assert event["data"]["role"] == "meta"
    assert event["data"]["action"] == "press_pause_button"


@pytest.mark.parametrize(
    "path",
    [
        "/static/..%2f..%2fwargame/settings.py",
        "/static/..%252f..%252fwargame/settings.py",
        "/static/%2e%2e/%2e%2e/wargame/settings.py",
    ],
)
def test_a_path_out_of_the_static_folder_is_a_404_from_the_real_server(
    server: Game, path: str
) -> None:
    status, _, body = server.request("GET", path)

    assert status == 404
    assert "SECRET_KEY" not in str(body)


def test_a_websocket_to_a_path_with_no_stream_is_a_404_from_the_real_server(server: Game) -> None:
    async def handshake() -> int:
        url = f"ws://127.0.0.1:{server.port}/ws/nowhere/"
        with pytest.raises(websockets.exceptions.InvalidStatus) as refused:
            async with websockets.connect(url):
                pass
        return refused.value.response.status_code

    assert asyncio.run(handshake()) == 404
