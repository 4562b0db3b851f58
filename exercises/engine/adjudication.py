"""Adjudication: a turn's moves, the state and a seed in; the new state and its story out.

The order of play within `adjudicate`, which the scenario reference documents:
1. Moves are put in canonical order: by role, in the scenario's order, then by content.
   Submission order plays no part.
2. Each move is checked against the state at the start of the turn: who may take it, its
   params, its preconditions, the move limit and what the role can afford (`admission.py`). An
   illegal move is rejected with its reason and changes nothing.
3. Each legal move pays its cost, rolls its chance (a free-form move uses the facilitator's
   ruling) and takes its success or failure branch. Every expression reads the start-of-turn
   state, so no move sees another's effects; their changes are applied together.
4. Commitments count their signals; one that reaches its threshold is revealed to its members.
5. The scenario's rules run on the state after the moves, again all against one snapshot.
6. Endings are checked on the final state: the first whose condition holds ends the exercise.
7. In review, the facilitator's overrides, re-rolls and narrative edits (`review.Review`) are
   inputs like the moves: the same inputs give the same published turn.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from .admission import (
    Tally,
    _admit,
    _costs,
    _limited_actions,
    _owned_costs,
)
from .audience import EVERYONE as TO_EVERYONE
from .audience import FACILITATOR_ONLY, Audience
from .dice import Draw, clamped_roll, roll
from .effects import (
    apply_changes,
    branch_changes,
    due_changes,
    picked,
    render,
    scheduled,
    snapshot,
    target_name,
    told,
    widened,
)
from .expressions import Environment, ExpressionError
from .move_plans import MovePlan, move_plan
from .moves import (
    EngineEvent,
    Move,
    MoveResult,
    Outcome,
    Rejected,
    StateChange,
    unrecorded_result,
)
from .offers import lapsed_offers, offer_line, offer_made, pending_offer
from .records import check_ruling_change
from .review import NO_REVIEW, Line, Review, apply_edits, reroll_key
from .rules_phase import clamped_chance as _chance
from .rules_phase import run_rules
from .rules_phase import template_values as _template_values
from .scenario import ANSWER_OFFER, EVERYONE, FREE_FORM, Scenario
from .schema import ActionSpec, Branch
from .state import State, environment, environment_after


def adjudicate(
    scenario: Scenario,
    state: State,
    moves: Iterable[Move],
    seed: int | str,
    *,
    record: bool = True,
    review: Review = NO_REVIEW,
) -> Outcome:
    """The turn after `state`, played. With `record=False` (batch simulation), the same state,
    results and draws, without the story: no events, narrative or rendered texts. `review`:
    the facilitator's overrides, re-rolls and narrative edits of a turn in review."""
    return _adjudicate(scenario, state, moves, seed, record, review, False)


def _adjudicate(
    scenario: Scenario,
    state: State,
    moves: Iterable[Move],
    seed: int | str,
    record: bool,
    review: Review,
    chosen: bool,
) -> Outcome:
    """`adjudicate`; `chosen`: every move is one `bots.choose_moves` made for its role in this
    very state, so it was admitted there (`simulation.play_exercise`)."""
    turn = state.turn + 1
    env = environment(scenario, state, turn)
    order = scenario.cache.get("role_order")
    if order is None:
        order = {role: index for index, role in enumerate(scenario.role_ids)}
        scenario.cache["role_order"] = order
    # A role's identical moves (same action, params and text) are told apart by id, so which of
    # them gets which roll never depends on the order they arrive in.
    ordered = sorted(moves, key=lambda m: (order.get(m.role, len(order)), m.key, m.id))
    play = _Play(scenario, state, env, seed, turn, record, review)
    legal = scenario.cache.get("legal_moves") if chosen and _owned_costs(scenario) else None
    if legal is not None:
        # Admitted again, in this order and with one tally for every role, the bots' moves
        # would be admitted again: each role's count is what its bot counted within the limit,
        # and each cost only lowers the mover's own variables (_owned_costs), so its bot's
        # tally, which saw all of them, vouches for every order. Their params are those the
        # scenario gave them (_static_legality); one it forgot since is admitted as usual.
        # A move with a plan (move_plans.py) is played here, `resolve`'s steps for it written
        # out (a dozen moves a turn): its generated code, or `_planned` where the code hands
        # it back. Anything else goes through `resolve`.
        plans = play.plans
        names, memo, draws, results, changes = (
            env.names,
            env.memo,
            play.draws,
            play.results,
            play.changes,
        )
        seen_keys = play.seen_keys
        for move in ordered:
            if move.action == ANSWER_OFFER:
                play.resolve(move, dict(move.params))
                continue
            key = move.key
            verdict = legal.get(key)
            plan = plans.get(key) if plans is not None else None
            if plan and verdict.__class__ is tuple:
                seen = seen_keys.get(key, 0)
                seen_keys[key] = seen + 1
                code = plan[6]
                params = verdict[1]
                result = (
                    code(names, params, seen, seed, turn, memo, draws, move)
                    if code is not None
                    else None
                )
                if result is None:
                    try:
                        result = play._planned(move, params, seen, plan)
                    except Rejected as exc:
                        result = MoveResult(move, accepted=False, reason=str(exc))
                results.append(result)
                changes += result.changes
                continue
            play.resolve(move, verdict[1] if verdict.__class__ is tuple else None)
    else:
        for move in ordered:
            play.resolve(move)
    due = [entry for entry in state.later if entry["turn"] == turn] if state.later else []
    for entry in due:  # scheduled by an earlier turn: applied with this turn's moves
        play.changes += due_changes(entry)
    state = play.after_moves()
    state, rule_events, rule_narrative, rule_draws, rule_later = run_rules(
        scenario, state, seed, turn, record
    )
    ending = _ending(scenario, state, turn)
    state = state.evolve(
        turn=turn,
        opened=max(state.opened, turn),
        ending=ending.id if ending else None,
        achieved=_achieved(scenario, state, turn) if _objectives(scenario) else {},
        role_endings=_role_endings(scenario, state, turn) if ending else {},
    )
    if state.later or play.later or rule_later:
        state = _keep_later(scenario, state, turn, [*play.later, *rule_later])
    lapsed_lines: list[Line] = []
    if state.offers:
        waiting, lapsed_lines = lapsed_offers(scenario, state.offers, play.answered, turn)
        state = state.evolve(offers=waiting + tuple(play.offers))
    elif play.offers:
        state = state.evolve(offers=tuple(play.offers))
    events = play.events + rule_events
    lines = (_due_lines(due) if due else []) + play.narrative + rule_narrative + lapsed_lines
    if ending:
        lines.append(Line(f"{ending.title}. {ending.text}".strip()))
        events.append(
            EngineEvent(
                "exercise.ended",
                TO_EVERYONE,
                {"ending": ending.id, "title": ending.title, "text": ending.text},
            )
        )
    if review.edits:
        lines = apply_edits(lines, review.edits)
    if lines:
        events += _shared(lines)
    # Made without the frozen dataclass's __init__, as moves.unrecorded_result is: a turn.
    outcome = _new(Outcome)
    outcome.__dict__.update(
        turn=turn,
        state=state,
        results=tuple(play.results),
        narrative=tuple(line.text for line in lines if line.audience.everyone) if lines else (),
        events=tuple(events),
        draws=tuple(play.draws + rule_draws),
        ending=ending.id if ending else None,
        lines=tuple(lines),
    )
    return outcome


_new = object.__new__


def _objectives(scenario: Scenario) -> bool:
    """Whether any role has objectives (`_achieved` has something to judge)."""
    found: bool | None = scenario.cache.get("has_objectives")
    if found is None:
        found = scenario.cache["has_objectives"] = any(role.objectives for role in scenario.roles)
    return found


def _due_lines(due: Sequence[Mapping[str, Any]]) -> list[Line]:
    """What effects scheduled for this turn say: publicly, and to the role that scheduled them."""
    lines = []
    for entry in due:
        if entry.get("public"):
            lines.append(Line(entry["public"]))
        if entry.get("text") and entry.get("role"):
            lines.append(Line(entry["text"], Audience.of([entry["role"]])))
    return lines


def _keep_later(
    scenario: Scenario, state: State, turn: int, new: Sequence[dict[str, Any]]
) -> State:
    """The state with this turn's scheduled effects gone and the new ones kept; an inject a
    branch schedules is due as its turn opens (one that fired and does not repeat is not)."""
    if not state.later and not new:
        return state
    keep = tuple(entry for entry in state.later if entry["turn"] > turn)
    kept = tuple(entry for entry in new if entry["turn"] <= scenario.turns)
    scheduled = dict(state.scheduled)
    for entry in kept:
        inject = entry.get("inject")
        spec = next((i for i in scenario.spec.injects if i.id == inject), None)
        if spec is not None and (spec.repeat or spec.id not in state.fired):
            scheduled[spec.id] = entry["turn"]
    return state.evolve(later=keep + kept, scheduled=scheduled)


def _shared(lines: Sequence[Line]) -> list[EngineEvent]:
    """The lines for some roles only, each to its roles (the facilitator reads every line)."""
    return [
        EngineEvent(
            "narrative.shared",
            line.audience,
            {"text": line.text, "shared_with": line.audience.to_dict()},
        )
        for line in lines
        if line.audience.roles
    ]


class _Play:
    """The moves phase of one turn: checks, rolls and changes, against one snapshot."""

    def __init__(
        self,
        scenario: Scenario,
        state: State,
        env: Environment,
        seed: int | str,
        turn: int,
        record: bool,
        review: Review = NO_REVIEW,
    ) -> None:
        self.scenario, self.state, self.env, self.seed, self.turn = (
            scenario,
            state,
            env,
            seed,
            turn,
        )
        self.record = record
        self.review = review
        self.tally = Tally()
        self.seen_keys: dict[str, int] = {}
        self.results: list[MoveResult] = []
        self.changes: list[StateChange] = []
        self.draws: list[Draw] = []
        self.events: list[EngineEvent] = []
        self.narrative: list[Line] = []
        self.reveals: list[tuple[str, str]] = []
        self.committed: list[tuple[str, str]] = []
        self.later: list[dict[str, Any]] = []
        self.offers: list[dict[str, Any]] = []  # made this turn
        self.answered: set[str] = set()
        # Moves' plans (move_plans.py) serve the batch path, which neither records nor reviews.
        self.plans = scenario.cache.setdefault("move_plans", {}) if not record else None
        if review is not NO_REVIEW:
            self.plans = None

    def resolve(self, move: Move, admitted: dict[str, Any] | None = None) -> None:
        """Play the move; `admitted`: its params, where it is known to be admitted."""
        key = move.key
        seen = self.seen_keys.get(key, 0)
        self.seen_keys[key] = seen + 1
        try:
            if admitted is None:
                params = _admit(self.scenario, self.state, self.env, move, self.tally)
            else:
                params = admitted
            plans = self.plans
            if plans is not None:
                plan = plans.get(key)
                if plan is None:
                    plan = move_plan(self.scenario, move)
                if plan:
                    code = plan[6]  # move_compile.py; None: it hands the move back
                    result = (
                        code(
                            self.env.names,
                            params,
                            seen,
                            self.seed,
                            self.turn,
                            self.env.memo,
                            self.draws,
                            move,
                        )
                        if code is not None
                        else None
                    )
                    if result is None:
                        result = self._planned(move, params, seen, plan)
                    self.results.append(result)
                    self.changes += result.changes
                    return
            if move.action == FREE_FORM:
                result = self._free_form(move, seen)
            elif move.action == ANSWER_OFFER:
                result = self._answer(move)
            else:
                result = self._scripted(move, params, seen)
        except Rejected as exc:
            result = MoveResult(move, accepted=False, reason=str(exc))
        if self.record:
            self._record(result)
        else:  # _record's part for `simulate`, a dozen times a turn
            self.results.append(result)
            self.changes += result.changes

    def _decide(self, move: Move, rolled: bool) -> tuple[bool, bool]:
        """Whether the move succeeds, and whether that is the facilitator's override rather
        than the dice's (whose draw stays in the record either way)."""
        if self.review is NO_REVIEW:
            return rolled, False
        override = self.review.overrides.get(move.id) if move.id else None
        if override is None:
            return rolled, False
        return override.outcome == "success", True

    def _reviewed(self, result: MoveResult, overridden: bool) -> MoveResult:
        rerolls = self.review.rerolls.get(result.move.id, 0) if result.move.id else 0
        if not overridden and not rerolls:
            return result
        return replace(result, overridden=overridden, rerolls=rerolls)

    def _scripted(self, move: Move, params: dict[str, Any], seen: int) -> MoveResult:
        action = self.scenario.action(move.action)
        assert action is not None  # _admit checked it
        names = self.env.names  # env.bind_move, written out
        names["role"] = move.role
        names["params"] = params
        try:
            if action.cost:
                costs = self.env.memo.get(("cost", move.key))  # priced when admitted
                if costs is None:
                    costs = _costs(self.scenario, self.env, action, move.role, params, move.key)
                changes = list(costs)
            else:
                changes = []
            chance = action.chance
            if chance.__class__ is str:
                chance = _chance(self.scenario, chance, self.env)
            else:  # a number (most actions): _chance without its call
                chance = min(1.0, max(0.0, float(chance)))
            draw = self._roll(move, seen, chance, action.label) if 0 < chance < 1 else None
            if self.review is NO_REVIEW:  # _decide's answer without review
                success, overridden = (draw.success if draw else chance >= 1), False
            else:
                success, overridden = self._decide(move, draw.success if draw else chance >= 1)
            written = action.success if success else action.failure
            changes += branch_changes(
                self.scenario, written, self.env, move.role, params, action.id
            )
            branch = self._taken(written, move, params, action)
        except (ExpressionError, ValueError) as exc:
            raise Rejected(f"the scenario cannot resolve this move: {exc}") from exc
        self._followed(branch, move, params, action, success)
        if not self.record:
            result = unrecorded_result(move, success, tuple(changes), draw)
            return result if self.review is NO_REVIEW else self._reviewed(result, overridden)
        words = _template_values(self.scenario, move.role, params)
        for line, roles in told(self.scenario, branch, move.role, params):
            self.narrative.append(Line(render(line, words), Audience.of(roles)))
        text = render(branch.text, words)
        if branch.show:
            shown = snapshot(self.scenario, branch, self.state.values, move.role, params)
            text = f"{text} {shown}".strip()
        result = MoveResult(
            move,
            True,
            success,
            text=text,
            public=render(branch.public, words),
            changes=tuple(changes),
            draw=draw,
        )
        return self._reviewed(result, overridden)

    def _planned(self, move: Move, params: dict[str, Any], seen: int, plan: MovePlan) -> MoveResult:
        """`_scripted`'s answer for the batch path, from the move's plan: the same changes,
        draw and result (tests/engine/test_move_plans.py holds the two together)."""
        action, chance, expression, recorded, key, outcomes, _ = plan
        env = self.env
        names = env.names  # env.bind_move, written out
        names["role"] = move.role
        names["params"] = params
        try:
            if action.cost:
                costs = env.memo.get(("cost", move.key))  # priced when admitted
                if costs is None:
                    costs = _costs(self.scenario, env, action, move.role, params, move.key)
                changes = list(costs)
            else:
                changes = []
            if chance is None:
                # _chance's answer where the compiled code gives a float, as `evaluate` would
                # return it; anything else (an error, another type) goes through _chance.
                value: Any = None
                if expression is not None and expression.constant is None:
                    run = expression.compiled
                    if run is not None:
                        try:
                            value = run(names)
                        except Exception:
                            value = None
                if value.__class__ is float:
                    chance = min(1.0, max(0.0, value))
                else:
                    chance = _chance(self.scenario, action.chance, env)
                recorded = round(chance, 6)
            if 0 < chance < 1:
                draw = clamped_roll(
                    self.seed,
                    self.turn,
                    f"{key}{seen}",
                    chance,
                    recorded,
                    move.role,
                    move.action,
                    action.label,
                )
                self.draws.append(draw)
                success = draw.success
            else:
                draw = None
                success = chance >= 1
            written, code, plain = outcomes[success]
            made = code(names, action.id) if code is not None else None
            if made is None:
                made = branch_changes(self.scenario, written, env, move.role, params, action.id)
            changes += made
            if plain:
                return unrecorded_result(move, success, tuple(changes), draw)
            branch = self._taken(written, move, params, action)
        except (ExpressionError, ValueError) as exc:
            raise Rejected(f"the scenario cannot resolve this move: {exc}") from exc
        self._followed(branch, move, params, action, success)
        return unrecorded_result(move, success, tuple(changes), draw)

    def _taken(
        self, written: Branch, move: Move, params: dict[str, Any], action: ActionSpec
    ) -> Branch:
        """The branch the move takes (its `if` blocks judged), its later effects scheduled."""
        branch = picked(self.scenario, written, self.env) if written.if_ else written
        if branch.later:
            words = _template_values(self.scenario, move.role, params)
            self.later += scheduled(
                self.scenario, branch, self.env, move.role, params, self.turn, words, action.id
            )
        return branch

    def _followed(
        self, branch: Branch, move: Move, params: dict[str, Any], action: ActionSpec, success: bool
    ) -> None:
        """What a resolved move leaves for the end of the phase: reveals, its signal to a
        commitment and the offer it makes."""
        if branch.reveal or branch.publish:
            self._note_reveals(branch, move.role, params)
        if success and action.commit:
            self.committed.append((action.commit, move.role))
        if success and action.offer is not None:
            words = _template_values(self.scenario, move.role, params)
            text = render(action.offer.text, words)
            offer = offer_made(
                self.scenario, action, move, params, self.turn, len(self.offers), text
            )
            self.offers.append(offer)
            if self.record:
                self.narrative.append(offer_line(self.scenario, offer))

    def _answer(self, move: Move) -> MoveResult:
        """An answer to an offer: the offer's accepted or refused branch, in its maker's terms."""
        offer = pending_offer(self.state, move)
        action = self.scenario.action(offer["action"])
        assert action is not None and action.offer is not None  # the loader checked it
        accept = bool(move.params["accept"])
        written = action.offer.accepted if accept else action.offer.refused
        maker, params = offer["from"], offer["params"]
        self.env.bind_move(maker, params)
        reason = f"{action.id}, offer {'accepted' if accept else 'refused'}"
        try:
            changes = branch_changes(self.scenario, written, self.env, maker, params, reason)
            branch = picked(self.scenario, written, self.env)
            if branch.later:
                words = _template_values(self.scenario, maker, params)
                self.later += scheduled(
                    self.scenario, branch, self.env, maker, params, self.turn, words, reason
                )
        except (ExpressionError, ValueError) as exc:
            raise Rejected(f"the scenario cannot resolve this answer: {exc}") from exc
        self._note_reveals(branch, maker, params)
        self.answered.add(offer["id"])
        names = self.scenario.role_names
        said = "accepted" if accept else "refused"
        if self.record:
            words = _template_values(self.scenario, maker, params)
            if branch.text:
                self.narrative.append(Line(render(branch.text, words), Audience.of([maker])))
            for line, roles in told(self.scenario, branch, maker, params):
                self.narrative.append(Line(render(line, words), Audience.of(roles)))
            public = render(branch.public, words)
        else:
            public = ""
        text = f"You {said} {names.get(maker, maker)}'s offer ({action.label})."
        return MoveResult(move, True, True, text=text, public=public, changes=tuple(changes))

    def _free_form(self, move: Move, seen: int) -> MoveResult:
        ruling = move.ruling
        if ruling is None:
            raise Rejected("the facilitator has not ruled on this move")
        draw = None
        if ruling.chance is not None:
            draw = self._roll(move, seen, ruling.chance, "free-form move")
            success, overridden = self._decide(move, draw.success if draw else ruling.chance >= 1)
        else:
            success, overridden = self._decide(move, ruling.outcome == "success")
        branch = ruling.success if success else ruling.failure
        for change in branch.changes:
            check_ruling_change(self.scenario, change)
        result = MoveResult(
            move,
            True,
            success,
            text=branch.text,
            # The public narrative only when everyone shares it; otherwise its line goes to
            # the roles the facilitator chose (the mover reads it in its result).
            public=branch.public if ruling.audience.everyone else "",
            changes=branch.changes,
            draw=draw,
            shared_with=None if ruling.audience.everyone else ruling.audience,
        )
        if not ruling.audience.everyone and branch.public:
            others = Audience.of(r for r in ruling.audience.roles if r != move.role)
            if others.roles:
                self.narrative.append(Line(branch.public, others))
        return self._reviewed(result, overridden)

    def _roll(self, move: Move, seen: int, chance: float, label: str) -> Draw | None:
        """The move's roll, keyed by its content and how many identical moves of its role
        came before it this turn (`seen`), or None when its chance is certain."""
        if chance <= 0 or chance >= 1:
            return None  # certain: nothing is rolled, nothing recorded
        key = f"move:{move.key}:{seen}"
        if self.review is not NO_REVIEW and move.id:
            key = reroll_key(key, self.review.rerolls.get(move.id, 0))
        draw = roll(
            self.seed,
            self.turn,
            key,
            chance,
            role=move.role,
            subject=move.action,
            label=label,
        )
        self.draws.append(draw)
        return draw

    def _note_reveals(self, branch: Branch, role: str, params: Mapping[str, Any]) -> None:
        if not (branch.reveal or branch.publish):
            return
        self.reveals += [(target_name(t, role, params), role) for t in branch.reveal]
        self.reveals += [(target_name(t, role, params), EVERYONE) for t in branch.publish]

    def _record(self, result: MoveResult) -> None:
        self.results.append(result)
        self.changes += result.changes
        if not self.record:
            return
        if result.public:
            self.narrative.append(Line(result.public))
        kind = "move.resolved" if result.accepted else "move.rejected"
        audience = Audience.of([result.move.role])
        self.events.append(EngineEvent(kind, audience, result.to_dict()))

    def after_moves(self) -> State:
        values = apply_changes(self.scenario, self.state.values, self.changes)
        state = self.state.evolve(values=values)
        changed = [change.variable for change in self.changes] if self.changes else ()
        limited = _limited_actions(self.scenario)  # the actions whose use is remembered
        if limited:
            used = {
                f"action:{r.move.action}:{r.move.role}": self.turn
                for r in self.results
                if r.accepted and r.move.action in limited
            }
            if used:
                state = state.evolve(used={**state.used, **used})
        if self.reveals:
            seen = widened(state.seen, self.reveals)
            if seen is not state.seen:
                state = state.evolve(seen=seen)
        state = self._commit(state)
        # The rules read this state next: its environment made from the moves' own changes.
        environment_after(self.scenario, self.state, state, changed, self.turn)
        return state

    def _commit(self, state: State) -> State:
        commitments = {cid: tuple(members) for cid, members in state.commitments.items()}
        before = dict(commitments)
        met = list(state.met)
        for cid, role in self.committed:
            if role not in commitments.get(cid, ()):
                joined = {*commitments.get(cid, ()), role}
                commitments[cid] = tuple(r for r in self.scenario.role_ids if r in joined)
        for c in self.scenario.commitments:
            members = commitments.get(c.id, ())
            newly = [
                r for cid, r in self.committed if cid == c.id and r not in before.get(c.id, ())
            ]
            if len(members) >= c.threshold and (c.id not in met or newly):
                kind = "commitment.met" if c.id not in met else "commitment.joined"
                met = sorted({*met, c.id})
                self.events.append(
                    EngineEvent(
                        kind,
                        Audience.of(members),
                        {
                            "commitment": c.id,
                            "label": c.label,
                            "members": list(members),
                            "text": c.met_text,
                        },
                    )
                )
            elif newly:
                self.events.append(
                    EngineEvent(
                        "commitment.signal",
                        FACILITATOR_ONLY,
                        {"commitment": c.id, "members": list(members), "threshold": c.threshold},
                    )
                )
        if commitments == state.commitments and tuple(met) == state.met:
            # The same objects kept, so the environment made from this state's values need
            # not make its commitments again (environment_after).
            return state
        return state.evolve(commitments=commitments, met=tuple(met))


def _achieved(scenario: Scenario, state: State, turn: int) -> dict[str, tuple[str, ...]]:
    """Each role's objectives that hold in the state the turn ends in (one that fails to
    evaluate counts as not met, as an ending's condition does)."""
    if not any(role.objectives for role in scenario.roles):
        return {}
    env = environment(scenario, state, turn)
    out: dict[str, tuple[str, ...]] = {}
    for role in scenario.roles:
        env.bind(role=role.id, params={})
        held = []
        for objective in role.objectives:
            try:
                if scenario.expr(objective.when).evaluate(env) is True:
                    held.append(objective.id)
            except ExpressionError:
                continue
        if held:
            out[role.id] = tuple(held)
    return out


def _role_endings(scenario: Scenario, state: State, turn: int) -> dict[str, str]:
    """Each role's own ending, the first of its `endings` that holds as the exercise ends."""
    env = environment(scenario, state, turn)
    out: dict[str, str] = {}
    for role in scenario.roles:
        env.bind(role=role.id, params={})
        for ending in role.endings:
            try:
                if scenario.expr(ending.when).evaluate(env) is True:
                    out[role.id] = ending.id
                    break
            except ExpressionError:
                continue
    return out


def _ending(scenario: Scenario, state: State, turn: int) -> Any:
    env = environment(scenario, state, turn)
    names = env.names
    last = turn >= scenario.turns
    for ending, final, expression in _ending_plan(scenario):
        if final and not last:
            continue
        if expression is None:
            continue  # it does not compile: it never holds (its error is the loader's)
        # `evaluate`'s answer where the compiled code gives a bool, without its call: the
        # endings are asked every turn. Anything else goes through `evaluate`.
        run = expression.compiled
        if run is not None and expression.constant is None:
            try:
                held = run(names)
            except Exception:
                held = None
            if held is True:
                return ending
            if held is False:
                continue
        try:
            if expression.evaluate(env) is True:
                return ending
        except ExpressionError:
            continue
    return None


def _ending_plan(scenario: Scenario) -> list[tuple[Any, bool, Any]]:
    """Each ending, whether it waits for the last turn, and its expression (None where it
    does not compile): the scenario's alone, worked out once."""
    found: list[tuple[Any, bool, Any]] | None = scenario.cache.get("ending_plan")
    if found is None:
        found = []
        for ending in scenario.endings:
            try:
                expression = scenario.expr(ending.when)
            except ExpressionError:
                expression = None
            found.append((ending, bool(ending.final), expression))
        scenario.cache["ending_plan"] = found
    return found
