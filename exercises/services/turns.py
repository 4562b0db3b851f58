"""The turn lifecycle: open, then adjudicating, then (in review) a draft, then resolved, then
the next turn.

A turn closes when its deadline passes (the sweeper), when the facilitator closes it, or,
when the exercise closes `everyone_in`, once every role is in (bots included) and every
free-form move has its ruling. An exercise with `review` drafts each turn for the facilitator
alone, who publishes it (review.py); so does a turn that closed with free-form moves not yet
ruled on, rather than refusing them. Adjudication is
a job that takes a turn id, claims the turn with one conditional UPDATE and writes the results
and their events in that same transaction; a second run finds the turn resolved and changes
nothing, and a run after a worker died half way finds no claim left (it rolled back).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from exercises import engine
from exercises.engine import OBSERVER, visible_values
from exercises.models import Exercise, Job, Move, Ruling, Seat, Turn

from . import drafts, engine_log, events, injects, jobs, monitoring
from .errors import Busy, Conflict
from .locking import current_turn, current_turn_number, locked, require_facilitator
from .projection import changes_seen, outcome_result
from .scenarios import role_name, scenario_of, state_of
from .status import finish_locked


def open_turn(exercise: Exercise) -> Turn:
    """Open the next turn; the caller holds the exercise lock."""
    scenario = scenario_of(exercise)
    state = state_of(exercise)
    # A fork starts after a turn of another exercise: its first turn is numbered on from there.
    number = max(current_turn_number(exercise), state.turn) + 1
    opening = engine.open_turn(scenario, state, exercise.seed)
    exercise.state = opening.state.to_dict()
    exercise.save(update_fields=["state"])
    deadline = None
    if exercise.turn_seconds:
        deadline = timezone.now() + timedelta(seconds=exercise.turn_seconds)
    turn = Turn.objects.create(
        exercise=exercise, number=number, deadline=deadline, state_before=exercise.state
    )
    events.append(
        exercise,
        "turn.opened",
        {"number": number, "deadline": deadline.isoformat() if deadline else None},
        turn=number,
        audience=events.EVERYONE,
    )
    engine_log.publish(exercise, number, opening.events)
    schedule_bots(exercise, turn)
    return turn


def schedule_bots(exercise: Exercise, turn: Turn | None = None) -> None:
    """Once the current transaction commits, let the bots of this exercise move (bots.py)."""
    if exercise.seats.exclude(bot_policy="").filter(revoked_at=None).exists():
        jobs.enqueue(exercise, Job.Kind.PLAY_BOTS, turn=turn)


def close_turn(seat: Seat, *, anyway: bool = False) -> None:
    """Refused while free-form moves wait for a ruling, unless `anyway`: the turn then goes
    into review, where the facilitator rules on them before publishing."""
    require_facilitator(seat)
    with events.write_transaction():
        exercise = locked(seat.exercise.public_id)
        turn = current_turn(exercise)
        if turn is None or turn.phase != Turn.Phase.OPEN:
            raise Conflict("no turn is open")
        if not anyway:
            refuse_unruled(turn)
        close_locked(exercise, turn, "facilitator")


def unruled(turn: Turn) -> list[Move]:
    """The turn's live free-form moves that have no ruling yet."""
    live = (Move.Status.SUBMITTED,)
    pending = turn.moves.filter(action=engine.FREE_FORM, status__in=live, ruling=None)
    return list(pending.order_by("id"))


def refuse_unruled(turn: Turn) -> None:
    pending = unruled(turn)
    if pending:
        # Read by the facilitator in the console's confirmation, and by programs for the ids.
        named = "; ".join(
            f"{role_name(turn.exercise, m.role)}: “{_excerpt(m.rationale)}” (move {m.public_id})"
            for m in pending
        )
        many = f"{len(pending)} free-form moves have"
        count = "1 free-form move has" if len(pending) == 1 else many
        raise Conflict(f"{count} no ruling: {named}", code="rulings_pending")


def _excerpt(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def close_locked(exercise: Exercise, turn: Turn, reason: str) -> bool:
    """Move an open turn to adjudication and queue the task; False if it was not open."""
    if turn.phase != Turn.Phase.OPEN:
        return False
    turn.check_transition(Turn.Phase.ADJUDICATING)
    # Conditional: of two closers racing (deadline and facilitator), one changes the row.
    closed = Turn.objects.filter(pk=turn.pk, phase=Turn.Phase.OPEN).update(
        phase=Turn.Phase.ADJUDICATING, closed_at=timezone.now()
    )
    if not closed:
        return False
    turn.phase = Turn.Phase.ADJUDICATING
    events.append(
        exercise,
        "turn.closed",
        {"number": turn.number, "reason": reason},
        turn=turn.number,
        audience=events.EVERYONE,
    )
    jobs.enqueue(exercise, Job.Kind.ADJUDICATE, turn=turn)
    return True


def close_if_everyone_is_in(exercise: Exercise, turn: Turn) -> bool:
    """Close without waiting once every role is in and every free-form move is ruled on."""
    if exercise.status != Exercise.Status.RUNNING or turn.phase != Turn.Phase.OPEN:
        return False
    if exercise.close_when != Exercise.CloseWhen.EVERYONE_IN:
        return False
    roles = scenario_of(exercise).role_ids
    if set(roles) - set(turn.ready):
        return False
    unruled = turn.moves.filter(
        action=engine.FREE_FORM, status=Move.Status.SUBMITTED, ruling=None
    ).exists()
    return not unruled and close_locked(exercise, turn, "everyone is in")


def open_next_turn(seat: Seat) -> None:
    require_facilitator(seat)
    with events.write_transaction():
        exercise = locked(seat.exercise.public_id)
        if exercise.status != Exercise.Status.RUNNING:
            raise Conflict(f"the exercise is {exercise.status}")
        turn = current_turn(exercise)
        if turn is None or turn.phase != Turn.Phase.RESOLVED:
            raise Conflict("the current turn is not resolved yet")
        open_turn(exercise)


def adjudicate(turn_id: int) -> bool:
    """Claim and adjudicate one turn. True if this call resolved it."""
    if not Turn.objects.filter(pk=turn_id, phase=Turn.Phase.ADJUDICATING).exists():
        return False  # resolved already: no need to wait for the exercise's lock
    claim = secrets.token_hex(8)
    with events.write_transaction():
        public_id = Exercise.objects.filter(turns=turn_id).values_list("public_id", flat=True)
        exercise = locked(public_id.get())
        # The claim is taken in the transaction that writes the results, under the exercise's
        # lock: it commits with them or not at all. A worker that dies half way leaves no claim
        # behind, and its lock goes with its connection, so whoever is handed the job next
        # starts at once; a live worker's lock makes the next one wait, then find it resolved.
        claimed = Turn.objects.filter(pk=turn_id, phase=Turn.Phase.ADJUDICATING).update(
            claimed_at=timezone.now(), claim=claim
        )
        if not claimed:
            return False
        turn = Turn.objects.select_for_update().get(pk=turn_id)
        _resolve(exercise, turn)
    return True


@jobs.handler(Job.Kind.ADJUDICATE)
def _adjudicate_job(job: Job) -> bool:
    """Done once the turn is resolved (or in review), by this run or another."""
    assert job.turn_id is not None
    adjudicate(job.turn_id)
    done = (Turn.Phase.REVIEW, Turn.Phase.RESOLVED)
    return Turn.objects.filter(pk=job.turn_id, phase__in=done).exists()


def _resolve(exercise: Exercise, turn: Turn) -> None:
    if exercise.review or unruled(turn):
        turn.check_transition(Turn.Phase.REVIEW)
        turn.phase = Turn.Phase.REVIEW
        turn.save()
        redraft(exercise, turn)
        return
    publish_locked(exercise, turn)


def outcome_of(exercise: Exercise, turn: Turn) -> engine.Outcome:
    """The turn adjudicated from the state it closed on, with the facilitator's review: the
    same every time it is asked, as replay will ask it."""
    assert turn.state_at_close is not None
    moves = turn.moves.filter(status=Move.Status.SUBMITTED).select_related("ruling")
    return engine.adjudicate(
        scenario_of(exercise),
        engine.State.from_dict(turn.state_at_close),
        [_engine_move(m) for m in moves.order_by("id")],
        exercise.seed,
        review=engine.Review.from_record(turn.review),
    )


def redraft(exercise: Exercise, turn: Turn) -> None:
    """Adjudicate the turn in review again and show the facilitator the draft."""
    # From the state as it is now: a value the facilitator set by hand during the review
    # counts, as it would have before the close (and replay reads it in `state_at_close`).
    turn.state_at_close = state_of(exercise).to_dict()
    outcome = outcome_of(exercise, turn)
    turn.draft = drafts.draft_of(exercise, turn, outcome, [m.public_id for m in unruled(turn)])
    turn.save(update_fields=["draft", "state_at_close", "review"])
    events.append(
        exercise, "turn.drafted", turn.draft, turn=turn.number, audience=events.FACILITATOR_ONLY
    )


def publish_locked(exercise: Exercise, turn: Turn) -> None:
    """Write what the turn did, for every seat: the moves' results, the state, the story;
    then finish the exercise or open the next turn, as it says."""
    scenario = scenario_of(exercise)
    turn.state_at_close = state_of(exercise).to_dict()  # as redraft: by-hand changes count
    outcome = outcome_of(exercise, turn)
    moves = turn.moves.filter(status=Move.Status.SUBMITTED)
    by_id = {m.public_id: m for m in moves}
    for result in outcome.results:
        move = by_id[result.move.id]
        move.status = (
            Move.Status.REJECTED
            if not result.accepted
            else Move.Status.SUCCEEDED
            if result.success
            else Move.Status.FAILED
        )
        move.result = result.to_dict()
        move.save(update_fields=["status", "result"])
    turn.check_transition(Turn.Phase.RESOLVED)
    turn.phase = Turn.Phase.RESOLVED
    turn.resolved_at = timezone.now()
    turn.draft = None
    turn.state_after = outcome.state.to_dict()
    turn.narrative = list(outcome.narrative)
    turn.draws = [d.to_dict() for d in outcome.draws]
    turn.save()
    exercise.state = outcome.state.to_dict()
    exercise.save(update_fields=["state"])
    _record(exercise, turn, outcome)
    if exercise.status == Exercise.Status.FINISHED:
        # The facilitator ended it while this turn was being adjudicated; keep its ending.
        if outcome.ending and not exercise.ending:
            exercise.ending = outcome.ending
            exercise.save(update_fields=["ending"])
        return
    if outcome.ending or turn.number >= scenario.turns:
        finish_locked(exercise, outcome.ending)
    elif exercise.auto_advance and exercise.status == Exercise.Status.RUNNING:
        open_turn(exercise)


def _engine_move(move: Move) -> engine.Move:
    """The stored move in the export's shape, made an engine move as replay makes it."""
    ruling = getattr(move, "ruling", None) if move.action == engine.FREE_FORM else None
    record = {
        "id": move.public_id,
        "role": move.role,
        "action": move.action,
        "params": move.params,
        "rationale": move.rationale,
    }
    return engine.move_from_record(record, None if ruling is None else _ruling_record(ruling))


def _ruling_record(ruling: Ruling) -> dict[str, Any]:
    return {
        "chance": ruling.chance,
        "outcome": ruling.outcome or None,
        "narrative": ruling.narrative,
        "failure_narrative": ruling.failure_narrative,
        "changes": ruling.changes,
        "audience": ruling.audience,
    }


def _record(exercise: Exercise, turn: Turn, outcome: engine.Outcome) -> None:
    """The outcome into the log, each engine event as engine_log.LOG says, then the turn's
    public result."""
    scenario = scenario_of(exercise)
    number = turn.number
    folded = engine_log.fold(scenario.role_ids, outcome.events)
    for role, found in folded.by_role.items():
        results = [outcome_result(scenario, outcome.state, role, r) for r in found["results"]]
        # A rule's notice names its changes as a result does: cut to what the role may see.
        notices = [
            {**n, "changes": changes_seen(scenario, outcome.state, role, n)}
            for n in found["notices"]
        ]
        if results or notices or found["shared"]:
            outcome_data = {"results": results, "notices": notices}
            if found["shared"]:
                outcome_data["shared"] = found["shared"]
            events.append(
                exercise,
                "role.outcome",
                outcome_data,
                turn=number,
                audience=events.to_roles(role),
            )
    engine_log.publish(exercise, number, folded.published)
    public = visible_values(scenario, outcome.state, OBSERVER)
    events.append(
        exercise,
        "turn.adjudicated",
        {
            "number": number,
            "narrative": list(outcome.narrative),
            "state": public,
            "ending": outcome.ending,
        },
        turn=number,
        audience=events.EVERYONE,
    )


def sweep(now: datetime | None = None) -> dict[str, int]:
    """Close turns whose deadline has passed; hand out again the jobs not done in time; send
    the injects timed within a turn whose minute has come.

    Runs every few seconds: in the server process in embedded mode, under Celery beat in
    production. Deadlines and jobs live in the database, so a restart loses neither.
    """
    now = now or timezone.now()
    closed = 0
    due = Turn.objects.filter(
        phase=Turn.Phase.OPEN, deadline__lte=now, exercise__status=Exercise.Status.RUNNING
    )
    for turn_id, public_id in due.values_list("pk", "exercise__public_id"):
        try:
            closed += _close_at_deadline(turn_id, public_id, now)
        except Busy:
            continue  # held by a stalled worker: the next sweep tries again, the others go on
    requeued = jobs.hand_out_due(now)
    timed = injects.fire_timed(now)
    monitoring.record_sweep(now)
    return {"closed": closed, "requeued": requeued, "timed": timed}


def _close_at_deadline(turn_id: int, public_id: str, now: datetime) -> bool:
    with events.write_transaction():
        exercise = locked(public_id)
        turn = Turn.objects.get(pk=turn_id)
        if turn.deadline and turn.deadline <= now and exercise.status == "running":
            return close_locked(exercise, turn, "deadline")
    return False
