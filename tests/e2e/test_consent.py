"""Recording consent to IMS in Chromium: the physiotherapist's main path and a form sent incomplete."""

import re
from datetime import date

from accounts.roles import Role
from patients.models import Consent, ConsentTextVersion
from tests.factories import PatientFactory


def a_patient_and_a_consent_text() -> object:
    # Browser tests flush the database after each test, so the migration's consent text may be gone.
    ConsentTextVersion.objects.get_or_create(
        version="2026.1",
        defaults={
            "body": "What IMS is\nDry needling with fine, solid, single-use needles.",
            "effective_on": date(2026, 1, 1),
        },
    )
    return PatientFactory(given_name="Zebedee", family_name="Quartermaine")


def test_a_physio_records_written_consent_and_sees_it_on_the_chart(page: object, sign_in_as: object) -> None:
    from playwright.sync_api import expect

    patient = a_patient_and_a_consent_text()
    physio = sign_in_as(Role.PHYSIOTHERAPIST)

    page.goto(patient.get_absolute_url())
    expect(page.get_by_text("No IMS consent on file")).to_be_visible()
    page.get_by_role("link", name="Record consent").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Consent to IMS for Zebedee Quartermaine")
    expect(page.get_by_text("Version 2026.1, in use from 2026-01-01")).to_be_visible()
    page.get_by_label("Head and neck").check()
    page.get_by_label("Upper and middle back (beside the spine)").check()
    page.get_by_label("Alternatives (other physiotherapy, or no treatment) were discussed").check()
    page.get_by_label("The patient knows they can stop at any moment, and a stop signal was agreed").check()
    page.get_by_label("Written: the patient typed their name and ticked").check()
    page.get_by_label("Name typed by the patient").fill("Zebedee Quartermaine")
    page.get_by_label("I have read this, my questions were answered, and I consent to IMS").check()
    page.get_by_role("button", name="Record consent").click()

    expect(page.get_by_text("Consent to IMS is recorded.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Consent to IMS,")
    expect(page.get_by_text("In force", exact=True)).to_be_visible()
    expect(page.get_by_text("“Zebedee Quartermaine”")).to_be_visible()
    page.get_by_role("navigation", name="breadcrumb").get_by_role("link", name="Zebedee Quartermaine").click()
    expect(page.get_by_text("IMS consent in force")).to_be_visible()
    expect(page.get_by_role("link", name="Consent to IMS recorded")).to_be_visible()
    consent = Consent.objects.get()
    assert (consent.patient, consent.clinician, consent.form) == (patient, physio, "written")
    assert consent.signed_name == "Zebedee Quartermaine"
    assert consent.regions == ["head_neck", "upper_back"]
    assert consent.text_version.version == "2026.1"


def test_a_consent_sent_with_nothing_ticked_shows_what_is_missing_at_each_field(
    page: object, sign_in_as: object
) -> None:
    from playwright.sync_api import expect

    patient = a_patient_and_a_consent_text()
    sign_in_as(Role.PHYSIOTHERAPIST)
    page.goto(patient.get_absolute_url())
    page.get_by_role("link", name="Record consent").click()

    page.get_by_role("button", name="Record consent").click()

    expect(page).to_have_url(re.compile(rf"/patients/{patient.pk}/consents/new/$"))
    expect(page.get_by_role("group", name="Regions covered")).to_contain_text(
        "Choose at least one region that this consent covers."
    )
    expect(
        page.get_by_label("Alternatives (other physiotherapy, or no treatment) were discussed")
    ).to_have_accessible_description("Discuss the alternatives before recording consent.")
    expect(
        page.get_by_label("The patient knows they can stop at any moment, and a stop signal was agreed")
    ).to_have_accessible_description("Agree how the patient will ask to stop before recording consent.")
    expect(page.get_by_role("group", name="How consent was given")).to_contain_text("This field is required.")
    for message in (
        "Choose at least one region that this consent covers.",
        "Discuss the alternatives before recording consent.",
        "Agree how the patient will ask to stop before recording consent.",
    ):
        expect(page.get_by_text(message)).to_be_visible()
    assert not Consent.objects.exists()
