"""The patient-level half of the needling gate (pure): each hold and caution, in words, with its rule."""

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest

from patients.gate import (
    ConsentScope,
    ConsentStatus,
    FlagState,
    GateSettings,
    PatientSafetyState,
    QuestionnaireStatus,
    ReasonKind,
    RecheckStatus,
    patient_decision,
)
from patients.safety_rules import BodyRegion, Flag, FlagCode, Severity

TODAY = date(2026, 12, 7)
SCOPE = ConsentScope(frozenset({BodyRegion.HEAD_NECK}), frozenset({BodyRegion.HEAD_NECK}))


BASE = PatientSafetyState(questionnaire_on=date(2026, 11, 14), consent=SCOPE, recheck=RecheckStatus.NO_CHANGE)


def state(**changes: Any) -> PatientSafetyState:
    return replace(BASE, **changes)


def flag(code: FlagCode, severity: Severity) -> Flag:
    return Flag(code, severity, "answer")


def test_a_patient_with_everything_in_order_is_clear() -> None:
    decision = patient_decision(state(), today=TODAY)
    assert decision.is_clear
    assert decision.holds == ()
    assert decision.questionnaire is QuestionnaireStatus.CURRENT
    assert decision.questionnaire_expires_on == date(2027, 2, 12)


def test_no_questionnaire_holds_and_asks_for_the_link() -> None:
    decision = patient_decision(state(questionnaire_on=None), today=TODAY)
    assert not decision.is_clear
    assert decision.questionnaire is QuestionnaireStatus.MISSING
    assert [reason.text for reason in decision.holds] == [
        "No safety questionnaire has been completed: send the patient the link."
    ]


@pytest.mark.parametrize(
    ("age", "status", "held"),
    [
        (0, QuestionnaireStatus.CURRENT, False),
        (82, QuestionnaireStatus.CURRENT, False),
        (83, QuestionnaireStatus.EXPIRING, False),
        (90, QuestionnaireStatus.EXPIRING, False),
        (91, QuestionnaireStatus.EXPIRED, True),
        (400, QuestionnaireStatus.EXPIRED, True),
    ],
)
def test_the_questionnaire_expires_after_the_clinic_limit(age: int, status: QuestionnaireStatus, held: bool) -> None:
    decision = patient_decision(state(questionnaire_on=TODAY - timedelta(days=age)), today=TODAY)
    assert decision.questionnaire is status
    assert (not decision.is_clear) is held
    if status is QuestionnaireStatus.EXPIRING:
        assert decision.cautions[0].text.startswith("The safety questionnaire expires ")
        assert decision.cautions[0].rule == "5.7 R35"
    if held:
        assert decision.holds[0].kind is ReasonKind.QUESTIONNAIRE
        assert f"is {age} days old, past the clinic's limit of 90 days" in decision.holds[0].text


def test_the_limit_and_the_warning_window_are_settings() -> None:
    decision = patient_decision(
        state(questionnaire_on=TODAY - timedelta(days=20)),
        today=TODAY,
        settings=GateSettings(questionnaire_valid_days=30, expiring_within_days=10),
    )
    assert decision.questionnaire is QuestionnaireStatus.EXPIRING


def test_open_flags_hold_by_name_and_info_needs_nothing() -> None:
    flags = (
        FlagState(flag(FlagCode.BLEED_ANTICOAGULANT, Severity.HIGH), False),
        FlagState(flag(FlagCode.DIABETES, Severity.LOW), True),
        FlagState(flag(FlagCode.FAMILY_BLEEDING, Severity.INFO), False),
    )
    decision = patient_decision(state(flags=flags), today=TODAY)
    assert [reason.text for reason in decision.holds] == ["1 safety flag to acknowledge: Takes an anticoagulant."]
    assert decision.flags_to_acknowledge == (flags[0].flag,)
    assert decision.highest_severity is Severity.HIGH


def test_a_patient_wide_hold_holds_until_resolved_and_then_no_longer_shapes_sites() -> None:
    phobia = flag(FlagCode.NEEDLE_PHOBIA, Severity.HOLD)
    held = patient_decision(state(flags=(FlagState(phobia, False),)), today=TODAY)
    assert held.holds[0].kind is ReasonKind.PATIENT_HOLD
    assert held.holds[0].text.startswith("Needling is on hold: Needle phobia.")
    resolved = patient_decision(state(flags=(FlagState(phobia, True),)), today=TODAY)
    assert resolved.is_clear
    assert resolved.flags_in_force == ()


def test_consent_missing_or_withdrawn_holds() -> None:
    missing = patient_decision(state(consent=None), today=TODAY)
    assert missing.consent is ConsentStatus.MISSING
    assert missing.holds[0].text == "There is no consent to IMS on file: record it first."
    withdrawn = patient_decision(state(consent=None, consent_withdrawn_on=date(2026, 12, 1)), today=TODAY)
    assert withdrawn.consent is ConsentStatus.WITHDRAWN
    assert withdrawn.holds[0].text.startswith("The patient withdrew their consent to IMS on 1 December 2026")


@pytest.mark.parametrize(
    ("recheck", "held"),
    [
        (RecheckStatus.DUE, True),
        (RecheckStatus.AWAITING_QUESTIONNAIRE, True),
        (RecheckStatus.NO_CHANGE, False),
        (RecheckStatus.CHANGES_RECORDED, False),
    ],
)
def test_the_visit_recheck_comes_before_the_first_site(recheck: RecheckStatus, held: bool) -> None:
    decision = patient_decision(state(recheck=recheck), today=TODAY)
    assert (not decision.is_clear) is held
    if held:
        assert [reason.kind for reason in decision.holds] == [ReasonKind.RECHECK]
    if recheck is RecheckStatus.DUE:
        assert decision.holds[0].text.startswith("Ask the visit's re-check first: since the questionnaire of 14 Nov")


def test_every_reason_is_kept_together() -> None:
    decision = patient_decision(
        state(is_archived=True, questionnaire_on=None, consent=None, recheck=RecheckStatus.DUE), today=TODAY
    )
    assert [reason.kind for reason in decision.holds] == [
        ReasonKind.ARCHIVED,
        ReasonKind.QUESTIONNAIRE,
        ReasonKind.CONSENT,
    ]
    assert all(reason.rule for reason in decision.holds)
