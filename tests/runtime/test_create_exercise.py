"""`python manage.py create_exercise`: a new exercise and a link for every seat.

The command runs in the test process (`call_command`), so that it writes to the test
database; its exit status for errors is the `CommandError`'s return code.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from exercises.models import Exercise, Seat, hash_token

pytestmark = pytest.mark.django_db

AI_PAUSE_ROLES = ["anthropic", "openai", "gdm", "meta", "ukaisi", "congress", "china", "un"]


def create(*args: str) -> str:
    out = io.StringIO()
    call_command("create_exercise", *args, stdout=out)
    return out.getvalue()


def create_json(*args: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(create(*args, "--json"))
    return result


def refused(*args: str) -> CommandError:
    with pytest.raises(CommandError) as caught:
        create(*args)
    return caught.value


def test_it_prints_a_token_and_a_join_link_for_every_seat() -> None:
    created = create_json("ai-pause", "--name", "Friday")

    assert list(created["seats"]) == ["facilitator", "observer", *AI_PAUSE_ROLES]
    for seat in created["seats"].values():
        assert seat["url"] == f"http://127.0.0.1:8000/join/{seat['token']}"
    exercise = Exercise.objects.get(public_id=created["id"])
    assert exercise.name == "Friday"
    assert exercise.status == Exercise.Status.LOBBY


def test_the_tokens_open_their_seats_and_are_stored_only_hashed() -> None:
    created = create_json("ai-pause", "--name", "Friday")

    for name, seat in created["seats"].items():
        stored = Seat.objects.get(token_hash=hash_token(seat["token"]))
        assert stored.name == name
        assert stored.exercise.public_id == created["id"]
    assert not Seat.objects.filter(token_hash__in=[s["token"] for s in created["seats"].values()])


def test_seed_deadline_and_auto_advance_are_kept() -> None:
    created = create_json(
        "ai-pause", "--name", "Timed", "--seed", "42", "--turn-seconds", "600", "--auto-advance"
    )

    exercise = Exercise.objects.get(public_id=created["id"])
    assert (exercise.seed, exercise.turn_seconds, exercise.auto_advance) == ("42", 600, True)


def test_bots_play_the_roles_named_with_the_scenarios_first_policy_by_default() -> None:
    created = create_json("ai-pause", "--name", "Bots", "--bots", "china,un")

    bots = Seat.objects.filter(exercise__public_id=created["id"]).exclude(bot_policy="")
    assert {(s.role, s.bot_policy) for s in bots} == {("china", "no-pause"), ("un", "no-pause")}


def test_players_names_the_people_and_bots_play_every_other_role() -> None:
    created = create_json(
        "ai-pause",
        "--name",
        "Demo",
        "--players",
        "anthropic,openai",
        "--bot-policy",
        "evidence-first",
    )

    bots = Seat.objects.filter(exercise__public_id=created["id"]).exclude(bot_policy="")
    assert sorted(s.role for s in bots) == sorted(set(AI_PAUSE_ROLES) - {"anthropic", "openai"})
    assert {s.bot_policy for s in bots} == {"evidence-first"}


def test_the_links_start_with_the_base_url_given() -> None:
    created = create_json("ai-pause", "--name", "Remote", "--base-url", "https://war.example/")

    assert (
        created["seats"]["un"]["url"]
        == f"https://war.example/join/{created['seats']['un']['token']}"
    )


def test_without_json_it_lists_the_seats_for_a_person() -> None:
    text = create("ai-pause", "--name", "Readable", "--bots", "un")

    exercise = Exercise.objects.get(name="Readable")
    assert f"exercise {exercise.public_id}" in text
    assert "shown only now" in text
    lines = {line.split()[0]: line for line in text.splitlines()[3:]}
    assert list(lines) == ["facilitator", "observer", *AI_PAUSE_ROLES]
    assert lines["un"].endswith("(bot: no-pause)")
    assert "/join/" in lines["facilitator"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nowhere", "--name", "x"], "'nowhere' is neither a file nor a bundled scenario"),
        (["ai-pause", "--name", "x", "--bots", "nasa"], "ai-pause has no role 'nasa'"),
        (["ai-pause", "--name", "x", "--bots", "un", "--bot-policy", "dice"], "no policy 'dice'"),
        (["ai-pause", "--name", "  "], "an exercise needs a name"),
        (["ai-pause", "--name", "x", "--turn-seconds", "0"], "turn_seconds must be at least 1"),
    ],
)
def test_a_mistake_exits_with_status_2_and_says_what_is_wrong(
    args: list[str], message: str
) -> None:
    error = refused(*args)

    assert error.returncode == 2
    assert message in str(error)
    assert not Exercise.objects.exists()


def test_with_people_playing_turns_close_by_hand_and_are_reviewed_by_default() -> None:
    created = create_json("ai-pause", "--name", "People", "--players", "anthropic")

    exercise = Exercise.objects.get(public_id=created["id"])
    assert (exercise.close_when, exercise.review) == ("deadline", True)


def test_with_bots_only_turns_close_once_everyone_is_in_unreviewed_by_default() -> None:
    created = create_json("ai-pause", "--name", "Bots", "--bots", ",".join(AI_PAUSE_ROLES))

    exercise = Exercise.objects.get(public_id=created["id"])
    assert (exercise.close_when, exercise.review) == ("everyone_in", False)


def test_the_close_and_review_options_override_the_defaults() -> None:
    created = create_json("ai-pause", "--name", "Set", "--close-when", "everyone_in", "--no-review")

    exercise = Exercise.objects.get(public_id=created["id"])
    assert (exercise.close_when, exercise.review) == ("everyone_in", False)
