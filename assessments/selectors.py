"""Reads of the assessments that span several models: what the pages show over a patient's course of care."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from patients.models import Patient

from . import rom
from .models import AdverseEvent, Assessment, AssessmentStatus, OutcomeMeasure, RomMeasurement, TreatmentSession


@dataclass(frozen=True)
class ProgressPoint:
    at: Any
    value: float
    label: str
    is_baseline: bool = False  # taken at the assessment, the first visit
    is_patient_reported: bool = False  # answered by the patient on their phone before a visit


def progress_series(*, patient: Patient) -> dict[str, Any]:
    """Pain before and after each signed or draft session, outcome scores (the patient's own answers marked), the
    pain the patient reported before a visit, and ROM over the course (fixed queries)."""
    sessions = list(
        TreatmentSession.objects.filter(patient=patient)
        .exclude(status=AssessmentStatus.ENTERED_IN_ERROR)
        .order_by("started_at", "id")
        .only("started_at", "pain_before", "pain_after", "status")
    )
    measures = list(
        OutcomeMeasure.objects.filter(patient=patient)
        .exclude(assessment__status=AssessmentStatus.ENTERED_IN_ERROR)
        .select_related("assessment")
        .order_by("recorded_at", "id")
    )
    baselines = list(
        Assessment.objects.filter(patient=patient)
        .exclude(status=AssessmentStatus.ENTERED_IN_ERROR)
        .order_by("started_at", "id")
        .only("started_at", "pain_now", "pain_best", "pain_worst", "status")
    )
    rom_rows = list(
        RomMeasurement.objects.filter(assessment__patient=patient)
        .exclude(assessment__status=AssessmentStatus.ENTERED_IN_ERROR)
        .select_related("assessment")
        .order_by("assessment__started_at", "id")
    )
    by_instrument: dict[str, list[ProgressPoint]] = {}
    for measure in measures:
        # A baseline is dated by its assessment, so that it is the first point of the course it started.
        if measure.assessment is not None:
            at, label = measure.assessment.started_at, f"{measure.score:.1f} (baseline)"
            point = ProgressPoint(at, measure.score, label, is_baseline=True)
        elif measure.is_patient_reported:
            label = f"{measure.score:.1f} (patient-reported)"
            point = ProgressPoint(measure.recorded_at, measure.score, label, is_patient_reported=True)
        else:
            point = ProgressPoint(measure.recorded_at, measure.score, f"{measure.score:.1f}")
        by_instrument.setdefault(measure.instrument, []).append(point)
    for points in by_instrument.values():
        points.sort(key=lambda point: (point.at, not point.is_baseline))
    by_movement: dict[str, list[ProgressPoint]] = {}
    for row in rom_rows:
        key = f"{rom.rom_norm(row.joint, row.movement).label} ({row.side}, {row.mode})"
        by_movement.setdefault(key, []).append(
            ProgressPoint(row.assessment.started_at, row.degrees, f"{row.degrees}°")
        )
    return {
        "pain_before": [
            ProgressPoint(s.started_at, s.pain_before, str(s.pain_before))
            for s in sessions
            if s.pain_before is not None
        ],
        "pain_after": [
            ProgressPoint(s.started_at, s.pain_after, str(s.pain_after)) for s in sessions if s.pain_after is not None
        ],
        "pain_baseline": [
            ProgressPoint(a.started_at, a.pain_now, f"{a.pain_now} (first visit)", True)
            for a in baselines
            if a.pain_now is not None
        ],
        "pain_reported": [
            ProgressPoint(m.recorded_at, m.pain_now, f"{m.pain_now} (patient-reported)", is_patient_reported=True)
            for m in measures
            if m.is_patient_reported and m.pain_now is not None
        ],
        "baselines": [a for a in baselines if {a.pain_now, a.pain_best, a.pain_worst} != {None}],
        "sessions": sessions,
        "outcomes": by_instrument,
        "rom": {key: points for key, points in by_movement.items() if len(points) > 1},
    }


def standing_adverse_events() -> QuerySet[AdverseEvent]:
    """The adverse events that count: those of a session entered in error are left out, alike on the review list,
    its count report and the clinic admin's Today."""
    return AdverseEvent.objects.exclude(session__status=AssessmentStatus.ENTERED_IN_ERROR)
