"""The spine examined: the palpated range, the grid's three states, and a summary that tells examined-normal apart
from not tested (clinical-reference.md 1.2, "Examined and normal is a finding")."""

import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from assessments import gunn_signs, services
from assessments.anatomy import Side
from assessments.gunn_signs import (
    Finding,
    KeyMuscleResult,
    MuscleStrengthResult,
    PalpatedRange,
    ReflexResult,
    SensoryResult,
)
from assessments.models import Assessment, AssessmentStatus, SignFinding
from tests.assessments.signing import sign_assessment
from tests.factories import PatientFactory
from tests.pages import Page, body_of, field_error, physio_client_for, shown

ALL_SIDES = ("L", "M", "R")


def headline(*findings: Finding, palpated: PalpatedRange | None = None, **results: Any) -> tuple[str, ...]:
    return gunn_signs.segment_summary(findings, palpated=palpated, **results).headline


# --- The summary, worked by hand ------------------------------------------------------------------------------------


def test_nothing_recorded_reads_nothing_examined_yet() -> None:
    summary = gunn_signs.segment_summary()

    assert summary.headline == ("Nothing examined yet.",)
    assert summary.examination == gunn_signs.Examination(examined=0, positive=0, not_examined=("C1-S2",))


def test_a_palpated_neck_with_no_sign_is_58_items_examined_and_nothing_positive() -> None:
    # C1 to C8 on the left, midline and right: 8 levels x (3 signs left + spinous + 3 signs right) = 56 cells,
    # every one absent; the hands-on page adds a supinator without bands and an ECRB not tender: 58 items.
    neck = PalpatedRange("C1", "C8", ALL_SIDES)
    supinator = Finding("MOT-TAUTBAND", Side.LEFT, status="absent", muscle="supinator")
    ecrb = Finding("SEN-MOTORPOINT", Side.LEFT, status="absent", muscle="extensor-carpi-radialis-brevis")

    assert headline(supinator, ecrb, palpated=neck) == (
        "Nothing positive among 58 items examined; not examined: T1-S2.",
    )


def test_the_same_findings_without_a_palpated_range_leave_the_spine_not_examined() -> None:
    # Seven findings: four recorded absent, three not tested. Only the four absent ones were examined.
    absent = [
        Finding("MOT-TAUTBAND", Side.LEFT, status="absent", muscle="supinator"),
        Finding("SEN-MOTORPOINT", Side.LEFT, status="absent", muscle="extensor-carpi-radialis-brevis"),
        Finding("AUT-VASO", Side.LEFT, status="absent", region_note="forearm"),
        Finding("TRO-SKINROLL", Side.LEFT, status="absent", levels=("C6",)),
    ]
    not_tested = [
        Finding("MOT-SHORTENED", Side.LEFT, status="not_tested", muscle="supinator"),
        Finding("AUT-SUDO", Side.LEFT, status="not_tested", region_note="hand"),
        Finding("TRO-HAIRLOSS", Side.LEFT, status="not_tested", region_note="forearm"),
    ]

    assert headline(*absent, *not_tested) == ("Nothing positive among 4 items examined; not examined: C1-S2.",)
    assert headline(*not_tested) == ("Nothing examined yet.",)


def test_reflexes_muscles_and_sensation_graded_normal_are_examined_and_not_tested_ones_are_not() -> None:
    results = {
        "reflex_results": [
            ReflexResult("biceps", Side.LEFT, "2+"),
            ReflexResult("biceps", Side.RIGHT, "2+"),
            ReflexResult("triceps", Side.LEFT, "NT"),
        ],
        "key_muscle_results": [KeyMuscleResult("C5", Side.LEFT, "5"), KeyMuscleResult("C6", Side.LEFT, "NT")],
        "sensory_results": [
            SensoryResult("C6", Side.LEFT, "light_touch", "2"),
            SensoryResult("C7", Side.LEFT, "pinprick", "NT"),
        ],
    }

    assert headline(**results) == ("Nothing positive among 4 items examined; not examined: C1-S2.",)


def test_a_suggested_level_leads_and_the_stretches_not_palpated_are_named() -> None:
    # Palpated C4 to T2 on the left and the midline: 7 levels x 4 cells = 28, all absent. Then tenderness beside
    # the spine at C6 on the right (a 29th cell, outside the range: it was plainly palpated) and a tender ECRB on
    # the right (C6 primary): spinal + sensory, two groups at C6 right. 30 items, 2 positive.
    palpated = PalpatedRange("C4", "T2", ("L", "M"))
    paraspinal = Finding("SEN-PARASPINAL", Side.RIGHT, levels=("C6",))
    ecrb = Finding("SEN-MOTORPOINT", Side.RIGHT, muscle="extensor-carpi-radialis-brevis")

    assert headline(paraspinal, ecrb, palpated=palpated) == (
        "C6 right: suggested",
        "2 positive among 30 items examined; not examined: C1-C3, C4-C5 right, C7-T2 right, T3-S2.",
    )


def test_something_positive_that_suggests_no_level_says_so() -> None:
    band = Finding("MOT-TAUTBAND", Side.LEFT, muscle="supinator")

    assert headline(band, palpated=PalpatedRange("C1", "S2", ALL_SIDES)) == (
        f"No level suggested: 1 positive among {27 * 7 + 1} items examined.",
    )


def test_a_grid_sign_recorded_not_tested_inside_the_range_is_not_counted_as_examined() -> None:
    palpated = PalpatedRange("C5", "C5", ("L",))
    skipped = Finding("SPI-TROPHIC", Side.LEFT, status="not_tested", levels=("C5",))

    states = gunn_signs.spine_grid_states([skipped], palpated)
    assert states[("C5", Side.LEFT, "SPI-TROPHIC")] is gunn_signs.CellState.NOT_TESTED
    assert states[("C5", Side.LEFT, "SPI-PARASHORT")] is gunn_signs.CellState.ABSENT
    assert states[("C5", Side.RIGHT, "SPI-PARASHORT")] is gunn_signs.CellState.NOT_TESTED
    assert headline(skipped, palpated=palpated) == (
        "Nothing positive among 2 items examined; not examined: C1-C4, C5 midline and right, C6-S2.",
    )


def test_a_graded_catalogue_muscle_is_examined_and_a_weak_one_positive() -> None:
    # ECRB (primary root C6) graded 4/5 on the right and 5/5 on the left, the supinator not tested: two muscles
    # examined, the weak one positive. With one group enough, the weak ECRB alone suggests C6 right (motor), and
    # the headline counts what suggested it.
    ecrb = "extensor-carpi-radialis-brevis"
    strength = [
        MuscleStrengthResult(ecrb, Side.RIGHT, "4"),
        MuscleStrengthResult(ecrb, Side.LEFT, "5"),
        MuscleStrengthResult("supinator", Side.LEFT, "NT"),
    ]
    one_group = gunn_signs.SummarySettings(min_groups=1)

    assert headline(muscle_strength_results=strength, settings=one_group) == (
        "C6 right: suggested",
        "1 positive among 2 items examined; not examined: C1-S2.",
    )
    assert headline(muscle_strength_results=strength[1:]) == (
        "Nothing positive among 1 item examined; not examined: C1-S2.",
    )


def test_a_tender_paraspinal_muscle_is_the_grid_cell_it_counts_as_from_either_screen() -> None:
    # Palpated C5 to C7 on both sides and the midline: 3 levels x 7 cells = 21 items. Cervical multifidus found
    # tender at C6 on the right on the hands-on page is the grid's paraspinal tenderness at C6 right: that cell is
    # present (not a 22nd item), and with a tender ECRB (C6 primary) C6 right has spinal + sensory evidence.
    # Multifidus bands at C4 on the left, recorded absent, are the C4 left bands cell: examined, outside the range.
    palpated = PalpatedRange("C5", "C7", ALL_SIDES)
    ecrb = Finding("SEN-MOTORPOINT", Side.RIGHT, muscle="extensor-carpi-radialis-brevis")
    hands_on = [
        Finding("SEN-MOTORPOINT", Side.RIGHT, levels=("C6",), muscle="cervical-multifidus-rotatores"),
        Finding("MOT-TAUTBAND", Side.LEFT, status="absent", levels=("C4",), muscle="cervical-multifidus-rotatores"),
    ]
    grid = [
        Finding("SEN-PARASPINAL", Side.RIGHT, levels=("C6",)),
        Finding("SPI-PARASHORT", Side.LEFT, status="absent", levels=("C4",)),
    ]

    states = gunn_signs.spine_grid_states(hands_on, palpated)
    assert states[("C6", Side.RIGHT, "SEN-PARASPINAL")] is gunn_signs.CellState.PRESENT
    assert states[("C4", Side.LEFT, "SPI-PARASHORT")] is gunn_signs.CellState.ABSENT
    assert states == gunn_signs.spine_grid_states(grid, palpated)
    expected = (
        "C6 right: suggested",
        "2 positive among 23 items examined; not examined: C1-C3, C4 midline and right, C8-S2.",
    )
    assert headline(ecrb, *hands_on, palpated=palpated) == expected
    assert headline(ecrb, *grid, palpated=palpated) == expected
    # Both screens at once: one cell, the positive finding showing.
    assert gunn_signs.spine_grid_states([*hands_on, *grid[1:]], palpated) == states


@pytest.mark.parametrize(
    ("from_level", "to_level", "sides", "message"),
    [
        ("C9", "T1", ALL_SIDES, "Choose a level from C1 to S2."),
        ("C5", "S3", ALL_SIDES, "Choose a level from C1 to S2."),
        ("C6", "C5", ALL_SIDES, "C5 lies above C6: the range runs from the head down."),
        ("C5", "C6", ("B",), "The sides palpated are left, midline and right."),
        ("C5", "C6", (), "Say which sides were palpated: left, midline, right."),
        ("", "C6", ("L",), "Say from which level the spine was palpated."),
    ],
)
def test_a_palpated_range_that_does_not_exist_is_refused(
    from_level: str, to_level: str, sides: tuple[str, ...], message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        PalpatedRange(from_level, to_level, sides)


def test_a_palpated_range_reads_in_words() -> None:
    assert PalpatedRange("C2", "T4", ("R", "L", "M")).describe() == "C2 to T4, left, midline and right"
    assert PalpatedRange("L5", "L5", ("R",)).describe() == "L5, right"


# --- Through the pages --------------------------------------------------------------------------------------------


def url(name: str, assessment: Assessment) -> str:
    return reverse(f"assessments:{name}", kwargs={"pk": assessment.pk})


def step_url(assessment: Assessment, step: str) -> str:
    return reverse("assessments:assessment-step", kwargs={"pk": assessment.pk, "step": step})


def fresh(assessment: Assessment) -> Assessment:
    return Assessment.objects.get(pk=assessment.pk)


def stored_range(assessment: Assessment) -> tuple[Any, ...]:
    stored = fresh(assessment)
    return stored.palpated_from, stored.palpated_to, stored.palpated_sides, stored.version


@pytest.fixture
def draft(physio_client: Client) -> Assessment:
    """Maya's draft, with a complaint so that it can be signed."""
    assessment = services.assessment_start(patient=PatientFactory(), physiotherapist=physio_client.user)
    services.assessment_save_fields(
        assessment=assessment, data={"chief_complaint": "Neck and arm pain"}, version=assessment.version
    )
    return fresh(assessment)


def cells(response: Any) -> dict[str, dict[str, Any]]:
    return {b["data-cell"]: b for b in Page(body_of(response)).buttons if "data-cell" in b}


def test_the_grid_shows_present_absent_and_not_tested_apart_and_not_by_colour_alone(
    physio_client: Client, draft: Assessment
) -> None:
    services.spine_range_record(assessment=draft, palpated_from="C5", palpated_to="C6", palpated_sides=["L"])
    services.spinal_sign_toggle(assessment=draft, level="C5", side="L", sign_code="SEN-PARASPINAL")

    response = physio_client.get(step_url(draft, "spine"))

    grid = cells(response)
    present, absent, untested = grid["C5 L SEN-PARASPINAL"], grid["C5 L SPI-PARASHORT"], grid["C5 R SPI-PARASHORT"]
    assert (present["aria-pressed"], absent["aria-pressed"], untested["aria-pressed"]) == ("true", "false", "false")
    assert present["aria-describedby"] == "spine-state-present"
    assert absent["aria-describedby"] == "spine-state-absent"
    assert untested["aria-describedby"] == "spine-state-untested"
    assert grid["C7 L SPI-PARASHORT"]["aria-describedby"] == "spine-state-untested"  # below the range
    assert grid["C6 M SPI-SPINOUS"]["aria-describedby"] == "spine-state-untested"  # the midline was not palpated
    body = body_of(response)
    # Each state has its own mark and border besides its colour, and the legend names it.
    assert re.search(
        r'data-cell="C5 L SEN-PARASPINAL"[^>]*>Tender<span class="spine-mark" aria-hidden="true">\+<', body
    )
    assert re.search(
        r'data-cell="C5 L SPI-PARASHORT"[^>]*>Band<span class="spine-mark" aria-hidden="true">&minus;<', body
    )
    assert re.search(
        r'data-cell="C5 R SPI-PARASHORT"[^>]*>Band<span class="spine-mark" aria-hidden="true"></span>', body
    )
    assert "spine-untested" in untested["class"] and "spine-absent" in absent["class"]
    assert '<span id="spine-state-absent">palpated, no sign (absent)</span>' in body
    assert '<span id="spine-state-untested">not tested</span>' in body
    assert "Palpated: C5 to C6, left." in body


def test_without_a_range_every_cell_not_marked_is_not_tested(physio_client: Client, draft: Assessment) -> None:
    grid = cells(physio_client.get(step_url(draft, "spine")))

    assert {b["aria-describedby"] for b in grid.values()} == {"spine-state-untested"}
    assert len(grid) == 27 * 7


def test_every_cell_is_a_form_that_posts_with_its_csrf_token_without_javascript(draft: Assessment) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(draft.physiotherapist)
    page = body_of(client.get(step_url(draft, "spine")))
    cell_forms = re.findall(r'<form method="post" action="[^"]+" class="d-inline spine-cell".*?</form>', page, re.S)
    assert len(cell_forms) == 27 * 7
    assert all('name="csrfmiddlewaretoken"' in form for form in cell_forms)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', cell_forms[0])
    assert token is not None

    tap = client.post(
        url("spine-toggle", draft),
        {"csrfmiddlewaretoken": token[1], "level": "C6", "side": "R", "sign_code": "SPI-TROPHIC"},
    )
    saved = client.post(
        url("spine-range", draft),
        {"csrfmiddlewaretoken": token[1], "palpated_from": "C4", "palpated_to": "C7", "palpated_sides": ["L", "R"]},
    )
    refused = client.post(url("spine-range", draft), {"palpated_from": "C1", "palpated_to": "C2"})

    assert tap.status_code == 302 and tap["Location"] == step_url(draft, "spine") + "#level-C6"
    assert saved.status_code == 302 and saved["Location"] == step_url(draft, "spine") + "#spine-range"
    assert refused.status_code == 403  # no token, no change
    assert stored_range(draft)[:3] == ("C4", "C7", ["L", "R"])
    grid = cells(client.get(step_url(draft, "spine")))
    assert grid["C6 R SPI-TROPHIC"]["aria-describedby"] == "spine-state-present"
    assert grid["C6 R SPI-PARASHORT"]["aria-describedby"] == "spine-state-absent"


def test_the_range_form_saves_then_clears_with_a_message(physio_client: Client, draft: Assessment) -> None:
    saved = physio_client.post(
        url("spine-range", draft),
        {"palpated_from": "C2", "palpated_to": "T4", "palpated_sides": ["R", "L", "M"]},
        follow=True,
    )
    assert shown("Palpated range saved.", saved)
    assert shown("Palpated: C2 to T4, left, midline and right.", saved)
    assert stored_range(draft)[:3] == ("C2", "T4", ["L", "M", "R"])

    cleared = physio_client.post(url("spine-range", draft), {"palpated_from": "C2", "clear": "1"}, follow=True)
    assert shown("Palpated range cleared.", cleared)
    assert shown("No palpated range recorded: every sign not marked is not tested.", cleared)
    assert stored_range(draft)[:3] == ("", "", [])


def test_with_htmx_a_cleared_cell_comes_back_absent_inside_the_range_and_not_tested_outside(
    physio_client: Client, draft: Assessment
) -> None:
    services.spine_range_record(assessment=draft, palpated_from="C5", palpated_to="C6", palpated_sides=["L"])
    htmx = {"HX-Request": "true"}

    def tap(level: str) -> dict[str, Any]:
        data = {"level": level, "side": "L", "sign_code": "SEN-PARASPINAL"}
        return Page(body_of(physio_client.post(url("spine-toggle", draft), data, headers=htmx))).buttons[0]

    assert tap("C5")["aria-describedby"] == "spine-state-present"
    assert tap("C5")["aria-describedby"] == "spine-state-absent"
    assert tap("T1")["aria-describedby"] == "spine-state-present"
    assert tap("T1")["aria-describedby"] == "spine-state-untested"


def test_a_sign_recorded_absent_on_the_hands_on_page_becomes_present_with_one_tap(draft: Assessment) -> None:
    services.finding_record(
        assessment=draft, sign_code="SEN-PARASPINAL", side="L", status="absent", level="C6", is_beside_spine=False
    )

    services.spinal_sign_toggle(assessment=draft, level="C6", side="L", sign_code="SEN-PARASPINAL")

    assert list(SignFinding.objects.filter(assessment=draft).values_list("level", "side", "status")) == [
        ("C6", "L", "present")
    ]


def test_the_summary_page_says_examined_normal_or_not_examined(physio_client: Client, draft: Assessment) -> None:
    summary = step_url(draft, "summary")
    assert shown("Nothing examined yet.", physio_client.get(summary))

    services.finding_record(assessment=draft, sign_code="MOT-TAUTBAND", side="L", status="absent", muscle="supinator")
    services.finding_record(
        assessment=draft, sign_code="MOT-SHORTENED", side="L", status="not_tested", muscle="supinator"
    )
    services.reflex_record(assessment=draft, reflex="biceps", side="L", grade="2+")
    response = physio_client.get(summary)
    assert shown("Nothing positive among 2 items examined; not examined: C1-S2.", response)
    assert not shown("No evidence recorded yet", response)

    services.spine_range_record(assessment=draft, palpated_from="C1", palpated_to="T4", palpated_sides=["L", "M", "R"])
    assert shown(
        "Nothing positive among 86 items examined; not examined: T5-S2.", physio_client.get(summary)
    )  # 12 levels x 7 cells + the supinator + the biceps

    services.finding_record(
        assessment=draft,
        sign_code="SEN-MOTORPOINT",
        side="R",
        status="present",
        muscle="extensor-carpi-radialis-brevis",
    )
    services.spinal_sign_toggle(assessment=draft, level="C6", side="R", sign_code="SEN-PARASPINAL")
    response = physio_client.get(summary)
    assert shown("C6 right: suggested", response)
    assert shown("2 positive among 87 items examined; not examined: T5-S2.", response)


def test_a_paraspinal_muscle_found_tender_on_the_hands_on_page_shows_on_the_grid_and_the_summary_agrees(
    physio_client: Client, draft: Assessment
) -> None:
    services.spine_range_record(assessment=draft, palpated_from="C5", palpated_to="C7", palpated_sides=["R"])
    services.finding_record(
        assessment=draft, sign_code="SEN-MOTORPOINT", side="R", status="present", level="C6",
        muscle="cervical-multifidus-rotatores",
    )  # fmt: skip
    services.finding_record(
        assessment=draft, sign_code="MOT-TAUTBAND", side="R", status="absent", level="T2",
        muscle="thoracic-multifidus-rotatores",
    )  # fmt: skip

    grid = cells(physio_client.get(step_url(draft, "spine")))
    assert grid["C6 R SEN-PARASPINAL"]["aria-describedby"] == "spine-state-present"
    assert grid["T2 R SPI-PARASHORT"]["aria-describedby"] == "spine-state-absent"
    assert grid["T2 R SEN-PARASPINAL"]["aria-describedby"] == "spine-state-untested"
    # 3 levels x 3 cells on the right, the C6 one positive, and the T2 bands cell: 10 items, 1 positive.
    assert shown(
        "No level suggested: 1 positive among 10 items examined; not examined: C1-C4, C5-C7 left and midline, "
        "C8-T1, T2 left and midline, T3-S2.",
        physio_client.get(step_url(draft, "summary")),
    )


def test_a_tap_on_a_cell_found_on_the_hands_on_page_says_where_to_change_it_and_adds_no_second_row(
    physio_client: Client, draft: Assessment
) -> None:
    services.finding_record(
        assessment=draft, sign_code="SEN-MOTORPOINT", side="R", status="present", level="C6",
        muscle="cervical-multifidus-rotatores",
    )  # fmt: skip
    data = {"level": "C6", "side": "R", "sign_code": "SEN-PARASPINAL"}
    message = "Recorded on the hands-on page as tender motor point: cervical multifidus / rotatores. Change it there."

    plain = physio_client.post(url("spine-toggle", draft), data, follow=True)
    htmx = physio_client.post(url("spine-toggle", draft), data, headers={"HX-Request": "true"})

    assert shown(message, plain)
    assert cells(plain)["C6 R SEN-PARASPINAL"]["aria-describedby"] == "spine-state-present"
    assert htmx.status_code == 400 and message in body_of(htmx)
    assert SignFinding.objects.filter(assessment=draft).count() == 1


# --- Bad input, signed records, someone else's -------------------------------------------------------------------


def posted(from_level: str | None, to_level: str | None, *sides: str) -> dict[str, Any]:
    data = {"palpated_from": from_level, "palpated_to": to_level, "palpated_sides": list(sides)}
    return {name: value for name, value in data.items() if value}


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (posted("C9", "T1", "L"), "palpated_from", "Choose a level from C1 to S2."),
        (posted("C5", "S4-5", "L"), "palpated_to", "Choose a level from C1 to S2."),
        (posted("T4", "C2", "L"), "palpated_to", "C2 lies above T4: the range runs from the head down."),
        (posted("C2", "T4", "L", "B"), "palpated_sides", "The sides palpated are left, midline and right."),
        (posted("C2", "T4"), "palpated_sides", "Say which sides were palpated: left, midline, right."),
        (posted(None, "T4", "L"), "palpated_from", "Say from which level the spine was palpated."),
        (posted("C2", None, "M"), "palpated_to", "Say down to which level the spine was palpated."),
    ],
    ids=["unknown level", "below the grid", "to before from", "not a side", "no side", "no start", "no end"],
)
def test_a_range_that_does_not_exist_is_shown_at_the_field_and_nothing_is_saved(
    physio_client: Client, draft: Assessment, data: dict[str, Any], field: str, message: str
) -> None:
    services.spine_range_record(assessment=draft, palpated_from="C1", palpated_to="C8", palpated_sides=["L"])
    before = stored_range(draft)

    response = physio_client.post(url("spine-range", draft), data)

    assert response.status_code == 400
    assert field_error(response, field, message)
    assert stored_range(draft) == before


def test_the_service_refuses_a_range_that_does_not_exist_by_field_and_saves_nothing(draft: Assessment) -> None:
    before = stored_range(draft)

    with pytest.raises(ValidationError) as error:
        services.spine_range_record(assessment=draft, palpated_from="T4", palpated_to="C2", palpated_sides=["X"])

    assert error.value.message_dict == {
        "palpated_to": ["C2 lies above T4: the range runs from the head down."],
        "palpated_sides": ["The sides palpated are left, midline and right."],
    }
    assert stored_range(draft) == before


def test_a_range_posted_to_a_signed_assessment_is_refused_with_a_message(
    physio_client: Client, draft: Assessment
) -> None:
    sign_assessment(draft)
    before = stored_range(draft)

    response = physio_client.post(
        url("spine-range", draft), {"palpated_from": "C1", "palpated_to": "C8", "palpated_sides": ["L"]}
    )

    assert response.status_code == 400
    assert shown("This assessment is signed and cannot change. Add an addendum instead.", response)
    assert stored_range(draft) == before
    assert fresh(draft).status == AssessmentStatus.SIGNED
    assert 'action="' + url("spine-range", draft) + '"' not in body_of(physio_client.get(step_url(draft, "spine")))


def test_a_stored_field_out_of_range_elsewhere_is_shown_above_the_range_form_not_a_server_error(
    physio_client: Client, draft: Assessment
) -> None:
    # A value kept from before its check (pain now 11 of 10) fails the record's own check when the range is saved;
    # its field is not on the range form, so the message goes above the form.
    Assessment.objects.filter(pk=draft.pk).update(pain_now=11)
    before = stored_range(draft)

    response = physio_client.post(
        url("spine-range", draft), {"palpated_from": "C1", "palpated_to": "C8", "palpated_sides": ["L"]}
    )

    assert response.status_code == 400
    assert shown("Ensure this value is less than or equal to 10.", response)
    assert stored_range(draft) == before


def test_someone_elses_draft_refuses_a_range(draft: Assessment) -> None:
    before = stored_range(draft)

    response = physio_client_for("daniel").post(
        url("spine-range", draft), {"palpated_from": "C1", "palpated_to": "C8", "palpated_sides": ["L"]}
    )

    assert response.status_code == 403
    assert stored_range(draft) == before


def test_the_range_refuses_a_get(physio_client: Client, draft: Assessment) -> None:
    assert physio_client.get(url("spine-range", draft)).status_code == 405


# --- The signature covers the range --------------------------------------------------------------------------------


def test_the_palpated_range_is_part_of_the_signed_content(draft: Assessment) -> None:
    services.spine_range_record(assessment=draft, palpated_from="C2", palpated_to="T4", palpated_sides=["L", "R"])
    signed = sign_assessment(draft)

    assert services.content_digest(fresh(draft)) == signed.content_digest
    altered = fresh(draft)
    altered.palpated_to = "T5"
    assert services.content_digest(altered) != signed.content_digest


def test_an_assessment_without_a_range_keeps_the_content_it_was_signed_with_before(draft: Assessment) -> None:
    values = services.assessment_signed_values(fresh(draft))

    assert set(values) == set(services.ASSESSMENT_SIGNED_FIELDS)
    assert services.content_digest(fresh(draft)) == services.digest_of(
        services.assessment_signed_content(values, services.signed_rows(draft, services.ASSESSMENT_SIGNED_ROWS))
    )
    assert "palpated_from" not in services.assessment_signed_content(values, {})["assessment"]


def test_the_print_names_the_palpated_range_and_the_summary_headline(physio_client: Client, draft: Assessment) -> None:
    services.spine_range_record(assessment=draft, palpated_from="L4", palpated_to="S1", palpated_sides=["L", "R"])

    response = physio_client.get(url("assessment-print", draft))

    assert shown("Spine palpated: L4 to S1, left and right; a sign not listed there was absent.", response)
    assert shown("Nothing positive among 18 items examined; not examined: C1-L3, L4-S1 midline, S2.", response)
