"""Recording a movement, a muscle test or a reflex one side then the other: added in place with htmx, or by a plain
post that comes back to the form with the choice kept; the other-side shortcut; bad input at the field."""

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from assessments import services
from assessments.models import Assessment, ReflexTest, RomMeasurement, StrengthTest
from tests.assessments.signing import sign_assessment
from tests.factories import PatientFactory
from tests.pages import Page, body_of, field_error, physio_client_for

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
ROM_LEFT = {"joint_movement": "shoulder:abduction", "side": "L", "mode": "active", "degrees": "120"}


@pytest.fixture
def assessment(physio_client: Client) -> Assessment:
    return services.assessment_start(patient=PatientFactory(), physiotherapist=physio_client.user)


def step_url(assessment: Assessment, step: str) -> str:
    return reverse("assessments:assessment-step", kwargs={"pk": assessment.pk, "step": step})


def row_url(assessment: Assessment, kind: str) -> str:
    return reverse("assessments:assessment-row-add", kwargs={"pk": assessment.pk, "kind": kind})


def selected(body: str, field: str, prefix: str = "id_") -> str | None:
    """The value chosen in a select of the form, as the browser shows it."""
    select = re.search(rf'<select[^>]*id="{prefix}{field}"[^>]*>(.*?)</select>', body, re.S)
    assert select, f"no select {field}"
    chosen = re.search(r'<option value="([^"]*)"[^>]*\sselected', select.group(1))
    return chosen.group(1) if chosen else None


def value_of(body: str, field: str) -> str | None:
    found = re.search(rf'<input[^>]*id="id_{field}"[^>]*>', body)
    assert found, f"no input {field}"
    value = re.search(r'value="([^"]*)"', found.group(0))
    return value.group(1) if value else None


def rom_rows(assessment: Assessment) -> list[tuple[Any, ...]]:
    return list(
        RomMeasurement.objects.filter(assessment=assessment)
        .order_by("side")
        .values_list("joint", "movement", "side", "mode", "degrees")
    )


# --- Added in place ------------------------------------------------------------------------------------------------


def test_a_range_of_motion_added_with_htmx_comes_back_in_place_with_the_movement_kept(
    physio_client: Client, assessment: Assessment
) -> None:
    response = physio_client.post(row_url(assessment, "rom"), ROM_LEFT, headers=HTMX)

    assert response.status_code == 200
    body = body_of(response)
    assert "<html" not in body
    assert body.lstrip().startswith('<div id="rom-area"')
    assert selected(body, "joint_movement") == "shoulder:abduction"
    assert selected(body, "side") == "L"
    assert selected(body, "mode") == "active"
    assert value_of(body, "degrees") is None
    assert "Saved." in body
    rows = Page(body).rows
    assert [row[:4] for row in rows if row and row[0] == "Shoulder abduction"] == [
        ["Shoulder abduction", "Left", "active", "120°"]
    ]
    assert rom_rows(assessment) == [("shoulder", "abduction", "L", "active", 120)]


def test_the_form_posts_in_place_and_still_posts_without_javascript(
    physio_client: Client, assessment: Assessment
) -> None:
    for step, kind in (("movement", "rom"), ("strength", "strength"), ("reflexes", "reflex")):
        page = Page(body_of(physio_client.get(step_url(assessment, step))))

        form = next(form for form in page.forms if form.get("id") == f"add-{kind}")
        assert form["method"] == "post"
        assert form["action"] == form["data-hx-post"] == row_url(assessment, kind)
        assert form["data-hx-target"] == f"#{kind}-area"
        assert form["data-hx-swap"] == "outerHTML"


def test_without_javascript_the_add_returns_to_the_form_with_the_movement_kept(
    physio_client: Client, assessment: Assessment
) -> None:
    response = physio_client.post(row_url(assessment, "rom"), ROM_LEFT)

    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == step_url(assessment, "movement")
    assert location.fragment == "add-rom"
    assert parse_qs(location.query) == {"joint_movement": ["shoulder:abduction"], "side": ["L"], "mode": ["active"]}
    page = physio_client.get(response["Location"])
    body = body_of(page)
    assert selected(body, "joint_movement") == "shoulder:abduction"
    assert selected(body, "side") == "L"
    assert 'id="add-rom"' in body
    assert "Saved." in body
    assert rom_rows(assessment) == [("shoulder", "abduction", "L", "active", 120)]


@pytest.mark.parametrize(
    ("kind", "step", "data", "kept", "saved"),
    [
        (
            "strength",
            "strength",
            {"level": "C7", "side": "R", "grade": "4-"},
            {"level": "C7", "side": "R"},
            lambda a: list(StrengthTest.objects.filter(assessment=a).values_list("level", "side", "grade")),
        ),
        (
            "reflex",
            "reflexes",
            {"reflex": "triceps", "side": "L", "grade": "1+"},
            {"reflex": "triceps", "side": "L"},
            lambda a: list(ReflexTest.objects.filter(assessment=a).values_list("reflex", "side", "grade")),
        ),
    ],
)
def test_a_muscle_test_or_a_reflex_keeps_its_choice_with_and_without_htmx(
    physio_client: Client, assessment: Assessment, kind: str, step: str, data: dict[str, str], kept: dict, saved: Any
) -> None:
    in_place = physio_client.post(row_url(assessment, kind), data, headers=HTMX)
    plain = physio_client.post(row_url(assessment, kind), data)

    assert in_place.status_code == 200
    assert body_of(in_place).lstrip().startswith(f'<div id="{kind}-area"')
    for field, value in kept.items():
        assert selected(body_of(in_place), field) == value
    assert selected(body_of(in_place), "grade") is None
    location = urlsplit(plain["Location"])
    assert (location.path, location.fragment) == (step_url(assessment, step), f"add-{kind}")
    reopened = body_of(physio_client.get(plain["Location"]))
    for field, value in kept.items():
        assert selected(reopened, field) == value
    assert saved(assessment) == [tuple(data.values())]


# --- Same, other side ----------------------------------------------------------------------------------------------


def test_the_other_side_shortcut_fills_the_form_in_with_the_other_side(
    physio_client: Client, assessment: Assessment
) -> None:
    physio_client.post(row_url(assessment, "rom"), ROM_LEFT)
    page = Page(body_of(physio_client.get(step_url(assessment, "movement"))))

    shortcuts = [link for link in page.links if link["text"] == "Same, other side"]
    assert [link["aria-label"] for link in shortcuts] == ["Same, other side: Shoulder abduction active, right"]
    shortcut = shortcuts[0]
    assert shortcut["data-hx-get"] == shortcut["href"]
    assert shortcut["data-hx-select"] == shortcut["data-hx-target"] == "#rom-area"
    filled = body_of(physio_client.get(shortcut["href"]))
    assert selected(filled, "joint_movement") == "shoulder:abduction"
    assert selected(filled, "side") == "R"
    assert selected(filled, "mode") == "active"

    physio_client.post(row_url(assessment, "rom"), {**ROM_LEFT, "side": "R", "degrees": "170"}, headers=HTMX)
    both = Page(body_of(physio_client.get(step_url(assessment, "movement"))))

    assert not [link for link in both.links if link["text"] == "Same, other side"]
    assert rom_rows(assessment) == [
        ("shoulder", "abduction", "L", "active", 120),
        ("shoulder", "abduction", "R", "active", 170),
    ]


def test_the_other_side_shortcut_is_offered_for_a_muscle_and_a_reflex(
    physio_client: Client, assessment: Assessment
) -> None:
    services.strength_record(assessment=assessment, level="C5", side="R", grade="5")
    services.reflex_record(assessment=assessment, reflex="biceps", side="L", grade="2+")

    strength = Page(body_of(physio_client.get(step_url(assessment, "strength"))))
    reflexes = Page(body_of(physio_client.get(step_url(assessment, "reflexes"))))

    [muscle] = [link for link in strength.links if link["text"] == "Same, other side"]
    [reflex] = [link for link in reflexes.links if link["text"] == "Same, other side"]
    assert selected(body_of(physio_client.get(muscle["href"])), "level") == "C5"
    assert selected(body_of(physio_client.get(muscle["href"])), "side") == "L"
    assert selected(body_of(physio_client.get(reflex["href"])), "reflex") == "biceps"
    assert selected(body_of(physio_client.get(reflex["href"])), "side") == "R"


def test_a_spinal_movement_has_no_other_side_shortcut(physio_client: Client, assessment: Assessment) -> None:
    services.rom_record(
        assessment=assessment, joint="cervical", movement="flexion", side="M", mode="active", degrees=40, pain=False
    )

    page = Page(body_of(physio_client.get(step_url(assessment, "movement"))))

    assert not [link for link in page.links if link["text"] == "Same, other side"]


def test_a_colleague_reading_the_step_gets_no_shortcut_and_no_form(
    physio_client: Client, assessment: Assessment
) -> None:
    physio_client.post(row_url(assessment, "rom"), ROM_LEFT)
    colleague = physio_client_for("daniel")

    body = body_of(colleague.get(step_url(assessment, "movement") + "?joint_movement=shoulder:abduction&side=R"))

    assert "Same, other side" not in body
    assert 'id="add-rom"' not in body
    assert "Shoulder abduction" in body


def test_a_made_up_choice_in_the_address_selects_nothing(physio_client: Client, assessment: Assessment) -> None:
    response = physio_client.get(step_url(assessment, "movement") + "?joint_movement=<b>knee:fly</b>&side=Q&mode=")

    assert response.status_code == 200
    assert selected(body_of(response), "joint_movement") is None
    assert selected(body_of(response), "side") is None
    assert "<b>knee:fly</b>" not in body_of(response)


# --- Bad input -----------------------------------------------------------------------------------------------------

BAD = {
    "missing movement": (
        "rom",
        {"joint_movement": "", "side": "R", "mode": "passive", "degrees": "80"},
        "joint_movement",
        "Choose the joint and movement measured.",
        {"side": "R", "mode": "passive"},
    ),
    "degrees off the scale": (
        "rom",
        {**ROM_LEFT, "degrees": "400"},
        "degrees",
        "Degrees go from 0 to 360.",
        {"joint_movement": "shoulder:abduction", "side": "L", "mode": "active"},
    ),
    "MRC grade off the scale": (
        "strength",
        {"level": "C6", "side": "L", "grade": "7"},
        "grade",
        "Select a valid choice. 7 is not one of the available choices.",
        {"level": "C6", "side": "L"},
    ),
    "missing muscle": (
        "strength",
        {"level": "", "side": "R", "grade": "4"},
        "level",
        "Choose the key muscle tested.",
        {"side": "R", "grade": "4"},
    ),
    "reflex grade off the scale": (
        "reflex",
        {"reflex": "achilles", "side": "R", "grade": "9+"},
        "grade",
        "Select a valid choice. 9+ is not one of the available choices.",
        {"reflex": "achilles", "side": "R"},
    ),
    "missing reflex": (
        "reflex",
        {"reflex": "", "side": "R", "grade": "2+"},
        "reflex",
        "Choose the reflex tested.",
        {"side": "R", "grade": "2+"},
    ),
}


def nothing_saved(assessment: Assessment) -> bool:
    return not (
        RomMeasurement.objects.filter(assessment=assessment).exists()
        or StrengthTest.objects.filter(assessment=assessment).exists()
        or ReflexTest.objects.filter(assessment=assessment).exists()
    )


@pytest.mark.parametrize("case", BAD)
@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_bad_input_is_shown_at_the_field_with_the_rest_kept_and_nothing_saved(
    physio_client: Client, assessment: Assessment, case: str, htmx: bool
) -> None:
    kind, data, field, message, kept = BAD[case]
    version = Assessment.objects.get(pk=assessment.pk).version

    response = physio_client.post(row_url(assessment, kind), data, headers=HTMX if htmx else {})

    body = body_of(response)
    if htmx:
        # A success status, so that htmx swaps the refused form in place of its section.
        assert response.status_code == 200
        assert response["HX-Retarget"] == f"#{kind}-area"
        assert response["HX-Reswap"] == "outerHTML"
        assert "<html" not in body
        assert "Saved." not in body
    else:
        assert response.status_code == 400
    assert field_error(response, field, message)
    assert re.search(rf'id="id_{field}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="id_{field}"', body)
    for name, value in kept.items():
        assert (selected(body, name) if name != "degrees" else value_of(body, name)) == value
    assert nothing_saved(assessment)
    assert Assessment.objects.get(pk=assessment.pk).version == version


def test_an_in_place_add_on_a_signed_assessment_is_refused_with_a_message(
    physio_client: Client, assessment: Assessment
) -> None:
    services.rom_record(
        assessment=assessment, joint="elbow", movement="flexion", side="L", mode="active", degrees=140, pain=False
    )
    services.assessment_save_fields(
        assessment=assessment,
        data={"chief_complaint": "Stiff shoulder"},
        version=Assessment.objects.get(pk=assessment.pk).version,
    )
    sign_assessment(assessment)

    response = physio_client.post(row_url(assessment, "rom"), ROM_LEFT, headers=HTMX)

    assert response.status_code == 200
    assert "This assessment is signed and cannot change. Add an addendum instead." in body_of(response)
    assert rom_rows(assessment) == [("elbow", "flexion", "L", "active", 140)]
