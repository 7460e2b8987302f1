"""The needling gate on the treatment session page, in Chromium.

The visit's re-check is recorded on the page before the first site; a site outside the consent's regions is refused
at the muscle field until the patient consents to that region from the same page; and a change recorded at the
re-check (a medicine started) holds every site until the updated questionnaire's new flags are acknowledged at its
review. Setup goes through the services and factories; everything the physiotherapist does goes through the page.
"""

import re
import uuid
from collections.abc import Callable, Iterator
from datetime import date

import pytest

from accounts.roles import Role
from assessments import services as session_services
from assessments.models import NeedledSite, TreatmentSession
from ims_clinic.demo import ALL_NO
from patients import services as patient_services
from patients.models import ConsentExtension, ConsentTextVersion, RecheckAnswer, SafetyRecheck
from patients.safety_rules import REGION_RISKS
from patients.safety_rules.regions import BodyRegion
from tests.e2e.conftest import assert_no_violations
from tests.factories import ALL_REGIONS, TEST_PASSWORD, ConsentFactory, PatientFactory, UserFactory

CHEST_WALL_REFUSED = "Consent does not cover the chest wall: record the patient's consent for this region first."
MEDICINES_STARTED = "Medicines started (one per line, or separated by commas)"


def a_session_to_treat(physio: object, *, regions: list[str], given_name: str, family_name: str) -> TreatmentSession:
    """A draft session of a patient with consent for `regions` and an all-no questionnaire submitted through a real
    link: only today's re-check stands between the patient and the first site."""
    # Browser tests flush the database after each test, so the migration's consent text may be gone.
    ConsentTextVersion.objects.get_or_create(
        version="2026.1",
        defaults={
            "body": "What IMS is\nDry needling with fine, solid, single-use needles.",
            "effective_on": date(2026, 1, 1),
        },
    )
    patient = PatientFactory(given_name=given_name, family_name=family_name)
    ConsentFactory(patient=patient, regions=regions)
    link, _ = patient_services.questionnaire_link_issue(
        patient=patient, issued_by=UserFactory(), link_url=str, submission_key=uuid.uuid4(), send_email=False
    )
    patient_services.questionnaire_confirm_date_of_birth(link=link, date_of_birth=patient.date_of_birth)
    patient_services.questionnaire_save_answers(
        link=link, answers={**ALL_NO, "Z1_NAME": f"{given_name} {family_name}"}
    )
    response = patient_services.questionnaire_submit(link=link)
    assert [flag for flag in response.flags.all() if flag.is_open] == []  # all no: nothing to acknowledge
    return session_services.session_start(patient=patient, physiotherapist=physio)


def record_recheck(page: object, answer: str, **changes: str) -> None:
    recheck = page.locator("#recheck form")
    recheck.get_by_role("radio", name=answer, exact=True).check()
    for label, text in changes.items():
        recheck.get_by_label(label).fill(text)
    with page.expect_navigation():
        recheck.get_by_role("button", name="Record the re-check").click()


def add_site(page: object, muscle: str, side: str, *, in_place: bool) -> None:
    """Fill the site form and press Add site: htmx answers in place, a page without JavaScript posts and reloads."""
    form = page.locator("#site-form")
    form.get_by_label("Muscle").select_option(label=muscle)
    form.get_by_label("Side").select_option(label=side)
    form.get_by_label("Insertions").fill("2")
    button = form.get_by_role("button", name="Add site")
    if in_place:
        button.click()
    else:
        with page.expect_navigation():
            button.click()


@pytest.fixture
def physio_without_javascript(page: object, live_server: object) -> Iterator[tuple[object, object]]:
    """A physiotherapist signed in through the login page of a browser with JavaScript off: every form posts the
    whole page, as before htmx."""
    user = UserFactory(username="ines", first_name="Ines", roles=[Role.PHYSIOTHERAPIST])
    context = page.context.browser.new_context(base_url=live_server.url, java_script_enabled=False)
    plain = context.new_page()
    plain.set_default_timeout(10_000)
    plain.goto("/accounts/login/")
    plain.get_by_label("Username").fill(user.username)
    plain.get_by_label("Password").fill(TEST_PASSWORD)
    with plain.expect_navigation():
        plain.get_by_role("button", name="Sign in").click()
    yield user, plain
    context.close()


def as_served_to(page: object) -> Callable[[object], None]:
    """axe needs JavaScript: the markup a page without it shows is served again, as it was, to the page that has it,
    and checked there."""

    def check(plain: object) -> None:
        html, url = plain.content(), plain.url.split("#")[0]
        page.route(url, lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html))
        page.goto(url)
        assert_no_violations(page)
        page.unroute(url)

    return check


def treat_the_chest_wall(page: object, session: TreatmentSession, *, in_place: bool, axe: Callable) -> None:
    """Re-check "No", pectoralis major refused for the chest wall, the consent extended from the page, saved."""
    from playwright.sync_api import expect

    page.goto(session.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text("IMS treatment: Ottoline Brackenbury")
    gate = page.locator("#needling-gate")
    expect(gate.get_by_role("listitem")).to_have_text([re.compile(r"^Ask the visit's re-check first: ")])
    expect(page.locator("#site-form")).to_have_count(0)

    record_recheck(page, "No")
    expect(page.get_by_text("Re-check recorded.", exact=True)).to_be_visible()
    expect(page.locator("#recheck")).to_contain_text("No change")
    expect(gate).to_contain_text("Clear for needling today")
    assert SafetyRecheck.objects.get(patient=session.patient).answer == RecheckAnswer.NO_CHANGE

    add_site(page, "Pectoralis major", "Right", in_place=in_place)
    muscle = page.locator("#site-form").get_by_label("Muscle")
    expect(muscle).to_have_attribute("aria-invalid", "true")
    error_id = muscle.get_attribute("aria-describedby")
    expect(page.locator(f"#{error_id}")).to_have_text(CHEST_WALL_REFUSED)
    axe(page)
    assert not NeedledSite.objects.exists()

    # The page offers the patient's consent to the region the refused site needs.
    extension = page.locator("#consent-extension")
    expect(extension).to_be_visible()
    expect(extension.get_by_role("heading")).to_have_text("Consent to needle the chest wall")
    expect(extension.get_by_label("The risks of this region, as read to the patient")).to_have_value(
        REGION_RISKS[BodyRegion.CHEST]
    )
    extension.get_by_role("radio", name="Verbal, recorded by the clinician").check()
    extension.get_by_label("The risks were explained and the patient agrees").check()
    with page.expect_navigation():
        extension.get_by_role("button", name="Record consent to the chest wall").click()
    expect(page.get_by_text("Consent extended to the chest wall.", exact=True)).to_be_visible()
    expect(page.locator("#consent-extension")).to_have_count(0)
    added = ConsentExtension.objects.get(consent__patient=session.patient)
    assert (added.region, added.form) == (BodyRegion.CHEST, "verbal")

    # The same site now saves. Over the lung it is allowed with cautions, which ask no reason to proceed.
    add_site(page, "Pectoralis major", "Right", in_place=in_place)
    row = page.locator("#site-rows").get_by_role("row").filter(has_text="Pectoralis major")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("R")
    expect(row).to_contain_text("Allowed with cautions")
    expect(page.locator("#site-form").get_by_label("Muscle")).not_to_have_attribute("aria-invalid", "true")
    site = NeedledSite.objects.get()
    assert (site.session_id, site.muscle, site.side, site.confirmation_note) == (
        session.pk,
        "pectoralis-major",
        "R",
        "",
    )
    axe(page)


def test_a_site_outside_the_consent_is_refused_until_the_patient_consents_to_its_region(
    page: object, sign_in_as: object
) -> None:
    physio = sign_in_as(Role.PHYSIOTHERAPIST)
    session = a_session_to_treat(
        physio, regions=["lumbosacral", "buttock"], given_name="Ottoline", family_name="Brackenbury"
    )
    treat_the_chest_wall(page, session, in_place=True, axe=assert_no_violations)


def test_without_javascript_a_site_outside_the_consent_is_refused_until_the_patient_consents_to_its_region(
    page: object, physio_without_javascript: tuple[object, object]
) -> None:
    physio, plain = physio_without_javascript
    session = a_session_to_treat(
        physio, regions=["lumbosacral", "buttock"], given_name="Ottoline", family_name="Brackenbury"
    )
    treat_the_chest_wall(plain, session, in_place=False, axe=as_served_to(page))


def test_a_medicine_started_since_the_questionnaire_holds_every_site_until_its_flags_are_acknowledged(
    page: object, sign_in_as: object
) -> None:
    from playwright.sync_api import expect

    physio = sign_in_as(Role.PHYSIOTHERAPIST)
    session = a_session_to_treat(physio, regions=list(ALL_REGIONS), given_name="Peregrine", family_name="Ashdown")
    page.goto(session.get_absolute_url())

    record_recheck(page, "Yes: record what changed", **{MEDICINES_STARTED: "apixaban"})
    expect(
        page.get_by_text("Re-check recorded: review the updated questionnaire's new flags.", exact=True)
    ).to_be_visible()
    gate = page.locator("#needling-gate")
    expect(gate).to_contain_text("No needled site can be recorded yet:")
    expect(gate.get_by_role("listitem")).to_have_text(
        ["2 safety flags to acknowledge: Takes an anticoagulant; Screening out of date."]
    )
    recheck = page.locator("#recheck")
    expect(recheck).to_contain_text("Started: apixaban")
    expect(recheck.get_by_role("link", name="2 new flags to acknowledge")).to_be_visible()
    expect(page.locator("#site-form")).to_have_count(0)
    expect(page.get_by_role("button", name="Add site")).to_have_count(0)
    amendment = SafetyRecheck.objects.get(patient=session.patient).amendment
    assert amendment is not None

    with page.expect_navigation():
        gate.get_by_role("link", name="the questionnaire review").click()
    expect(page).to_have_url(re.compile(rf"{re.escape(amendment.get_absolute_url())}$"))
    expect(page.locator("#amendment")).to_contain_text("Started: apixaban")
    expect(page.get_by_role("heading", name="Flags (2)")).to_be_visible()

    def flag_card(title: str) -> object:
        return page.locator("article").filter(has=page.get_by_role("heading", name=title))

    anticoagulant = flag_card("Takes an anticoagulant")
    expect(anticoagulant.get_by_role("heading")).to_contain_text("HIGH")
    expect(anticoagulant).to_contain_text("apixaban")
    anticoagulant.get_by_label("Management plan (required)").fill(
        "Superficial muscles first, fine needles, compress each site."
    )
    with page.expect_navigation():
        anticoagulant.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("Acknowledged: Takes an anticoagulant.", exact=True)).to_be_visible()
    expect(flag_card("Takes an anticoagulant")).to_contain_text(
        "Superficial muscles first, fine needles, compress each site."
    )

    stale = flag_card("Screening out of date")
    expect(stale.get_by_role("heading")).to_contain_text("CLARIFY")
    stale.get_by_label("The real answer, as the patient told you (required)").fill(
        "Started apixaban last week; nothing else changed."
    )
    with page.expect_navigation():
        stale.get_by_role("button", name="Acknowledge").click()
    expect(page.get_by_text("Acknowledged: Screening out of date.", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Acknowledge")).to_have_count(0)
    assert [flag.is_open for flag in amendment.flags.all()] == [False, False]

    # Back to the session, through the chart's timeline.
    with page.expect_navigation():
        page.get_by_role("navigation", name="breadcrumb").get_by_role("link", name="Peregrine Ashdown").click()
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(r"^IMS treatment by ")).click()
    expect(page).to_have_url(re.compile(rf"{re.escape(session.get_absolute_url())}$"))
    expect(gate).to_contain_text("Clear for needling today")
    expect(page.locator("#recheck")).to_contain_text("every flag acknowledged")
    expect(page.locator("#site-form")).to_be_visible()

    add_site(page, "Deltoid", "Left", in_place=True)
    row = page.locator("#site-rows").get_by_role("row").filter(has_text="Deltoid")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("L")
    site = NeedledSite.objects.get()
    assert (site.session_id, site.muscle, site.side) == (session.pk, "deltoid", "L")
    assert_no_violations(page)
