"""The visit's record: started from its appointment, one per appointment, never silently onto another day's draft."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.dates import day_in_words
from accounts.models import User
from patients.models import Patient
from scheduling.models import Appointment, AppointmentKind, AppointmentStatus

from ..models import Assessment, AssessmentStatus, TreatmentSession

Record = TypeVar("Record", Assessment, TreatmentSession)

# The appointments a record is made at. A reassessment examines again and usually treats: it may hold both.
RECORD_KINDS: dict[type[Assessment | TreatmentSession], frozenset[str]] = {
    Assessment: frozenset({AppointmentKind.INITIAL_ASSESSMENT, AppointmentKind.REASSESSMENT}),
    TreatmentSession: frozenset({AppointmentKind.TREATMENT, AppointmentKind.REASSESSMENT}),
}


def record_noun(record: Assessment | TreatmentSession | type[Assessment | TreatmentSession]) -> str:
    model = record if isinstance(record, type) else type(record)
    return "assessment" if model is Assessment else "session"


def when_in_words(moment: datetime) -> str:
    """ "10:42 on 7 December 2026", in the clinic's time zone."""
    local = timezone.localtime(moment)
    return f"{local:%H:%M} on {day_in_words(local.date())}"


class EarlierDraft(Exception):
    """The physiotherapist's open draft for the patient is from an earlier day: ask before continuing it."""

    def __init__(self, draft: Assessment | TreatmentSession) -> None:
        super().__init__(f"A draft {record_noun(draft)} from an earlier day is open.")
        self.draft = draft


class SignedMeanwhile(ValidationError):
    """The draft was signed since the page was loaded (another tab): it can no longer change."""

    def __init__(self, record: Assessment | TreatmentSession) -> None:
        signed = when_in_words(record.signed_at) if record.signed_at else "another moment"
        super().__init__(f"That {record_noun(record)} was signed at {signed}; it can no longer be changed.")
        self.record = record


class AppointmentTaken(ValidationError):
    """The appointment already has its live record, someone else's or signed: that one is opened instead."""

    def __init__(self, record: Assessment | TreatmentSession) -> None:
        noun = "assessment" if isinstance(record, Assessment) else "treatment session"
        state = f"signed at {when_in_words(record.signed_at)}" if record.signed_at else "a draft"
        super().__init__(f"This appointment already has its {noun} by {record.physiotherapist} ({state}).")
        self.record = record


def is_of_today(record: Assessment | TreatmentSession) -> bool:
    return timezone.localdate(record.started_at) == timezone.localdate()


def own_draft(model: type[Record], *, patient: Patient, physiotherapist: User) -> Record | None:
    """This physiotherapist's newest open draft for the patient."""
    return (
        model.objects.filter(patient=patient, physiotherapist=physiotherapist, status=AssessmentStatus.DRAFT)
        .order_by("-started_at", "-id")
        .first()
    )


def earlier_draft(model: type[Record], *, patient: Patient, physiotherapist: User) -> Record | None:
    """Their newest open draft for the patient when it is from an earlier day (the question to ask), else None."""
    draft = own_draft(model, patient=patient, physiotherapist=physiotherapist)
    return draft if draft is not None and not is_of_today(draft) else None


def appointment_refusal(
    model: type[Assessment | TreatmentSession], *, appointment: Appointment, physiotherapist: User
) -> str | None:
    """Why this physiotherapist cannot make the record at this appointment of their patient, or None.

    The record is the booked practitioner's. A visit still to happen (booked or arrived) is recorded on its day; a
    completed visit of an earlier day may still be written up (late documentation).
    """
    if appointment.status in (AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW):
        return (
            f"The appointment at {when_in_words(appointment.starts_at)} is "
            f"{appointment.get_status_display().lower()}: start the {record_noun(model)} without it."
        )
    if appointment.practitioner.user_id != physiotherapist.pk:
        return (
            f"This appointment is booked with {appointment.practitioner}; the {record_noun(model)} of it is "
            f"theirs to write. Start it from one of your own appointments."
        )
    if (
        appointment.status in (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED)
        and timezone.localdate(appointment.starts_at) != timezone.localdate()
    ):
        return (
            f"The appointment at {when_in_words(appointment.starts_at)} is not today's: start the "
            f"{record_noun(model)} from today's appointment, or once that visit is completed."
        )
    return None


def check_appointment(
    model: type[Record], *, appointment: Appointment, patient: Patient, physiotherapist: User
) -> Record | None:
    """Refuse an appointment the record cannot be made at; return the live record it already has, if any."""
    if appointment.patient_id != patient.pk:
        raise ValidationError("That appointment is another patient's.")
    refusal = appointment_refusal(model, appointment=appointment, physiotherapist=physiotherapist)
    if refusal is not None:
        raise ValidationError(refusal)
    if appointment.appointment_type.kind not in RECORD_KINDS[model]:
        raise ValidationError(
            f"The appointment at {when_in_words(appointment.starts_at)} is an "
            f"{appointment.appointment_type.get_kind_display()} appointment, not one for "
            f"{'an assessment' if model is Assessment else 'a treatment session'}."
        )
    return (
        model.objects.filter(appointment=appointment)
        .exclude(status=AssessmentStatus.ENTERED_IN_ERROR)
        .select_related("physiotherapist")
        .first()
    )


def _linked_or_refused(record: Record, physiotherapist: User) -> Record:
    """The appointment's live record: the caller's own draft is continued (a second click), any other refused."""
    if record.physiotherapist_id != physiotherapist.pk:
        raise AppointmentTaken(record)
    if record.is_signed:
        raise SignedMeanwhile(record)
    return record


def record_start(
    model: type[Record],
    *,
    patient: Patient,
    physiotherapist: User,
    appointment: Appointment | None,
    create: Callable[[], Record],
) -> Record:
    """The appointment's own record; else this physiotherapist's draft of today, tied to the appointment when it
    has none; else a new record from `create`. Raises EarlierDraft when their open draft is from an earlier day.

    The caller holds the transaction and the patient's lock, so two clicks make one record.
    """
    if appointment is not None:
        linked = check_appointment(model, appointment=appointment, patient=patient, physiotherapist=physiotherapist)
        if linked is not None:
            return _linked_or_refused(linked, physiotherapist)
    draft = own_draft(model, patient=patient, physiotherapist=physiotherapist)
    if draft is not None and not is_of_today(draft):
        raise EarlierDraft(draft)
    if draft is not None:
        if appointment is not None and draft.appointment_id is None:
            visit_on = timezone.localdate(appointment.starts_at)
            if visit_on != timezone.localdate(draft.started_at):
                # Writing up a completed visit of an earlier day: today's open draft is not that visit's record.
                raise ValidationError(
                    f"Your {record_noun(model)} of today for this patient is still a draft. Sign it (or mark it "
                    f"entered in error) first, then write up the visit of {day_in_words(visit_on)}."
                )
            # Not part of what a signature covers: the link says which visit the draft belongs to.
            draft.appointment = appointment
            draft.save(update_fields=["appointment"])
        return draft
    return create()


@transaction.atomic
def draft_continue(*, draft: Assessment | TreatmentSession, physiotherapist: User) -> Assessment | TreatmentSession:
    """The earlier draft, continued on purpose: re-checked now, since another tab may have signed it."""
    locked = type(draft).objects.select_for_update().get(pk=draft.pk)
    if locked.physiotherapist_id != physiotherapist.pk:
        raise ValidationError(f"Only the physiotherapist who wrote this {record_noun(locked)} continues it.")
    if locked.status == AssessmentStatus.SIGNED:
        raise SignedMeanwhile(locked)
    if locked.status == AssessmentStatus.ENTERED_IN_ERROR:
        raise ValidationError(f"That {record_noun(locked)} is marked entered in error; it can no longer be changed.")
    return locked


def record_start_new(
    model: type[Record],
    *,
    patient: Patient,
    physiotherapist: User,
    appointment: Appointment | None,
    earlier: Record,
    error_reason: str | None,
    mark_in_error: Callable[[Record, str], object],
    create: Callable[[], Record],
) -> Record:
    """Today's record beside the earlier draft, kept as it is or marked entered in error (`error_reason` given).

    Sent twice, the second answer is the record the first made. Nothing is saved when it is refused. The caller
    holds the transaction and the patient's lock.
    """
    locked = model.objects.select_for_update().get(pk=earlier.pk)
    if locked.patient_id != patient.pk or locked.physiotherapist_id != physiotherapist.pk:
        raise ValidationError(f"That draft {record_noun(model)} is not yours for this patient.")
    if error_reason is not None and not error_reason.strip():
        raise ValidationError({"reason": f"Say why the draft {record_noun(model)} was entered in error."})
    if appointment is not None:
        linked = check_appointment(model, appointment=appointment, patient=patient, physiotherapist=physiotherapist)
        if linked is not None:
            return _linked_or_refused(linked, physiotherapist)
    draft = own_draft(model, patient=patient, physiotherapist=physiotherapist)
    if draft is not None and is_of_today(draft):
        return draft
    if error_reason is not None:
        if locked.status == AssessmentStatus.SIGNED:
            raise SignedMeanwhile(locked)
        mark_in_error(locked, error_reason)
    return create()
