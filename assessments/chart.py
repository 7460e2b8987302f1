"""What the patient's chart shows of assessments: timeline entries, a header fact and the start button."""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias, TypedDict

from django.db.models import Count, Subquery
from django.urls import reverse

from patients import timeline
from patients.models import Patient

from . import scales
from .models import Assessment, AssessmentStatus, TreatmentSession

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

# How the timeline marks a record that is not (yet) a signed one.
STATUS_WORDS: dict[str, str] = {AssessmentStatus.DRAFT: "draft", AssessmentStatus.ENTERED_IN_ERROR: "entered in error"}


def assessment_events(patient: Patient, limit: int) -> list[timeline.TimelineEntry]:
    entries = []
    for assessment in Assessment.objects.filter(patient=patient).select_related("physiotherapist")[:limit]:
        entries.append(
            timeline.TimelineEntry(
                at=assessment.signed_at or assessment.started_at,
                kind="assessment",
                title=f"IMS assessment by {assessment.physiotherapist}",
                detail=assessment.clinical_impression[:200],
                url=assessment.get_absolute_url(),
                is_clinical=True,
                status=STATUS_WORDS.get(assessment.status, ""),
            )
        )
    return entries


def start_action(patient: Patient, _user: object) -> list[timeline.ChartAction]:
    return [
        timeline.ChartAction(
            label="IMS assessment",
            url=reverse("assessments:assessment-start", kwargs={"patient_pk": patient.pk}),
            method="post",
            icon="bi-clipboard2-pulse",
        )
    ]


SESSIONS = "_assessments_recent_sessions"


class CoursePain(TypedDict):
    # Both pains are there whenever the count is (the course's sessions all have a pain_before).
    course_first_pain: int
    course_latest_pain: int
    course_pain_count: int | None


if TYPE_CHECKING:
    # A session row with the course's pain trend annotated on it (django-stubs' helper, for the checker only).
    SessionWithCourse: TypeAlias = WithAnnotations[TreatmentSession, CoursePain]


def _recent_sessions(patient: Patient, limit: int) -> list[SessionWithCourse]:
    """The patient's newest sessions, fetched once per chart for the timeline and the header.

    Each row also carries the whole course's pain trend (uncorrelated subqueries, computed once),
    so the header needs no query of its own, however long the course.
    """
    cached = patient.__dict__.get(SESSIONS)
    if cached is None or cached[0] < limit:
        course = TreatmentSession.objects.filter(patient=patient.pk, pain_before__isnull=False).exclude(
            status=AssessmentStatus.ENTERED_IN_ERROR
        )
        rows = list(
            TreatmentSession.objects.filter(patient=patient)
            .select_related("physiotherapist")
            .annotate(
                course_first_pain=Subquery(course.order_by("started_at", "id").values("pain_before")[:1]),
                course_latest_pain=Subquery(course.order_by("-started_at", "-id").values("pain_before")[:1]),
                course_pain_count=Subquery(
                    course.order_by().values("patient").annotate(count=Count("pk")).values("count")
                ),
            )[:limit]
        )
        cached = patient.__dict__[SESSIONS] = (limit, rows)
    return cached[1][:limit]


def session_events(patient: Patient, limit: int) -> list[timeline.TimelineEntry]:
    entries = []
    for session in _recent_sessions(patient, limit):
        pain = (
            f"Pain {session.pain_before} → {session.pain_after}"
            if session.pain_before is not None and session.pain_after is not None
            else ""
        )
        entries.append(
            timeline.TimelineEntry(
                at=session.started_at,
                kind="treatment",
                title=f"IMS treatment by {session.physiotherapist}",
                detail=pain,
                url=session.get_absolute_url(),
                is_clinical=True,
                status=STATUS_WORDS.get(session.status, ""),
            )
        )
    return entries


def treatment_actions(patient: Patient, _user: object) -> list[timeline.ChartAction]:
    return [
        timeline.ChartAction(
            label="IMS treatment",
            url=reverse("assessments:session-start", kwargs={"patient_pk": patient.pk}),
            method="post",
            icon="bi-activity",
        ),
        timeline.ChartAction(
            label="Progress",
            url=reverse("assessments:progress", kwargs={"patient_pk": patient.pk}),
            icon="bi-graph-up",
        ),
    ]


def pain_trend(patient: Patient) -> list[timeline.HeaderFact]:
    """A small trend on the chart: pain before the first and the latest session."""
    sessions = _recent_sessions(patient, 1)
    if not sessions or (sessions[0].course_pain_count or 0) < 2:
        return []
    first, latest, count = sessions[0].course_first_pain, sessions[0].course_latest_pain, sessions[0].course_pain_count
    change = scales.nprs_change(first, latest)
    if change.is_important_improvement:
        tone = "success"
    elif change.is_important_worsening:
        tone = "warning"
    else:
        tone = "secondary"
    return [
        timeline.HeaderFact(
            label="Pain over the course",
            value=f"{first} → {latest} over {count} sessions",
            url=reverse("assessments:progress", kwargs={"patient_pk": patient.pk}),
            tone=tone,
            is_clinical=True,
        )
    ]


def register() -> None:
    timeline.register("assessment", assessment_events)
    timeline.register("treatment", session_events)
    timeline.register_action("assessment-start", start_action)
    timeline.register_action("treatment", treatment_actions)
    timeline.register_header("pain-trend", pain_trend)
