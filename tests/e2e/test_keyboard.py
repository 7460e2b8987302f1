"""Keyboard only, in Chromium: no mouse, no click(), no fill(); focus moves by Tab (and by the arrow keys inside a
radio group or the spinal grid, as a composite control works), and after every Tab the focused element shows a
focus ring that stands at least 3:1 against the background it is drawn on (WCAG 1.4.11)."""

import uuid
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role
from assessments import services as assessment_services
from assessments.models import SignFinding
from patients import services
from patients.models import QuestionnaireResponse
from scheduling.models import Appointment
from tests.e2e.conftest import assert_no_violations, next_weekday_at
from tests.factories import AppointmentTypeFactory, PatientFactory, PractitionerFactory, UserFactory

DATE_OF_BIRTH = date(1980, 5, 17)
# The contrast of the focused element's outline against the first opaque background behind it (the ring is
# drawn outside the element, so the element's own fill does not count); 0 when there is no solid outline.
FOCUS_RING_CONTRAST = """() => {
    const element = document.activeElement;
    const style = getComputedStyle(element);
    if (style.outlineStyle === "none" || parseFloat(style.outlineWidth) < 2) return 0;
    const rgba = (colour) => {
        const [r, g, b, a = 1] = colour.match(/[\\d.]+/g).map(Number);
        return {r, g, b, a};
    };
    const luminance = ({r, g, b}) => [[r, 0.2126], [g, 0.7152], [b, 0.0722]].reduce((sum, [value, weight]) => {
        const channel = value / 255;
        return sum + weight * (channel <= 0.03928 ? channel / 12.92 : ((channel + 0.055) / 1.055) ** 2.4);
    }, 0);
    const ring = rgba(style.outlineColor);
    if (ring.a < 1) return 0;
    let background = {r: 255, g: 255, b: 255, a: 1};
    for (let node = element.parentElement; node; node = node.parentElement) {
        const fill = rgba(getComputedStyle(node).backgroundColor);
        if (fill.a === 1) { background = fill; break; }
    }
    const [light, dark] = [luminance(ring), luminance(background)].sort((x, y) => y - x);
    return (light + 0.05) / (dark + 0.05);
}"""


def tab_to(page: object, selector: str, *, most: int = 80) -> None:
    """Press Tab until the focused element matches `selector`, checking the focus ring each time."""
    for _ in range(most):
        page.keyboard.press("Tab")
        has_focus_ring(page)
        if focused_matches(page, selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def has_focus_ring(page: object) -> None:
    focused = page.evaluate("document.activeElement.outerHTML.slice(0, 200)")
    contrast = page.evaluate(FOCUS_RING_CONTRAST)
    assert contrast >= 3, f"focus ring at {contrast:.2f}:1 (at least 3:1 wanted) on {focused}"


def focused_matches(page: object, selector: str) -> bool:
    return page.evaluate("(selector) => document.activeElement.matches(selector)", selector)


def choose_radio(page: object, name: str, value: str) -> None:
    """Tab into the group, then the arrow keys move to the option and check it; Space checks the first one."""
    tab_to(page, f'input[type=radio][name="{name}"]')
    if focused_matches(page, f'[value="{value}"]'):
        page.keyboard.press("Space")
    while not focused_matches(page, f'[value="{value}"]'):
        page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.checked")


def tick(page: object, name: str, value: str = "") -> None:
    tab_to(page, f'input[type=checkbox][name="{name}"]' + (f'[value="{value}"]' if value else ""))
    page.keyboard.press("Space")
    assert page.evaluate("document.activeElement.checked")


def type_into(page: object, name: str, text: str) -> None:
    tab_to(page, f'[name="{name}"]')
    page.keyboard.type(text)


def type_date(page: object, name: str, day: date) -> None:
    """A date field in Chromium (en-US) takes month, day and year typed in a row."""
    tab_to(page, f'[name="{name}"]')
    page.keyboard.type(day.strftime("%m%d%Y"))
    assert page.evaluate("document.activeElement.value") == day.isoformat()


def press_next(page: object, title: str, *, button: str = "Next") -> None:
    from playwright.sync_api import expect

    tab_to(page, "button[type=submit][value=next]")
    assert page.evaluate("document.activeElement.textContent.trim()") == button
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)


def test_a_patient_on_warfarin_answers_the_whole_questionnaire_by_keyboard_on_a_phone(phone: object) -> None:
    from playwright.sync_api import expect

    patient = PatientFactory(given_name="Zebedee", date_of_birth=DATE_OF_BIRTH)
    _, token = services.questionnaire_link_issue(
        patient=patient,
        issued_by=UserFactory(username="sam", roles=[Role.FRONT_DESK]),
        link_url=str,
        submission_key=uuid.uuid4(),
    )
    phone.goto(f"/q/{token}/")

    # A wrong date of birth: the error is announced, tied to the field, and focus stays in the field.
    type_date(phone, "date_of_birth", date(1981, 5, 17))
    phone.keyboard.press("Enter")
    field = phone.get_by_label("Your date of birth")
    expect(field).to_have_accessible_description(
        "This date of birth does not match our records. Check it and try again, or call the clinic."
    )
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(phone.get_by_role("alert")).to_have_text(
        "This date of birth does not match our records. Check it and try again, or call the clinic."
    )
    expect(field).to_be_focused()
    assert_no_violations(phone)

    # The right one, typed over the wrong one where the focus already is.
    phone.keyboard.type(DATE_OF_BIRTH.strftime("%m%d%Y"))
    assert phone.evaluate("document.activeElement.value") == DATE_OF_BIRTH.isoformat()
    phone.keyboard.press("Enter")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Blood thinners")

    # Yes to blood thinners opens "Which one(s)?" at once; warfarin opens the INR page.
    choose_radio(phone, "A1", "yes")
    expect(phone.get_by_text("Which one(s)?")).to_be_visible()
    # Next without saying which one: the page comes back with the question marked and the summary focused.
    press_next(phone, "Blood thinners")
    expect(phone.locator("#error-summary")).to_be_focused()
    expect(phone.locator('[data-question="A2"]').get_by_role("alert")).to_have_text(
        "Please choose at least one answer."
    )
    assert_no_violations(phone)
    tick(phone, "A2", "warfarin")
    press_next(phone, "Warfarin")

    type_into(phone, "A3", "2.5")
    type_date(phone, "A4", timezone.localdate() - timedelta(days=2))
    tick(phone, "A5__dont_know")
    press_next(phone, "Platelet medicines")

    choose_radio(phone, "B1", "no")
    tick(phone, "B2", "none")
    phone.keyboard.press("Enter")  # Enter in a field goes on, as Next does
    expect(phone.get_by_role("heading", level=1)).to_have_text("Pain medicines")
    choose_radio(phone, "C1", "no")
    press_next(phone, "Mood medicines")
    choose_radio(phone, "D1", "no")
    press_next(phone, "Supplements")
    tick(phone, "E1", "none")
    press_next(phone, "Bleeding history")
    for code in ("F1", "F2", "F3", "F4"):
        choose_radio(phone, code, "no")
    press_next(phone, "Conditions")
    tick(phone, "G1", "none")
    choose_radio(phone, "G2", "no")
    press_next(phone, "Other safety")
    for code in ("H1", "H2"):
        choose_radio(phone, code, "no")
    tick(phone, "H3", "none")
    tick(phone, "H4", "none")
    for code in ("H5", "H6", "H7", "H8", "H9", "H10", "H11", "H12"):
        choose_radio(phone, code, "no")
    press_next(phone, "Confirm")

    tick(phone, "Z1")
    type_into(phone, "Z1_NAME", "Zebedee Quartermaine")
    press_next(phone, "Thank you", button="Send my answers")
    assert_no_violations(phone)

    response = QuestionnaireResponse.objects.get(submitted_at__isnull=False)
    assert response.link.submitted_at is not None
    assert (response.answers["A1"], response.answers["A2"], response.answers["A3"], response.answers["A5"]) == (
        "yes",
        ["warfarin"],
        "2.5",
        "dont_know",
    )
    assert response.answers["A4"] == (timezone.localdate() - timedelta(days=2)).isoformat()
    assert response.answers["H11"] == "no"
    assert response.confirmed_name == "Zebedee Quartermaine"
    assert "BLEED_ANTICOAGULANT" in set(response.flags.values_list("code", flat=True))


# --- The front desk books by keyboard ---------------------------------------------------------------


@pytest.fixture
def clinic(db: None) -> dict:
    maya = PractitionerFactory(
        user=UserFactory(username="maya", first_name="Maya", last_name="Chen", roles=[Role.PHYSIOTHERAPIST]),
        display_name="Maya Chen",
    )
    PractitionerFactory(
        user=UserFactory(username="omar", first_name="Omar", last_name="Haddad", roles=[Role.PHYSIOTHERAPIST]),
        display_name="Omar Haddad",
    )
    return {
        "maya": maya,
        "treatment": AppointmentTypeFactory(name="IMS treatment", kind="treatment", duration_minutes=30),
        "initial": AppointmentTypeFactory(name="Initial assessment", kind="initial", duration_minutes=60),
        "chloe": PatientFactory(given_name="Chloé", family_name="Tremblay"),
        "other_chloe": PatientFactory(given_name="Chloé", family_name="Martin"),
    }


def type_date_and_time(page: object, when: datetime) -> None:
    """A datetime-local field in Chromium (en-US): month, day, year, then Tab to hour, minute and AM/PM."""
    page.keyboard.type(when.strftime("%m%d%Y"))
    page.keyboard.press("Tab")
    page.keyboard.type(when.strftime("%I%M%p")[:5] + when.strftime("%p")[0])
    assert page.evaluate("document.activeElement.value") == when.strftime("%Y-%m-%dT%H:%M")


def test_the_front_desk_books_by_keyboard_and_a_missing_time_is_shown_at_the_field(
    page: object, sign_in_as: object, assert_accessible: object, clinic: dict
) -> None:
    from playwright.sync_api import expect

    sign_in_as(Role.FRONT_DESK, first_name="Sam")
    starts_at = next_weekday_at(11)
    page.goto(f"/schedule/?date={starts_at.date().isoformat()}")
    tab_to(page, 'main a[href="/schedule/appointments/new/"]')
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Book an appointment")

    # The search has the focus; the patients found are buttons that Tab reaches and Space chooses.
    expect(page.get_by_label("Find the patient")).to_be_focused()
    page.keyboard.type("chloe")
    expect(page.get_by_role("group", name="2 patients found. Choose one:").get_by_role("button")).to_have_count(2)
    assert_accessible()
    tab_to(page, f'button[name=patient][value="{clinic["chloe"].pk}"]')
    page.keyboard.press("Space")
    expect(page.locator("#chosen-patient")).to_contain_text("Chloé Tremblay")

    # The choice made, the focus goes on to the booking's first choice, not back to the top of the page.
    expect(page.locator("select[name=practitioner]")).to_be_focused()
    page.keyboard.type("Maya")
    tab_to(page, "select[name=appointment_type]")
    page.keyboard.type("Initial")
    tab_to(page, "input[name=front_desk_note]")  # past the time, left empty
    page.keyboard.type("Parking at the back")
    page.keyboard.press("Enter")

    # Sent back: the error at the time field, tied to it, and the focus there; the rest kept.
    starts = page.get_by_label("Starts at")
    expect(starts).to_be_focused()
    expect(starts).to_have_attribute("aria-invalid", "true")
    expect(starts).to_have_accessible_description("This field is required.")
    expect(page.locator("#chosen-patient")).to_contain_text("Chloé Tremblay")
    expect(page.locator("select[name=practitioner]")).to_have_value(str(clinic["maya"].pk))
    expect(page.locator("select[name=appointment_type]")).to_have_value(str(clinic["initial"].pk))
    expect(page.get_by_label("Front-desk note")).to_have_value("Parking at the back")
    assert_accessible()

    type_date_and_time(page, timezone.localtime(starts_at))
    page.keyboard.press("Enter")

    page.wait_for_url("**/schedule/appointments/*/?booked=1")
    expect(page.get_by_text("Booked: Chloé Tremblay with Maya Chen.")).to_be_visible()
    appointment = Appointment.objects.get()
    assert (appointment.patient, appointment.practitioner, appointment.appointment_type, appointment.starts_at) == (
        clinic["chloe"],
        clinic["maya"],
        clinic["initial"],
        starts_at,
    )
    assert appointment.front_desk_note == "Parking at the back"
    page.goto(f"/schedule/?date={starts_at.date().isoformat()}")
    expect(page.get_by_test_id("appointment").filter(has_text="Chloé Tremblay")).to_have_count(1)


# --- The skip link ---------------------------------------------------------------------------------------


def test_the_skip_link_shows_above_the_top_bar_and_takes_the_focus_to_the_page(
    page: object, sign_in_as: object
) -> None:
    sign_in_as(Role.FRONT_DESK, first_name="Sam")
    page.goto("/schedule/")

    page.keyboard.press("Tab")

    assert focused_matches(page, "a[href='#main']")
    has_focus_ring(page)
    on_top = page.evaluate("""() => {
        const link = document.activeElement, box = link.getBoundingClientRect();
        return document.elementFromPoint(box.x + box.width / 2, box.y + box.height / 2) === link;
    }""")
    assert on_top, "the top bar hides the focused skip link"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


# --- The spinal grid: one Tab stop, arrow keys inside ----------------------------------------------------


def cell(page: object) -> str:
    return page.evaluate("document.activeElement.dataset.cell || document.activeElement.tagName")


@pytest.fixture
def spine_page(page: object, sign_in_as: object) -> tuple[object, object]:
    physio = sign_in_as(Role.PHYSIOTHERAPIST)
    assessment = assessment_services.assessment_start(patient=PatientFactory(), physiotherapist=physio)
    page.goto(f"/assessments/{assessment.pk}/step/spine/")
    return page, assessment


def test_the_spinal_grid_is_one_tab_stop_moved_through_by_the_arrow_keys(spine_page: tuple) -> None:
    from playwright.sync_api import expect

    page, _ = spine_page
    expect(page.get_by_role("grid", name="Spinal signs by level, left, midline and right")).to_be_visible()
    tab_to(page, "button.spine-toggle")
    assert cell(page) == "C1 L SEN-PARASPINAL"

    # Across a level: the three signs on the left, the midline, the three on the right.
    walk = []
    for _ in range(7):
        page.keyboard.press("ArrowRight")
        has_focus_ring(page)
        walk.append(cell(page))
    assert walk == [
        "C1 L SPI-PARASHORT",
        "C1 L SPI-TROPHIC",
        "C1 M SPI-SPINOUS",
        "C1 R SEN-PARASPINAL",
        "C1 R SPI-PARASHORT",
        "C1 R SPI-TROPHIC",
        "C1 R SPI-TROPHIC",  # the edge holds
    ]
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert cell(page) == "C3 R SPI-TROPHIC"
    page.keyboard.press("Home")
    assert cell(page) == "C3 L SEN-PARASPINAL"
    page.keyboard.press("ArrowUp")
    assert cell(page) == "C2 L SEN-PARASPINAL"
    page.keyboard.press("Control+End")
    assert cell(page) == "S2 R SPI-TROPHIC"
    page.keyboard.press("Control+Home")
    assert cell(page) == "C1 L SEN-PARASPINAL"
    page.keyboard.press("End")
    assert cell(page) == "C1 R SPI-TROPHIC"

    # Tab leaves the grid at once; Shift+Tab comes back to the cell last used.
    assert page.locator("table[role=grid] button[tabindex='0']").count() == 1
    page.keyboard.press("Tab")
    assert focused_matches(page, "a[href$='/step/summary/']")
    page.keyboard.press("Shift+Tab")
    assert cell(page) == "C1 R SPI-TROPHIC"
    has_focus_ring(page)
    assert_no_violations(page)


def test_a_sign_toggled_from_the_keyboard_keeps_the_focus_on_its_cell(spine_page: tuple) -> None:
    from playwright.sync_api import expect

    page, assessment = spine_page
    tab_to(page, "button.spine-toggle")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowRight")
    band_c2 = page.get_by_role("button", name="Band: Paraspinal bands or shortening at C2 left")

    page.keyboard.press("Space")
    expect(band_c2).to_have_attribute("aria-pressed", "true")
    expect(band_c2).to_be_focused()
    has_focus_ring(page)
    assert list(SignFinding.objects.filter(assessment=assessment).values_list("level", "side", "sign_code")) == [
        ("C2", "L", "SPI-PARASHORT")
    ]

    page.keyboard.press("Enter")
    expect(band_c2).to_have_attribute("aria-pressed", "false")
    expect(band_c2).to_be_focused()
    assert not SignFinding.objects.filter(assessment=assessment).exists()

    # The cell put back in place is still one of the grid: the arrows go on from it, and it is the Tab stop.
    page.keyboard.press("ArrowRight")
    assert cell(page) == "C2 L SPI-TROPHIC"
    page.keyboard.press("Space")
    # The old button has the same name: wait for the one put back (pressed), then for the grid to give it the stop.
    trophic = page.get_by_role("button", name="Skin: Trophedema or skin-roll tenderness at C2 left")
    expect(trophic).to_have_attribute("aria-pressed", "true")
    expect(trophic).to_be_focused()
    expect(page.locator("table[role=grid] button[tabindex='0']")).to_have_count(1)
    expect(trophic).to_have_attribute("tabindex", "0")


def test_without_javascript_the_spinal_grid_is_a_table_of_buttons_that_post(spine_page: tuple) -> None:
    from playwright.sync_api import expect

    page, assessment = spine_page
    context = page.context.browser.new_context(base_url=page.url.split("/assessments/")[0], java_script_enabled=False)
    context.add_cookies(page.context.cookies())
    plain = context.new_page()
    plain.set_default_timeout(10_000)
    try:
        plain.goto(f"/assessments/{assessment.pk}/step/spine/")
        assert plain.locator("table[role=grid]").count() == 0
        tab_to(plain, "button.spine-toggle")
        plain.keyboard.press("Tab")
        assert cell(plain) == "C1 L SPI-PARASHORT"  # every cell is a Tab stop of its own
        plain.keyboard.press("Space")
        plain.wait_for_url(f"**/assessments/{assessment.pk}/step/spine/#level-C1")
        expect(plain.get_by_role("button", name="Band: Paraspinal bands or shortening at C1 left")).to_have_attribute(
            "aria-pressed", "true"
        )
    finally:
        context.close()
    assert SignFinding.objects.filter(assessment=assessment, level="C1", side="L", sign_code="SPI-PARASHORT").exists()
