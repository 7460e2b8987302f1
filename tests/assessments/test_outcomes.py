"""Outcome questionnaire scoring against clinical-reference.md section 4 and Appendix A."""

import pytest

from assessments import outcomes
from assessments.outcomes import Direction, InstrumentCode


def test_scoring_version_is_recorded_with_each_score():
    assert outcomes.SCORING_VERSION == "2026.1"
    assert outcomes.score_psfs([5, 5, 5]).scoring_version == outcomes.SCORING_VERSION


@pytest.mark.parametrize(
    ("code", "items", "item_range"),
    [("NDI", (10, 10), (0, 5)), ("ODI", (10, 10), (0, 5)), ("QuickDASH", (11, 11), (1, 5)),
     ("LEFS", (20, 20), (0, 4)), ("PSFS", (3, 5), (0, 10))],
)  # fmt: skip
def test_structure_matches_appendix_a(code, items, item_range):
    spec = outcomes.instrument(code)
    assert (spec.min_items, spec.max_items) == items
    assert (spec.item_min, spec.item_max) == item_range


@pytest.mark.parametrize(
    ("code", "direction"),
    [("NDI", Direction.HIGHER_IS_WORSE), ("ODI", Direction.HIGHER_IS_WORSE), ("QuickDASH", Direction.HIGHER_IS_WORSE),
     ("LEFS", Direction.HIGHER_IS_BETTER), ("PSFS", Direction.HIGHER_IS_BETTER)],
)  # fmt: skip
def test_score_direction_follows_section_4(code, direction):
    assert outcomes.instrument(code).direction is direction


def test_section_4_gives_no_loinc_codes():
    assert all(spec.loinc is None for spec in outcomes.INSTRUMENTS.values())


def test_default_mcids_follow_section_4():
    assert {code.value: spec.default_mcid for code, spec in outcomes.INSTRUMENTS.items()} == {
        "NDI": 7.5, "ODI": 12, "QuickDASH": 14, "LEFS": 9, "PSFS": 2.3,
    }  # fmt: skip


def test_unknown_instrument_is_refused():
    with pytest.raises(ValueError, match="Unknown instrument 'SF-36'"):
        outcomes.instrument("SF-36")


# --- NDI ----------------------------------------------------------------------------------------------------------


def test_ndi_all_answered_is_the_raw_sum_out_of_50():
    score = outcomes.score_ndi([2, 1, 3, 0, 2, 1, 2, 3, 1, 2])
    assert score.raw_sum == 17
    assert score.score == 17
    assert score.band == "moderate"  # 15-24


def test_ndi_one_missed_item_uses_a_denominator_of_45():
    score = outcomes.score_ndi([3, 3, 3, 3, 3, 3, 3, 3, 3, None])
    assert score.raw_sum == 27
    assert score.score == pytest.approx(27 / 45 * 50)
    assert score.score == pytest.approx(30)  # same as adding the mean of the answered items (Vernon)
    assert score.missing_items == (10,)
    assert score.band == "severe"


@pytest.mark.parametrize(
    ("total", "band"), [(0, "none"), (4, "none"), (5, "mild"), (14, "mild"), (15, "moderate"), (24, "moderate"),
                        (25, "severe"), (34, "severe"), (35, "complete"), (50, "complete")],
)  # fmt: skip
def test_ndi_bands_follow_vernon(total, band):
    items = [5] * (total // 5) + ([total % 5] if total % 5 else [])
    items += [0] * (10 - len(items))
    assert outcomes.score_ndi(items).band == band


def test_ndi_refuses_two_missed_items_by_default():
    with pytest.raises(ValueError, match="2 items missing; at most 1"):
        outcomes.score_ndi([1] * 8 + [None, None])
    assert outcomes.score_ndi([1] * 8 + [None, None], max_missing=2).score == pytest.approx(10)


# --- ODI ----------------------------------------------------------------------------------------------------------


def test_odi_is_a_percentage_of_the_answered_sections():
    score = outcomes.score_odi([2, 3, 1, 2, 4, 2, 1, 0, 3, 2])
    assert score.raw_sum == 20
    assert score.score == 40
    assert score.band == "moderate"


def test_odi_unanswered_section_reduces_the_denominator_by_5():
    score = outcomes.score_odi([3, 3, 3, 3, 3, 3, 3, 3, None, 3])  # 27 / 45
    assert score.score == pytest.approx(60)
    assert score.band == "severe"


@pytest.mark.parametrize(
    ("total", "band"), [(0, "minimal"), (10, "minimal"), (11, "moderate"), (20, "moderate"), (21, "severe"),
                        (30, "severe"), (31, "crippled"), (40, "crippled"), (41, "bed-bound or exaggerating")],
)  # fmt: skip
def test_odi_bands_follow_section_4(total, band):
    items = [5] * (total // 5) + ([total % 5] if total % 5 else [])
    items += [0] * (10 - len(items))
    assert outcomes.score_odi(items).band == band


def test_odi_refuses_no_answers():
    with pytest.raises(ValueError, match="no sections answered"):
        outcomes.score_odi([None] * 10)


# --- QuickDASH ----------------------------------------------------------------------------------------------------


def test_quickdash_is_mean_minus_one_times_25():
    assert outcomes.score_quickdash([1] * 11).score == 0
    assert outcomes.score_quickdash([5] * 11).score == 100
    score = outcomes.score_quickdash([2, 3, 2, 4, 1, 3, 2, 2, 3, 1, 3])  # sum 26
    assert score.score == pytest.approx((26 / 11 - 1) * 25)
    assert score.band is None  # no official bands


def test_quickdash_scores_with_one_item_missing():
    score = outcomes.score_quickdash([3] * 10 + [None])
    assert score.score == 50
    assert score.answered == 10


def test_quickdash_refuses_two_items_missing():
    with pytest.raises(ValueError, match="at least 10 of 11 items answered, got 9"):
        outcomes.score_quickdash([3] * 9 + [None, None])


def test_quickdash_unofficial_bands_are_available_but_not_applied():
    assert outcomes.band_for(16, outcomes.QUICKDASH_UNOFFICIAL_BANDS) == "mild"
    assert not outcomes.QUICKDASH.bands_are_verified


# --- LEFS and PSFS ------------------------------------------------------------------------------------------------


def test_lefs_is_the_sum_of_20_items():
    score = outcomes.score_lefs([4] * 10 + [2] * 10)
    assert score.score == 60


def test_lefs_requires_every_item():
    with pytest.raises(ValueError, match="LEFS item 20 is missing"):
        outcomes.score_lefs([4] * 19 + [None])


def test_psfs_is_the_mean_of_the_activities():
    assert outcomes.score_psfs([3, 5, 4]).score == 4
    assert outcomes.score_psfs([2, 4, 6, 8, 10]).score == 6


@pytest.mark.parametrize("ratings", [[5, 5], [5] * 6])
def test_psfs_needs_3_to_5_activities(ratings):
    with pytest.raises(ValueError, match="PSFS has 3-5 items"):
        outcomes.score_psfs(ratings)


# --- Errors shared by every scorer --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scorer", "items", "message"),
    [
        (outcomes.score_ndi, [1] * 9, "NDI has 10 items, got 9"),
        (outcomes.score_ndi, [1] * 9 + [6], "NDI item 10 must be a whole number from 0 to 5, got 6"),
        (outcomes.score_odi, [1] * 9 + [-1], "ODI item 10 must be a whole number from 0 to 5"),
        (outcomes.score_odi, [1] * 9 + [2.5], "ODI item 10 must be a whole number"),
        (outcomes.score_quickdash, [0] + [3] * 10, "QuickDASH item 1 must be a whole number from 1 to 5, got 0"),
        (outcomes.score_lefs, [4] * 19 + [True], "LEFS item 20 must be a whole number"),
        (outcomes.score_psfs, [5, 5, 11], "PSFS item 3 must be a whole number from 0 to 10, got 11"),
        (outcomes.score_psfs, [5, 5, None], "PSFS item 3 is missing"),
        (outcomes.score_psfs, "555", "must be a list"),
        (outcomes.score_ndi, None, "must be a list"),
    ],
)
def test_scorers_refuse_bad_responses_with_a_clear_message(scorer, items, message):
    with pytest.raises(ValueError, match=message):
        scorer(items)


def test_every_instrument_has_a_scorer():
    assert set(outcomes.SCORERS) == set(InstrumentCode)


# --- Change from baseline -----------------------------------------------------------------------------------------


def test_ndi_drop_of_8_points_is_an_important_improvement():
    change = outcomes.score_change("NDI", 20, 12)
    assert change.change == -8
    assert change.improvement == 8
    assert change.is_important_improvement
    assert not change.is_important_worsening


def test_lefs_rise_below_9_points_is_not_important():
    change = outcomes.score_change(InstrumentCode.LEFS, 40, 48)
    assert change.improvement == 8
    assert not change.is_important_improvement


def test_odi_rise_of_12_points_is_an_important_worsening():
    change = outcomes.score_change("ODI", 30, 42)
    assert change.improvement == -12
    assert change.is_important_worsening


def test_clinic_can_choose_another_mcid():
    assert outcomes.score_change("PSFS", 4, 6, mcid=2).is_important_improvement
    assert not outcomes.score_change("PSFS", 4, 6).is_important_improvement  # default 2.3


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (("NDI", 51, 10), {}, "NDI baseline score must be from 0 to 50, got 51"),
        (("LEFS", 40, 81), {}, "LEFS follow-up score must be from 0 to 80"),
        (("PSFS", "4", 6), {}, "PSFS baseline score must be a number"),
        (("ODI", 30, 20), {"mcid": 0}, "MCID must be a positive number"),
        (("XYZ", 1, 2), {}, "Unknown instrument"),
    ],
)
def test_score_change_refuses_bad_input(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        outcomes.score_change(*args, **kwargs)


# --- Entry item by item ----------------------------------------------------------------------------------------


def test_each_instrument_has_one_topic_per_item_and_an_answer_per_scale_point() -> None:
    for code, spec in outcomes.INSTRUMENTS.items():
        assert len(outcomes.ITEM_TOPICS[code]) == spec.max_items
        assert [value for value, _ in outcomes.answer_choices(code)] == list(range(spec.item_min, spec.item_max + 1))


def test_the_ndi_and_odi_items_are_the_topics_section_4_names() -> None:
    assert outcomes.ITEM_TOPICS[outcomes.InstrumentCode.NDI][:3] == ("Pain intensity", "Personal care", "Lifting")
    assert outcomes.ITEM_TOPICS[outcomes.InstrumentCode.ODI][-3:] == ("Sex life", "Social life", "Travelling")


def test_the_answers_carry_the_scales_end_points_from_section_4() -> None:
    assert outcomes.answer_choices("QuickDASH") == (
        (1, "1: no difficulty"), (2, "2"), (3, "3"), (4, "4"), (5, "5: unable or extreme"),
    )  # fmt: skip
    assert outcomes.answer_choices("LEFS")[0] == (0, "0: extreme difficulty or unable")
    assert outcomes.answer_choices("PSFS")[-1] == (10, "10: able to perform at the level before the injury")


def test_the_regions_of_a_complaint_offer_their_instruments_then_the_psfs() -> None:
    assert outcomes.instruments_for_regions(["head_neck", "upper_limb", "shoulder"]) == ("NDI", "QuickDASH", "PSFS")
    assert outcomes.instruments_for_regions(["lumbosacral", "buttock", "lower_limb"]) == ("ODI", "LEFS", "PSFS")
    assert outcomes.instruments_for_regions(["chest"]) == ("PSFS",)
    assert outcomes.instruments_for_regions([]) == ("PSFS",)


def test_the_missing_item_rules_follow_section_4() -> None:
    assert dict(outcomes.MAX_MISSING) == {"NDI": 1, "ODI": 9, "QuickDASH": 1, "LEFS": 0, "PSFS": 0}
