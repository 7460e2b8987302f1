"""Reflex, MRC, sensory and pain scales against clinical-reference.md 3.1-3.4 and Appendix A."""

import pytest

from assessments import scales
from assessments.scales import MrcGrade, ReflexGrade, ReflexNormality, SensoryFinding, SensoryScore


def test_rules_version_is_recorded():
    assert scales.RULES_VERSION == "2026.1"


def test_reflex_grades_match_appendix_a():
    assert [grade.value for grade in ReflexGrade] == ["0", "1+", "2+", "3+", "4+", "NT"]


@pytest.mark.parametrize(
    ("grade", "value", "normality"),
    [
        (ReflexGrade.ABSENT, 0, ReflexNormality.ALWAYS_ABNORMAL),
        (ReflexGrade.DIMINISHED, 1, ReflexNormality.MAY_BE_ABNORMAL),
        (ReflexGrade.NORMAL, 2, ReflexNormality.NORMAL),
        (ReflexGrade.VERY_BRISK, 3, ReflexNormality.MAY_BE_ABNORMAL),
        (ReflexGrade.CLONUS, 4, ReflexNormality.ALWAYS_ABNORMAL),
    ],
)
def test_reflex_grade_values_and_normality_follow_ninds(grade, value, normality):
    info = scales.REFLEX_GRADES[grade]
    assert info.value == value
    assert info.normality is normality


def test_reflex_grade_parses_stored_numbers_and_display_strings():
    assert scales.reflex_grade(2) is ReflexGrade.NORMAL
    assert scales.reflex_grade("3") is ReflexGrade.VERY_BRISK
    assert scales.reflex_grade("1+") is ReflexGrade.DIMINISHED
    assert scales.reflex_grade("0") is ReflexGrade.ABSENT
    assert scales.reflex_grade("nt") is ReflexGrade.NOT_TESTED


@pytest.mark.parametrize("bad", ["5+", 5, -1, "", None, True, 2.0])
def test_reflex_grade_refuses_values_off_the_scale(bad):
    with pytest.raises(ValueError, match="Reflex grade must be"):
        scales.reflex_grade(bad)


def test_reflex_asymmetry_needs_both_sides_tested():
    assert scales.reflexes_are_asymmetric(ReflexGrade.NORMAL, ReflexGrade.DIMINISHED)
    assert not scales.reflexes_are_asymmetric(ReflexGrade.NORMAL, ReflexGrade.NORMAL)
    assert not scales.reflexes_are_asymmetric(ReflexGrade.NORMAL, ReflexGrade.NOT_TESTED)


def test_mrc_grades_match_appendix_a_in_sort_order():
    assert [grade.value for grade in MrcGrade] == ["0", "1", "2-", "2", "2+", "3-", "3", "3+", "4-", "4", "4+", "5",
                                                   "NT"]  # fmt: skip


@pytest.mark.parametrize(
    ("grade", "rank"),
    [("0", 0), ("1", 1), ("2-", 2), ("2", 3), ("2+", 4), ("3-", 5), ("3", 6), ("3+", 7), ("4-", 8), ("4", 9),
     ("4+", 10), ("5", 11)],
)  # fmt: skip
def test_mrc_sort_rank_is_the_fixed_rank_of_section_3_2(grade, rank):
    assert scales.mrc_rank(MrcGrade(grade)) == rank


def test_mrc_plain_grades_are_the_unmodified_values():
    plain = [grade.value for grade, info in scales.MRC_GRADES.items() if grade != "NT" and not info.is_modifier]
    assert plain == ["0", "1", "2", "3", "4", "5"]


def test_mrc_grade_meanings_follow_the_scales():
    assert scales.MRC_GRADES[MrcGrade.FAIR].mrc_meaning == "Active movement against gravity (no added resistance)"
    assert scales.MRC_GRADES[MrcGrade.NORMAL].mrc_meaning == "Normal power"
    assert scales.MRC_GRADES[MrcGrade.GOOD_MINUS].name == "Good minus"
    assert scales.MRC_GRADES[MrcGrade.GOOD_MINUS].is_modifier
    assert scales.MRC_GRADES[MrcGrade.FAIR_MINUS].meaning == "Cannot hold; gradually gives way from the test position"


def test_mrc_credit_line_is_the_licence_wording():
    assert scales.MRC_CREDIT_LINE == "Used with the permission of the Medical Research Council"


def test_not_tested_muscle_has_no_rank():
    with pytest.raises(ValueError, match="not tested"):
        scales.mrc_rank(MrcGrade.NOT_TESTED)


def test_grade_4_and_below_is_weak_by_default():
    assert scales.is_weak(MrcGrade.GOOD)
    assert scales.is_weak(MrcGrade.GOOD_MINUS)
    assert scales.is_weak(MrcGrade.ZERO)
    assert not scales.is_weak(MrcGrade.GOOD_PLUS)
    assert not scales.is_weak(MrcGrade.NORMAL)


def test_clinic_can_count_4_plus_as_weak():
    assert scales.is_weak(MrcGrade.GOOD_PLUS, threshold=MrcGrade.GOOD_PLUS)
    assert not scales.is_weak(MrcGrade.NORMAL, threshold=MrcGrade.GOOD_PLUS)


def test_not_tested_is_never_weak():
    assert not scales.is_weak(MrcGrade.NOT_TESTED)


@pytest.mark.parametrize(("stored", "weak"), [("NT", False), ("nt", False), ("4", True), ("4+", False)])
def test_a_stored_grade_string_is_judged_like_its_grade(stored, weak):
    assert scales.is_weak(stored) is weak


def test_mrc_grade_parses_and_refuses():
    assert scales.mrc_grade(4) is MrcGrade.GOOD
    assert scales.mrc_grade(" 4- ") is MrcGrade.GOOD_MINUS
    with pytest.raises(ValueError, match="MRC grade must be"):
        scales.mrc_grade("6")
    with pytest.raises(ValueError, match="MRC grade must be"):
        scales.mrc_grade(4.5)


def test_sensory_scores_match_appendix_a():
    assert [score.value for score in SensoryScore] == ["0", "1", "2", "NT"]


def test_hyper_qualifier_goes_with_an_impaired_score():
    finding = SensoryFinding(SensoryScore.IMPAIRED, is_hyper=True)
    assert finding.is_hyper
    assert finding.is_abnormal


@pytest.mark.parametrize("score", [SensoryScore.ABSENT, SensoryScore.NORMAL, SensoryScore.NOT_TESTABLE])
def test_hyper_qualifier_is_refused_with_other_scores(score):
    with pytest.raises(ValueError, match="hyper"):
        SensoryFinding(score, is_hyper=True)


def test_normal_and_untestable_sensation_are_not_abnormal():
    assert not SensoryFinding(SensoryScore.NORMAL).is_abnormal
    assert not SensoryFinding(SensoryScore.NOT_TESTABLE).is_abnormal
    assert SensoryFinding(SensoryScore.ABSENT).is_abnormal


def test_nprs_accepts_whole_numbers_0_to_10():
    assert scales.validate_nprs(0) == 0
    assert scales.validate_nprs(10) == 10


@pytest.mark.parametrize("bad", [-1, 11, 5.5, "5", None, True])
def test_nprs_refuses_values_off_the_scale(bad):
    with pytest.raises(ValueError, match="NPRS must be a whole number"):
        scales.validate_nprs(bad)


def test_nprs_change_reports_points_and_percent_improvement():
    change = scales.nprs_change(6, 4)
    assert change.improvement == 2
    assert change.percent_improvement == pytest.approx(33.33, abs=0.01)
    assert scales.nprs_change(0, 3).percent_improvement is None
    assert scales.nprs_change(3, 5).improvement == -2


def test_nprs_change_is_important_from_2_points_either_way_unless_told_another_mcid():
    assert scales.nprs_change(6, 4).is_important_improvement
    assert not scales.nprs_change(6, 5).is_important_improvement
    assert scales.nprs_change(3, 5).is_important_worsening
    assert not scales.nprs_change(6, 5, mcid=1.5).is_important_improvement
    assert scales.nprs_change(6, 4, mcid=1.5).mcid == 1.5


def test_pain_mcids_carry_their_sources():
    assert {t.value for t in scales.NPRS_MCIDS} >= {1, 2, 1.5, 1.65}
    assert all(t.sources for t in scales.NPRS_MCIDS)
