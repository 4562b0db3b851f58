"""Choices and lists of roles in exports (hospital-ransomware): set by the facilitator over the
API, then exported as JSON, CSV and the report, to each seat as it may see them."""

from __future__ import annotations

import csv
import io
import json

import pytest

from exercises.services import commands, creation, seats
from tests.export.conftest import Api, Game, control


@pytest.fixture
def hospital(transactional_db: None) -> Game:
    created = creation.create_exercise(creation.bundled("hospital-ransomware"), "Typed", seed="x")
    commands.start(seats.seat_by_token(created.tokens["facilitator"]))
    return Game(created.exercise.public_id, created.tokens)


def advised_and_attributed(api: Api, game: Game) -> None:
    control(api, game, "set_state", variable="attributed_to", value="black_lantern", reason="r")
    advised = ["agency", "counsel", "agency"]
    control(api, game, "set_state", variable="advised_against_paying", value=advised, reason="r")
    control(api, game, "close_turn")


def csv_values(api: Api, game: Game, seat: str) -> dict[tuple[str, str], str]:
    text = api.get(game.url("/export?format=csv"), game.tokens[seat]).content.decode()
    return {(row[0], row[1]): row[2] for row in list(csv.reader(io.StringIO(text)))[1:]}


def test_a_choice_and_a_list_of_roles_are_exported_as_values_and_csv_cells(
    api: Api, hospital: Game
) -> None:
    # given
    advised_and_attributed(api, hospital)

    # when
    export = json.loads(api.get(hospital.url("/export"), hospital.tokens["facilitator"]).content)
    cells = csv_values(api, hospital, "facilitator")

    # then: the list once each, in the scenario's order of roles (counsel before agency)
    [turn] = [t for t in export["turns"] if t["state_after"]]
    assert turn["state_after"]["values"]["attributed_to"] == "black_lantern"
    assert turn["state_after"]["values"]["advised_against_paying"] == ["counsel", "agency"]
    assert cells[("0", "advised_against_paying")] == ""
    assert cells[("1", "advised_against_paying")] == "counsel;agency"
    assert cells[("1", "attributed_to")] == "black_lantern"


def test_a_list_only_the_chief_executive_sees_is_in_no_other_seat_s_export(
    api: Api, hospital: Game
) -> None:
    advised_and_attributed(api, hospital)

    ceo, comms = csv_values(api, hospital, "ceo"), csv_values(api, hospital, "comms")
    report = api.get(hospital.url("/export?format=html"), hospital.tokens["comms"]).content

    assert ceo[("1", "advised_against_paying")] == "counsel;agency"
    assert ("1", "advised_against_paying") not in comms
    assert comms[("1", "attributed_to")] == "black_lantern"
    assert b"Advised against paying" not in report


def test_the_report_shows_a_changed_choice_and_list_in_the_turn_s_changes(
    api: Api, hospital: Game
) -> None:
    advised_and_attributed(api, hospital)

    report = api.get(hospital.url("/export?format=html"), hospital.tokens["ceo"]).content.decode()

    assert "Advised against paying" in report
    assert "General Counsel, National Cyber Agency" in report  # names, as everywhere
    assert "black_lantern" in report


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("attributed_to", "gru", "attributed_to is one of nobody, black_lantern, a_state_actor"),
        ("advised_against_paying", ["agency", "press"], "'press' is none"),
        ("advised_against_paying", "agency", "advised_against_paying is a list of role ids"),
        ("restored", "50", "restored is a number"),
    ],
)
def test_a_value_set_by_hand_that_does_not_fit_is_refused_with_the_reason(
    api: Api, hospital: Game, variable: str, value: object, message: str
) -> None:
    body = {"command": "set_state", "variable": variable, "value": value, "reason": "r"}

    response = api.call("POST", hospital.url("/control"), hospital.tokens["facilitator"], body)

    assert response.status_code == 400, response.content
    assert message in json.loads(response.content)["error"]["message"]
