"""Scheduling fixtures: a fixed clock (Monday 2 March 2026, 07:00 at the clinic), Maya and Daniel, two types."""

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.test import Client

from scheduling import services
from scheduling.models import Appointment, AppointmentType, Practitioner
from tests.factories import AppointmentTypeFactory, PatientFactory, PractitionerFactory

ZONE = ZoneInfo(settings.TIME_ZONE)
MONDAY = date(2026, 3, 2)


def at(hour: int, minute: int = 0, *, days: int = 0) -> datetime:
    """A time at the clinic, `days` after Monday 2 March 2026."""
    return datetime.combine(MONDAY + timedelta(days=days), time(hour, minute), tzinfo=ZONE)


@pytest.fixture(autouse=True)
def clock() -> Iterator[Any]:
    with time_machine.travel(at(7), tick=False) as traveller:
        yield traveller


@pytest.fixture
def treatment(db: None) -> AppointmentType:
    return AppointmentTypeFactory(name="IMS treatment", kind="treatment", duration_minutes=30)


@pytest.fixture
def initial(db: None) -> AppointmentType:
    return AppointmentTypeFactory(
        name="Initial IMS assessment", kind="initial_assessment", duration_minutes=60, buffer_minutes=15
    )


@pytest.fixture
def maya(physio_client: Client) -> Practitioner:
    """The physio persona's own practitioner profile."""
    return PractitionerFactory(user=physio_client.user, display_name="Maya Chen")


@pytest.fixture
def daniel(db: None) -> Practitioner:
    return PractitionerFactory(display_name="Daniel Lefebvre")


@pytest.fixture
def patient(db: None) -> Any:
    return PatientFactory(given_name="Chloé", family_name="Tremblay")


@pytest.fixture
def desk(front_desk_client: Client) -> Any:
    return front_desk_client.user


@pytest.fixture
def book(desk: Any, treatment: AppointmentType, patient: Any) -> Any:
    """Book through the service with sensible defaults."""

    def book(**kwargs: Any) -> Appointment:
        kwargs.setdefault("patient", patient)
        kwargs.setdefault("appointment_type", treatment)
        kwargs.setdefault("booked_by", desk)
        return services.appointment_book(**kwargs)

    return book
