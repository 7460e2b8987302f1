"""Needling-site rules, adverse-event classes, aftercare and session elements against clinical-reference.md 5.8, 6."""

import dataclasses
from datetime import date

import pytest

from assessments import needling_safety as safety
from assessments.needling_safety import AdverseEventClass, SessionSite, SiteOutcome, check_site
from patients import safety_rules
from patients.safety_rules import AffectedArea, AnswerType, BodyRegion, Flag, FlagCode, Severity

TODAY = date(2026, 3, 2)


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


def check(
    flags: tuple[Flag, ...] = (),
    tags: tuple[str, ...] = (),
    region: str | None = BodyRegion.LOWER_LIMB,
    side: str | None = "L",
    others: tuple[SessionSite, ...] = (),
    note: str = "",
) -> safety.SiteCheck:
    return check_site(
        flags=flags,
        site_tags=tags,
        site_region=region,
        site_side=side,
        other_sites_in_session=others,
        precaution_note=note,
    )


def test_precaution_tags_are_those_of_the_reference():
    assert safety.PRECAUTION_TAGS == ("THORAX", "NV", "DEEP", "CANAL", "VISCERA")
    assert set(safety.PRECAUTION_TAG_MEANINGS) == set(safety.PRECAUTION_TAGS)


def test_a_low_risk_site_for_a_patient_without_flags_is_allowed():
    result = check()
    assert result.outcome is SiteOutcome.ALLOW
    assert result.messages == ()
    assert not result.is_blocked


# 5.8 row 1: any BLEED_* at HIGH and a DEEP site.
def test_high_bleed_risk_at_a_deep_site_needs_confirmation_with_the_apta_wording():
    result = check(flags=(bleed(Severity.HIGH),), tags=("DEEP",))
    assert result.outcome is SiteOutcome.BLOCK_NEEDS_CONFIRMATION
    assert result.needs_confirmation
    assert "[S3]" in result.messages[0].text
    assert result.messages[0].flag_code is FlagCode.BLEED_ANTICOAGULANT


def test_high_bleed_risk_from_the_questionnaire_blocks_a_deep_site():
    result = check(flags=flags_for(A1="yes", A2=["apixaban"]), tags=("DEEP", "NV"))
    assert result.outcome is SiteOutcome.BLOCK_NEEDS_CONFIRMATION


def test_low_platelets_count_as_a_bleeding_risk_at_a_deep_site():
    assert check(flags=flags_for(G1=["low_platelets"]), tags=("DEEP",)).is_blocked


# 5.8 row 2: any BLEED_* at MODERATE and a DEEP site.
def test_moderate_bleed_risk_at_a_deep_site_warns():
    result = check(flags=(bleed(Severity.MODERATE, FlagCode.BLEED_ANTIPLATELET),), tags=("DEEP",))
    assert result.outcome is SiteOutcome.WARN
    assert "[S3]" in result.messages[0].text


def test_an_unclear_bleed_risk_counts_as_moderate_at_a_deep_site():
    assert check(flags=(bleed(Severity.CLARIFY, FlagCode.BLEED_ANTICOAG_UNKNOWN),), tags=("DEEP",)).outcome == "warn"


def test_low_bleed_risk_at_a_deep_site_is_allowed():
    assert check(flags=(bleed(Severity.LOW, FlagCode.BLEED_NSAID),), tags=("DEEP",)).outcome is SiteOutcome.ALLOW


def test_high_bleed_risk_at_a_superficial_site_is_allowed():
    assert check(flags=(bleed(Severity.HIGH),), tags=()).outcome is SiteOutcome.ALLOW


def test_a_high_flag_that_is_not_about_bleeding_does_not_block_a_deep_site():
    assert check(flags=(Flag(FlagCode.EPILEPSY, Severity.HIGH, "test"),), tags=("DEEP",)).outcome == "allow"


# 5.8 row 3: THORAX sites.
def test_a_thorax_site_always_shows_the_pneumothorax_reminder():
    result = check(tags=("THORAX",), region=BodyRegion.UPPER_BACK)
    assert result.outcome is SiteOutcome.WARN
    assert result.messages[0].text == safety.PNEUMOTHORAX_REMINDER
    assert "[P1]" in safety.PNEUMOTHORAX_REMINDER


def test_lung_disease_makes_a_thorax_site_need_confirmation():
    result = check(flags=flags_for(H9="yes"), tags=("THORAX",), region=BodyRegion.UPPER_BACK)
    assert result.outcome is SiteOutcome.BLOCK_NEEDS_CONFIRMATION
    assert result.messages[0].flag_code is FlagCode.THORAX_RISK


def test_lung_disease_does_not_affect_a_site_away_from_the_thorax():
    assert check(flags=flags_for(H9="yes"), tags=("NV",)).outcome is SiteOutcome.WARN
    assert check(flags=flags_for(H9="yes"), tags=()).outcome is SiteOutcome.ALLOW


def test_thorax_sites_on_both_sides_in_one_session_are_blocked():
    result = check(tags=("THORAX",), region=BodyRegion.UPPER_BACK, side="L", others=(SessionSite(("THORAX",), "R"),))
    assert result.outcome is SiteOutcome.BLOCK_NEEDS_CONFIRMATION
    assert result.messages[0].text == safety.BILATERAL_THORAX_WARNING


def test_a_bilateral_thorax_site_is_blocked():
    assert check(tags=("THORAX",), region=BodyRegion.UPPER_BACK, side="B").is_blocked


def test_thorax_sites_on_the_same_side_are_only_reminded():
    result = check(tags=("THORAX",), region=BodyRegion.UPPER_BACK, side="L", others=(SessionSite(("THORAX",), "L"),))
    assert result.outcome is SiteOutcome.WARN


def test_a_non_thorax_site_on_the_other_side_does_not_block_a_thorax_site():
    result = check(tags=("THORAX",), region=BodyRegion.UPPER_BACK, side="L", others=(SessionSite(("NV",), "R"),))
    assert result.outcome is SiteOutcome.WARN


def test_a_thorax_site_with_an_unrecorded_side_is_treated_as_possibly_bilateral():
    result = check(tags=("THORAX",), region=BodyRegion.UPPER_BACK, side=None, others=(SessionSite(("THORAX",), "L"),))
    assert result.is_blocked


# 5.8 row 4: LYMPHOEDEMA_SITE / IMPLANT_SITE / SKIN_SITE / PREGNANCY regions.
def test_a_site_in_a_lymphoedema_limb_is_on_hold():
    flags = flags_for(H2="yes", H2_WHERE=["left_arm"])
    result = check(flags=flags, region=BodyRegion.UPPER_LIMB, side="L")
    assert result.outcome is SiteOutcome.HOLD
    assert result.messages[0].flag_code is FlagCode.LYMPHOEDEMA_SITE


def test_a_site_in_the_other_arm_is_allowed_despite_lymphoedema():
    flags = flags_for(H2="yes", H2_WHERE=["left_arm"])
    assert check(flags=flags, region=BodyRegion.UPPER_LIMB, side="R").outcome is SiteOutcome.ALLOW


def test_a_lymphoedema_location_still_unknown_needs_confirmation_at_every_site():
    result = check(flags=flags_for(H2="not_sure"), region=BodyRegion.HEAD_NECK, side="R")
    assert result.outcome is SiteOutcome.BLOCK_NEEDS_CONFIRMATION


@pytest.mark.parametrize("region", [BodyRegion.ABDOMEN, BodyRegion.PELVIS, BodyRegion.LUMBOSACRAL])
def test_pregnancy_holds_the_abdomen_pelvis_and_low_back(region):
    assert check(flags=flags_for(H1="yes"), region=region, side="M").outcome is SiteOutcome.HOLD


def test_pregnancy_allows_a_site_in_the_neck():
    assert check(flags=flags_for(H1="yes"), region=BodyRegion.HEAD_NECK, side="R").outcome is SiteOutcome.ALLOW


def test_an_implant_not_yet_mapped_needs_confirmation_at_every_site():
    flags = flags_for(H4=["pacemaker"], H4_WHERE="left chest")
    result = check(flags=flags, region=BodyRegion.LOWER_LIMB)
    assert result.outcome is SiteOutcome.BLOCK_NEEDS_CONFIRMATION
    assert "left chest" in result.messages[0].text


def test_a_mapped_implant_holds_only_its_region():
    (implant,) = flags_for(H4=["pacemaker"], H4_WHERE="left chest")
    mapped = dataclasses.replace(implant, areas=(AffectedArea(BodyRegion.CHEST, "L"),), location_note="")
    assert check(flags=(mapped,), region=BodyRegion.CHEST, side="L").outcome is SiteOutcome.HOLD
    assert check(flags=(mapped,), region=BodyRegion.CHEST, side="R").outcome is SiteOutcome.ALLOW


def test_a_skin_problem_not_yet_mapped_needs_confirmation():
    result = check(flags=flags_for(H10="yes", H10_WHERE="rash on my neck"), region=BodyRegion.HEAD_NECK)
    assert result.outcome is SiteOutcome.BLOCK_NEEDS_CONFIRMATION


def test_a_site_of_unknown_region_needs_confirmation_when_a_region_is_held():
    assert check(flags=flags_for(H1="yes"), region=None).outcome is SiteOutcome.BLOCK_NEEDS_CONFIRMATION


def test_recent_surgery_warns_until_its_region_is_mapped():
    assert check(flags=flags_for(H8="yes", H8_WHERE="right knee")).outcome is SiteOutcome.WARN


# 5.8 row 5: CANAL or NV sites.
@pytest.mark.parametrize("tag", ["CANAL", "NV"])
def test_canal_and_nerve_vessel_sites_show_the_anatomical_caution(tag):
    result = check(tags=(tag,), note="Vertebral artery and foramen magnum.")
    assert result.outcome is SiteOutcome.WARN
    assert safety.PRECAUTION_TAG_MEANINGS[tag] in result.messages[0].text
    assert result.messages[0].text.endswith("Vertebral artery and foramen magnum.")


def test_a_patient_wide_hold_holds_every_site():
    result = check(flags=flags_for(H11="very_afraid"))
    assert result.outcome is SiteOutcome.HOLD
    assert result.messages[0].flag_code is FlagCode.NEEDLE_PHOBIA


def test_messages_come_strictest_first():
    flags = (*flags_for(H1="yes"), bleed(Severity.HIGH))
    result = check(flags=flags, tags=("DEEP", "NV"), region=BodyRegion.PELVIS, side="L")
    outcomes = [message.outcome for message in result.messages]
    assert outcomes == [SiteOutcome.HOLD, SiteOutcome.BLOCK_NEEDS_CONFIRMATION, SiteOutcome.WARN]
    assert result.outcome is SiteOutcome.HOLD


def test_an_unknown_tag_is_rejected():
    with pytest.raises(ValueError, match="Unknown precaution tag"):
        check(tags=("LUNG",))


def test_an_unknown_side_is_rejected():
    with pytest.raises(ValueError, match="Unknown side"):
        check(side="left")


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
def test_session_record_elements_cover_header_site_rows_and_close():
    assert "Screening reference" in [element.name for element in safety.SESSION_HEADER_ELEMENTS]
    assert "Muscle" in [element.name for element in safety.SITE_ROW_ELEMENTS]
    assert "Needle accounting" in [element.name for element in safety.SESSION_CLOSE_ELEMENTS]


def test_sitting_position_carries_a_fainting_reminder():
    assert "sitting" in [position.code for position in safety.PATIENT_POSITIONS]
    assert "fainting" in safety.POSITION_REMINDERS["sitting"]
