"""After a session, on the patient's phone in Chromium at 360 px: the aftercare sheet, and the check a day later
answered with a mistake, then put right."""

from datetime import timedelta

from assessments.models import AftercareLink, AfterEffectReport, CheckLink
from patients import private_links
from tests.assessments.aftercare import treated
from tests.e2e.conftest import PHONE, assert_no_violations


def confirm_date_of_birth(phone: object, session: object) -> None:
    phone.get_by_label("Your date of birth").fill(session.patient.date_of_birth.isoformat())
    phone.get_by_role("button", name="Continue").click()


def test_the_patient_reads_the_sheet_and_answers_the_check_on_their_phone(phone: object) -> None:
    from playwright.sync_api import expect

    session = treated(muscle="upper-trapezius")
    _sheet, sheet_token = private_links.issue(
        AftercareLink, patient=session.patient, session=session, valid_for=timedelta(days=30)
    )
    _check, check_token = private_links.issue(
        CheckLink, patient=session.patient, session=session, check_round="first", valid_for=timedelta(hours=48)
    )

    phone.goto(f"/aftercare/{sheet_token}/")
    confirm_date_of_birth(phone, session)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Your care after treatment")
    expect(phone.get_by_role("heading", name="What to expect")).to_be_visible()
    expect(phone.get_by_text("If you become short of breath or have chest pain", exact=False)).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_no_violations(phone)

    phone.goto(f"/check/{check_token}/")
    confirm_date_of_birth(phone, session)
    expect(phone.get_by_role("heading", level=1)).to_have_text("How do you feel after your treatment?")
    soreness = phone.get_by_label("How sore are you now", exact=False)
    soreness.fill("11")
    # Where: tapped on the pain map, whose checkboxes (the answer sent) fold away under it.
    phone.get_by_role("checkbox", name="Shoulder and shoulder blade, right", exact=True).first.click()
    phone.get_by_label("Small (smaller than a coin)").check()
    phone.get_by_role("button", name="Send to the clinic").click()
    expect(soreness).to_have_accessible_description(
        "Choose a number from 0 (no soreness) to 10 (the worst you can imagine)."
    )
    expect(phone.locator("input[type=checkbox][value='shoulder:R']")).to_be_checked()
    expect(phone.get_by_role("checkbox", name="Shoulder and shoulder blade, right", exact=True).first).to_be_checked()
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_no_violations(phone)

    soreness.fill("6")
    phone.get_by_label("Fainting, or dizziness that does not pass").check()
    phone.get_by_role("button", name="Send to the clinic").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(f"Thank you, {session.patient.given_name}")
    expect(phone.get_by_text("You told us about a warning sign", exact=False)).to_be_visible()
    assert_no_violations(phone)

    report = AfterEffectReport.objects.get()
    assert (report.soreness, report.regions, report.bruising) == (6, ["shoulder:R"], "small")
    assert report.warning_signs == ["fainting_dizziness"]
