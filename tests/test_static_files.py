"""Static files: served with `nosniff`, and a path out of the static folder is a 404."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from asgiref.testing import ApplicationCommunicator


def get(path: str) -> dict[str, Any]:
    from wargame.asgi import application

    scope = {"type": "http", "method": "GET", "path": path, "headers": [], "query_string": b""}

    async def request() -> dict[str, Any]:
        communicator = ApplicationCommunicator(application, scope)
        await communicator.send_input({"type": "http.request", "body": b""})
        start = await communicator.receive_output(10)
        body = b""
        while True:
            part = await communicator.receive_output(10)
            body += part.get("body", b"")
            if not part.get("more_body"):
                break
        await communicator.wait(10)  # the handler closes the request's body file after sending
        return {"status": start["status"], "headers": start["headers"], "body": body}

    return asyncio.run(request())


@pytest.mark.parametrize(
    "path",
    [
        "/static/../../wargame/settings.py",  # what a server makes of ..%2f..%2f
        "/static/..%2f..%2fwargame/settings.py",  # and of ..%252f..%252f
        "/static/../wargame/settings.py",
        "/static/css/../../../wargame/settings.py",
        "/static//etc/passwd",
    ],
)
def test_a_path_out_of_the_static_folder_is_a_404(path: str) -> None:
    response = get(path)

    assert response["status"] == 404
    assert b"SECRET_KEY" not in response["body"]


def test_a_static_file_is_served_with_nosniff() -> None:
    response = get("/static/css/site.css")

    assert response["status"] == 200
    assert (b"X-Content-Type-Options", b"nosniff") in response["headers"]
