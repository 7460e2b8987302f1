"""The assessment's step bar on every screen size, and recording a movement left then right without a reload."""

import pytest

from accounts.roles import Role
from assessments import services
from assessments.models import RomMeasurement
from tests.e2e.conftest import DESK, PHONE, TABLET, assert_no_violations
from tests.factories import PatientFactory

STEP_TITLES = [
    "1. History and symptoms",
    "2. Safety",
    "3. Movement",
    "4. Strength",
    "5. Reflexes and sensation",
    "6. Hands-on exam",
    "7. The spine",
    "8. Summary and sign",
]
IPAD_PORTRAIT = {"width": 768, "height": 1024}


def on_screen(page: object, locator: object) -> bool:
    box = locator.bounding_box()
    width = page.viewport_size["width"]
    return box is not None and box["width"] > 0 and box["x"] >= 0 and box["x"] + box["width"] <= width


@pytest.mark.parametrize(
    "viewport", [TABLET, DESK, IPAD_PORTRAIT, PHONE], ids=["1024", "1366", "tablet 768", "phone 360"]
)
def test_all_eight_steps_are_on_screen_and_the_current_one_is_marked(
    page: object, sign_in_as: object, viewport: dict[str, int]
) -> None:
    from playwright.sync_api import expect

    physio = sign_in_as(Role.PHYSIOTHERAPIST)
    assessment = services.assessment_start(patient=PatientFactory(), physiotherapist=physio)
    page.set_viewport_size(viewport)

    page.goto(f"/assessments/{assessment.pk}/step/spine/")

    steps = page.get_by_role("navigation", name="Assessment steps")
    links = steps.get_by_role("link")
    expect(links).to_have_count(8)
    # The accessible names are the full titles on every screen, though a phone shows only the numbers.
    for index, title in enumerate(STEP_TITLES):
        expect(links.nth(index)).to_have_accessible_name(title)
        expect(links.nth(index)).to_be_visible()
        assert on_screen(page, links.nth(index)), f"{title} is off screen at {viewport['width']} px"
    expect(steps.locator("[aria-current=step]")).to_have_text("7. The spine")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    if viewport != PHONE:
        expect(links.nth(7)).to_have_text("8. Summary and sign")
    assert_no_violations(page)


def test_a_range_of_motion_is_added_in_place_keeping_the_movement_then_the_other_side(
    page: object, sign_in_as: object
) -> None:
    from playwright.sync_api import expect

    physio = sign_in_as(Role.PHYSIOTHERAPIST)
    assessment = services.assessment_start(patient=PatientFactory(), physiotherapist=physio)
    page.set_viewport_size(TABLET)
    page.goto(f"/assessments/{assessment.pk}/step/movement/")
    page.evaluate("window.stillThisPage = true")

    page.get_by_label("Joint and movement").select_option(label="Shoulder abduction")
    page.get_by_role("combobox", name="Side").select_option(label="Left")
    page.get_by_label("Degrees").fill("120")
    page.get_by_role("button", name="Add").click()

    left = page.get_by_role("row").filter(has_text="Shoulder abduction")
    expect(left).to_have_count(1)
    expect(left).to_contain_text("120°")
    expect(page.get_by_label("Joint and movement")).to_have_value("shoulder:abduction")
    expect(page.get_by_role("combobox", name="Side")).to_have_value("L")
    expect(page.get_by_label("Degrees")).to_have_value("")
    expect(page.get_by_label("Degrees")).to_be_focused()
    assert page.evaluate("window.stillThisPage === true"), "the page reloaded"

    page.get_by_role("link", name="Same, other side: Shoulder abduction active, right").click()

    expect(page.get_by_role("combobox", name="Side")).to_have_value("R")
    expect(page.get_by_label("Joint and movement")).to_have_value("shoulder:abduction")
    expect(page.get_by_label("Degrees")).to_be_focused()
    page.keyboard.type("170")
    page.keyboard.press("Enter")

    expect(page.get_by_role("row").filter(has_text="Shoulder abduction")).to_have_count(2)
    expect(page.get_by_role("link", name="Same, other side")).to_have_count(0)
    expect(page.get_by_role("row").filter(has_text="170°")).to_contain_text("50°")  # the side difference
    assert page.evaluate("window.stillThisPage === true"), "the page reloaded"
    assert sorted(RomMeasurement.objects.values_list("side", "degrees")) == [("L", 120), ("R", 170)]

    page.get_by_label("Degrees").fill("400")
    page.get_by_role("button", name="Add").click()

    expect(page.get_by_text("Degrees go from 0 to 360.")).to_be_visible()
    expect(page.get_by_label("Degrees")).to_be_focused()
    expect(page.get_by_label("Joint and movement")).to_have_value("shoulder:abduction")
    assert RomMeasurement.objects.count() == 2
    assert_no_violations(page)


def test_without_javascript_the_form_comes_back_with_the_movement_kept(
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
    plain.goto(f"/assessments/{assessment.pk}/step/movement/")

    plain.get_by_label("Joint and movement").select_option(label="Hip flexion")
    plain.get_by_role("combobox", name="Side").select_option(label="Right")
    plain.get_by_label("Degrees").fill("100")
    plain.get_by_role("button", name="Add").click()

    expect(plain).to_have_url(
        f"{live_server.url}/assessments/{assessment.pk}/step/movement/"
        "?joint_movement=hip%3Aflexion&side=R&mode=active#add-rom"
    )
    expect(plain.get_by_label("Joint and movement")).to_have_value("hip:flexion")
    expect(plain.get_by_role("row").filter(has_text="Hip flexion")).to_contain_text("100°")
    plain.get_by_role("link", name="Same, other side: Hip flexion active, left").click()
    expect(plain.get_by_role("combobox", name="Side")).to_have_value("L")
    context.close()
