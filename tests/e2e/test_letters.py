"""Letters in Chromium: the physiotherapist writes a discharge summary and a letter to the family doctor from the
chart, signs each, records to whom and why it goes, and prints it; the assessment summary prints on the letterhead.
Each is printed to PDF at A4 and at US Letter: one page, with the clinic, the patient, the recipient and the
signature, and none of the screen's navigation. With IMS_SCREENSHOTS set to a folder, each printed page is saved
there at A4 (`make screenshots` writes docs/screenshots/)."""

import os
import re
from pathlib import Path

from django.conf import settings

from accounts.roles import Role
from assessments import services as assessment_services
from assessments.models import Assessment, TreatmentSession
from ims_clinic import demo
from patients.models import Patient
from tests.e2e.conftest import assert_no_violations
from tests.factories import ConsentFactory, PatientFactory, PractitionerFactory, QuestionnaireResponseFactory

SCREENSHOTS = os.environ.get("IMS_SCREENSHOTS", "")
PAGE_OBJECT = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")
# The printable part of an A4 page (the stylesheet's margins taken off), in CSS pixels: what a screenshot shows.
A4_PRINTED_AREA = {"width": 688, "height": 1032}
SCREEN_ONLY = ("Back to the letter", "Back to the assessment", "Show with this recipient", "Patients", "Sign out")
FAMILY_DOCTOR = "Dr. Ada Okafor"


def a_finished_course(physio: object) -> Patient:
    """The demo's elbow patient: a signed assessment, a course of weekly IMS with QuickDASH scores, one bruise."""
    patient = PatientFactory(
        given_name="Mohammed", family_name="Al-Farsi", family_doctor=FAMILY_DOCTOR, health_number="9876543210"
    )
    QuestionnaireResponseFactory(patient=patient)
    ConsentFactory(patient=patient, clinician=physio, regions=["upper_limb", "head_neck", "upper_back"])
    demo._seed_elbow(patient, physio)
    demo._seed_course(patient, demo.DEMO_COURSES[0], physio)
    session = TreatmentSession.objects.filter(patient=patient, status="signed").last()
    assessment_services.adverse_event_record(
        session=session, reported_by=physio, event_type="bruising", event_class="mild", onset="after",
        action_taken="Reassured; it faded in a week.",
    )  # fmt: skip
    return patient


def pages_in(pdf: bytes) -> int:
    return len(PAGE_OBJECT.findall(pdf))


def printed(page: object, name: str) -> str:
    """Print the page to PDF at A4 and at Letter (one page each), save it at A4 when asked, and give the text the
    print shows."""
    page.emulate_media(media="print")
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.set_viewport_size(A4_PRINTED_AREA)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"print-{name}.png"), full_page=True)
    for paper in ("A4", "Letter"):
        pdf = page.pdf(format=paper, print_background=True)
        assert pdf.startswith(b"%PDF"), paper
        assert pages_in(pdf) == 1, f"{name} prints on {pages_in(pdf)} {paper} pages"
    text = page.evaluate("document.body.innerText")
    page.emulate_media(media="screen")
    return " ".join(text.split())


def assert_a_clean_print(text: str, *, recipient: str, signer: str) -> None:
    assert settings.CLINIC_NAME in text and settings.CLINIC_PHONE in text and settings.CLINIC_FAX in text
    assert "Al-Farsi, Mohammed" in text and "9876543210" in text
    assert recipient in text
    assert f"Signed electronically by {signer}" in text and "BScPT, FCAMPT" in text and "PT-04417" in text
    for words in SCREEN_ONLY:
        assert words not in text, f"{words!r} is printed"


def write_sign_and_print(page: object, patient: Patient, *, button: str, recipient: str, signer: str) -> str:
    from playwright.sync_api import expect

    page.goto(f"/patients/{patient.pk}/")
    page.get_by_role("link", name="Letters: discharge summary, family doctor").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Letters about {patient.display_name}")
    assert_no_violations(page)
    page.get_by_role("button", name=button).click()
    expect(page.get_by_role("textbox", name="Outcome")).to_contain_text("minimal important change")
    assert_no_violations(page)
    page.get_by_role("textbox", name="Advice given").fill("Keep up the neck and forearm exercises twice a day.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Saved.")).to_be_visible()

    page.get_by_role("link", name="Review and sign").click()
    expect(page.get_by_text("Nothing is missing.")).to_be_visible()
    assert_no_violations(page)
    page.get_by_label("I have reviewed this record and sign it as my own").check()
    page.get_by_role("button", name="Sign the letter").click()
    expect(page.get_by_text("The letter is signed.")).to_be_visible()

    page.get_by_role("link", name="Print or send").click()
    assert_no_violations(page)
    page.get_by_role("textbox", name="To whom").fill(recipient)
    page.get_by_label("Why").select_option("continuing_care")
    page.get_by_role("button", name="Record and show the letter").click()
    expect(page.get_by_text(f"Recorded as sent to {recipient}.")).to_be_visible()
    expect(page.get_by_text("Keep up the neck and forearm exercises twice a day.")).to_be_visible()
    assert_no_violations(page)
    return page.url


def test_a_discharge_summary_and_a_family_doctor_letter_are_written_signed_and_printed_on_one_page(
    page: object, sign_in_as: object
) -> None:
    physio = sign_in_as(Role.PHYSIOTHERAPIST, first_name="Maya")
    PractitionerFactory(user=physio, registration_number="PT-04417", credentials="BScPT, FCAMPT")
    patient = a_finished_course(physio)
    signer = str(physio)

    write_sign_and_print(page, patient, button="Write a discharge summary", recipient="The patient", signer=signer)
    summary = printed(page, "discharge-summary")
    assert_a_clean_print(summary, recipient="For the patient's file", signer=signer)
    assert "Discharge summary: IMS treatment" in summary and "Bruising, mild (minor)" in summary

    write_sign_and_print(page, patient, button="Letter to the family doctor", recipient=FAMILY_DOCTOR, signer=signer)
    letter = printed(page, "family-doctor-letter")
    assert_a_clean_print(letter, recipient=FAMILY_DOCTOR, signer=signer)
    assert f"Dear {FAMILY_DOCTOR}," in letter and "Yours sincerely," in letter


def test_the_assessment_summary_prints_on_the_letterhead_for_a_referral(page: object, sign_in_as: object) -> None:
    from playwright.sync_api import expect

    physio = sign_in_as(Role.PHYSIOTHERAPIST, first_name="Maya")
    PractitionerFactory(user=physio, registration_number="PT-04417", credentials="BScPT, FCAMPT")
    patient = a_finished_course(physio)
    assessment = Assessment.objects.get(patient=patient)

    page.goto(f"/assessments/{assessment.pk}/print/")
    expect(page.get_by_text("For the patient's file", exact=True)).to_be_visible()
    assert_no_violations(page)
    page.get_by_role("textbox", name="To (optional)").fill(f"{FAMILY_DOCTOR}, Kitsilano Family Practice")
    page.get_by_role("button", name="Show with this recipient").click()
    expect(page.get_by_text(f"To: {FAMILY_DOCTOR}, Kitsilano Family Practice")).to_be_visible()
    assert_no_violations(page)

    text = printed(page, "assessment-summary")
    assert_a_clean_print(text, recipient=f"To: {FAMILY_DOCTOR}", signer=str(physio))
    assert "Segment summary" in text and "To (optional)" not in text
