"""seed_demo's bookings: two weeks around today for both demo physiotherapists, never overlapping, once."""

from io import StringIO
from itertools import pairwise

import pytest
from django.core.management import call_command

from scheduling.models import Appointment, AppointmentType, Practitioner


def seed() -> None:
    call_command("seed_demo", stdout=StringIO())


@pytest.mark.django_db
def test_seed_demo_books_two_weeks_for_both_physiotherapists_once(settings) -> None:
    settings.DEBUG = True
    seed()
    count = Appointment.objects.count()
    seed()

    assert Appointment.objects.count() == count > 50
    assert set(AppointmentType.objects.values_list("name", "duration_minutes")) >= {
        ("Initial IMS assessment", 60), ("IMS treatment", 30), ("Reassessment", 45)
    }  # fmt: skip
    for practitioner in Practitioner.objects.all():
        assert practitioner.working_hours.count() == 10
        held = list(Appointment.objects.holding_time().filter(practitioner=practitioner).order_by("starts_at"))
        assert all(a.blocked_until <= b.starts_at for a, b in pairwise(held))
    statuses = set(Appointment.objects.values_list("status", flat=True))
    assert {"booked", "completed", "cancelled"} <= statuses
