"""The safety questionnaire in Chromium: the desk issues a link, the patient answers on a phone, a physio reviews."""

import re
import uuid
from datetime import date, timedelta

from django.utils import timezone

from accounts.roles import Role
from patients import services
from patients.models import QuestionnaireResponse, SafetyFlag
from tests.e2e.conftest import PHONE
from tests.factories import PatientFactory, UserFactory

DATE_OF_BIRTH = date(1980, 5, 17)


def choose(page: object, code: str, label: str) -> None:
    page.locator(f'[data-question="{code}"]').get_by_label(label, exact=True).check()


def next_section(page: object, title: str) -> None:
    from playwright.sync_api import expect

    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def confirm_the_date_of_birth_after_a_wrong_one(phone: object) -> None:
    from playwright.sync_api import expect

    phone.get_by_label("Your date of birth").fill("1981-05-17")
    phone.get_by_role("button", name="Continue").click()
    expect(phone.get_by_label("Your date of birth")).to_have_accessible_description(
        "This date of birth does not match our records. Check it and try again, or call the clinic."
    )
    phone.get_by_label("Your date of birth").fill(DATE_OF_BIRTH.isoformat())
    phone.get_by_role("button", name="Continue").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Blood thinners")


def answer_yes_to_blood_thinners(phone: object, medicine: str) -> None:
    """Yes to blood thinners: the follow-up appears at once, without pressing Next."""
    from playwright.sync_api import expect

    which_one = phone.get_by_text("Which one(s)?")
    expect(which_one).to_be_hidden()
    choose(phone, "A1", "Yes")
    expect(which_one).to_be_visible()
    choose(phone, "A2", medicine)
    expect(phone.locator("#save-status")).to_contain_text("Saved at")
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def answer_no_to_everything_else_and_send(phone: object) -> None:
    from playwright.sync_api import expect

    next_section(phone, "Platelet medicines")
    choose(phone, "B1", "No")
    choose(phone, "B2", "None of these")
    next_section(phone, "Pain medicines")
    choose(phone, "C1", "No")
    next_section(phone, "Mood medicines")
    choose(phone, "D1", "No")
    next_section(phone, "Supplements")
    choose(phone, "E1", "None of these")
    next_section(phone, "Bleeding history")
    for code in ("F1", "F2", "F3", "F4"):
        choose(phone, code, "No")
    next_section(phone, "Conditions")
    choose(phone, "G1", "None of these")
    choose(phone, "G2", "No")
    next_section(phone, "Other safety")
    for code in ("H1", "H2", "H5", "H6", "H7", "H8", "H9", "H10", "H11", "H12"):
        choose(phone, code, "No")
    choose(phone, "H3", "None")
    choose(phone, "H4", "No implants")
    next_section(phone, "Confirm")
    phone.get_by_label("I confirm these answers are true to the best of my knowledge.", exact=False).check()
    phone.get_by_label("Please type your full name.").fill("Zebedee Quartermaine")
    phone.get_by_role("button", name="Send my answers").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Thank you")


def test_front_desk_sends_the_link_the_patient_answers_on_a_phone_and_the_physio_acknowledges(
    page: object, sign_in_as: object, phone: object
) -> None:
    from playwright.sync_api import expect

    patient = PatientFactory(
        given_name="Zebedee", family_name="Quartermaine", date_of_birth=DATE_OF_BIRTH, email="zeb@example.com"
    )
    sign_in_as(Role.FRONT_DESK, username="sam", first_name="Sam")
    page.goto(patient.get_absolute_url())
    expect(page.get_by_text("Questionnaire not sent", exact=True)).to_be_visible()

    page.get_by_role("button", name="Send questionnaire link").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Safety questionnaire link for Zebedee Quartermaine")
    url = page.get_by_label("Private link").input_value()
    assert re.fullmatch(r"http://[^/]+/q/[A-Za-z0-9_-]{43,}/", url)
    qr = page.get_by_role("img", name="QR code of the questionnaire link for the patient's phone")
    expect(qr).to_be_visible()
    assert qr.get_attribute("src").startswith("data:image/svg+xml")
    expect(page.get_by_text("Sent by e-mail to zeb@example.com.")).to_be_visible()

    # The patient, on their phone.
    phone.goto(url)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Hello Zebedee")
    expect(phone.get_by_text("Quartermaine")).to_have_count(0)
    confirm_the_date_of_birth_after_a_wrong_one(phone)
    answer_yes_to_blood_thinners(phone, "Apixaban (Eliquis)")
    answer_no_to_everything_else_and_send(phone)

    response = QuestionnaireResponse.objects.get()
    assert response.link.submitted_at is not None
    assert response.answers["A2"] == ["apixaban"]
    flags = list(SafetyFlag.objects.filter(response=response).exclude(severity="INFO"))
    assert "BLEED_ANTICOAGULANT" in {f.code for f in flags}

    # The physiotherapist reviews and acknowledges.
    page.context.clear_cookies()
    sign_in_as(Role.PHYSIOTHERAPIST, username="maya")
    page.goto(patient.get_absolute_url())
    expect(page.get_by_text("Questionnaire completed", exact=True)).to_be_visible()
    expect(page.get_by_text(re.compile(r"\d+ flags? to acknowledge"))).to_be_visible()
    page.get_by_role("link", name="Review answers and flags").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Safety questionnaire,")
    high = page.locator(f"#flag-{response.flags.get(code='BLEED_ANTICOAGULANT').pk}")
    high.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("Takes an anticoagulant: Record the management plan for this flag.")).to_be_visible()
    for each in flags:
        card = page.locator(f"#flag-{each.pk}")
        card.get_by_role("textbox").fill("Superficial sites only; press each site for a minute.")
        card.get_by_role("button", name="Acknowledge").click()
        expect(page.get_by_text(f"Acknowledged: {each.title}.")).to_be_visible()
        expect(page.locator(f"#flag-{each.pk}")).to_contain_text("Acknowledged by")

    assert not SafetyFlag.objects.filter(response=response, acknowledged_at__isnull=True).exclude(severity="INFO")
    page.get_by_role("navigation", name="breadcrumb").get_by_role("link", name="Zebedee Quartermaine").click()
    expect(page.get_by_text("No open flags")).to_be_visible()


def test_a_patient_on_warfarin_answers_the_inr_questions_and_sends(phone: object) -> None:
    from playwright.sync_api import expect

    patient = PatientFactory(given_name="Zebedee", date_of_birth=DATE_OF_BIRTH)
    _, token = services.questionnaire_link_issue(
        patient=patient,
        issued_by=UserFactory(username="sam", roles=[Role.FRONT_DESK]),
        link_url=str,
        submission_key=uuid.uuid4(),
    )
    phone.set_default_timeout(3_000)
    phone.goto(f"/q/{token}/")
    confirm_the_date_of_birth_after_a_wrong_one(phone)
    answer_yes_to_blood_thinners(phone, "Warfarin (Coumadin)")
    next_section(phone, "Warfarin")

    expect(phone.get_by_label("What was your most recent INR blood test result?")).to_be_visible()
    phone.get_by_label("What was your most recent INR blood test result?").fill("2.5")
    phone.get_by_label("When was that test?").fill((timezone.localdate() - timedelta(days=2)).isoformat())
    choose(phone, "A5", "I don't know")
    answer_no_to_everything_else_and_send(phone)

    response = QuestionnaireResponse.objects.get()
    assert (response.answers["A2"], response.answers["A3"], response.answers["A5"]) == (
        ["warfarin"],
        "2.5",
        "dont_know",
    )
    assert "BLEED_ANTICOAGULANT" in set(response.flags.values_list("code", flat=True))


def test_without_javascript_the_follow_up_appears_after_next(phone_without_javascript: object) -> None:
    from playwright.sync_api import expect

    phone = phone_without_javascript
    patient = PatientFactory(given_name="Zebedee", date_of_birth=DATE_OF_BIRTH)
    _, token = services.questionnaire_link_issue(
        patient=patient,
        issued_by=UserFactory(username="sam", roles=[Role.FRONT_DESK]),
        link_url=str,
        submission_key=uuid.uuid4(),
    )
    phone.goto(f"/q/{token}/")
    phone.get_by_label("Your date of birth").fill(DATE_OF_BIRTH.isoformat())
    phone.get_by_role("button", name="Continue").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Blood thinners")
    which_one = phone.get_by_text("Which one(s)?")

    choose(phone, "A1", "Yes")
    expect(which_one).to_be_hidden()
    phone.get_by_role("button", name="Next").click()

    expect(phone.get_by_role("heading", level=1)).to_have_text("Blood thinners")
    expect(which_one).to_be_visible()
    expect(phone.locator('[data-question="A1"]').get_by_label("Yes", exact=True)).to_be_checked()
    choose(phone, "A2", "Apixaban (Eliquis)")
    next_section(phone, "Platelet medicines")
    assert services.questionnaire_draft(link=patient.questionnaire_links.get()).answers["A2"] == ["apixaban"]
