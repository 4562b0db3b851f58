"""A scenario's rules phase as one generated Python function, for batch runs.

The general path (rules_phase._Phase.step) costs a call or more per rule and role, some 60 a
turn: binding `role`, calling the condition's code, looking up the branch's code, making a
`StateChange` per effect and applying them. Here every rule, for each role it runs for, is
written out in order: its condition's code inlined with the role as a literal, its chance
folded, its branches' values computed, checked as `_assigned` and `_increment` do, and put
straight into the new values (`run_rules` finishes them as `apply_changes` does).

A rule answers here only when nothing is out of the ordinary; otherwise it is handed to the
general path before it has made anything: a condition that raises or gives something other
than true or false, a chance that is an expression, `if` blocks, `later`, a param target, a
value of the wrong type, `once` or `cooldown`. Draws are deterministic, so a rule handed
over after its roll rolls the same number again.
"""

from __future__ import annotations

from typing import Any

from .code_writer import CodeWriter, Slow
from .dice import roll
from .effects import fixed_plan, target_name
from .expressions import Expression, _me_as_role
from .scenario import EVERYONE, TEXTUAL, Scenario
from .schema import Branch

_ARGS = "N, W, T, S, P, F, D, RV, seed, turn"
_MOST = 1000  # rules times the roles they run for; ai-pause has 63


def compile_rules(scenario: Scenario, plan: list[Any]) -> Any:
    """The function of (names, new values, increments, touched, put, general, draws,
    reveals, seed, turn), or None if it could not be made (the general path serves)."""
    if sum(len(per_role) for _, per_role, _, _, _ in plan) > _MOST:
        return None  # one function that long would take longer to compile than to save
    writer = _Rules(scenario)
    try:
        source = writer.source(plan)
        # Generated from the scenario's parsed expressions and plan: literals and names only.
        exec(compile(source, "<rules>", "exec"), writer.namespace)
    except Exception:  # too deep or too large for Python (SyntaxError): the general path
        return None
    return writer.namespace["rules"]


class _Rules(CodeWriter):
    def __init__(self, scenario: Scenario) -> None:
        super().__init__(scenario, "fail()", {"roll": roll})
        self.roles = {role: f"M{index}" for index, role in enumerate(scenario.role_ids)}

    def source(self, plan: list[Any]) -> str:
        self.out(0, f"def rules({_ARGS}):")
        self.out(1, "R = N['roles']")
        self.out(1, "Tg = T.get")
        for role, local in self.roles.items():
            self.out(1, f"{local} = R[{role!r}]")
        for index, (rule, per_role, when, chance, _) in enumerate(plan):
            for place, (role, _, _, draw_key) in enumerate(per_role):
                self.rule(index, place, rule, role, when, chance, draw_key)
        self.out(1, "return None")
        return "\n".join(self.lines) + "\n"

    def rule(
        self,
        index: int,
        place: int,
        rule: Any,
        role: str | None,
        when: Expression | None,
        chance: float | None,
        draw_key: str,
    ) -> None:
        general = f"F({index}, {place})"
        if rule.once or rule.cooldown or when is None:
            self.out(1, general)
            return
        if when.constant is not True and when.compiled is None:
            self.out(1, general)
            return
        if role is not None:
            self.out(1, f"N['role'] = {role!r}")
        self.out(1, "try:")
        if when.constant is True:
            self.out(2, "h = True")
        else:
            try:
                lines, result = self.inline(when.source, self.aliases(when.source, role))
            except Exception:  # Unsupported, or anything the compiler did not foresee
                self.lines.pop()
                self.out(1, general)
                return
            self.lines += ["    " + line for line in lines]
            self.out(2, f"h = {result}")
        self.out(2, "if h is True:")
        outcomes: list[tuple[bool, Branch]] = []
        if chance is None:
            self.out(3, "fail()")  # an expression: worked out on the general path
        elif 0 < chance < 1:
            key, label = self.constant(draw_key), self.constant(rule.id)
            self.out(3, f"d = roll(seed, turn, {key}, {chance!r}, role={role!r}, ")
            self.out(4, f"subject={label}, label={label})")
            self.out(3, "s = d.success")
            outcomes = [(True, rule.then), (False, rule.otherwise)]
        else:
            outcomes = [(chance >= 1, rule.then if chance >= 1 else rule.otherwise)]
        commits = []
        for success, branch in outcomes:
            if len(outcomes) > 1:
                self.out(3, "if s:" if success else "else:")
            level = 4 if len(outcomes) > 1 else 3
            try:
                commits.append(self.values(branch, role, level))
            except Slow:
                commits.append([])
                self.out(level, "fail()")
        self.out(2, "elif h is not False:")
        self.out(3, "fail()")
        self.out(1, "except Exception:")
        self.out(2, "h = None")
        self.out(1, "if h is True:")
        if chance is not None and 0 < chance < 1:
            self.out(2, "D.append(d)")
        for (success, _), commit in zip(outcomes, commits, strict=True):
            if len(outcomes) > 1:
                self.out(2, "if s:" if success else "else:")
            level = 3 if len(outcomes) > 1 else 2
            for line in commit or ["pass"]:
                self.out(level, line)
        if not outcomes:
            self.out(2, "pass")
        self.out(1, "elif h is None:")
        self.out(2, general)

    def aliases(self, source: str, role: str | None) -> dict[str, str]:
        """The role a literal, and `me` the role's local, wherever the rule runs for one."""
        aliases = {}
        if role is not None:
            aliases["role"] = repr(role)
            if _me_as_role(source) != source:
                aliases["me"] = self.roles[role]
        elif _me_as_role(source) != source:
            aliases["me"] = "N['roles'][N['role']]"
        return aliases

    def values(self, branch: Branch, role: str | None, level: int) -> list[str]:
        """Writes the branch's values and checks at `level`; gives the lines that put them in."""
        if branch.if_ or branch.later:
            raise Slow
        plan = fixed_plan(self.scenario, branch, role)
        if plan is None:
            raise Slow
        commit = []
        for name, assigns, value in plan:
            source = value.source if value.__class__ is Expression else ""
            out = self.value(name, assigns, value, level, self.aliases(source, role))
            commit += self.put(name, assigns, out)
        reveals = []
        if role and branch.reveal:
            reveals += [(target_name(t, role, {}), role) for t in branch.reveal]
        if branch.publish:
            reveals += [(target_name(t, role, {}), EVERYONE) for t in branch.publish]
        if reveals:
            commit.append(f"RV += {self.constant(reveals)}")
        if not self.lines[-1].startswith("    " * level):
            self.out(level, "pass")
        return commit

    def put(self, name: str, assigns: bool, out: str) -> list[str]:
        if not assigns:
            return [f"T[{name!r}] = Tg({name!r}, 0.0) + {out}"]
        var = self.scenario.variables.get(name)
        if var is not None and var.type in TEXTUAL:
            return [f"P({name!r}, {out})"]  # a list of roles is merged at the end
        return [f"W[{name!r}] = {out}", f"S[{name!r}] = None"]
