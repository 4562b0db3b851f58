"""`export_exercise`, `verify_exercise` and `import_exercise` on an exercise played over the API.

The exercise (tests/export/conftest.py) has two resolved turns with scripted and free-form
moves, a ruling by chance, private messages, a variable set by the facilitator mid-turn,
notes and a debrief, and a third turn open.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from exercises.models import Exercise
from exercises.services.export import FORMAT_VERSION
from tests.fresh_interpreter import ROOT

if TYPE_CHECKING:
    from tests.export.conftest import Api, Game

ROLES = ["anthropic", "openai", "gdm", "meta", "ukaisi", "congress", "china", "un"]
SEATS = ["facilitator", "observer", *ROLES]


def export(game_id: str, *options: str) -> str:
    out = StringIO()
    call_command("export_exercise", game_id, *options, stdout=out)
    return out.getvalue()


def run(command: str, *args: str) -> tuple[int, str]:
    """The command's exit status and what it said."""
    out, err = StringIO(), StringIO()
    try:
        call_command(command, *args, stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code or 0), out.getvalue() + err.getvalue()
    except CommandError as exc:
        return exc.returncode, str(exc)
    return 0, out.getvalue()


def write(tmp_path: Path, data: Any) -> str:
    path = tmp_path / "export.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


@pytest.fixture
def played(game: Game, play: Callable[[], list[str]]) -> str:
    """The facilitator's export of the played exercise, as `export_exercise` prints it."""
    play()
    return export(game.id)


def test_the_facilitators_export_verifies(played: str, tmp_path: Path) -> None:
    status, said = run("verify_exercise", write(tmp_path, played))

    assert status == 0, said
    assert "2 turns re-adjudicated" in said


def test_the_facilitators_export_replays_on_the_engine_alone_without_django_settings(
    played: str, tmp_path: Path
) -> None:
    # given the export in a file, and a Python with no Django settings
    path = write(tmp_path, played)
    script = (
        "import json, sys\n"
        "from exercises.engine.replay import verify_export\n"
        f"checked, differences = verify_export(json.load(open({path!r})))\n"
        "django = sorted(m for m in sys.modules if m.split('.')[0] == 'django')\n"
        "print(json.dumps([checked, len(differences), django]))\n"
    )

    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}

    # when
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True
    )

    # then
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [2, 0, []]


def test_the_engine_replays_the_export_format_the_server_writes(played: str) -> None:
    assert json.loads(played)["format_version"] == FORMAT_VERSION


def test_a_changed_state_fails_verification_naming_the_turn_and_variable(
    played: str, tmp_path: Path
) -> None:
    # given
    data = json.loads(played)
    data["turns"][1]["state_after"]["values"]["frontier_capability"] += 1

    # when
    status, said = run("verify_exercise", write(tmp_path, data))

    # then
    assert status == 1
    assert "turn 2: frontier_capability: recorded" in said


def test_a_changed_opening_state_fails_verification(played: str, tmp_path: Path) -> None:
    # given
    data = json.loads(played)
    data["turns"][1]["state_before"]["values"]["public_concern"] += 5

    # when
    status, said = run("verify_exercise", write(tmp_path, data))

    # then
    assert status == 1
    assert "turn 2: public_concern at the opening: recorded" in said


def test_a_changed_move_fails_verification(played: str, tmp_path: Path) -> None:
    # given
    data = json.loads(played)
    scaling = next(m for m in data["turns"][0]["moves"] if m["role"] == "anthropic")
    scaling["action"] = "run_safety_evals"

    # when
    status, said = run("verify_exercise", write(tmp_path, data))

    # then
    assert status == 1
    assert "turn 1: " in said and "anthropic's move" in said


def test_a_seats_export_cannot_be_verified(game: Game, played: str, tmp_path: Path) -> None:
    status, said = run("verify_exercise", write(tmp_path, export(game.id, "--seat", "openai")))

    assert status == 2
    assert "openai's export" in said


def test_a_file_that_is_not_an_export_cannot_be_verified(tmp_path: Path) -> None:
    for text in ("not json", "[1, 2]", '{"format_version": 99}'):
        status, _ = run("verify_exercise", write(tmp_path, text))
        assert status == 2, text
    assert run("verify_exercise", str(tmp_path / "missing.json"))[0] == 2


def test_export_import_export_is_byte_identical(game: Game, played: str, tmp_path: Path) -> None:
    # given
    path = write(tmp_path, played)
    Exercise.objects.filter(public_id=game.id).delete()

    # when
    status, said = run("import_exercise", path, "--json")

    # then
    assert status == 0, said
    assert json.loads(said)["id"] == game.id
    assert export(game.id) == played
    for seat in ("observer", "openai"):
        assert export(game.id, "--seat", seat)


def test_an_imported_exercise_opens_with_the_new_links_only(
    api: Api, game: Game, played: str, tmp_path: Path
) -> None:
    # given
    Exercise.objects.filter(public_id=game.id).delete()

    # when
    links = json.loads(run("import_exercise", write(tmp_path, played), "--json")[1])["seats"]

    # then
    assert set(links) == set(SEATS)
    view = api.get(game.url(), links["openai"]["token"])
    assert view.status_code == 200
    assert json.loads(view.content)["turn"] == {
        "number": 3,
        "of": 12,
        "phase": "open",
        "deadline": None,
    }
    assert api.get(game.url(), game.tokens["openai"]).status_code == 401


def test_an_exercise_whose_id_is_taken_is_imported_under_new_ids_only_when_asked(
    game: Game, played: str, tmp_path: Path
) -> None:
    # given
    path = write(tmp_path, played)

    # when
    refused = run("import_exercise", path)
    status, said = run("import_exercise", path, "--new-ids", "--json")

    # then
    assert refused[0] == 2 and "exists already" in refused[1]
    assert status == 0, said
    copy = json.loads(said)["id"]
    assert copy != game.id
    again = export(copy)
    assert (
        json.loads(again)["turns"][1]["state_after"]
        == json.loads(played)["turns"][1]["state_after"]
    )
    assert run("verify_exercise", write(tmp_path, again))[0] == 0


def test_a_seats_export_cannot_be_imported(game: Game, played: str, tmp_path: Path) -> None:
    status, said = run("import_exercise", write(tmp_path, export(game.id, "--seat", "observer")))

    assert status == 2
    assert "only the facilitator's export can be restored" in said


def test_export_names_an_unknown_exercise_or_seat(game: Game) -> None:
    assert run("export_exercise", "nope")[0] == 2
    status, said = run("export_exercise", game.id, "--seat", "nobody")
    assert status == 2 and "its seats: facilitator, observer, anthropic" in said


def test_a_value_set_by_hand_while_a_turn_was_open_is_part_of_what_it_was_adjudicated_from(
    played: str, tmp_path: Path
) -> None:
    # given: the facilitator set openai.evidence to 2 while turn 1 was open
    data = json.loads(played)
    turn = data["turns"][0]
    assert turn["state_at_close"]["values"]["openai.evidence"] == 2
    assert turn["state_before"]["values"]["openai.evidence"] != 2
    turn["state_at_close"] = None  # re-adjudicate from the opening state instead

    # when
    status, said = run("verify_exercise", write(tmp_path, data))

    # then
    assert status == 1
    assert "turn 1: openai.evidence: recorded 17, re-adjudicated 20" in said


def test_a_forks_export_starts_after_the_turn_it_came_from_and_verifies(
    api: Api, game: Game, played: str, tmp_path: Path
) -> None:
    # given: a fork from after turn 1, started and its first turn played
    fork = api.post(
        game.url("/control"), game.tokens["facilitator"], {"command": "fork", "turn": 1}
    )
    control, token = (
        f"/api/v1/exercises/{fork['id']}/control",
        fork["seats"]["facilitator"]["token"],
    )
    api.post(control, token, {"command": "start"})
    api.post(control, token, {"command": "close_turn"})

    # when
    data = json.loads(export(fork["id"]))
    table = export(fork["id"], "--format", "csv")

    # then
    assert [t["number"] for t in data["turns"]] == [2]
    assert data["initial_state"]["turn"] == 1
    assert {line.split(",")[0] for line in table.splitlines()[1:]} == {"1", "2"}
    status, said = run("verify_exercise", write(tmp_path, data))
    assert status == 0, said
