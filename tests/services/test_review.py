"""Review before publishing, how turns close, and rulings' audiences, through the use cases.

A turn in review is a draft only the facilitator sees; every other seat's view of it is that
of a turn being adjudicated, which the difference tests check byte for byte (ids and times
normalised) against the same turn held in adjudication.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from exercises.engine.replay import verify_export
from exercises.models import Move, Turn
from exercises.services import export, moves, projection, review, turns
from exercises.services.errors import Conflict, Invalid
from tests.services.conftest import SEATS, Cast, Queue

PLAYERS = [s for s in SEATS if s != "facilitator"]


def started(create: Callable[..., Cast], **options: Any) -> Cast:
    from exercises.services import commands

    cast = create(**options)
    commands.start(cast.facilitator)
    return cast


def play_turn(cast: Cast) -> Move:
    """anthropic scales (chance 0.9), openai argues a free-form move."""
    moves.submit_move(cast.anthropic, "continue_scaling", {})
    return cast.free_form("openai", "We brief the press off the record.")


def normalised(cast: Cast, data: Any) -> str:
    text = json.dumps(data, sort_keys=True)
    ids = [cast.public_id, *[m.public_id for m in cast.moves()]]
    for n, value in enumerate(ids):
        text = text.replace(value, f"<id{n}>")
    return re.sub(r'"\d{4}-\d\d-\d\dT[^"]*"', '"<time>"', text)


def seen_by(cast: Cast, name: str) -> str:
    """The seat's view, its events and its export."""
    seat = cast.seat(name)
    kept = export.export_for(seat)
    return normalised(cast, [projection.exercise_view(seat), projection.events_for(seat, 0), kept])


def test_a_turn_in_review_looks_to_every_other_seat_like_a_turn_being_adjudicated(
    create: Callable[..., Cast], held: Queue
) -> None:
    # given the same turn played twice: once held in adjudication, once drafted for review
    adjudicating, reviewing = started(create, review=True), started(create, review=True)
    for cast in (adjudicating, reviewing):
        ruled = play_turn(cast)
        moves.rule_on_move(cast.facilitator, ruled.public_id, chance=0.5, audience="mover")
        turns.close_turn(cast.facilitator)
    held.job_ids[:] = [j for j in held.job_ids if not _job_of(j, adjudicating)]
    held.run()

    # when the facilitator works on the draft: a ruling, an override, a re-roll, an edit
    assert reviewing.turn().phase == Turn.Phase.REVIEW
    scaling = reviewing.moves(action="continue_scaling")[0].public_id
    review.override(reviewing.facilitator, scaling, "failure", "The chips never arrived.")
    free = reviewing.moves(action="free_form")[0].public_id
    review.reroll(reviewing.facilitator, free, "A second look.")

    # then no other seat can tell the two apart
    assert adjudicating.turn().phase == Turn.Phase.ADJUDICATING
    for name in PLAYERS:
        assert seen_by(adjudicating, name) == seen_by(reviewing, name), name
    assert projection.exercise_view(reviewing.facilitator)["turn"]["phase"] == "review"


def _job_of(job_id: int, cast: Cast) -> bool:
    from exercises.models import Job

    return Job.objects.filter(pk=job_id, exercise__public_id=cast.public_id).exists()


def test_publishing_sends_each_seat_its_results_as_overridden_and_replay_agrees(
    create: Callable[..., Cast],
) -> None:
    cast = started(create, review=True)
    free = play_turn(cast)
    moves.rule_on_move(cast.facilitator, free.public_id, chance=0.5, narrative="It leaks.")
    turns.close_turn(cast.facilitator)
    scaling = cast.moves(action="continue_scaling")[0].public_id

    review.override(cast.facilitator, scaling, "failure", "The chips never arrived.")
    review.reroll(cast.facilitator, free.public_id)
    review.reroll(cast.facilitator, free.public_id, "Once more.")
    draft = projection.exercise_view(cast.facilitator)["draft"]
    assert not cast.events("role.outcome", "turn.adjudicated")
    review.publish(cast.facilitator)

    # then the published turn is the last draft, and every roll is in the log
    turn = cast.turn(1)
    assert turn.phase == Turn.Phase.RESOLVED and turn.draft is None
    assert Move.objects.get(public_id=scaling).status == Move.Status.FAILED
    [outcome] = [e for e in cast.visible("anthropic") if e["type"] == "role.outcome"]
    assert outcome["data"]["results"][0]["overridden"] is True
    assert turn.narrative == [line["text"] for line in draft["narrative"]]
    rerolled = cast.events("move.rerolled")
    assert [e.data["rerolls"] for e in rerolled] == [1, 2]
    assert rerolled[0].data["draw"] == rerolled[1].data["previous"]
    checked, differences = verify_export(
        json.loads(export.dumps(export.export_for(cast.facilitator)))
    )
    assert (checked, differences) == (1, [])


def test_the_draft_shows_each_roll_as_a_d100(create: Callable[..., Cast]) -> None:
    cast = started(create, review=True)
    play_turn(cast)
    turns.close_turn(cast.facilitator, anyway=True)

    draft = projection.exercise_view(cast.facilitator)["draft"]

    [scaling] = [m for m in draft["moves"] if m["action"] == "continue_scaling"]
    draw = scaling["draw"]
    assert scaling["dice"] == {"needed": 90, "rolled": int(draw["roll"] * 100) + 1}
    assert scaling["branch"] == ("success" if draw["success"] else "failure")
    assert draft["rulings_pending"] == [cast.moves(action="free_form")[0].public_id]


def test_closing_with_rulings_pending_is_refused_naming_them_unless_anyway(cast: Cast) -> None:
    free = play_turn(cast)

    with pytest.raises(Conflict) as refused:
        turns.close_turn(cast.facilitator)

    assert refused.value.code == "rulings_pending" and free.public_id in str(refused.value)
    assert cast.turn().phase == Turn.Phase.OPEN

    # closing anyway puts the turn into review, though the exercise does not review turns
    turns.close_turn(cast.facilitator, anyway=True)
    assert cast.turn().phase == Turn.Phase.REVIEW
    moves.rule_on_move(cast.facilitator, free.public_id, outcome="success", narrative="Yes.")
    review.publish(cast.facilitator)
    assert Move.objects.get(pk=free.pk).status == Move.Status.SUCCEEDED


def test_a_deadline_passing_with_rulings_pending_puts_the_turn_into_review(
    create: Callable[..., Cast],
) -> None:
    cast = started(create, turn_seconds=60)
    free = play_turn(cast)
    Turn.objects.filter(pk=cast.turn().pk).update(deadline=cast.turn().opened_at)

    turns.sweep()

    assert cast.turn().phase == Turn.Phase.REVIEW
    assert Move.objects.get(pk=free.pk).status == Move.Status.SUBMITTED
    with pytest.raises(Conflict, match="no ruling"):
        review.publish(cast.facilitator)


def test_a_turn_that_closes_at_the_deadline_waits_though_everyone_is_in(
    create: Callable[..., Cast],
) -> None:
    cast = started(create, close_when="deadline", bots={r: "no-pause" for r in _others()})
    moves.submit_move(cast.anthropic, "continue_scaling", {})
    moves.declare_ready(cast.anthropic)
    moves.declare_ready(cast.openai)
    assert set(cast.turn().ready) == {"anthropic", "openai", *_others()}

    assert cast.turn().phase == Turn.Phase.OPEN
    review.set_options(cast.facilitator, close_when="everyone_in")

    # then, everyone being in, the turn closes as the option now says
    assert cast.exercise().close_when == "everyone_in"
    [options] = cast.events("exercise.options_set")
    assert options.data == {"close_when": "everyone_in", "review": False}
    assert cast.turn(1).phase == Turn.Phase.RESOLVED


def _others() -> tuple[str, ...]:
    from tests.services.conftest import OTHERS

    return OTHERS


def test_a_narrative_line_edited_for_one_role_reaches_it_alone(
    create: Callable[..., Cast],
) -> None:
    cast = started(create, review=True)
    free = play_turn(cast)
    moves.rule_on_move(cast.facilitator, free.public_id, outcome="success", narrative="Leaked.")
    turns.close_turn(cast.facilitator)
    lines = projection.exercise_view(cast.facilitator)["draft"]["narrative"]
    line = next(n["line"] for n in lines if n["text"] == "Leaked.")

    review.edit_narrative(cast.facilitator, line, "Anthropic hears a rumour.", ["anthropic"])
    review.publish(cast.facilitator)

    assert "Anthropic hears a rumour." not in cast.turn(1).narrative
    assert "Leaked." not in cast.turn(1).narrative
    assert "rumour" in json.dumps(cast.visible("anthropic"))
    for name in ("observer", "gdm"):
        assert "rumour" not in json.dumps(cast.visible(name)), name


@pytest.mark.parametrize("audience", ["mover", ["openai", "gdm"]])
def test_a_ruling_not_for_everyone_tells_nobody_outside_its_audience(
    create: Callable[..., Cast], audience: Any
) -> None:
    # given the same turn twice: the ruling's narrative shared with everyone, and not
    casts = {}
    for shared in ("everyone", audience):
        cast = casts[json.dumps(shared)] = started(create)
        free = play_turn(cast)
        moves.rule_on_move(
            cast.facilitator,
            free.public_id,
            outcome="success",
            narrative="A quiet word.",
            audience=shared,
        )
        turns.close_turn(cast.facilitator)

    restricted = casts[json.dumps(audience)]
    outsiders = ["observer", "anthropic", "meta"]
    for name in outsiders:
        assert "A quiet word." not in json.dumps(restricted.visible(name)), name
        assert "A quiet word." in json.dumps(casts['"everyone"'].visible(name)), name
    [mine] = [e for e in restricted.visible("openai") if e["type"] == "role.outcome"]
    expected = {"roles": ["openai"]} if audience == "mover" else {"roles": ["gdm", "openai"]}
    assert mine["data"]["results"][0]["shared_with"] == expected
    if audience != "mover":
        [theirs] = [e for e in restricted.visible("gdm") if e["type"] == "role.outcome"]
        assert theirs["data"]["shared"][0]["text"] == "A quiet word."


def test_a_ruling_names_only_the_scenarios_roles(cast: Cast) -> None:
    free = play_turn(cast)

    with pytest.raises(Invalid, match="no role"):
        moves.rule_on_move(cast.facilitator, free.public_id, outcome="success", audience=["x"])


def test_replacing_a_ruled_move_drops_its_ruling_and_tells_the_facilitator(cast: Cast) -> None:
    free = play_turn(cast)
    moves.rule_on_move(cast.facilitator, free.public_id, outcome="success", narrative="Yes.")

    new, _ = moves.submit_move(
        cast.openai, "free_form", {}, "We brief the press on the record.", replaces=free.public_id
    )

    assert not hasattr(Move.objects.get(pk=free.pk), "ruling")
    [dropped] = cast.events("ruling.dropped")
    assert dropped.data == {"move": free.public_id, "role": "openai"}
    pending = projection.exercise_view(cast.facilitator)["rulings_pending"]
    assert [p["id"] for p in pending] == [new.public_id]
    assert "ruling.dropped" in [e["type"] for e in cast.visible("openai")]
    assert "ruling.dropped" not in [e["type"] for e in cast.visible("anthropic")]


def test_review_acts_are_refused_outside_review_and_change_nothing(cast: Cast) -> None:
    free = play_turn(cast)
    before = cast.seqs()

    for act in (
        lambda: review.publish(cast.facilitator),
        lambda: review.override(cast.facilitator, free.public_id, "success", "Why not."),
        lambda: review.reroll(cast.facilitator, free.public_id),
        lambda: review.edit_narrative(cast.facilitator, 0, "Text.", "everyone"),
    ):
        with pytest.raises(Conflict) as refused:
            act()
        assert refused.value.code == "not_in_review"
    assert cast.seqs() == before


def test_bad_review_acts_are_refused_with_the_reason_and_change_nothing(
    create: Callable[..., Cast],
) -> None:
    from exercises.services.errors import NotFound

    cast = started(create, review=True)
    free = play_turn(cast)
    moves.rule_on_move(cast.facilitator, free.public_id, outcome="success", narrative="Yes.")
    turns.close_turn(cast.facilitator)
    before = cast.seqs(), cast.turn().review, cast.turn().draft

    with pytest.raises(Invalid, match="needs a reason"):
        review.override(cast.facilitator, free.public_id, "failure", "  ")
    with pytest.raises(Conflict, match="nothing was rolled"):
        review.reroll(cast.facilitator, free.public_id)
    with pytest.raises(NotFound, match="no narrative line 99"):
        review.edit_narrative(cast.facilitator, 99, "Text.", "everyone")
    with pytest.raises(Invalid, match="audience"):
        review.edit_narrative(cast.facilitator, 0, "Text.", ["nobody"])
    with pytest.raises(NotFound, match="no such move"):
        review.override(cast.facilitator, "not-a-move", "success", "Why.")
    with pytest.raises(Invalid, match="close_when"):
        review.set_options(cast.facilitator, close_when="sometimes")

    assert (cast.seqs(), cast.turn().review, cast.turn().draft) == before


def test_a_value_set_during_review_is_in_the_published_turn_and_replay_agrees(
    create: Callable[..., Cast],
) -> None:
    from exercises.services import commands

    cast = started(create, review=True)
    play_turn(cast)
    turns.close_turn(cast.facilitator, anyway=True)

    commands.set_state(cast.facilitator, "public_concern", 77, "A poll during the review.")
    review.publish(cast.facilitator, anyway=True)

    turn = cast.turn(1)
    assert turn.state_at_close is not None
    assert turn.state_at_close["values"]["public_concern"] == 77
    data = json.loads(export.dumps(export.export_for(cast.facilitator)))
    assert verify_export(data) == (1, [])


def test_a_value_set_during_review_shows_in_the_draft_at_once(
    create: Callable[..., Cast],
) -> None:
    from exercises.services import commands

    cast = started(create, review=True)
    play_turn(cast)
    turns.close_turn(cast.facilitator, anyway=True)
    drafted = cast.turn().draft

    commands.set_state(cast.facilitator, "public_concern", 77, "A poll during the review.")

    turn = cast.turn()
    assert turn.draft != drafted
    assert turn.state_at_close is not None
    assert turn.state_at_close["values"]["public_concern"] == 77


def test_a_ruling_for_the_mover_only_leaves_every_other_seat_as_if_it_said_nothing(
    create: Callable[..., Cast],
) -> None:
    # given the same turn twice: a ruling with no narrative, and one told to the mover only
    silent, told = started(create), started(create)
    for cast, narrative, audience in ((silent, "", "everyone"), (told, "A quiet word.", "mover")):
        free = play_turn(cast)
        moves.rule_on_move(
            cast.facilitator,
            free.public_id,
            outcome="success",
            narrative=narrative,
            audience=audience,
        )
        turns.close_turn(cast.facilitator)
        assert cast.turn(1).phase == Turn.Phase.RESOLVED

    # then every seat but the mover's and the facilitator's sees the same, byte for byte
    for name in PLAYERS:
        if name != "openai":
            assert seen_by(silent, name) == seen_by(told, name), name
    assert "A quiet word." in seen_by(told, "openai")


def test_a_turn_in_review_is_the_adjudication_jobs_work_done(
    create: Callable[..., Cast], held: Queue
) -> None:
    from exercises.models import Job
    from exercises.services import jobs

    cast = started(create, review=True)
    play_turn(cast)
    turns.close_turn(cast.facilitator, anyway=True)

    assert held.run() == [True]
    assert cast.turn().phase == Turn.Phase.REVIEW
    assert not Job.objects.filter(exercise__public_id=cast.public_id, done_at=None).exists()
    assert jobs.hand_out_due() == 0


def test_every_seat_reads_how_turns_close_and_whether_they_are_reviewed(
    create: Callable[..., Cast],
) -> None:
    cast = started(create, review=True, close_when="deadline")

    for name in SEATS:
        view = projection.exercise_view(cast.seat(name))
        assert (view["close_when"], view["review"]) == ("deadline", True), name
