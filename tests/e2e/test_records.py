"""Records out in Chromium: a physio exports a record from the chart, the front desk imports patients,
the clinic admin exports the clinic's CSV files and makes, then revokes, an integration's token."""

import json
import zipfile

from accounts.models import AuditAction, AuditEvent
from accounts.roles import Role
from patients.models import Patient
from records.models import IntegrationToken
from tests.factories import PatientFactory


def test_a_physio_exports_a_record_from_the_chart_after_a_refused_empty_form(
    page: object, sign_in_as: object, assert_accessible: object
) -> None:
    from playwright.sync_api import expect

    patient = PatientFactory(given_name="Zebedee", family_name="Quartermaine")
    sign_in_as(Role.PHYSIOTHERAPIST)

    page.goto(patient.get_absolute_url())
    page.get_by_role("link", name="Export record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Export the record of Zebedee Quartermaine")
    assert_accessible()
    page.get_by_role("button", name="Download the record").click()
    expect(page.get_by_text("Say who receives the record.")).to_be_visible()
    expect(page.get_by_text("Choose why the record is released.")).to_be_visible()
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()

    page.get_by_label("To whom").fill("Dr Okafor, family physician")
    page.get_by_label("Why").select_option("continuing_care")
    page.get_by_label("FHIR R4 bundle (JSON), for another clinic's software").check()
    with page.expect_download() as waiting:
        page.get_by_role("button", name="Download the record").click()
    download = waiting.value

    assert download.suggested_filename.startswith(f"patient-{patient.pk}-record-")
    bundle = json.loads(open(download.path(), encoding="utf-8").read())  # noqa: SIM115
    assert bundle["entry"][0]["resource"]["name"][0]["family"] == "Quartermaine"
    assert AuditEvent.objects.get(action=AuditAction.EXPORT).patient_id == patient.pk


def test_the_front_desk_imports_patients_after_a_preview(page: object, sign_in_as: object, tmp_path: object) -> None:
    from playwright.sync_api import expect

    PatientFactory(given_name="Ada", family_name="Lovelace", date_of_birth="1985-12-10")
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\x00\x01binary")
    good = tmp_path / "patients.csv"
    good.write_text(
        "given_name,family_name,date_of_birth,phone\nAda,Lovelace,1985-12-10,604-555-0101\n"
        "Grace,Hopper,1976-12-09,604-555-0102\n",
        encoding="utf-8",
    )
    sign_in_as(Role.FRONT_DESK)

    page.goto("/records/import/")
    page.get_by_label("CSV file of patients").set_input_files(str(bad))
    page.get_by_role("button", name="Preview the import").click()
    expect(page.get_by_text("This is not a CSV text file.")).to_be_visible()
    page.get_by_label("CSV file of patients").set_input_files(str(good))
    page.get_by_role("button", name="Preview the import").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Preview of the import")
    expect(page.get_by_text("Possible duplicate of Lovelace, Ada")).to_be_visible()
    expect(page.get_by_text("Will be registered.")).to_be_visible()
    assert Patient.objects.count() == 1
    page.get_by_role("button", name="Import the patients").click()

    expect(page.get_by_text("1 patients imported.")).to_be_visible()
    assert Patient.objects.filter(family_name="Hopper").exists()
    assert Patient.objects.filter(family_name="Lovelace").count() == 1


def test_the_clinic_admin_exports_pseudonymised_csv_files(page: object, sign_in_as: object) -> None:
    from playwright.sync_api import expect

    PatientFactory(given_name="Zebedee", family_name="Quartermaine")
    sign_in_as(Role.CLINIC_ADMIN)

    page.goto("/")
    page.get_by_role("link", name="Export the clinic's data").click()
    page.get_by_label("To whom").fill("r" * 200)
    page.get_by_label("Why").select_option("research")
    expect(page.get_by_label("Pseudonymise", exact=False)).to_be_checked()
    with page.expect_download() as waiting:
        page.get_by_role("button", name="Download the CSV files").click()

    archive = zipfile.ZipFile(waiting.value.path())
    assert "Quartermaine" not in archive.read("patients.csv").decode()


def test_the_clinic_admin_makes_a_token_sees_it_once_and_revokes_it(
    page: object, sign_in_as: object, assert_accessible: object
) -> None:
    from playwright.sync_api import expect

    sign_in_as(Role.CLINIC_ADMIN)

    page.goto("/")
    page.get_by_role("link", name="Manage integrations").click()
    page.get_by_role("button", name="Make a token").click()
    expect(page.get_by_text("Name the integration.")).to_be_visible()
    page.get_by_label("Integration").fill("Referral portal")
    page.get_by_role("button", name="Make a token").click()

    token = page.get_by_label("Token").input_value()
    assert len(token) >= 43
    assert_accessible()
    page.goto("/records/integrations/")
    expect(page.get_by_label("Token")).to_have_count(0)
    page.get_by_role("button", name="Revoke the token of Referral portal").click()
    expect(page.get_by_text("The token of Referral portal is revoked")).to_be_visible()
    assert IntegrationToken.objects.get().revoked_at is not None


def test_the_clinic_admin_finds_a_patient_and_downloads_the_printable_record(
    page: object, sign_in_as: object, assert_accessible: object
) -> None:
    from playwright.sync_api import expect

    PatientFactory(given_name="Zebedee", family_name="Quartermaine")
    sign_in_as(Role.CLINIC_ADMIN)

    page.goto("/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Records").click()
    page.get_by_label("Find the patient").fill("x" * 100 + "quartermaine")
    expect(page.get_by_label("Find the patient")).to_have_value("x" * 100)  # the field stops at 100 characters
    page.get_by_label("Find the patient").fill("quartermaine")
    page.get_by_role("button", name="Find").click()
    assert_accessible()
    page.get_by_role("link", name="Export the record of Quartermaine, Zebedee").click()
    page.get_by_label("To whom").fill("The patient")
    page.get_by_label("Why").select_option("patient_access")
    with page.expect_download() as waiting:
        page.get_by_role("button", name="Download the record").click()

    assert waiting.value.suggested_filename.endswith(".html")
    assert "Quartermaine, Zebedee" in open(waiting.value.path(), encoding="utf-8").read()  # noqa: SIM115
