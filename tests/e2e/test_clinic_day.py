"""A day at the clinic in Chromium, from registration to the progress charts, checked with axe-core on the way.

Front desk registers a patient, books an initial IMS assessment and sends the questionnaire link; the
patient answers on a 360 px phone (on warfarin, with a recent INR); front desk sees it done on the day
schedule and checks the patient in; the physiotherapist acknowledges the flags, records consent, walks
the evaluation (the spinal grid by clicking), signs, treats from the suggested muscles, books follow-ups,
and after three sessions sees the progress charts. With IMS_SCREENSHOTS set to a folder, the main pages
are saved there at desk, tablet and phone sizes (`make screenshots` writes docs/screenshots/).
"""

import os
import re
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings

from accounts.roles import Role
from ims_clinic.demo import ALL_NO
from tests.e2e.conftest import PHONE, TABLET, assert_no_violations
from tests.factories import AppointmentTypeFactory, ConsentTextVersionFactory, PractitionerFactory, UserFactory

SCREENSHOTS = os.environ.get("IMS_SCREENSHOTS", "")


def next_wednesday_morning() -> datetime:
    """A working morning in the future: the tests travel there so that today's slots are free and bookable."""
    zone = ZoneInfo(settings.TIME_ZONE)
    day = datetime.now(zone).date() + timedelta(days=1)
    while day.weekday() != 2:
        day += timedelta(days=1)
    return datetime.combine(day, time(7, 45), tzinfo=zone)


def shoot(page: object, name: str) -> None:
    """Save the page when IMS_SCREENSHOTS names a folder; Chromium occasionally fails a capture under load."""
    if not SCREENSHOTS:
        return
    from playwright.sync_api import Error

    Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
    for attempt in range(3):
        try:
            page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=False)
            return
        except Error:
            if attempt == 2:
                raise


@pytest.fixture
def clinic(db: None) -> dict:
    maya = PractitionerFactory(
        user=UserFactory(username="maya", first_name="Maya", last_name="Chen", roles=[Role.PHYSIOTHERAPIST]),
        display_name="Maya Chen",
    )
    return {
        "maya": maya,
        "initial": AppointmentTypeFactory(
            name="Initial IMS assessment", kind="initial_assessment", duration_minutes=60
        ),
        "treatment": AppointmentTypeFactory(name="IMS treatment", kind="treatment", duration_minutes=30),
        "consent_text": ConsentTextVersionFactory(),
    }


def sign_in(page: object, username: str) -> None:
    from tests.factories import TEST_PASSWORD

    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")


def answer_questionnaire(phone: object, link: str) -> None:
    from playwright.sync_api import expect

    phone.goto(link)
    shoot(phone, "phone-questionnaire-start")
    assert_no_violations(phone)
    phone.get_by_label("Your date of birth").fill("1977-08-20")
    phone.get_by_role("button", name="Continue").click()
    expect(phone.get_by_text("This date of birth does not match our records")).to_be_visible()
    phone.get_by_label("Your date of birth").fill("1977-08-19")
    phone.get_by_role("button", name="Continue").click()

    def section(name: str) -> object:
        return phone.locator(f'[data-question="{name}"]')

    # Blood thinners: yes, warfarin. The follow-up appears as soon as Yes is chosen.
    section("A1").get_by_label("Yes").check()
    expect(section("A2")).to_be_visible()
    section("A2").get_by_label("Warfarin (Coumadin)").check()
    shoot(phone, "phone-questionnaire-blood-thinners")
    assert_no_violations(phone)
    phone.get_by_role("button", name="Next").click()
    # Warfarin: a recent INR within its range.
    section("A3").get_by_role("textbox").fill("2.4")
    inr_date = (datetime.now(ZoneInfo(settings.TIME_ZONE)).date() - timedelta(days=2)).isoformat()
    section("A4").locator("input").fill(inr_date)
    section("A5").get_by_label("From").fill("2")
    section("A5").get_by_label("To").fill("3")
    phone.get_by_role("button", name="Next").click()
    # Every other section: the answers of a patient with nothing else to report.
    for _ in range(15):
        if phone.get_by_role("button", name="Send my answers").is_visible():
            break
        for question in phone.locator("[data-question]:visible").all():
            value = ALL_NO.get(question.get_attribute("data-question"))
            for choice in value if isinstance(value, list) else [value]:
                if isinstance(choice, str):
                    question.locator(f"input[value='{choice}']").check()
        phone.get_by_role("button", name="Next").click()
    phone.get_by_role("checkbox").check()
    phone.get_by_role("textbox").fill("Noémie Lefèvre")
    shoot(phone, "phone-questionnaire-confirm")
    assert_no_violations(phone)
    phone.get_by_role("button", name="Send my answers").click()
    expect(phone.get_by_role("heading", name="Thank you")).to_be_visible()
    shoot(phone, "phone-questionnaire-thanks")


def test_a_day_at_the_clinic(page: object, live_server: object, clinic: dict) -> None:
    from playwright.sync_api import expect

    UserFactory(username="sam", first_name="Sam", roles=[Role.FRONT_DESK])
    with time_machine.travel(next_wednesday_morning(), tick=True):
        # --- Front desk: register, book, send the questionnaire link -------------------------------------
        sign_in(page, "sam")
        page.goto("/patients/new/")
        page.get_by_label("Given name").fill("Noémie")
        page.get_by_label("Family name").fill("Lefèvre")
        page.get_by_label("Date of birth").fill("1977-08-19")
        page.get_by_label("Phone").first.fill("604 555 0188")
        page.get_by_label("Email", exact=True).fill("noemie@example.com")
        assert_no_violations(page)
        page.get_by_role("button", name="Register patient").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Noémie Lefèvre")
        shoot(page, "desk-chart-new-patient")
        assert_no_violations(page)

        page.goto("/schedule/")
        shoot(page, "desk-schedule-morning")
        assert_no_violations(page)
        page.locator("a[data-testid=free-slot][href*='T09%3A00']").first.click()
        page.get_by_label("Find the patient").fill("lefevre")
        page.get_by_test_id("patient-choice").filter(has_text="Lefèvre, Noémie").click()
        page.locator("select[name=appointment_type]").select_option(label="Initial IMS assessment · 60 min")
        assert_no_violations(page)
        page.get_by_role("button", name="Book", exact=True).click()
        expect(page.locator("#questionnaire-offer")).to_be_visible()
        page.get_by_role("button", name="Send the questionnaire link").click()
        link = page.locator("#questionnaire-url").input_value()
        shoot(page, "desk-questionnaire-link")
        assert_no_violations(page)

        # --- The patient, on a phone ----------------------------------------------------------------------
        phone_context = page.context.browser.new_context(
            viewport=PHONE, base_url=live_server.url, is_mobile=True, has_touch=True
        )
        answer_questionnaire(phone_context.new_page(), link)
        phone_context.close()

        # --- Front desk: the schedule shows it done and flagged; check in ---------------------------------
        page.goto("/schedule/")
        visit = page.get_by_test_id("appointment").filter(has_text="Noémie Lefèvre")
        expect(visit).to_be_visible()
        expect(visit.get_by_text("Questionnaire current")).to_have_count(1)
        expect(visit.get_by_text("Flag to acknowledge", exact=True)).to_have_count(1)
        shoot(page, "desk-schedule-flag")
        visit.click()
        page.get_by_role("button", name="Check in").click()
        expect(page.get_by_text("Arrived").first).to_be_visible()
        page.get_by_role("button", name="Sign out").click()

        # --- The physiotherapist ----------------------------------------------------------------------------
        tablet = page.context.browser.new_context(viewport=TABLET, base_url=live_server.url)
        physio = tablet.new_page()
        sign_in(physio, "maya")
        physio.goto("/patients/")
        physio.get_by_role("link", name="Lefèvre, Noémie").click()
        chart_url = physio.url
        shoot(physio, "tablet-chart-flags")
        assert_no_violations(physio)

        # Needling before acknowledgement is refused: the treatment page says why and offers no site form.
        physio.get_by_role("button", name="IMS treatment").click()
        expect(physio.locator("#needling-gate")).to_contain_text("to acknowledge")
        expect(physio.locator("#site-form")).to_have_count(0)

        physio.goto(chart_url)
        physio.get_by_role("link", name="Review answers and flags").click()
        shoot(physio, "tablet-questionnaire-review")
        assert_no_violations(physio)
        for form in physio.locator("form[action*='/acknowledge/']").all():
            form.locator("textarea").fill("Warfarin, INR 2.4 two days ago: superficial muscles first, pressure 60 s.")
            form.get_by_role("button", name="Acknowledge").click()
        expect(physio.locator("form[action*='/acknowledge/']")).to_have_count(0)

        physio.goto(chart_url)
        physio.get_by_role("link", name="Record consent").click()
        physio.get_by_label("Arm (shoulder to hand)").check()
        physio.get_by_label("Head and neck").check()
        physio.get_by_label(re.compile("Alternatives")).check()
        physio.get_by_label(re.compile("stop signal")).check()
        physio.get_by_label("Verbal, recorded by the clinician").check()
        assert_no_violations(physio)
        physio.get_by_role("button", name="Record consent").click()
        expect(physio.get_by_text("Consent to IMS is recorded.")).to_be_visible()

        # The evaluation, every step.
        physio.goto(chart_url)
        physio.get_by_role("button", name="IMS assessment").click()
        physio.get_by_label("Chief complaint").fill("Right lateral elbow pain for five months.")
        physio.get_by_label("Pain now (0-10)").fill("6")
        assert_no_violations(physio)
        physio.get_by_role("button", name="Save and continue").click()
        expect(physio.get_by_role("heading", name="2. Safety")).to_be_visible()
        for step in ("movement", "strength", "reflexes", "hands-on"):
            physio.get_by_role("link", name=re.compile(step, re.IGNORECASE)).first.click()
            assert_no_violations(physio)
        physio.locator("form[action$='/rows/finding/']").get_by_label("Sign").select_option("SEN-MOTORPOINT")
        physio.locator("form[action$='/rows/finding/']").get_by_label("Muscle").select_option("supinator")
        physio.locator("form[action$='/rows/finding/'] select[name=side]").select_option("R")
        physio.locator("form[action$='/rows/finding/']").get_by_role("button", name="Add").click()
        physio.get_by_role("link", name=re.compile("The spine")).click()
        for level in ("C5", "C6"):
            cell = physio.get_by_role("button", name=f"Tender: Paraspinal tenderness at {level} right")
            cell.click()
            expect(cell).to_have_attribute("aria-pressed", "true")
            band = physio.get_by_role("button", name=f"Band: Paraspinal bands or shortening at {level} right")
            band.click()
            expect(band).to_have_attribute("aria-pressed", "true")
        shoot(physio, "tablet-spinal-grid")
        assert_no_violations(physio)
        physio.get_by_role("link", name=re.compile("Summary and sign")).click()
        for level in ("C5", "C6"):  # every level the summary suggests is decided before signing
            row = physio.locator("tr", has=physio.get_by_role("rowheader", name=level, exact=True))
            row.get_by_role("button", name="Involved", exact=True).first.click()
            expect(physio.get_by_text(f"{level} right: involved")).to_be_visible()
        expect(physio.get_by_role("heading", name="Muscles to needle (from the confirmed levels)")).to_be_visible()
        expect(physio.get_by_text("Supinator").first).to_be_visible()
        physio.get_by_role("textbox", name="Clinical impression").fill(
            "Right C5 segmental pain presenting at the elbow."
        )
        physio.get_by_role("textbox", name="Plan", exact=True).fill("IMS weekly for three sessions, then reassess.")
        physio.get_by_role("button", name="Save", exact=True).click()
        expect(physio.get_by_text("Summary and sign saved.")).to_be_visible()
        physio.locator("#plan-form").get_by_role("checkbox").first.check()
        physio.get_by_role("button", name="Save the plan").click()
        expect(physio.get_by_text("Plan of muscles saved.")).to_be_visible()
        shoot(physio, "tablet-segment-summary")
        assert_no_violations(physio)
        physio.get_by_role("link", name="Review and sign").click()
        expect(physio.get_by_text("Nothing is missing")).to_be_visible()
        assert_no_violations(physio)
        physio.get_by_label("I have reviewed this record and sign it as my own").check()
        physio.get_by_role("button", name="Sign the assessment").click()
        expect(physio.get_by_text(re.compile("^Signed .* by Maya Chen"))).to_be_visible()

        # Three treatments from the suggested muscles.
        for number, (before, after) in enumerate(((6, 4), (5, 3), (4, 2)), start=1):
            physio.goto(chart_url)
            physio.get_by_role("button", name="IMS treatment").click()
            if number == 1:
                # The visit's re-check comes before the first site; later sessions that day rely on it.
                recheck = physio.locator("#recheck form")
                recheck.get_by_role("radio", name="No", exact=True).check()
                recheck.get_by_role("button", name="Record the re-check").click()
                expect(physio.get_by_text("Re-check recorded.", exact=True)).to_be_visible()
            physio.get_by_label("Pain before (NPRS 0-10)").fill(str(before))
            physio.locator("form[action$='/header/']").get_by_role("button", name="Save").click()
            site_form = physio.locator("#site-form")
            site_form.get_by_label("Muscle").select_option("supinator")
            site_form.get_by_label("Side").select_option("R")
            site_form.get_by_role("button", name="Add site").click()
            expect(physio.locator("#site-rows tr")).to_have_count(1)
            if number == 1:
                shoot(physio, "tablet-treatment-session")
                assert_no_violations(physio)
            close = physio.locator("form[action$='/close/']")
            close.get_by_label("Pain after (NPRS 0-10)").fill(str(after))
            close.get_by_label(re.compile("All needles removed")).check()
            close.get_by_role("button", name="Save").click()
            physio.get_by_role("link", name="Review and sign").click()
            physio.get_by_label("I have reviewed this record and sign it as my own").check()
            physio.get_by_role("button", name="Sign the session").click()
            expect(physio.get_by_text("The treatment session is signed.")).to_be_visible()

        # Follow-ups: a weekly series booked from the physiotherapist's own schedule.
        physio.goto("/schedule/appointments/series/new/")
        assert_no_violations(physio)

        # Progress after three sessions.
        physio.goto(chart_url)
        physio.get_by_role("link", name="Progress").first.click()
        expect(physio.locator("svg.progress-chart")).to_have_count(1)
        # The assessment's pain now (the baseline), then each session's pain before and after.
        expect(physio.locator("svg.progress-chart circle")).to_have_count(7)
        shoot(physio, "tablet-progress")
        assert_no_violations(physio)
        tablet.close()


def test_an_expired_link_shows_the_neutral_page(page: object, live_server: object, clinic: dict) -> None:
    from playwright.sync_api import expect

    from patients import services
    from tests.factories import PatientFactory

    patient = PatientFactory()
    _, token = services.questionnaire_link_issue(
        patient=patient,
        issued_by=UserFactory(),
        link_url=str,
        submission_key=__import__("uuid").uuid4(),
        send_email=False,
    )
    later = datetime.now(ZoneInfo(settings.TIME_ZONE)) + timedelta(days=settings.CLINIC_QUESTIONNAIRE_LINK_DAYS + 1)
    page.expected_problems.append("status of 404")
    with time_machine.travel(later, tick=True):
        page.goto(f"/q/{token}/")
        expect(page.get_by_role("heading", name="This link cannot be used")).to_be_visible()
        assert_no_violations(page)
