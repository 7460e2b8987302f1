"""The outcome questionnaire before a visit, on a 360-pixel phone in Chromium: the date of birth, one question a
page with back and next, a refused empty answer, the pain now and where it hurts on the body diagram, sent; axe
finds nothing on any of its pages."""

from datetime import date

from accounts.roles import Role
from assessments import patient_outcomes
from assessments.models import OutcomeMeasure, OutcomeSource
from scheduling import services as scheduling_services
from tests.assessments.outcome_course import NDI_ITEMS, patient_in_course
from tests.e2e.conftest import PHONE, assert_no_violations, next_weekday_at
from tests.factories import AppointmentTypeFactory, PractitionerFactory, UserFactory

DATE_OF_BIRTH = date(1975, 9, 14)


def link_before_a_visit() -> str:
    patient = patient_in_course(given_name="Aurèle", date_of_birth=DATE_OF_BIRTH)
    visit = scheduling_services.appointment_book(
        patient=patient,
        practitioner=PractitionerFactory(user=UserFactory(roles=[Role.PHYSIOTHERAPIST])),
        appointment_type=AppointmentTypeFactory(name="IMS treatment", kind="treatment", duration_minutes=30),
        starts_at=next_weekday_at(10),
        booked_by=UserFactory(roles=[Role.FRONT_DESK]),
    )
    course = patient_outcomes.course_questionnaire(patient)
    assert course is not None
    return f"/o/{patient_outcomes.issue_link(appointment=visit, course=course)}/"


def fits_the_phone(phone: object) -> None:
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert_no_violations(phone)


def test_the_patient_answers_the_questionnaire_on_a_phone(phone: object) -> None:
    from playwright.sync_api import expect

    phone.goto(link_before_a_visit())
    expect(phone.get_by_role("heading", level=1)).to_have_text("Hello Aurèle")
    fits_the_phone(phone)
    phone.get_by_label("Your date of birth").fill(DATE_OF_BIRTH.isoformat())
    phone.get_by_role("button", name="Continue").click()
    expect(phone.get_by_text("please answer 11 short questions")).to_be_visible()
    fits_the_phone(phone)
    phone.get_by_role("link", name="Start").click()

    expect(phone.get_by_role("heading", level=1)).to_have_text("Pain intensity")
    expect(phone.get_by_text("1 of 11", exact=True)).to_be_visible()
    fits_the_phone(phone)
    phone.get_by_role("button", name="Next").click()  # nothing chosen
    expect(phone.get_by_role("group", name="Pain intensity")).to_have_accessible_description(
        "Choose the number that fits you best today, from 0 (least affected) to 5 (most affected). "
        "Please choose an answer."
    )
    fits_the_phone(phone)

    for number, value in enumerate(NDI_ITEMS, start=1):
        expect(phone.get_by_text(f"{number} of 11", exact=True)).to_be_visible()
        phone.locator(f'input[name="answer"][value="{value}"]').check()
        phone.get_by_role("button", name="Next").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Your pain right now")
    phone.get_by_role("button", name="Back").click()
    expect(phone.get_by_text("10 of 11", exact=True)).to_be_visible()
    expect(phone.locator(f'input[name="answer"][value="{NDI_ITEMS[-1]}"]')).to_be_checked()
    phone.get_by_role("button", name="Next").click()
    phone.get_by_label("6", exact=True).check()
    where = phone.get_by_role("group", name="Where does it hurt today?")
    where.get_by_role("checkbox", name="Lower back, left").click()  # a shape on the body diagram
    expect(where.get_by_role("checkbox", name="Lower back, left")).to_be_checked()
    fits_the_phone(phone)
    phone.get_by_role("button", name="Send my answers").click()

    expect(phone.get_by_role("heading", level=1)).to_have_text("Thank you")
    fits_the_phone(phone)
    measure = OutcomeMeasure.objects.get(source=OutcomeSource.PATIENT)
    assert measure.items == NDI_ITEMS and measure.pain_now == 6 and measure.score == sum(NDI_ITEMS)
    assert measure.pain_regions == [{"region": "lumbosacral", "side": "L"}]


def test_without_javascript_the_pages_work_the_same(phone_without_javascript: object) -> None:
    from playwright.sync_api import expect

    phone = phone_without_javascript
    phone.goto(link_before_a_visit())
    phone.get_by_label("Your date of birth").fill(DATE_OF_BIRTH.isoformat())
    phone.get_by_role("button", name="Continue").click()
    phone.get_by_role("link", name="Start").click()
    phone.get_by_label("5: most affected", exact=True).check()
    phone.get_by_role("button", name="Next").click()

    expect(phone.get_by_role("heading", level=1)).to_have_text("Personal care")
    phone.get_by_role("button", name="Back").click()
    expect(phone.get_by_label("5: most affected", exact=True)).to_be_checked()
