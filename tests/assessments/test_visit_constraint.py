"""One live record per appointment, held by the database itself (reliability-notes.md: invariants in PostgreSQL),
and two clicks at the same moment still make one session."""

import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from assessments import services
from assessments.models import Assessment, AssessmentStatus, TreatmentSession
from tests.factories import (
    AppointmentFactory,
    AppointmentTypeFactory,
    PatientFactory,
    PractitionerFactory,
    UserFactory,
)

pytestmark = pytest.mark.postgres


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "kind"), [(TreatmentSession, "treatment"), (Assessment, "initial_assessment")])
def test_the_database_refuses_a_second_live_record_for_one_appointment(model: type, kind: str) -> None:
    patient = PatientFactory()
    appointment = AppointmentFactory(patient=patient, appointment_type=AppointmentTypeFactory(name=kind, kind=kind))
    physio = UserFactory()
    first = model.objects.create(patient=patient, physiotherapist=physio, appointment=appointment)

    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.create(patient=patient, physiotherapist=UserFactory(), appointment=appointment)

    model.objects.filter(pk=first.pk).update(status=AssessmentStatus.ENTERED_IN_ERROR)
    again = model.objects.create(patient=patient, physiotherapist=physio, appointment=appointment)
    model.objects.create(patient=patient, physiotherapist=physio)  # without an appointment, no limit
    assert model.objects.filter(appointment=appointment).exclude(status="entered_in_error").get() == again


@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_the_same_moment_start_one_session_for_the_appointment() -> None:
    patient = PatientFactory()
    physio = UserFactory(username="physio", roles=[Role.PHYSIOTHERAPIST])
    appointment = AppointmentFactory(patient=patient, practitioner=PractitionerFactory(user=physio), status="arrived")
    url = reverse("assessments:session-start", kwargs={"patient_pk": patient.pk})
    clients = []
    for _ in range(4):
        client = Client()
        client.force_login(physio)
        clients.append(client)
    barrier = threading.Barrier(len(clients))
    answers: list = []

    def click(client: Client) -> None:
        try:
            barrier.wait()
            answers.append(client.post(url, {"appointment": appointment.pk}))
        except BaseException as error:
            answers.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    session = TreatmentSession.objects.get()
    assert [getattr(answer, "status_code", answer) for answer in answers] == [302] * len(clients)
    assert {answer["Location"] for answer in answers} == {session.get_absolute_url()}
    assert session.appointment == appointment
    assert services.session_start(patient=patient, physiotherapist=physio, appointment=appointment) == session
