"""The rules engine: pure Python, no Django, Celery or Channels (a test keeps it so).

Load a scenario, take its initial state, open a turn, check and adjudicate moves, let bots
choose moves, simulate whole exercises. Same inputs and seed, same output, always.
"""

from .adjudication import Rejected, adjudicate, check_move, open_turn
from .bots import UnknownPolicy, choose_moves
from .dice import Draw
from .expressions import Expression, ExpressionError, compile_expression
from .loader import (
    LoadError,
    ScenarioLoadError,
    load_bundled_scenarios,
    load_scenario,
    load_scenario_text,
    validate_scenario_file,
)
from .moves import (
    EngineEvent,
    Move,
    MoveResult,
    Opening,
    Outcome,
    Ruling,
    RulingBranch,
    StateChange,
)
from .params import ParamError, check_params, params_schema
from .scenario import FREE_FORM, Scenario, Variable
from .simulation import play_exercise, simulate
from .state import (
    FACILITATOR,
    OBSERVER,
    State,
    can_see,
    initial_state,
    visible_commitments,
    visible_values,
)

__all__ = [
    "FACILITATOR",
    "FREE_FORM",
    "OBSERVER",
    "Draw",
    "EngineEvent",
    "Expression",
    "ExpressionError",
    "LoadError",
    "Move",
    "MoveResult",
    "Opening",
    "Outcome",
    "ParamError",
    "Rejected",
    "Ruling",
    "RulingBranch",
    "Scenario",
    "ScenarioLoadError",
    "State",
    "StateChange",
    "UnknownPolicy",
    "Variable",
    "adjudicate",
    "can_see",
    "check_move",
    "check_params",
    "choose_moves",
    "compile_expression",
    "initial_state",
    "load_bundled_scenarios",
    "load_scenario",
    "load_scenario_text",
    "open_turn",
    "params_schema",
    "play_exercise",
    "simulate",
    "validate_scenario_file",
    "visible_commitments",
    "visible_values",
]
