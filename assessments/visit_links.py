"""The record of the visit offered beside its appointment: on the appointment's page and on the patient's chart."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.permissions import holds
from patients import timeline
from patients.models import Patient
from scheduling.chart import todays_arrivals
from scheduling.models import Appointment, AppointmentStatus, Practitioner
from scheduling.visit_actions import VisitAction

from .models import Assessment, AssessmentStatus, TreatmentSession
from .services import RECORD_KINDS, appointment_refusal

# Appointments a record is started from: the patient is here (checked in) or the visit is over.
STARTED_VISITS = (AppointmentStatus.ARRIVED, AppointmentStatus.COMPLETED)
RECORDS = (
    (Assessment, "assessments:assessment-start", "assessments.add_assessment", "assessment", "bi-clipboard2-pulse"),
    (TreatmentSession, "assessments:session-start", "assessments.add_treatmentsession", "treatment session",
     "bi-activity"),
)  # fmt: skip


def appointment_actions(appointment: Appointment, user: object) -> list[VisitAction]:
    """Start the visit's record, or open the one it has: for a checked-in or completed appointment."""
    if appointment.status not in STARTED_VISITS or not isinstance(user, User):
        return []
    actions = []
    for model, start_url, permission, noun, icon in RECORDS:
        if appointment.appointment_type.kind not in RECORD_KINDS[model] or not holds(user, permission):
            continue
        record = (
            model.objects.filter(appointment=appointment)
            .exclude(status=AssessmentStatus.ENTERED_IN_ERROR)
            .only("pk", "status", "physiotherapist_id")
            .first()
        )
        if record is None:
            if appointment_refusal(model, appointment=appointment, physiotherapist=user) is not None:
                continue  # another practitioner's visit, or one checked in on an earlier day: not theirs to start
            url = reverse(start_url, kwargs={"patient_pk": appointment.patient_id})
            actions.append(
                VisitAction(f"Start the {noun}", url, fields=(("appointment", str(appointment.pk)),), icon=icon)
            )
        elif record.is_draft and record.physiotherapist_id == user.pk:
            actions.append(VisitAction(f"Continue the {noun}", record.get_absolute_url(), method="get", icon=icon))
        else:
            state = "signed " if record.is_signed else ""
            actions.append(VisitAction(f"Open the {state}{noun}", record.get_absolute_url(), method="get", icon=icon))
    return actions


def chart_actions(patient: Patient, user: object) -> list[timeline.ChartAction]:
    """On the chart: start the record of today's checked-in appointment with this physiotherapist that has none yet
    (no query without one)."""
    arrivals = todays_arrivals(patient)
    if not arrivals or not isinstance(user, User):
        return []
    own = Practitioner.objects.filter(user=user).values_list("pk", flat=True).first()
    arrivals = [appointment for appointment in arrivals if appointment.practitioner_id == own]
    if not arrivals:
        return []
    linked = {
        model: set(
            model.objects.filter(appointment__in=arrivals)
            .exclude(status=AssessmentStatus.ENTERED_IN_ERROR)
            .values_list("appointment_id", flat=True)
        )
        for model, *_ in RECORDS
    }
    actions = []
    for appointment in arrivals:
        at = f"{timezone.localtime(appointment.starts_at):%H:%M}"
        for model, start_url, _permission, noun, icon in RECORDS:
            if appointment.appointment_type.kind in RECORD_KINDS[model] and appointment.pk not in linked[model]:
                actions.append(
                    timeline.ChartAction(
                        label=f"Start the {noun} of the {at} appointment",
                        url=reverse(start_url, kwargs={"patient_pk": patient.pk}),
                        method="post",
                        icon=icon,
                        fields=(("appointment", str(appointment.pk)),),
                    )
                )
    return actions
