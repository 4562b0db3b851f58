"""The difference test: a secret move leaves no trace in any other seat's views.

Each bundled scenario is played twice through the HTTP API and the pages, from one seed and
with the same moves, once with its actor's secret act and once without, through a turn's
adjudication to the exercise's end. Then every other seat's (every other role's and the
observer's) snapshot, events, `now.json` and `page.json`, live page, replay page, JSON and CSV
export and report must be the same, byte for byte, once ids, tokens, times and seq ranks are
normalised (tests/secrets/difference.py). The actor and the facilitator see the act.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pytest
from django.test import Client

from exercises.models import Exercise, Move
from exercises.services import creation
from tests.secrets.difference import Normaliser, first_difference

pytestmark = pytest.mark.usefixtures("committing")  # adjudication runs after each commit


@dataclass(frozen=True)
class Case:
    scenario: str
    actor: str
    secret: str  # the actor's secret action
    moves: tuple[tuple[str, str], ...]  # (role, action) everyone makes, in order


AI_PAUSE = Case(
    "ai-pause",
    "anthropic",
    "press_pause_button",
    (
        ("openai", "run_safety_evals"),
        ("anthropic", "run_safety_evals"),
        ("gdm", "run_safety_evals"),
    ),
)
# A role whose press is its only move: its `role.outcome` exists only when it pressed.
PRESS_ONLY = Case("ai-pause", "meta", "press_pause_button", AI_PAUSE.moves)
# A lab overstating its evidence to the evaluators (case book AP.9.21): what shows later is the
# review it misleads, never the act.
OVERSTATE = Case("ai-pause", "anthropic", "overstate_evidence", AI_PAUSE.moves)
LAB_CRISIS = Case(
    "lab-crisis",
    "safety_lead",
    "signal_whistleblow",
    (("ceo", "steering_vectors"), ("safety_lead", "honeypot_evals"), ("board", "back_ceo")),
)


@dataclass
class Play:
    case: Case
    with_secret: bool
    public_id: str = ""
    tokens: dict[str, str] = field(default_factory=dict)
    client: Client = field(default_factory=Client)

    def call(self, method: str, path: str, seat: str, body: object = None) -> str:
        response = self.client.generic(
            method,
            f"/api/v1/exercises/{self.public_id}{path}",
            json.dumps(body) if body is not None else "",
            "application/json",
            HTTP_AUTHORIZATION=f"Bearer {self.tokens[seat]}",
        )
        assert response.status_code in (200, 201), (path, seat, response.content)
        return response.content.decode()

    def control(self, command: str) -> None:
        self.call("POST", "/control", "facilitator", {"command": command})

    def move(self, role: str, action: str) -> None:
        self.call("POST", "/moves", role, {"action": action, "idempotency_key": action})


def play_until(case: Case, with_secret: bool, stop: str) -> Play:
    """The case played from one seed: the moves, the actor's secret act among them (or not),
    then every role in, the turn adjudicated, and the exercise finished; stopping at `stop`
    ("moves", "adjudicated" or "finished")."""
    made = creation.create_exercise(creation.bundled(case.scenario), "Difference", seed="same")
    play = Play(case, with_secret, made.exercise.public_id, made.tokens)
    play.control("start")
    for index, (role, action) in enumerate(case.moves):
        play.move(role, action)
        if with_secret and index == 1:  # between the others' moves
            play.move(case.actor, case.secret)
    if stop == "moves":
        return play
    roles = [name for name in made.tokens if name not in ("facilitator", "observer")]
    for role in roles:
        play.call("POST", "/ready", role)
    assert Exercise.objects.get(public_id=play.public_id).turns.get().phase == "resolved"
    if stop == "finished":
        play.control("finish")
    return play


def views_of(play: Play, seat: str, pages: bool) -> dict[str, str]:
    """Everything `seat` can read, normalised; for `room`, the room view the facilitator puts
    on the wall."""
    if seat == "room":
        return room_views(play)
    events = play.call("GET", "/events?since=0", seat)
    seqs = [e["seq"] for e in json.loads(events)["events"]]
    ids = [play.public_id, *play.tokens.values()]
    ids += Move.objects.filter(exercise__public_id=play.public_id).values_list(
        "public_id", flat=True
    )
    normal = Normaliser(ids, seqs)
    views = {"events": events, "snapshot": play.call("GET", "", seat)}
    browser = Client()
    browser.get(f"/join/{play.tokens[seat]}")
    page = "watch" if seat == "observer" else "play"
    for name in (f"{page}/", "now.json", "page.json"):
        response = browser.get(f"/exercises/{play.public_id}/{name}")
        assert response.status_code == 200, (name, seat)
        views[name] = response.content.decode()
    if pages:
        views["replay"] = browser.get(f"/exercises/{play.public_id}/replay/").content.decode()
        for format in ("json", "csv", "html"):
            views[format] = play.call("GET", f"/export?format={format}", seat)
    return {name: normal(text) for name, text in views.items()}


def room_views(play: Play) -> dict[str, str]:
    browser = Client()
    browser.get(f"/join/{play.tokens['facilitator']}")
    room = f"/exercises/{play.public_id}/room"
    events = browser.get(f"{room}/api/events?since=0").content.decode()
    seqs = [e["seq"] for e in json.loads(events)["events"]]
    ids = [play.public_id, *play.tokens.values()]
    normal = Normaliser(ids, seqs)
    views = {"events": events}
    for name in ("/", "/now.json"):
        response = browser.get(f"{room}{name}")
        assert response.status_code == 200, name
        views[name] = response.content.decode()
    return {name: normal(text) for name, text in views.items()}


def others(case: Case, play: Play) -> list[str]:
    return [s for s in [*play.tokens, "room"] if s not in (case.actor, "facilitator")]


def assert_same_for_others(case: Case, stop: str, pages: bool) -> None:
    pressed = play_until(case, True, stop)
    seen_pressed = {s: views_of(pressed, s, pages) for s in [*others(case, pressed), case.actor]}
    quiet = play_until(case, False, stop)
    seen_quiet = {s: views_of(quiet, s, pages) for s in [*others(case, quiet), case.actor]}
    for seat in others(case, pressed):
        for name, text in seen_pressed[seat].items():
            other = seen_quiet[seat][name]
            assert text == other, f"{seat}'s {name} differs\n{first_difference(text, other)}"
    # The comparison can fail: the actor's own views differ, as it sees its act.
    assert seen_pressed[case.actor]["events"] != seen_quiet[case.actor]["events"]
    assert case.secret in seen_pressed[case.actor]["snapshot" if stop == "moves" else "events"]


@pytest.mark.parametrize(
    "case", [AI_PAUSE, OVERSTATE, LAB_CRISIS], ids=lambda c: f"{c.scenario}-{c.secret}"
)
def test_a_secret_move_leaves_no_trace_for_other_seats_while_the_turn_is_open(case: Case) -> None:
    assert_same_for_others(case, "moves", pages=False)


@pytest.mark.parametrize(
    "case",
    [AI_PAUSE, PRESS_ONLY, OVERSTATE, LAB_CRISIS],
    ids=lambda c: f"{c.scenario}-{c.actor}-{c.secret}",
)
def test_a_secret_move_leaves_no_trace_for_other_seats_after_adjudication(case: Case) -> None:
    assert_same_for_others(case, "adjudicated", pages=True)


@pytest.mark.parametrize(
    "case", [AI_PAUSE, OVERSTATE, LAB_CRISIS], ids=lambda c: f"{c.scenario}-{c.secret}"
)
def test_a_secret_move_leaves_no_trace_in_other_seats_exports_replays_and_reports(
    case: Case,
) -> None:
    assert_same_for_others(case, "finished", pages=True)
