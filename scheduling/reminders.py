"""Appointment reminders, sent by the task worker: queued when a visit is booked or moved, for
CLINIC_REMINDER_HOURS before it, and re-checked when they are due.

The reminder says when and with whom (never why), how to reach the clinic (its name, phone and address), asks
for the safety questionnaire when the patient's answers are missing or will be out of date by the visit, and
links to the visit's private page (`AppointmentLink`) with the clinic's details to cancel or move it. A moved
visit's earlier reminder is not sent (its key holds the old time), nor a cancelled visit's.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from patients import messaging, private_links
from patients.gate import QuestionnaireStatus
from patients.models import Message, MessageKind, QuestionnaireLink
from patients.safety_state import patient_decision

from .models import Appointment, AppointmentLink, AppointmentStatus

KEY_PREFIX = "reminder:appointment:"


def reminder_key(appointment: Appointment) -> str:
    """One reminder per visit and start time (in UTC, so that the key does not depend on the clinic's zone)."""
    return f"{KEY_PREFIX}{appointment.pk}:{appointment.starts_at.astimezone(UTC).isoformat()}"


def _appointment_prefix(appointment_id: int) -> str:
    return f"{KEY_PREFIX}{appointment_id}:"


def reminder_queue(*, appointment: Appointment) -> Message | None:
    """Queue the visit's reminder for CLINIC_REMINDER_HOURS before it (at once if that is past); once per start
    time. None for a visit that is not booked or has started."""
    if appointment.status != AppointmentStatus.BOOKED or appointment.starts_at <= timezone.now():
        return None
    # A moved visit's reminder for its earlier time stays queued and is skipped when due (compose_reminder): one
    # query fewer in every booking.
    return messaging.queue(
        patient=appointment.patient,
        kind=MessageKind.REMINDER,
        key=reminder_key(appointment),
        about=f"appointment:{appointment.pk}",
        send_after=appointment.starts_at - timedelta(hours=settings.CLINIC_REMINDER_HOURS),
    )


def reminders_cancel(*, appointment: Appointment) -> int:
    return messaging.cancel(key_prefix=_appointment_prefix(appointment.pk), reason="The visit was cancelled.")


def queue_missing(*, within: timedelta) -> int:
    """The cron fallback: queue the reminder of every booked visit in the window that has none (a booking made
    while messages could not be queued, or before reminders moved onto the worker); how many were queued."""
    now = timezone.now()
    upcoming = list(
        Appointment.objects.filter(status=AppointmentStatus.BOOKED, starts_at__gt=now, starts_at__lte=now + within)
        .filter(patient__is_archived=False)
        .select_related("patient")
        .order_by("starts_at", "id")
    )
    keys = {reminder_key(appointment) for appointment in upcoming}
    existing = set(Message.objects.filter(key__in=keys).values_list("key", flat=True))
    queued = 0
    for appointment in upcoming:
        if reminder_key(appointment) in existing:
            continue
        try:
            with transaction.atomic():
                reminder_queue(appointment=appointment)
        except IntegrityError:  # another run queued it meanwhile
            continue
        queued += 1
    return queued


def on_appointment_placed(*, appointment: Appointment, **_: object) -> None:
    reminder_queue(appointment=appointment)


def on_appointment_cancelled(*, appointment: Appointment, **_: object) -> None:
    reminders_cancel(appointment=appointment)


def _parse_key(key: str) -> tuple[int, datetime]:
    _reminder, _appointment, pk, starts = key.split(":", 3)
    return int(pk), datetime.fromisoformat(starts)


def _questionnaire_prompt(appointment: Appointment) -> str:
    """The safety questionnaire asked for when the patient's answers are missing, or out of date by the visit."""
    visit_day = timezone.localdate(appointment.starts_at)
    status = patient_decision(patient=appointment.patient, today=visit_day).questionnaire
    if status == QuestionnaireStatus.CURRENT:
        return ""
    if QuestionnaireLink.objects.filter(patient=appointment.patient).open().exists():
        return _("Before your visit, please answer our short safety questionnaire from the link we sent you.")
    return _(
        "Before your visit we need your answers to a short safety questionnaire: expect a link from us, or call "
        "us at %(phone)s."
    ) % {"phone": settings.CLINIC_PHONE}


def compose_reminder(message: Message) -> messaging.Composed:
    """The reminder, if the visit is still booked at the time it announced; in the active (patient's) language."""
    appointment_id, announced = _parse_key(message.key)
    appointment = Appointment.objects.select_related("patient", "practitioner").filter(pk=appointment_id).first()
    if appointment is None or appointment.status != AppointmentStatus.BOOKED:
        raise messaging.Skip("The visit is no longer booked.")
    if appointment.starts_at != announced:
        raise messaging.Skip("The visit was moved: its new time has its own reminder.")
    now = timezone.now()
    if appointment.starts_at <= now:
        raise messaging.Skip("The visit had already started.")
    _link, token = private_links.issue(
        AppointmentLink, patient=appointment.patient, valid_for=appointment.ends_at - now, appointment=appointment
    )
    url = messaging.absolute(reverse("appointment_link:page", kwargs={"token": token}))
    local = timezone.localtime(appointment.starts_at)
    details = {
        "day": formats.date_format(local, "l j F"),
        "time": formats.time_format(local, "H:i"),
        "practitioner": appointment.practitioner.display_name,
        "clinic": settings.CLINIC_NAME,
        "phone": settings.CLINIC_PHONE,
        "email": settings.CLINIC_EMAIL,
    }
    address = ", ".join(line.strip() for line in settings.CLINIC_ADDRESS.replace("\\n", "\n").splitlines() if line)
    prompt = _questionnaire_prompt(appointment)
    paragraphs = [
        _("Hello %(name)s,") % {"name": appointment.patient.given_name},
        _("This is a reminder of your appointment at %(clinic)s on %(day)s at %(time)s with %(practitioner)s.")
        % details,
        prompt,
        _(
            "If you cannot come, please call us at %(phone)s or write to %(email)s to cancel or move it, so that "
            "someone else can have the time. Your visit and our address:"
        )
        % details
        + " {link}",
        f"{settings.CLINIC_NAME}\n{address}",
    ]
    text = _("Reminder: your appointment on %(day)s at %(time)s with %(practitioner)s.") % details
    if prompt:
        text += " " + _("Please answer the safety questionnaire before your visit.")
    text += " " + _("To cancel or move it, call %(phone)s.") % details + " {link}"
    return messaging.Composed(
        subject=_("Your appointment on %(day)s at %(time)s") % details,
        body="\n\n".join(paragraph for paragraph in paragraphs if paragraph),
        link=url,
        text=text,
    )
