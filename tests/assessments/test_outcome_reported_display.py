"""The patient's own answers on their phone, as the physiotherapist sees them: on the visit's session and on the
progress chart, marked patient-reported, apart from the clinic's own entries; signed records untouched."""

import html
import re
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from assessments import patient_outcomes
from assessments import services as assessment_services
from assessments.models import Assessment, OutcomeLink
from records.signed_records import SIGNED_RECORDS
from tests.assessments.outcome_course import at, book, patient_in_course
from tests.factories import PractitionerFactory

pytestmark = pytest.mark.django_db

ITEMS = [3, 2, 4, 1, 0, 5, 2, 3, 1, 2]  # 23 of 50


@pytest.fixture(autouse=True)
def clock() -> Iterator[Any]:
    with time_machine.travel(at(9), tick=False) as traveller:
        yield traveller


def text_of(response: Any) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


@pytest.fixture
def answered(physio_client: Client) -> Any:
    """A patient in a course who answered on the phone before today's visit (pain now 6)."""
    patient = patient_in_course(physio_client.user, given_name="Aurèle")
    visit = book(patient, at(10), by=PractitionerFactory(user=physio_client.user))
    course = patient_outcomes.course_questionnaire(patient)
    assert course is not None
    patient_outcomes.issue_link(appointment=visit, course=course)
    link = OutcomeLink.objects.get()
    for number, value in enumerate(ITEMS, start=1):
        patient_outcomes.save_answer(link=link, name=f"item_{number}", value=value)
    patient_outcomes.save_answer(link=link, name="pain_now", value=6)
    patient_outcomes.submit(link=link)
    return visit


def test_the_visits_session_shows_the_patients_answers_marked(answered: Any, physio_client: Client) -> None:
    session = assessment_services.session_start(
        patient=answered.patient, physiotherapist=physio_client.user, appointment=answered
    )

    page = text_of(physio_client.get(reverse("assessments:session-detail", kwargs={"pk": session.pk})))

    assert "Answered by the patient on their phone before this visit" in page
    assert "patient-reported Neck Disability Index (NDI) : 23.0 points out of 50 (moderate)" in page
    assert "pain now 6/10" in page and "Pain intensity: 3" in page


def test_another_visits_session_does_not_show_them(answered: Any, physio_client: Client) -> None:
    session = assessment_services.session_start(patient=answered.patient, physiotherapist=physio_client.user)

    page = text_of(physio_client.get(reverse("assessments:session-detail", kwargs={"pk": session.pk})))

    assert "patient-reported" not in page


def test_the_progress_chart_marks_the_patients_answers_apart(answered: Any, physio_client: Client) -> None:
    response = physio_client.get(reverse("assessments:progress", kwargs={"patient_pk": answered.patient_id}))
    page = text_of(response)
    body = response.content.decode()

    assert "23.0 (patient-reported)" in page  # the table
    assert "NDI, patient-reported" in page  # the legend
    assert 'class="chart-dot line-reported"' in body and "○" in body  # its own marker
    assert "before the visit (patient-reported)" in page and "Before the visit, patient-reported" in page  # pain


def test_the_signed_assessment_still_verifies(answered: Any) -> None:
    assessment = Assessment.objects.get(patient=answered.patient)
    kind = next(kind for kind in SIGNED_RECORDS if kind.model is Assessment)

    assert kind.digests([assessment])[assessment.pk] == assessment.content_digest
