"""The patient's appointments on their chart: timeline entries and the header's next appointment."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from patients.models import Patient
from patients.timeline import HeaderFact, TimelineEntry

from .models import Appointment, AppointmentStatus

CACHE = "_scheduling_recent_appointments"


def _recent(patient: Patient, limit: int) -> list[Appointment]:
    """The patient's newest appointments, fetched once per chart for the timeline and the header."""
    cached = patient.__dict__.get(CACHE)
    if cached is None or cached[0] < limit:
        rows = list(
            Appointment.objects.filter(patient=patient)
            .select_related("appointment_type", "practitioner")
            .order_by("-starts_at", "-id")[:limit]
        )
        cached = patient.__dict__[CACHE] = (limit, rows)
    return cached[1][:limit]


def appointment_events(patient: Patient, limit: int) -> list[TimelineEntry]:
    appointments = _recent(patient, limit)
    now = timezone.now()
    entries = []
    for appointment in appointments:
        when = "Upcoming: " if appointment.starts_at >= now and appointment.holds_time else ""
        status = "" if appointment.status == AppointmentStatus.BOOKED else appointment.get_status_display().lower()
        entries.append(
            TimelineEntry(
                at=appointment.starts_at,
                kind="appointment",
                title=f"{when}{appointment.appointment_type.name} with {appointment.practitioner.display_name}",
                url=appointment.get_absolute_url(),
                status=status,
            )
        )
    return entries


def next_appointment(patient: Patient) -> list[HeaderFact]:
    now = timezone.now()
    cached = patient.__dict__.get(CACHE)
    # The timeline's rows (newest first) hold the next booking unless every one of them is still to come.
    if cached is not None and (len(cached[1]) < cached[0] or cached[1][-1].starts_at < now):
        upcoming = min(
            (a for a in cached[1] if a.status == AppointmentStatus.BOOKED and a.starts_at >= now),
            key=lambda a: a.starts_at,
            default=None,
        )
    else:
        upcoming = (
            Appointment.objects.filter(patient=patient, status=AppointmentStatus.BOOKED, starts_at__gte=now)
            .select_related("practitioner")
            .order_by("starts_at")
            .first()
        )
    if upcoming is None:
        return [HeaderFact(label="Next appointment", value="none booked")]
    local = timezone.localtime(upcoming.starts_at)
    return [
        HeaderFact(
            label="Next appointment",
            value=f"{local:%a %-d %b %H:%M} with {upcoming.practitioner.display_name}",
            url=upcoming.get_absolute_url(),
            tone="primary",
        )
    ]


def todays_arrivals(patient: Patient) -> list[Appointment]:
    """The patient's appointments of today that are checked in: read from the timeline's rows when they reach back to
    today (no query), else asked for."""
    today = timezone.localdate()
    start = datetime.combine(today, datetime.min.time(), tzinfo=timezone.get_current_timezone())
    cached = patient.__dict__.get(CACHE)
    if cached is not None and (len(cached[1]) < cached[0] or cached[1][-1].starts_at < start):
        rows = cached[1]
    else:
        rows = list(
            Appointment.objects.filter(patient=patient, status=AppointmentStatus.ARRIVED)
            .on_days(today, today)
            .select_related("appointment_type")
        )
    return sorted(
        (a for a in rows if a.status == AppointmentStatus.ARRIVED and timezone.localdate(a.starts_at) == today),
        key=lambda a: a.starts_at,
    )
