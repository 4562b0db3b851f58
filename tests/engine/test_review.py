"""The facilitator's review as inputs to adjudication: overrides, re-rolls, narrative edits, and
the audience of a ruling's narrative. Played on tests/fixtures/mini.yaml (see
test_adjudication.py): `scale` is a chancy move whose success has a public line.
"""

from pathlib import Path

import pytest

from exercises.engine import (
    FREE_FORM,
    Audience,
    Edit,
    Move,
    Outcome,
    Override,
    Review,
    Ruling,
    RulingBranch,
    Scenario,
    State,
    adjudicate,
    initial_state,
    load_scenario,
    move_from_record,
    open_turn,
)
from exercises.engine.audience import EVERYONE, FACILITATOR_ONLY
from exercises.engine.review import NO_REVIEW

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini.yaml"
SEED = 7


@pytest.fixture(scope="module")
def mini() -> Scenario:
    return load_scenario(MINI)


@pytest.fixture
def start(mini: Scenario) -> State:
    return open_turn(mini, initial_state(mini), SEED).state


def scale(role: str = "a") -> Move:
    return Move(role, "scale", id=f"{role}-scale")


def play(mini: Scenario, start: State, *moves: Move, review: Review = NO_REVIEW) -> Outcome:
    return adjudicate(mini, start, moves, SEED, review=review)


def test_a_turn_without_review_input_is_played_exactly_as_before(
    mini: Scenario, start: State
) -> None:
    assert play(mini, start, scale(), scale("b")) == adjudicate(
        mini, start, [scale(), scale("b")], SEED
    )


@pytest.mark.parametrize("outcome", ["success", "failure"])
def test_an_override_takes_the_branch_it_names_and_keeps_the_roll(
    mini: Scenario, start: State, outcome: str
) -> None:
    rolled = play(mini, start, scale())
    review = Review(overrides={"a-scale": Override(outcome, "The board says so.")})  # type: ignore[arg-type]

    overridden = play(mini, start, scale(), review=review)

    (result,) = overridden.results
    assert result.success is (outcome == "success")
    assert result.overridden and result.to_dict()["overridden"] is True
    assert result.draw == rolled.results[0].draw  # the roll stays in the record
    assert overridden.draws == rolled.draws
    assert result.text == ("It worked." if outcome == "success" else "It failed.")
    assert ("Lab A scales up." in overridden.narrative) is (outcome == "success")


def test_a_reroll_draws_a_new_number_that_replay_draws_again(mini: Scenario, start: State) -> None:
    first = play(mini, start, scale())
    review = Review(rerolls={"a-scale": 1})

    again = play(mini, start, scale(), review=review)
    twice = play(mini, start, scale(), review=Review(rerolls={"a-scale": 2}))

    (draw,) = again.draws
    assert draw.key == f"{first.draws[0].key}:reroll:1"
    assert draw.roll != first.draws[0].roll
    assert twice.draws[0].roll not in (draw.roll, first.draws[0].roll)
    assert again == play(mini, start, scale(), review=review)  # deterministic
    assert again.results[0].rerolls == 1 and again.results[0].to_dict()["rerolls"] == 1


def test_an_edited_line_is_published_as_edited(mini: Scenario, start: State) -> None:
    review = Review(overrides={"a-scale": Override("success", "Sure.")})
    drafted = play(mini, start, scale(), review=review)
    line = drafted.narrative.index("Lab A scales up.")
    edit = Edit(line, "Lab A scales up.", "A scales, loudly.")

    edited = play(mini, start, scale(), review=Review(review.overrides, edits=(edit,)))

    assert "A scales, loudly." in edited.narrative
    assert "Lab A scales up." not in edited.narrative


def test_a_line_given_to_some_roles_leaves_the_public_narrative_and_reaches_them_only(
    mini: Scenario, start: State
) -> None:
    overrides = {"a-scale": Override("success", "Sure.")}
    drafted = play(mini, start, scale(), review=Review(overrides))
    line = drafted.narrative.index("Lab A scales up.")
    edit = Edit(line, "Lab A scales up.", "B hears of it.", Audience.of(["b"]))

    edited = play(mini, start, scale(), review=Review(overrides, edits=(edit,)))

    assert "B hears of it." not in edited.narrative and "Lab A scales up." not in edited.narrative
    [shared] = [e for e in edited.events if e.type == "narrative.shared"]
    assert shared.audience == Audience.of(["b"])
    assert shared.data["text"] == "B hears of it."


def test_an_edit_whose_line_changed_since_no_longer_applies(mini: Scenario, start: State) -> None:
    stale = Edit(0, "a line that is not there", "Rewritten.")

    edited = play(mini, start, scale(), review=Review(edits=(stale,)))

    assert edited == play(mini, start, scale())


def lobbying(audience: Audience) -> Move:
    branch = RulingBranch("They listen.", "Lab A calms things down.")
    ruling = Ruling(outcome="success", success=branch, audience=audience)
    return Move("a", FREE_FORM, text="We lobby.", id="lobby", ruling=ruling)


def test_a_ruling_shared_with_everyone_is_public_as_before(mini: Scenario, start: State) -> None:
    outcome = play(mini, start, lobbying(EVERYONE))

    assert "Lab A calms things down." in outcome.narrative
    assert "shared_with" not in outcome.results[0].to_dict()
    assert not [e for e in outcome.events if e.type == "narrative.shared"]


def test_a_ruling_for_the_mover_only_is_told_to_nobody_else(mini: Scenario, start: State) -> None:
    outcome = play(mini, start, lobbying(Audience.of(["a"])))

    assert "Lab A calms things down." not in outcome.narrative
    assert not [e for e in outcome.events if e.type == "narrative.shared"]
    (result,) = outcome.results
    assert result.text == "They listen."
    assert result.to_dict()["shared_with"] == {"roles": ["a"]}
    others = [e for e in outcome.events if e.audience.includes("b") or e.audience.includes("gov")]
    assert all("calms" not in str(e.data) for e in others)


def test_a_ruling_for_chosen_roles_reaches_them_and_not_the_rest(
    mini: Scenario, start: State
) -> None:
    outcome = play(mini, start, lobbying(Audience.of(["a", "gov"])))

    assert "Lab A calms things down." not in outcome.narrative
    [shared] = [e for e in outcome.events if e.type == "narrative.shared"]
    assert shared.audience == Audience.of(["gov"])  # the mover reads it in its result
    assert not shared.audience.includes("b") and shared.audience != FACILITATOR_ONLY


def test_a_recorded_rulings_audience_is_read_back_for_the_mover() -> None:
    record = {"id": "m", "role": "a", "action": FREE_FORM, "params": {}, "rationale": "x"}
    ruling = {"outcome": "success", "narrative": "N", "audience": "mover"}

    move = move_from_record(record, ruling)

    assert move.ruling is not None and move.ruling.audience == Audience.of(["a"])
    older = move_from_record(record, {"outcome": "success", "narrative": "N"})
    assert older.ruling is not None and older.ruling.audience == EVERYONE


def test_a_review_record_reads_back_as_it_was_written() -> None:
    review = Review(
        overrides={"m": Override("failure", "No.")},
        rerolls={"n": 2},
        edits=(Edit(1, "was", "is", Audience.of(["b"])),),
    )

    assert Review.from_record(review.to_record()) == review
