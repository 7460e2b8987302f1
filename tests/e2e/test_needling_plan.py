"""The plan of muscles in Chromium at 1,024 px: the ranked list, ticked by keyboard, saved and signed."""

import re

from accounts.roles import Role
from assessments import services
from assessments.models import Assessment
from tests.assessments.sessions import cleared_patient
from tests.e2e.conftest import TABLET, assert_no_violations


def test_the_physio_ticks_the_found_muscle_and_its_paraspinal_partner_by_keyboard(
    page: object, sign_in_as: object
) -> None:
    from playwright.sync_api import expect

    physio = sign_in_as(Role.PHYSIOTHERAPIST)
    page.set_viewport_size(TABLET)
    patient = cleared_patient()
    draft = services.assessment_start(patient=patient, physiotherapist=physio)
    services.assessment_save_fields(
        assessment=draft,
        data={"chief_complaint": "Elbow pain", "clinical_impression": "C6 right", "plan": "IMS weekly"},
        version=draft.version,
    )
    services.finding_record(
        assessment=draft,
        sign_code="SEN-MOTORPOINT",
        side="R",
        status="present",
        muscle="extensor-carpi-radialis-brevis",
    )
    services.segment_decide(assessment=draft, level="C6", side="R", decision="confirmed")

    page.goto(f"/assessments/{draft.pk}/step/summary/")
    plan = page.locator("#plan")
    items = plan.locator("ol.list-group-numbered > li")
    expect(items.nth(0)).to_contain_text("Extensor carpi radialis brevis")
    expect(items.nth(0)).to_contain_text("Found: tender, right")
    expect(items.nth(1)).to_contain_text("Paraspinal partner of C6 right, beside the spine")
    other = plan.get_by_text(re.compile(r"The other muscles of the confirmed levels \(20\)"))
    expect(other).to_be_visible()
    expect(plan.get_by_role("checkbox", name="Treat right: Supinator")).to_be_hidden()
    assert_no_violations(page)

    first = plan.get_by_role("checkbox", name="Treat right: Extensor carpi radialis brevis")
    first.focus()
    page.keyboard.press("Space")
    partner = plan.get_by_role("checkbox", name="Treat C6 right: Cervical multifidus / rotatores")
    for _ in range(4):  # past the partner's precaution badges, each a Tab stop that shows its caution
        page.keyboard.press("Tab")
        if partner.evaluate("box => box === document.activeElement"):
            break
    expect(partner).to_be_focused()
    page.keyboard.press("Space")
    plan.get_by_role("button", name="Save the plan").focus()
    page.keyboard.press("Enter")

    expect(page.get_by_text("Plan of muscles saved.")).to_be_visible()
    expect(first).to_be_checked()
    stored = Assessment.objects.get(pk=draft.pk)
    assert [(row["muscle"], row["level"]) for row in stored.planned_muscles] == [
        ("extensor-carpi-radialis-brevis", ""),
        ("cervical-multifidus-rotatores", "C6"),
    ]
    assert services.plan_problems(stored) == []

    page.get_by_role("link", name="Review and sign").click()
    page.get_by_label("I have reviewed this record and sign it as my own").check()
    page.get_by_role("button", name="Sign the assessment").click()
    expect(page.get_by_text("The assessment is signed.", exact=False)).to_be_visible()
    expect(plan).to_contain_text("Extensor carpi radialis brevis, right")
    expect(plan).to_contain_text("Cervical multifidus / rotatores, C6 right")
    expect(plan.get_by_role("checkbox")).to_have_count(0)
