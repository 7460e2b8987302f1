"""A patient in a course of IMS, as the outcome questionnaire tests need one: a signed assessment whose baseline
recorded a questionnaire, a physiotherapist with working hours, and visits booked through the schedule."""

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from accounts.roles import Role
from assessments import services
from patients.models import Patient
from scheduling import services as scheduling_services
from scheduling.models import Appointment, Practitioner
from tests.assessments.signing import sign_assessment
from tests.factories import AppointmentTypeFactory, PatientFactory, PractitionerFactory, UserFactory

ZONE = ZoneInfo(settings.TIME_ZONE)
MONDAY = date(2026, 3, 2)
NDI_ITEMS = [2, 3, 1, 0, 4, 2, 3, 1, 2, 2]


def at(hour: int, minute: int = 0, *, days: int = 0) -> datetime:
    """A time at the clinic, `days` after Monday 2 March 2026."""
    return datetime.combine(MONDAY + timedelta(days=days), time(hour, minute), tzinfo=ZONE)


def patient_in_course(
    physiotherapist: Any = None,
    *,
    instrument: str = "NDI",
    items: list[int | None] | None = None,
    activities: list[str] | None = None,
    **patient_fields: Any,
) -> Patient:
    """A patient whose signed assessment recorded `instrument` as the course's baseline."""
    physio = physiotherapist or UserFactory(roles=[Role.PHYSIOTHERAPIST])
    patient = PatientFactory(**patient_fields)
    assessment = services.assessment_start(patient=patient, physiotherapist=physio)
    assessment = services.assessment_save_fields(
        assessment=assessment,
        data={"chief_complaint": "Neck pain", "pain_regions": [{"region": "head_neck", "side": "R"}]},
        version=assessment.version,
    )
    services.baseline_record(
        assessment=assessment, recorded_by=physio, instrument=instrument, items=items or NDI_ITEMS,
        activities=activities,
    )  # fmt: skip
    sign_assessment(assessment)
    return patient


def practitioner() -> Practitioner:
    return PractitionerFactory(user=UserFactory(roles=[Role.PHYSIOTHERAPIST]))


def book(patient: Patient, starts_at: datetime, *, by: Practitioner) -> Appointment:
    return scheduling_services.appointment_book(
        patient=patient,
        practitioner=by,
        appointment_type=AppointmentTypeFactory(name="IMS treatment", kind="treatment", duration_minutes=30),
        starts_at=starts_at,
        booked_by=UserFactory(roles=[Role.FRONT_DESK]),
    )
