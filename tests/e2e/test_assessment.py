"""The IMS evaluation in Chromium: a physiotherapist goes from the chart through the eight steps to a signed record."""

import re

from accounts.roles import Role
from assessments.models import Assessment, ReflexTest, SegmentDecision, SignFinding
from tests.factories import PatientFactory


def test_a_physio_assesses_a_patient_step_by_step_and_signs(page: object, sign_in_as: object) -> None:
    from playwright.sync_api import expect

    patient = PatientFactory(given_name="Zebedee", family_name="Quartermaine")
    physio = sign_in_as(Role.PHYSIOTHERAPIST)
    steps = page.get_by_role("navigation", name="Assessment steps")

    page.goto(patient.get_absolute_url())
    page.get_by_role("button", name="IMS assessment").click()

    expect(page).to_have_url(re.compile(r"/assessments/\d+/step/history/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("IMS assessment: Zebedee Quartermaine")
    expect(steps.get_by_role("link")).to_have_count(8)
    expect(steps.locator("[aria-current=step]")).to_have_text("1. History and symptoms")
    page.get_by_label("Chief complaint").fill("Lateral elbow pain on the left when gripping")
    page.get_by_label("Pain now (0-10)").fill("5")
    page.get_by_label("Pain at best (0-10)").fill("2")
    page.get_by_label("Pain at worst (0-10)").fill("8")
    page.get_by_label("Deep aches").check()
    page.get_by_label("The patient's goals").fill("Paint the fence again")
    page.get_by_role("button", name="Save and continue").click()

    expect(page).to_have_url(re.compile(r"/step/safety/$"))
    expect(page.get_by_text("History and symptoms saved.")).to_be_visible()
    expect(steps.locator("[aria-current=step]")).to_have_text("2. Safety")
    assessment = Assessment.objects.get(patient=patient)
    assert assessment.physiotherapist == physio
    assert (assessment.chief_complaint, assessment.pain_worst) == ("Lateral elbow pain on the left when gripping", 8)

    steps.get_by_role("link", name="3. Movement").click()
    page.get_by_label("Joint and movement").select_option(label="Shoulder flexion")
    page.get_by_label("Side").select_option(label="Left")
    page.get_by_label("Degrees").fill("90")
    page.get_by_label("Pain at end of range").check()
    page.get_by_role("button", name="Add").click()
    movement = page.get_by_role("row").filter(has_text="Shoulder flexion")
    expect(movement).to_contain_text("90°")
    expect(movement).to_contain_text("50%")

    steps.get_by_role("link", name="4. Strength").click()
    page.get_by_label("Key muscle").select_option(value="C6")
    page.get_by_label("Side").select_option(label="Left")
    page.get_by_label("MRC grade").select_option("4")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_role("row").filter(has_text="4 (weak)")).to_contain_text("C6")

    steps.get_by_role("link", name="5. Reflexes and sensation").click()
    reflex_form = page.locator("form").filter(has=page.get_by_role("heading", name="Grade a reflex (0 to 4+)"))
    for side, grade in (("Left", "1+"), ("Right", "2+")):
        reflex_form.locator("select[name=reflex]").select_option(label="Biceps")
        reflex_form.locator("select[name=side]").select_option(label=side)
        reflex_form.locator("select[name=grade]").select_option(grade)
        reflex_form.get_by_role("button", name="Add").click()
        expect(page.get_by_text("Saved.")).to_be_visible()
    biceps = page.get_by_role("row").filter(has_text="Biceps")
    expect(biceps).to_have_count(2)
    expect(biceps.filter(has_text="asymmetric")).to_have_count(2)
    assert sorted(ReflexTest.objects.values_list("side", "grade")) == [("L", "1+"), ("R", "2+")]

    steps.get_by_role("link", name="6. Hands-on exam").click()
    page.get_by_label("Sign").select_option(value="MOT-TAUTBAND")
    page.get_by_label("Muscle").select_option(label="Supinator")
    page.locator("#add-finding select[name=side]").select_option(label="Left")
    page.get_by_label("Status").select_option("present")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_role("row").filter(has_text="Supinator")).to_contain_text("Present")

    steps.get_by_role("link", name="7. The spine").click()
    expect(page.get_by_text("No palpated range recorded: every sign not marked is not tested.")).to_be_visible()
    page.get_by_label("Palpated from").select_option("C4")
    page.get_by_label("Down to").select_option("C7")
    for side in ("Left", "Midline", "Right"):
        expect(page.get_by_role("checkbox", name=side, exact=True)).to_be_checked()
    page.get_by_role("button", name="Save the range").click()
    expect(page.get_by_text("Palpated range saved.")).to_be_visible()
    expect(page.get_by_text("Palpated: C4 to C7, left, midline and right.")).to_be_visible()
    assert (Assessment.objects.values_list("palpated_from", "palpated_to", "palpated_sides").get()) == (
        "C4",
        "C7",
        ["L", "M", "R"],
    )
    expect(page.get_by_role("button", name="Tender: Paraspinal tenderness at C5 left")).to_have_accessible_description(
        "palpated, no sign (absent)"
    )
    expect(page.get_by_role("button", name="Tender: Paraspinal tenderness at C3 left")).to_have_accessible_description(
        "not tested"
    )
    page.evaluate("window.stillThisPage = true")
    taps = [
        "Tender: Paraspinal tenderness at C5 left",
        "Tender: Paraspinal tenderness at C6 left",
        "Band: Paraspinal bands or shortening at C5 left",
        "Band: Paraspinal bands or shortening at C6 left",
    ]
    for name in taps:
        cell = page.get_by_role("button", name=name)
        expect(cell).to_have_attribute("aria-pressed", "false")
        cell.click()
        expect(page.get_by_role("button", name=name)).to_have_attribute("aria-pressed", "true")
    spinous = page.get_by_role("button", name="Spinous: Spinous process tenderness at C7 midline")
    spinous.click()
    expect(spinous).to_have_attribute("aria-pressed", "true")
    page.get_by_role("button", name="Spinous: Spinous process tenderness at C7 midline").click()
    expect(page.get_by_role("button", name="Spinous: Spinous process tenderness at C7 midline")).to_have_attribute(
        "aria-pressed", "false"
    )
    expect(
        page.get_by_role("button", name="Spinous: Spinous process tenderness at C7 midline")
    ).to_have_accessible_description("palpated, no sign (absent)")  # cleared inside the range: examined, normal
    expect(page.get_by_role("button", name="Tender: Paraspinal tenderness at C6 left")).to_have_accessible_description(
        "present"
    )
    assert page.evaluate("window.stillThisPage") is True  # no page load: htmx swapped the cells
    assert sorted(SignFinding.objects.filter(muscle="").values_list("sign_code", "level", "side")) == [
        ("SEN-PARASPINAL", "C5", "L"),
        ("SEN-PARASPINAL", "C6", "L"),
        ("SPI-PARASHORT", "C5", "L"),
        ("SPI-PARASHORT", "C6", "L"),
    ]

    page.get_by_role("link", name="Continue to the summary").click()
    expect(steps.locator("[aria-current=step]")).to_have_text("8. Summary and sign")
    # 28 cells of C4-C7 (4 present), the supinator's band, the weak C6 key muscle, the biceps on both sides (the
    # left one 1+): 32 items examined, 7 positive.
    headline = page.locator("#summary-headline")
    expect(headline).to_contain_text("C5 left: suggested")
    expect(headline).to_contain_text("C6 left: suggested")
    expect(headline).to_contain_text("7 positive among 32 items examined; not examined: C1-C3, C8-S2.")
    evidence = page.get_by_role("table", name="Evidence by level and side")
    c6_left = evidence.get_by_role("row").filter(has=page.get_by_role("rowheader", name="C6", exact=True))
    expect(c6_left).to_contain_text("Yes")
    expect(
        evidence.get_by_role("row").filter(has=page.get_by_role("rowheader", name="C5", exact=True))
    ).to_contain_text("Yes")
    expect(page.get_by_text("Confirm at least one level to see the muscles to needle.")).to_be_visible()
    c6_left.get_by_role("button", name="Involved", exact=True).click()

    expect(page.get_by_text("C6 left: involved")).to_be_visible()
    muscles = page.get_by_role("list").filter(has_text="Cervical multifidus / rotatores")
    expect(muscles).to_contain_text("Supinator")
    expect(muscles).to_contain_text("beside the spine")
    assert list(SegmentDecision.objects.values_list("level", "side", "decision")) == [("C6", "L", "confirmed")]
    c5_left = evidence.get_by_role("row").filter(has=page.get_by_role("rowheader", name="C5", exact=True))
    c5_left.get_by_role("button", name="Not involved", exact=True).click()
    expect(page.get_by_text("C5 left: not involved")).to_be_visible()
    page.get_by_role("textbox", name="Clinical impression").fill(
        "C6 segmental (radiculopathic) pain, left lateral elbow"
    )
    page.get_by_role("textbox", name="Plan", exact=True).fill("IMS weekly for four weeks, home exercise")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("Summary and sign saved.")).to_be_visible()
    # The plan of muscles: the supinator, found banded on the hands-on page, is first; tick it.
    page.get_by_role("checkbox", name="Treat left: Supinator").check()
    page.get_by_role("button", name="Save the plan").click()
    expect(page.get_by_text("Plan of muscles saved.")).to_be_visible()
    page.get_by_role("link", name="Review and sign").click()
    expect(page.get_by_text("Nothing is missing")).to_be_visible()
    page.get_by_label("I have reviewed this record and sign it as my own").check()
    page.get_by_role("button", name="Sign the assessment").click()

    expect(
        page.get_by_text("The assessment is signed. It can no longer change; add an addendum if needed.")
    ).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Signed \d{4}-\d{2}-\d{2} \d{2}:\d{2} by Maya"))).to_be_visible()
    expect(page.get_by_role("button", name="Sign the assessment")).to_have_count(0)
    signed = Assessment.objects.get(pk=assessment.pk)
    assert signed.status == "signed" and len(signed.content_digest) == 64
    assert signed.clinical_impression == "C6 segmental (radiculopathic) pain, left lateral elbow"

    steps.get_by_role("link", name="1. History and symptoms").click()
    expect(page.get_by_text("Lateral elbow pain on the left when gripping")).to_be_visible()
    expect(page.get_by_label("Chief complaint")).to_have_count(0)
    expect(page.locator("main form[method=post]")).to_have_count(0)


def test_a_save_from_a_stale_tab_shows_what_changed_and_re_applies_the_edit(
    page: object, sign_in_as: object, assert_accessible: object
) -> None:
    from playwright.sync_api import expect

    from assessments import services

    patient = PatientFactory(given_name="Zebedee", family_name="Quartermaine")
    physio = sign_in_as(Role.PHYSIOTHERAPIST)
    draft = services.assessment_start(patient=patient, physiotherapist=physio)
    page.goto(f"/assessments/{draft.pk}/step/history/")
    # Meanwhile, the same physiotherapist saves from the tablet at the table.
    services.assessment_save_fields(
        assessment=draft, data={"chief_complaint": "Neck pain, typed on the tablet"}, version=draft.version
    )

    page.get_by_label("Chief complaint").fill("Lateral elbow pain, typed at the desk")
    page.expected_problems.append("status of 409 (Conflict)")  # the refused save answers 409
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_role("heading", name="Your changes were not saved")).to_be_visible()
    change = page.locator("#conflict-differences").get_by_role("row", name=re.compile("Chief complaint"))
    expect(change).to_contain_text("Neck pain, typed on the tablet")
    expect(change).to_contain_text("Lateral elbow pain, typed at the desk")
    expect(page.get_by_label("Chief complaint")).to_have_value("Lateral elbow pain, typed at the desk")
    assert_accessible()

    page.get_by_role("button", name="Save", exact=True).click()  # knowingly, over the tablet's version
    expect(page.get_by_text("History and symptoms saved.")).to_be_visible()
    assert Assessment.objects.get(pk=draft.pk).chief_complaint == "Lateral elbow pain, typed at the desk"


def test_without_javascript_the_range_and_the_grid_post_and_the_summary_says_what_was_examined(
    page: object, sign_in_as: object
) -> None:
    from playwright.sync_api import expect

    from assessments import services

    physio = sign_in_as(Role.PHYSIOTHERAPIST)
    assessment = services.assessment_start(patient=PatientFactory(), physiotherapist=physio)
    origin = re.match(r"https?://[^/]+", page.url)
    assert origin is not None
    context = page.context.browser.new_context(base_url=origin[0], java_script_enabled=False)
    context.add_cookies(page.context.cookies())
    plain = context.new_page()
    plain.set_default_timeout(10_000)
    try:
        plain.goto(f"/assessments/{assessment.pk}/step/summary/")
        expect(plain.locator("#summary-headline")).to_have_text("Nothing examined yet.")

        plain.goto(f"/assessments/{assessment.pk}/step/spine/")
        plain.get_by_label("Palpated from").select_option("T4")
        plain.get_by_label("Down to").select_option("C2")
        plain.get_by_role("button", name="Save the range").click()
        expect(plain.get_by_text("C2 lies above T4: the range runs from the head down.")).to_be_visible()
        expect(plain.get_by_label("Down to")).to_have_attribute("aria-invalid", "true")

        plain.get_by_label("Palpated from").select_option("C2")
        plain.get_by_label("Down to").select_option("T4")
        plain.get_by_role("checkbox", name="Midline", exact=True).uncheck()
        plain.get_by_role("button", name="Save the range").click()
        plain.wait_for_url(f"**/assessments/{assessment.pk}/step/spine/#spine-range")
        expect(plain.get_by_text("Palpated: C2 to T4, left and right.")).to_be_visible()

        cell = plain.get_by_role("button", name="Band: Paraspinal bands or shortening at C6 right")
        expect(cell).to_have_accessible_description("palpated, no sign (absent)")
        cell.click()
        plain.wait_for_url(f"**/assessments/{assessment.pk}/step/spine/#level-C6")
        expect(cell).to_have_attribute("aria-pressed", "true")
        expect(cell).to_have_accessible_description("present")
        expect(
            plain.get_by_role("button", name="Spinous: Spinous process tenderness at C6 midline")
        ).to_have_accessible_description("not tested")

        plain.goto(f"/assessments/{assessment.pk}/step/summary/")
        # C2-T4 is 11 levels of 6 cells (left and right), one of them present.
        expect(plain.locator("#summary-headline")).to_have_text(
            "No level suggested: 1 positive among 66 items examined; not examined: C1, C2-T4 midline, T5-S2."
        )
    finally:
        context.close()
    assert SignFinding.objects.filter(assessment=assessment, level="C6", side="R", sign_code="SPI-PARASHORT").exists()
