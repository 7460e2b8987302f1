"""Importing patients from another system's CSV: a preview, then all rows or none."""

import uuid
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from patients import services as patient_services
from patients.models import Patient
from records import importing
from tests.factories import PatientFactory

UPLOAD = reverse("records:patient-import")
CONFIRM = reverse("records:patient-import-confirm")
HEADER = "given_name,family_name,date_of_birth,phone,email,sex\n"
GOOD = HEADER + "Ada,Lovelace,1985-12-10,604-555-0101,,female\nAlan,Turing,1982-06-23,,alan@example.com,male\n"


def upload(client: Client, text: str | bytes, name: str = "patients.csv") -> Any:
    content = text.encode() if isinstance(text, str) else text
    return client.post(UPLOAD, {"file": SimpleUploadedFile(name, content, content_type="text/csv")})


def confirm(client: Client, preview_response: Any, **extra: Any) -> Any:
    form = preview_response.context["form"]
    data = {"payload": form.initial["payload"], "submission_key": str(form.initial["submission_key"]), **extra}
    return client.post(CONFIRM, data)


@pytest.mark.django_db
def test_the_preview_shows_the_rows_and_saves_nothing(front_desk_client: Client) -> None:
    response = upload(front_desk_client, GOOD)

    assert response.status_code == 200
    preview = response.context["preview"]
    assert [row.display_name for row in preview.rows] == ["Ada Lovelace", "Alan Turing"]
    assert preview.can_import
    assert response.content.decode().count("Will be registered.") == 2
    assert not Patient.objects.exists()


@pytest.mark.django_db
def test_confirming_registers_every_row(front_desk_client: Client) -> None:
    response = confirm(front_desk_client, upload(front_desk_client, GOOD))

    assert response.status_code == 302 and response["Location"] == reverse("patients:patient-list")
    ada = Patient.objects.get(family_name="Lovelace")
    assert (ada.phone, ada.administrative_sex, ada.preferred_contact_method) == ("604-555-0101", "female", "phone")
    turing = Patient.objects.get(family_name="Turing")
    assert turing.preferred_contact_method == "email"
    assert turing.created_by == front_desk_client.user
    assert turing.search_name == "alan turing"


@pytest.mark.django_db
def test_possible_duplicates_are_shown_and_skipped_unless_ticked(front_desk_client: Client) -> None:
    PatientFactory(given_name="Ada", family_name="Lovelace", date_of_birth="1985-12-10", phone="250-555-0199")
    text = GOOD + "Alan,Turing,1982-06-23,778-555-0123,,male\n"

    preview_response = upload(front_desk_client, text)
    preview = preview_response.context["preview"]

    ada, alan, alan_again = preview.rows
    assert ada.duplicates[0].reasons == ("same date of birth and a similar name",)
    assert alan.is_possible_duplicate is False
    assert alan_again.same_as_row == alan.number
    assert "Possible duplicate of" in preview_response.content.decode()
    confirm(front_desk_client, preview_response, include_duplicate=[str(alan_again.number)])
    assert Patient.objects.filter(family_name="Lovelace").count() == 1
    assert Patient.objects.filter(family_name="Turing").count() == 2


@pytest.mark.parametrize(
    ("line", "column", "message"),
    [
        ("Ada,Lovelace,not-a-date,604-555-0101,,", "date_of_birth", "Enter a valid date."),
        (",Lovelace,1985-12-10,604-555-0101,,", "given_name", "Enter the patient's name as on their health card."),
        ("Ada,Lovelace,1985-12-10,12,,", "phone", ""),
        ("Ada,Lovelace,1985-12-10,,,", "phone", "Add a phone number"),
        ("Ada,Lovelace,1985-12-10,604-555-0101,not-an-email,", "email", "valid email"),
        ("Ada,Lovelace,1985-12-10,604-555-0101,,robot", "administrative_sex", "valid choice"),
        ("Ada," + "L" * 1001 + ",1985-12-10,,,", "family_name", "too long"),
        ("Ada," + "L" * 150 + ",1985-12-10,604-555-0101,,", "family_name", "at most 100 characters"),
    ],
)
@pytest.mark.django_db
def test_row_errors_are_shown_per_row_and_block_the_whole_file(
    front_desk_client: Client, line: str, column: str, message: str
) -> None:
    response = upload(front_desk_client, GOOD + line + "\n")

    preview = response.context["preview"]
    bad = preview.rows[-1]
    assert [name for name, _ in bad.errors] == [column]
    assert message in bad.errors[0][1]
    assert not preview.can_import
    assert "Import the patients" not in response.content.decode()
    refused = confirm(front_desk_client, response)
    assert refused.status_code == 200
    assert "Correct the rows with errors" in refused.content.decode()
    assert not Patient.objects.exists()


@pytest.mark.django_db
def test_a_failure_in_the_middle_saves_nothing(front_desk_client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    preview_response = upload(front_desk_client, GOOD)
    real_create = patient_services.patient_create
    calls = []

    def failing_create(**kwargs: Any) -> Patient:
        calls.append(kwargs)
        if len(calls) == 2:
            raise RuntimeError("the disk is full")
        return real_create(**kwargs)

    monkeypatch.setattr(patient_services, "patient_create", failing_create)
    with pytest.raises(RuntimeError):
        confirm(front_desk_client, preview_response)

    assert len(calls) == 2
    assert not Patient.objects.exists()


@pytest.mark.django_db
def test_a_double_confirm_imports_once(front_desk_client: Client) -> None:
    preview_response = upload(front_desk_client, GOOD)

    confirm(front_desk_client, preview_response)
    again = confirm(front_desk_client, preview_response)

    assert again.status_code == 302
    assert Patient.objects.count() == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "This is not a CSV text file."),
        (b"given_name,family_name\nAda,Lovelace\n", "these are missing: date_of_birth"),
        (HEADER.encode(), "no patients"),
        ("given_name,family_name,date_of_birth\nZoë,Ñúñez,1990-01-01\n".encode("latin-1"), "not UTF-8"),
        (b"given_name,family_name,date_of_birth\n" + b"a,b,1990-01-01\n" * 70000, "larger than 1 MB"),
    ],
)
@pytest.mark.django_db
def test_a_bad_file_is_refused_at_the_field(front_desk_client: Client, content: bytes, message: str) -> None:
    response = upload(front_desk_client, content)

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["file"])
    assert not Patient.objects.exists()


@pytest.mark.django_db
def test_too_many_rows_are_refused(front_desk_client: Client) -> None:
    text = "given_name,family_name,date_of_birth\n" + "Ada,Lovelace,1985-12-10\n" * (importing.MAX_ROWS + 1)

    response = upload(front_desk_client, text)

    assert response.status_code == 200
    assert "more than 1000 patients" in " ".join(response.context["form"].errors["file"])


@pytest.mark.django_db
def test_other_systems_column_names_are_understood(front_desk_client: Client) -> None:
    response = upload(
        front_desk_client, "First Name;Last Name;DOB;Phone;Chart number\nAda;Lovelace;1985-12-10;6045550101;A-17\n"
    )

    preview = response.context["preview"]
    assert preview.can_import and preview.ignored_columns == ["chart_number"]


@pytest.mark.django_db
def test_a_changed_or_forged_preview_is_refused(front_desk_client: Client) -> None:
    forged = importing.sign_payload(GOOD)[:-3] + "abc"

    response = front_desk_client.post(CONFIRM, {"payload": forged, "submission_key": str(uuid.uuid4())}, follow=True)

    assert "expired or was changed" in response.content.decode()
    assert not Patient.objects.exists()


@pytest.mark.django_db
def test_a_missing_file_is_asked_for(front_desk_client: Client) -> None:
    response = front_desk_client.post(UPLOAD, {})

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["Choose the CSV file to import."]


@pytest.mark.django_db
def test_only_the_front_desk_imports(physio_client: Client, admin_client: Client) -> None:
    assert upload(physio_client, GOOD).status_code == 403
    assert upload(admin_client, GOOD).status_code == 403
    assert physio_client.post(CONFIRM, {}).status_code == 403


@pytest.mark.django_db
def test_the_confirm_step_refuses_get(front_desk_client: Client) -> None:
    assert front_desk_client.get(CONFIRM).status_code == 405


@pytest.mark.django_db
def test_the_preview_asks_the_registry_only_about_rows_that_could_match(
    front_desk_client: Client, django_assert_max_num_queries: Any
) -> None:
    many = HEADER + "".join(
        f"Person,Number{n:03d},19{50 + n % 40}-01-{1 + n % 28:02d},604-555-{n:04d},,\n" for n in range(60)
    )
    with django_assert_max_num_queries(15):
        upload(front_desk_client, many)
