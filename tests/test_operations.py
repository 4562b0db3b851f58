"""What the operator sees: one line of JSON per request and per job (never a token), a 500
logged with its traceback with debug off, `/healthz` and `/metrics`."""

from __future__ import annotations

import json
import logging

import pytest
from django.db import OperationalError
from django.test import Client
from psycopg.errors import QueryCanceled
from pytest_django.fixtures import Settings

from exercises.pages import library
from exercises.services import commands, creation, seats, turns

pytestmark = pytest.mark.django_db


def json_lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, object]]:
    """Every record the test logged, as the deployment's formatter writes it: one JSON object
    per line."""
    [handler] = [h for h in logging.getLogger().handlers if h.get_name() == "stdout"]
    assert handler.formatter is not None
    lines = [handler.formatter.format(record) for record in caplog.records]
    assert all("\n" not in line for line in lines)
    return [json.loads(line) for line in lines]


@pytest.fixture
def created(committing: None) -> creation.Created:
    made = creation.create_exercise(creation.bundled("ai-pause"), "Logged", seed="l")
    commands.start(seats.seat_by_token(made.tokens["facilitator"]))
    return made


def test_a_request_is_one_json_line_with_its_exercise_and_seat_and_no_token(
    created: creation.Created, caplog: pytest.LogCaptureFixture
) -> None:
    # given
    caplog.set_level(logging.INFO)
    token = created.tokens["anthropic"]
    public_id = created.exercise.public_id

    # when a player's program reads its state, and a browser opens the player's join link
    Client().get(f"/api/v1/exercises/{public_id}", headers={"Authorization": f"Bearer {token}"})
    Client().get(f"/join/{created.tokens['openai']}")

    # then each request is one line naming the exercise and the seat, and no token is logged
    requests = [line for line in json_lines(caplog) if line["message"] == "request"]
    api, join = requests
    assert api["exercise"] == public_id
    assert (api["seat"], api["status"], api["method"]) == ("role:anthropic", 200, "GET")
    assert api["route"] == "/api/v1/exercises/<str:id>"
    assert join["route"] == "/join/<str:token>"
    logged = caplog.text + json.dumps(requests)
    assert all(token not in logged for token in created.tokens.values())


def test_a_500_is_logged_with_its_traceback_with_debug_off(
    caplog: pytest.LogCaptureFixture, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a page whose code fails, on a server with debug off
    settings.DEBUG = False

    def broken() -> None:
        raise RuntimeError("the scenario shelf collapsed")

    monkeypatch.setattr(library, "load_bundled_scenarios", broken)

    # when a browser asks for it
    response = Client(raise_request_exception=False).get("/")

    # then it got a 500, and the log has the error with its traceback, then the request
    assert response.status_code == 500
    lines = json_lines(caplog)
    [error] = [line for line in lines if line["level"] == "ERROR"]
    assert "the scenario shelf collapsed" in str(error["exc_info"])
    assert "Traceback" in str(error["exc_info"])
    assert [line["status"] for line in lines if line["message"] == "request"] == [500]


def test_health_says_the_database_answers_and_when_the_workers_last_swept(
    created: creation.Created,
) -> None:
    # before any sweep: the server can serve, but no worker has shown itself
    before = Client().get("/healthz")
    assert before.status_code == 200
    assert before.json()["database"] is True
    assert before.json()["redis"] is None  # the embedded mode has none
    assert before.json()["workers"]["stale"] is True

    # after a sweep
    turns.sweep()
    after = Client().get("/healthz").json()
    assert after["workers"]["stale"] is False
    assert after["workers"]["last_sweep"]


def test_health_is_503_when_the_configured_redis_does_not_answer(
    db: None, settings: Settings
) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:9/0"  # nothing listens there

    response = Client().get("/healthz")

    assert response.status_code == 503
    assert (response.json()["status"], response.json()["redis"]) == ("unavailable", False)


def test_metrics_are_hidden_without_their_token(db: None, settings: Settings) -> None:
    settings.WARGAME_METRICS_TOKEN = ""
    assert Client().get("/metrics").status_code == 404
    settings.WARGAME_METRICS_TOKEN = "s3cret-metrics"
    assert Client().get("/metrics").status_code == 404
    wrong = Client().get("/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 404


def test_metrics_show_the_jobs_waiting_and_how_long_adjudication_took(
    created: creation.Created, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a turn adjudicated, and a second closed whose job waits (its worker is slow)
    settings.WARGAME_METRICS_TOKEN = "s3cret-metrics"
    facilitator = seats.seat_by_token(created.tokens["facilitator"])
    turns.close_turn(facilitator, anyway=True)
    from exercises.services import jobs

    monkeypatch.setattr(jobs, "dispatch", lambda job_id: None)
    turns.open_next_turn(facilitator)
    turns.close_turn(facilitator, anyway=True)

    # when the operator's Prometheus scrapes
    response = Client().get("/metrics", headers={"Authorization": "Bearer s3cret-metrics"})

    # then
    text = response.content.decode()
    assert response.status_code == 200
    assert 'wargame_jobs_waiting{kind="adjudicate"} 1.0' in text
    assert "wargame_adjudications_last_hour 1.0" in text
    assert 'wargame_adjudication_latency_seconds{quantile="0.5"}' in text


def statement_cancelled() -> OperationalError:
    """What Django raises when PostgreSQL cancels a statement past statement_timeout."""
    try:
        try:
            raise QueryCanceled("canceling statement due to statement timeout")
        except QueryCanceled as cause:
            raise OperationalError(str(cause)) from cause
    except OperationalError as error:
        return error


def test_a_statement_past_its_timeout_answers_a_retryable_503_not_a_500(
    db: None, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a database that cancels the page's statement (it ran past statement_timeout)
    settings.DEBUG = False

    def slow() -> None:
        raise statement_cancelled()

    monkeypatch.setattr(library, "load_bundled_scenarios", slow)

    # when a browser asks for the page
    response = Client(raise_request_exception=False).get("/")

    # then it is told to come back, not shown an error page
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert b"busy" in response.content
