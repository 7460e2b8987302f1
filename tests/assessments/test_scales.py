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


def test_clonus_and_absent_reflexes_are_always_abnormal():
    assert scales.is_reflex_always_abnormal(ReflexGrade.CLONUS)
    assert scales.is_reflex_always_abnormal(ReflexGrade.ABSENT)
    assert not scales.is_reflex_always_abnormal(ReflexGrade.DIMINISHED)
    assert not scales.is_reflex_always_abnormal(ReflexGrade.NOT_TESTED)


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
    assert [grade.value for grade in scales.MRC_ORDER] == ["0", "1", "2-", "2", "2+", "3-", "3", "3+", "4-", "4",
                                                            "4+", "5"]  # fmt: skip
    assert [grade.value for grade in MrcGrade] == [*(g.value for g in scales.MRC_ORDER), "NT"]


@pytest.mark.parametrize(
    ("grade", "rank"),
    [("0", 0), ("1", 1), ("2-", 2), ("2", 3), ("2+", 4), ("3-", 5), ("3", 6), ("3+", 7), ("4-", 8), ("4", 9),
     ("4+", 10), ("5", 11)],
)  # fmt: skip
def test_mrc_sort_rank_is_the_fixed_rank_of_section_3_2(grade, rank):
    assert scales.mrc_rank(MrcGrade(grade)) == rank


def test_mrc_plain_grades_are_the_unmodified_values():
    assert [grade.value for grade in scales.MRC_PLAIN_GRADES] == ["0", "1", "2", "3", "4", "5"]


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
    assert scales.SENSORY_SCORE_MEANINGS[SensoryScore.NOT_TESTABLE] == "Not testable"


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


def test_nprs_has_no_default_bands_so_the_clinic_passes_its_own():
    bands = (scales.PainBand("low", 0, 4), scales.PainBand("high", 4, None))
    assert scales.nprs_band(3, bands=bands) == "low"
    assert scales.nprs_band(4, bands=bands) == "high"
    assert "Not standardised" in scales.NPRS_BANDS_NOTE


def test_pain_band_refuses_a_score_the_bands_leave_out():
    with pytest.raises(ValueError, match="No pain band covers"):
        scales.pain_band(9, (scales.PainBand("low", 0, 4),))


@pytest.mark.parametrize(
    ("millimetres", "band"), [(0, "mild"), (34, "mild"), (35, "moderate"), (74, "moderate"), (75, "severe"),
                              (100, "severe")],
)  # fmt: skip
def test_vas_bands_follow_boonstra(millimetres, band):
    assert scales.vas_band(millimetres) == band


@pytest.mark.parametrize("bad", [-1, 101, 50.5, "50", None])
def test_vas_refuses_values_off_the_line(bad):
    with pytest.raises(ValueError, match="VAS must be a whole number of millimetres"):
        scales.validate_vas_mm(bad)


def test_vas_converts_centimetres_to_millimetres():
    assert scales.vas_mm_from_cm(3.4) == 34
    assert scales.vas_mm_from_cm(7.5) == 75
    with pytest.raises(ValueError, match="centimetres"):
        scales.vas_mm_from_cm(10.5)


def test_nprs_change_reports_points_and_percent_improvement():
    change = scales.nprs_change(6, 4)
    assert change.improvement == 2
    assert change.percent_improvement == pytest.approx(33.33, abs=0.01)
    assert scales.nprs_change(0, 3).percent_improvement is None
    assert scales.nprs_change(3, 5).improvement == -2


@pytest.mark.parametrize(("baseline", "mcid"), [(1, (1, 1)), (4, (1, 1)), (5, (2, 2)), (7, (2, 2)), (8, (3, 4)),
                                                (10, (3, 4))])  # fmt: skip
def test_back_pain_mcid_depends_on_baseline(baseline, mcid):
    assert scales.nprs_back_pain_mcid(baseline) == mcid


def test_back_pain_mcid_refuses_a_zero_baseline():
    with pytest.raises(ValueError, match="baseline of 0"):
        scales.nprs_back_pain_mcid(0)


def test_pain_mcids_carry_their_sources():
    assert {t.value for t in scales.NPRS_MCIDS} >= {1, 2, 1.5, 1.65}
    assert scales.VAS_MCIDS[0].value == 16.5
    assert scales.VAS_MCIDS[0].unit == "mm"
    assert scales.NPRS_PERCENT_MCIDS == {"slightly_better": 15.0, "much_better": 33.0}
