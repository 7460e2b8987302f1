"""Function at the first visit: the complaint's baseline questionnaire, entered item by item on the assessment and
on the session, scored as section 4 of the clinical reference says, and the first point of the progress charts.

Every expected score below is worked by hand from section 4's formulas, not by calling the scoring functions.
"""

import html
import re
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from assessments import outcomes, services
from assessments.forms import OutcomeForm
from assessments.models import Assessment, OutcomeMeasure, TreatmentSession
from records.signed_records import SIGNED_RECORDS
from tests.assessments.signing import sign_assessment
from tests.factories import PatientFactory
from tests.pages import Page, body_of, field_error, physio_client_for, shown

pytestmark = pytest.mark.django_db


def history_url(assessment: Assessment, **query: str) -> str:
    url = reverse("assessments:assessment-step", kwargs={"pk": assessment.pk, "step": "history"})
    return url + "".join(f"?{key}={value}" for key, value in query.items())


def baseline_url(assessment: Assessment) -> str:
    return reverse("assessments:baseline-create", kwargs={"pk": assessment.pk})


def answers(instrument: str, items: list[int | None], **extra: str) -> dict[str, str]:
    """The post of a questionnaire as the page sends it: one radio group per item, an unanswered one left out."""
    data = {"instrument": instrument, **extra}
    data.update({f"item_{n}": str(value) for n, value in enumerate(items, start=1) if value is not None})
    return data


def psfs(ratings: dict[int, tuple[str, int | None]]) -> dict[str, str]:
    data = {"instrument": "PSFS"}
    for number, (activity, rating) in ratings.items():
        data[f"activity_{number}"] = activity
        if rating is not None:
            data[f"item_{number}"] = str(rating)
    return data


def field_errors(response: Any, form_name: str = "baseline_form") -> dict[str, list[str]]:
    return {name: list(errors) for name, errors in response.context[form_name].errors.items()}


@pytest.fixture
def patient() -> Any:
    return PatientFactory(given_name="Zebedee", family_name="Quartermaine")


@pytest.fixture
def assessment(physio_client: Client, patient: Any) -> Assessment:
    """A draft of a neck and arm complaint, with its baseline pain."""
    draft = services.assessment_start(patient=patient, physiotherapist=physio_client.user)
    data = {
        "chief_complaint": "Neck pain into the right arm",
        "pain_regions": [{"region": "head_neck", "side": "R"}, {"region": "upper_limb", "side": "R"}],
        "pain_now": 6,
        "pain_best": 3,
        "pain_worst": 8,
    }
    return services.assessment_save_fields(assessment=draft, data=data, version=draft.version)


# --- Each instrument's items against section 4's scoring, hand-worked -------------------------------------------

HAND_WORKED = {
    # NDI: sum of 10 items 0-5, out of 50. 1+2+1+0+1+1+2+1+1+2 = 12; Vernon's bands: 5-14 mild.
    "NDI, every item": ("NDI", [1, 2, 1, 0, 1, 1, 2, 1, 1, 2], 12.0, "mild", 10),
    # One missed item: % = 18 / (5 x 9) x 100 = 40 %, so 20 out of 50; 15-24 moderate.
    "NDI, one item missed": ("NDI", [2, 2, 2, 2, 2, 2, 2, 2, 2, None], 20.0, "moderate", 9),
    # ODI: % = 25 / (5 x 10) x 100 = 50 %; 41-60 severe.
    "ODI, every section": ("ODI", [1, 2, 3, 4, 5, 0, 1, 2, 3, 4], 50.0, "severe", 10),
    # Two unanswered sections: the denominator is 5 x 8 = 40, so 16 / 40 x 100 = 40 %; 21-40 moderate.
    "ODI, two sections unanswered": ("ODI", [2, 2, 2, 2, 2, 2, 2, 2, None, None], 40.0, "moderate", 8),
    # QuickDASH: ((sum / n) - 1) x 25. Eleven 3s: (33 / 11 - 1) x 25 = 50.
    "QuickDASH, every item": ("QuickDASH", [3] * 11, 50.0, "", 11),
    # Ten of eleven answered: (1+2+3+4+5+1+2+3+4+5) / 10 = 3, (3 - 1) x 25 = 50.
    "QuickDASH, one item missed": ("QuickDASH", [1, 2, 3, 4, 5, None, 1, 2, 3, 4, 5], 50.0, "", 10),
    # LEFS: the sum of 20 activities 0-4: 10 x 4 + 10 x 2 = 60 out of 80.
    "LEFS": ("LEFS", [4] * 10 + [2] * 10, 60.0, "", 20),
}


@pytest.mark.parametrize("case", HAND_WORKED)
def test_each_questionnaire_entered_item_by_item_scores_as_section_4_says(
    physio_client: Client, assessment: Assessment, case: str
) -> None:
    instrument, items, score, band, answered = HAND_WORKED[case]

    response = physio_client.post(baseline_url(assessment), answers(instrument, items), follow=True)

    assert shown("Baseline questionnaire recorded.", response)
    measure = OutcomeMeasure.objects.get()
    assert (measure.instrument, measure.score, measure.band, measure.answered, measure.items) == (
        instrument,
        pytest.approx(score),
        band,
        answered,
        items,
    )
    assert (measure.assessment, measure.session, measure.scoring_version) == (
        assessment,
        None,
        outcomes.SCORING_VERSION,
    )
    assert f"{score:.1f}" in body_of(response)


def test_the_psfs_keeps_the_patients_activities_with_their_ratings_and_scores_their_mean(
    physio_client: Client, assessment: Assessment
) -> None:
    # PSFS: the mean of the activity ratings: (2 + 5 + 8) / 3 = 5.
    data = psfs({1: ("Turning my head to reverse the car", 2), 2: ("Lifting my grandson", 5), 4: ("Typing", 8)})

    response = physio_client.post(baseline_url(assessment), data, follow=True)

    measure = OutcomeMeasure.objects.get()
    assert (measure.instrument, measure.score, measure.items) == ("PSFS", 5.0, [2, 5, 8])
    assert measure.activities == ["Turning my head to reverse the car", "Lifting my grandson", "Typing"]
    assert "Lifting my grandson: 5" in html.unescape(body_of(response))


def test_an_odi_already_scored_on_paper_is_entered_as_its_total(physio_client: Client, assessment: Assessment) -> None:
    response = physio_client.post(baseline_url(assessment), {"instrument": "ODI", "total": "34"}, follow=True)

    measure = OutcomeMeasure.objects.get()
    assert (measure.score, measure.band, measure.items, measure.answered) == (34.0, "moderate", [], 0)
    assert "Total of a paper form already scored" in body_of(response)


# --- What the history step offers -----------------------------------------------------------------------------


def test_the_history_step_offers_the_complaints_regional_questionnaires_and_opens_the_first(
    physio_client: Client, assessment: Assessment
) -> None:
    response = physio_client.get(history_url(assessment))

    body = html.unescape(body_of(response))
    assert "Baseline pain (NPRS 0-10)" in body
    offered = r"(?:<strong aria-current=\"true\">|<a href=\"\?instrument=\w+#baseline\">)([^<]+)</"
    assert re.findall(offered, body)[:3] == [
        "Neck Disability Index (NDI)", "QuickDASH", "Patient-Specific Functional Scale (PSFS)",
    ]  # fmt: skip
    legends = re.findall(r"<legend[^>]*>([^<]+)</legend>", body[body.index('id="baseline"') :])
    assert legends == [
        "1. Pain intensity", "2. Personal care", "3. Lifting", "4. Reading", "5. Headaches", "6. Concentration",
        "7. Work", "8. Driving", "9. Sleeping", "10. Recreation",
    ]  # fmt: skip
    assert body.count('type="radio" name="item_1"') == 6
    assert "0: the first statement, least affected" in body and "5: the last statement, most affected" in body
    assert reverse("assessments:baseline-create", kwargs={"pk": assessment.pk}) in Page(body).actions()


@pytest.mark.parametrize(
    ("region", "instrument", "first_legend", "answers_per_item", "low_anchor"),
    [
        ("lumbosacral", "ODI", "1. Pain", 6, "0: the first statement, least affected"),
        ("upper_limb", "QuickDASH", "Item 1", 5, "1: no difficulty"),
        ("lower_limb", "LEFS", "Activity 1", 5, "0: extreme difficulty or unable"),
        ("chest", "PSFS", "Activity 1", 11, "0: unable"),
    ],
)
def test_each_region_opens_its_own_questionnaire_with_its_answers(
    physio_client: Client, patient: Any, region: str, instrument: str, first_legend: str, answers_per_item: int,
    low_anchor: str,
) -> None:  # fmt: skip
    draft = services.assessment_start(patient=patient, physiotherapist=physio_client.user)
    services.assessment_save_fields(
        assessment=draft, data={"pain_regions": [{"region": region, "side": "L"}]}, version=draft.version
    )

    body = html.unescape(body_of(physio_client.get(history_url(draft))))

    assert f'<input type="hidden" name="instrument" value="{instrument}"' in body
    assert re.findall(r"<legend[^>]*>([^<]+)</legend>", body[body.index('id="baseline"') :])[0] == first_legend
    assert body.count('type="radio" name="item_1"') == answers_per_item
    assert low_anchor in body


def test_another_questionnaire_opens_from_its_link_without_javascript(
    physio_client: Client, assessment: Assessment
) -> None:
    body = body_of(physio_client.get(history_url(assessment, instrument="LEFS")))

    assert '<input type="hidden" name="instrument" value="LEFS"' in body
    assert body.count('type="radio" name="item_20"') == 5


# --- Bad input: message at the field, the other answers kept, nothing saved ------------------------------------


def test_an_answer_off_the_scale_is_refused_at_its_item_keeping_the_others(
    physio_client: Client, assessment: Assessment
) -> None:
    data = answers("NDI", [1, 2, 6, 0, 1, 1, 2, 1, 1, 2])

    response = physio_client.post(baseline_url(assessment), data)

    assert response.status_code == 400
    assert field_errors(response) == {"item_3": ["Choose an answer from 0 to 5."]}
    body = body_of(response)
    assert re.search(r'name="item_2" value="2"[^>]*checked', body)
    assert re.search(r'name="item_10" value="2"[^>]*checked', body)
    assert 'aria-describedby="error_1_id_item_3"' in body
    assert field_error(response, "item_3", "Choose an answer from 0 to 5.")
    assert not OutcomeMeasure.objects.exists()


MISSING_BEYOND_THE_RULE = {
    "NDI, two missed": (
        answers("NDI", [1, 1, 1, 1, 1, 1, 1, 1, None, None]),
        {n: "Answer this section: the NDI is scored with at most one section unanswered." for n in (9, 10)},
    ),
    "QuickDASH, two missed": (
        answers("QuickDASH", [2, None, 2, 2, 2, 2, 2, 2, 2, None, 2]),
        {n: "Answer this item: the QuickDASH needs at least 10 of its 11 items." for n in (2, 10)},
    ),
    "LEFS, one missed": (
        answers("LEFS", [3] * 19 + [None]),
        {20: "Answer this activity: the LEFS is scored with every activity answered."},
    ),
    "ODI, nothing answered": (
        answers("ODI", [None] * 10),
        {1: "Answer the items, or enter the total of a paper form already scored."},
    ),
}


@pytest.mark.parametrize("case", MISSING_BEYOND_THE_RULE)
def test_items_missing_beyond_the_instruments_rule_are_asked_for_at_each_item(
    physio_client: Client, assessment: Assessment, case: str
) -> None:
    data, expected = MISSING_BEYOND_THE_RULE[case]

    response = physio_client.post(baseline_url(assessment), data)

    assert response.status_code == 400
    assert field_errors(response) == {f"item_{n}": [message] for n, message in expected.items()}
    assert not OutcomeMeasure.objects.exists()


PSFS_ERRORS = {
    "two activities": (
        psfs({1: ("Driving", 3), 2: ("Reading", 4)}),
        {"activity_3": ["Name at least three activities the patient finds hard (up to five)."]},
    ),
    "an activity without its rating": (
        psfs({1: ("Driving", 3), 2: ("Reading", None), 3: ("Sleeping", 5)}),
        {"item_2": ["Rate this activity from 0 to 10."]},
    ),
    "a rating without its activity": (
        psfs({1: ("Driving", 3), 2: ("", 4), 3: ("Sleeping", 5)}),
        {"activity_2": ["Name the activity this rating is for."]},
    ),
    "a rating of 11": (
        psfs({1: ("Driving", 3), 2: ("Reading", 11), 3: ("Sleeping", 5)}),
        {"item_2": ["Choose an answer from 0 to 10."]},
    ),
}


@pytest.mark.parametrize("case", PSFS_ERRORS)
def test_a_psfs_activity_without_its_name_or_rating_is_refused_at_the_field(
    physio_client: Client, assessment: Assessment, case: str
) -> None:
    data, expected = PSFS_ERRORS[case]

    response = physio_client.post(baseline_url(assessment), data)

    assert response.status_code == 400
    assert field_errors(response) == expected
    assert 'value="Driving"' in body_of(response)
    assert not OutcomeMeasure.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"instrument": "SF-36"}, "instrument", "Choose one of the questionnaires offered."),
        ({}, "instrument", "Choose the questionnaire."),
        ({"instrument": "ODI", "total": "101"}, "total", "A ODI score goes from 0 to 100."),
        ({"instrument": "NDI", "total": "lots"}, "total", "Enter the total as a number."),
        (
            answers("NDI", [1] * 10, total="10"),
            "total",
            "Enter the item answers or the total of a scored paper form, not both.",
        ),
    ],
)
def test_a_questionnaire_that_is_not_one_or_a_bad_total_is_refused_at_the_field(
    physio_client: Client, assessment: Assessment, data: dict[str, str], field: str, message: str
) -> None:
    response = physio_client.post(baseline_url(assessment), data)

    assert response.status_code == 400
    assert field_errors(response)[field] == [message]
    assert message in html.unescape(body_of(response))
    assert not OutcomeMeasure.objects.exists()


def test_the_same_questionnaire_sent_twice_is_recorded_once(physio_client: Client, assessment: Assessment) -> None:
    data = answers("NDI", [1, 2, 1, 0, 1, 1, 2, 1, 1, 2])
    physio_client.post(baseline_url(assessment), data)

    response = physio_client.post(baseline_url(assessment), data)

    assert response.status_code == 400
    assert field_errors(response) == {"instrument": ["This questionnaire is already recorded at this assessment."]}
    assert "This questionnaire is already recorded at this assessment." in html.unescape(body_of(response))
    assert OutcomeMeasure.objects.count() == 1


def test_a_colleague_cannot_record_a_baseline_on_someone_elses_draft(assessment: Assessment) -> None:
    colleague = physio_client_for("colleague")

    response = colleague.post(baseline_url(assessment), answers("NDI", [1] * 10))

    assert response.status_code == 403
    assert not OutcomeMeasure.objects.exists()
    body = body_of(colleague.get(history_url(assessment)))
    assert reverse("assessments:baseline-create", kwargs={"pk": assessment.pk}) not in body


def test_the_service_refuses_a_baseline_by_someone_else(assessment: Assessment) -> None:
    colleague = physio_client_for("colleague").user
    with pytest.raises(Exception, match=r"Only the physiotherapist who made this assessment records in it\."):
        services.baseline_record(assessment=assessment, recorded_by=colleague, instrument="NDI", total=10)
    assert not OutcomeMeasure.objects.exists()


def signed(assessment: Assessment) -> Assessment:
    return sign_assessment(Assessment.objects.get(pk=assessment.pk))


def test_a_signed_assessment_refuses_a_baseline_and_shows_it_read_only(
    physio_client: Client, assessment: Assessment
) -> None:
    services.baseline_record(
        assessment=assessment, recorded_by=physio_client.user, instrument="NDI", items=[1, 2, 1, 0, 1, 1, 2, 1, 1, 2]
    )
    signed(assessment)

    response = physio_client.post(baseline_url(assessment), answers("QuickDASH", [2] * 11))

    assert response.status_code == 400
    assert "This assessment is signed and cannot change. Add an addendum instead." in body_of(response)
    assert OutcomeMeasure.objects.count() == 1
    body = html.unescape(body_of(physio_client.get(history_url(assessment))))
    assert "Neck Disability Index (NDI)" in body and "12.0 points out of 50 (mild)" in body
    assert reverse("assessments:baseline-create", kwargs={"pk": assessment.pk}) not in body
    measure = OutcomeMeasure.objects.get()
    remove = reverse(
        "assessments:assessment-row-delete", kwargs={"pk": assessment.pk, "kind": "baseline", "row_pk": measure.pk}
    )
    physio_client.post(remove)
    assert OutcomeMeasure.objects.count() == 1


def test_a_baseline_on_a_draft_can_be_removed_and_entered_again(physio_client: Client, assessment: Assessment) -> None:
    physio_client.post(baseline_url(assessment), {"instrument": "NDI", "total": "30"})
    measure = OutcomeMeasure.objects.get()
    remove = reverse(
        "assessments:assessment-row-delete", kwargs={"pk": assessment.pk, "kind": "baseline", "row_pk": measure.pk}
    )

    physio_client.post(remove)
    physio_client.post(baseline_url(assessment), {"instrument": "NDI", "total": "20"})

    assert list(OutcomeMeasure.objects.values_list("score", flat=True)) == [20.0]


# --- Part of the signed assessment ----------------------------------------------------------------------------


def test_the_signature_covers_the_baseline_and_the_print_shows_it(
    physio_client: Client, assessment: Assessment
) -> None:
    services.baseline_record(
        assessment=assessment,
        recorded_by=physio_client.user,
        instrument="PSFS",
        items=[2, 5, 8],
        activities=["Reversing the car", "Lifting", "Typing"],
    )
    record = signed(assessment)

    assert record.content_digest == services.content_digest(Assessment.objects.get(pk=record.pk))
    rows = services.signed_rows(record, services.ASSESSMENT_SIGNED_ROWS)
    assert [row["items"] for row in rows["baseline"]] == [[2, 5, 8]]
    OutcomeMeasure.objects.filter(assessment=record).update(items=[3, 5, 8])  # tampered with behind the app
    kind = next(kind for kind in SIGNED_RECORDS if kind.model is Assessment)
    assert kind.digests([Assessment.objects.get(pk=record.pk)])[record.pk] != record.content_digest

    print_url = reverse("assessments:assessment-print", kwargs={"pk": record.pk})
    printed = html.unescape(body_of(physio_client.get(print_url)))
    assert "Baseline function" in printed
    assert "Patient-Specific Functional Scale (PSFS)" in printed and "Reversing the car: 3" in printed


def test_an_assessment_without_a_baseline_keeps_the_digest_it_was_signed_with(assessment: Assessment) -> None:
    """The content as signatures covered it before the baseline (and the other later parts) could be recorded."""
    record = Assessment.objects.get(pk=assessment.pk)
    without_baseline = services.digest_of(
        {
            "assessment": {
                field: getattr(record, field)
                for field in services.ASSESSMENT_SIGNED_FIELDS
                if field not in services.ASSESSMENT_LATER_FIELDS
            },
            **{
                key: rows
                for key, rows in services.signed_rows(record, services.ASSESSMENT_SIGNED_ROWS).items()
                if key not in services.ASSESSMENT_ROWS_ADDED_LATER
            },
        }
    )

    assert services.content_digest(record) == without_baseline


# --- The progress page starts at the baseline -----------------------------------------------------------------


def test_the_progress_page_starts_each_chart_at_the_assessments_baseline(physio_client: Client, patient: Any) -> None:
    physio = physio_client.user
    with time_machine.travel(datetime(2026, 4, 1, 9, tzinfo=UTC), tick=False):
        draft = services.assessment_start(patient=patient, physiotherapist=physio)
        services.assessment_save_fields(
            assessment=draft,
            data={"chief_complaint": "Neck pain", "pain_now": 7, "pain_best": 4, "pain_worst": 9},
            version=draft.version,
        )
        services.baseline_record(
            assessment=draft, recorded_by=physio, instrument="NDI", items=[2, 2, 2, 2, 2, 2, 2, 2, 2, None]
        )
    for day, before, ndi in ((8, 5, 15), (15, 4, 10)):
        with time_machine.travel(datetime(2026, 4, day, 9, tzinfo=UTC), tick=False):
            session = services.session_start(patient=patient, physiotherapist=physio)
            services.session_save_fields(
                session=session, data={"pain_before": before, "needles_accounted_for": True}, version=session.version
            )
            services.outcome_record(patient=patient, session=session, instrument="NDI", total=ndi, recorded_by=physio)
            session = TreatmentSession.objects.get(pk=session.pk)
            services.session_sign(session=session, signed_by=physio, version=session.version)

    response = physio_client.get(reverse("assessments:progress", kwargs={"patient_pk": patient.pk}))

    body = html.unescape(body_of(response))
    page = Page(body)
    pain, ndi_chart = page.charts
    assert "The first point is the baseline: the pain now at the first visit." in body
    assert len(pain["dots"]) == 3 and pain["bands"] == 1
    assert "Pain now at the first visit to pain before the latest session: 7 → 4, 3 points better (43%)" in body
    assert any(row[0].startswith("2026-04-01, first visit: now 7, at best 4, at worst 9") for row in page.rows)
    # NDI baseline: 18 / 45 x 100 = 40 %, 20 out of 50; then 15 and 10. 20 -> 10 is 10 points, past the 7.5 MCID.
    assert len(ndi_chart["dots"]) == 3
    assert "Baseline to latest score: 20.0 → 10.0, 10 points better: a clinically important improvement" in body
    assert ["2026-04-01", "20.0 (baseline)"] in [list(row) for row in page.rows]


def test_a_baseline_of_an_assessment_entered_in_error_is_left_off_the_progress_page(
    physio_client: Client, assessment: Assessment, patient: Any
) -> None:
    services.baseline_record(assessment=assessment, recorded_by=physio_client.user, instrument="NDI", total=30)
    services.assessment_mark_entered_in_error(assessment=assessment, by=physio_client.user, reason="Wrong patient")

    body = body_of(physio_client.get(reverse("assessments:progress", kwargs={"patient_pk": patient.pk})))

    assert "(baseline)" not in body and "first visit" not in body


# --- The session: every instrument item by item too ------------------------------------------------------------


@pytest.fixture
def session(physio_client: Client, assessment: Assessment, patient: Any) -> TreatmentSession:
    services.baseline_record(
        assessment=assessment,
        recorded_by=physio_client.user,
        instrument="PSFS",
        items=[2, 5, 8],
        activities=["Reversing the car", "Lifting", "Typing"],
    )
    started = services.session_start(patient=patient, physiotherapist=physio_client.user)
    TreatmentSession.objects.filter(pk=started.pk).update(assessment=assessment)
    return TreatmentSession.objects.get(pk=started.pk)


def session_outcome_url(session: TreatmentSession) -> str:
    return reverse("assessments:outcome-create", kwargs={"pk": session.pk})


def test_the_session_offers_the_baseline_questionnaire_with_the_patients_activities(
    physio_client: Client, session: TreatmentSession
) -> None:
    body = body_of(physio_client.get(reverse("assessments:session-detail", kwargs={"pk": session.pk})))

    assert '<input type="hidden" name="instrument" value="PSFS"' in body
    assert 'name="activity_1" value="Reversing the car"' in body and 'name="activity_3" value="Typing"' in body
    assert body.count('type="radio" name="item_1"') == 11


def test_a_session_records_a_questionnaire_item_by_item(physio_client: Client, session: TreatmentSession) -> None:
    data = answers("QuickDASH", [1, 2, 3, 4, 5, None, 1, 2, 3, 4, 5])

    response = physio_client.post(session_outcome_url(session), data, follow=True)

    assert shown("Outcome measure recorded.", response)
    measure = OutcomeMeasure.objects.get(session=session)
    assert (measure.instrument, measure.score, measure.answered) == ("QuickDASH", 50.0, 10)
    assert "QuickDASH" in html.unescape(body_of(response))


def test_a_session_refuses_an_answer_off_the_scale_at_its_item(
    physio_client: Client, session: TreatmentSession
) -> None:
    response = physio_client.post(session_outcome_url(session), answers("LEFS", [4] * 19 + [5]))

    assert response.status_code == 400
    assert field_errors(response, "outcome_form") == {"item_20": ["Choose an answer from 0 to 4."]}
    assert re.search(r'name="item_19" value="4"[^>]*checked', body_of(response))
    assert not OutcomeMeasure.objects.filter(session=session).exists()


def test_the_same_answers_sent_twice_to_a_session_are_recorded_once(
    physio_client: Client, session: TreatmentSession
) -> None:
    page = body_of(physio_client.get(reverse("assessments:session-detail", kwargs={"pk": session.pk})))
    entry_key = re.search(r'name="entry_key" value="([0-9a-f-]+)"', page)
    assert entry_key is not None
    data = {**psfs({1: ("Reversing the car", 4), 2: ("Lifting", 6), 3: ("Typing", 8)}), "entry_key": entry_key[1]}
    physio_client.post(session_outcome_url(session), data)

    response = physio_client.post(session_outcome_url(session), data)

    assert response.status_code == 400
    assert field_errors(response, "outcome_form") == {"instrument": ["This questionnaire is already recorded."]}
    assert "This questionnaire is already recorded." in html.unescape(body_of(response))
    assert OutcomeMeasure.objects.filter(session=session).count() == 1
    # The same answers from a newly opened form are a new record: a questionnaire may be taken again.
    physio_client.post(session_outcome_url(session), {**data, "entry_key": ""})
    assert OutcomeMeasure.objects.filter(session=session).count() == 2


def test_a_form_key_that_is_not_one_is_refused_and_nothing_saved(
    physio_client: Client, session: TreatmentSession
) -> None:
    data = {**answers("NDI", [1] * 10), "entry_key": "not-a-key"}

    response = physio_client.post(session_outcome_url(session), data)

    assert response.status_code == 400
    assert "The page was out of date: open the questionnaire again." in body_of(response)
    assert re.search(r'name="item_10" value="1"[^>]*checked', body_of(response))
    assert not OutcomeMeasure.objects.filter(session=session).exists()


def test_the_outcome_form_has_no_comma_separated_field() -> None:
    for code in outcomes.InstrumentCode:
        form = OutcomeForm(instrument=code.value)
        assert "items" not in form.fields
        assert [name for name in form.fields if name.startswith("item_")] == [
            f"item_{n}" for n in range(1, len(outcomes.ITEM_TOPICS[code]) + 1)
        ]
