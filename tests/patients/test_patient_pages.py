"""Registering, editing, archiving patients: messages at the field, nothing half-saved, never twice."""

import uuid
from datetime import date, timedelta

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from patients.models import Patient
from tests.factories import PatientFactory

CREATE = reverse("patients:patient-create")


def new_patient(**changes: object) -> dict[str, object]:
    data = {
        "given_name": "Noémie",
        "family_name": "Lefèvre",
        "preferred_name": "",
        "pronouns": "",
        "date_of_birth": "1977-08-19",
        "administrative_sex": "female",
        "phone": "(604) 555-0188",
        "email": "noemie@example.com",
        "preferred_contact_method": "phone",
        "address_line1": "455 Main St",
        "address_line2": "",
        "city": "Vancouver",
        "province": "BC",
        "postal_code": "v5t2y1",
        "health_number": "9698 658 215",
        "health_number_province": "BC",
        "emergency_contact_name": "Luc Lefèvre",
        "emergency_contact_relationship": "Partner",
        "emergency_contact_phone": "604 555 0189",
        "family_doctor": "Dr. A. Singh",
        "referred_by": "",
        "submission_key": str(uuid.uuid4()),
    }
    data.update(changes)
    return data


@pytest.mark.django_db
def test_front_desk_registers_a_patient_and_lands_on_the_chart(front_desk_client: Client) -> None:
    response = front_desk_client.post(CREATE, new_patient(), follow=True)

    patient = Patient.objects.get()
    assert response.redirect_chain[-1][0] == patient.get_absolute_url()
    assert "Noémie Lefèvre is registered." in response.content.decode()
    assert (patient.phone, patient.postal_code, patient.health_number) == ("604-555-0188", "V5T 2Y1", "9698658215")
    assert patient.created_by == patient.updated_by == front_desk_client.user
    assert patient.search_name == "noemie lefevre"
    assert LogEntry.objects.get_for_object(patient).filter(action=LogEntry.Action.CREATE).count() == 1


NAME_CHARACTERS = "Use letters, spaces, apostrophes, hyphens and full stops only, starting with a letter."
BAD_CHECK_DIGIT = "This BC Personal Health Number fails its check digit: check each digit against the card."
BAD_INPUT = [
    ("given_name", "", "Enter the patient's name as on their health card."),
    ("family_name", "   ", "Enter the patient's name as on their health card."),
    ("given_name", "N" * 101, "Ensure this value has at most 100 characters (it has 101)."),
    ("family_name", "Lef3vre", NAME_CHARACTERS),
    ("given_name", "No\u200bémie", "Remove the invisible or control characters from the name."),
    ("date_of_birth", "", "This field is required."),
    ("date_of_birth", "19/08/1977x", "Enter a valid date."),
    ("date_of_birth", "1905-08-19", "The date of birth is more than 120 years ago: check the year."),
    ("date_of_birth", "1877-08-19", "Enter a date between 1 January 1900 and 31 December 2100."),
    ("email", "noemie@", "Enter a valid email address."),
    ("phone", "555-0188", "Enter a 10-digit number with its area code, e.g. 604-555-0134."),
    ("phone", "604-555-01a8", "Use digits, spaces, brackets, dots and dashes only, with + only at the start."),
    ("postal_code", "12345", "Enter a Canadian postal code such as V6B 1A1."),
    ("health_number", "9698648215", BAD_CHECK_DIGIT),
    ("health_number", "12345", "This is not a BC health number; they look like 9698 658 215."),
    ("administrative_sex", "robot", "Select a valid choice. robot is not one of the available choices."),
    ("province", "XX", "Select a valid choice. XX is not one of the available choices."),
]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize(("field", "value", "message"), BAD_INPUT, ids=[f"{f}={v!r}"[:40] for f, v, _ in BAD_INPUT])
def test_bad_input_is_answered_at_the_field_with_the_rest_kept(
    front_desk_client: Client, field: str, value: str, message: str
) -> None:
    response = front_desk_client.post(CREATE, new_patient(**{field: value}))

    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert 'value="Lefèvre"' in response.content.decode() or field == "family_name"
    assert not Patient.objects.exists()


@pytest.mark.django_db
def test_a_date_of_birth_in_the_future_is_refused(front_desk_client: Client) -> None:
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    response = front_desk_client.post(CREATE, new_patient(date_of_birth=tomorrow))

    assert response.context["form"].errors["date_of_birth"] == ["The date of birth is in the future."]
    assert not Patient.objects.exists()


@pytest.mark.django_db
def test_e_mail_as_the_way_to_contact_needs_an_address(front_desk_client: Client) -> None:
    response = front_desk_client.post(CREATE, new_patient(email="", preferred_contact_method="email"))

    assert response.context["form"].errors["email"] == [
        "Add an e-mail address, or choose another way to contact the patient."
    ]


@pytest.mark.django_db
def test_a_possible_duplicate_is_shown_before_saving_and_can_be_confirmed(front_desk_client: Client) -> None:
    existing = PatientFactory(given_name="Noemie", family_name="Lefevre", date_of_birth=date(1977, 8, 19))
    data = new_patient()

    warned = front_desk_client.post(CREATE, data)

    body = warned.content.decode()
    assert "This may be a patient who is already registered" in body
    assert existing.get_absolute_url() in body
    assert "same date of birth and a similar name" in body
    assert Patient.objects.count() == 1
    confirmed = front_desk_client.post(CREATE, {**data, "confirm_new": "yes"})
    assert confirmed.status_code == 302
    assert Patient.objects.count() == 2


@pytest.mark.django_db
def test_the_same_phone_is_a_possible_duplicate(front_desk_client: Client) -> None:
    PatientFactory(given_name="Luc", family_name="Lefèvre", phone="604-555-0188", date_of_birth=date(1975, 1, 1))

    body = front_desk_client.post(CREATE, new_patient()).content.decode()

    assert "same phone number" in body
    assert Patient.objects.count() == 1


@pytest.mark.django_db
def test_a_double_submit_registers_one_patient(front_desk_client: Client) -> None:
    data = new_patient()

    first = front_desk_client.post(CREATE, data)
    second = front_desk_client.post(CREATE, data)

    assert Patient.objects.count() == 1
    assert second.status_code == 302
    assert second["Location"] == first["Location"] == Patient.objects.get().get_absolute_url()


@pytest.mark.django_db
def test_fields_a_form_does_not_offer_are_ignored(front_desk_client: Client) -> None:
    front_desk_client.post(CREATE, new_patient(is_archived="on", search_name="x", created_by="999"))

    patient = Patient.objects.get()
    assert not patient.is_archived
    assert patient.created_by == front_desk_client.user


@pytest.mark.django_db
def test_editing_saves_the_details_and_who_changed_them(physio_client: Client) -> None:
    patient = PatientFactory(given_name="Noemie", family_name="Lefevre")
    data = new_patient(given_name="Noémie", family_name="Lefèvre-Roy", version=patient.version)

    response = physio_client.post(reverse("patients:patient-update", args=[patient.pk]), data, follow=True)

    patient.refresh_from_db()
    assert "The patient&#x27;s details are saved." in response.content.decode()
    assert (patient.family_name, patient.search_name) == ("Lefèvre-Roy", "noemie lefevre-roy")
    assert patient.updated_by == physio_client.user
    assert LogEntry.objects.get_for_object(patient).filter(action=LogEntry.Action.UPDATE).exists()


@pytest.mark.django_db
def test_an_archived_patient_cannot_be_edited_until_restored(front_desk_client: Client) -> None:
    patient = PatientFactory(family_name="Archived", is_archived=True, archived_at=timezone.now())
    url = reverse("patients:patient-update", args=[patient.pk])

    shown = front_desk_client.get(url, follow=True)
    posted = front_desk_client.post(url, new_patient(), follow=True)

    for response in (shown, posted):
        assert (
            "This patient is archived. Restore the patient before changing their details." in response.content.decode()
        )
    patient.refresh_from_db()
    assert patient.family_name == "Archived"


@pytest.mark.django_db
def test_archiving_keeps_the_patient_and_restoring_brings_them_back(front_desk_client: Client) -> None:
    patient = PatientFactory()

    front_desk_client.post(reverse("patients:patient-archive", args=[patient.pk]))
    patient.refresh_from_db()
    assert patient.is_archived and patient.archived_by == front_desk_client.user
    front_desk_client.post(reverse("patients:patient-restore", args=[patient.pk]))
    patient.refresh_from_db()
    assert not patient.is_archived and patient.archived_at is None


@pytest.mark.django_db
def test_archiving_by_get_changes_nothing(front_desk_client: Client) -> None:
    patient = PatientFactory()

    assert front_desk_client.get(reverse("patients:patient-archive", args=[patient.pk])).status_code == 405
    patient.refresh_from_db()
    assert not patient.is_archived


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["patients:patient-detail", "patients:patient-update"])
def test_a_patient_that_does_not_exist_is_404(front_desk_client: Client, name: str) -> None:
    assert front_desk_client.get(reverse(name, args=[987654])).status_code == 404


@pytest.mark.django_db
def test_a_patient_cannot_be_deleted_while_records_point_at_them() -> None:
    from django.db.models import ProtectedError

    from tests.factories import ConsentFactory

    consent = ConsentFactory()
    with pytest.raises(ProtectedError):
        consent.patient.delete()
