"""A practitioner's appointments as an iCalendar feed: initials and type only, no health information."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from .models import Appointment, AppointmentStatus, Practitioner

PAST_DAYS, FUTURE_DAYS = 30, 180
ICAL_STATUS = {
    AppointmentStatus.BOOKED: "CONFIRMED",
    AppointmentStatus.ARRIVED: "CONFIRMED",
    AppointmentStatus.COMPLETED: "CONFIRMED",
    AppointmentStatus.NO_SHOW: "CANCELLED",
    AppointmentStatus.CANCELLED: "CANCELLED",
}


def initials(given_name: str, family_name: str) -> str:
    return "".join(f"{part[:1].upper()}." for part in (given_name, family_name) if part)


def practitioner_calendar(practitioner: Practitioner) -> bytes:
    clinic = settings.CLINIC_NAME
    calendar = Calendar()
    calendar.add("prodid", f"-//{clinic}//Schedule//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"{clinic}: {practitioner.display_name}")
    now = timezone.now()
    appointments = (
        Appointment.objects.filter(practitioner=practitioner)
        .filter(starts_at__gte=now - timedelta(days=PAST_DAYS), starts_at__lte=now + timedelta(days=FUTURE_DAYS))
        .exclude(status=AppointmentStatus.CANCELLED)
        .select_related("appointment_type")
        .only("id", "starts_at", "ends_at", "status", "appointment_type__name", "patient__given_name",
              "patient__family_name", "patient_id")
        .select_related("patient")
        .order_by("starts_at")
    )  # fmt: skip
    uid_domain = clinic.lower().replace(" ", "-")
    for appointment in appointments:
        event = Event()
        event.add("uid", f"appointment-{appointment.pk}@{uid_domain}")
        event.add("dtstamp", now)
        event.add("dtstart", appointment.starts_at)
        event.add("dtend", appointment.ends_at)
        patient = appointment.patient
        event.add(
            "summary", f"{initials(patient.given_name, patient.family_name)} · {appointment.appointment_type.name}"
        )
        event.add("status", ICAL_STATUS[appointment.status])
        calendar.add_component(event)
    return calendar.to_ical()
