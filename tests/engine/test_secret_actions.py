"""Secret actions and `reveal` in the loader: what may be secret, and what an actor learns."""

from __future__ import annotations

from pathlib import Path

import pytest

from exercises.engine import load_bundled_scenarios
from exercises.engine.loader import ScenarioLoadError, load_scenario_text

MINI = (Path(__file__).parent.parent / "fixtures" / "mini.yaml").read_text()
BUTTON = """  - id: button
    label: Press the button
    roles: [lab]
    free: true
"""


def errors_of(text: str) -> list[str]:
    with pytest.raises(ScenarioLoadError) as caught:
        load_scenario_text(text)
    return [f"{e.where}: {e.message}" for e in caught.value.errors]


def test_the_bundled_covert_acts_are_secret() -> None:
    scenarios = load_bundled_scenarios()
    assert scenarios["ai-pause"].is_secret("press_pause_button")
    assert scenarios["lab-crisis"].is_secret("signal_whistleblow")
    assert scenarios["lab-crisis"].is_secret("signal_whistleblow_board")
    assert not scenarios["ai-pause"].is_secret("run_safety_evals")


def test_a_secret_action_must_be_free() -> None:
    text = MINI.replace(BUTTON, BUTTON.replace("    free: true\n", "    secret: true\n"))

    assert errors_of(text) == ["actions[6].secret: a secret action must be free (free: true)"]


def test_a_secret_action_announces_nothing() -> None:
    secret = BUTTON + "    secret: true\n"
    text = MINI.replace(BUTTON, secret).replace(
        '    success: {text: "Signal sent."}',
        '    success: {text: "Signal sent.", public: "{role} pressed.", publish: [me.paused]}',
    )

    assert errors_of(text) == [
        "actions[6].success.public: a secret action has no public text",
        "actions[6].success.publish: a secret action publishes nothing",
    ]


def test_what_an_actor_learns_comes_from_its_action_or_the_scenario() -> None:
    text = MINI.replace("moves_per_turn: 2\n", "moves_per_turn: 2\nreveal: outcome\n")
    text = text.replace("    label: Scale up\n", "    label: Scale up\n    reveal: text\n")

    scenario = load_scenario_text(text)

    assert scenario.reveal("scale") == "text"
    assert scenario.reveal("pause") == "outcome"
    assert scenario.reveal("free_form") == "roll"  # told the ruling already
    assert load_scenario_text(MINI).reveal("scale") == "roll"


def test_an_unknown_reveal_is_a_load_error() -> None:
    text = MINI.replace("    label: Scale up\n", "    label: Scale up\n    reveal: dice\n")

    [error] = errors_of(text)
    assert error.startswith("actions[0].reveal:")
