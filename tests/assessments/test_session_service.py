"""Treatment sessions through their services: the needling gate, the site rules, the close, signing and progress."""

import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError

from accounts.roles import Role
from assessments import needling_safety, outcomes, selectors, services
from assessments.forms import OutcomeForm
from assessments.models import (
    AdverseEvent,
    Assessment,
    AssessmentStatus,
    NeedledSite,
    OutcomeMeasure,
    SessionAddendum,
    SignedRecordError,
    TreatmentSession,
)
from ims_clinic.demo import ALL_NO
from patients import services as patient_services
from patients.models import RecheckAnswer
from tests.assessments.signing import sign_assessment
from tests.factories import (
    ALL_REGIONS,
    ConsentFactory,
    PatientFactory,
    SafetyRecheckFactory,
    UserFactory,
    clear_for_needling,
)

pytestmark = pytest.mark.django_db

SIGNED_ONLY = "This treatment session is signed and cannot change. Add an addendum instead."
STALE = "This session was saved elsewhere since you opened this page. Reload it to see the latest version."
WRITE_WHY = "Write why you proceed to needle this site."


def submitted(patient: Any, **changes: Any) -> Any:
    """A questionnaire the patient submitted through a real link, with the given answers changed."""
    link, _ = patient_services.questionnaire_link_issue(
        patient=patient, issued_by=UserFactory(), link_url=str, submission_key=uuid.uuid4(), send_email=False
    )
    patient_services.questionnaire_confirm_date_of_birth(link=link, date_of_birth=patient.date_of_birth)
    patient_services.questionnaire_save_answers(link=link, answers={**ALL_NO, "Z1_NAME": "Pat Doe", **changes})
    return patient_services.questionnaire_submit(link=link)


def acknowledge_all(response: Any) -> Any:
    for flag in response.flags.all():
        if flag.is_open:
            patient_services.safety_flag_acknowledge(
                flag=flag, acknowledged_by=UserFactory(), note="Plan discussed with the patient."
            )
    return response


def errors_of(raised: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    error = raised.value
    return error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}


def fresh(session: TreatmentSession) -> TreatmentSession:
    return TreatmentSession.objects.get(pk=session.pk)


@pytest.fixture
def physio() -> Any:
    return UserFactory(username="maya", first_name="Maya", roles=[Role.PHYSIOTHERAPIST])


@pytest.fixture
def patient() -> Any:
    """A patient with consent on file for every region and nothing else yet."""
    patient = PatientFactory()
    ConsentFactory(patient=patient, regions=list(ALL_REGIONS))
    return patient


@pytest.fixture
def cleared(patient: Any) -> Any:
    """The same patient, with an all-no questionnaire and today's re-check: cleared for needling."""
    acknowledge_all(submitted(patient))
    clear_for_needling(patient)
    return patient


def session_for(patient: Any, physio: Any) -> TreatmentSession:
    return services.session_start(patient=patient, physiotherapist=physio)


def closed(session: TreatmentSession, **changes: Any) -> TreatmentSession:
    """The header and close filled in as needed to sign, after the visit's re-check (no change)."""
    if patient_services.current_questionnaire(patient=session.patient) is not None:
        recheck = patient_services.safety_recheck_record(
            patient=session.patient, asked_by=session.physiotherapist, answer=RecheckAnswer.NO_CHANGE
        )
        services.session_recheck_link(session=session, recheck=recheck)
    data = {"pain_before": 6, "pain_after": 3, "needles_accounted_for": True, "plan": "Reassess C6 next week"}
    data.update(changes)
    return services.session_save_fields(session=session, data=data, version=fresh(session).version)


def signed(session: TreatmentSession) -> TreatmentSession:
    return services.session_sign(session=session, signed_by=session.physiotherapist, version=fresh(session).version)


# --- The gate: the whole patient first ---------------------------------------------------------------------------


def test_without_a_questionnaire_no_site_is_saved(patient: Any, physio: Any) -> None:
    session = session_for(patient, physio)

    with pytest.raises(ValidationError) as raised:
        services.needled_site_add(session=session, muscle="deltoid", side="L")

    assert errors_of(raised) == {"muscle": ["No safety questionnaire has been completed: send the patient the link."]}
    assert not NeedledSite.objects.exists()
    assert fresh(session).version == session.version


def test_unacknowledged_flags_stop_the_site_until_they_are_acknowledged(patient: Any, physio: Any) -> None:
    response = submitted(patient, A1="yes", A2=["apixaban"])
    clear_for_needling(patient)
    session = session_for(patient, physio)

    with pytest.raises(ValidationError) as raised:
        services.needled_site_add(session=session, muscle="deltoid", side="L")
    refused = NeedledSite.objects.count()
    acknowledge_all(response)
    site = services.needled_site_add(session=session, muscle="deltoid", side="L")

    assert errors_of(raised) == {"muscle": ["1 safety flag to acknowledge: Takes an anticoagulant."]}
    assert refused == 0
    assert list(NeedledSite.objects.values_list("pk", flat=True)) == [site.pk]


def test_without_consent_no_site_is_saved(physio: Any) -> None:
    patient = PatientFactory()
    acknowledge_all(submitted(patient))
    SafetyRecheckFactory(patient=patient)
    session = session_for(patient, physio)

    with pytest.raises(ValidationError) as raised:
        services.needled_site_add(session=session, muscle="deltoid", side="L")

    assert errors_of(raised) == {"muscle": ["There is no consent to IMS on file: record it first."]}
    assert session.consent is None
    assert not NeedledSite.objects.exists()


def test_a_consent_withdrawn_after_the_session_opened_stops_the_next_site(cleared: Any, physio: Any) -> None:
    session = session_for(cleared, physio)
    services.needled_site_add(session=session, muscle="deltoid", side="L")
    patient_services.consent_withdraw(
        consent=cleared.consents.get(), withdrawn_by=physio, reason="Does not want needling any more"
    )

    with pytest.raises(ValidationError) as raised:
        services.needled_site_add(session=session, muscle="deltoid", side="R")

    [reason] = errors_of(raised)["muscle"]
    assert reason.startswith("The patient withdrew their consent to IMS on ")
    assert reason.endswith(": record a new consent before needling.")
    assert list(NeedledSite.objects.values_list("muscle", "side")) == [("deltoid", "L")]


def test_an_archived_patient_gets_no_new_session_and_no_site_on_an_open_one(cleared: Any, physio: Any) -> None:
    session = session_for(cleared, physio)
    patient_services.patient_archive(patient=cleared, archived_by=UserFactory())
    cleared.refresh_from_db()

    with pytest.raises(ValidationError) as site_refused:
        services.needled_site_add(session=session, muscle="deltoid", side="L")
    with pytest.raises(ValidationError) as start_refused:
        services.session_start(patient=cleared, physiotherapist=UserFactory(roles=[Role.PHYSIOTHERAPIST]))

    assert errors_of(site_refused) == {"muscle": ["The patient is archived."]}
    assert start_refused.value.messages == [
        "This patient is archived. Restore the patient before recording a treatment."
    ]
    assert not NeedledSite.objects.exists()
    assert TreatmentSession.objects.count() == 1


# --- The gate: the site rules of 5.8 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "muscle",
    [
        "deltoid",
        "extensor-carpi-radialis-brevis",
        "infraspinatus",
        "subscapularis",
        "upper-trapezius",
        "rhomboids",
        "pectoralis-major",
    ],
)
def test_lymphoedema_of_the_left_arm_holds_its_left_quadrant_only(patient: Any, physio: Any, muscle: str) -> None:
    acknowledge_all(submitted(patient, H2="yes", H2_WHERE=["left_arm"]))
    clear_for_needling(patient)
    session = session_for(patient, physio)

    with pytest.raises(ValidationError) as held:
        services.needled_site_add(session=session, muscle=muscle, side="L")
    services.needled_site_add(session=session, muscle=muscle, side="R")
    services.needled_site_add(session=session, muscle="gluteus-medius", side="L")

    [reason] = errors_of(held)["muscle"]
    assert reason.startswith("Lymphoedema")
    assert ", left, is inside the region that must not be needled" in reason
    assert sorted(NeedledSite.objects.values_list("muscle", "side")) == sorted(
        [(muscle, "R"), ("gluteus-medius", "L")]
    )


def test_a_blood_thinner_at_a_deep_site_needs_a_confirmation_note_and_is_saved_with_it(
    patient: Any, physio: Any
) -> None:
    acknowledge_all(submitted(patient, A1="yes", A2=["apixaban"]))
    clear_for_needling(patient)
    session = session_for(patient, physio)

    with pytest.raises(ValidationError) as unconfirmed:
        services.needled_site_add(session=session, muscle="soleus", side="L", confirmation_note="   ")
    nothing_yet = NeedledSite.objects.count()
    site = services.needled_site_add(
        session=session, muscle="soleus", side="L", confirmation_note="  INR 2.4 this week; pressure held.  "
    )
    superficial = services.needled_site_add(session=session, muscle="deltoid", side="L")

    [warning, ask] = errors_of(unconfirmed)["confirmation_note"]
    assert warning.startswith("Deep muscle with a high bleeding risk:")
    assert "(Takes an anticoagulant)" in warning
    assert ask == WRITE_WHY
    assert nothing_yet == 0
    stored = NeedledSite.objects.get(pk=site.pk)
    assert (stored.confirmation_note, stored.site_outcome) == (
        "INR 2.4 this week; pressure held.",
        "needs_note",
    )
    assert NeedledSite.objects.get(pk=superficial.pk).confirmation_note == ""


def test_the_thorax_on_both_sides_of_one_session_needs_a_note(cleared: Any, physio: Any) -> None:
    session = session_for(cleared, physio)
    services.needled_site_add(session=session, muscle="upper-trapezius", side="R")
    services.needled_site_add(session=session, muscle="rhomboids", side="R")

    with pytest.raises(ValidationError) as other_side:
        services.needled_site_add(session=session, muscle="rhomboids", side="L")
    before_note = NeedledSite.objects.count()
    services.needled_site_add(
        session=session, muscle="rhomboids", side="L", confirmation_note="Pincer grip, 30 mm needle; discussed."
    )

    [warning, ask] = errors_of(other_side)["confirmation_note"]
    assert warning.startswith("Both sides of the chest in one session")
    assert ask == WRITE_WHY
    assert before_note == 2
    assert list(NeedledSite.objects.filter(side="L").values_list("muscle", "confirmation_note")) == [
        ("rhomboids", "Pincer grip, 30 mm needle; discussed.")
    ]


def test_a_muscle_outside_the_catalogue_is_refused(cleared: Any, physio: Any) -> None:
    session = session_for(cleared, physio)

    with pytest.raises(ValidationError) as raised:
        services.needled_site_add(session=session, muscle="biceps-femoris-minor", side="L")

    assert errors_of(raised) == {"muscle": ["Choose a muscle from the catalogue."]}
    assert not NeedledSite.objects.exists()


@pytest.mark.parametrize(
    ("muscle", "level", "message"),
    [
        ("lumbar-multifidus", "", "Say which level of the Lumbar multifidus was needled."),
        ("lumbar-multifidus", "C5", "The Lumbar multifidus is not needled at C5."),
        ("intercostals", "", "Say which level of the Intercostals was needled."),
        ("intercostals", "T12", "The Intercostals is not needled at T12."),
    ],
)
def test_a_paraspinal_or_intercostal_site_needs_a_level_within_the_muscles_roots(
    cleared: Any, physio: Any, muscle: str, level: str, message: str
) -> None:
    session = session_for(cleared, physio)

    with pytest.raises(ValidationError) as raised:
        services.needled_site_add(session=session, muscle=muscle, side="L", level=level)

    assert errors_of(raised) == {"level": [message]}
    assert not NeedledSite.objects.exists()


def test_a_paraspinal_site_keeps_its_level_and_a_limb_muscle_drops_one(cleared: Any, physio: Any) -> None:
    session = session_for(cleared, physio)

    services.needled_site_add(session=session, muscle="lumbar-multifidus", side="L", level="L5")
    services.needled_site_add(session=session, muscle="gluteus-medius", side="L", level="L5")

    assert list(NeedledSite.objects.values_list("muscle", "level")) == [
        ("lumbar-multifidus", "L5"),
        ("gluteus-medius", ""),
    ]


def test_a_site_saves_its_details(cleared: Any, physio: Any) -> None:
    session = session_for(cleared, physio)

    services.needled_site_add(
        session=session,
        muscle="supinator",
        side="L",
        insertions=4,
        depth="intramuscular",
        twitch="several",
        grasp=True,
        sensations=["ache", "referred"],
        familiar_pain=True,
        bleeding="compression",
        compression_seconds=30,
    )

    assert list(
        NeedledSite.objects.values_list(
            "insertions", "depth", "twitch", "grasp", "sensations", "familiar_pain", "bleeding", "compression_seconds"
        )
    ) == [(4, "intramuscular", "several", True, ["ache", "referred"], True, "compression", 30)]
    assert fresh(session).version == session.version + 1


def test_removing_a_site_lets_the_other_side_of_the_thorax_through(cleared: Any, physio: Any) -> None:
    session = session_for(cleared, physio)
    right = services.needled_site_add(session=session, muscle="rhomboids", side="R")

    services.needled_site_remove(session=session, site=right)
    services.needled_site_add(session=session, muscle="rhomboids", side="L")

    assert list(NeedledSite.objects.values_list("muscle", "side", "confirmation_note")) == [("rhomboids", "L", "")]


def test_a_site_of_another_session_cannot_be_removed_through_this_one(cleared: Any, physio: Any) -> None:
    session = session_for(cleared, physio)
    other = session_for(cleared, UserFactory(roles=[Role.PHYSIOTHERAPIST]))
    theirs = services.needled_site_add(session=other, muscle="deltoid", side="L")

    with pytest.raises(ValidationError) as raised:
        services.needled_site_remove(session=session, site=theirs)

    assert raised.value.messages == ["That site belongs to another session."]
    assert NeedledSite.objects.filter(pk=theirs.pk).exists()


# --- Starting ------------------------------------------------------------------------------------------------------


def assessed(patient: Any, physio: Any, complaint: str) -> Assessment:
    draft = services.assessment_start(patient=patient, physiotherapist=physio)
    services.assessment_save_fields(assessment=draft, data={"chief_complaint": complaint}, version=draft.version)
    return sign_assessment(draft)


def test_session_start_links_the_latest_signed_assessment_the_consent_in_force_and_the_current_questionnaire(
    patient: Any, physio: Any
) -> None:
    with time_machine.travel(datetime(2026, 1, 5, 9, tzinfo=UTC), tick=False):
        assessed(patient, physio, "First episode")
        first_answers = acknowledge_all(submitted(patient))
    with time_machine.travel(datetime(2026, 2, 2, 9, tzinfo=UTC), tick=False):
        latest = assessed(patient, physio, "Second episode")
        current_answers = acknowledge_all(submitted(patient))
    services.assessment_start(patient=patient, physiotherapist=physio)  # a later draft is not what a session follows
    old_consent = patient.consents.get()
    patient_services.consent_withdraw(consent=old_consent, withdrawn_by=physio, reason="Re-consented")
    new_consent = ConsentFactory(patient=patient)

    session = session_for(patient, physio)

    assert (session.patient, session.physiotherapist, session.status) == (patient, physio, AssessmentStatus.DRAFT)
    assert session.assessment == latest
    assert session.consent == new_consent
    assert session.questionnaire == current_answers != first_answers
    assert session.aftercare_advice == needling_safety.AFTERCARE_ADVICE


def test_session_start_returns_the_open_draft_and_a_colleague_gets_their_own(cleared: Any, physio: Any) -> None:
    colleague = UserFactory(roles=[Role.PHYSIOTHERAPIST])

    first = session_for(cleared, physio)
    again = session_for(cleared, physio)
    theirs = session_for(cleared, colleague)
    signed(closed(first))
    after_signing = session_for(cleared, physio)

    assert again.pk == first.pk
    assert theirs.pk != first.pk and theirs.physiotherapist == colleague
    assert after_signing.pk not in {first.pk, theirs.pk}
    assert TreatmentSession.objects.count() == 3


def test_a_session_before_any_signed_assessment_follows_none(cleared: Any, physio: Any) -> None:
    services.assessment_start(patient=cleared, physiotherapist=physio)

    assert session_for(cleared, physio).assessment is None


def test_a_consent_recorded_after_the_session_opened_is_the_one_the_signed_session_refers_to(physio: Any) -> None:
    patient = PatientFactory()
    acknowledge_all(submitted(patient))
    SafetyRecheckFactory(patient=patient)
    session = session_for(patient, physio)
    consent = ConsentFactory(patient=patient, regions=list(ALL_REGIONS))

    services.needled_site_add(session=session, muscle="deltoid", side="L")
    signed(closed(session))

    assert fresh(session).consent == consent


# --- Header and close ----------------------------------------------------------------------------------------------


def test_header_and_close_fields_are_saved_and_the_version_moves(cleared: Any, physio: Any) -> None:
    session = session_for(cleared, physio)

    services.session_save_fields(
        session=session,
        data={
            "consent_reconfirmed": True,
            "changed_since_questionnaire": False,
            "pain_before": 7,
            "position": "prone",
            "technique": "pecking",
            "needle_length_mm": 30,
            "chief_complaint": "not a session field",
        },
        version=session.version,
    )

    stored = fresh(session)
    assert (stored.consent_reconfirmed, stored.changed_since_questionnaire, stored.pain_before) == (True, False, 7)
    assert (stored.position, stored.technique, stored.needle_length_mm) == ("prone", "pecking", 30)
    assert stored.version == session.version + 1


def test_a_save_from_a_stale_page_is_refused_and_overwrites_nothing(cleared: Any, physio: Any) -> None:
    session = session_for(cleared, physio)
    loaded = session.version
    services.session_save_fields(session=session, data={"pain_before": 5}, version=loaded)

    with pytest.raises(ValidationError) as raised:
        services.session_save_fields(session=session, data={"pain_before": 8}, version=loaded)

    assert raised.value.messages == [STALE]
    assert fresh(session).pain_before == 5


def test_pain_above_ten_is_refused_by_the_service(cleared: Any, physio: Any) -> None:
    session = session_for(cleared, physio)

    with pytest.raises(ValidationError) as raised:
        services.session_save_fields(session=session, data={"pain_before": 11}, version=session.version)

    assert errors_of(raised) == {"pain_before": ["Ensure this value is less than or equal to 10."]}
    assert fresh(session).pain_before is None


def test_the_aftercare_gets_the_pneumothorax_warning_once_a_thorax_site_is_added(cleared: Any, physio: Any) -> None:
    session = session_for(cleared, physio)

    services.needled_site_add(session=session, muscle="deltoid", side="L")
    before_thorax = fresh(session).aftercare_advice
    services.needled_site_add(session=session, muscle="upper-trapezius", side="L")
    services.needled_site_add(session=session, muscle="rhomboids", side="L")

    assert before_thorax == needling_safety.AFTERCARE_ADVICE
    advice = fresh(session).aftercare_advice
    assert advice.startswith(needling_safety.AFTERCARE_ADVICE)
    assert advice.count(needling_safety.AFTERCARE_THORAX_WARNING) == 1


def test_edited_aftercare_still_gets_the_pneumothorax_warning_for_a_thorax_site(cleared: Any, physio: Any) -> None:
    session = session_for(cleared, physio)
    edited = f"{needling_safety.AFTERCARE_ADVICE} Heat for 10 minutes tonight."
    services.session_save_fields(session=session, data={"aftercare_advice": edited}, version=session.version)

    services.needled_site_add(session=session, muscle="upper-trapezius", side="L")

    advice = fresh(session).aftercare_advice
    assert "Heat for 10 minutes tonight." in advice
    assert needling_safety.AFTERCARE_THORAX_WARNING in advice


# --- Outcome measures ----------------------------------------------------------------------------------------------

ITEM_ANSWERS = {
    "PSFS": [3, 5, 4],
    "NDI": [2, 3, 1, 0, 4, 2, 3, None, 1, 2],
    "QuickDASH": [2, 3, 3, 1, 4, 2, 2, 3, 1, 2, 5],
    "LEFS": [3, 2, 4, 1, 0, 2, 3, 4, 2, 1, 3, 3, 2, 4, 1, 2, 3, 0, 2, 4],
}


@pytest.mark.parametrize("instrument", ITEM_ANSWERS)
def test_an_outcome_from_item_answers_scores_as_the_instrument_does(
    cleared: Any, physio: Any, instrument: str
) -> None:
    session = session_for(cleared, physio)
    items = ITEM_ANSWERS[instrument]

    services.outcome_record(patient=cleared, session=session, instrument=instrument, items=items, recorded_by=physio)

    expected = outcomes.SCORERS[outcomes.InstrumentCode(instrument)](items)
    stored = OutcomeMeasure.objects.get()
    assert stored.score == pytest.approx(expected.score)
    assert (stored.raw_sum, stored.answered, stored.band) == (expected.raw_sum, expected.answered, expected.band or "")
    assert (stored.instrument, stored.items, stored.scoring_version) == (instrument, items, outcomes.SCORING_VERSION)
    assert (stored.patient, stored.session, stored.recorded_by) == (cleared, session, physio)


def test_an_outcome_total_within_range_is_kept_with_its_band(cleared: Any, physio: Any) -> None:
    services.outcome_record(patient=cleared, instrument="ODI", total=34, recorded_by=physio)
    services.outcome_record(patient=cleared, instrument="NDI", total=12.5, recorded_by=physio)

    assert list(OutcomeMeasure.objects.values_list("instrument", "score", "band", "items")) == [
        ("ODI", 34.0, "moderate", []),
        ("NDI", 12.5, "mild", []),
    ]


@pytest.mark.parametrize(
    ("instrument", "total", "message"),
    [
        ("NDI", 51, "A NDI score goes from 0 to 50."),
        ("ODI", 100.5, "A ODI score goes from 0 to 100."),
        ("QuickDASH", -1, "A QuickDASH score goes from 0 to 100."),
        ("LEFS", 81, "A LEFS score goes from 0 to 80."),
        ("PSFS", 10.5, "A PSFS score goes from 0 to 10."),
    ],
)
def test_an_outcome_total_outside_the_instruments_range_is_refused(
    cleared: Any, physio: Any, instrument: str, total: float, message: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        services.outcome_record(patient=cleared, instrument=instrument, total=total, recorded_by=physio)

    assert errors_of(raised) == {"total": [message]}
    assert not OutcomeMeasure.objects.exists()


def test_item_answers_outside_the_instruments_scale_are_refused(cleared: Any, physio: Any) -> None:
    with pytest.raises(ValidationError) as raised:
        services.outcome_record(
            patient=cleared, instrument="NDI", items=[6, 0, 0, 0, 0, 0, 0, 0, 0, 0], recorded_by=physio
        )

    assert errors_of(raised) == {"items": ["NDI item 1 must be a whole number from 0 to 5, got 6."]}
    assert not OutcomeMeasure.objects.exists()


def test_an_outcome_needs_items_or_a_total(cleared: Any, physio: Any) -> None:
    with pytest.raises(ValidationError) as raised:
        services.outcome_record(patient=cleared, instrument="LEFS", recorded_by=physio)

    assert raised.value.messages == ["Enter the item answers or the total."]
    assert not OutcomeMeasure.objects.exists()


def test_the_form_takes_the_odi_item_by_item_or_as_the_total_of_a_paper_form() -> None:
    items = OutcomeForm({"instrument": "ODI", **{f"item_{n}": str(n % 6) for n in range(1, 11)}})
    total = OutcomeForm({"instrument": "ODI", "total": "34"})

    assert items.is_valid()
    assert items.measure_data()["items"] == [1, 2, 3, 4, 5, 0, 1, 2, 3, 4]
    assert total.is_valid()
    assert (total.cleaned_data["total"], total.cleaned_data["items"]) == (34.0, None)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"instrument": "NDI"}, "item_1", "Answer the items, or enter the total of a paper form already scored."),
        ({"instrument": "NDI", "item_1": "two"}, "item_1", "Choose an answer from 0 to 5."),
    ],
)
def test_the_outcome_form_explains_what_is_missing_or_malformed(
    data: dict[str, str], field: str, message: str
) -> None:
    form = OutcomeForm(data)

    assert not form.is_valid()
    assert form.errors == {field: [message]}


def test_the_outcome_form_reads_a_missed_item_as_empty() -> None:
    answered = {f"item_{n}": str(value) for n, value in enumerate([1, 2, None, 3, 0, 1, 2, 3, 4, 5], 1) if value}
    form = OutcomeForm({"instrument": "NDI", **answered, "item_5": "0"})

    assert form.is_valid()
    assert form.cleaned_data["items"] == [1, 2, None, 3, 0, 1, 2, 3, 4, 5]


# --- Adverse events --------------------------------------------------------------------------------------------------


def event(session: TreatmentSession, **changes: Any) -> AdverseEvent:
    data = {
        "session": session,
        "reported_by": session.physiotherapist,
        "event_type": "bruising",
        "event_class": "mild",
        "onset": "after",
        "action_taken": "Ice and reassurance",
    }
    data.update(changes)
    return services.adverse_event_record(**data)


@pytest.mark.parametrize("event_class", ["significant", "serious"])
def test_a_significant_or_serious_event_needs_a_referral(cleared: Any, physio: Any, event_class: str) -> None:
    session = session_for(cleared, physio)

    with pytest.raises(ValidationError) as raised:
        event(session, event_type="fainting", event_class=event_class, onset="during", referral="  ")
    saved = event(session, event_type="fainting", event_class=event_class, onset="during", referral=" GP today ")

    assert errors_of(raised) == {
        "referral": ["A significant or serious event records who it was escalated or referred to."]
    }
    assert list(AdverseEvent.objects.values_list("pk", "event_class", "referral")) == [
        (saved.pk, event_class, "GP today")
    ]


def test_a_mild_event_needs_no_referral_but_needs_the_action_taken(cleared: Any, physio: Any) -> None:
    session = session_for(cleared, physio)

    with pytest.raises(ValidationError) as raised:
        event(session, action_taken=" ")
    mild = event(session)

    assert errors_of(raised) == {"action_taken": ["Record the action taken."]}
    assert list(AdverseEvent.objects.values_list("pk", "event_type", "referral", "reported_in")) == [
        (mild.pk, "bruising", "", None)
    ]


def test_an_event_reported_later_belongs_to_the_earlier_session_and_links_back(cleared: Any, physio: Any) -> None:
    with time_machine.travel(datetime(2026, 3, 2, 9, tzinfo=UTC), tick=False):
        earlier = signed(closed(session_for(cleared, physio)))
    with time_machine.travel(datetime(2026, 3, 9, 9, tzinfo=UTC), tick=False):
        later = session_for(cleared, physio)
        reported = event(earlier, reported_in=later, event_type="pain_after", onset="reported_later")

    assert (reported.session, reported.reported_in) == (earlier, later)
    assert list(earlier.adverse_events.all()) == [reported]
    assert list(later.adverse_events_reported.all()) == [reported]
    assert list(later.adverse_events.all()) == []
    assert fresh(earlier).content_digest == earlier.content_digest


def test_a_later_report_must_come_from_the_same_patients_session(cleared: Any, physio: Any) -> None:
    earlier = session_for(cleared, physio)
    stranger = session_for(PatientFactory(), physio)

    with pytest.raises(ValidationError) as raised:
        event(earlier, reported_in=stranger, onset="reported_later")

    assert raised.value.messages == ["The later session must be the same patient's."]
    assert not AdverseEvent.objects.exists()


def test_only_the_sessions_physio_records_its_adverse_events_and_outcomes(cleared: Any, physio: Any) -> None:
    session = session_for(cleared, physio)
    colleague = UserFactory(roles=[Role.PHYSIOTHERAPIST])

    with pytest.raises(ValidationError) as event_refused:
        event(session, reported_by=colleague)
    with pytest.raises(ValidationError) as outcome_refused:
        services.outcome_record(patient=cleared, session=session, instrument="NDI", total=12, recorded_by=colleague)

    expected = ["Only the physiotherapist who gave this treatment session records in it."]
    assert event_refused.value.messages == outcome_refused.value.messages == expected
    assert not AdverseEvent.objects.exists() and not session.outcome_measures.exists()


# --- Signing and after ---------------------------------------------------------------------------------------------


def test_signing_stores_who_when_and_the_digest_of_the_content(cleared: Any, physio: Any) -> None:
    session = session_for(cleared, physio)
    services.needled_site_add(session=session, muscle="supinator", side="L", insertions=3)
    closed(session)
    version = fresh(session).version

    returned = signed(session)

    stored = fresh(session)
    assert stored.status == AssessmentStatus.SIGNED
    assert (stored.signed_by, stored.version) == (physio, version + 1)
    assert stored.signed_at is not None
    assert len(stored.content_digest) == 64
    assert stored.content_digest == returned.content_digest == services.session_content_digest(stored)


def test_the_digest_covers_the_sites(cleared: Any, physio: Any) -> None:
    session = closed(session_for(cleared, physio))
    without_sites = services.session_content_digest(fresh(session))

    services.needled_site_add(session=session, muscle="deltoid", side="L")

    assert services.session_content_digest(fresh(session)) != without_sites


def test_only_the_treating_physio_can_sign(cleared: Any, physio: Any) -> None:
    session = closed(session_for(cleared, physio))

    with pytest.raises(ValidationError) as raised:
        services.session_sign(
            session=session, signed_by=UserFactory(roles=[Role.PHYSIOTHERAPIST]), version=fresh(session).version
        )

    assert raised.value.messages == ["Only the physiotherapist who gave this treatment can sign it."]
    assert fresh(session).status == AssessmentStatus.DRAFT


def test_signing_needs_pain_before_pain_after_when_sites_exist_and_the_needles_accounted_for(
    cleared: Any, physio: Any
) -> None:
    session = session_for(cleared, physio)
    services.needled_site_add(session=session, muscle="deltoid", side="L")

    with pytest.raises(ValidationError) as raised:
        signed(session)

    assert raised.value.messages == [
        "Record the pain before treatment.",
        "Record the pain after treatment.",
        "Confirm that every needle was removed and disposed of.",
    ]
    stored = fresh(session)
    assert (stored.status, stored.content_digest, stored.signed_at) == (AssessmentStatus.DRAFT, "", None)


def test_a_session_without_sites_signs_without_pain_after(cleared: Any, physio: Any) -> None:
    session = closed(session_for(cleared, physio), pain_after=None)

    assert signed(session).status == AssessmentStatus.SIGNED


def test_signing_from_a_stale_page_is_refused(cleared: Any, physio: Any) -> None:
    session = closed(session_for(cleared, physio))
    loaded = fresh(session).version
    services.session_save_fields(session=session, data={"plan": "Changed in another tab"}, version=loaded)

    with pytest.raises(ValidationError) as raised:
        services.session_sign(session=session, signed_by=physio, version=loaded)

    assert raised.value.messages == [STALE]
    assert fresh(session).status == AssessmentStatus.DRAFT


def test_after_signing_every_service_that_changes_the_session_refuses(cleared: Any, physio: Any) -> None:
    session = session_for(cleared, physio)
    site = services.needled_site_add(session=session, muscle="deltoid", side="L")
    stored = signed(closed(session))
    changes = {
        "save fields": lambda: services.session_save_fields(
            session=stored, data={"plan": "Changed"}, version=stored.version
        ),
        "add site": lambda: services.needled_site_add(session=stored, muscle="deltoid", side="R"),
        "remove site": lambda: services.needled_site_remove(session=stored, site=site),
        "sign again": lambda: services.session_sign(session=stored, signed_by=physio, version=stored.version),
    }

    refusals = {}
    for name, change in changes.items():
        with pytest.raises(ValidationError) as raised:
            change()
        refusals[name] = raised.value.messages

    assert refusals == {name: [SIGNED_ONLY] for name in changes}
    after = fresh(session)
    assert (after.plan, after.version, after.content_digest) == (stored.plan, stored.version, stored.content_digest)
    assert list(NeedledSite.objects.values_list("pk", flat=True)) == [site.pk]


def test_a_signed_session_cannot_be_saved_through_the_model(cleared: Any, physio: Any) -> None:
    session = signed(closed(session_for(cleared, physio)))
    session.plan = "Changed behind the services' back"

    with pytest.raises(SignedRecordError):
        session.save()
    with pytest.raises(SignedRecordError):
        session.save(update_fields=["plan"])

    assert fresh(session).plan == "Reassess C6 next week"


def test_addenda_are_for_signed_sessions_only(cleared: Any, physio: Any) -> None:
    session = closed(session_for(cleared, physio))

    with pytest.raises(ValidationError) as on_draft:
        services.addendum_add(record=session, author=physio, reason="Late entry", text="Note.")
    signed(session)
    addendum = services.addendum_add(
        record=session, author=physio, reason=" Late entry ", text=" Patient rang: soreness settled. "
    )

    assert on_draft.value.messages == ["Addenda are for signed sessions; change the draft itself instead."]
    assert list(SessionAddendum.objects.values_list("pk", "reason", "text")) == [
        (addendum.pk, "Late entry", "Patient rang: soreness settled.")
    ]


def test_an_adverse_event_can_still_be_recorded_on_a_signed_session(cleared: Any, physio: Any) -> None:
    session = signed(closed(session_for(cleared, physio)))

    recorded = event(session, event_type="drowsiness")

    assert list(fresh(session).adverse_events.values_list("pk", flat=True)) == [recorded.pk]
    assert fresh(session).content_digest == session.content_digest


# --- Progress -----------------------------------------------------------------------------------------------------


def treated_on(at: datetime, patient: Any, physio: Any, before: int | None, after: int | None) -> TreatmentSession:
    with time_machine.travel(at, tick=False):
        session = closed(session_for(patient, physio), pain_before=before, pain_after=after)
        if before is not None:
            signed(session)
        return session


def test_progress_series_gives_pain_and_scores_in_time_order(cleared: Any, physio: Any) -> None:
    colleague = UserFactory(roles=[Role.PHYSIOTHERAPIST])
    days = [datetime(2026, 4, day, 9, tzinfo=UTC) for day in (1, 8, 15, 22)]
    treated_on(days[2], cleared, physio, 4, 2)
    treated_on(days[0], cleared, physio, 8, 5)
    treated_on(days[1], cleared, physio, 6, None)
    treated_on(days[3], cleared, colleague, None, None)
    for day, total in ((days[2], 20), (days[0], 34)):
        with time_machine.travel(day, tick=False):
            services.outcome_record(patient=cleared, instrument="ODI", total=total, recorded_by=physio)
    with time_machine.travel(days[1], tick=False):
        services.outcome_record(patient=cleared, instrument="PSFS", items=[3, 4, 5], recorded_by=physio)
    treated_on(days[0], PatientFactory(), physio, 9, 9)

    series = selectors.progress_series(patient=cleared)

    assert [(p.at, p.value, p.label) for p in series["pain_before"]] == [
        (days[0], 8, "8"),
        (days[1], 6, "6"),
        (days[2], 4, "4"),
    ]
    assert [(p.at, p.value) for p in series["pain_after"]] == [(days[0], 5), (days[2], 2)]
    assert [s.started_at for s in series["sessions"]] == days
    assert [(p.at, p.value, p.label) for p in series["outcomes"]["ODI"]] == [
        (days[0], 34.0, "34.0"),
        (days[2], 20.0, "20.0"),
    ]
    assert [(p.at, p.value, p.label) for p in series["outcomes"]["PSFS"]] == [(days[1], 4.0, "4.0")]
    assert set(series["outcomes"]) == {"ODI", "PSFS"}


def test_progress_series_of_a_patient_without_sessions_is_empty(cleared: Any) -> None:
    series = selectors.progress_series(patient=cleared)

    assert (series["pain_before"], series["pain_after"], series["sessions"], series["outcomes"]) == ([], [], [], {})
