"""The gate before a needled site is saved, read from what is stored: the whole patient, then 5.8's site rules."""

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from assessments import anatomy
from assessments import services as assessment_services
from assessments.site_gate import PlannedSite, Verdict, decide_site, site_region
from ims_clinic.demo import ALL_NO
from patients import services
from patients.gate import ConsentStatus, QuestionnaireStatus, ReasonKind, RecheckStatus
from patients.models import SafetyRecheck
from patients.safety_rules import BodyRegion
from patients.safety_state import patient_decision
from tests.factories import ConsentFactory, PatientFactory, SafetyRecheckFactory, UserFactory, clear_for_needling


def submitted(patient: object, **changes: object) -> object:
    """A questionnaire the patient submitted through a real link, with the given answers changed."""
    link, _ = services.questionnaire_link_issue(
        patient=patient, issued_by=UserFactory(), link_url=str, submission_key=uuid.uuid4(), send_email=False
    )
    services.questionnaire_confirm_date_of_birth(link=link, date_of_birth=patient.date_of_birth)
    services.questionnaire_save_answers(link=link, answers={**ALL_NO, "Z1_NAME": "Pat Doe", **changes})
    return services.questionnaire_submit(link=link)


def acknowledge_all(response: object) -> None:
    physio = UserFactory()
    for flag in response.flags.all():
        if flag.is_open:
            services.safety_flag_acknowledge(flag=flag, acknowledged_by=physio, note="Plan discussed with patient.")


def site(patient: object, muscle: str, side: str, level: str = "", others: tuple[PlannedSite, ...] = ()) -> object:
    return decide_site(patient_decision(patient=patient), PlannedSite(muscle, side, level), other_sites=others)


@pytest.fixture
def patient(db: None) -> object:
    patient = PatientFactory()
    ConsentFactory(patient=patient)
    return patient


def test_every_catalogue_muscle_has_a_body_region() -> None:
    assert {code: site_region(code) in BodyRegion for code in anatomy.MUSCLES} == dict.fromkeys(anatomy.MUSCLES, True)


@pytest.mark.django_db
def test_without_a_questionnaire_no_site_may_be_needled(patient: object) -> None:
    decision = patient_decision(patient=patient)

    assert not decision.is_clear
    assert decision.questionnaire is QuestionnaireStatus.MISSING
    assert "No safety questionnaire has been completed: send the patient the link." in [
        reason.text for reason in decision.holds
    ]
    assert site(patient, "deltoid", "L").is_held


@pytest.mark.django_db
def test_unacknowledged_flags_stop_needling_until_acknowledged(patient: object) -> None:
    response = submitted(patient, A1="yes", A2=["apixaban"])
    clear_for_needling(patient)

    before = patient_decision(patient=patient)
    acknowledge_all(response)
    after = patient_decision(patient=patient)

    assert not before.is_clear
    assert [reason.kind for reason in before.holds] == [ReasonKind.FLAGS]
    assert before.holds[0].text == "1 safety flag to acknowledge: Takes an anticoagulant."
    assert after.is_clear


@pytest.mark.django_db
def test_the_visit_recheck_of_today_is_needed_before_the_first_site(patient: object) -> None:
    acknowledge_all(submitted(patient))
    clear_for_needling(patient, regions=("head_neck", "upper_back"))
    SafetyRecheck.objects.filter(patient=patient).update(asked_at=timezone.now() - timedelta(days=1))

    yesterday_only = patient_decision(patient=patient)
    SafetyRecheckFactory(patient=patient)
    today = patient_decision(patient=patient)

    assert yesterday_only.recheck is RecheckStatus.DUE
    assert [reason.kind for reason in yesterday_only.holds] == [ReasonKind.RECHECK]
    assert yesterday_only.holds[0].text.startswith("Ask the visit's re-check first:")
    assert today.is_clear and today.recheck is RecheckStatus.NO_CHANGE


@pytest.mark.django_db
def test_a_site_outside_the_consents_regions_waits_for_consent_to_that_region(patient: object) -> None:
    acknowledge_all(submitted(patient))
    SafetyRecheckFactory(patient=patient)

    arm = site(patient, "deltoid", "L")
    neck = site(patient, "sternocleidomastoid", "L")
    clear_for_needling(patient, regions=("upper_limb",))
    extended = site(patient, "deltoid", "L")

    assert arm.is_held and arm.consent_region_missing is BodyRegion.UPPER_LIMB
    assert [reason.text for reason in arm.holds] == [
        "Consent does not cover the arm: record the patient's consent for this region first."
    ]
    assert not neck.is_held
    assert extended.verdict is Verdict.ALLOWED


@pytest.mark.django_db
def test_lymphoedema_of_the_left_arm_holds_the_left_arm_and_its_quadrant_only(patient: object) -> None:
    acknowledge_all(submitted(patient, H2="yes", H2_WHERE=["left_arm"]))
    clear_for_needling(patient)

    left = site(patient, "deltoid", "L")
    shoulder_blade = site(patient, "infraspinatus", "L")
    right = site(patient, "deltoid", "R")
    back = site(patient, "lumbar-multifidus", "L", "L4")

    assert left.verdict is Verdict.HELD and [reason.kind for reason in left.holds] == [ReasonKind.SITE]
    assert shoulder_blade.verdict is Verdict.HELD
    assert not right.is_held and not back.is_held


@pytest.mark.django_db
def test_a_blood_thinner_asks_for_confirmation_at_a_deep_site_only(patient: object) -> None:
    acknowledge_all(submitted(patient, A1="yes", A2=["apixaban"]))
    clear_for_needling(patient)

    deep = site(patient, "soleus", "L")
    superficial = site(patient, "deltoid", "L")

    assert deep.verdict is Verdict.NEEDS_NOTE
    assert not superficial.is_held and not superficial.needs_note


@pytest.mark.django_db
def test_needling_the_thorax_on_both_sides_in_one_session_needs_confirmation(patient: object) -> None:
    acknowledge_all(submitted(patient))
    clear_for_needling(patient)

    second_side = site(patient, "rhomboids", "L", others=(PlannedSite("rhomboids", "R"),))
    same_side = site(patient, "rhomboids", "R", others=(PlannedSite("rhomboids", "R"),))

    assert second_side.needs_note
    assert not same_side.needs_note and not same_side.is_held
    assert any("away from the lung" in reason.text for reason in same_side.cautions)


@pytest.mark.django_db
def test_a_withdrawn_consent_stops_needling(patient: object) -> None:
    acknowledge_all(submitted(patient))
    clear_for_needling(patient)
    services.consent_withdraw(consent=patient.consents.get(), withdrawn_by=UserFactory(), reason="Changed their mind")

    decision = patient_decision(patient=patient)

    assert not decision.is_clear
    assert decision.consent is ConsentStatus.WITHDRAWN
    assert any(reason.text.startswith("The patient withdrew their consent to IMS on") for reason in decision.holds)
    assert site(patient, "deltoid", "L").is_held


@pytest.mark.django_db
def test_an_old_questionnaire_must_be_answered_again(patient: object, settings: object) -> None:
    acknowledge_all(submitted(patient))
    later = timezone.localdate() + timedelta(days=settings.CLINIC_QUESTIONNAIRE_VALID_DAYS + 1)

    decision = patient_decision(patient=patient, today=later)

    assert not decision.is_clear
    assert decision.questionnaire is QuestionnaireStatus.EXPIRED
    assert any("a new one is needed before needling" in reason.text for reason in decision.holds)


@pytest.mark.django_db
def test_a_site_on_an_unknown_side_is_not_saved(patient: object) -> None:
    acknowledge_all(submitted(patient))
    clear_for_needling(patient)
    session = assessment_services.session_start(patient=patient, physiotherapist=UserFactory())

    with pytest.raises(ValidationError) as refused:
        assessment_services.needled_site_add(session=session, muscle="deltoid", side="left")

    assert "side" in refused.value.message_dict
    assert not session.sites.exists()
