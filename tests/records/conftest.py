"""A full patient for the records tests, built with the demo clinic's own builders (the services):
the demo's signed elbow assessment and a course of six IMS treatments with QuickDASH scores, plus an
addendum on each, an adverse event, a questionnaire with an acknowledged flag, a consent and an
appointment. (tests/records/test_fhir.py also exports a patient of the whole `seed_demo` clinic.)"""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.roles import Role
from assessments import services as assessment_services
from assessments.models import Assessment, TreatmentSession
from ims_clinic import demo
from patients.models import Patient
from tests.factories import (
    AppointmentFactory,
    ConsentFactory,
    PatientFactory,
    PractitionerFactory,
    QuestionnaireResponseFactory,
    SafetyFlagFactory,
    UserFactory,
)


@pytest.fixture
def full_patient(db: None) -> Patient:
    """A patient with something in every part of the record."""
    physio = UserFactory(username="physio", roles=[Role.PHYSIOTHERAPIST])
    patient = PatientFactory(given_name="Mohammed", family_name="Al-Farsi", pronouns="he/him")
    response = QuestionnaireResponseFactory(patient=patient)
    SafetyFlagFactory(
        response=response, acknowledged_at=timezone.now(), acknowledged_by=physio, acknowledgement_note="INR 2.4."
    )
    ConsentFactory(patient=patient, clinician=physio, regions=["upper_limb", "head_neck", "upper_back"])
    demo._seed_elbow(patient, physio)
    demo._seed_course(patient, demo.DEMO_COURSES[0], physio)
    assessment = Assessment.objects.get(patient=patient)
    assessment_services.addendum_add(record=assessment, author=physio, reason="Correction", text="Onset 6 months.")
    session = TreatmentSession.objects.filter(patient=patient, status="signed").first()
    assessment_services.addendum_add(record=session, author=physio, reason="Late entry", text="Slept well.")
    assessment_services.adverse_event_record(
        session=session, reported_by=physio, event_type="bruising", event_class="mild", onset="after",
        action_taken="Reassured.",
    )  # fmt: skip
    AppointmentFactory(
        patient=patient, practitioner=PractitionerFactory(), starts_at=timezone.now() + timedelta(days=2)
    )
    return patient
