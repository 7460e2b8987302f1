"""Every page of the page table, as each role that may open it, passes all of axe-core's rules.

One browser, one page per persona, signed in once: the crawl visits each page the roles table opens
to that persona (tests/ims_clinic/test_pages.py), every step of the assessment and every section of
the questionnaire, a few back-office forms, and pages in the states that colour them (a completed
visit on the schedule, limited and asymmetric rows, a needled site), then lists every violation.
"""

import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import services as assessment_services
from assessments.models import Assessment, NeedledSite
from assessments.views import STEPS
from patients.questionnaire_forms import PATIENT_SECTIONS
from scheduling.models import Appointment, AppointmentStatus, Practitioner
from tests.conftest import PERSONAS
from tests.e2e.conftest import AXE, DESK
from tests.factories import AppointmentFactory, AppointmentTypeFactory
from tests.ims_clinic.page_table import ALLOWED, LINK, PAGES

AXE_SOURCE = AXE.read_text()
# Pages that answer with something other than HTML: a CSV file, a calendar feed, the health check.
NOT_HTML = {
    "healthz",
    "accounts:audit-export",
    "patients:patient-access-report-export",
    "assessments:adverse-event-export",
    "scheduling:practitioner-feed",
}
# The whole rule set axe runs by default (WCAG 2.0 to 2.2 A and AA, and its best practices), every impact.
RUN_AXE = """async () => {
    const result = await axe.run(document, {resultTypes: ["violations"]});
    return result.violations.map((violation) => {
        const first = violation.nodes[0];
        const why = (first.failureSummary || "").split("\\n").slice(1).join(" ").trim();
        const where = violation.nodes.slice(0, 3).map((node) => node.target.join(" ")).join(", ");
        return `${violation.id} (${violation.impact}) on ${violation.nodes.length} element(s): ` +
            `${violation.help}; at ${where}${why ? ` [${why}]` : ""}`;
    });
}"""


def persona_pages(objects: dict[str, object], persona: str) -> list[str]:
    """The URLs the persona may open: the page table's, each assessment step, each questionnaire section."""
    urls = [
        page.url(objects) for page in PAGES if page.expected_for(persona) == ALLOWED and page.url_name not in NOT_HTML
    ]
    if persona == "physio":
        urls += [
            reverse("assessments:assessment-step", kwargs={"pk": assessment, "step": step})
            for step, _ in STEPS
            for assessment in (objects["assessment"], objects["own_assessment"])
        ]
        urls.append(reverse("assessments:session-detail", kwargs={"pk": objects["own_session"]}))
        urls += [
            reverse("scheduling:schedule-day") + f"?date={objects['visit_day']}",
            reverse("scheduling:practitioner-week", kwargs={"pk": objects["practitioner"]})
            + f"?date={objects['visit_day']}",
        ]
    if persona == "front_desk":
        urls.append(reverse("scheduling:schedule-day") + f"?date={objects['visit_day']}")
    if persona == LINK:
        urls += [
            reverse("questionnaire:section", kwargs={"token": objects["token"], "section": section.code})
            for section in PATIENT_SECTIONS
        ]
    if persona == "admin":
        urls += [
            reverse("admin:accounts_user_change", args=[objects["admin_user"]]),
            reverse("admin:accounts_user_add"),
            reverse("admin:scheduling_appointmenttype_add"),
            reverse("admin:scheduling_timeoff_add"),
            reverse("admin:patients_consenttextversion_add"),
            reverse("admin:scheduling_practitioner_change", args=[objects["practitioner"]]),
        ]
    return list(dict.fromkeys(urls))


@pytest.fixture
def coloured_world(request: pytest.FixtureRequest) -> dict[str, object]:
    """The page table's world, with what changes a page's colours: a completed visit in the schedule, a
    limited movement, an asymmetric reflex, a spinal sign, a confirmed level and needled sites."""
    objects = request.getfixturevalue("world")
    practitioner = Practitioner.objects.get(pk=objects["practitioner"])
    booked = Appointment.objects.get(pk=objects["appointment"])
    visit_day = timezone.localtime(booked.starts_at).date()
    completed = AppointmentFactory(
        practitioner=practitioner,
        appointment_type=AppointmentTypeFactory(name="IMS treatment", kind="treatment", duration_minutes=30),
        starts_at=booked.starts_at - timedelta(hours=2),
    )
    Appointment.objects.filter(pk=completed.pk).update(status=AppointmentStatus.COMPLETED)
    # The physiotherapist's own draft records, which the pages show with their buttons (Remove, the grid).
    physio = practitioner.user
    patient = Assessment.objects.get(pk=objects["assessment"]).patient
    assessment = assessment_services.assessment_start(patient=patient, physiotherapist=physio)
    session = assessment_services.session_start(patient=patient, physiotherapist=physio)
    NeedledSite.objects.create(session=session, muscle="deltoid", side="L")
    # Sites and muscles with precaution badges, whose cautions show on hover and keyboard focus.
    NeedledSite.objects.create(session=session, muscle="supinator", side="L")
    assessment_services.segment_decide(assessment=assessment, level="C5", side="R", decision="confirmed")
    assessment_services.spinal_sign_toggle(assessment=assessment, level="C5", side="R", sign_code="SEN-PARASPINAL")
    assessment_services.rom_record(
        assessment=assessment, joint="shoulder", movement="flexion", side="L", mode="active", degrees=90, pain=True
    )
    assessment_services.reflex_record(assessment=assessment, reflex="biceps", side="L", grade="1+")
    assessment_services.reflex_record(assessment=assessment, reflex="biceps", side="R", grade="2+")
    return {
        **objects,
        "visit_day": visit_day.isoformat(),
        "admin_user": physio.pk,
        "own_assessment": assessment.pk,
        "own_session": session.pk,
    }


@pytest.fixture
def persona_page(browser: object, live_server: object, request: pytest.FixtureRequest) -> Iterator[object]:
    contexts: list[object] = []

    def open_as(persona: str, objects: dict[str, object]) -> object:
        context = browser.new_context(viewport=DESK, base_url=live_server.url)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        if persona in PERSONAS[1:]:
            client = request.getfixturevalue(f"{persona}_client")
            context.add_cookies(
                [{"name": name, "value": c.value, "url": live_server.url} for name, c in client.cookies.items()]
            )
        elif persona == LINK:
            page.goto(reverse("questionnaire:start", kwargs={"token": objects["token"]}))
            page.locator("input[name=date_of_birth]").fill(str(objects["date_of_birth"]))
            page.get_by_role("button", name="Continue").click()
            page.wait_for_url("**/q/**/")
        return page

    yield open_as
    for context in contexts:
        context.close()


def test_every_page_passes_axe_for_every_role_that_may_open_it(
    persona_page: object, coloured_world: dict[str, object]
) -> None:
    started = time.monotonic()
    problems: list[str] = []
    visited = 0
    for persona in (*PERSONAS, LINK):
        page = persona_page(persona, coloured_world)
        errors: list[str] = []
        page.on("pageerror", lambda error, errors=errors: errors.append(f"JavaScript error: {error}"))
        for url in persona_pages(coloured_world, persona):
            response = page.goto(url)
            visited += 1
            if response.status != ALLOWED:
                problems.append(f"{persona} {url}: answered {response.status}")
                continue
            page.evaluate(AXE_SOURCE)
            problems += [f"{persona} {url}: {line}" for line in page.evaluate(RUN_AXE)]
        problems += [f"{persona}: {error}" for error in errors]
    seconds = time.monotonic() - started
    print(f"axe crawl: {visited} pages in {seconds:.1f} s")
    assert not problems, f"{len(problems)} problems on {visited} pages:\n" + "\n".join(problems)
