"""The pain map on the history step (the checkboxes stay the answer without JavaScript) and, read-only, beside
the words wherever the regions are shown: the signed history, the printed assessment and the printed letters."""

import uuid
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from assessments import services
from assessments.models import Assessment
from records import letters
from tests.assessments.signing import sign_assessment
from tests.assessments.test_assessment_pages import fresh, history_data, step_url
from tests.factories import PatientFactory
from tests.ims_clinic.test_html_validity import run_checker
from tests.pages import body_of
from tests.patients.test_pain_map import Drawing

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment(physio_client: Client) -> Assessment:
    """Maya's draft assessment of a new patient."""
    patient = PatientFactory(given_name="Zebedee", family_name="Quartermaine")
    return services.assessment_start(patient=patient, physiotherapist=physio_client.user)  # type: ignore[attr-defined]


def with_regions(assessment: Assessment, regions: list[dict[str, str]]) -> Assessment:
    return services.assessment_save_fields(
        assessment=fresh(assessment),
        data={"chief_complaint": "Low back pain after lifting", "pain_regions": regions},
        version=fresh(assessment).version,
    )


def test_the_history_step_offers_the_map_over_the_checkboxes_it_ticks(
    physio_client: Client, assessment: Assessment
) -> None:
    with_regions(assessment, [{"region": "lumbosacral", "side": "B"}])

    drawing = Drawing(body_of(physio_client.get(step_url(assessment, "history"))))

    assert drawing.checked("pain_region_choices") == ["lumbosacral:B"]
    assert len([box for box in drawing.boxes if box["name"] == "pain_region_choices"]) == 30
    names = {toggle["aria-label"]: toggle["aria-checked"] for toggle in drawing.toggles()}
    assert names["Lower back, left"] == names["Lower back, right"] == "true"
    assert names["Head and neck, right"] == "false"


@pytest.mark.parametrize(
    "ticked",
    [["lumbosacral:L", "lumbosacral:R"], ["buttock:B", "upper_limb:R"], ["head_neck:L"], []],
)
def test_the_boxes_posted_without_javascript_are_stored_as_the_same_codes(
    physio_client: Client, assessment: Assessment, ticked: list[str]
) -> None:
    response = physio_client.post(
        step_url(assessment, "history"), history_data(assessment, pain_region_choices=ticked)
    )

    assert response.status_code == 302
    assert fresh(assessment).pain_regions == [
        {"region": value.split(":")[0], "side": value.split(":")[1]} for value in ticked
    ]
    assert set(
        Drawing(body_of(physio_client.get(step_url(assessment, "history")))).checked("pain_region_choices")
    ) == set(ticked)


def test_a_made_up_region_is_refused_at_the_field_and_the_rest_is_kept(
    physio_client: Client, assessment: Assessment
) -> None:
    data = history_data(assessment, pain_region_choices=["spleen:L", "head_neck:R"], chief_complaint="Stiff neck")

    response = physio_client.post(step_url(assessment, "history"), data)

    assert response.status_code == 400
    body = body_of(response)
    assert "Select a valid choice." in body and "Stiff neck" in body
    assert Drawing(body).checked("pain_region_choices") == ["head_neck:R"]
    assert fresh(assessment).chief_complaint != "Stiff neck"


def signed_with_regions(assessment: Assessment) -> Assessment:
    with_regions(assessment, [{"region": "lumbosacral", "side": "B"}, {"region": "upper_limb", "side": "R"}])
    sign_assessment(fresh(assessment))
    return fresh(assessment)


def test_the_signed_history_shows_the_map_beside_the_words(physio_client: Client, assessment: Assessment) -> None:
    signed = signed_with_regions(assessment)

    body = body_of(physio_client.get(step_url(signed, "history")))

    assert "Low back and sacrum (bilateral)" in body and "Arm (shoulder to hand) (right)" in body
    drawing = Drawing(body)
    assert drawing.toggles() == [] and drawing.boxes == []
    assert drawing.marked() == {("lumbosacral", "L"), ("lumbosacral", "R"), ("upper_limb", "R")}


def test_the_printed_assessment_shows_where_it_hurts_in_words_and_on_the_map(
    physio_client: Client, assessment: Assessment
) -> None:
    signed = signed_with_regions(assessment)

    body = body_of(physio_client.get(reverse("assessments:assessment-print", kwargs={"pk": signed.pk})))

    assert "Where it hurts" in body and "Low back and sacrum (bilateral)" in body
    assert Drawing(body).marked() == {("lumbosacral", "L"), ("lumbosacral", "R"), ("upper_limb", "R")}


def test_the_printed_letter_shows_the_regions_of_its_assessment_in_words_and_on_the_map(
    physio_client: Client, assessment: Assessment
) -> None:
    signed = signed_with_regions(assessment)
    letter = letters.letter_create(
        assessment=signed,
        kind="discharge_summary",
        author=signed.physiotherapist,
        submission_key=uuid.uuid4(),
        result_url="",
    )

    body = body_of(physio_client.get(reverse("records:letter-preview", kwargs={"pk": letter.pk})))

    assert "Where it hurt, from the signed assessment of" in body
    assert "Low back and sacrum (bilateral), Arm (shoulder to hand) (right)" in body
    assert Drawing(body).marked() == {("lumbosacral", "L"), ("lumbosacral", "R"), ("upper_limb", "R")}


@pytest.mark.nu
def test_the_pages_with_the_map_are_valid_html(physio_client: Client, assessment: Assessment, tmp_path: Path) -> None:
    with_regions(assessment, [{"region": "shoulder", "side": "L"}])
    pages = {"history step with the map": body_of(physio_client.get(step_url(assessment, "history")))}
    refused = physio_client.post(step_url(assessment, "history"), history_data(assessment, pain_region_choices=["x"]))
    pages["history step sent back"] = body_of(refused)
    signed = signed_with_regions(assessment)
    letter = letters.letter_create(
        assessment=signed, kind="family_doctor", author=signed.physiotherapist, submission_key=uuid.uuid4(),
        result_url="",
    )  # fmt: skip
    pages["signed history"] = body_of(physio_client.get(step_url(signed, "history")))
    pages["printed assessment"] = body_of(
        physio_client.get(reverse("assessments:assessment-print", kwargs={"pk": signed.pk}))
    )
    pages["printed letter"] = body_of(physio_client.get(reverse("records:letter-preview", kwargs={"pk": letter.pk})))
    files = []
    for index, body in enumerate(pages.values()):
        assert "pain-map" in body
        files.append(tmp_path / f"{index}.html")
        files[-1].write_text(body, encoding="utf-8")

    errors = run_checker(files)

    assert errors == [], "\n".join(f"{list(pages)[int(Path(str(e.get('url', ''))).stem)]}: {e}" for e in errors)
