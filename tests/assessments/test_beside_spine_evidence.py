"""A finding beside the spine is spinal evidence at its level from either screen (clinical-reference.md 1.2, the
note under the catalogue; 2.1), and a summary signed under the earlier rules still reads as it did.

Worked by hand from the muscle catalogue: the extensor carpi radialis brevis has roots C6-C7 with C6 primary, so a
tender motor point credits C6 fully and C7 by half; the threshold is two groups.
"""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from assessments import gunn_signs, services
from assessments.anatomy import Side
from assessments.gunn_signs import Finding, segment_summary
from assessments.models import Assessment, SignFinding
from tests.assessments.signing import sign_assessment
from tests.factories import PatientFactory
from tests.pages import Page, body_of, field_error

L, R = Side.LEFT, Side.RIGHT
ECRB = "extensor-carpi-radialis-brevis"


def evidence_shape(summary: gunn_signs.SegmentSummary) -> list[tuple[Any, ...]]:
    """The summary as the page shows it: each level and side, its groups, its evidence and the suggestion."""
    return [
        (
            level.level,
            side.side,
            dict(side.group_counts),
            [(item.source, item.muscle, item.weight) for item in side.evidence],
            side.is_suggested,
        )
        for level in summary.levels
        for side in level.sides
    ]


# --- The pure rules ----------------------------------------------------------------------------------------------


def test_a_tender_ecrb_motor_point_and_tender_c6_paraspinals_suggest_c6_right() -> None:
    summary = segment_summary(
        [Finding("SEN-MOTORPOINT", R, muscle=ECRB), Finding("SEN-PARASPINAL", R, levels=("C6",))]
    )

    c6, c7 = summary.level("C6"), summary.level("C7")
    assert c6.sides[0].supporting_groups == ("sensory", "spinal")
    assert c6.suggested_sides == (R,)
    assert c7.sides[0].group_weights == {"sensory": 0.5}  # the ECRB's secondary root only
    assert summary.suggested_levels == ("C6",)
    assert summary.rules_version == "2026.2"


def test_under_the_earlier_rules_the_same_pairing_was_one_group_and_suggested_nothing() -> None:
    summary = segment_summary(
        [Finding("SEN-MOTORPOINT", R, muscle=ECRB), Finding("SEN-PARASPINAL", R, levels=("C6",))],
        rules_version="2026.1",
    )

    assert summary.level("C6").sides[0].group_counts == {"sensory": 2}
    assert summary.suggested_levels == ()
    assert summary.rules_version == "2026.1"


@pytest.mark.parametrize(
    ("beside_spine", "grid_sign"),
    [
        (Finding("SEN-MOTORPOINT", R, levels=("C6",), muscle="cervical-multifidus-rotatores"), "SEN-PARASPINAL"),
        (Finding("MOT-TAUTBAND", R, levels=("C6",), muscle="cervical-multifidus-rotatores"), "SPI-PARASHORT"),
        (Finding("MOT-SHORTENED", R, levels=("C6",), muscle="cervical-multifidus-rotatores"), "SPI-PARASHORT"),
    ],
)
def test_a_paraspinal_muscle_found_tender_or_banded_counts_as_the_grid_sign_at_its_level(
    beside_spine: Finding, grid_sign: str
) -> None:
    elbow = Finding("SEN-MOTORPOINT", R, muscle=ECRB)

    from_muscle = segment_summary([elbow, beside_spine])
    from_grid = segment_summary([elbow, Finding(grid_sign, R, levels=("C6",))])

    assert evidence_shape(from_muscle) == evidence_shape(from_grid)
    assert from_muscle.level("C6").sides[0].supporting_groups == ("sensory", "spinal")
    assert from_muscle.suggested_levels == ("C6",)


def test_a_muscle_away_from_the_spine_keeps_its_own_group() -> None:
    summary = segment_summary([Finding("MOT-TAUTBAND", R, levels=("T4",), muscle="intercostals")])

    assert summary.level("T4").sides[0].group_counts == {"motor": 1}


def test_a_skin_roll_beside_the_spine_is_the_paravertebral_sign_and_away_from_it_stays_trophic() -> None:
    assert gunn_signs.beside_spine_sign("TRO-SKINROLL") == "SPI-TROPHIC"
    assert gunn_signs.beside_spine_sign("TRO-TROPHEDEMA") == "SPI-TROPHIC"
    assert gunn_signs.beside_spine_sign("SEN-PARASPINAL") == "SEN-PARASPINAL"
    assert gunn_signs.beside_spine_sign("AUT-SUDO") is None

    away = segment_summary([Finding("TRO-SKINROLL", L, levels=("L5",)), Finding("SPI-PARASHORT", L, levels=("L5",))])
    beside = segment_summary([Finding("SPI-TROPHIC", L, levels=("L5",)), Finding("SPI-PARASHORT", L, levels=("L5",))])

    assert away.level("L5").sides[0].supporting_groups == ("trophic", "spinal")
    assert away.suggested_levels == ("L5",)
    assert beside.level("L5").sides[0].group_counts == {"spinal": 2}
    assert beside.suggested_levels == ()


def test_an_unknown_rules_version_is_refused() -> None:
    with pytest.raises(ValueError, match=r"Unknown summary rules version '2025\.9'"):
        segment_summary([], rules_version="2025.9")


# --- Through the pages -------------------------------------------------------------------------------------------


def step_url(assessment: Assessment, step: str) -> str:
    return reverse("assessments:assessment-step", kwargs={"pk": assessment.pk, "step": step})


def hands_on(client: Client, assessment: Assessment, **fields: str) -> Any:
    data = {"muscle": "", "level": "", "region_note": "", "status": "present", "grade": "", "note": "", **fields}
    return client.post(
        reverse("assessments:assessment-row-add", kwargs={"pk": assessment.pk, "kind": "finding"}), data
    )


def spine_tap(client: Client, assessment: Assessment, level: str, side: str, sign_code: str) -> Any:
    url = reverse("assessments:spine-toggle", kwargs={"pk": assessment.pk})
    return client.post(url, {"level": level, "side": side, "sign_code": sign_code})


def summary_rows(client: Client, assessment: Assessment, level: str) -> list[list[str]]:
    """The summary table's rows for a level, as the physiotherapist reads them."""
    page = Page(body_of(client.get(step_url(assessment, "summary"))))
    return [list(row[:4]) for row in page.rows if row[:1] == [level]]


@pytest.fixture
def draft(physio_client: Client) -> Assessment:
    return services.assessment_start(patient=PatientFactory(), physiotherapist=physio_client.user)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "record_paraspinal_tenderness",
    [
        pytest.param(lambda c, a: spine_tap(c, a, "C6", "R", "SEN-PARASPINAL"), id="spine grid"),
        pytest.param(
            lambda c, a: hands_on(c, a, sign_code="SEN-PARASPINAL", level="C6", side="R"), id="hands-on page"
        ),
        pytest.param(
            lambda c, a: hands_on(
                c, a, sign_code="SEN-MOTORPOINT", muscle="cervical-multifidus-rotatores", level="C6", side="R"
            ),
            id="hands-on page, paraspinal motor point",
        ),
    ],
)
def test_the_classic_pairing_is_suggested_at_c6_right_from_either_screen(
    physio_client: Client, draft: Assessment, record_paraspinal_tenderness: Any
) -> None:
    hands_on(physio_client, draft, sign_code="SEN-MOTORPOINT", muscle=ECRB, side="R")
    assert record_paraspinal_tenderness(physio_client, draft).status_code == 302

    [c6] = summary_rows(physio_client, draft, "C6")
    [c7] = summary_rows(physio_client, draft, "C7")

    assert c6[:2] == ["C6", "right"] and c6[3] == "Yes"
    assert "sensory: 1" in c6[2] and "spinal: 1" in c6[2]
    assert c7[3] != "Yes"


@pytest.mark.django_db
def test_a_paravertebral_skin_roll_gives_the_same_summary_from_the_spine_grid_or_the_hands_on_page(
    physio_client: Client,
) -> None:
    from_grid, from_hands_on = (
        services.assessment_start(patient=PatientFactory(), physiotherapist=physio_client.user) for _ in range(2)
    )
    for draft in (from_grid, from_hands_on):
        hands_on(physio_client, draft, sign_code="AUT-VASO", level="L5", side="L")

    spine_tap(physio_client, from_grid, "L5", "L", "SPI-TROPHIC")
    response = hands_on(
        physio_client, from_hands_on, sign_code="TRO-SKINROLL", level="L5", side="L", is_beside_spine="on"
    )

    assert response.status_code == 302
    grid_rows = summary_rows(physio_client, from_grid, "L5")
    assert summary_rows(physio_client, from_hands_on, "L5") == grid_rows
    assert grid_rows[0][:2] == ["L5", "left"] and grid_rows[0][3] == "Yes"
    assert "autonomic: 1" in grid_rows[0][2] and "spinal: 1" in grid_rows[0][2]
    # The hands-on entry is the grid's own cell: pressed on the spine page, not a second row.
    grid = Page(body_of(physio_client.get(step_url(from_hands_on, "spine"))))
    pressed = [b["aria-label"] for b in grid.buttons if b.get("aria-pressed") == "true"]
    assert pressed == ["Skin: Trophedema or skin-roll tenderness at L5 left"]


@pytest.mark.django_db
def test_a_skin_roll_away_from_the_spine_stays_trophic(physio_client: Client, draft: Assessment) -> None:
    hands_on(physio_client, draft, sign_code="TRO-SKINROLL", level="L5", side="L")
    spine_tap(physio_client, draft, "L5", "L", "SPI-PARASHORT")

    [l5] = summary_rows(physio_client, draft, "L5")

    assert "trophic: 1" in l5[2] and "spinal: 1" in l5[2]
    assert l5[3] == "Yes"
    assert set(SignFinding.objects.filter(assessment=draft).values_list("sign_code", flat=True)) == {
        "TRO-SKINROLL",
        "SPI-PARASHORT",
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"sign_code": "TRO-SKINROLL", "level": "L5", "side": "B"},
            "Beside the spine, record the left and the right side one at a time.",
        ),
        (
            {"sign_code": "AUT-SUDO", "level": "L5", "side": "L"},
            "Only tenderness, bands, skin rolling and trophedema are recorded beside the spine.",
        ),
        ({"sign_code": "TRO-SKINROLL", "region_note": "low back", "side": "L"}, "Say at which level beside the spine"),
        ({"sign_code": "MOT-TAUTBAND", "muscle": ECRB, "side": "L"}, "This muscle is not beside the spine."),
    ],
)
def test_a_finding_that_cannot_be_beside_the_spine_is_refused_with_a_message(
    physio_client: Client, draft: Assessment, fields: dict[str, str], message: str
) -> None:
    response = hands_on(physio_client, draft, is_beside_spine="on", **fields)

    assert response.status_code == 400
    assert message in body_of(response)
    assert not SignFinding.objects.filter(assessment=draft).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields",
    [
        {"sign_code": "TRO-SKINROLL", "level": "S3", "side": "L", "is_beside_spine": "on"},
        {"sign_code": "TRO-TROPHEDEMA", "level": "S4-5", "side": "R", "is_beside_spine": "on"},
        {"sign_code": "SEN-PARASPINAL", "level": "S3", "side": "L"},
    ],
    ids=["skin roll at S3", "trophedema at S4-5", "paraspinal tenderness at S3"],
)
def test_a_sign_beside_the_spine_below_the_grid_is_refused_at_the_level(
    physio_client: Client, draft: Assessment, fields: dict[str, str]
) -> None:
    # The spine grid runs from C1 to S2 and the hands-on list leaves the grid's signs to it: a row below S2 would
    # be seen on neither page, nor cleared from either.
    response = hands_on(physio_client, draft, **fields)

    assert response.status_code == 400
    assert field_error(response, "level", "Beside the spine, choose a level from C1 to S2.")
    assert not SignFinding.objects.filter(assessment=draft).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("sign_code", ["SEN-MOTORPOINT", "MOT-TAUTBAND", "MOT-SHORTENED"])
def test_tenderness_or_bands_beside_the_spine_without_a_muscle_asks_for_the_paraspinal_muscle(
    physio_client: Client, draft: Assessment, sign_code: str
) -> None:
    response = hands_on(physio_client, draft, sign_code=sign_code, level="C6", side="R", is_beside_spine="on")

    assert response.status_code == 400
    assert field_error(
        response,
        "muscle",
        "Choose the paraspinal muscle for tenderness or bands; a skin roll or trophedema beside the spine is "
        "recorded by its level.",
    )
    assert not SignFinding.objects.filter(assessment=draft).exists()


@pytest.mark.django_db
def test_a_grid_sign_kept_from_before_below_the_grid_is_listed_on_the_hands_on_page_and_can_be_deleted(
    physio_client: Client, draft: Assessment
) -> None:
    kept = SignFinding.objects.create(assessment=draft, sign_code="SPI-TROPHIC", level="S3", side="L")
    on_grid = services.spinal_sign_toggle(assessment=draft, level="S2", side="L", sign_code="SPI-TROPHIC")
    assert on_grid is not None

    page = Page(body_of(physio_client.get(step_url(draft, "hands-on"))))
    listed = [row for row in page.rows if "S3" in row]
    row = {"pk": draft.pk, "kind": "finding", "row_pk": kept.pk}
    delete = reverse("assessments:assessment-row-delete", kwargs=row)
    deleted = physio_client.post(delete)

    assert len(listed) == 1 and not [row for row in page.rows if "S2" in row]  # S2 is the grid's own cell
    assert deleted.status_code == 302
    assert list(SignFinding.objects.filter(assessment=draft)) == [on_grid]


@pytest.mark.django_db
def test_an_assessment_signed_under_the_earlier_rules_shows_its_summary_as_signed(
    physio_client: Client, draft: Assessment, monkeypatch: pytest.MonkeyPatch
) -> None:
    services.assessment_save_fields(assessment=draft, data={"chief_complaint": "Tennis elbow"}, version=draft.version)
    hands_on(physio_client, draft, sign_code="SEN-MOTORPOINT", muscle=ECRB, side="R")
    spine_tap(physio_client, draft, "C6", "R", "SEN-PARASPINAL")
    with monkeypatch.context() as before_this_release:
        before_this_release.setattr(gunn_signs, "RULES_VERSION", "2026.1")
        sign_assessment(draft)
    signed = Assessment.objects.get(pk=draft.pk)

    [c6] = summary_rows(physio_client, signed, "C6")
    summary_page = body_of(physio_client.get(step_url(signed, "summary")))
    print_page = body_of(physio_client.get(reverse("assessments:assessment-print", kwargs={"pk": signed.pk})))

    assert signed.summary_rules_version == "2026.1"
    assert c6[2].startswith("sensory: 2") and "spinal:" not in c6[2]
    assert c6[3] != "Yes"
    assert "rules version 2026.1" in summary_page
    assert "Suggested: none." in print_page
    assert services.content_digest(signed) == signed.content_digest
