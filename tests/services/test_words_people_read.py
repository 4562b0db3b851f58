"""What a refusal tells a person names roles as people call them, never by their ids."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from exercises.services import commands, moves
from exercises.services.errors import Forbidden
from tests.services.conftest import Cast


def test_a_move_for_a_role_a_bot_plays_is_refused_with_the_roles_name(
    create: Callable[..., Cast],
) -> None:
    cast = create(bots={"openai": "no-pause"})
    commands.start(cast.facilitator)

    with pytest.raises(Forbidden) as refused:
        moves.submit_move(cast.openai, "continue_scaling", {}, "", "")

    assert refused.value.message == "OpenAI (CEO) is played by a bot"
