"""The physiotherapist's Today in Chromium: the day's patients with what each visit needs, one action each, and
the draft it leaves in the list below; axe-core finds nothing on the way."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from accounts.roles import Role
from assessments.models import Assessment, AssessmentStatus, TreatmentSession
from tests.e2e.conftest import assert_no_violations
from tests.factories import (
    TEST_PASSWORD,
    AppointmentFactory,
    AppointmentTypeFactory,
    PatientFactory,
    PractitionerFactory,
    QuestionnaireResponseFactory,
    SafetyFlagFactory,
    UserFactory,
    clear_for_needling,
)


def today_at(hour: int) -> datetime:
    return datetime.combine(timezone.localdate(), time(hour), tzinfo=timezone.get_current_timezone())


def test_the_physiotherapist_starts_a_visit_from_today_and_finds_the_draft_below(page, sign_in_as) -> None:
    maya = sign_in_as(Role.PHYSIOTHERAPIST)
    practitioner = PractitionerFactory(user=maya, display_name="Maya Chen")
    new = PatientFactory(given_name="Nora", family_name="New")
    returning = PatientFactory(given_name="Rita", family_name="Return")
    SafetyFlagFactory(response=QuestionnaireResponseFactory(patient=returning), severity="LOW", severity_rank=2)
    clear_for_needling(returning)
    Assessment.objects.create(
        patient=returning,
        physiotherapist=maya,
        started_at=today_at(9) - timedelta(days=14),
        status=AssessmentStatus.SIGNED,
        signed_at=today_at(10) - timedelta(days=14),
        signed_by=maya,
        content_digest="0" * 64,
    )
    TreatmentSession.objects.create(
        patient=returning,
        physiotherapist=maya,
        started_at=today_at(9) - timedelta(days=7),
        pain_before=7,
        pain_after=4,
        plan="Add the infraspinatus next time.",
        needles_accounted_for=True,
        status=AssessmentStatus.SIGNED,
        signed_at=today_at(10) - timedelta(days=7),
        signed_by=maya,
        content_digest="0" * 64,
    )
    initial = AppointmentTypeFactory(name="Initial IMS assessment", kind="initial_assessment", duration_minutes=60)
    AppointmentFactory(patient=new, practitioner=practitioner, starts_at=today_at(9), appointment_type=initial)
    AppointmentFactory(patient=returning, practitioner=practitioner, starts_at=today_at(11))

    page.goto("/")

    visits = page.get_by_role("region", name="Your patients today")
    rows = visits.get_by_role("row")
    assert "Nora New" in rows.nth(1).inner_text() and "Rita Return" in rows.nth(2).inner_text()
    assert "No questionnaire" in rows.nth(1).inner_text()
    returning_row = rows.nth(2).inner_text()
    assert "Flag to acknowledge (low)" in returning_row
    assert "pain 7 before, 4 after (of 10)" in returning_row
    assert "Add the infraspinatus next time." in returning_row
    assert (
        page.get_by_role("region", name="Your unsigned records")
        .get_by_text("Every record of yours is signed.")
        .is_visible()
    )
    assert_no_violations(page)

    visits.get_by_role("button", name="Start today's session for Rita Return").click()
    page.wait_for_url("**/sessions/*/")
    session = TreatmentSession.objects.get(patient=returning, status=AssessmentStatus.DRAFT)

    page.goto("/")
    visits = page.get_by_role("region", name="Your patients today")
    assert visits.get_by_role("link", name="Continue the session for Rita Return").is_visible()
    drafts = page.get_by_role("region", name="Your unsigned records")
    assert "Treatment session" in drafts.inner_text() and "Rita Return" in drafts.inner_text()
    assert_no_violations(page)

    drafts.get_by_role("link", name="Treatment session").click()
    page.wait_for_url(f"**/sessions/{session.pk}/")


def test_without_javascript_the_physiotherapist_starts_an_assessment_from_today(page, live_server) -> None:
    maya = UserFactory(username="maya", first_name="Maya", roles=[Role.PHYSIOTHERAPIST])
    practitioner = PractitionerFactory(user=maya, display_name="Maya Chen")
    new = PatientFactory(given_name="Nora", family_name="New")
    first_visit = AppointmentTypeFactory(name="Initial IMS assessment", kind="initial_assessment", duration_minutes=60)
    AppointmentFactory(patient=new, practitioner=practitioner, appointment_type=first_visit, starts_at=today_at(9))
    context = page.context.browser.new_context(base_url=live_server.url, java_script_enabled=False)
    plain = context.new_page()
    plain.goto("/accounts/login/")
    plain.get_by_label("Username").fill("maya")
    plain.get_by_label("Password").fill(TEST_PASSWORD)
    plain.get_by_role("button", name="Sign in").click()
    plain.wait_for_url("**/")

    plain.get_by_role("button", name="Start the assessment for Nora New").click()

    plain.wait_for_url("**/step/history/")
    assert Assessment.objects.filter(patient=new, physiotherapist=maya, status=AssessmentStatus.DRAFT).exists()
    context.close()
