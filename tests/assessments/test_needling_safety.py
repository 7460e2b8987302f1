"""Needling-site rules of 5.8 through the site gate, adverse-event classes, aftercare and session choices (5.8, 6)."""

import dataclasses
from datetime import date, timedelta

import pytest

from assessments import anatomy
from assessments import needling_safety as safety
from assessments.needling_safety import AdverseEventClass
from assessments.site_gate import (
    BILATERAL_THORAX_TEXT,
    DEEP_BLEEDING_CAUTION_TEXT,
    DEEP_BLEEDING_HELD_TEXT,
    PNEUMOTHORAX_TEXT,
    PlannedSite,
    SiteDecision,
    Verdict,
    decide_site,
    site_region,
)
from patients import safety_rules
from patients.gate import ConsentScope, FlagState, PatientSafetyState, ReasonKind, RecheckStatus, patient_decision
from patients.safety_rules import AffectedArea, AnswerType, BodyRegion, Flag, FlagCode, Severity

TODAY = date(2026, 3, 2)
EVERY_REGION = ConsentScope(frozenset(BodyRegion), frozenset(BodyRegion))


def all_no_answers() -> dict[str, object]:
    """A complete questionnaire answered No (or None of these) throughout."""
    given: dict[str, object] = {"Q0_2": "1980-05-17", "Z1": True, "Z1_NAME": "Ana Lee"}
    for question in safety_rules.visible_questions({}):
        if question.is_required and question.code not in given:
            given[question.code] = ["none"] if question.answer_type is AnswerType.MULTI_CHOICE else "no"
    return given


def flags_for(**answers: object) -> tuple[Flag, ...]:
    return safety_rules.evaluate({**all_no_answers(), **answers}, today=TODAY).flags


def test_all_no_answers_are_complete_and_raise_no_flags():
    assert safety_rules.is_complete(all_no_answers(), today=TODAY)
    assert flags_for() == ()


def bleed(severity: Severity, code: FlagCode = FlagCode.BLEED_ANTICOAGULANT) -> Flag:
    return Flag(code, severity, "test")


def decide(
    muscle: str,
    side: str = "L",
    *,
    level: str = "",
    flags: tuple[Flag, ...] = (),
    acknowledged: bool = True,
    others: tuple[tuple[str, str], ...] = (),
) -> SiteDecision:
    """The gate's answer for a site of a patient otherwise clear: consent for every region, today's re-check."""
    state = PatientSafetyState(
        questionnaire_on=TODAY - timedelta(days=3),
        flags=tuple(FlagState(flag, acknowledged) for flag in flags),
        consent=EVERY_REGION,
        recheck=RecheckStatus.NO_CHANGE,
    )
    return decide_site(
        patient_decision(state, today=TODAY),
        PlannedSite(muscle, side, level),
        other_sites=tuple(PlannedSite(other, other_side) for other, other_side in others),
    )


def texts(reasons: tuple) -> list[str]:
    return [reason.text for reason in reasons]


def test_precaution_tags_are_those_of_the_reference():
    assert [tag.value for tag in anatomy.PrecautionTag] == ["THORAX", "NV", "DEEP", "CANAL", "VISCERA"]
    assert set(anatomy.PRECAUTION_TAG_DESCRIPTIONS) == set(anatomy.PrecautionTag)


def test_a_low_risk_site_for_a_patient_without_flags_is_allowed():
    result = decide("vastus-lateralis")
    assert result.verdict is Verdict.ALLOWED
    assert result.reasons == ()
    assert not result.is_held and not result.needs_note


# 5.8 row 1: any BLEED_* at HIGH and a DEEP site.
def test_high_bleed_risk_at_a_deep_site_needs_confirmation_with_the_apta_wording():
    result = decide("gluteus-minimus", flags=(bleed(Severity.HIGH),))
    assert result.verdict is Verdict.NEEDS_NOTE
    assert result.needs_note
    assert texts(result.confirmations) == [DEEP_BLEEDING_HELD_TEXT.format(flags="Takes an anticoagulant")]
    assert result.confirmations[0].rule == "5.8 (APTA)"


def test_high_bleed_risk_from_the_questionnaire_blocks_a_deep_site():
    result = decide("soleus", flags=flags_for(A1="yes", A2=["apixaban"]))
    assert result.verdict is Verdict.NEEDS_NOTE
    assert result.confirmations[0].text.startswith("Deep muscle with a high bleeding risk")


def test_low_platelets_count_as_a_bleeding_risk_at_a_deep_site():
    result = decide("gluteus-minimus", flags=flags_for(G1=["low_platelets"]))
    assert result.verdict in (Verdict.NEEDS_NOTE, Verdict.HELD)
    assert any(reason.rule == "5.8 (APTA)" for reason in result.confirmations)


# 5.8 row 2: any BLEED_* at MODERATE and a DEEP site.
def test_moderate_bleed_risk_at_a_deep_site_warns():
    flag = bleed(Severity.MODERATE, FlagCode.BLEED_ANTIPLATELET)
    result = decide("gluteus-minimus", flags=(flag,))
    assert result.verdict is Verdict.CAUTION
    title = flag.definition.title.split(":")[0]
    assert texts(result.cautions) == [DEEP_BLEEDING_CAUTION_TEXT.format(flags=title)]
    assert result.cautions[0].rule == "5.8 (APTA)"


def test_an_unclear_bleed_risk_counts_as_moderate_at_a_deep_site():
    result = decide("gluteus-minimus", flags=(bleed(Severity.CLARIFY, FlagCode.BLEED_ANTICOAG_UNKNOWN),))
    assert result.verdict is Verdict.CAUTION
    assert result.cautions[0].text.startswith("Deep muscle with a bleeding risk")


def test_low_bleed_risk_at_a_deep_site_is_allowed():
    assert decide("gluteus-minimus", flags=(bleed(Severity.LOW, FlagCode.BLEED_NSAID),)).verdict is Verdict.ALLOWED


def test_high_bleed_risk_at_a_superficial_site_is_allowed():
    assert decide("vastus-lateralis", flags=(bleed(Severity.HIGH),)).verdict is Verdict.ALLOWED


def test_a_high_flag_that_is_not_about_bleeding_does_not_block_a_deep_site():
    flags = (Flag(FlagCode.EPILEPSY, Severity.HIGH, "test"),)
    assert decide("gluteus-minimus", flags=flags).verdict is Verdict.ALLOWED


# 5.8 row 3: THORAX sites.
def test_a_thorax_site_always_shows_the_pneumothorax_reminder():
    result = decide("rhomboids")
    assert result.verdict is Verdict.CAUTION
    assert texts(result.cautions) == [PNEUMOTHORAX_TEXT]
    assert result.cautions[0].rule == "2.3, 5.8"


def test_lung_disease_makes_a_thorax_site_need_confirmation():
    result = decide("rhomboids", flags=flags_for(H9="yes"))
    assert result.verdict is Verdict.NEEDS_NOTE
    assert "this site lies over the lung" in result.confirmations[0].text


def test_lung_disease_does_not_affect_a_site_away_from_the_thorax():
    assert decide("supinator", flags=flags_for(H9="yes")).verdict is Verdict.CAUTION  # its NV caution only
    assert decide("vastus-lateralis", flags=flags_for(H9="yes")).verdict is Verdict.ALLOWED


def test_thorax_sites_on_both_sides_in_one_session_are_blocked():
    result = decide("rhomboids", "L", others=(("rhomboids", "R"),))
    assert result.verdict is Verdict.NEEDS_NOTE
    assert texts(result.confirmations) == [BILATERAL_THORAX_TEXT]


def test_a_bilateral_thorax_site_is_blocked():
    assert decide("rhomboids", "B").verdict is Verdict.NEEDS_NOTE


def test_thorax_sites_on_the_same_side_are_only_reminded():
    assert decide("rhomboids", "L", others=(("middle-lower-trapezius", "L"),)).verdict is Verdict.CAUTION


def test_a_non_thorax_site_on_the_other_side_does_not_block_a_thorax_site():
    assert decide("rhomboids", "L", others=(("supinator", "R"),)).verdict is Verdict.CAUTION


def test_a_thorax_site_beside_one_recorded_on_both_sides_is_treated_as_possibly_bilateral():
    assert decide("rhomboids", "L", others=(("pectoralis-major", "B"),)).verdict is Verdict.NEEDS_NOTE


# 5.8 row 4: LYMPHOEDEMA_SITE / IMPLANT_SITE / SKIN_SITE / PREGNANCY regions.
def test_a_site_in_a_lymphoedema_limb_is_on_hold():
    result = decide("deltoid", "L", flags=flags_for(H2="yes", H2_WHERE=["left_arm"]))
    assert result.verdict is Verdict.HELD
    [hold] = result.holds
    assert hold.kind is ReasonKind.SITE
    assert hold.text.startswith("Lymphoedema or lymph nodes removed: the arm, left, is inside the region")


@pytest.mark.parametrize("muscle", ["infraspinatus", "subscapularis", "pectoralis-major", "upper-trapezius"])
def test_lymphoedema_of_an_arm_holds_its_quadrant_on_that_side(muscle):
    flags = flags_for(H2="yes", H2_WHERE=["left_arm"])
    assert decide(muscle, "L", flags=flags).verdict is Verdict.HELD
    assert decide(muscle, "R", flags=flags).verdict is not Verdict.HELD


def test_a_site_in_the_other_arm_is_allowed_despite_lymphoedema():
    assert decide("deltoid", "R", flags=flags_for(H2="yes", H2_WHERE=["left_arm"])).verdict is Verdict.ALLOWED


def test_a_lymphoedema_location_still_unknown_needs_confirmation_at_every_site():
    assert decide("deltoid", "R", flags=flags_for(H2="not_sure")).verdict is Verdict.NEEDS_NOTE


@pytest.mark.parametrize(
    ("muscle", "level"), [("rectus-abdominis-obliques", ""), ("iliopsoas", ""), ("lumbar-erector-spinae", "L4")]
)
@pytest.mark.parametrize("side", ["L", "R"])
def test_pregnancy_holds_the_abdomen_pelvis_and_low_back(muscle, level, side):
    result = decide(muscle, side, level=level, flags=flags_for(H1="yes"))
    assert result.verdict is Verdict.HELD
    assert [reason.kind for reason in result.holds] == [ReasonKind.SITE]


def test_pregnancy_allows_a_site_in_the_neck_or_the_arm():
    neck = decide("sternocleidomastoid", "R", flags=flags_for(H1="yes"))
    assert (neck.verdict, neck.holds, neck.confirmations) == (Verdict.CAUTION, (), ())
    assert decide("deltoid", "R", flags=flags_for(H1="yes")).verdict is Verdict.ALLOWED


def test_an_implant_not_yet_mapped_needs_confirmation_at_every_site():
    result = decide("vastus-lateralis", flags=flags_for(H4=["pacemaker"], H4_WHERE="left chest"))
    assert result.verdict is Verdict.NEEDS_NOTE
    assert "left chest" in result.confirmations[0].text


def test_a_mapped_implant_holds_only_its_region():
    implant = next(flag for flag in flags_for(H4=["pacemaker"], H4_WHERE="left chest") if flag.site_severity)
    mapped = (dataclasses.replace(implant, areas=(AffectedArea(BodyRegion.CHEST, "L"),), location_note=""),)
    assert decide("pectoralis-major", "L", flags=mapped).verdict is Verdict.HELD
    assert decide("pectoralis-major", "R", flags=mapped).verdict is Verdict.CAUTION  # the pneumothorax reminder only


def test_a_skin_problem_not_yet_mapped_needs_confirmation():
    assert decide("sternocleidomastoid", flags=flags_for(H10="yes", H10_WHERE="rash on my neck")).needs_note


def test_every_catalogue_muscle_lies_in_a_region_and_an_unknown_one_is_refused():
    assert {code for code in anatomy.MUSCLES if site_region(code) in BodyRegion} == set(anatomy.MUSCLES)
    with pytest.raises(ValueError, match="Unknown muscle"):
        site_region("biceps-femoris-minor")


def test_recent_surgery_warns_until_its_region_is_mapped():
    assert decide("vastus-lateralis", flags=flags_for(H8="yes", H8_WHERE="right knee")).verdict is Verdict.CAUTION


# 5.8 row 5: CANAL or NV sites.
@pytest.mark.parametrize(
    ("muscle", "words"),
    [
        ("semispinalis-splenius-capitis", "Close to the spinal canal or the vertebral artery"),
        ("supinator", "A major nerve or vessel lies nearby."),
    ],
)
def test_canal_and_nerve_vessel_sites_show_the_anatomical_caution(muscle, words):
    result = decide(muscle)
    assert result.verdict is Verdict.CAUTION
    [caution] = result.cautions
    assert words in caution.text
    assert caution.text.endswith(anatomy.muscle(muscle).caution)


def test_a_patient_wide_hold_holds_every_site():
    result = decide("vastus-lateralis", flags=flags_for(H11="very_afraid"), acknowledged=False)
    assert result.verdict is Verdict.HELD
    assert ReasonKind.PATIENT_HOLD in [reason.kind for reason in result.holds]


def test_messages_come_strictest_first():
    flags = (*flags_for(H1="yes"), bleed(Severity.HIGH))
    result = decide("iliopsoas", "L", flags=flags)
    assert result.verdict is Verdict.HELD
    assert result.holds and result.confirmations and result.cautions
    assert result.reasons == (*result.holds, *result.confirmations, *result.cautions)


# Adverse events (6.1, 6.2, 6.3).
def test_adverse_event_classes_are_those_of_appendix_a():
    assert [ae_class.value for ae_class in AdverseEventClass] == ["mild", "significant", "serious"]
    assert [info.ae_class for info in safety.ADVERSE_EVENT_CLASSES] == list(AdverseEventClass)


def test_significant_and_serious_events_are_incidents_and_mild_ones_are_not():
    info = safety.ADVERSE_EVENT_CLASS_INFO
    assert not info[AdverseEventClass.MILD].is_incident
    assert info[AdverseEventClass.SIGNIFICANT].is_incident and info[AdverseEventClass.SERIOUS].is_incident
    assert "critical event management plan" in info[AdverseEventClass.SERIOUS].action


def test_pneumothorax_is_a_serious_event_and_bruising_a_mild_one():
    types = safety.ADVERSE_EVENT_TYPE_BY_CODE
    assert types["pneumothorax"].usual_class is AdverseEventClass.SERIOUS
    assert types["bruising"].usual_class is AdverseEventClass.MILD
    assert "7.55%" in types["bruising"].frequency


def test_consent_risks_use_the_adverse_event_classes():
    assert {risk.ae_class for risk in safety_rules.STANDARD_RISKS} <= set(AdverseEventClass)


# Aftercare (6.4 "Advice given").
def test_aftercare_says_soreness_lasts_24_to_48_hours():
    assert "24 to 48 hours" in safety.aftercare_advice(has_thorax_site=False)
    assert "short of breath" not in safety.aftercare_advice(has_thorax_site=False)


def test_aftercare_after_thorax_needling_warns_about_breathlessness_and_chest_pain():
    advice = safety.aftercare_advice(has_thorax_site=True)
    assert "short of breath" in advice and "chest pain" in advice and "urgent medical care" in advice


# Session record (6.4).
def test_sitting_is_one_of_the_patient_positions():
    assert "sitting" in [position.code for position in safety.PATIENT_POSITIONS]
