"""The pain map in Chromium at 360 px: each half of the body a named toggle, reached by Tab and marked by Space,
Enter or a tap, kept in step with the checkboxes the form sends; axe finds nothing on the history step nor on the
printed assessment that draws the map read-only."""

from accounts.roles import Role
from assessments import services
from assessments.models import Assessment
from tests.e2e.conftest import PHONE, assert_no_violations
from tests.e2e.test_keyboard import tab_to
from tests.factories import PatientFactory


def box(page: object, value: str) -> object:
    return page.locator(f'input[name=pain_region_choices][value="{value}"]')


def test_where_it_hurts_is_marked_on_the_map_by_keyboard_and_by_tap_at_360_px(
    page: object, sign_in_as: object
) -> None:
    from playwright.sync_api import expect

    physio = sign_in_as(Role.PHYSIOTHERAPIST)
    draft = services.assessment_start(patient=PatientFactory(), physiotherapist=physio)
    page.set_viewport_size(PHONE)
    page.goto(f"/assessments/{draft.pk}/step/history/")

    figure = page.get_by_role("group", name="Where it hurts")
    toggles = figure.locator("path[role=checkbox]")
    expect(toggles).to_have_count(20)
    names = [toggles.nth(index).get_attribute("aria-label") for index in range(20)]
    assert names[:4] == ["Head and neck, right", "Head and neck, left", "Shoulder and shoulder blade, right",
                         "Shoulder and shoulder blade, left"]  # fmt: skip
    assert {"Lower back, left", "Lower back, right", "Buttock and hip, left", "Belly, right"} <= set(names)
    front = page.get_by_role("group", name="Front")
    expect(front.get_by_role("checkbox", name="Arm (shoulder to hand), right")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways"
    assert_no_violations(page)

    # Tab to the left half of the low back; Space marks it: its checkbox ticked, its shape hatched.
    lower_left = page.get_by_role("checkbox", name="Lower back, left", exact=True)
    page.get_by_label("Chief complaint").focus()
    tab_to(page, 'path[aria-label="Lower back, left"]', most=40)
    page.keyboard.press("Space")
    expect(lower_left).to_have_attribute("aria-checked", "true")
    expect(lower_left).to_have_class("pain-map-region is-marked")
    expect(box(page, "lumbosacral:L")).to_be_checked()

    # A tap on the right half makes it both sides: one code, "B", as the history step has always stored it.
    page.get_by_role("checkbox", name="Lower back, right", exact=True).click()
    expect(box(page, "lumbosacral:B")).to_be_checked()
    expect(box(page, "lumbosacral:L")).not_to_be_checked()
    expect(box(page, "lumbosacral:R")).not_to_be_checked()
    expect(lower_left).to_have_attribute("aria-checked", "true")

    # The right arm tapped on the back view marks the front's toggle of it too; Enter clears it again.
    arm = page.get_by_role("checkbox", name="Arm (shoulder to hand), right")
    page.locator('g[aria-label="Back"] path[data-region=upper_limb][data-side=R]').click()
    expect(arm).to_have_attribute("aria-checked", "true")
    expect(box(page, "upper_limb:R")).to_be_checked()
    arm.focus()
    page.keyboard.press("Enter")
    expect(arm).to_have_attribute("aria-checked", "false")
    expect(box(page, "upper_limb:R")).not_to_be_checked()

    # The list beside it works the other way round: ticking a box marks the shape.
    box(page, "head_neck:R").check()
    expect(page.get_by_role("checkbox", name="Head and neck, right")).to_have_attribute("aria-checked", "true")
    assert_no_violations(page)

    page.get_by_label("Chief complaint").fill("Low back pain after lifting")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text("History and symptoms saved.")).to_be_visible()
    stored = Assessment.objects.get(pk=draft.pk).pain_regions
    assert stored == [{"region": "head_neck", "side": "R"}, {"region": "lumbosacral", "side": "B"}]
    expect(page.get_by_role("checkbox", name="Lower back, right", exact=True)).to_have_attribute(
        "aria-checked", "true"
    )


def test_the_printed_assessment_draws_the_regions_read_only_at_360_px(page: object, sign_in_as: object) -> None:
    from playwright.sync_api import expect

    physio = sign_in_as(Role.PHYSIOTHERAPIST)
    draft = services.assessment_start(patient=PatientFactory(), physiotherapist=physio)
    services.assessment_save_fields(
        assessment=draft,
        data={"pain_regions": [{"region": "lumbosacral", "side": "B"}, {"region": "buttock", "side": "L"}]},
        version=draft.version,
    )
    page.set_viewport_size(PHONE)
    page.goto(f"/assessments/{draft.pk}/print/")

    diagram = page.get_by_role("img", name="Body diagram, front and back. Where it hurts: Lower back, both sides; "
                                            "Buttock and hip, left.")  # fmt: skip
    expect(diagram).to_be_visible()
    expect(diagram.locator("path.is-marked")).to_have_count(3)
    expect(page.get_by_role("checkbox")).to_have_count(0)
    drawn = diagram.bounding_box()
    assert drawn is not None and drawn["width"] >= 200 and drawn["x"] >= 0 and drawn["x"] + drawn["width"] <= 360
    assert_no_violations(page)


def test_without_javascript_the_list_is_the_answer_and_the_map_stays_hidden(
    page: object, live_server: object, sign_in_as: object
) -> None:
    from playwright.sync_api import expect

    physio = sign_in_as(Role.PHYSIOTHERAPIST)
    draft = services.assessment_start(patient=PatientFactory(), physiotherapist=physio)
    context = page.context.browser.new_context(
        base_url=live_server.url, viewport=PHONE, java_script_enabled=False, storage_state=page.context.storage_state()
    )
    plain = context.new_page()
    try:
        plain.goto(f"/assessments/{draft.pk}/step/history/")
        expect(plain.locator("[data-pain-map-figure]")).to_be_hidden()
        expect(plain.get_by_role("checkbox", name="Low back and sacrum (left)")).to_be_visible()
        plain.get_by_role("checkbox", name="Low back and sacrum (left)").check()
        plain.get_by_role("checkbox", name="Low back and sacrum (right)").check()
        plain.get_by_role("button", name="Save", exact=True).click()
        expect(plain.get_by_text("History and symptoms saved.")).to_be_visible()
    finally:
        context.close()
    assert Assessment.objects.get(pk=draft.pk).pain_regions == [
        {"region": "lumbosacral", "side": "L"},
        {"region": "lumbosacral", "side": "R"},
    ]
