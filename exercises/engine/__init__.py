"""The rules engine: pure Python, no Django, Celery or Channels (a test keeps it so).

Load a scenario, take its initial state, open a turn, fire an inject, check and adjudicate
moves, let bots choose moves, simulate whole exercises, replay an export (`replay`). Every
event carries an `Audience`, the vocabulary the server's log stores. Same inputs and seed, same
output, always.
"""

from .adjudication import adjudicate
from .admission import check_move
from .audience import Audience
from .bots import UnknownPolicy, choose_moves
from .dice import Draw
from .expressions import Expression, ExpressionError, compile_expression
from .inject_text import EDITABLE as INJECT_EDITABLE
from .inject_text import edit_inject, effective
from .loader import (
    LoadError,
    ScenarioLoadError,
    load_bundled_scenarios,
    load_scenario,
    load_scenario_text,
    validate_scenario_file,
)
from .moves import (
    EVENT_TYPES,
    EngineEvent,
    Move,
    MoveResult,
    Opening,
    Outcome,
    Rejected,
    Ruling,
    RulingBranch,
    StateChange,
)
from .opening import fire_inject, fire_timed, open_turn, schedule_inject, skip_inject
from .params import ParamError, check_params, params_schema
from .records import (
    check_ruling_audience,
    check_ruling_changes,
    move_from_record,
    ruling_from_record,
)
from .review import Edit, Line, Override, Review
from .scenario import ANSWER_OFFER, FREE_FORM, Scenario, Variable
from .simulation import play_exercise, simulate
from .state import (
    FACILITATOR,
    OBSERVER,
    State,
    can_see,
    initial_state,
    visible_commitments,
    visible_objectives,
    visible_role_endings,
    visible_values,
)

__all__ = [
    "ANSWER_OFFER",
    "EVENT_TYPES",
    "FACILITATOR",
    "FREE_FORM",
    "INJECT_EDITABLE",
    "OBSERVER",
    "Audience",
    "Draw",
    "Edit",
    "EngineEvent",
    "Expression",
    "ExpressionError",
    "Line",
    "LoadError",
    "Move",
    "MoveResult",
    "Opening",
    "Outcome",
    "Override",
    "ParamError",
    "Rejected",
    "Review",
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
    "check_ruling_audience",
    "check_ruling_changes",
    "choose_moves",
    "compile_expression",
    "edit_inject",
    "effective",
    "fire_inject",
    "fire_timed",
    "initial_state",
    "load_bundled_scenarios",
    "load_scenario",
    "load_scenario_text",
    "move_from_record",
    "open_turn",
    "params_schema",
    "play_exercise",
    "ruling_from_record",
    "schedule_inject",
    "simulate",
    "skip_inject",
    "validate_scenario_file",
    "visible_commitments",
    "visible_objectives",
    "visible_role_endings",
    "visible_values",
]
