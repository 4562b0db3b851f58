"""Redis dies during play (and comes back empty): every write that was saved is answered as
the success it is, in the API's shape, and the work it asked for (adjudication, the bots'
moves) is done once Redis is back, by the workers, once.

The production shape as in test_production_processes.py, on a redis-server of the test's own
that it kills and starts again (never the shared one). PostgreSQL pass only.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from exercises.models import Event, Job, Turn
from exercises.services import creation
from tests.runtime.conftest import RedisServer, deployed, wait_until

pytestmark = pytest.mark.django_db(transaction=True)

HUMANS = ("anthropic", "openai")


def post(created: creation.Created, seat: str, path: str, body: Any) -> tuple[int, Any]:
    response = Client().post(
        f"/api/v1/exercises/{created.exercise.public_id}{path}",
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {created.tokens[seat]}"},
    )
    assert response["Content-Type"] == "application/json", response.content[:300]
    return response.status_code, json.loads(response.content)


def turn(created: creation.Created, number: int) -> Turn:
    return Turn.objects.get(exercise=created.exercise, number=number)


def test_writes_saved_while_redis_is_down_succeed_and_their_jobs_run_once_it_is_back(
    own_redis: RedisServer, tmp_path: Path
) -> None:
    with deployed(tmp_path, own_redis.url) as deployment:
        # given a worker (its lease short, so the sweep hands lost jobs out soon) and beat,
        # and an exercise in which bots play six roles and people two, started
        deployment.start_worker(WARGAME_ADJUDICATION_LEASE="2")
        deployment.start_beat()
        scenario = creation.bundled("ai-pause")
        bots = {role: "no-pause" for role in scenario.role_ids if role not in HUMANS}
        created = creation.create_exercise(scenario, "Redis down", seed="5", bots=bots)
        assert post(created, "facilitator", "/control", {"command": "start"})[0] == 200
        wait_until(lambda: set(bots) <= set(turn(created, 1).ready))

        # when Redis dies and the facilitator closes the turn
        own_redis.kill()
        status, body = post(created, "facilitator", "/control", {"command": "close_turn"})

        # then the close is answered as a success, and the adjudication waits as a job
        assert (status, body) == (200, {"ok": True})
        assert turn(created, 1).phase == Turn.Phase.ADJUDICATING

        # when Redis comes back empty: the sweep hands the job out again, a worker runs it
        own_redis.start()
        wait_until(lambda: turn(created, 1).phase == Turn.Phase.RESOLVED)

        # when Redis dies again and the facilitator opens the next turn
        own_redis.kill()
        status, body = post(created, "facilitator", "/control", {"command": "open_next_turn"})
        assert (status, body) == (200, {"ok": True})
        assert turn(created, 2).phase == Turn.Phase.OPEN

        # then, once Redis is back, the bots' lost job is handed out again and they move
        own_redis.start()
        wait_until(lambda: set(bots) <= set(turn(created, 2).ready))

        # when Redis dies and the last person's "I'm in" completes the turn
        own_redis.kill()
        assert post(created, HUMANS[0], "/ready", {})[0] == 200
        status, body = post(created, HUMANS[1], "/ready", {})
        assert (status, body) == (200, {"ok": True})
        assert turn(created, 2).phase == Turn.Phase.ADJUDICATING

        # then, once Redis is back, the turn is adjudicated
        own_redis.start()
        wait_until(lambda: turn(created, 2).phase == Turn.Phase.RESOLVED)

        # and every turn was adjudicated once, every job is done
        adjudicated = Event.objects.filter(exercise=created.exercise, type="turn.adjudicated")
        assert Counter(adjudicated.values_list("turn", flat=True)) == {1: 1, 2: 1}
        wait_until(lambda: not Job.objects.filter(exercise=created.exercise, done_at=None))
