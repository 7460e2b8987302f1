"""Grading a muscle and measuring grip one side then the other on the strength step, with and without JavaScript."""

from decimal import Decimal

from accounts.roles import Role
from assessments import services
from assessments.models import GripStrength, MuscleStrengthTest
from tests.e2e.conftest import TABLET, assert_no_violations
from tests.factories import PatientFactory

ECRB = "extensor-carpi-radialis-brevis"


def test_a_muscle_and_grip_are_recorded_in_place_then_on_the_other_side(page: object, sign_in_as: object) -> None:
    from playwright.sync_api import expect

    physio = sign_in_as(Role.PHYSIOTHERAPIST)
    assessment = services.assessment_start(patient=PatientFactory(), physiotherapist=physio)
    page.set_viewport_size(TABLET)
    page.goto(f"/assessments/{assessment.pk}/step/strength/")
    page.evaluate("window.stillThisPage = true")

    muscle_form = page.locator("#add-muscle")
    muscle_form.get_by_label("Muscle").select_option(label="Extensor carpi radialis brevis")
    muscle_form.get_by_label("Left or right").select_option(label="Right")
    muscle_form.get_by_label("Grade (MRC)").select_option(label="4-: Good minus")
    muscle_form.get_by_role("button", name="Record grade").click()

    muscles = page.locator("#muscle-area").get_by_role("row").filter(has_text="Extensor carpi radialis brevis")
    expect(muscles).to_have_count(1)
    expect(muscles).to_contain_text("4-/5 (weak)")
    muscle_form = page.locator("#add-muscle")
    expect(muscle_form.get_by_label("Muscle")).to_have_value(ECRB)
    expect(muscle_form.get_by_label("Left or right")).to_have_value("R")
    expect(muscle_form.get_by_label("Grade (MRC)")).to_be_focused()

    page.get_by_role("link", name="Same, other side: Extensor carpi radialis brevis, left").click()
    expect(page.locator("#add-muscle").get_by_label("Left or right")).to_have_value("L")
    expect(page.locator("#add-muscle").get_by_label("Grade (MRC)")).to_be_focused()
    page.locator("#add-muscle").get_by_label("Grade (MRC)").select_option(label="5: Normal")
    page.locator("#add-muscle").get_by_role("button", name="Record grade").click()

    expect(muscles).to_have_count(2)
    expect(muscles.first).to_contain_text("Left 5/5, right 4-/5: right weaker")

    grip_form = page.locator("#add-grip")
    grip_form.get_by_label("Hand").select_option(label="Right")
    grip_form.get_by_label("Grip (kg)").fill("22")
    grip_form.get_by_role("button", name="Record grip").click()
    expect(page.locator("#add-grip").get_by_label("Grip (kg)")).to_be_focused()
    page.get_by_role("link", name="Same, other side: Grip, left").click()
    expect(page.locator("#add-grip").get_by_label("Hand")).to_have_value("L")
    expect(page.locator("#add-grip").get_by_label("Grip (kg)")).to_be_focused()
    page.keyboard.type("34.5")
    page.keyboard.press("Enter")

    grips = page.locator("#grip-area").get_by_role("row").filter(has_text="kg")
    expect(grips).to_have_count(2)
    expect(grips.first).to_contain_text("Right weaker by 12.5 kg (36%)")
    assert page.evaluate("window.stillThisPage === true"), "the page reloaded"
    assert sorted(MuscleStrengthTest.objects.values_list("side", "grade")) == [("L", "5"), ("R", "4-")]
    assert sorted(GripStrength.objects.values_list("side", "kilograms")) == [
        ("L", Decimal("34.5")),
        ("R", Decimal("22.0")),
    ]

    page.locator("#add-grip").get_by_label("Grip (kg)").fill("250")
    page.locator("#add-grip").get_by_role("button", name="Record grip").click()

    expect(page.get_by_text("Grip strength goes from 0 to 100 kg.")).to_be_visible()
    expect(page.locator("#add-grip").get_by_label("Grip (kg)")).to_be_focused()
    assert GripStrength.objects.count() == 2
    assert_no_violations(page)


def test_without_javascript_a_muscle_is_graded_and_the_form_keeps_it(
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
    plain.goto(f"/assessments/{assessment.pk}/step/strength/")

    form = plain.locator("#add-muscle")
    form.get_by_label("Muscle").select_option(label="Triceps brachii")
    form.get_by_label("Left or right").select_option(label="Left")
    form.get_by_label("Grade (MRC)").select_option(label="3: Fair")
    form.get_by_role("button", name="Record grade").click()

    expect(plain).to_have_url(
        f"{live_server.url}/assessments/{assessment.pk}/step/strength/?muscle=triceps-brachii&side=L&add=muscle#add-muscle"
    )
    expect(plain.locator("#add-muscle").get_by_label("Muscle")).to_have_value("triceps-brachii")
    expect(plain.get_by_role("row").filter(has_text="Triceps brachii")).to_contain_text("3/5 (weak)")
    plain.get_by_role("link", name="Same, other side: Triceps brachii, right").click()
    expect(plain.locator("#add-muscle").get_by_label("Left or right")).to_have_value("R")
    context.close()
