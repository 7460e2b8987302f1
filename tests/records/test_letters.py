"""Letters about a course: drafted from it, edited, signed once (a digest verify_records checks), then only amended,
marked entered in error, or printed and sent through a recorded disclosure."""

import re
import uuid
from datetime import date
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.contrib.staticfiles.storage import StaticFilesStorage
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditAction, AuditEvent
from accounts.roles import Role
from assessments.models import Assessment, TreatmentSession
from patients.models import Patient
from records import letters
from records.models import Letter, LetterKind, LetterStatus, SignedLetterError
from records.services import Disclosure
from tests.factories import PatientFactory, PractitionerFactory, UserFactory

pytestmark = pytest.mark.django_db


def course(patient: Patient) -> Assessment:
    return Assessment.objects.get(patient=patient, status="signed")


def draft(patient: Patient, kind: str = LetterKind.DISCHARGE_SUMMARY) -> Letter:
    assessment = course(patient)
    return letters.letter_create(
        assessment=assessment,
        kind=kind,
        author=assessment.physiotherapist,
        submission_key=uuid.uuid4(),
        result_url="",
    )


def signed(patient: Patient, kind: str = LetterKind.DISCHARGE_SUMMARY) -> Letter:
    letter = draft(patient, kind)
    if kind == LetterKind.FAMILY_DOCTOR and not letter.recipient_name:
        letter = letters.letter_save_fields(
            letter=letter, data={"recipient_name": "Dr. Ada Okafor"}, version=letter.version, by=letter.author
        )
    return letters.letter_sign(letter=letter, signed_by=letter.author, version=letter.version)


def text(response: object) -> str:
    body = response.content.decode()  # type: ignore[attr-defined]
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


# --- Drafted from the course --------------------------------------------------------------------------------------


def test_a_discharge_summary_is_drafted_from_the_course(full_patient: Patient) -> None:
    letter = draft(full_patient)

    assert letter.status == LetterStatus.DRAFT and letter.patient == full_patient
    assert letter.complaint  # the assessment's chief complaint
    sessions = TreatmentSession.objects.filter(assessment=course(full_patient), status="signed")
    assert (
        f"{sessions.count()} sessions of IMS" in letter.opening and f"{sessions.count()} sessions" in letter.treatment
    )
    assert all(_in_words(timezone.localdate(s.started_at)) in letter.treatment for s in sessions)
    assert "Needled:" in letter.treatment
    assert "QuickDASH" in letter.outcome or "Disabilities of the Arm" in letter.outcome
    assert "minimal important change" in letter.outcome
    assert "Bruising" in letter.adverse_events and "Reassured." in letter.adverse_events
    assert letter.plan


def test_a_family_doctor_letter_greets_the_patients_family_doctor(full_patient: Patient) -> None:
    Patient.objects.filter(pk=full_patient.pk).update(family_doctor="Dr. Ada Okafor")

    letter = draft(Patient.objects.get(pk=full_patient.pk), LetterKind.FAMILY_DOCTOR)

    assert letter.recipient_name == "Dr. Ada Okafor"
    assert letter.opening.startswith("Dear Dr. Ada Okafor,")


def test_a_family_doctor_stored_with_the_practice_is_greeted_by_name_and_addressed_in_full(
    full_patient: Patient,
) -> None:
    Patient.objects.filter(pk=full_patient.pk).update(family_doctor="Dr. L. Fournier, Kerrisdale Medical")

    letter = draft(Patient.objects.get(pk=full_patient.pk), LetterKind.FAMILY_DOCTOR)

    assert letter.recipient_name == "Dr. L. Fournier, Kerrisdale Medical"
    assert letter.opening.startswith("Dear Dr. L. Fournier,\n")


def test_a_letter_needs_a_signed_assessment(full_patient: Patient) -> None:
    physio = course(full_patient).physiotherapist
    unsigned = Assessment.objects.create(patient=full_patient, physiotherapist=physio)

    with pytest.raises(ValidationError, match="signed assessment"):
        letters.letter_create(
            assessment=unsigned, kind="discharge_summary", author=physio, submission_key=uuid.uuid4(), result_url=""
        )
    assert not Letter.objects.exists()


# --- Signing, and what a signature makes final --------------------------------------------------------------------


def test_signing_seals_the_letter_with_a_digest_that_verify_records_checks(full_patient: Patient) -> None:
    letter = signed(full_patient)

    assert letter.status == LetterStatus.SIGNED and letter.signed_at is not None
    assert letter.content_digest == letters.letter_content_digest(Letter.objects.get(pk=letter.pk))
    assert AuditEvent.objects.filter(action=AuditAction.SIGN, object_id=str(letter.pk), patient_id=full_patient.pk)
    out = StringIO()
    call_command("verify_records", stdout=out, stderr=StringIO())
    assert "records.Letter: 1 signed, 0 mismatched" in out.getvalue()

    Letter.objects.filter(pk=letter.pk).update(outcome="Cured.")  # behind the application's back
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("verify_records", stdout=StringIO(), stderr=err)
    assert f"MISMATCH records.Letter {letter.pk}:" in err.getvalue()


def test_a_signed_letter_refuses_any_change_in_the_model_and_the_service(full_patient: Patient) -> None:
    letter = signed(full_patient)
    before = Letter.objects.filter(pk=letter.pk).values().get()

    letter.outcome = "Changed after signing."
    with pytest.raises(SignedLetterError):
        letter.save()
    with pytest.raises(letters.LetterNotEditable, match="signed and cannot change"):
        letters.letter_save_fields(
            letter=letter, data={"outcome": "Changed"}, version=letter.version, by=letter.author
        )
    with pytest.raises(letters.LetterNotEditable):
        letters.letter_sign(letter=letter, signed_by=letter.author, version=letter.version)

    assert Letter.objects.filter(pk=letter.pk).values().get() == before


def test_a_signed_letter_takes_an_addendum_and_can_be_marked_entered_in_error(full_patient: Patient) -> None:
    letter = signed(full_patient)

    letters.letter_addendum_add(letter=letter, author=letter.author, reason="Correction", text="Six, not five.")
    marked = letters.letter_mark_entered_in_error(letter=letter, by=letter.author, reason="Wrong patient's course")

    assert marked.status == LetterStatus.ENTERED_IN_ERROR and marked.content_digest == letter.content_digest
    assert letter.addenda.get().text == "Six, not five."
    with pytest.raises(ValidationError):
        letters.letter_mark_entered_in_error(letter=letter, by=UserFactory(), reason="Not mine")


def test_a_family_doctor_letter_is_not_signed_without_its_recipient_nor_by_a_colleague(full_patient: Patient) -> None:
    letter = draft(full_patient, LetterKind.FAMILY_DOCTOR)
    assert letter.recipient_name == ""

    with pytest.raises(ValidationError, match="Name the family doctor"):
        letters.letter_sign(letter=letter, signed_by=letter.author, version=letter.version)
    with pytest.raises(ValidationError, match="Only the physiotherapist who wrote this letter"):
        letters.letter_sign(letter=letter, signed_by=UserFactory(), version=letter.version)
    assert Letter.objects.get(pk=letter.pk).status == LetterStatus.DRAFT


def test_printing_a_signed_letter_is_a_disclosure_with_recipient_purpose_and_what_was_sent(
    full_patient: Patient,
) -> None:
    letter = signed(full_patient)

    letters.letter_disclose(
        letter=letter,
        disclosed_by=letter.author,
        disclosure=Disclosure("Dr. Ada Okafor", "continuing_care", "Referral back"),
        submission_key=uuid.uuid4(),
        result_url="/",
    )

    event = AuditEvent.objects.get(action=AuditAction.EXPORT, patient_id=full_patient.pk)
    sent = LogEntry.objects.get(pk=event.log_entry_id).additional_data["disclosure"]
    assert sent["to"] == "Dr. Ada Okafor" and sent["purpose"] == "continuing_care"
    assert sent["scope"].startswith("Discharge summary signed") and sent["letter"] == letter.pk


# --- Pages ------------------------------------------------------------------------------------------------------


@pytest.fixture
def author_client(full_patient: Patient) -> Client:
    """The physiotherapist who assessed and treated the full patient, signed in."""
    client = Client()
    client.force_login(course(full_patient).physiotherapist)
    return client


def create_post(client: Client, patient: Patient, assessment: Assessment, key: str = "", kind: str = "") -> object:
    data = {"assessment": assessment.pk, "kind": kind or "discharge_summary", "submission_key": key or uuid.uuid4()}
    return client.post(reverse("records:letter-create", kwargs={"pk": patient.pk}), data)


def test_the_physiotherapist_writes_a_discharge_summary_from_the_letters_page(
    author_client: Client, full_patient: Patient
) -> None:
    listing = author_client.get(reverse("records:letter-list", kwargs={"pk": full_patient.pk}))
    assert listing.status_code == 200
    assert "Write a discharge summary" in text(listing) and "Letter to the family doctor" in text(listing)

    response = create_post(author_client, full_patient, course(full_patient))

    letter = Letter.objects.get()
    assert response.status_code == 302 and response["Location"] == letter.get_absolute_url()
    page = author_client.get(letter.get_absolute_url())
    assert page.status_code == 200 and "Review and sign" in text(page)
    assert LogEntry.objects.get_for_object(letter).filter(action=LogEntry.Action.ACCESS).count() == 1


def test_a_double_submit_of_the_create_form_makes_one_letter(author_client: Client, full_patient: Patient) -> None:
    key = str(uuid.uuid4())
    first = create_post(author_client, full_patient, course(full_patient), key)
    second = create_post(author_client, full_patient, course(full_patient), key)

    assert Letter.objects.count() == 1
    assert first["Location"] == second["Location"] == Letter.objects.get().get_absolute_url()


def test_a_letter_for_another_patients_course_is_not_found(author_client: Client, full_patient: Patient) -> None:
    other = PatientFactory()

    response = create_post(author_client, other, course(full_patient))
    forged = author_client.post(
        reverse("records:letter-create", kwargs={"pk": full_patient.pk}),
        {"assessment": 2**31, "kind": "discharge_summary", "submission_key": uuid.uuid4()},
    )

    assert response.status_code == 404 and forged.status_code == 404
    assert not Letter.objects.exists()


@pytest.mark.parametrize("persona", ["front_desk", "admin"])
def test_front_desk_and_the_clinic_admin_never_see_a_letter(
    request: pytest.FixtureRequest, persona: str, full_patient: Patient
) -> None:
    letter = signed(full_patient)
    client = request.getfixturevalue(f"{persona}_client")

    for name in ("letter-detail", "letter-sign", "letter-send", "letter-preview"):
        response = client.get(reverse(f"records:{name}", kwargs={"pk": letter.pk}))
        assert response.status_code == 403, name
        assert letter.outcome[:30] not in response.content.decode()
    assert create_post(client, full_patient, course(full_patient)).status_code == 403
    assert Letter.objects.count() == 1


def test_a_clinic_admin_who_is_also_a_physiotherapist_writes_letters(full_patient: Patient) -> None:
    both = UserFactory(roles=[Role.CLINIC_ADMIN, Role.PHYSIOTHERAPIST])
    client = Client()
    client.force_login(both)

    assert client.get(reverse("records:letter-list", kwargs={"pk": full_patient.pk})).status_code == 200
    assert create_post(client, full_patient, course(full_patient)).status_code == 302


def edit_data(letter: Letter, **changes: str) -> dict[str, object]:
    fields = ("recipient_name", "recipient_address", *letters.LETTER_SECTIONS)
    return {**{field: getattr(letter, field) for field in fields}, "version": letter.version, **changes}


def test_the_draft_is_edited_in_the_physiotherapists_own_words(author_client: Client, full_patient: Patient) -> None:
    letter = draft(full_patient)

    response = author_client.post(letter.get_absolute_url(), edit_data(letter, advice="Keep up the exercises."))

    assert response.status_code == 302
    saved = Letter.objects.get(pk=letter.pk)
    assert saved.advice == "Keep up the exercises." and saved.version == letter.version + 1


def test_editing_a_signed_letter_is_refused_with_a_clear_message_and_nothing_changes(
    author_client: Client, full_patient: Patient
) -> None:
    letter = signed(full_patient)
    before = Letter.objects.filter(pk=letter.pk).values().get()

    response = author_client.post(letter.get_absolute_url(), edit_data(letter, outcome="Rewritten."))

    assert response.status_code == 409
    assert "This letter is signed and cannot change. Add an addendum instead. Nothing was changed." in text(response)
    assert Letter.objects.filter(pk=letter.pk).values().get() == before


def test_a_too_long_section_is_refused_at_its_field_and_the_rest_is_kept(
    author_client: Client, full_patient: Patient
) -> None:
    letter = draft(full_patient)

    response = author_client.post(
        letter.get_absolute_url(), edit_data(letter, advice="x" * 4001, plan="Review in six weeks.")
    )

    assert response.status_code == 400
    assert "Keep this to 4,000 characters or fewer." in text(response)
    assert "Review in six weeks." in response.content.decode()
    assert Letter.objects.get(pk=letter.pk).version == letter.version


def test_an_edit_on_an_out_of_date_page_is_not_saved_over_the_newer_one(
    author_client: Client, full_patient: Patient
) -> None:
    letter = draft(full_patient)
    letters.letter_save_fields(letter=letter, data={"plan": "Newer plan."}, version=letter.version, by=letter.author)

    response = author_client.post(letter.get_absolute_url(), edit_data(letter, plan="Older plan."))

    assert response.status_code == 409
    assert "Your changes were not saved" in text(response)
    assert Letter.objects.get(pk=letter.pk).plan == "Newer plan."


def test_a_colleague_reads_the_draft_but_cannot_change_or_sign_it(full_patient: Patient) -> None:
    letter = draft(full_patient)
    colleague = Client()
    colleague.force_login(UserFactory(roles=[Role.PHYSIOTHERAPIST]))

    assert colleague.get(letter.get_absolute_url()).status_code == 200
    assert colleague.post(letter.get_absolute_url(), edit_data(letter, plan="Mine.")).status_code == 403
    refused = colleague.post(
        reverse("records:letter-sign", kwargs={"pk": letter.pk}), {"version": 1, "reviewed": "on"}
    )
    assert refused.status_code == 400
    assert Letter.objects.get(pk=letter.pk).status == LetterStatus.DRAFT


def test_the_letter_is_signed_from_its_review_then_printed_through_a_recorded_disclosure(
    author_client: Client, full_patient: Patient, settings: object
) -> None:
    PractitionerFactory(
        user=course(full_patient).physiotherapist, registration_number="PT-04417", credentials="BScPT, FCAMPT"
    )
    letter = draft(full_patient)
    sign_url = reverse("records:letter-sign", kwargs={"pk": letter.pk})
    assert "Nothing is missing." in text(author_client.get(sign_url))

    signed_response = author_client.post(sign_url, {"version": letter.version, "reviewed": "on"})

    assert signed_response.status_code == 302
    assert Letter.objects.get(pk=letter.pk).is_signed
    send_url = reverse("records:letter-send", kwargs={"pk": letter.pk})
    assert author_client.get(reverse("records:letter-preview", kwargs={"pk": letter.pk}))["Location"] == send_url
    form = author_client.get(send_url)
    key = re.search(r'name="submission_key" value="([^"]+)"', form.content.decode()).group(1)
    printed = author_client.post(
        send_url, {"recipient": "Dr. Ada Okafor", "purpose": "continuing_care", "submission_key": key}
    )

    assert printed.status_code == 200
    shown = text(printed)
    assert settings.CLINIC_NAME in shown and settings.CLINIC_PHONE in shown  # type: ignore[attr-defined]
    assert f"{full_patient.family_name}, {full_patient.given_name}" in shown
    assert "BScPT, FCAMPT" in shown and "Registration no. PT-04417" in shown and "Signed electronically by" in shown
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, patient_id=full_patient.pk).count() == 1

    again = author_client.post(
        send_url, {"recipient": "Dr. Ada Okafor", "purpose": "continuing_care", "submission_key": key}
    )
    assert again.status_code == 400 and "already printed or sent from this form" in text(again)
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, patient_id=full_patient.pk).count() == 1


def test_a_draft_prints_as_a_draft_and_cannot_be_sent(author_client: Client, full_patient: Patient) -> None:
    letter = draft(full_patient)

    preview = author_client.get(reverse("records:letter-preview", kwargs={"pk": letter.pk}))
    send = author_client.post(
        reverse("records:letter-send", kwargs={"pk": letter.pk}),
        {"recipient": "Dr. Ada Okafor", "purpose": "continuing_care", "submission_key": uuid.uuid4()},
    )

    assert preview.status_code == 200 and "Draft — not signed" in text(preview) and "Not signed." in text(preview)
    assert AuditEvent.objects.filter(action=AuditAction.PRINT, object_id=str(letter.pk)).count() == 1
    assert send.status_code == 302 and send["Location"] == letter.get_absolute_url()
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_a_signed_letter_takes_an_addendum_and_is_marked_entered_in_error_from_its_page(
    author_client: Client, full_patient: Patient
) -> None:
    letter = signed(full_patient)

    added = author_client.post(
        reverse("records:letter-addendum-create", kwargs={"pk": letter.pk}), {"reason": "Late", "text": "Called GP."}
    )
    empty = author_client.post(reverse("records:letter-entered-in-error", kwargs={"pk": letter.pk}), {"reason": " "})
    marked = author_client.post(
        reverse("records:letter-entered-in-error", kwargs={"pk": letter.pk}), {"reason": "Wrong course"}
    )

    assert added.status_code == 302 and letter.addenda.count() == 1
    assert empty.status_code == 400 and "Say why this letter was entered in error." in text(empty)
    assert marked.status_code == 302 and Letter.objects.get(pk=letter.pk).is_entered_in_error


@pytest.mark.parametrize("name", ["letter-create", "letter-addendum-create", "letter-entered-in-error"])
def test_the_letter_actions_refuse_a_get(author_client: Client, full_patient: Patient, name: str) -> None:
    letter = draft(full_patient)
    kwargs = {"pk": full_patient.pk if name == "letter-create" else letter.pk}

    assert author_client.get(reverse(f"records:{name}", kwargs=kwargs)).status_code == 405


# --- The assessment summary on the letterhead ---------------------------------------------------------------------


def test_the_assessment_summary_prints_on_the_letterhead_for_the_file_or_a_named_recipient(
    author_client: Client, full_patient: Patient, settings: object
) -> None:
    url = reverse("assessments:assessment-print", kwargs={"pk": course(full_patient).pk})

    for_file = text(author_client.get(url))
    referral = text(author_client.get(url, {"to": "Dr. Ada Okafor, Kitsilano Family Practice"}))
    too_long = author_client.get(url, {"to": "x" * 201})

    assert settings.CLINIC_NAME in for_file and settings.CLINIC_FAX in for_file  # type: ignore[attr-defined]
    assert "For the patient's file" in for_file
    assert "To: Dr. Ada Okafor, Kitsilano Family Practice" in referral
    assert too_long.status_code == 200 and "Keep the recipient to 200 characters or fewer." in text(too_long)
    assert "For the patient's file" in text(too_long)


def test_every_change_to_a_draft_is_in_the_audit_log(author_client: Client, full_patient: Patient) -> None:
    letter = draft(full_patient)

    author_client.post(letter.get_absolute_url(), edit_data(letter, advice="Walk daily."))

    changes = LogEntry.objects.get_for_object(letter).filter(action=LogEntry.Action.UPDATE)
    assert [entry.changes_dict["advice"][1] for entry in changes] == ["Walk daily."]
    assert AuditEvent.objects.filter(action=AuditAction.UPDATE, object_id=str(letter.pk), patient_id=full_patient.pk)


def test_an_unknown_kind_of_letter_is_refused_with_a_message_and_nothing_saved(
    author_client: Client, full_patient: Patient
) -> None:
    response = create_post(author_client, full_patient, course(full_patient), kind="invoice")

    assert response.status_code == 400
    assert "Choose the kind of letter." in text(response)
    assert not Letter.objects.exists()


def _in_words(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


# --- The signature as signed -------------------------------------------------------------------------------------


def print_signed(client: Client, letter: Letter) -> str:
    send_url = reverse("records:letter-send", kwargs={"pk": letter.pk})
    key = re.search(r'name="submission_key" value="([^"]+)"', client.get(send_url).content.decode()).group(1)  # type: ignore[union-attr]
    printed = client.post(
        send_url, {"recipient": "Dr. Ada Okafor", "purpose": "continuing_care", "submission_key": key}
    )
    assert printed.status_code == 200
    return text(printed)


def test_a_signed_letter_reprints_the_signature_it_was_signed_with_after_the_profile_changes(
    author_client: Client, full_patient: Patient
) -> None:
    author = course(full_patient).physiotherapist
    author.first_name, author.last_name = "Amira", "Haddad"
    author.save()
    profile = PractitionerFactory(user=author, registration_number="PT-04417", credentials="BScPT, FCAMPT")
    letter = signed(full_patient)
    profile.registration_number, profile.credentials = "PT-99999", "MScPT"
    profile.save()
    author.last_name = "Haddad-Stone"
    author.save()

    reprint = print_signed(author_client, letter)

    assert "Amira Haddad, BScPT, FCAMPT" in reprint and "Registration no. PT-04417" in reprint
    assert "Signed electronically by Amira Haddad on" in reprint
    assert "MScPT" not in reprint and "PT-99999" not in reprint and "Haddad-Stone" not in reprint


def test_a_draft_preview_shows_the_physiotherapists_profile_as_it_is_now(
    author_client: Client, full_patient: Patient
) -> None:
    profile = PractitionerFactory(
        user=course(full_patient).physiotherapist, registration_number="PT-04417", credentials="BScPT"
    )
    letter = draft(full_patient)
    profile.registration_number = "PT-05555"
    profile.save()

    preview = text(author_client.get(reverse("records:letter-preview", kwargs={"pk": letter.pk})))

    assert "Registration no. PT-05555" in preview and "PT-04417" not in preview and "Not signed." in preview


def test_the_content_digest_covers_the_signature_block(full_patient: Patient) -> None:
    PractitionerFactory(user=course(full_patient).physiotherapist, registration_number="PT-04417")
    letter = signed(full_patient)
    assert letter.signer_registration_number == "PT-04417"

    Letter.objects.filter(pk=letter.pk).update(signer_registration_number="PT-00001")  # behind the application's back

    err = StringIO()
    with pytest.raises(CommandError):
        call_command("verify_records", stdout=StringIO(), stderr=err)
    assert f"MISMATCH records.Letter {letter.pk}:" in err.getvalue()


# --- Refusals the page says --------------------------------------------------------------------------------------


def test_an_addendum_from_a_tab_opened_before_the_letter_was_marked_in_error_is_refused_in_words(
    author_client: Client, full_patient: Patient
) -> None:
    letter = signed(full_patient)
    addendum_url = reverse("records:letter-addendum-create", kwargs={"pk": letter.pk})
    author_client.post(
        reverse("records:letter-entered-in-error", kwargs={"pk": letter.pk}), {"reason": "Wrong course"}
    )

    late = author_client.post(addendum_url, {"reason": "Late", "text": "Called GP."})
    late_and_empty = author_client.post(addendum_url, {"reason": "", "text": ""})

    marked_again_empty = author_client.post(
        reverse("records:letter-entered-in-error", kwargs={"pk": letter.pk}), {"reason": ""}
    )

    for response in (late, late_and_empty, marked_again_empty):
        assert response.status_code == 409
        assert "This letter is marked entered in error and cannot change. Nothing was changed." in text(response)
    assert not letter.addenda.exists()
    assert Letter.objects.get(pk=letter.pk).entered_in_error_reason == "Wrong course"


def test_an_addendum_on_a_draft_is_refused_in_words(author_client: Client, full_patient: Patient) -> None:
    letter = draft(full_patient)

    response = author_client.post(
        reverse("records:letter-addendum-create", kwargs={"pk": letter.pk}), {"reason": "Late", "text": "Called GP."}
    )

    assert response.status_code == 409
    assert "Addenda are for signed letters; change the draft itself instead." in text(response)
    assert not letter.addenda.exists()


def test_a_colleague_marking_a_letter_entered_in_error_is_refused_in_words(full_patient: Patient) -> None:
    letter = signed(full_patient)
    colleague = Client()
    colleague.force_login(UserFactory(roles=[Role.PHYSIOTHERAPIST]))
    url = reverse("records:letter-entered-in-error", kwargs={"pk": letter.pk})

    for data in ({"reason": "Not mine to mark"}, {"reason": ""}):
        response = colleague.post(url, data)

        assert response.status_code == 403
        assert (
            "Only the physiotherapist who wrote this letter can mark it entered in error. Nothing was changed."
            in text(response)
        )
    assert Letter.objects.get(pk=letter.pk).is_signed


# --- Reading the letters page --------------------------------------------------------------------------------------


def test_the_letters_page_is_in_the_audit_trail_as_a_reading_of_each_course_it_shows(
    author_client: Client, full_patient: Patient
) -> None:
    assessment = course(full_patient)

    response = author_client.get(reverse("records:letter-list", kwargs={"pk": full_patient.pk}))

    assert assessment.chief_complaint[:40] in text(response)
    viewed = AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_type="assessments.assessment", object_id=str(assessment.pk)
    )
    assert viewed.count() == 1 and viewed.get().patient_id == full_patient.pk


# --- Words -------------------------------------------------------------------------------------------------------


def test_the_drafted_letter_names_an_adverse_events_class_in_words(full_patient: Patient) -> None:
    letter = draft(full_patient)

    assert "Bruising, mild (minor). Action taken: Reassured." in letter.adverse_events
    assert "(mild)" not in letter.adverse_events


def test_the_letter_pages_give_dates_in_words(author_client: Client, full_patient: Patient) -> None:
    letter = signed(full_patient)
    created = timezone.localdate(letter.created_at)
    signed_at = timezone.localtime(letter.signed_at)
    assessed = _in_words(timezone.localdate(course(full_patient).started_at))
    pages = {
        "list": author_client.get(reverse("records:letter-list", kwargs={"pk": full_patient.pk})),
        "detail": author_client.get(letter.get_absolute_url()),
        "sign": author_client.get(reverse("records:letter-sign", kwargs={"pk": letter.pk})),
        "send": author_client.get(reverse("records:letter-send", kwargs={"pk": letter.pk})),
    }

    for name, response in pages.items():
        shown = text(response)
        assert f"Discharge summary of {_in_words(created)}" in shown, name
        assert not re.search(r"\d{4}-\d{2}-\d{2}", shown), name
    assert f"Assessment of {assessed}" in text(pages["list"])
    assert f"Signed {_in_words(signed_at.date())}" in text(pages["list"])
    detail = text(pages["detail"])
    assert (
        f"assessment of {assessed}" in detail and f"Signed {_in_words(signed_at.date())}, {signed_at:%H:%M}" in detail
    )
    assert f"signed on {_in_words(signed_at.date())}, {signed_at:%H:%M}" in text(pages["sign"])


# --- The letterhead's logo ---------------------------------------------------------------------------------------


class UncollectedLogoStorage(StaticFilesStorage):
    """The manifest storage of production when the logo was never collected: asking for its address fails."""

    def url(self, name: str | None) -> str:
        if name == "img/our-logo.png":
            raise ValueError(f"Missing staticfiles manifest entry for '{name}'")
        return super().url(name)


def test_a_letter_prints_without_its_logo_when_the_logo_was_not_collected(
    author_client: Client, full_patient: Patient, settings: object
) -> None:
    letter = draft(full_patient)
    url = reverse("records:letter-preview", kwargs={"pk": letter.pk})
    assert 'class="letterhead-logo"' in author_client.get(url).content.decode()
    settings.CLINIC_LOGO = "img/our-logo.png"  # type: ignore[attr-defined]
    settings.STORAGES = {  # type: ignore[attr-defined]
        **settings.STORAGES,  # type: ignore[attr-defined]
        "staticfiles": {"BACKEND": f"{__name__}.UncollectedLogoStorage"},
    }

    response = author_client.get(url)

    assert response.status_code == 200
    assert settings.CLINIC_NAME in text(response)  # type: ignore[attr-defined]
    assert 'class="letterhead-logo"' not in response.content.decode()
