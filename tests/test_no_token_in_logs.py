"""No token in any log line: a real server, with its request log on as in production, is
sent every way a token can travel in a URL, and nothing it wrote holds one."""

from __future__ import annotations

import asyncio
import http.client
import sys
from pathlib import Path

import pytest
import websockets

from tests.live_server import Exercise, Server, running_server


def get(server: Server, path: str, method: str = "GET") -> int:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    connection.request(method, path)
    status = connection.getresponse().status
    connection.close()
    return status


async def handshake(server: Server, path: str) -> None:
    try:
        async with websockets.connect(f"ws://127.0.0.1:{server.port}{path}") as socket:
            await socket.recv()
    except websockets.exceptions.WebSocketException:
        pass  # refused or closed: the log line is what this test reads


def visit_with_every_token(server: Server, game: Exercise) -> None:
    for token in game.tokens.values():
        assert get(server, f"/join/{token}") == 302
        assert get(server, f"/join/{token}?from=mail") == 302
        assert get(server, f"/join/{token}", method="POST") == 403  # no CSRF token
        assert get(server, f"/api/v1/exercises/{game.id}?token={token}") == 401
        assert get(server, f"/?access_token={token}&x=1") == 200
        asyncio.run(handshake(server, f"/ws/exercises/{game.id}/?token={token}"))
        asyncio.run(handshake(server, f"/ws/nowhere/{token}?token={token}"))
    assert get(server, "/join/not-a-token-but-it-could-be-one") == 404


def test_a_server_logs_requests_but_never_a_token(tmp_path: Path) -> None:
    with running_server(tmp_path, log_level="info") as server:
        game = server.create_exercise("--name", "Logs")
        visit_with_every_token(server, game)
    written = server.log.read_text(errors="replace")

    # the request log is on (one line of JSON per request; uvicorn's access log is off)
    assert '"path": "/join/[redacted]", "status": 302' in written
    assert "Not Found: /join/[redacted]" in written  # and Django's request log
    assert "Forbidden (CSRF cookie not set.): /join/[redacted]" in written  # and its CSRF log
    assert "not-a-token-but-it-could-be-one" not in written
    leaked = [name for name, token in game.tokens.items() if token in written]
    assert leaked == [], f"tokens of {leaked} are in the server's log"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("GET /join/abc123 HTTP/1.1", "GET /join/[redacted] HTTP/1.1"),
        ("/join/abc?x=1", "/join/[redacted]?x=1"),
        ("/api/v1/exercises/e1?token=abc&since=3", "/api/v1/exercises/e1?token=[redacted]&since=3"),
        ("/?since=3&Access_Token=abc", "/?since=3&Access_Token=[redacted]"),
        ("/api/v1/exercises/0123456789abcdef/events?since=3", None),
        ("GET /joins/" + "x" * 32 + " HTTP/1.1", "GET /joins/[redacted] HTTP/1.1"),
        ("/static/css/site.css", None),
    ],
)
def test_redaction_blanks_join_paths_token_like_segments_and_credential_queries_only(
    line: str, expected: str | None
) -> None:
    from wargame.log_redaction import redact

    assert redact(line) == (expected or line)


def test_a_traceback_quoting_a_join_path_is_redacted_too() -> None:
    import logging

    from wargame.log_redaction import RedactTokens

    try:
        raise ValueError("No route found for path 'join/" + "t" * 32 + "'")
    except ValueError:
        record = logging.LogRecord("django.request", 40, __file__, 1, "boom", (), sys.exc_info())
    RedactTokens().filter(record)

    assert "t" * 32 not in logging.Formatter().format(record)
    assert "join/[redacted]" in logging.Formatter().format(record)
