"""Strength beyond the key-muscle screen: any catalogue muscle graded by MRC on either side, grip strength by
dynamometer in kilograms, the side difference of each, their place in the segment summary, the signature and the
print; added in place with htmx or by a plain post; bad input at the field with nothing saved."""

import re
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import services
from assessments.models import Assessment, GripStrength, MuscleStrengthTest, StrengthTest
from records import signed_records
from tests.assessments.signing import sign_assessment
from tests.factories import PatientFactory
from tests.pages import Page, body_of, field_error, physio_client_for

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
ECRB = "extensor-carpi-radialis-brevis"
ECRB_RIGHT = {"muscle": ECRB, "side": "R", "grade": "4"}
GRIP_RIGHT = {"side": "R", "kilograms": "22.0"}


@pytest.fixture
def assessment(physio_client: Client) -> Assessment:
    return services.assessment_start(patient=PatientFactory(), physiotherapist=physio_client.user)


def fresh(assessment: Assessment) -> Assessment:
    return Assessment.objects.get(pk=assessment.pk)


def step_url(assessment: Assessment, step: str) -> str:
    return reverse("assessments:assessment-step", kwargs={"pk": assessment.pk, "step": step})


def row_url(assessment: Assessment, kind: str) -> str:
    return reverse("assessments:assessment-row-add", kwargs={"pk": assessment.pk, "kind": kind})


def selected(body: str, field_id: str) -> str | None:
    select = re.search(rf'<select[^>]*id="{field_id}"[^>]*>(.*?)</select>', body, re.S)
    assert select, f"no select {field_id}"
    chosen = re.search(r'<option value="([^"]*)"[^>]*\sselected', select.group(1))
    return chosen.group(1) if chosen else None


def value_of(body: str, field_id: str) -> str | None:
    found = re.search(rf'<input[^>]*id="{field_id}"[^>]*>', body)
    assert found, f"no input {field_id}"
    value = re.search(r'value="([^"]*)"', found.group(0))
    return value.group(1) if value else None


def muscle_rows(assessment: Assessment) -> list[tuple[str, str, str]]:
    return list(
        MuscleStrengthTest.objects.filter(assessment=assessment)
        .order_by("side")
        .values_list("muscle", "side", "grade")
    )


def grip_rows(assessment: Assessment) -> list[tuple[str, Decimal]]:
    return list(GripStrength.objects.filter(assessment=assessment).order_by("side").values_list("side", "kilograms"))


def visible_text(body: str) -> str:
    """What a reader sees: the page without its tags, attributes, scripts and styles."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


def sign(assessment: Assessment, physio: Any) -> Assessment:
    services.assessment_save_fields(
        assessment=assessment, data={"chief_complaint": "Lateral elbow pain"}, version=fresh(assessment).version
    )
    assert fresh(assessment).physiotherapist == physio
    return sign_assessment(fresh(assessment))


# --- Services -------------------------------------------------------------------------------------------------------


def test_a_muscle_graded_again_on_a_side_replaces_its_grade(assessment: Assessment) -> None:
    version = fresh(assessment).version

    services.muscle_strength_record(assessment=assessment, muscle=ECRB, side="R", grade="4")
    services.muscle_strength_record(assessment=assessment, muscle=ECRB, side="R", grade="4-")
    services.muscle_strength_record(assessment=assessment, muscle=ECRB, side="L", grade="5")

    assert muscle_rows(assessment) == [(ECRB, "L", "5"), (ECRB, "R", "4-")]
    assert fresh(assessment).version == version + 3


def test_grip_measured_again_on_a_side_replaces_its_value(assessment: Assessment) -> None:
    services.grip_record(assessment=assessment, side="R", kilograms=Decimal("20.5"))
    services.grip_record(assessment=assessment, side="R", kilograms=Decimal("22"))
    services.grip_record(assessment=assessment, side="L", kilograms=34)

    assert grip_rows(assessment) == [("L", Decimal("34.0")), ("R", Decimal("22.0"))]


BAD_SERVICE_CALLS = {
    "muscle not in the catalogue": (
        services.muscle_strength_record,
        {"muscle": "biceps", "side": "L", "grade": "4"},
        "muscle",
        "Choose a muscle from the catalogue.",
    ),
    "muscle on both sides": (
        services.muscle_strength_record,
        {"muscle": ECRB, "side": "B", "grade": "4"},
        "side",
        "Record each muscle on the left or the right side, one side at a time.",
    ),
    "muscle at the midline": (
        services.muscle_strength_record,
        {"muscle": ECRB, "side": "M", "grade": "4"},
        "side",
        "Record each muscle on the left or the right side, one side at a time.",
    ),
    "MRC grade 6": (
        services.muscle_strength_record,
        {"muscle": ECRB, "side": "L", "grade": "6"},
        "grade",
        "Choose an MRC grade from 0 to 5, or not tested.",
    ),
    "negative grip": (
        services.grip_record,
        {"side": "L", "kilograms": Decimal("-1")},
        "kilograms",
        "Grip strength goes from 0 to 100 kg.",
    ),
    "huge grip": (
        services.grip_record,
        {"side": "L", "kilograms": Decimal("100.1")},
        "kilograms",
        "Grip strength goes from 0 to 100 kg.",
    ),
    "grip not a number": (
        services.grip_record,
        {"side": "L", "kilograms": Decimal("NaN")},
        "kilograms",
        "Grip strength goes from 0 to 100 kg.",
    ),
    "grip as a yes": (
        services.grip_record,
        {"side": "L", "kilograms": True},
        "kilograms",
        "Enter the grip strength in kilograms.",
    ),
    "grip of a finer scale": (
        services.grip_record,
        {"side": "L", "kilograms": Decimal("30.25")},
        "kilograms",
        "Ensure that there are no more than 1 decimal place.",
    ),
    "grip on both sides": (
        services.grip_record,
        {"side": "B", "kilograms": Decimal("30")},
        "side",
        "Record grip strength on the left or the right side, one side at a time.",
    ),
}


@pytest.mark.parametrize("case", BAD_SERVICE_CALLS)
def test_the_services_refuse_bad_input_at_the_field_and_save_nothing(assessment: Assessment, case: str) -> None:
    record, arguments, field, message = BAD_SERVICE_CALLS[case]
    version = fresh(assessment).version

    with pytest.raises(ValidationError) as refused:
        record(assessment=assessment, **arguments)

    assert refused.value.message_dict == {field: [message]}
    assert muscle_rows(assessment) == grip_rows(assessment) == []
    assert fresh(assessment).version == version


def test_a_signed_assessment_takes_no_muscle_grade_and_no_grip(assessment: Assessment, physio_client: Client) -> None:
    signed = sign(assessment, physio_client.user)

    for record, arguments in (
        (services.muscle_strength_record, ECRB_RIGHT),
        (services.grip_record, {"side": "R", "kilograms": Decimal("20")}),
    ):
        with pytest.raises(ValidationError, match="signed and cannot change"):
            record(assessment=signed, **arguments)

    assert muscle_rows(assessment) == grip_rows(assessment) == []


def test_muscle_grades_and_grip_are_covered_by_the_signature(assessment: Assessment, physio_client: Client) -> None:
    services.muscle_strength_record(assessment=assessment, **ECRB_RIGHT)
    before = services.content_digest(fresh(assessment))
    services.grip_record(assessment=assessment, side="L", kilograms=Decimal("30"))
    with_grip = services.content_digest(fresh(assessment))
    services.muscle_strength_record(assessment=assessment, muscle=ECRB, side="R", grade="3")
    regraded = services.content_digest(fresh(assessment))

    assert len({before, with_grip, regraded}) == 3
    signed = sign(assessment, physio_client.user)
    assert signed.content_digest == services.content_digest(fresh(assessment))
    checked = {label: (count, mismatches) for label, count, mismatches in signed_records.verify()}
    assert checked["assessments.Assessment"] == (1, [])
    MuscleStrengthTest.objects.filter(assessment=assessment).update(grade="5")  # tampering, below the model
    [(_, _, mismatches)] = [row for row in signed_records.verify() if row[0] == "assessments.Assessment"]
    assert [mismatch.pk for mismatch in mismatches] == [assessment.pk]


def test_an_assessment_with_neither_keeps_the_digest_it_was_signed_with(assessment: Assessment) -> None:
    services.strength_record(assessment=assessment, level="C6", side="R", grade="4")
    record = fresh(assessment)
    # The content as signatures covered it before muscle grades and grip were recorded.
    earlier_rows = {
        key: rows
        for key, rows in services.signed_rows(record, services.ASSESSMENT_SIGNED_ROWS).items()
        if key not in services.ASSESSMENT_ROWS_ADDED_LATER
    }
    earlier = services.digest_of(
        {
            "assessment": {
                field: getattr(record, field)
                for field in services.ASSESSMENT_SIGNED_FIELDS
                if field not in services.ASSESSMENT_LATER_FIELDS
            },
            **earlier_rows,
        }
    )

    assert services.content_digest(record) == earlier


def test_a_muscle_grade_and_a_grip_are_removed_like_any_row(assessment: Assessment, physio_client: Client) -> None:
    grade = services.muscle_strength_record(assessment=assessment, **ECRB_RIGHT)
    grip = services.grip_record(assessment=assessment, side="R", kilograms=Decimal("20"))

    for kind, row in (("muscle", grade), ("grip", grip)):
        url = reverse(
            "assessments:assessment-row-delete", kwargs={"pk": assessment.pk, "kind": kind, "row_pk": row.pk}
        )
        assert physio_client.post(url).status_code == 302

    assert muscle_rows(assessment) == grip_rows(assessment) == []


# --- The strength page: in place, without JavaScript, the other side ------------------------------------------------


def test_the_strength_page_offers_the_key_muscles_any_muscle_and_grip_each_posting_in_place(
    physio_client: Client, assessment: Assessment
) -> None:
    page = Page(body_of(physio_client.get(step_url(assessment, "strength"))))

    for kind in ("strength", "muscle", "grip"):
        form = next(form for form in page.forms if form.get("id") == f"add-{kind}")
        assert form["method"] == "post"
        assert form["action"] == form["data-hx-post"] == row_url(assessment, kind)
        assert form["data-hx-target"] == f"#{kind}-area"


def test_a_muscle_graded_with_htmx_comes_back_in_place_with_the_muscle_and_side_kept(
    physio_client: Client, assessment: Assessment
) -> None:
    response = physio_client.post(row_url(assessment, "muscle"), ECRB_RIGHT, headers=HTMX)

    body = body_of(response)
    assert response.status_code == 200
    assert "<html" not in body
    assert re.match(r'\s*<div id="muscle-area" data-row-area data-focus-field="grade">', body)
    assert selected(body, "id_muscle_muscle") == ECRB
    assert selected(body, "id_muscle_side") == "R"
    assert selected(body, "id_muscle_grade") == ""  # "Choose a grade"
    assert "Saved." in body
    [row] = [row for row in Page(body).rows if row and row[0] == "Extensor carpi radialis brevis"]
    assert row[:5] == ["Extensor carpi radialis brevis", "C6-C7", "Right", "4/5 (weak)", "—"]
    assert "table-warning" in row.attrs["class"]
    assert muscle_rows(assessment) == [(ECRB, "R", "4")]


def test_grip_measured_with_htmx_comes_back_in_place_with_the_hand_kept(
    physio_client: Client, assessment: Assessment
) -> None:
    response = physio_client.post(row_url(assessment, "grip"), GRIP_RIGHT, headers=HTMX)

    body = body_of(response)
    assert re.match(r'\s*<div id="grip-area" data-row-area data-focus-field="kilograms">', body)
    assert selected(body, "id_grip_side") == "R"
    assert value_of(body, "id_grip_kilograms") is None
    assert [row[:3] for row in Page(body).rows if row and row[0] == "Right"] == [["Right", "22.0 kg", "—"]]
    assert grip_rows(assessment) == [("R", Decimal("22.0"))]


@pytest.mark.parametrize(
    ("kind", "data", "kept"),
    [
        ("muscle", ECRB_RIGHT, {"id_muscle_muscle": ECRB, "id_muscle_side": "R"}),
        ("grip", GRIP_RIGHT, {"id_grip_side": "R"}),
    ],
)
def test_without_javascript_the_add_returns_to_its_own_form_with_the_choice_kept(
    physio_client: Client, assessment: Assessment, kind: str, data: dict[str, str], kept: dict[str, str]
) -> None:
    response = physio_client.post(row_url(assessment, kind), data)

    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert (location.path, location.fragment) == (step_url(assessment, "strength"), f"add-{kind}")
    assert parse_qs(location.query)["add"] == [kind]
    reopened = body_of(physio_client.get(response["Location"]))
    for field_id, value in kept.items():
        assert selected(reopened, field_id) == value
    assert selected(reopened, "id_level") is None  # the key-muscle form is left as it was
    assert "Saved." in reopened


def test_the_other_side_shortcut_fills_in_the_muscle_or_the_hand_on_the_other_side(
    physio_client: Client, assessment: Assessment
) -> None:
    services.muscle_strength_record(assessment=assessment, **ECRB_RIGHT)
    services.grip_record(assessment=assessment, side="R", kilograms=Decimal("22"))
    page = Page(body_of(physio_client.get(step_url(assessment, "strength"))))

    shortcuts = {link["aria-label"]: link for link in page.links if link["text"] == "Same, other side"}
    assert set(shortcuts) == {
        "Same, other side: Extensor carpi radialis brevis, left",
        "Same, other side: Grip, left",
    }
    muscle = shortcuts["Same, other side: Extensor carpi radialis brevis, left"]
    assert muscle["data-hx-select"] == muscle["data-hx-target"] == "#muscle-area"
    filled = body_of(physio_client.get(muscle["href"]))
    assert (selected(filled, "id_muscle_muscle"), selected(filled, "id_muscle_side")) == (ECRB, "L")
    grip = body_of(physio_client.get(shortcuts["Same, other side: Grip, left"]["href"]))
    assert selected(grip, "id_grip_side") == "L"

    physio_client.post(row_url(assessment, "muscle"), {**ECRB_RIGHT, "side": "L", "grade": "5"}, headers=HTMX)
    physio_client.post(row_url(assessment, "grip"), {"side": "L", "kilograms": "34.5"}, headers=HTMX)
    both = Page(body_of(physio_client.get(step_url(assessment, "strength"))))
    assert not [link for link in both.links if link["text"] == "Same, other side"]


def test_the_tables_compare_the_sides(physio_client: Client, assessment: Assessment) -> None:
    services.strength_record(assessment=assessment, level="C6", side="R", grade="4")
    services.strength_record(assessment=assessment, level="C6", side="L", grade="5")
    services.muscle_strength_record(assessment=assessment, muscle=ECRB, side="R", grade="4-")
    services.muscle_strength_record(assessment=assessment, muscle=ECRB, side="L", grade="5")
    services.muscle_strength_record(assessment=assessment, muscle="triceps-brachii", side="L", grade="5")
    services.muscle_strength_record(assessment=assessment, muscle="triceps-brachii", side="R", grade="NT")
    services.grip_record(assessment=assessment, side="R", kilograms=Decimal("22.0"))
    services.grip_record(assessment=assessment, side="L", kilograms=Decimal("34.5"))

    rows = Page(body_of(physio_client.get(step_url(assessment, "strength")))).rows

    key = [row[4] for row in rows if row and row[0] == "C6"]
    assert key == ["Left 5/5, right 4/5: right weaker"] * 2
    ecrb = {row[2]: row[4] for row in rows if row and row[0] == "Extensor carpi radialis brevis"}
    assert ecrb == {"Left": "Left 5/5, right 4-/5: right weaker", "Right": "Left 5/5, right 4-/5: right weaker"}
    triceps = {row[2]: (row[3], row[4]) for row in rows if row and row[0] == "Triceps brachii"}
    assert triceps == {
        "Left": ("5/5", "Left 5/5, right not tested"),
        "Right": ("not tested", "Left 5/5, right not tested"),
    }
    grip = {row[0]: row[1:3] for row in rows if row and row[0] in ("Left", "Right")}
    assert grip == {
        "Left": ["34.5 kg", "Right weaker by 12.5 kg (36%)"],
        "Right": ["22.0 kg", "Right weaker by 12.5 kg (36%)"],
    }


def test_equal_sides_read_as_the_same(physio_client: Client, assessment: Assessment) -> None:
    for side in ("L", "R"):
        services.muscle_strength_record(assessment=assessment, muscle="deltoid", side=side, grade="4+")
        services.grip_record(assessment=assessment, side=side, kilograms=Decimal("30"))

    text = visible_text(body_of(physio_client.get(step_url(assessment, "strength"))))

    assert "Left 4+/5, right 4+/5: the same" in text
    assert "The same on both sides" in text


def test_the_strength_page_shows_words_not_codes(physio_client: Client, assessment: Assessment) -> None:
    services.muscle_strength_record(assessment=assessment, **ECRB_RIGHT)
    services.grip_record(assessment=assessment, side="R", kilograms=Decimal("22"))

    text = visible_text(body_of(physio_client.get(step_url(assessment, "strength"))))

    assert "Extensor carpi radialis brevis" in text
    assert ECRB not in text
    assert "muscle_strength" not in text
    assert not re.search(r"\b[a-z]+(?:-[a-z]+){2,}\b", text)  # no catalogue slug
    assert "4: Good" in text  # the grades are offered with their names


# --- The summary and the print --------------------------------------------------------------------------------------


def test_the_summary_counts_a_weak_muscle_for_its_roots_in_words(
    physio_client: Client, assessment: Assessment
) -> None:
    services.strength_record(assessment=assessment, level="C6", side="R", grade="4")
    services.strength_record(assessment=assessment, level="C6", side="L", grade="5")
    services.muscle_strength_record(assessment=assessment, muscle=ECRB, side="R", grade="4-")
    services.muscle_strength_record(assessment=assessment, muscle=ECRB, side="L", grade="5")
    services.spinal_sign_toggle(assessment=assessment, level="C6", side="R", sign_code="SEN-PARASPINAL")

    body = body_of(physio_client.get(step_url(assessment, "summary")))

    rows = {(row[0], row[1]): row for row in Page(body).rows if row and row[0] in ("C6", "C7")}
    assert "Wrist extensors MRC 4/5 right (5/5 left)" in rows[("C6", "right")][2]
    assert "Extensor carpi radialis brevis MRC 4-/5 right (5/5 left)" in rows[("C6", "right")][2]
    assert rows[("C6", "right")][3] == "Yes"
    assert "Extensor carpi radialis brevis MRC 4-/5 right (5/5 left) (not its main root)" in rows[("C7", "right")][2]
    assert "MOT-WEAK" not in body
    assert ECRB not in visible_text(body)


def test_a_catalogue_muscle_not_tested_is_named_on_the_summary_and_the_print(
    physio_client: Client, assessment: Assessment
) -> None:
    services.muscle_strength_record(assessment=assessment, muscle="triceps-brachii", side="L", grade="NT")

    summary = visible_text(body_of(physio_client.get(step_url(assessment, "summary"))))
    printed = visible_text(
        body_of(physio_client.get(reverse("assessments:assessment-print", kwargs={"pk": assessment.pk})))
    )

    assert "Muscles not tested, so not counted: Triceps brachii left." in summary
    assert "Muscles not tested, so not counted: Triceps brachii left." in printed


def test_the_print_lists_the_graded_muscles_and_grip_with_their_side_difference(
    physio_client: Client, assessment: Assessment
) -> None:
    services.muscle_strength_record(assessment=assessment, muscle=ECRB, side="R", grade="4")
    services.muscle_strength_record(assessment=assessment, muscle=ECRB, side="L", grade="5")
    services.grip_record(assessment=assessment, side="R", kilograms=Decimal("22.0"))
    services.grip_record(assessment=assessment, side="L", kilograms=Decimal("34.5"))

    rows = Page(body_of(physio_client.get(reverse("assessments:assessment-print", kwargs={"pk": assessment.pk})))).rows

    assert ["Extensor carpi radialis brevis", "Right", "MRC 4/5 (Left 5/5, right 4/5: right weaker)"] in rows
    assert ["Grip (dynamometer)", "Left", "34.5 kg (Right weaker by 12.5 kg (36%))"] in rows


# --- Bad input, someone else's, signed, twice -----------------------------------------------------------------------

BAD = {
    "MRC grade off the scale": (
        "muscle",
        {**ECRB_RIGHT, "grade": "6"},
        "muscle_grade",
        "Choose an MRC grade from 0 to 5, or not tested.",
    ),
    "a muscle not in the catalogue": (
        "muscle",
        {**ECRB_RIGHT, "muscle": "extensor-carpi-radialis-maximus"},
        "muscle_muscle",
        "Choose a muscle from the catalogue.",
    ),
    "no muscle": ("muscle", {**ECRB_RIGHT, "muscle": ""}, "muscle_muscle", "Choose the muscle tested."),
    "a side that is not one": ("muscle", {**ECRB_RIGHT, "side": "B"}, "muscle_side", "Choose left or right."),
    "negative kilograms": (
        "grip",
        {"side": "L", "kilograms": "-3"},
        "grip_kilograms",
        "Grip strength goes from 0 to 100 kg.",
    ),
    "huge kilograms": (
        "grip",
        {"side": "L", "kilograms": "1e9"},
        "grip_kilograms",
        "Grip strength goes from 0 to 100 kg.",
    ),
    "kilograms not a number": (
        "grip",
        {"side": "L", "kilograms": "strong"},
        "grip_kilograms",
        "Enter the grip strength as a number of kilograms, such as 32.5.",
    ),
    "no kilograms": (
        "grip",
        {"side": "L", "kilograms": ""},
        "grip_kilograms",
        "Enter the grip strength in kilograms.",
    ),
    "a hand that is not one": ("grip", {"side": "M", "kilograms": "30"}, "grip_side", "Choose left or right."),
}


@pytest.mark.parametrize("case", BAD)
@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_bad_input_is_shown_at_the_field_and_nothing_is_saved(
    physio_client: Client, assessment: Assessment, case: str, htmx: bool
) -> None:
    kind, data, field, message = BAD[case]
    version = fresh(assessment).version

    response = physio_client.post(row_url(assessment, kind), data, headers=HTMX if htmx else {})

    body = body_of(response)
    if htmx:
        assert response.status_code == 200
        assert (response["HX-Retarget"], response["HX-Reswap"]) == (f"#{kind}-area", "outerHTML")
        assert "Saved." not in body
    else:
        assert response.status_code == 400
    assert field_error(response, field, message)
    assert re.search(rf'id="id_{field}"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="id_{field}"', body)
    assert muscle_rows(assessment) == grip_rows(assessment) == []
    assert not StrengthTest.objects.filter(assessment=assessment).exists()
    assert fresh(assessment).version == version


@pytest.mark.parametrize(("kind", "data"), [("muscle", ECRB_RIGHT), ("grip", GRIP_RIGHT)])
def test_a_signed_assessment_refuses_the_add_with_a_message(
    physio_client: Client, assessment: Assessment, kind: str, data: dict[str, str]
) -> None:
    sign(assessment, physio_client.user)

    in_place = physio_client.post(row_url(assessment, kind), data, headers=HTMX)
    plain = physio_client.post(row_url(assessment, kind), data)

    assert in_place.status_code == 200
    assert "This assessment is signed and cannot change. Add an addendum instead." in body_of(in_place)
    assert plain.status_code == 400
    assert "This assessment is signed and cannot change. Add an addendum instead." in body_of(plain)
    assert muscle_rows(assessment) == grip_rows(assessment) == []


@pytest.mark.parametrize(("kind", "data"), [("muscle", ECRB_RIGHT), ("grip", GRIP_RIGHT)])
def test_someone_elses_draft_or_role_is_refused(
    physio_client: Client,
    front_desk_client: Client,
    admin_client: Client,
    assessment: Assessment,
    kind: str,
    data: dict[str, str],
) -> None:
    colleague = physio_client_for("daniel")

    statuses = [client.post(row_url(assessment, kind), data).status_code for client in (colleague, front_desk_client)]
    statuses.append(admin_client.post(row_url(assessment, kind), data).status_code)

    assert statuses == [403, 403, 403]
    assert physio_client.get(row_url(assessment, kind)).status_code == 405
    assert muscle_rows(assessment) == grip_rows(assessment) == []


def test_a_colleague_reads_the_tables_without_forms_or_shortcuts(
    physio_client: Client, assessment: Assessment
) -> None:
    services.muscle_strength_record(assessment=assessment, **ECRB_RIGHT)
    services.grip_record(assessment=assessment, side="R", kilograms=Decimal("22"))

    body = body_of(physio_client_for("daniel").get(step_url(assessment, "strength") + "?add=grip&side=L"))

    assert 'id="add-muscle"' not in body
    assert 'id="add-grip"' not in body
    assert "Same, other side" not in body
    assert "Extensor carpi radialis brevis" in body
    assert "22.0 kg" in body


@pytest.mark.parametrize(("kind", "data"), [("muscle", ECRB_RIGHT), ("grip", GRIP_RIGHT)])
def test_a_double_submit_keeps_one_row(
    physio_client: Client, assessment: Assessment, kind: str, data: dict[str, str]
) -> None:
    first = physio_client.post(row_url(assessment, kind), data, headers=HTMX)
    second = physio_client.post(row_url(assessment, kind), data, headers=HTMX)

    assert first.status_code == second.status_code == 200
    assert len(muscle_rows(assessment)) + len(grip_rows(assessment)) == 1


def test_a_made_up_form_or_choice_in_the_address_fills_in_nothing(
    physio_client: Client, assessment: Assessment
) -> None:
    response = physio_client.get(step_url(assessment, "strength") + "?add=<b>x</b>&muscle=<b>x</b>&side=Q")
    other = physio_client.get(step_url(assessment, "strength") + "?add=muscle&muscle=no-such-muscle&side=Q")

    assert response.status_code == other.status_code == 200
    assert "<b>x</b>" not in body_of(response)
    assert selected(body_of(other), "id_muscle_muscle") is None
    assert selected(body_of(other), "id_muscle_side") is None


# --- Queries --------------------------------------------------------------------------------------------------------


def queries_of(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("step", ["strength", "summary"])
def test_the_strength_and_summary_pages_read_as_many_queries_however_many_muscles_are_graded(
    physio_client: Client, assessment: Assessment, step: str
) -> None:
    services.muscle_strength_record(assessment=assessment, **ECRB_RIGHT)
    services.grip_record(assessment=assessment, side="R", kilograms=Decimal("22"))
    few = queries_of(physio_client, step_url(assessment, step))
    for muscle in ("deltoid", "triceps-brachii", "supinator", "gluteus-medius", "soleus"):
        for side in ("L", "R"):
            services.muscle_strength_record(assessment=assessment, muscle=muscle, side=side, grade="4")
    services.grip_record(assessment=assessment, side="L", kilograms=Decimal("30"))

    assert queries_of(physio_client, step_url(assessment, step)) == few
