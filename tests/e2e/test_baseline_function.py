"""The complaint's baseline questionnaire entered by keyboard at 1,024 px: one tab stop per item, the arrow keys
to choose the answer, and a missed answer asked for at its item."""

from accounts.roles import Role
from assessments import services
from assessments.models import OutcomeMeasure
from tests.e2e.conftest import TABLET, assert_no_violations
from tests.factories import PatientFactory

NDI_TOPICS = (
    "Pain intensity", "Personal care", "Lifting", "Reading", "Headaches", "Concentration", "Work", "Driving",
    "Sleeping", "Recreation",
)  # fmt: skip


def choose(page: object, value: int) -> None:
    """On the first answer of a group just reached by Tab: Space takes it, each right arrow the next one."""
    if value == 0:
        page.keyboard.press("Space")
    for _ in range(value):
        page.keyboard.press("ArrowRight")


def test_a_neck_complaints_ndi_is_entered_item_by_item_by_keyboard(page: object, sign_in_as: object) -> None:
    from playwright.sync_api import expect

    physio = sign_in_as(Role.PHYSIOTHERAPIST)
    draft = services.assessment_start(patient=PatientFactory(), physiotherapist=physio)
    services.assessment_save_fields(
        assessment=draft,
        data={"pain_regions": [{"region": "head_neck", "side": "R"}], "pain_now": 6},
        version=draft.version,
    )
    page.set_viewport_size(TABLET)
    page.goto(f"/assessments/{draft.pk}/step/history/#baseline")

    first = page.get_by_role("group", name="1. Pain intensity").get_by_role("radio").first
    first.focus()
    answers = [1, 2, 1, 0, 1, 1, 2, 1, 1]  # the tenth section left unanswered: one may be
    for number, value in enumerate(answers, start=1):
        choose(page, value)
        group = page.get_by_role("group", name=f"{number}. {NDI_TOPICS[number - 1]}")
        expect(group.get_by_role("radio", checked=True)).to_have_accessible_name(
            {0: "0: the first statement, least affected"}.get(value, str(value))
        )
        page.keyboard.press("Tab")
        following = page.get_by_role("group", name=f"{number + 1}. {NDI_TOPICS[number]}")
        expect(following.get_by_role("radio").first).to_be_focused()
    assert_no_violations(page)
    page.keyboard.press("Tab")  # past the tenth section
    expect(page.get_by_label("Or the total of a paper form already scored")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")

    expect(page.get_by_text("Baseline questionnaire recorded.")).to_be_visible()
    # 10 / (5 x 9) x 100 = 22.2 %, so 11.1 out of 50: mild.
    expect(page.get_by_role("row").filter(has_text="Neck Disability Index (NDI)")).to_contain_text(
        "11.1 points out of 50 (mild)"
    )
    assert list(OutcomeMeasure.objects.values_list("items", flat=True)) == [[*answers, None]]


def test_a_section_missed_beyond_the_rule_is_asked_for_at_its_item_keeping_the_others(
    page: object, sign_in_as: object
) -> None:
    from playwright.sync_api import expect

    physio = sign_in_as(Role.PHYSIOTHERAPIST)
    draft = services.assessment_start(patient=PatientFactory(), physiotherapist=physio)
    page.set_viewport_size(TABLET)
    page.goto(f"/assessments/{draft.pk}/step/history/?instrument=NDI#baseline")
    for topic in NDI_TOPICS[:8]:
        page.get_by_role("group", name=topic).get_by_role("radio", name="2", exact=True).check()
    page.expected_problems.append("status of 400 (Bad Request)")  # the refused questionnaire answers 400
    page.get_by_role("button", name="Record the questionnaire").click()

    message = "Answer this section: the NDI is scored with at most one section unanswered."
    for topic in ("9. Sleeping", "10. Recreation"):
        expect(page.get_by_role("group", name=topic)).to_have_accessible_description(message)
    expect(page.get_by_role("group", name="8. Driving").get_by_role("radio", name="2", exact=True)).to_be_checked()
    assert not OutcomeMeasure.objects.exists()
    assert_no_violations(page)
