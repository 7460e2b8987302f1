"""The whole IMS evaluation by keyboard alone at 1,024 x 768: from the chart through the eight steps to a signed
record, with Tab, Shift+Tab, the arrow keys, Space and Enter only (locators only read the page and check the
focus). On every step all eight steps of the step bar are on screen and axe finds nothing; the spine grid also
works by keyboard with JavaScript off."""

import re

from accounts.roles import Role
from assessments import services
from assessments.models import (
    Assessment,
    AssessmentStatus,
    ReflexTest,
    RomMeasurement,
    SegmentDecision,
    SignFinding,
    StrengthTest,
)
from assessments.services.plan import PLAN_MISSING
from tests.assessments.sessions import cleared_patient
from tests.e2e.conftest import TABLET, assert_no_violations
from tests.e2e.test_assessment_rows import STEP_TITLES, on_screen
from tests.e2e.test_keyboard import focused_matches
from tests.e2e.test_keyboard import tab_to as tab_with_focus_ring
from tests.e2e.test_signing import REVIEWED
from tests.factories import PatientFactory

ECRB = "Extensor carpi radialis brevis"


def tab_to(page: object, selector: str, *, most: int = 250) -> None:
    """Once the page has loaded (its styles applied and, after a link to a part of it, Tab starting from there),
    Tab to the element, each stop on the way showing its focus ring."""
    page.wait_for_load_state("load")
    tab_with_focus_ring(page, selector, most=most)


def choose_option(page: object, selector: str, typed: str, value: str) -> None:
    """Tab to a select, type the start of the option's words and, if need be, step down to it with the arrow key, as
    a keyboard user picks from a closed list."""
    tab_to(page, selector)
    page.keyboard.type(typed)
    for _ in range(5):
        if page.evaluate("document.activeElement.value") == value:
            break
        page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.value") == value, f"{selector} has not taken {value}"


def follow(page: object, selector: str, title: str) -> None:
    """Tab to a link or button and press Enter; the step it opens is the current one of the step bar."""
    from playwright.sync_api import expect

    tab_to(page, selector)
    page.keyboard.press("Enter")
    expect(page.get_by_role("navigation", name="Assessment steps").locator("[aria-current=step]")).to_have_text(title)


def step_checked(page: object, title: str) -> None:
    """The current step is marked, all eight are inside the 1,024 px viewport, and axe finds nothing."""
    step_bar_on_screen(page, title)
    assert_no_violations(page)


def step_bar_on_screen(page: object, title: str) -> None:
    from playwright.sync_api import expect

    steps = page.get_by_role("navigation", name="Assessment steps")
    links = steps.get_by_role("link")
    expect(links).to_have_count(8)
    expect(steps.locator("[aria-current=step]")).to_have_text(title)
    for index, name in enumerate(STEP_TITLES):
        expect(links.nth(index)).to_be_visible()
        assert on_screen(page, links.nth(index)), f"{name} is off screen on the step {title!r}"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways"


def test_the_whole_evaluation_by_keyboard_at_1024_px(page: object, sign_in_as: object) -> None:
    from playwright.sync_api import expect

    physio = sign_in_as(Role.PHYSIOTHERAPIST)
    page.set_viewport_size(TABLET)
    patient = cleared_patient()
    page.goto(patient.get_absolute_url())

    # The chart: a new assessment from its button.
    tab_to(page, f'form[action="/assessments/start/{patient.pk}/"] button[type=submit]')
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/assessments/\d+/step/history/$"))
    assessment = Assessment.objects.get(patient=patient)
    assert assessment.physiotherapist == physio
    step_checked(page, STEP_TITLES[0])

    # 1. History: the chief complaint, where it hurts, the baseline pain.
    tab_to(page, "textarea[name=chief_complaint]")
    page.keyboard.type("Lateral elbow pain on the right when gripping")
    tab_to(page, 'input[name=pain_region_choices][value="upper_limb:R"]')
    page.keyboard.press("Space")
    assert page.evaluate("document.activeElement.checked")
    for name, value in (("pain_now", "5"), ("pain_best", "2"), ("pain_worst", "8")):
        tab_to(page, f"input[name={name}]")
        page.keyboard.type(value)
    tab_to(page, "button[name=go][value=next]")
    page.keyboard.press("Enter")
    expect(page.get_by_text("History and symptoms saved.")).to_be_visible()
    assessment.refresh_from_db()
    assert (assessment.chief_complaint, assessment.pain_now, assessment.pain_best, assessment.pain_worst) == (
        "Lateral elbow pain on the right when gripping",
        5,
        2,
        8,
    )
    assert assessment.pain_regions == [{"region": "upper_limb", "side": "R"}]

    # 2. Safety: read, then on.
    step_checked(page, STEP_TITLES[1])
    follow(page, 'main a[href$="/step/movement/"]:not(.nav-link)', STEP_TITLES[2])

    # 3. Movement: wrist extension left, then the same on the right by the shortcut, without a reload.
    step_checked(page, STEP_TITLES[2])
    page.evaluate("window.stillThisPage = true")
    choose_option(page, "select[name=joint_movement]", "Wrist e", "wrist:extension")
    choose_option(page, "select[name=side]", "L", "L")
    tab_to(page, "input[name=degrees]")
    page.keyboard.type("70")
    page.keyboard.press("Enter")
    wrist = page.get_by_role("row").filter(has_text="Wrist extension")
    expect(wrist).to_have_count(1)
    expect(page.get_by_label("Degrees")).to_be_focused()
    tab_to(page, "a.other-side")
    expect(page.get_by_role("link", name="Same, other side: Wrist extension active, right")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("combobox", name="Side")).to_have_value("R")
    expect(page.get_by_label("Joint and movement")).to_have_value("wrist:extension")
    expect(page.get_by_label("Degrees")).to_be_focused()
    page.keyboard.type("50")
    page.keyboard.press("Enter")
    expect(wrist).to_have_count(2)
    expect(page.get_by_role("row").filter(has_text="50°")).to_contain_text("20°")  # the side difference
    assert page.evaluate("window.stillThisPage === true"), "the page reloaded"
    assert sorted(RomMeasurement.objects.values_list("side", "degrees")) == [("L", 70), ("R", 50)]
    step_checked(page, STEP_TITLES[2])
    follow(page, 'main a.btn[href$="/step/strength/"]', STEP_TITLES[3])

    # 4. Strength: the C6 key muscle (wrist extensors) graded 4 on the right.
    step_checked(page, STEP_TITLES[3])
    choose_option(page, "#add-strength select[name=level]", "C6", "C6")
    choose_option(page, "#add-strength select[name=side]", "R", "R")
    choose_option(page, "#add-strength select[name=grade]", "4", "4")
    tab_to(page, "#add-strength button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_role("row").filter(has_text="4 (weak)")).to_contain_text("C6")
    assert list(StrengthTest.objects.values_list("level", "side", "grade")) == [("C6", "R", "4")]
    step_checked(page, STEP_TITLES[3])
    follow(page, 'main a.btn[href$="/step/reflexes/"]', STEP_TITLES[4])

    # 5. Reflexes: brachioradialis 1+ on the right.
    step_checked(page, STEP_TITLES[4])
    choose_option(page, "#add-reflex select[name=reflex]", "Brach", "brachioradialis")
    choose_option(page, "#add-reflex select[name=side]", "R", "R")
    choose_option(page, "#add-reflex select[name=grade]", "1", "1+")
    tab_to(page, "#add-reflex button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_role("row").filter(has_text="Brachioradialis")).to_contain_text("1+")
    assert list(ReflexTest.objects.values_list("reflex", "side", "grade")) == [("brachioradialis", "R", "1+")]
    step_checked(page, STEP_TITLES[4])
    follow(page, 'main a.btn[href$="/step/hands-on/"]', STEP_TITLES[5])

    # 6. Hands-on: a tender motor point in the ECRB on the right.
    step_checked(page, STEP_TITLES[5])
    choose_option(page, "#add-finding select[name=sign_code]", "Tenderness at m", "SEN-MOTORPOINT")
    choose_option(
        page, "#add-finding select[name=muscle]", "Extensor carpi radialis b", "extensor-carpi-radialis-brevis"
    )
    choose_option(page, "#add-finding select[name=side]", "R", "R")
    choose_option(page, "#add-finding select[name=status]", "P", "present")
    tab_to(page, "#add-finding button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_role("row").filter(has_text=ECRB)).to_contain_text("Present")
    assert list(SignFinding.objects.exclude(muscle="").values_list("muscle", "side", "status")) == [
        ("extensor-carpi-radialis-brevis", "R", "present")
    ]
    step_checked(page, STEP_TITLES[5])
    follow(page, 'main a.btn[href$="/step/spine/"]', STEP_TITLES[6])

    # 7. The spine: the palpated range C5 to C7, then paraspinal tenderness at C6 right, by the arrows and Space.
    step_checked(page, STEP_TITLES[6])
    choose_option(page, "select[name=palpated_from]", "C5", "C5")
    choose_option(page, "select[name=palpated_to]", "C7", "C7")
    tab_to(page, "#spine-range button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Palpated: C5 to C7, left, midline and right.")).to_be_visible()
    page.evaluate("window.stillThisPage = true")
    tab_to(page, "button.spine-toggle")
    for _ in range(5):
        page.keyboard.press("ArrowDown")
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    tender_c6 = page.get_by_role("button", name="Tender: Paraspinal tenderness at C6 right")
    expect(tender_c6).to_be_focused()
    expect(tender_c6).to_have_accessible_description("palpated, no sign (absent)")
    page.keyboard.press("Space")
    expect(tender_c6).to_have_attribute("aria-pressed", "true")
    expect(tender_c6).to_be_focused()
    expect(tender_c6).to_have_accessible_description("present")
    assert page.evaluate("window.stillThisPage === true"), "the page reloaded"
    assert list(SignFinding.objects.filter(muscle="").values_list("sign_code", "level", "side")) == [
        ("SEN-PARASPINAL", "C6", "R")
    ]
    step_checked(page, STEP_TITLES[6])
    page.keyboard.press("Tab")  # one Tab leaves the grid for the way on
    assert focused_matches(page, 'main a.btn[href$="/step/summary/"]')
    page.keyboard.press("Enter")

    # 8. The summary: C6 right suggested, decided involved.
    step_checked(page, STEP_TITLES[7])
    expect(page.locator("#summary-headline")).to_contain_text("C6 right: suggested")
    tab_to(
        page,
        'form:has(input[name=level][value=C6]):has(input[name=side][value=R]) button[value="confirmed"]',
        most=150,
    )
    page.keyboard.press("Enter")
    expect(page.get_by_text("C6 right: involved")).to_be_visible()
    assert list(SegmentDecision.objects.values_list("level", "side", "decision")) == [("C6", "R", "confirmed")]
    step_checked(page, STEP_TITLES[7])

    # Review and sign, too early: blocked, each missing item with a link to its step.
    tab_to(page, 'main a[href$="/sign/"]')
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Review and sign: IMS assessment of Zebedee Quartermaine"
    )
    missing = page.locator("section", has=page.get_by_role("heading", name="Before it can be signed"))
    items = missing.get_by_role("listitem")
    expect(items).to_have_count(3)
    expect(items.nth(0)).to_contain_text("Write the clinical impression.")
    expect(items.nth(1)).to_contain_text("Write the plan.")
    expect(items.nth(2)).to_contain_text(PLAN_MISSING)
    for index in range(3):
        expect(items.nth(index).get_by_role("link", name="Go to “Summary and sign”")).to_be_visible()
    expect(page.get_by_role("button", name="Sign the assessment")).to_have_count(0)
    assert_no_violations(page)
    tab_to(page, 'main section li a[href$="#muscles-heading"]')
    page.keyboard.press("Enter")
    expect(page.get_by_role("navigation", name="Assessment steps").locator("[aria-current=step]")).to_have_text(
        STEP_TITLES[7]
    )

    # The plan of muscles: the tender ECRB first, then its paraspinal partner; both ticked and saved.
    plan = page.locator("#plan")
    expect(plan.locator("ol.list-group-numbered > li").nth(0)).to_contain_text(ECRB)
    tab_to(page, f'input[name=targets][aria-label="Treat right: {ECRB}"]')
    page.keyboard.press("Space")
    expect(plan.get_by_role("checkbox", name=f"Treat right: {ECRB}")).to_be_checked()
    tab_to(page, 'input[name=targets][value="cervical-multifidus-rotatores|C6|R"]')  # past its precaution badge
    partner = plan.get_by_role("checkbox", name="Treat C6 right: Cervical multifidus / rotatores")
    expect(partner).to_be_focused()
    page.keyboard.press("Space")
    expect(partner).to_be_checked()
    tab_to(page, "#plan-form button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Plan of muscles saved.")).to_be_visible()
    stored = Assessment.objects.get(pk=assessment.pk)
    assert [(row["muscle"], row["level"]) for row in stored.planned_muscles] == [
        ("extensor-carpi-radialis-brevis", ""),
        ("cervical-multifidus-rotatores", "C6"),
    ]

    # The impression and the plan, saved.
    tab_to(page, "textarea[name=clinical_impression]")
    page.keyboard.type("C6 segmental pain, right lateral elbow")
    page.keyboard.press("Tab")
    assert focused_matches(page, "textarea[name=plan]")
    page.keyboard.type("IMS weekly for four weeks, home exercise")
    page.keyboard.press("Tab")
    assert focused_matches(page, "button[name=go][value=stay]")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Summary and sign saved.")).to_be_visible()
    step_checked(page, STEP_TITLES[7])

    # Review and sign again: nothing missing; the signature needs the box ticked, then it is given.
    tab_to(page, 'main a[href$="/sign/"]')
    page.keyboard.press("Enter")
    expect(page.get_by_text("Nothing is missing")).to_be_visible()
    expect(page.get_by_text("C6 right: involved")).to_be_visible()
    assert_no_violations(page)
    page.expected_problems.append("status of 400")  # the signature without the confirmation answers 400
    tab_to(page, "main form button[type=submit]")
    expect(page.get_by_role("button", name="Sign the assessment")).to_be_focused()
    page.keyboard.press("Enter")
    expect(
        page.get_by_text("Tick the box to confirm that you have reviewed the record before signing.")
    ).to_be_visible()
    assert Assessment.objects.get(pk=assessment.pk).status == AssessmentStatus.DRAFT
    expect(page.get_by_label(REVIEWED)).to_be_focused()  # sent back: the focus is on the box to tick
    assert_no_violations(page)
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Sign the assessment")).to_be_focused()
    page.keyboard.press("Enter")

    expect(
        page.get_by_text("The assessment is signed. It can no longer change; add an addendum if needed.")
    ).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Signed \d{4}-\d{2}-\d{2} \d{2}:\d{2} by Maya"))).to_be_visible()
    expect(page.get_by_role("button", name="Sign the assessment")).to_have_count(0)
    expect(page.get_by_role("link", name="Review and sign")).to_have_count(0)
    step_checked(page, STEP_TITLES[7])
    signed = Assessment.objects.get(pk=assessment.pk)
    assert signed.status == AssessmentStatus.SIGNED and len(signed.content_digest) == 64
    assert signed.clinical_impression == "C6 segmental pain, right lateral elbow"


def test_without_javascript_a_spine_cell_toggled_by_keyboard_posts_and_comes_back_present(
    page: object, sign_in_as: object, live_server: object
) -> None:
    from playwright.sync_api import expect

    physio = sign_in_as(Role.PHYSIOTHERAPIST)
    assessment = services.assessment_start(patient=PatientFactory(), physiotherapist=physio)
    context = page.context.browser.new_context(
        viewport=TABLET,
        base_url=live_server.url,
        java_script_enabled=False,
        storage_state=page.context.storage_state(),
    )
    plain = context.new_page()
    plain.set_default_timeout(10_000)
    try:
        plain.goto(f"/assessments/{assessment.pk}/step/spine/")
        band_c6 = plain.get_by_role("button", name="Band: Paraspinal bands or shortening at C6 right")
        expect(band_c6).to_have_attribute("aria-pressed", "false")
        tab_to(plain, 'button.spine-toggle[data-cell="C6 R SPI-PARASHORT"]')
        expect(band_c6).to_be_focused()
        with plain.expect_navigation() as posted:
            plain.keyboard.press("Enter")
        assert posted.value is not None and posted.value.status == 200  # not the 403 of a missing CSRF token
        plain.wait_for_url(f"**/assessments/{assessment.pk}/step/spine/#level-C6")
        expect(band_c6).to_have_attribute("aria-pressed", "true")
        expect(band_c6).to_have_accessible_description("present")
        expect(plain.get_by_role("heading", level=1)).to_contain_text("IMS assessment")
        step_bar_on_screen(plain, STEP_TITLES[6])  # axe needs the page's JavaScript, so it runs on the first test
    finally:
        context.close()
    assert list(SignFinding.objects.filter(assessment=assessment).values_list("level", "side", "sign_code")) == [
        ("C6", "R", "SPI-PARASHORT")
    ]
