"""The front desk's Today lists: the day's arrivals, who still needs a questionnaire, and waitlist matches.

Each read takes a fixed number of queries whatever the size of the clinic's history; the pages page the results.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from patients import gate

from . import schedule
from .models import Appointment, AppointmentStatus, Practitioner, WaitlistEntry
from .services import local_day_bounds, waitlist_entry_suits

# How far ahead the front desk looks for freed time to offer to the waitlist: today and the next two days.
WAITLIST_DAYS_AHEAD = 2
NO_CURRENT_QUESTIONNAIRE = {
    gate.QuestionnaireStatus.MISSING: "No questionnaire",
    gate.QuestionnaireStatus.EXPIRED: "Questionnaire expired",
}


def arrivals(*, day: date) -> QuerySet[Appointment]:
    """The day's appointments that still hold their time, in the order the patients come in."""
    return (
        Appointment.objects.for_schedule()
        .filter(starts_at__gte=local_day_bounds(day)[0], starts_at__lt=local_day_bounds(day)[1])
        .exclude(status=AppointmentStatus.CANCELLED)
        .order_by("starts_at", "id")
    )


def bookable_practitioner_ids(user: User) -> set[int]:
    """The practitioners whose appointments `user` may check in (one query)."""
    return set(Practitioner.objects.bookable_by(user).values_list("pk", flat=True))


@dataclass(frozen=True)
class QuestionnaireDue:
    appointment: Appointment
    status: str  # in words: "No questionnaire", "Questionnaire expired"


def questionnaires_due(*, day: date) -> list[QuestionnaireDue]:
    """Patients booked on `day` or the next with no questionnaire current on the day of their visit.

    One query for the visits and the gate's fixed few for their patients: the list is as long as two days of
    bookings, never the clinic's history. Each patient appears once, at their first visit.
    """
    first, last = local_day_bounds(day)[0], local_day_bounds(day + timedelta(days=1))[1]
    visits = list(
        Appointment.objects.for_schedule()
        .filter(starts_at__gte=first, starts_at__lt=last, patient__is_archived=False)
        .filter(status__in=(AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED))
        .order_by("starts_at", "id")
    )
    zone = timezone.get_current_timezone()
    decisions = schedule.visit_decisions({(a.patient_id, a.starts_at.astimezone(zone).date()) for a in visits})
    due, seen = [], set()
    for visit in visits:
        if visit.patient_id in seen:
            continue
        seen.add(visit.patient_id)
        decision = decisions[(visit.patient_id, visit.starts_at.astimezone(zone).date())]
        if decision.questionnaire in NO_CURRENT_QUESTIONNAIRE:
            due.append(QuestionnaireDue(visit, NO_CURRENT_QUESTIONNAIRE[decision.questionnaire]))
    return due


@dataclass(frozen=True)
class FreedSlot:
    """Time a cancellation or no-show gave back, still free, and the waitlist entries it suits."""

    appointment: Appointment  # the cancelled or missed appointment whose time is free
    starts_at: datetime  # in clinic time
    entries: list[WaitlistEntry]


def waitlist_matches_ahead(*, now: datetime | None = None, days: int = WAITLIST_DAYS_AHEAD) -> list[FreedSlot]:
    """Freed time from now to the end of the `days`-th day ahead that suits someone on the waitlist (3 queries).

    The same match as the cancelled appointment's page (scheduling.services.waitlist_entry_suits), for every
    slot still free: a slot that was booked again is left out.
    """
    now = now or timezone.now()
    zone = timezone.get_current_timezone()
    until = local_day_bounds(timezone.localdate(now) + timedelta(days=days))[1]
    freed = list(
        Appointment.objects.for_schedule()
        .filter(status__in=(AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW))
        .filter(starts_at__gte=now, starts_at__lt=until)
        .order_by("starts_at", "id")
    )
    if not freed:
        return []
    busy: dict[int, list[tuple[datetime, datetime]]] = {}
    for practitioner_id, starts_at, blocked_until in (
        Appointment.objects.holding_time()
        .filter(practitioner_id__in={a.practitioner_id for a in freed})
        .between(now, until)
        .values_list("practitioner_id", "starts_at", "blocked_until")
    ):
        busy.setdefault(practitioner_id, []).append((starts_at, blocked_until))
    entries = list(
        WaitlistEntry.objects.open()
        .filter(patient__is_archived=False)
        .select_related("patient", "practitioner", "appointment_type")
    )
    slots, offered = [], set()
    for appointment in freed:
        key = (appointment.practitioner_id, appointment.starts_at)
        if key in offered or any(
            s < appointment.ends_at and e > appointment.starts_at for s, e in busy.get(appointment.practitioner_id, [])
        ):
            continue
        offered.add(key)
        local_start = appointment.starts_at.astimezone(zone)
        suited = [
            entry
            for entry in entries
            if entry.patient_id != appointment.patient_id
            and entry.wanted_until >= local_start.date()
            and waitlist_entry_suits(
                entry,
                practitioner_id=appointment.practitioner_id,
                local_start=local_start,
                length=appointment.ends_at - appointment.starts_at,
            )
        ]
        if suited:
            slots.append(FreedSlot(appointment, local_start, suited))
    return slots
