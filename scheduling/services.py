"""Scheduling owns booking, moving, cancelling and checking in appointments: every change with a rule lives here.

No double booking (reliability-notes.md 5): each change locks the practitioner's row (then the patient's),
checks the rules, then writes; on PostgreSQL the exclusion constraints of migration 0002 are the backstop,
and their errors become the same message as the check.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Exists, Subquery
from django.utils import timezone

from accounts.models import User
from accounts.submissions import claim_submission, complete_submission
from patients import services as patient_services
from patients.models import Patient

from . import signals
from .models import (
    Appointment,
    AppointmentStatus,
    AppointmentType,
    Practitioner,
    TimeOff,
    WaitlistEntry,
    WorkingHours,
    hash_feed_token,
)

STEP = timedelta(minutes=5)
EXCLUSION_VIOLATION = "23P01"
DEADLOCK_DETECTED = "40P01"

PRACTITIONER_TAKEN = "{name} is already booked at this time. Choose another time."
PATIENT_TAKEN = "This patient already has an appointment at this time."
OUTSIDE_HOURS = "{name} does not work at this time. Hours that day: {hours}."
IN_TIME_OFF = "{name} is away at this time ({reason})."
IN_THE_PAST = "This time has already passed. Choose a time from now on."
NOT_ON_STEP = "Appointments start on 5-minute steps, such as 09:00, 09:05 or 09:10."
BAD_LENGTH = "The length must be a positive number of minutes in 5-minute steps."
PRACTITIONER_INACTIVE = "{name} is not taking bookings."
TYPE_INACTIVE = "This appointment type is no longer offered."
NOT_YOURS_TO_BOOK = "You can book only your own appointments, not {name}'s: the front desk books for others."
NOT_YOURS_TO_CHANGE = "You can change only your own appointments, not {name}'s: the front desk changes others."


# --- Rules -----------------------------------------------------------------------------


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(day, time.min, tzinfo=zone),
        datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone),
    )


def hours_on(blocks: Iterable[WorkingHours], day: date) -> list[tuple[datetime, datetime]]:
    """The practitioner's working blocks on `day` as aware datetimes (blocks prefetched or queried)."""
    zone = timezone.get_current_timezone()
    return [
        (datetime.combine(day, block.start_time, tzinfo=zone), datetime.combine(day, block.end_time, tzinfo=zone))
        for block in sorted(blocks, key=lambda block: block.start_time)
        if block.weekday == day.weekday()
    ]


def _hours_text(blocks: list[tuple[datetime, datetime]]) -> str:
    if not blocks:
        return "not working"
    return ", ".join(f"{start:%H:%M} to {end:%H:%M}" for start, end in blocks)


def slot_problems(
    *,
    practitioner: Practitioner,
    patient: Patient,
    appointment_type: AppointmentType,
    starts_at: datetime,
    ends_at: datetime,
    exclude: Appointment | None = None,
) -> dict[str, list[str]]:
    """Every reason this slot cannot be booked, by form field; empty when it can."""
    problems: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    if patient.is_archived:
        add("patient", patient_services.archived_message("booking"))
    if not practitioner.is_active:
        add("practitioner", PRACTITIONER_INACTIVE.format(name=practitioner))
    if not appointment_type.is_active and (exclude is None or exclude.appointment_type_id != appointment_type.pk):
        add("appointment_type", TYPE_INACTIVE)
    length = ends_at - starts_at
    if length <= timedelta(0) or length % STEP:
        add("duration_minutes", BAD_LENGTH)
        return problems
    if starts_at.second or starts_at.microsecond or (starts_at - local_day_bounds(starts_at.date())[0]) % STEP:
        add("starts_at", NOT_ON_STEP)
    if starts_at < timezone.now():
        add("starts_at", IN_THE_PAST)
        return problems
    blocked_until = ends_at + appointment_type.buffer
    local_start, local_end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    # The visit must fit in one block of its day; the buffer after it may run past the end of the block.
    fitting_block = WorkingHours.objects.filter(
        practitioner=practitioner,
        weekday=local_start.weekday(),
        start_time__lte=local_start.time(),
        end_time__gte=local_end.time(),
    )
    away = (
        TimeOff.objects.filter(practitioner=practitioner).overlapping(starts_at, blocked_until).order_by("starts_at")
    )
    taken = Appointment.objects.holding_time().filter(practitioner=practitioner).between(starts_at, blocked_until)
    patient_busy = Appointment.objects.holding_time().filter(
        patient=patient, starts_at__lt=ends_at, ends_at__gt=starts_at
    )
    if exclude is not None:
        taken, patient_busy = taken.exclude(pk=exclude.pk), patient_busy.exclude(pk=exclude.pk)
    # Every check in one query, carried by the practitioner's row.
    found = (
        Practitioner.objects.filter(pk=practitioner.pk)
        .values(
            in_hours=Exists(fitting_block),
            away_reason=Subquery(away.values("reason")[:1]),
            taken=Exists(taken),
            patient_busy=Exists(patient_busy),
        )
        .get()
    )
    if not (found["in_hours"] and local_start.date() == local_end.date()):
        blocks = hours_on(WorkingHours.objects.filter(practitioner=practitioner), local_start.date())
        add("starts_at", OUTSIDE_HOURS.format(name=practitioner, hours=_hours_text(blocks)))
    if found["away_reason"] is not None:
        add("starts_at", IN_TIME_OFF.format(name=practitioner, reason=found["away_reason"] or "time off"))
    if found["taken"]:
        add("starts_at", PRACTITIONER_TAKEN.format(name=practitioner))
    if found["patient_busy"]:
        add("patient", PATIENT_TAKEN)
    return problems


def require_bookable(practitioner: Practitioner, user: User) -> None:
    """Refuse a booking or move by `user` for a practitioner they do not book for (Practitioner.is_bookable_by)."""
    if not practitioner.is_bookable_by(user):
        raise ValidationError({"practitioner": NOT_YOURS_TO_BOOK.format(name=practitioner)})


def require_changeable(appointment: Appointment, user: User) -> None:
    """Refuse a change by `user` to an appointment of a practitioner they do not book for."""
    if not appointment.practitioner.is_bookable_by(user):
        raise ValidationError(NOT_YOURS_TO_CHANGE.format(name=appointment.practitioner))


def _lock(*, practitioners: Iterable[Practitioner], patient: Patient) -> tuple[list[Practitioner], Patient]:
    """Lock the practitioners' rows (in id order, so two movers never deadlock), then the patient's."""
    ids = sorted({practitioner.pk for practitioner in practitioners})
    locked = {p.pk: p for p in Practitioner.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    return [locked[pk] for pk in ids], Patient.objects.select_for_update().get(pk=patient.pk)


def _save_guarded(appointment: Appointment, *, savepoint: bool = True) -> None:
    """Save, turning the PostgreSQL backstop's refusal into the same message the check gives.

    Without a savepoint a refusal spoils the caller's transaction: only for callers whose transaction
    ends with the ValidationError raised here.
    """
    try:
        with transaction.atomic(savepoint=savepoint):
            appointment.save()
    except IntegrityError as error:
        if getattr(error.__cause__, "pgcode", None) != EXCLUSION_VIOLATION:
            raise
        if "appointment_no_patient_overlap" in str(error):
            raise ValidationError({"patient": PATIENT_TAKEN}) from None
        raise ValidationError({"starts_at": PRACTITIONER_TAKEN.format(name=appointment.practitioner)}) from None
    except OperationalError as error:
        if getattr(error.__cause__, "pgcode", None) != DEADLOCK_DETECTED:
            raise
        raise ValidationError({"starts_at": PRACTITIONER_TAKEN.format(name=appointment.practitioner)}) from None


def _length(appointment_type: AppointmentType, duration_minutes: int | None) -> timedelta:
    return appointment_type.duration if duration_minutes is None else timedelta(minutes=duration_minutes)


# --- Booking ---------------------------------------------------------------------------


# The foreign keys of an appointment being placed are rows the service has just read or locked.
PLACED_KEYS = ["patient", "practitioner", "appointment_type", "booked_by"]


def _place(appointment: Appointment, *, savepoint: bool) -> Appointment:
    """Check the slot a new or moved appointment takes, then save it (the caller holds _lock's locks).

    full_clean checks the fields themselves only: its foreign-key and check-constraint queries would
    repeat what is already known (the rows are loaded, slot_problems checked the length, a buffer is
    never negative, the status is booked); the database keeps the constraints as the backstop.
    """
    problems = slot_problems(
        practitioner=appointment.practitioner,
        patient=appointment.patient,
        appointment_type=appointment.appointment_type,
        starts_at=appointment.starts_at,
        ends_at=appointment.ends_at,
        exclude=appointment if appointment.pk else None,
    )
    if problems:
        raise ValidationError(problems)
    appointment.blocked_until = appointment.ends_at + appointment.appointment_type.buffer
    appointment.full_clean(exclude=PLACED_KEYS, validate_unique=False, validate_constraints=False)
    _save_guarded(appointment, savepoint=savepoint)
    signals.announce(signals.appointment_placed, appointment=appointment)
    return appointment


def _book_locked(
    *,
    patient: Patient,
    practitioner: Practitioner,
    appointment_type: AppointmentType,
    starts_at: datetime,
    booked_by: User,
    duration_minutes: int | None = None,
    front_desk_note: str = "",
    series_key: uuid.UUID | None = None,
    savepoint: bool = True,
) -> Appointment:
    appointment = Appointment(
        patient=patient,
        practitioner=practitioner,
        appointment_type=appointment_type,
        starts_at=starts_at,
        ends_at=starts_at + _length(appointment_type, duration_minutes),
        front_desk_note=front_desk_note,
        booked_by=booked_by,
        series_key=series_key,
    )
    return _place(appointment, savepoint=savepoint)


@transaction.atomic
def appointment_book(
    *,
    patient: Patient,
    practitioner: Practitioner,
    appointment_type: AppointmentType,
    starts_at: datetime,
    booked_by: User,
    duration_minutes: int | None = None,
    front_desk_note: str = "",
    submission_key: uuid.UUID | None = None,
) -> Appointment:
    """Book one appointment, once per rendered form; raises ValidationError (by field) when the slot is not free
    or `booked_by` does not book for this practitioner."""
    require_bookable(practitioner, booked_by)
    claim = claim_submission(key=submission_key, user=booked_by) if submission_key else None
    (practitioner,), patient = _lock(practitioners=[practitioner], patient=patient)
    appointment = _book_locked(
        patient=patient,
        practitioner=practitioner,
        appointment_type=appointment_type,
        starts_at=starts_at,
        booked_by=booked_by,
        duration_minutes=duration_minutes,
        front_desk_note=front_desk_note,
        savepoint=False,  # a refusal ends this transaction
    )
    if claim:
        complete_submission(claim, appointment.get_absolute_url())
    return appointment


@transaction.atomic
def appointment_reschedule(
    *,
    appointment: Appointment,
    starts_at: datetime,
    changed_by: User,
    practitioner: Practitioner | None = None,
    duration_minutes: int | None = None,
) -> Appointment:
    """Move a booked appointment to another time (and practitioner), under the same rules as booking."""
    target = practitioner or appointment.practitioner
    require_changeable(appointment, changed_by)
    require_bookable(target, changed_by)
    locked_practitioners, patient = _lock(
        practitioners=[appointment.practitioner, target], patient=appointment.patient
    )
    target = next(p for p in locked_practitioners if p.pk == target.pk)
    appointment = Appointment.objects.select_for_update().select_related("appointment_type").get(pk=appointment.pk)
    if appointment.status != AppointmentStatus.BOOKED:
        raise ValidationError({"starts_at": "Only a booked appointment can be moved."})
    minutes = appointment.duration_minutes if duration_minutes is None else duration_minutes
    appointment.patient, appointment.practitioner = patient, target  # the locked rows
    appointment.starts_at, appointment.ends_at = starts_at, starts_at + timedelta(minutes=minutes)
    return _place(appointment, savepoint=False)  # a refusal ends this transaction


@transaction.atomic
def appointment_cancel(*, appointment: Appointment, reason: str, cancelled_by: User) -> Appointment:
    """Cancel, keeping the record with who and why; the slot is free again at once."""
    require_changeable(appointment, cancelled_by)
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if not appointment.can_become(AppointmentStatus.CANCELLED):
        raise ValidationError(f"A {appointment.get_status_display().lower()} appointment cannot be cancelled.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the appointment is cancelled."})
    appointment.status = AppointmentStatus.CANCELLED
    appointment.cancelled_at, appointment.cancelled_by, appointment.cancellation_reason = (
        timezone.now(),
        cancelled_by,
        reason.strip(),
    )
    appointment.save(update_fields=["status", "cancelled_at", "cancelled_by", "cancellation_reason"])
    signals.announce(signals.appointment_cancelled, appointment=appointment)
    return appointment


def _set_status(appointment: Appointment, status: AppointmentStatus) -> Appointment:
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if not appointment.can_become(status):
        raise ValidationError(
            f"A {appointment.get_status_display().lower()} appointment cannot become {status.label.lower()}."
        )
    appointment.status = status
    appointment.arrived_at = timezone.now() if status == AppointmentStatus.ARRIVED else None
    appointment.save(update_fields=["status", "arrived_at"])
    return appointment


@transaction.atomic
def appointment_check_in(*, appointment: Appointment, checked_in_by: User) -> Appointment:
    require_changeable(appointment, checked_in_by)
    if timezone.localtime(appointment.starts_at).date() != timezone.localdate():
        raise ValidationError("Patients are checked in on the day of their appointment.")
    return _set_status(appointment, AppointmentStatus.ARRIVED)


@transaction.atomic
def appointment_mark_no_show(*, appointment: Appointment, marked_by: User) -> Appointment:
    require_changeable(appointment, marked_by)
    if appointment.starts_at > timezone.now():
        raise ValidationError("An appointment can be marked as a no-show only once its start time has passed.")
    return _set_status(appointment, AppointmentStatus.NO_SHOW)


@transaction.atomic
def appointment_complete(*, appointment: Appointment, completed_by: User) -> Appointment:
    require_changeable(appointment, completed_by)
    return _set_status(appointment, AppointmentStatus.COMPLETED)


# --- Series ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SeriesDate:
    starts_at: datetime
    problems: tuple[str, ...] = ()

    @property
    def is_free(self) -> bool:
        return not self.problems


def series_dates(*, first_starts_at: datetime, every_days: int, visits: int) -> list[datetime]:
    """The start of each visit, same local time of day (across daylight-saving changes)."""
    local = timezone.localtime(first_starts_at)
    zone = timezone.get_current_timezone()
    return [
        datetime.combine(local.date() + timedelta(days=every_days * index), local.time(), tzinfo=zone)
        for index in range(visits)
    ]


def series_plan(
    *,
    patient: Patient,
    practitioner: Practitioner,
    appointment_type: AppointmentType,
    first_starts_at: datetime,
    every_days: int,
    visits: int,
    duration_minutes: int | None = None,
) -> list[SeriesDate]:
    length = _length(appointment_type, duration_minutes)
    plan = []
    for starts_at in series_dates(first_starts_at=first_starts_at, every_days=every_days, visits=visits):
        problems = slot_problems(
            practitioner=practitioner,
            patient=patient,
            appointment_type=appointment_type,
            starts_at=starts_at,
            ends_at=starts_at + length,
        )
        plan.append(SeriesDate(starts_at, tuple(message for messages in problems.values() for message in messages)))
    return plan


@transaction.atomic
def series_book(
    *,
    patient: Patient,
    practitioner: Practitioner,
    appointment_type: AppointmentType,
    first_starts_at: datetime,
    every_days: int,
    visits: int,
    booked_by: User,
    duration_minutes: int | None = None,
    front_desk_note: str = "",
    submission_key: uuid.UUID | None = None,
) -> tuple[list[Appointment], list[SeriesDate]]:
    """Book every free date of the series; return the booked appointments and the dates skipped (with why).

    Raises ValidationError, booking nothing, when `booked_by` does not book for this practitioner."""
    require_bookable(practitioner, booked_by)
    claim = claim_submission(key=submission_key, user=booked_by) if submission_key else None
    (practitioner,), patient = _lock(practitioners=[practitioner], patient=patient)
    series_key = uuid.uuid4()
    booked, skipped = [], []
    for starts_at in series_dates(first_starts_at=first_starts_at, every_days=every_days, visits=visits):
        try:
            booked.append(
                _book_locked(
                    patient=patient,
                    practitioner=practitioner,
                    appointment_type=appointment_type,
                    starts_at=starts_at,
                    booked_by=booked_by,
                    duration_minutes=duration_minutes,
                    front_desk_note=front_desk_note,
                    series_key=series_key,
                )
            )
        except ValidationError as error:
            skipped.append(SeriesDate(starts_at, tuple(error.messages)))
    if claim:
        complete_submission(claim, booked[0].get_absolute_url() if booked else patient.get_absolute_url())
    return booked, skipped


# --- Free slots ------------------------------------------------------------------------


def free_slots(
    *,
    practitioner: Practitioner,
    appointment_type: AppointmentType,
    after: datetime,
    limit: int = 12,
    days: int = 28,
    step_minutes: int = 15,
) -> list[datetime]:
    """The next starts where this type fits the practitioner's hours, time off and bookings (3 queries)."""
    after = max(after, timezone.now())
    first_day = timezone.localtime(after).date()
    window_start, window_end = local_day_bounds(first_day)[0], local_day_bounds(first_day + timedelta(days=days))[1]
    blocks = list(practitioner.working_hours.all())
    busy = [
        (start, end)
        for start, end in Appointment.objects.holding_time()
        .filter(practitioner=practitioner)
        .between(window_start, window_end)
        .values_list("starts_at", "blocked_until")
    ]
    busy += list(
        TimeOff.objects.filter(practitioner=practitioner)
        .overlapping(window_start, window_end)
        .values_list("starts_at", "ends_at")
    )
    step, length, buffer = timedelta(minutes=step_minutes), appointment_type.duration, appointment_type.buffer
    found: list[datetime] = []
    for offset in range(days + 1):
        for block_start, block_end in hours_on(blocks, first_day + timedelta(days=offset)):
            starts_at = block_start
            while starts_at + length <= block_end and len(found) < limit:
                blocked_until = starts_at + length + buffer
                if starts_at >= after and not any(s < blocked_until and e > starts_at for s, e in busy):
                    found.append(starts_at)
                starts_at += step
        if len(found) >= limit:
            break
    return found


# --- Waitlist --------------------------------------------------------------------------


@transaction.atomic
def waitlist_add(*, data: dict[str, Any], created_by: User) -> WaitlistEntry:
    patient_services.refuse_if_archived(data["patient"], before="booking", field="patient")
    entry = WaitlistEntry(created_by=created_by, **data)
    entry.full_clean()
    entry.save()
    return entry


@transaction.atomic
def waitlist_remove(*, entry: WaitlistEntry) -> WaitlistEntry:
    entry.removed_at = timezone.now()
    entry.save(update_fields=["removed_at"])
    return entry


def waitlist_matches(*, appointment: Appointment) -> list[WaitlistEntry]:
    """Open waitlist entries that the freed slot of `appointment` suits (one query)."""
    local_start = timezone.localtime(appointment.starts_at)
    freed = appointment.ends_at - appointment.starts_at
    if appointment.starts_at < timezone.now():
        return []
    candidates = (
        WaitlistEntry.objects.open()
        .filter(wanted_until__gte=local_start.date())
        .exclude(patient_id=appointment.patient_id)
        .filter(patient__is_archived=False)
        .select_related("patient", "practitioner", "appointment_type")
    )
    return [
        entry
        for entry in candidates
        if waitlist_entry_suits(
            entry, practitioner_id=appointment.practitioner_id, local_start=local_start, length=freed
        )
    ]


def waitlist_entry_suits(
    entry: WaitlistEntry, *, practitioner_id: int, local_start: datetime, length: timedelta
) -> bool:
    """Whether a slot of `length` at `local_start` (clinic time) with this practitioner suits the entry."""
    if entry.practitioner_id not in (None, practitioner_id):
        return False
    if entry.weekdays and local_start.weekday() not in entry.weekdays:
        return False
    if entry.earliest_time and local_start.time() < entry.earliest_time:
        return False
    if entry.latest_time and local_start.time() > entry.latest_time:
        return False
    return entry.appointment_type.duration <= length


# --- Calendar feed ---------------------------------------------------------------------


@transaction.atomic
def feed_token_reset(*, practitioner: Practitioner) -> str:
    """A new secret feed token (the old URL stops working); only its hash is stored."""
    token = secrets.token_urlsafe(32)
    practitioner.feed_token_hash = hash_feed_token(token)
    practitioner.feed_token_created_at = timezone.now()
    practitioner.save(update_fields=["feed_token_hash", "feed_token_created_at"])
    return token


@transaction.atomic
def feed_token_revoke(*, practitioner: Practitioner) -> None:
    practitioner.feed_token_hash = ""
    practitioner.feed_token_created_at = None
    practitioner.save(update_fields=["feed_token_hash", "feed_token_created_at"])


def practitioner_for_feed(token: str) -> Practitioner | None:
    if not token:
        return None
    return Practitioner.objects.active().filter(feed_token_hash=hash_feed_token(token)).first()
