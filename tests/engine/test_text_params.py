"""A text parameter holds text the `cel` library can take: compiled code and the library would
otherwise disagree on every expression of the move."""

from __future__ import annotations

import pytest

from exercises.engine import ParamError, check_params, load_scenario_text
from tests.engine.test_loader import BASE

NOTE = """\
  - id: note
    label: Leave a note
    roles: [lab]
    params:
      words: {type: text}
    success: {text: "Noted."}
"""


def test_a_text_parameter_with_a_lone_surrogate_is_refused_with_a_reason() -> None:
    scenario = load_scenario_text(BASE.replace("endings:\n", NOTE + "endings:\n"), "s.yaml")
    action = scenario.action("note")
    assert action is not None

    assert check_params(scenario, action, "a", {"words": "héllo 😀"}) == {"words": "héllo 😀"}
    with pytest.raises(ParamError, match="words is not valid text"):
        check_params(scenario, action, "a", {"words": "half \ud800 a pair"})
