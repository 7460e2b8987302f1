"""Nobody is double-booked, even when many people click at the same moment (reliability-notes.md 5)."""

import threading
import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse

from scheduling import services
from scheduling.models import Appointment
from tests.factories import AppointmentFactory, PatientFactory

from .conftest import at

THREADS = 50
ROUNDS = 3
TAKEN = "Maya Chen is already booked at this time. Choose another time."


def book_at_once(attempts: list[dict]) -> tuple[list[Appointment], list[ValidationError], list[BaseException]]:
    """Each attempt in its own thread and database connection, all released together."""
    barrier = threading.Barrier(len(attempts))
    booked, refused, crashed = [], [], []

    def worker(kwargs: dict) -> None:
        try:
            barrier.wait()
            booked.append(services.appointment_book(**kwargs))
        except ValidationError as error:
            refused.append(error)
        except BaseException as error:
            crashed.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(kwargs,)) for kwargs in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return booked, refused, crashed


def post_at_once(url: str, sends: list[tuple[Client, dict]]) -> list:
    """Each client posts its form from its own thread and connection, all released together."""
    barrier = threading.Barrier(len(sends))
    answers: list = []

    def worker(client: Client, data: dict) -> None:
        try:
            barrier.wait()
            answers.append(client.post(url, data))
        except BaseException as error:
            answers.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=send) for send in sends]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(ROUNDS))
def test_many_people_booking_the_same_slot_at_once_make_one_appointment(maya, desk, treatment, round_) -> None:
    patients = [PatientFactory() for _ in range(THREADS)]
    attempts = [
        {"patient": patient, "practitioner": maya, "appointment_type": treatment, "starts_at": at(9, 5 * (i % 4)),
         "booked_by": desk}
        for i, patient in enumerate(patients)
    ]  # fmt: skip

    booked, refused, crashed = book_at_once(attempts)

    assert crashed == []
    assert len(booked) == 1 and len(refused) == THREADS - 1
    assert all(error.message_dict["starts_at"] == [TAKEN] for error in refused)
    assert Appointment.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_desks_sending_the_booking_form_at_once_get_one_booking_and_no_server_error(
    maya, desk, treatment
) -> None:
    """Through the whole stack (middleware, form, one-time key, service), round after round."""
    patients = [PatientFactory() for _ in range(THREADS)]
    clients = []
    for _ in range(THREADS):
        client = Client()
        client.force_login(desk)
        clients.append(client)

    for round_ in range(ROUNDS):
        slot = at(9 + round_).strftime("%Y-%m-%dT%H:%M")
        forms = [
            {"submission_key": str(uuid.uuid4()), "patient": patient.pk, "practitioner": maya.pk,
             "appointment_type": treatment.pk, "starts_at": slot, "duration_minutes": ""}
            for patient in patients
        ]  # fmt: skip

        answers = post_at_once(reverse("scheduling:appointment-create"), list(zip(clients, forms, strict=True)))

        statuses = sorted(getattr(answer, "status_code", repr(answer)) for answer in answers)
        assert statuses == [200] * (THREADS - 1) + [302], f"round {round_}"
        refused = [answer for answer in answers if answer.status_code == 200]
        assert all(TAKEN in answer.content.decode() for answer in refused), f"round {round_}"
        assert Appointment.objects.filter(starts_at=at(9 + round_)).count() == 1
    assert Appointment.objects.count() == ROUNDS


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_patient_booked_with_two_practitioners_at_once_gets_one(maya, daniel, desk, treatment, patient) -> None:
    attempts = [
        {"patient": patient, "practitioner": practitioner, "appointment_type": treatment, "starts_at": at(9),
         "booked_by": desk}
        for practitioner in [maya, daniel] * 10
    ]  # fmt: skip

    booked, refused, crashed = book_at_once(attempts)

    assert crashed == [] and len(booked) == 1 and len(refused) == 19
    assert Appointment.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_database_refuses_an_overlap_that_slips_past_the_service(maya, treatment) -> None:
    from django.db import IntegrityError

    AppointmentFactory(practitioner=maya, appointment_type=treatment, starts_at=at(9))

    with pytest.raises(IntegrityError, match="appointment_no_practitioner_overlap"):
        AppointmentFactory(practitioner=maya, appointment_type=treatment, starts_at=at(9, 15))


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_backstops_refusal_becomes_the_same_form_message(maya, treatment, patient, desk) -> None:
    AppointmentFactory(practitioner=maya, appointment_type=treatment, starts_at=at(9))
    overlapping = Appointment(patient=patient, practitioner=maya, appointment_type=treatment, starts_at=at(9, 10),
                              ends_at=at(9, 40), blocked_until=at(9, 40), booked_by=desk)  # fmt: skip

    with pytest.raises(ValidationError) as error:
        services._save_guarded(overlapping)

    assert error.value.message_dict == {
        "starts_at": ["Maya Chen is already booked at this time. Choose another time."]
    }


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_database_allows_back_to_back_and_over_cancelled(maya, treatment, desk) -> None:
    first = AppointmentFactory(practitioner=maya, appointment_type=treatment, starts_at=at(9))
    AppointmentFactory(practitioner=maya, appointment_type=treatment, starts_at=at(9) + timedelta(minutes=30))
    Appointment.objects.filter(pk=first.pk).update(status="cancelled", cancelled_by=desk, cancellation_reason="x")

    AppointmentFactory(practitioner=maya, appointment_type=treatment, starts_at=at(9))
