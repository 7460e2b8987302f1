"""The rules behind strength beyond the key muscles: MRC grades compared side to side, the grip difference, and a
weak catalogue muscle as a motor sign at its roots in the segment summary (clinical-reference.md 1.2, 1.4, 3.2)."""

from decimal import Decimal

import pytest

from assessments import gunn_signs, scales
from assessments.anatomy import Side

ECRB = "extensor-carpi-radialis-brevis"


# --- The scale's side comparison and the grip difference (pure) ---------------------------------------------------


def test_an_mrc_grade_is_written_out_of_five_with_its_modifier() -> None:
    assert scales.mrc_out_of_five("4-") == "4-/5"
    assert scales.mrc_out_of_five(scales.MrcGrade.NORMAL) == "5/5"
    assert scales.mrc_out_of_five("NT") == "not tested"


@pytest.mark.parametrize(
    ("left", "right", "weaker"),
    [("4", "5", "L"), ("5", "4+", "R"), ("4-", "4", "L"), ("3+", "3+", None), ("NT", "2", None), ("5", "NT", None)],
)
def test_the_weaker_side_follows_the_fixed_rank_of_the_scale(left: str, right: str, weaker: str | None) -> None:
    assert scales.weaker_of(left, right) == weaker


def test_the_grip_difference_is_in_kilograms_and_as_a_percentage_of_the_stronger_hand() -> None:
    difference = scales.grip_difference(Decimal("34.5"), Decimal("22.0"))

    assert difference == scales.GripDifference("R", Decimal("12.5"), 36)
    assert scales.grip_difference(Decimal("30"), Decimal("30")) == scales.GripDifference(None, Decimal("0"), 0)
    assert scales.grip_difference(Decimal("0"), Decimal("10")).percent == 100


@pytest.mark.parametrize("bad", [Decimal("-0.1"), Decimal("100.1")])
def test_a_grip_outside_0_to_100_kg_is_refused_by_the_scale(bad: Decimal) -> None:
    with pytest.raises(ValueError, match="0 to 100 kg"):
        scales.grip_difference(bad, Decimal("20"))


# --- The segment summary (pure): a weak catalogue muscle is a motor sign at its roots -----------------------------


def test_a_weak_catalogue_muscle_credits_its_primary_root_fully_and_the_others_half() -> None:
    summary = gunn_signs.segment_summary(
        muscle_strength_results=[
            gunn_signs.MuscleStrengthResult(ECRB, Side.RIGHT, "4", reference=1),
            gunn_signs.MuscleStrengthResult(ECRB, Side.LEFT, "5", reference=2),
        ]
    )

    c6, c7 = summary.level("C6"), summary.level("C7")
    assert [(s.side, dict(s.group_weights)) for s in c6.sides] == [(Side.RIGHT, {"motor": 1.0})]
    assert [(s.side, dict(s.group_weights)) for s in c7.sides] == [(Side.RIGHT, {"motor": 0.5})]
    [item] = c6.sides[0].evidence
    assert (item.muscle, item.reference, item.words) == (
        ECRB,
        1,
        "Extensor carpi radialis brevis MRC 4/5 right (5/5 left)",
    )


@pytest.mark.parametrize("grade", ["4+", "5", "NT"])
def test_a_muscle_graded_above_4_or_not_tested_is_no_evidence(grade: str) -> None:
    summary = gunn_signs.segment_summary(
        muscle_strength_results=[gunn_signs.MuscleStrengthResult(ECRB, Side.RIGHT, grade)]
    )

    assert summary.levels == ()


def test_a_segmental_muscle_graded_weak_credits_no_level_for_its_grade_names_none() -> None:
    summary = gunn_signs.segment_summary(
        muscle_strength_results=[gunn_signs.MuscleStrengthResult("lumbar-multifidus", Side.LEFT, "3")]
    )

    assert summary.levels == ()


def test_a_weak_wrist_extensor_with_tender_paraspinals_at_c6_suggests_c6_on_that_side() -> None:
    # Motor (ECRB 4/5, primary root C6) and spinal (paraspinal tenderness at C6 right): two groups at the default.
    summary = gunn_signs.segment_summary(
        [gunn_signs.Finding("SEN-PARASPINAL", Side.RIGHT, levels=("C6",))],
        muscle_strength_results=[gunn_signs.MuscleStrengthResult(ECRB, Side.RIGHT, "4")],
    )

    assert summary.suggested_levels == ("C6",)
    assert summary.level("C6").suggested_sides == (Side.RIGHT,)
    assert summary.level("C6").sides[0].supporting_groups == ("motor", "spinal")


def test_a_weak_muscle_only_adds_to_what_the_other_findings_give() -> None:
    findings = [gunn_signs.Finding("SEN-MOTORPOINT", Side.RIGHT, muscle=ECRB)]
    key_muscles = [gunn_signs.KeyMuscleResult("C6", Side.RIGHT, "4"), gunn_signs.KeyMuscleResult("C6", Side.LEFT, "5")]

    before = gunn_signs.segment_summary(findings, key_muscle_results=key_muscles)
    with_nothing_more = gunn_signs.segment_summary(
        findings, key_muscle_results=key_muscles, muscle_strength_results=[]
    )
    after = gunn_signs.segment_summary(
        findings,
        key_muscle_results=key_muscles,
        muscle_strength_results=[gunn_signs.MuscleStrengthResult("extensor-digitorum", Side.RIGHT, "3")],
    )

    assert with_nothing_more == before
    assert before.level("C6") == after.level("C6")
    assert dict(after.level("C7").sides[0].group_weights) == {"sensory": 0.5, "motor": 1.0}


def test_a_weak_key_muscle_reads_in_words_with_the_other_side() -> None:
    summary = gunn_signs.segment_summary(
        key_muscle_results=[
            gunn_signs.KeyMuscleResult("C6", Side.RIGHT, "4"),
            gunn_signs.KeyMuscleResult("C6", Side.LEFT, "5"),
            gunn_signs.KeyMuscleResult("C4", Side.LEFT, "3"),
            gunn_signs.KeyMuscleResult("L5", Side.LEFT, "4-"),
            gunn_signs.KeyMuscleResult("L5", Side.RIGHT, "NT"),
        ]
    )

    words = [item.words for level in summary.levels for item in level.evidence]
    assert words == [
        'Shoulder elevation, "shrug" MRC 3/5 left',
        "Wrist extensors MRC 4/5 right (5/5 left)",
        "Long toe extensors MRC 4-/5 left (right not tested)",
    ]


@pytest.mark.parametrize(
    ("muscle", "side", "grade"), [("no-such-muscle", "L", "4"), (ECRB, "B", "4"), (ECRB, "M", "4"), (ECRB, "L", "6")]
)
def test_a_graded_muscle_must_be_in_the_catalogue_on_one_side_with_a_grade_of_the_scale(
    muscle: str, side: str, grade: str
) -> None:
    with pytest.raises(ValueError):
        gunn_signs.MuscleStrengthResult(muscle, Side(side), grade)
