"""An IMS treatment in Chromium: from the chart through the header, sites added in place, the close and signing,
to the progress chart; and the needling gate for a patient who has not answered the questionnaire."""

import re
import uuid
from datetime import date

from accounts.roles import Role
from assessments.models import AssessmentStatus, NeedledSite, TreatmentSession
from ims_clinic.demo import ALL_NO
from patients import services as patient_services
from patients.models import ConsentTextVersion
from tests.factories import ALL_REGIONS, ConsentFactory, PatientFactory, UserFactory


def a_patient_with_consent() -> object:
    # Browser tests flush the database after each test, so the migration's consent text may be gone.
    ConsentTextVersion.objects.get_or_create(
        version="2026.1",
        defaults={
            "body": "What IMS is\nDry needling with fine, solid, single-use needles.",
            "effective_on": date(2026, 1, 1),
        },
    )
    patient = PatientFactory(given_name="Zebedee", family_name="Quartermaine")
    ConsentFactory(patient=patient, regions=list(ALL_REGIONS))
    return patient


def a_cleared_patient() -> object:
    """Consent on file and an all-no questionnaire submitted through a real link: cleared for needling."""
    patient = a_patient_with_consent()
    link, _ = patient_services.questionnaire_link_issue(
        patient=patient, issued_by=UserFactory(), link_url=str, submission_key=uuid.uuid4(), send_email=False
    )
    patient_services.questionnaire_confirm_date_of_birth(link=link, date_of_birth=patient.date_of_birth)
    patient_services.questionnaire_save_answers(link=link, answers={**ALL_NO, "Z1_NAME": "Zebedee Quartermaine"})
    response = patient_services.questionnaire_submit(link=link)
    for flag in response.flags.all():
        if flag.is_open:
            patient_services.safety_flag_acknowledge(flag=flag, acknowledged_by=UserFactory(), note="Discussed.")
    return patient


def open_treatment(page: object, patient: object) -> None:
    from playwright.sync_api import expect

    page.goto(patient.get_absolute_url())
    page.get_by_role("button", name="IMS treatment").click()
    expect(page).to_have_url(re.compile(r"/assessments/sessions/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("IMS treatment: Zebedee Quartermaine")


def fill_header(page: object) -> None:
    from playwright.sync_api import expect

    header = page.locator("form").filter(has=page.get_by_label("Pain before (NPRS 0-10)"))
    header.get_by_label("Consent reconfirmed today").check()
    header.get_by_label("Pain before (NPRS 0-10)").fill("6")
    header.get_by_label("Position").select_option(label="Prone")
    header.get_by_label("Technique", exact=True).select_option(label='IMS manual in-and-out ("pecking")')
    header.get_by_label("Needle diameter (mm)").fill("0.25")
    header.get_by_label("Needle length (mm)").fill("30")
    header.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved.")).to_be_visible()


def add_site_in_place(page: object, muscle: str, side: str, insertions: str) -> None:
    from playwright.sync_api import expect

    form = page.locator("#site-form")
    form.get_by_label("Muscle").select_option(label=muscle)
    form.get_by_label("Side").select_option(label=side)
    form.get_by_label("Insertions").fill(insertions)
    form.get_by_label("Twitch").select_option(label="Several")
    form.get_by_role("button", name="Add site").click()
    row = page.locator("#site-rows").get_by_role("row").filter(has_text=muscle)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(side[0])
    expect(page.locator("#site-form").get_by_label("Muscle")).to_have_value("")  # ready for the next site


def test_a_physio_treats_a_cleared_patient_signs_and_sees_the_progress_chart(page: object, sign_in_as: object) -> None:
    from playwright.sync_api import expect

    patient = a_cleared_patient()
    physio = sign_in_as(Role.PHYSIOTHERAPIST)

    open_treatment(page, patient)
    expect(page.locator("#needling-gate")).to_contain_text("Ask the visit's re-check first")
    expect(page.locator("#site-form")).to_have_count(0)
    recheck = page.locator("#recheck form")
    recheck.get_by_role("radio", name="No", exact=True).check()
    with page.expect_navigation():
        recheck.get_by_role("button", name="Record the re-check").click()
    expect(page.get_by_text("Re-check recorded.", exact=True)).to_be_visible()
    expect(page.locator("#needling-gate")).to_contain_text("Clear for needling today")
    fill_header(page)

    page.evaluate("window.stillThisPage = true")
    add_site_in_place(page, "Supinator", "Left", "3")
    add_site_in_place(page, "Extensor carpi radialis brevis", "Left", "2")
    assert page.evaluate("window.stillThisPage") is True  # no page load: htmx appended the rows
    expect(page.locator("#site-rows").get_by_role("row")).to_have_count(2)
    assert list(NeedledSite.objects.order_by("pk").values_list("muscle", "side", "insertions", "twitch")) == [
        ("supinator", "L", 3, "several"),
        ("extensor-carpi-radialis-brevis", "L", 2, "several"),
    ]

    # No reload: the close form received the session's new version with each row.
    close = page.locator("form").filter(has=page.get_by_label("Pain after (NPRS 0-10)"))
    close.get_by_label("Pain after (NPRS 0-10)").fill("2")
    close.get_by_label("Retests after treatment").fill("Grip pain 2/10")
    close.get_by_label("All needles removed and disposed of in a sharps container").check()
    close.get_by_label("Plan").fill("Reassess C6 in one week")
    close.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    page.get_by_role("link", name="Review and sign").click()
    expect(page.get_by_text("Nothing is missing")).to_be_visible()
    page.get_by_label("I have reviewed this record and sign it as my own").check()
    page.get_by_role("button", name="Sign the session").click()

    expect(page.get_by_text("The treatment session is signed. Add an addendum for anything later.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Signed \d{4}-\d{2}-\d{2} \d{2}:\d{2}$"))).to_be_visible()
    expect(page.get_by_role("button", name="Sign the session")).to_have_count(0)
    expect(page.locator("#site-form")).to_have_count(0)
    session = TreatmentSession.objects.get()
    assert (session.status, session.physiotherapist, session.signed_by) == (AssessmentStatus.SIGNED, physio, physio)
    assert (session.pain_before, session.pain_after, session.needles_accounted_for) == (6, 2, True)

    page.get_by_role("link", name="Progress").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Progress over the course of IMS")
    chart = page.get_by_role("img", name="Pain (NPRS 0-10) before and after each session")
    expect(chart).to_be_visible()
    expect(chart.locator("circle")).to_have_count(2)
    row = page.get_by_role("table", name="Pain by session").get_by_role("row").nth(1)
    expect(row).to_have_text(re.compile(r"\d{4}-\d{2}-\d{2}\s*6\s*2"))


def test_a_patient_without_a_questionnaire_shows_the_gate_and_no_site_form(page: object, sign_in_as: object) -> None:
    from playwright.sync_api import expect

    patient = a_patient_with_consent()
    sign_in_as(Role.PHYSIOTHERAPIST)

    open_treatment(page, patient)

    gate = page.locator("#needling-gate")
    expect(gate).to_be_visible()
    expect(gate).to_contain_text("No needled site can be recorded yet:")
    expect(gate.get_by_role("listitem")).to_have_text(
        ["No safety questionnaire has been completed: send the patient the link."]
    )
    expect(gate.get_by_role("link", name="the chart")).to_have_attribute("href", patient.get_absolute_url())
    expect(page.locator("#site-form")).to_have_count(0)
    expect(page.get_by_role("button", name="Add site")).to_have_count(0)
    expect(page.get_by_label("Pain before (NPRS 0-10)")).to_be_visible()
    gate.get_by_role("link", name="the chart").click()
    expect(page).to_have_url(re.compile(rf"{re.escape(patient.get_absolute_url())}$"))
    assert not NeedledSite.objects.exists()
