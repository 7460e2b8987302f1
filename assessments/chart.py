"""What the patient's chart shows of assessments: timeline entries, a header fact and the start button."""

from __future__ import annotations

from django.urls import reverse

from patients import timeline
from patients.models import Patient

from .models import Assessment, AssessmentStatus


def assessment_events(patient: Patient, limit: int) -> list[timeline.TimelineEntry]:
    entries = []
    for assessment in Assessment.objects.filter(patient=patient).select_related("physiotherapist")[:limit]:
        status = {AssessmentStatus.DRAFT: "draft", AssessmentStatus.ENTERED_IN_ERROR: "entered in error"}.get(
            assessment.status, ""
        )
        entries.append(
            timeline.TimelineEntry(
                at=assessment.signed_at or assessment.started_at,
                kind="assessment",
                title=f"IMS assessment by {assessment.physiotherapist}",
                detail=assessment.clinical_impression[:200],
                url=assessment.get_absolute_url(),
                is_clinical=True,
                status=status,
            )
        )
    return entries


def start_action(patient: Patient, user: object) -> list[timeline.ChartAction]:
    return [
        timeline.ChartAction(
            label="IMS assessment",
            url=reverse("assessments:assessment-start", kwargs={"patient_pk": patient.pk}),
            method="post",
            icon="bi-clipboard2-pulse",
        )
    ]


def register() -> None:
    timeline.register("assessment", assessment_events)
    timeline.register_action("assessment-start", start_action)
