"""A scripted move's resolution as one generated Python function, for batch runs.

`_Play._planned` costs a dozen calls a move: the chance's compiled code, the roll, the
branch's compiled code and, within both, an evaluation per value. Here a move's plan is
written out once: its chance and its branches' values computed with their expressions
inlined (the role a literal), checked as `_assigned`, `_checked` and `_increment` do, the
roll made and the changes and result built as `_planned` builds them.

The function answers None, having changed nothing, whenever anything is out of the
ordinary: a cost not priced when the move was admitted, a chance or a value that raises or
has another type, a branch with `if` blocks, `later`, reveals, a commitment or an offer, a
param target. `_planned` then resolves the move as before; draws are deterministic, so it
rolls the same number again.
"""

from __future__ import annotations

from collections.abc import Callable

from .code_writer import CodeWriter, Slow
from .dice import clamped_roll
from .effects import fixed_plan
from .expressions import Expression, _me_as_role
from .moves import _RESULT_DEFAULTS, Move, MoveResult, StateChange
from .scenario import Scenario
from .schema import ActionSpec, Branch

# (names, params, seen, seed, turn, memo, draws, move): the result, or None.
MoveCode = Callable[..., "MoveResult | None"]


def compile_move(
    scenario: Scenario,
    move: Move,
    action: ActionSpec,
    chance: float | None,
    expression: Expression | None,
    recorded: float,
    key: str,
    plain: tuple[bool, bool],
) -> MoveCode | None:
    """The move's function, or None where `_planned` serves every time."""
    writer = _Move(scenario, move.role)
    try:
        source = writer.source(move, action, chance, expression, recorded, key, plain)
        # Generated from the scenario's parsed expressions and the plan: literals and names.
        exec(compile(source, "<move>", "exec"), writer.namespace)
    except Exception:  # Slow, Unsupported, or too large for Python: the general path
        return None
    code: MoveCode = writer.namespace["move"]
    return code


class _Move(CodeWriter):
    def __init__(self, scenario: Scenario, role: str) -> None:
        names = {
            "clamped_roll": clamped_roll,
            "new": object.__new__,
            "SC": StateChange,
            "MR": MoveResult,
            "RD": _RESULT_DEFAULTS,
        }
        super().__init__(scenario, "return None", names)
        self.role = role
        self.action = ""
        self.reads_me = False  # whether any expression reads `me` (the local ME)

    def source(
        self,
        move: Move,
        action: ActionSpec,
        chance: float | None,
        expression: Expression | None,
        recorded: float,
        key: str,
        plain: tuple[bool, bool],
    ) -> str:
        role = move.role
        self.action = move.action
        self.out(0, "def move(N, params, seen, seed, turn, memo, D, mv):")
        self.out(1, f"N['role'] = {role!r}")
        self.out(1, "N['params'] = params")
        if action.cost:
            self.out(1, f"c = memo.get({self.constant(('cost', move.key))})")
            self.out(1, "if c is None:")
            self.out(2, "return None")  # priced as _planned prices it
            self.out(1, "ch = list(c)")
        else:
            self.out(1, "ch = []")
        self.out(1, "try:")
        opened = len(self.lines)  # where ME is set, once it is known to be read
        if chance is None:
            if expression is None or expression.constant is not None:
                raise Slow
            if expression.compiled is None:
                raise Slow
            lines, value = self.inline(expression.source, self.aliases(expression.source))
            self.lines += ["    " + line for line in lines]
            self.out(2, f"p = {value}")
            self.out(2, "if p.__class__ is not float:")
            self.out(3, "return None")  # _chance's answer, or its error, on the general path
            self.out(2, "p = min(1.0, max(0.0, p))")
            self.out(2, "if 0 < p < 1:")
            self.out(3, "r = round(p, 6)")
            self.roll(action, key, 3)
            self.out(2, "else:")
            self.out(3, "d = None")
            self.out(3, "s = p >= 1")
        elif 0 < chance < 1:
            self.out(2, f"p, r = {chance!r}, {recorded!r}")
            self.roll(action, key, 2)
        else:
            self.out(2, "d = None")
            self.out(2, f"s = {chance >= 1!r}")
        # A certain outcome (no roll): only its branch written, without `if s:`.
        certain = None if chance is None or 0 < chance < 1 else chance >= 1
        fixed = certain is not None
        pairs: tuple[tuple[bool, Branch], ...] = ((True, action.success), (False, action.failure))
        if fixed:
            pairs = tuple(pair for pair in pairs if pair[0] is certain)
        level = 2 if fixed else 3
        commits: list[list[tuple[str, str, str]] | None] = []
        for success, branch in pairs:
            if not fixed:
                self.out(2, "if s:" if success else "else:")
            try:
                if not plain[success]:
                    raise Slow
                commits.append(self.values(branch, level))
            except Slow:
                commits.append(None)
                self.out(level, "return None")
        if all(made is None for made in commits):
            # Every outcome it can have is handed back: the code would only cost a call
            raise Slow
        if self.reads_me:
            # The mover's map looked up once, not at every `me.x` (a KeyError: None, as the
            # first `me.x` would have given).
            self.lines.insert(opened, "        ME = N['roles'][" + repr(role) + "]")
        self.out(1, "except Exception:")
        self.out(2, "return None")
        if not fixed:
            self.out(1, "if d is not None:")
            self.out(2, "D.append(d)")
        reason = self.constant(action.id)
        level = 1 if fixed else 2
        for (success, _), made in zip(pairs, commits, strict=True):
            if not fixed:
                self.out(1, "if s:" if success else "else:")
            for name, value, delta in made or ():
                self.out(level, "c = new(SC)")
                self.out(level, "f = c.__dict__")
                self.out(level, f"f['variable'] = {name!r}")
                self.out(level, f"f['value'] = {value}")
                self.out(level, f"f['delta'] = {delta}")
                self.out(level, f"f['reason'] = {reason}")
                self.out(level, "ch.append(c)")
            self.out(level, "pass")
        # unrecorded_result written out: a dozen moves a turn.
        self.out(1, "m = new(MR)")
        self.out(1, "f = m.__dict__")
        self.out(1, "f.update(RD)")
        self.out(1, "f['move'] = mv")
        self.out(1, "f['accepted'] = True")
        self.out(1, "f['success'] = s")
        self.out(1, "f['changes'] = tuple(ch)")
        self.out(1, "f['draw'] = d")
        self.out(1, "return m")
        return "\n".join(self.lines) + "\n"

    def roll(self, action: ActionSpec, key: str, level: int) -> None:
        subject, label = self.constant(self.action), self.constant(action.label)
        self.out(level, f"d = clamped_roll(seed, turn, {self.constant(key)} + str(seen), p, r,")
        self.out(level + 1, f"{self.role!r}, {subject}, {label})")
        self.out(level, "s = d.success")

    def aliases(self, source: str) -> dict[str, str]:
        """The mover a literal, in `role` and in `me`."""
        aliases = {"role": repr(self.role)}
        if _me_as_role(source) != source:
            aliases["me"] = "ME"
            self.reads_me = True
        return aliases

    def values(self, branch: Branch, level: int) -> list[tuple[str, str, str]]:
        """Writes the branch's values and checks at `level`; gives each change's variable,
        value and delta."""
        plan = fixed_plan(self.scenario, branch, self.role)
        if plan is None:
            raise Slow
        made = []
        for name, assigns, value in plan:
            source = value.source if value.__class__ is Expression else ""
            out = self.value(name, assigns, value, level, self.aliases(source))
            made.append((name, out, "None") if assigns else (name, "None", out))
        self.out(level, "pass")
        return made
