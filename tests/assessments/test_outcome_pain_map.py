"""Where it hurts today, on the last page of the outcome questionnaire on the phone: marked on the pain map with the
pain now (optional), kept as a draft between the pages, stored with the patient's answers and shown on the visit's
session, read-only."""

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
from assessments.models import OutcomeLink, OutcomeMeasure, OutcomeSource
from scheduling.models import Appointment
from tests.assessments.outcome_course import NDI_ITEMS, at, book, patient_in_course
from tests.factories import PractitionerFactory

pytestmark = pytest.mark.django_db

LAST = len(NDI_ITEMS) + 1  # the pain now, and where it hurts


@pytest.fixture(autouse=True)
def clock() -> Iterator[Any]:
    with time_machine.travel(at(9), tick=False) as traveller:
        yield traveller


@pytest.fixture
def visit(physio_client: Client) -> Appointment:
    patient = patient_in_course(physio_client.user, given_name="Aurèle")
    return book(patient, at(10), by=PractitionerFactory(user=physio_client.user))


@pytest.fixture
def token(visit: Appointment) -> str:
    course = patient_outcomes.course_questionnaire(visit.patient)
    assert course is not None
    return patient_outcomes.issue_link(appointment=visit, course=course)


def question_url(token: str, number: int) -> str:
    return reverse("outcome_questionnaire:question", kwargs={"token": token, "number": number})


def text_of(response: Any) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def checked_boxes(response: Any) -> list[str]:
    return re.findall(r'<input[^>]*name="where" value="([^"]+)"[^>]*checked', response.content.decode())


@pytest.fixture
def phone(token: str, visit: Appointment) -> Client:
    """The patient's phone past the date of birth, every question answered but the last."""
    client = Client()
    client.post(
        reverse("outcome_questionnaire:start", kwargs={"token": token}),
        {"date_of_birth": visit.patient.date_of_birth.isoformat()},
    )
    for number, value in enumerate(NDI_ITEMS, start=1):
        assert client.post(question_url(token, number), {"answer": str(value), "go": "next"}).status_code == 302
    return client


def test_the_last_page_asks_where_it_hurts_with_the_map_and_a_plain_list(phone: Client, token: str) -> None:
    page = phone.get(question_url(token, LAST))

    words = text_of(page)
    assert "Your pain right now" in words and "Where does it hurt today?" in words
    assert "Optional. Mark every place that hurts." in words
    # Without JavaScript the answer is the list of checkboxes the page sends as it is.
    assert (
        '<input class="form-check-input" type="checkbox" name="where" value="lumbosacral:B"' in page.content.decode()
    )
    assert "Lower back, both sides" in words and "data-pain-map" in page.content.decode()
    assert "Where does it hurt today?" not in text_of(phone.get(question_url(token, 1)))


def test_the_places_marked_are_stored_with_the_answers_and_shown_on_the_visits_session(
    phone: Client, token: str, visit: Appointment, physio_client: Client
) -> None:
    sent = phone.post(
        question_url(token, LAST), {"answer": "6", "where": ["lumbosacral:B", "shoulder:R"], "go": "next"}
    )

    assert sent.status_code == 200 and "Thank you" in text_of(sent)
    measure = OutcomeMeasure.objects.get(source=OutcomeSource.PATIENT)
    assert measure.pain_now == 6
    assert measure.pain_regions == [{"region": "lumbosacral", "side": "B"}, {"region": "shoulder", "side": "R"}]

    session = assessment_services.session_start(
        patient=visit.patient, physiotherapist=physio_client.user, appointment=visit
    )
    page = physio_client.get(reverse("assessments:session-detail", kwargs={"pk": session.pk}))
    words = text_of(page)
    assert "pain now 6/10" in words
    assert "Where it hurt that day: Low back and sacrum (bilateral), Shoulder and shoulder blade (right)" in words
    assert "pain-map-readonly" in page.content.decode()
    assert (
        'aria-label="Body diagram, front and back. Where it hurts: Lower back, both sides; ' in page.content.decode()
    )


def test_nothing_marked_is_fine(phone: Client, token: str, visit: Appointment, physio_client: Client) -> None:
    sent = phone.post(question_url(token, LAST), {"answer": "2", "go": "next"})

    assert "Thank you" in text_of(sent)
    assert OutcomeMeasure.objects.get(source=OutcomeSource.PATIENT).pain_regions == []
    session = assessment_services.session_start(
        patient=visit.patient, physiotherapist=physio_client.user, appointment=visit
    )
    page = physio_client.get(reverse("assessments:session-detail", kwargs={"pk": session.pk}))
    assert "Where it hurt that day" not in text_of(page) and "pain-map-readonly" not in page.content.decode()


def test_the_places_are_kept_going_back_and_forth(phone: Client, token: str) -> None:
    back = phone.post(question_url(token, LAST), {"answer": "5", "where": ["buttock:L"], "go": "back"})
    assert back.status_code == 302 and back["Location"] == question_url(token, LAST - 1)

    again = phone.get(question_url(token, LAST))

    assert checked_boxes(again) == ["buttock:L"]
    assert '<input class="form-check-input" type="radio" name="answer" value="5" id="id_answer_5" checked>' in (
        again.content.decode()
    )
    assert OutcomeMeasure.objects.filter(source=OutcomeSource.PATIENT).count() == 0


def test_an_unknown_place_is_refused_at_the_map_the_rest_kept_nothing_saved(phone: Client, token: str) -> None:
    refused = phone.post(question_url(token, LAST), {"answer": "7", "where": ["shoulder:R", "elbow:X"], "go": "next"})

    assert refused.status_code == 400
    page = refused.content.decode()
    assert re.search(r'id="where-error" role="alert">Choose the places from the list\.</div>', page)
    assert 'aria-describedby="where-error"' in page
    assert checked_boxes(refused) == ["shoulder:R"]
    assert '<input class="form-check-input" type="radio" name="answer" value="7" id="id_answer_7" checked>' in page
    assert OutcomeMeasure.objects.filter(source=OutcomeSource.PATIENT).count() == 0
    link = OutcomeLink.objects.get()
    assert link.used_at is None and "pain_now" not in link.answers and "pain_regions" not in link.answers

    sent = phone.post(question_url(token, LAST), {"answer": "7", "where": ["shoulder:R"], "go": "next"})
    assert "Thank you" in text_of(sent)
    measure = OutcomeMeasure.objects.get(source=OutcomeSource.PATIENT)
    assert measure.pain_regions == [{"region": "shoulder", "side": "R"}]


def test_a_place_given_as_anything_but_a_code_is_refused_too(phone: Client, token: str) -> None:
    for where in ["", "lumbosacral", "lumbosacral:B:B", "<script>", "x" * 5000]:
        refused = phone.post(question_url(token, LAST), {"answer": "3", "where": [where], "go": "next"})
        assert refused.status_code == 400 and "Choose the places from the list." in text_of(refused)
    assert OutcomeMeasure.objects.count() == OutcomeMeasure.objects.exclude(source=OutcomeSource.PATIENT).count()


def test_a_double_submit_stores_the_places_once(phone: Client, token: str) -> None:
    first = phone.post(question_url(token, LAST), {"answer": "6", "where": ["pelvis:L"], "go": "next"})
    again = phone.post(question_url(token, LAST), {"answer": "1", "where": ["chest:R"], "go": "next"})

    assert "Thank you" in text_of(first) and "Thank you" in text_of(again)
    measure = OutcomeMeasure.objects.get(source=OutcomeSource.PATIENT)
    assert (measure.pain_now, measure.pain_regions) == (6, [{"region": "pelvis", "side": "L"}])


def test_the_question_speaks_french_to_a_french_speaking_patient(
    phone: Client, token: str, visit: Appointment
) -> None:
    visit.patient.preferred_language = "fr-ca"
    visit.patient.save(update_fields=["preferred_language"])

    words = text_of(phone.get(question_url(token, LAST)))

    assert "Où avez-vous mal aujourd’hui?" in words and "Facultatif." in words
