"""The outcome questionnaire on the patient's phone (/o/<token>/): the date of birth first, one question a page with
back and next, the answers kept between pages, sent once and scored as the clinic's own entry scores them."""

import html
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from assessments import patient_outcomes
from assessments import services as assessment_services
from assessments.models import OutcomeLink, OutcomeMeasure, OutcomeSource
from patients.models import LinkLookupFailure
from scheduling import services as scheduling_services
from scheduling.models import Appointment
from tests.assessments.outcome_course import NDI_ITEMS, at, book, patient_in_course, practitioner
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock() -> Iterator[Any]:
    with time_machine.travel(at(9, days=-1), tick=False) as traveller:
        yield traveller


def issue(visit: Appointment) -> str:
    course = patient_outcomes.course_questionnaire(visit.patient)
    assert course is not None
    return patient_outcomes.issue_link(appointment=visit, course=course)


@pytest.fixture
def visit() -> Appointment:
    return book(patient_in_course(given_name="Aurèle"), at(10), by=practitioner())


@pytest.fixture
def token(visit: Appointment) -> str:
    return issue(visit)


def start_url(token: str) -> str:
    return reverse("outcome_questionnaire:start", kwargs={"token": token})


def question_url(token: str, number: int) -> str:
    return reverse("outcome_questionnaire:question", kwargs={"token": token, "number": number})


def text_of(response: Any) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def confirmed(token: str, visit: Appointment) -> Client:
    """The patient's phone, past the date of birth."""
    client = Client()
    response = client.post(start_url(token), {"date_of_birth": visit.patient.date_of_birth.isoformat()})
    assert response.status_code == 302
    return client


def answer_all(client: Client, token: str, answers: list[int], pain_now: int = 4) -> Any:
    response = None
    for number, value in enumerate([*answers, pain_now], start=1):
        response = client.post(question_url(token, number), {"answer": str(value), "go": "next"})
    return response


def test_the_link_asks_for_the_date_of_birth_before_anything(token: str, visit: Appointment) -> None:
    response = Client().get(start_url(token))

    assert response.status_code == 200
    assert "confirm your date of birth" in text_of(response)
    assert "Pain intensity" not in text_of(response)
    assert response["Cache-Control"].startswith("max-age=0") or "no-cache" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"


def test_a_wrong_date_of_birth_is_refused_and_the_last_allowed_try_locks_the_link(
    token: str, visit: Appointment, settings: Any
) -> None:
    client = Client()
    for _ in range(settings.CLINIC_QUESTIONNAIRE_DOB_TRIES - 1):
        wrong = client.post(start_url(token), {"date_of_birth": "1900-01-01"})
        assert "does not match" in text_of(wrong)

    locked = client.post(start_url(token), {"date_of_birth": "1900-01-01"})

    assert locked.status_code == 403
    right = client.post(start_url(token), {"date_of_birth": visit.patient.date_of_birth.isoformat()})
    assert right.status_code == 404 and "cannot be used" in text_of(right)


def test_the_patient_answers_item_by_item_and_the_score_is_stored_as_theirs(token: str, visit: Appointment) -> None:
    client = confirmed(token, visit)

    intro = client.get(start_url(token))
    assert intro.status_code == 200
    assert "11 short questions" in text_of(intro) and "Hello Aurèle" in text_of(intro)
    first = client.get(question_url(token, 1))
    assert "1 of 11" in text_of(first) and "Pain intensity" in text_of(first)
    assert "0: least affected" in text_of(first) and "5: most affected" in text_of(first)
    moved_on = client.post(question_url(token, 1), {"answer": "2", "go": "next"})
    assert moved_on.status_code == 302 and moved_on["Location"] == question_url(token, 2)
    pain = client.get(question_url(token, 11))
    assert "Your pain right now" in text_of(pain) and "10: worst pain imaginable" in text_of(pain)

    thanks = answer_all(client, token, NDI_ITEMS, pain_now=6)

    assert thanks.status_code == 200 and "Thank you" in text_of(thanks)
    measure = OutcomeMeasure.objects.get(source=OutcomeSource.PATIENT)
    assert measure.appointment == visit and measure.items == NDI_ITEMS and measure.pain_now == 6
    assert measure.score == sum(NDI_ITEMS) and measure.recorded_by is None
    assert measure.session is None and measure.assessment is None
    assert OutcomeLink.objects.get().used_at is not None


def test_answers_are_kept_going_back_and_forth(token: str, visit: Appointment) -> None:
    client = confirmed(token, visit)
    client.post(question_url(token, 1), {"answer": "3", "go": "next"})
    client.post(question_url(token, 2), {"answer": "1", "go": "next"})

    back = client.post(question_url(token, 3), {"go": "back"})
    assert back.status_code == 302 and back["Location"] == question_url(token, 2)

    page = client.get(question_url(token, 1)).content.decode()
    assert re.search(r'value="3"[^>]*checked', page)
    assert "Continue" in text_of(client.get(start_url(token)))


@pytest.mark.parametrize(
    ("posted", "message"),
    [({}, "Please choose an answer."), ({"answer": "9"}, "Please choose one of the answers shown."),
     ({"answer": "-1"}, "Please choose one of the answers shown."), ({"answer": "two"}, "Please choose one")],
)  # fmt: skip
def test_a_missing_or_out_of_range_answer_is_refused_at_the_question(
    token: str, visit: Appointment, posted: dict[str, str], message: str
) -> None:
    client = confirmed(token, visit)
    client.post(question_url(token, 1), {"answer": "3", "go": "next"})

    refused = client.post(question_url(token, 2), {**posted, "go": "next"})

    assert refused.status_code == 400
    assert message in text_of(refused)
    assert 'aria-describedby="answer-prompt answer-error"' in refused.content.decode()
    assert OutcomeLink.objects.get().answers == {"item_1": 3}  # the earlier answer kept, nothing else saved


def test_sending_with_a_question_skipped_shows_that_question(token: str, visit: Appointment) -> None:
    client = confirmed(token, visit)
    client.post(question_url(token, 1), {"answer": "3", "go": "next"})

    refused = client.post(question_url(token, 11), {"answer": "5", "go": "next"})

    assert (
        refused.status_code == 400 and "2 of 11" in text_of(refused) and "Please choose an answer." in text_of(refused)
    )
    assert OutcomeMeasure.objects.filter(source=OutcomeSource.PATIENT).count() == 0


def test_a_double_submit_is_stored_once(token: str, visit: Appointment) -> None:
    client = confirmed(token, visit)
    answer_all(client, token, NDI_ITEMS)

    again = client.post(question_url(token, 11), {"answer": "4", "go": "next"})

    assert again.status_code == 200 and "Thank you" in text_of(again)
    assert OutcomeMeasure.objects.filter(source=OutcomeSource.PATIENT).count() == 1
    with pytest.raises(patient_outcomes.AlreadyAnswered):
        patient_outcomes.submit(link=OutcomeLink.objects.get())


def test_a_used_link_shows_another_browser_the_neutral_page(token: str, visit: Appointment) -> None:
    answer_all(confirmed(token, visit), token, NDI_ITEMS)

    response = Client().get(start_url(token))

    assert response.status_code == 404 and "This link cannot be used" in text_of(response)
    assert "Aurèle" not in text_of(response)


def test_a_forged_token_gets_the_neutral_page_and_counts_as_a_guess(db: None) -> None:
    response = Client().get(start_url("x" * 43))

    assert response.status_code == 404 and "This link cannot be used" in text_of(response)
    assert LinkLookupFailure.objects.count() == 1


def test_guessing_is_slowed_then_refused(db: None, settings: Any) -> None:
    client = Client()
    statuses = [client.get(start_url(f"{n:043d}")).status_code for n in range(settings.CLINIC_LINK_LOOKUP_FREE + 2)]

    assert statuses[:-1] == [404] * (settings.CLINIC_LINK_LOOKUP_FREE + 1) and statuses[-1] == 429


def test_an_expired_link_is_neutral_to_a_stranger_and_closed_to_the_patient(
    token: str, visit: Appointment, clock: Any
) -> None:
    clock.move_to(visit.ends_at - timedelta(minutes=5))
    patient_phone = confirmed(token, visit)
    patient_phone.post(question_url(token, 1), {"answer": "3", "go": "next"})
    clock.move_to(visit.ends_at + timedelta(minutes=1))

    closed = patient_phone.post(question_url(token, 2), {"answer": "3", "go": "next"})
    stranger = Client().get(start_url(token))

    assert closed.status_code == 410 and "These questions are closed" in text_of(closed)
    assert stranger.status_code == 404 and "This link cannot be used" in text_of(stranger)
    assert OutcomeMeasure.objects.filter(source=OutcomeSource.PATIENT).count() == 0


def test_answers_sent_after_the_visit_are_refused_with_the_closed_page(
    token: str, visit: Appointment, clock: Any
) -> None:
    clock.move_to(visit.ends_at - timedelta(minutes=10))
    client = confirmed(token, visit)
    for number, value in enumerate(NDI_ITEMS, start=1):
        client.post(question_url(token, number), {"answer": str(value), "go": "next"})
    clock.move_to(visit.ends_at)

    response = client.post(question_url(token, 11), {"answer": "2", "go": "next"})

    assert response.status_code == 410 and "These questions are closed" in text_of(response)
    assert OutcomeMeasure.objects.filter(source=OutcomeSource.PATIENT).count() == 0


def test_a_link_of_a_moved_visit_is_closed(token: str, visit: Appointment) -> None:
    client = confirmed(token, visit)
    scheduling_services.appointment_reschedule(
        appointment=visit, starts_at=at(14, days=1), changed_by=UserFactory(roles=[Role.FRONT_DESK])
    )

    response = client.get(question_url(token, 1))

    assert response.status_code == 410 and "These questions are closed" in text_of(response)


def test_another_patients_link_asks_for_their_date_of_birth(token: str, visit: Appointment) -> None:
    client = confirmed(token, visit)
    other_visit = book(patient_in_course(given_name="Bérénice"), at(11), by=practitioner())
    other_token = issue(other_visit)

    asked = client.get(question_url(other_token, 1))
    mine = client.post(question_url(other_token, 1), {"date_of_birth": visit.patient.date_of_birth.isoformat()})

    assert "confirm your date of birth" in text_of(asked) and "Pain intensity" not in text_of(asked)
    if visit.patient.date_of_birth != other_visit.patient.date_of_birth:
        assert "does not match" in text_of(mine)
    assert OutcomeLink.objects.get(appointment=other_visit).answers == {}


def test_a_question_number_out_of_range_goes_back_to_the_start(token: str, visit: Appointment) -> None:
    client = confirmed(token, visit)

    for number in (99, 0, "pain"):
        response = client.get(question_url(token, number))  # type: ignore[arg-type]

        assert response.status_code == 302 and response["Location"] == start_url(token)


# --- The same answers, the same score: the phone and the clinic's own entry ------------------------------------

CASES = {
    "NDI": ([3, 2, 4, 1, 0, 5, 2, 3, 1, 2], None),
    "ODI": ([1, 2, 3, 4, 5, 0, 1, 2, 3, 4], None),
    "QuickDASH": ([1, 2, 3, 4, 5, 1, 2, 3, 4, 5, 3], None),
    "LEFS": ([0, 1, 2, 3, 4] * 4, None),
    "PSFS": ([3, 7, 5, 9], ["Lifting my grandson", "Gardening", "Driving to work", "Typing"]),
}


@pytest.mark.parametrize("instrument", list(CASES))
def test_the_phone_scores_the_same_answers_as_the_clinics_entry(instrument: str, physio_client: Client) -> None:
    items, activities = CASES[instrument]
    patient = patient_in_course(
        instrument=instrument, items=items if instrument != "LEFS" else [4] * 20, activities=activities
    )
    visit = book(patient, at(10), by=practitioner())
    token = issue(visit)
    answer_all(confirmed(token, visit), token, items)
    session = assessment_services.session_start(patient=patient, physiotherapist=physio_client.user)
    posted = {"instrument": instrument, **{f"item_{n}": str(v) for n, v in enumerate(items, start=1)}}
    posted.update({f"activity_{n}": text for n, text in enumerate(activities or [], start=1)})

    staff = physio_client.post(reverse("assessments:outcome-create", kwargs={"pk": session.pk}), posted)

    assert staff.status_code == 302
    phone = OutcomeMeasure.objects.get(source=OutcomeSource.PATIENT)
    clinic = OutcomeMeasure.objects.get(session=session)
    assert (phone.instrument, phone.score, phone.raw_sum, phone.answered, phone.band) == (
        clinic.instrument, clinic.score, clinic.raw_sum, clinic.answered, clinic.band,
    )  # fmt: skip
    assert phone.items == clinic.items and phone.activities == clinic.activities


def test_the_pages_take_the_same_few_queries_however_much_the_clinic_holds(token: str, visit: Appointment) -> None:
    client = confirmed(token, visit)
    client.post(question_url(token, 1), {"answer": "3", "go": "next"})
    pages = [start_url(token), question_url(token, 2), question_url(token, 11)]
    before = []
    for url in pages:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        before.append(len(queries))

    for hour in (11, 13, 14):  # more patients in a course, their links and answers
        other = book(patient_in_course(), at(hour), by=practitioner())
        other_token = issue(other)
        answer_all(confirmed(other_token, other), other_token, NDI_ITEMS)
    for number, value in enumerate(NDI_ITEMS[1:], start=2):
        client.post(question_url(token, number), {"answer": str(value), "go": "next"})

    after = []
    for url in pages:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        after.append(len(queries))
    assert after == before and max(before) <= 12


def test_the_pages_speak_the_patients_language_and_leave_the_next_request_alone(db: None) -> None:
    from django.utils import translation

    visit = book(patient_in_course(preferred_language="fr-ca"), at(10), by=practitioner())
    token = issue(visit)
    client = confirmed(token, visit)

    intro = client.get(start_url(token))

    assert "2 mars 2026" in text_of(intro)  # the visit's day, in French (Django's own month names)
    assert translation.get_language() == "en-ca"


def test_a_french_speaking_patient_reads_each_items_topic_in_french(db: None) -> None:
    visit = book(patient_in_course(preferred_language="fr-ca"), at(10), by=practitioner())
    token = issue(visit)
    client = confirmed(token, visit)

    first = client.get(question_url(token, 1))
    second = client.get(question_url(token, 2))

    assert "Intensité de la douleur" in text_of(first) and "Pain intensity" not in text_of(first)
    assert "Soins personnels" in text_of(second) and "Personal care" not in text_of(second)


def test_the_language_switcher_changes_the_outcome_pages_language(token: str, visit: Appointment) -> None:
    client = confirmed(token, visit)

    switched = client.get(start_url(token), {"lang": "fr-ca"})
    assert switched.status_code == 302 and switched["Location"] == start_url(token)
    intro = client.get(start_url(token))
    question = client.get(question_url(token, 11))

    assert intro["Content-Language"] == "fr-ca" and "Bonjour Aurèle" in text_of(intro)
    assert "Votre douleur en ce moment" in text_of(question)
