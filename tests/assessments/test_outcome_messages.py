"""The outcome questionnaire's message before each visit of a course: queued at booking for its time, a new one
when the visit moves (the old one skipped when it comes due), cancelled with the visit, composed in the patient's
language with a private link that expires at the visit's end."""

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail

from accounts.roles import Role
from assessments import patient_outcomes
from assessments.models import OutcomeLink
from patients import messaging
from patients.models import ContactMethod, Message, MessageKind, MessageStatus
from scheduling import services as scheduling_services
from tests.assessments.outcome_course import at, book, patient_in_course, practitioner
from tests.factories import PatientFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clock() -> Iterator[Any]:
    with time_machine.travel(at(7, days=-7), tick=False) as traveller:
        yield traveller


@pytest.fixture
def physio() -> Any:
    return practitioner()


def outcome_messages() -> list[Message]:
    return list(Message.objects.filter(kind=MessageKind.OUTCOME).order_by("pk"))


def test_booking_a_visit_of_a_course_queues_its_questionnaire_a_day_before(physio: Any) -> None:
    patient = patient_in_course(email="ana@example.com")

    visit = book(patient, at(10), by=physio)

    (message,) = outcome_messages()
    assert message.status == MessageStatus.QUEUED
    assert message.send_after == at(10) - timedelta(hours=24)
    assert str(visit.pk) in message.key and message.about == f"appointment:{visit.pk}"


def test_the_hours_before_come_from_the_setting(physio: Any, settings: Any) -> None:
    settings.CLINIC_OUTCOME_BEFORE_HOURS = 6
    book(patient_in_course(), at(10), by=physio)

    assert outcome_messages()[0].send_after == at(4)


def test_a_patient_without_a_signed_course_gets_no_questionnaire(physio: Any) -> None:
    book(PatientFactory(), at(10), by=physio)

    assert outcome_messages() == []


def test_visits_booked_before_the_assessment_is_signed_get_theirs_at_signing(physio: Any) -> None:
    from assessments import services
    from tests.assessments.signing import sign_assessment

    patient = PatientFactory()
    visit = book(patient, at(10, days=7), by=physio)
    assert outcome_messages() == []
    clinician = UserFactory(roles=[Role.PHYSIOTHERAPIST])
    assessment = services.assessment_start(patient=patient, physiotherapist=clinician)
    assessment = services.assessment_save_fields(
        assessment=assessment, data={"chief_complaint": "Low back pain"}, version=assessment.version
    )
    services.baseline_record(assessment=assessment, recorded_by=clinician, instrument="ODI", items=[1] * 10)
    sign_assessment(assessment)

    (message,) = outcome_messages()
    assert message.send_after == visit.starts_at - timedelta(hours=24)


def test_it_is_sent_when_due_with_a_link_that_expires_at_the_visits_end(physio: Any, clock: Any) -> None:
    patient = patient_in_course(email="ana@example.com", preferred_contact_method=ContactMethod.EMAIL)
    visit = book(patient, at(10), by=physio)
    (message,) = outcome_messages()
    assert messaging.deliver(message.pk) is None  # not due yet

    clock.move_to(message.send_after)
    sent = messaging.deliver(message.pk)

    assert sent is not None and sent.status == MessageStatus.SENT
    (email,) = mail.outbox
    assert email.to == ["ana@example.com"]
    assert re.search(r"http://\S+/o/[\w-]{40,}/", email.body)
    assert "Neck" not in email.body and "NDI" not in email.body  # nothing clinical in the message
    assert "[private link]" in sent.body and "/o/" not in sent.body  # the token is never stored
    link = OutcomeLink.objects.get()
    assert link.appointment == visit and link.expires_at == visit.ends_at and link.instrument == "NDI"


def test_moving_the_visit_queues_a_new_message_and_the_old_one_is_skipped_when_due(physio: Any, clock: Any) -> None:
    patient = patient_in_course(email="ana@example.com", preferred_contact_method=ContactMethod.EMAIL)
    visit = book(patient, at(10), by=physio)
    desk = UserFactory(roles=[Role.FRONT_DESK])

    scheduling_services.appointment_reschedule(appointment=visit, starts_at=at(14, days=1), changed_by=desk)

    old, new = outcome_messages()
    assert old.key != new.key and new.send_after == at(14)
    clock.move_to(old.send_after)
    skipped = messaging.deliver(old.pk)
    assert skipped is not None and skipped.status == MessageStatus.SKIPPED
    assert "moved" in skipped.note and mail.outbox == []
    clock.move_to(new.send_after)
    assert messaging.deliver(new.pk).status == MessageStatus.SENT  # type: ignore[union-attr]
    assert len(mail.outbox) == 1 and OutcomeLink.objects.get().visit_starts_at == at(14, days=1)


def test_cancelling_the_visit_cancels_its_message(physio: Any, clock: Any) -> None:
    visit = book(patient_in_course(), at(10), by=physio)

    scheduling_services.appointment_cancel(
        appointment=visit, reason="Patient is unwell.", cancelled_by=UserFactory(roles=[Role.FRONT_DESK])
    )

    (message,) = outcome_messages()
    assert message.status == MessageStatus.SKIPPED and message.note == "The visit was cancelled."
    clock.move_to(at(10) - timedelta(hours=24))
    assert messaging.deliver(message.pk) is None and mail.outbox == []


def test_a_link_already_sent_is_closed_when_the_visit_is_cancelled(physio: Any, clock: Any) -> None:
    visit = book(patient_in_course(), at(10), by=physio)
    clock.move_to(at(10) - timedelta(hours=24))
    messaging.deliver(outcome_messages()[0].pk)

    scheduling_services.appointment_cancel(
        appointment=visit, reason="Patient is unwell.", cancelled_by=UserFactory(roles=[Role.FRONT_DESK])
    )

    assert OutcomeLink.objects.get().revoked_at is not None


def test_a_visit_already_answered_is_skipped(physio: Any, clock: Any) -> None:
    visit = book(patient_in_course(), at(10), by=physio)
    clock.move_to(at(10) - timedelta(hours=30))
    course = patient_outcomes.course_questionnaire(visit.patient)
    assert course is not None
    token = patient_outcomes.issue_link(appointment=visit, course=course)
    link = OutcomeLink.objects.get()
    for number in range(1, 11):
        patient_outcomes.save_answer(link=link, name=f"item_{number}", value=1)
    patient_outcomes.save_answer(link=link, name="pain_now", value=3)
    patient_outcomes.submit(link=link)
    assert token

    clock.move_to(at(10) - timedelta(hours=24))
    skipped = messaging.deliver(outcome_messages()[0].pk)

    assert skipped is not None and skipped.status == MessageStatus.SKIPPED and "answered" in skipped.note


def test_the_message_is_in_french_for_a_french_patient(physio: Any, clock: Any, settings: Any) -> None:
    settings.CLINIC_TEXT_BACKEND = "locmem"
    from patients import text_messages

    text_messages.outbox.clear()
    patient = patient_in_course(
        email="", phone="604-555-0199", preferred_contact_method=ContactMethod.TEXT, preferred_language="fr-ca"
    )
    book(patient, at(10), by=physio)
    clock.move_to(at(10) - timedelta(hours=24))

    sent = messaging.deliver(outcome_messages()[0].pk)

    assert sent is not None and sent.status == MessageStatus.SENT and sent.language == "fr-ca"
    (text,) = text_messages.outbox
    assert "/o/" in text.body
    assert "2 mars 2026" in text.body  # the visit's day, the French way
    assert "10\xa010" not in text.body  # not Django's French (Canada) time format, whose "h" is unescaped


def test_a_message_for_a_visit_that_is_over_is_skipped(physio: Any, clock: Any) -> None:
    book(patient_in_course(), at(10), by=physio)
    clock.move_to(at(11))

    skipped = messaging.deliver(outcome_messages()[0].pk)

    assert skipped is not None and skipped.status == MessageStatus.SKIPPED


def test_the_key_names_the_visit_and_its_start(physio: Any) -> None:
    visit = book(patient_in_course(), at(10), by=physio)

    assert patient_outcomes.message_key(visit) == f"outcome:appointment:{visit.pk}:2026-03-02T18:00:00+00:00"
