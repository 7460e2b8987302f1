"""Signing that checks, in Chromium: Sign opens a review; what is missing blocks, with a link to where it is
recorded; the signature is a second, confirmed step. With and without JavaScript, and no accessibility violation."""

import re

from accounts.roles import Role
from assessments import services
from assessments.models import Assessment, AssessmentStatus, TreatmentSession
from tests.assessments.signing import ready_to_sign
from tests.e2e.test_treatment import a_cleared_patient
from tests.factories import TEST_PASSWORD, PatientFactory, UserFactory, clear_for_needling

REVIEWED = "I have reviewed this record and sign it as my own"


def a_c6_left_draft(physio: object) -> Assessment:
    """A draft whose summary suggests C6 left, with nothing decided and no impression or plan."""
    draft = services.assessment_start(
        patient=PatientFactory(given_name="Zebedee", family_name="Quartermaine"), physiotherapist=physio
    )
    services.assessment_save_fields(
        assessment=draft, data={"chief_complaint": "Lateral elbow pain, left"}, version=draft.version
    )
    services.strength_record(assessment=draft, level="C6", side="L", grade="4")
    services.reflex_record(assessment=draft, reflex="biceps", side="L", grade="1+")
    services.finding_record(assessment=draft, sign_code="MOT-TAUTBAND", side="L", status="present", muscle="supinator")
    services.spinal_sign_toggle(assessment=draft, level="C6", side="L", sign_code="SPI-PARASHORT")
    return Assessment.objects.get(pk=draft.pk)


def test_an_assessment_is_blocked_until_complete_then_signed_by_a_confirmed_second_step(
    page: object, sign_in_as: object, assert_accessible: object
) -> None:
    from playwright.sync_api import expect

    physio = sign_in_as(Role.PHYSIOTHERAPIST)
    draft = a_c6_left_draft(physio)
    page.goto(f"/assessments/{draft.pk}/step/summary/")

    page.get_by_role("link", name="Review and sign").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Review and sign: IMS assessment of Zebedee Quartermaine"
    )
    missing = page.locator("section", has=page.get_by_role("heading", name="Before it can be signed"))
    expect(missing.get_by_role("listitem")).to_have_count(4)
    expect(missing).to_contain_text("Decide whether C6 left is involved: the summary suggests it.")
    expect(missing).to_contain_text("Write the clinical impression.")
    expect(missing).to_contain_text("Write the plan.")
    expect(missing).to_contain_text("Record the plan of muscles to needle, or that no needling is planned and why.")
    expect(page.get_by_role("button", name="Sign the assessment")).to_have_count(0)
    assert_accessible()

    missing.get_by_role("listitem").first.get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/assessments/{draft.pk}/step/summary/#segments-heading$"))
    evidence = page.get_by_role("table", name="Evidence by level and side")
    c6 = evidence.get_by_role("row").filter(has=page.get_by_role("rowheader", name="C6", exact=True))
    c6.get_by_role("button", name="Involved", exact=True).click()
    page.get_by_role("textbox", name="Clinical impression").fill("C6 segmental pain, left lateral elbow")
    page.get_by_role("textbox", name="Plan", exact=True).fill("IMS weekly for four weeks")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Summary and sign saved.")).to_be_visible()
    page.get_by_role("checkbox", name="Treat left: Supinator").check()
    page.get_by_role("button", name="Save the plan").click()
    expect(page.get_by_text("Plan of muscles saved.")).to_be_visible()

    page.get_by_role("link", name="Review and sign").click()
    expect(page.get_by_text("Nothing is missing")).to_be_visible()
    expect(page.get_by_text("C6 left: involved")).to_be_visible()
    assert_accessible()
    page.expected_problems.append("status of 400")  # the signature without the confirmation answers 400
    page.get_by_role("button", name="Sign the assessment").click()
    expect(
        page.get_by_text("Tick the box to confirm that you have reviewed the record before signing.")
    ).to_be_visible()
    assert Assessment.objects.get(pk=draft.pk).status == AssessmentStatus.DRAFT
    assert_accessible()

    page.get_by_label(REVIEWED).check()
    page.get_by_role("button", name="Sign the assessment").click()
    expect(
        page.get_by_text("The assessment is signed. It can no longer change; add an addendum if needed.")
    ).to_be_visible()
    expect(page.get_by_role("link", name="Review and sign")).to_have_count(0)
    assert Assessment.objects.get(pk=draft.pk).status == AssessmentStatus.SIGNED


def test_a_session_is_blocked_until_the_close_is_recorded_then_signed(
    page: object, sign_in_as: object, assert_accessible: object
) -> None:
    from playwright.sync_api import expect

    physio = sign_in_as(Role.PHYSIOTHERAPIST)
    patient = a_cleared_patient()
    clear_for_needling(patient)
    session = services.session_start(patient=patient, physiotherapist=physio)
    services.needled_site_add(session=session, muscle="supinator", side="L", insertions=3)
    session.refresh_from_db()
    services.session_save_fields(session=session, data={"pain_before": 6}, version=session.version)
    page.goto(f"/assessments/sessions/{session.pk}/")

    page.get_by_role("link", name="Review and sign").click()
    missing = page.locator("section", has=page.get_by_role("heading", name="Before it can be signed"))
    expect(missing.get_by_role("listitem")).to_have_count(2)
    expect(missing).to_contain_text("Record the pain after treatment.")
    expect(missing).to_contain_text("Confirm that every needle was removed and disposed of.")
    expect(page.get_by_text("3 insertions at 1 site")).to_be_visible()
    expect(page.get_by_role("button", name="Sign the session")).to_have_count(0)
    assert_accessible()

    missing.get_by_role("link").first.click()
    close = page.locator("form").filter(has=page.get_by_label("Pain after (NPRS 0-10)"))
    close.get_by_label("Pain after (NPRS 0-10)").fill("2")
    close.get_by_label("All needles removed and disposed of in a sharps container").check()
    close.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Saved.")).to_be_visible()

    page.get_by_role("link", name="Review and sign").click()
    expect(page.get_by_text("Nothing is missing")).to_be_visible()
    assert_accessible()
    page.get_by_label(REVIEWED).check()
    page.get_by_role("button", name="Sign the session").click()
    expect(page.get_by_text("The treatment session is signed. Add an addendum for anything later.")).to_be_visible()
    assert TreatmentSession.objects.get(pk=session.pk).status == AssessmentStatus.SIGNED


def test_signing_works_without_javascript(page: object, live_server: object) -> None:
    from playwright.sync_api import expect

    physio = UserFactory(username="physio", first_name="Maya", roles=[Role.PHYSIOTHERAPIST])
    draft = a_c6_left_draft(physio)
    context = page.context.browser.new_context(base_url=live_server.url, java_script_enabled=False)
    plain = context.new_page()
    plain.goto("/accounts/login/")
    plain.get_by_label("Username").fill("physio")
    plain.get_by_label("Password").fill(TEST_PASSWORD)
    plain.get_by_role("button", name="Sign in").click()

    plain.goto(f"/assessments/{draft.pk}/sign/")
    expect(plain.get_by_text("Write the plan.")).to_be_visible()
    expect(plain.get_by_role("button", name="Sign the assessment")).to_have_count(0)
    ready_to_sign(draft)
    plain.reload()
    plain.get_by_label(REVIEWED).check()
    plain.get_by_role("button", name="Sign the assessment").click()
    expect(
        plain.get_by_text("The assessment is signed. It can no longer change; add an addendum if needed.")
    ).to_be_visible()
    assert Assessment.objects.get(pk=draft.pk).status == AssessmentStatus.SIGNED
    context.close()
