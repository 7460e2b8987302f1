"""Consent to IMS: recording and withdrawing it, who may, the text versions it points at, and the audit trail."""

import uuid
from datetime import timedelta
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import SubmissionKey
from accounts.submissions import DuplicateSubmission
from patients.forms import ConsentRecordForm, ConsentWithdrawForm
from patients.models import Consent, ConsentForm, ConsentTextVersion, Patient
from patients.services import consent_in_force, consent_record, consent_withdraw
from tests.factories import ConsentFactory, PatientFactory, UserFactory

pytestmark = pytest.mark.django_db

FIRST_VERSION = "2026.1"
REGIONS_REQUIRED = "Choose at least one region that this consent covers."
ALTERNATIVES = "Discuss the alternatives before recording consent."
STOP_SIGNAL = "Agree how the patient will ask to stop before recording consent."
SUBSTITUTE_NAME = "Without capacity, name the substitute decision-maker who consents."
SUBSTITUTE_RELATIONSHIP = "Say how the substitute decision-maker is related."
SIGNED_NAME = "For written consent the patient types their full name."
PATIENT_TICKED = "For written consent the patient ticks this box."
WITHDRAW_REASON = "Record why or how the patient withdrew their consent."


@pytest.fixture
def patient() -> Patient:
    return PatientFactory(given_name="Zebedee", family_name="Quartermaine")


@pytest.fixture
def physio() -> Any:
    return UserFactory(username="maya", first_name="Maya")


def text_version() -> ConsentTextVersion:
    return ConsentTextVersion.objects.get(version=FIRST_VERSION)


def record(patient: Patient, clinician: Any, **overrides: Any) -> Consent:
    """consent_record with a complete verbal consent, changed by `overrides`."""
    arguments = {
        "patient": patient,
        "text_version": text_version(),
        "clinician": clinician,
        "form": ConsentForm.VERBAL,
        "regions": ["head_neck", "upper_back"],
        "includes_paraspinal": True,
        "patient_specific_risks": "Takes apixaban: more bruising is possible.",
        "alternatives_discussed": True,
        "stop_signal_agreed": True,
        "questions_and_answers": "Will it hurt? A deep ache, briefly.",
        "has_capacity": True,
        "submission_key": uuid.uuid4(),
    }
    arguments.update(overrides)
    return consent_record(**arguments)


def form_data(**overrides: Any) -> dict[str, Any]:
    """What the consent form posts when the physio has filled in a verbal consent."""
    data = {
        "regions": ["head_neck", "upper_back"],
        "includes_paraspinal": "on",
        "patient_specific_risks": "Takes apixaban: more bruising is possible.",
        "alternatives_discussed": "on",
        "stop_signal_agreed": "on",
        "questions_and_answers": "",
        "has_capacity": "on",
        "substitute_name": "",
        "substitute_relationship": "",
        "form": "verbal",
        "signed_name": "",
        "witness_name": "",
        "submission_key": str(uuid.uuid4()),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def create_url(patient: Patient) -> str:
    return reverse("patients:consent-create", kwargs={"pk": patient.pk})


def withdraw_url(consent: Consent) -> str:
    return reverse("patients:consent-withdraw", kwargs={"pk": consent.patient_id, "consent_pk": consent.pk})


# --- services -------------------------------------------------------------------------


def test_a_verbal_consent_is_recorded_without_a_typed_name_or_tick(patient: Patient, physio: Any) -> None:
    consent = record(patient, physio, signed_name="Zebedee Q", patient_ticked=True, witness_name="  Sam  ")

    saved = Consent.objects.get()
    assert saved == consent
    assert saved.patient == patient
    assert saved.clinician == physio
    assert saved.text_version.version == FIRST_VERSION
    assert saved.form == ConsentForm.VERBAL
    assert saved.regions == ["head_neck", "upper_back"]
    assert saved.signed_name == ""
    assert saved.patient_ticked is False
    assert saved.witness_name == "Sam"
    assert saved.alternatives_discussed and saved.stop_signal_agreed
    assert saved.patient_specific_risks == "Takes apixaban: more bruising is possible."
    assert not saved.is_withdrawn


def test_a_written_consent_keeps_the_typed_name_and_tick(patient: Patient, physio: Any) -> None:
    record(patient, physio, form=ConsentForm.WRITTEN, signed_name="  Zebedee Quartermaine ", patient_ticked=True)

    saved = Consent.objects.get()
    assert saved.form == ConsentForm.WRITTEN
    assert saved.signed_name == "Zebedee Quartermaine"
    assert saved.patient_ticked is True


@pytest.mark.parametrize(
    ("signed_name", "patient_ticked"),
    [("", True), ("   ", True), ("Zebedee Quartermaine", False), ("", False)],
    ids=["no-name", "blank-name", "no-tick", "neither"],
)
def test_written_consent_needs_the_typed_name_and_tick(
    patient: Patient, physio: Any, signed_name: str, patient_ticked: bool
) -> None:
    with pytest.raises(ValidationError) as refused:
        record(patient, physio, form=ConsentForm.WRITTEN, signed_name=signed_name, patient_ticked=patient_ticked)

    assert "Written consent needs the patient's typed name and tick." in refused.value.messages
    assert not Consent.objects.exists()
    assert not SubmissionKey.objects.exists()


def test_the_database_refuses_a_written_consent_without_name_and_tick(patient: Patient, physio: Any) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Consent.objects.create(
            patient=patient, text_version=text_version(), clinician=physio, form="written", regions=["head_neck"]
        )

    assert not Consent.objects.exists()


def test_without_capacity_a_substitute_decision_maker_is_required(patient: Patient, physio: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        record(patient, physio, has_capacity=False, substitute_name="  ", substitute_relationship="Daughter")

    assert "Without capacity, name the substitute decision-maker." in refused.value.messages
    assert not Consent.objects.exists()


def test_the_database_refuses_a_consent_without_capacity_or_substitute(patient: Patient, physio: Any) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Consent.objects.create(
            patient=patient,
            text_version=text_version(),
            clinician=physio,
            form="verbal",
            regions=["head_neck"],
            has_capacity=False,
        )

    assert not Consent.objects.exists()


def test_a_substitute_decision_maker_is_kept_only_without_capacity(patient: Patient, physio: Any) -> None:
    by_substitute = record(
        patient, physio, has_capacity=False, substitute_name=" Ada Quartermaine ", substitute_relationship=" Daughter "
    )
    for_themselves = record(patient, physio, has_capacity=True, substitute_name="Ada", substitute_relationship="Aunt")

    by_substitute.refresh_from_db()
    for_themselves.refresh_from_db()
    assert (by_substitute.substitute_name, by_substitute.substitute_relationship) == ("Ada Quartermaine", "Daughter")
    assert (for_themselves.substitute_name, for_themselves.substitute_relationship) == ("", "")


def test_withdrawing_keeps_the_consent_and_marks_it_withdrawn(patient: Patient, physio: Any) -> None:
    consent = record(patient, physio)

    withdrawn = consent_withdraw(consent=consent, withdrawn_by=physio, reason="  Said stop on the phone, 3 March. ")

    saved = Consent.objects.get()
    assert saved.pk == consent.pk == withdrawn.pk
    assert saved.is_withdrawn
    assert saved.withdrawn_by == physio
    assert saved.withdrawal_reason == "Said stop on the phone, 3 March."
    assert saved.regions == ["head_neck", "upper_back"]


def test_withdrawing_a_second_time_changes_nothing(patient: Patient, physio: Any) -> None:
    consent = record(patient, physio)
    first = consent_withdraw(consent=consent, withdrawn_by=physio, reason="First")

    second = consent_withdraw(consent=consent, withdrawn_by=UserFactory(), reason="Second")

    saved = Consent.objects.get()
    assert (saved.withdrawn_at, saved.withdrawn_by, saved.withdrawal_reason) == (
        first.withdrawn_at,
        physio,
        "First",
    )
    assert second.withdrawal_reason == "First"


def test_the_consent_in_force_is_the_latest_not_withdrawn(patient: Patient, physio: Any) -> None:
    now = timezone.now()
    older = record(patient, physio, given_at=now - timedelta(days=30))
    newer = record(patient, physio, given_at=now - timedelta(days=1))
    record(PatientFactory(), physio)

    assert consent_in_force(patient=patient) == newer
    consent_withdraw(consent=newer, withdrawn_by=physio, reason="Changed her mind")
    assert consent_in_force(patient=patient) == older
    consent_withdraw(consent=older, withdrawn_by=physio, reason="Changed her mind")
    assert consent_in_force(patient=patient) is None


def test_an_archived_patient_cannot_get_a_consent(physio: Any) -> None:
    archived = PatientFactory(is_archived=True, archived_at=timezone.now())

    with pytest.raises(ValidationError) as refused:
        record(archived, physio)

    assert refused.value.messages == ["This patient is archived. Restore the patient before recording consent."]
    assert not Consent.objects.exists()
    assert not SubmissionKey.objects.exists()


def test_the_same_submission_key_twice_records_one_consent(patient: Patient, physio: Any) -> None:
    key = uuid.uuid4()
    first = record(patient, physio, submission_key=key)

    with pytest.raises(DuplicateSubmission) as repeated:
        record(patient, physio, submission_key=key, regions=["chest"])

    assert repeated.value.result_url == first.get_absolute_url()
    assert list(Consent.objects.all()) == [first]
    assert Consent.objects.get().regions == ["head_neck", "upper_back"]


@pytest.mark.parametrize(
    "missing",
    [{"alternatives_discussed": False}, {"stop_signal_agreed": False}],
    ids=["no-alternatives", "no-stop-signal"],
)
def test_the_service_refuses_a_consent_missing_an_element(
    patient: Patient, physio: Any, missing: dict[str, Any]
) -> None:
    with pytest.raises(ValidationError):
        record(patient, physio, **missing)

    assert not Consent.objects.exists()


def test_the_service_refuses_a_consent_without_regions(patient: Patient, physio: Any) -> None:
    with pytest.raises(ValidationError) as refused:
        record(patient, physio, regions=[])

    assert "regions" in refused.value.message_dict
    assert not Consent.objects.exists()


# --- forms ------------------------------------------------------------------------------


def test_the_form_accepts_a_complete_verbal_consent() -> None:
    form = ConsentRecordForm(data=form_data())

    assert form.is_valid(), form.errors
    assert form.cleaned_data["regions"] == ["head_neck", "upper_back"]


def test_the_form_asks_for_at_least_one_region_at_the_field() -> None:
    form = ConsentRecordForm(data=form_data(regions=None))

    assert form.errors["regions"] == [REGIONS_REQUIRED]


def test_the_form_asks_for_alternatives_and_stop_signal_at_their_fields() -> None:
    form = ConsentRecordForm(data=form_data(alternatives_discussed=None, stop_signal_agreed=None))

    assert form.errors["alternatives_discussed"] == [ALTERNATIVES]
    assert form.errors["stop_signal_agreed"] == [STOP_SIGNAL]


def test_the_form_asks_for_the_substitute_and_relationship_without_capacity() -> None:
    form = ConsentRecordForm(data=form_data(has_capacity=None, substitute_name=" ", substitute_relationship=""))

    assert form.errors["substitute_name"] == [SUBSTITUTE_NAME]
    assert form.errors["substitute_relationship"] == [SUBSTITUTE_RELATIONSHIP]


def test_the_form_needs_no_substitute_when_the_patient_has_capacity() -> None:
    form = ConsentRecordForm(data=form_data(has_capacity="on", substitute_name="", substitute_relationship=""))

    assert form.is_valid(), form.errors


def test_the_form_asks_for_the_typed_name_and_tick_on_written_consent() -> None:
    form = ConsentRecordForm(data=form_data(form="written", signed_name="  "))

    assert form.errors["signed_name"] == [SIGNED_NAME]
    assert form.errors["patient_ticked"] == [PATIENT_TICKED]


def test_the_form_accepts_written_consent_with_name_and_tick() -> None:
    form = ConsentRecordForm(data=form_data(form="written", signed_name="Zebedee Quartermaine", patient_ticked="on"))

    assert form.is_valid(), form.errors


def test_the_form_asks_how_consent_was_given() -> None:
    form = ConsentRecordForm(data=form_data(form=None))

    assert form.errors["form"] == ["This field is required."]


def test_the_withdraw_form_asks_for_the_reason() -> None:
    form = ConsentWithdrawForm(data={"reason": ""})

    assert form.errors == {"reason": [WITHDRAW_REASON]}


# --- views ------------------------------------------------------------------------------


def test_a_physio_opens_the_consent_form_with_the_current_text_version(
    physio_client: Client, patient: Patient
) -> None:
    response = physio_client.get(create_url(patient))

    assert response.status_code == 200
    body = response.content.decode()
    assert f"Version {FIRST_VERSION}, in use from 2026-01-01" in body
    assert "Consent to IMS (intramuscular stimulation)" in body
    assert "Consent to IMS for Zebedee Quartermaine" in body
    assert 'name="submission_key"' in body


def test_a_physio_records_consent_and_lands_on_it(physio_client: Client, patient: Patient) -> None:
    response = physio_client.post(create_url(patient), form_data(), follow=True)

    consent = Consent.objects.get()
    assert response.redirect_chain == [(consent.get_absolute_url(), 302)]
    assert consent.patient == patient
    assert consent.clinician == physio_client.user
    assert consent.text_version == ConsentTextVersion.current()
    assert consent.text_version.version == FIRST_VERSION
    body = response.content.decode()
    assert "Consent to IMS is recorded." in body
    assert (
        "Head and neck (beside the neck spine too), Upper and middle back (beside the spine), including next to the "
        "spine" in body
    )


def test_an_incomplete_consent_shows_the_messages_at_the_fields_and_keeps_the_input(
    physio_client: Client, patient: Patient
) -> None:
    data = form_data(
        regions=None,
        alternatives_discussed=None,
        stop_signal_agreed=None,
        form="written",
        signed_name="",
        patient_specific_risks="Takes warfarin since 2019",
        witness_name="Sam Front",
    )

    response = physio_client.post(create_url(patient), data)

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "regions": [REGIONS_REQUIRED],
        "alternatives_discussed": [ALTERNATIVES],
        "stop_signal_agreed": [STOP_SIGNAL],
        "signed_name": [SIGNED_NAME],
        "patient_ticked": [PATIENT_TICKED],
    }
    body = response.content.decode()
    for message in (REGIONS_REQUIRED, ALTERNATIVES, STOP_SIGNAL, SIGNED_NAME, PATIENT_TICKED):
        assert message in body
    assert "Takes warfarin since 2019" in body
    assert 'value="Sam Front"' in body
    assert f'value="{data["submission_key"]}"' in body
    assert not Consent.objects.exists()


def test_posting_the_same_consent_form_twice_records_one_consent(physio_client: Client, patient: Patient) -> None:
    data = form_data()

    first = physio_client.post(create_url(patient), data)
    second = physio_client.post(create_url(patient), data)

    consent = Consent.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == consent.get_absolute_url()


def test_a_physio_is_sent_back_to_the_chart_when_there_is_no_consent_text(
    physio_client: Client, patient: Patient
) -> None:
    ConsentTextVersion.objects.all().delete()

    response = physio_client.get(create_url(patient), follow=True)

    assert response.redirect_chain == [(patient.get_absolute_url(), 302)]
    assert "There is no consent text yet." in response.content.decode()


def test_an_archived_patients_consent_form_sends_the_physio_back_to_the_chart(physio_client: Client) -> None:
    archived = PatientFactory(is_archived=True, archived_at=timezone.now())

    response = physio_client.post(create_url(archived), form_data(), follow=True)

    assert response.redirect_chain == [(archived.get_absolute_url(), 302)]
    assert "Restore the patient before recording consent." in response.content.decode()
    assert not Consent.objects.exists()


@pytest.mark.parametrize("persona", ["front_desk", "admin"])
def test_front_desk_and_clinic_admin_cannot_open_or_post_the_consent_pages(
    request: pytest.FixtureRequest, persona: str, patient: Patient
) -> None:
    client = request.getfixturevalue(f"{persona}_client")
    consent = ConsentFactory(patient=patient)
    detail_url = consent.get_absolute_url()

    answers = [
        client.get(create_url(patient)),
        client.post(create_url(patient), form_data()),
        client.get(detail_url),
        client.post(withdraw_url(consent), {"reason": "Asked to stop"}),
    ]

    for response in answers:
        assert response.status_code == 403
        body = response.content.decode()
        assert "This page is not open to your role" in body
        assert "Zebedee" not in body
        assert "Quartermaine" not in body
    assert list(Consent.objects.all()) == [consent]
    consent.refresh_from_db()
    assert not consent.is_withdrawn


def test_someone_signed_out_is_sent_to_sign_in(anonymous_client: Client, patient: Patient) -> None:
    consent = ConsentFactory(patient=patient)

    for response in (
        anonymous_client.get(create_url(patient)),
        anonymous_client.post(create_url(patient), form_data()),
        anonymous_client.get(consent.get_absolute_url()),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
    assert Consent.objects.count() == 1


def test_a_consent_of_another_patient_is_not_found(physio_client: Client, patient: Patient) -> None:
    other_patients_consent = ConsentFactory()
    wrong_detail = reverse(
        "patients:consent-detail", kwargs={"pk": patient.pk, "consent_pk": other_patients_consent.pk}
    )
    wrong_withdraw = reverse(
        "patients:consent-withdraw", kwargs={"pk": patient.pk, "consent_pk": other_patients_consent.pk}
    )

    assert physio_client.get(wrong_detail).status_code == 404
    assert physio_client.post(wrong_withdraw, {"reason": "Asked to stop"}).status_code == 404
    other_patients_consent.refresh_from_db()
    assert not other_patients_consent.is_withdrawn


def test_the_consent_page_shows_what_was_consented_to(physio_client: Client, patient: Patient) -> None:
    consent = record(
        patient, physio_client.user, form=ConsentForm.WRITTEN, signed_name="Zebedee Quartermaine", patient_ticked=True
    )

    response = physio_client.get(consent.get_absolute_url())

    assert response.status_code == 200
    body = response.content.decode()
    assert "In force" in body
    assert "“Zebedee Quartermaine”" in body
    assert f"(version {FIRST_VERSION})" in body
    assert "Mark consent withdrawn" in body


def test_withdrawing_by_get_is_refused(physio_client: Client, patient: Patient) -> None:
    consent = ConsentFactory(patient=patient)

    response = physio_client.get(withdraw_url(consent), {"reason": "Asked to stop"})

    assert response.status_code == 405
    consent.refresh_from_db()
    assert not consent.is_withdrawn


def test_withdrawing_without_a_reason_asks_for_it_and_changes_nothing(physio_client: Client, patient: Patient) -> None:
    consent = ConsentFactory(patient=patient)

    response = physio_client.post(withdraw_url(consent), {"reason": "   "})

    assert response.status_code == 400
    assert response.context["withdraw_form"].errors == {"reason": [WITHDRAW_REASON]}
    assert WITHDRAW_REASON in response.content.decode()
    consent.refresh_from_db()
    assert not consent.is_withdrawn
    assert consent.withdrawal_reason == ""


def test_a_withdrawn_consent_stays_on_the_chart_marked_withdrawn(physio_client: Client, patient: Patient) -> None:
    consent = record(patient, physio_client.user)

    response = physio_client.post(withdraw_url(consent), {"reason": "Phoned to say no more needles"}, follow=True)

    assert response.redirect_chain == [(consent.get_absolute_url(), 302)]
    assert "The consent is marked withdrawn. It stays in the record." in response.content.decode()
    consent.refresh_from_db()
    assert consent.is_withdrawn
    assert consent.withdrawn_by == physio_client.user
    assert consent.withdrawal_reason == "Phoned to say no more needles"
    chart = physio_client.get(patient.get_absolute_url()).content.decode()
    assert "Consent to IMS recorded (withdrawn)" in chart
    assert "Consent to IMS withdrawn" in chart
    assert "Phoned to say no more needles" in chart
    assert "IMS consent withdrawn</span>" in chart
    assert "IMS consent in force" not in chart
    assert consent.get_absolute_url() in chart


# --- the consent text versions ---------------------------------------------------------------


def test_a_new_text_version_leaves_past_consents_on_the_text_they_saw(physio_client: Client, patient: Patient) -> None:
    past = record(patient, physio_client.user)

    ConsentTextVersion.objects.create(
        version="2026.2", body="The clinic's own wording.", effective_on=timezone.localdate()
    )
    physio_client.post(create_url(patient), form_data())

    past.refresh_from_db()
    assert past.text_version.version == FIRST_VERSION
    assert Consent.objects.exclude(pk=past.pk).get().text_version.version == "2026.2"
    assert f"(version {FIRST_VERSION})" in physio_client.get(past.get_absolute_url()).content.decode()


def admin_change_url(version: ConsentTextVersion) -> str:
    return reverse("admin:patients_consenttextversion_change", args=[version.pk])


def test_the_admin_shows_a_version_with_consents_read_only_and_keeps_its_body(admin_client: Client) -> None:
    version = text_version()
    ConsentFactory(text_version=version)
    body_before = version.body

    page = admin_client.get(admin_change_url(version))
    posted = admin_client.post(
        admin_change_url(version),
        {"version": "2026.1b", "title": "Changed", "effective_on": "2026-02-01", "body": "Changed wording."},
    )

    assert page.status_code == 200
    assert set(page.context["adminform"].readonly_fields) == {"version", "title", "effective_on", "body"}
    assert 'name="body"' not in page.content.decode()
    assert posted.status_code in {200, 302}
    version.refresh_from_db()
    assert (version.version, version.title, version.body) == (
        FIRST_VERSION,
        "Consent to IMS (intramuscular stimulation)",
        body_before,
    )


def test_the_admin_can_still_edit_a_version_no_one_has_consented_to(admin_client: Client) -> None:
    draft = ConsentTextVersion.objects.create(version="2027.1", body="Draft", effective_on="2027-01-01")

    response = admin_client.post(
        admin_change_url(draft),
        {"version": "2027.1", "title": "Consent to IMS", "effective_on": "2027-01-01", "body": "Final wording"},
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.body == "Final wording"


def test_a_version_with_consents_cannot_be_deleted(admin_client: Client) -> None:
    version = text_version()
    ConsentFactory(text_version=version)

    response = admin_client.post(
        reverse("admin:patients_consenttextversion_delete", args=[version.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    with pytest.raises(ProtectedError), transaction.atomic():
        version.delete()
    assert ConsentTextVersion.objects.filter(pk=version.pk).exists()


# --- the audit log -----------------------------------------------------------------------------


def test_recording_and_withdrawing_consent_are_in_the_audit_log(physio_client: Client, patient: Patient) -> None:
    physio_client.post(create_url(patient), form_data())
    consent = Consent.objects.get()
    physio_client.post(withdraw_url(consent), {"reason": "Asked to stop"})

    entries = LogEntry.objects.get_for_object(consent).order_by("timestamp", "pk")

    assert [entry.action for entry in entries] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE]
    created, withdrawn = entries
    assert created.actor == physio_client.user
    assert withdrawn.actor == physio_client.user
    assert withdrawn.changes_dict["withdrawal_reason"] == ["", "Asked to stop"]
    assert "withdrawn_at" in withdrawn.changes_dict


def test_the_consent_form_offers_the_risks_of_the_patients_questionnaire_flags(physio_client: Client) -> None:
    from patients import safety_rules
    from tests.factories import QuestionnaireResponseFactory, SafetyFlagFactory

    answered = QuestionnaireResponseFactory()
    SafetyFlagFactory(response=answered, code="BLEED_ANTICOAGULANT")

    form = physio_client.get(reverse("patients:consent-create", args=[answered.patient_id])).context["form"]

    expected = safety_rules.consent_risks(["BLEED_ANTICOAGULANT"])
    assert expected
    assert form.initial["patient_specific_risks"] == "\n".join(expected)


def test_without_a_questionnaire_the_consent_form_offers_no_particular_risks(physio_client: Client) -> None:
    patient = PatientFactory()

    form = physio_client.get(reverse("patients:consent-create", args=[patient.pk])).context["form"]

    assert form.initial["patient_specific_risks"] == ""
