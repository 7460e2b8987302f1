"""Reads of the assessments that span several models: what the pages show over a patient's course of care."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from patients.models import Patient

from . import rom
from .models import AssessmentStatus, OutcomeMeasure, RomMeasurement, TreatmentSession


@dataclass(frozen=True)
class ProgressPoint:
    at: Any
    value: float
    label: str


def progress_series(*, patient: Patient) -> dict[str, Any]:
    """Pain before and after each signed or draft session, outcome scores, and ROM over the course (fixed queries)."""
    sessions = list(
        TreatmentSession.objects.filter(patient=patient)
        .exclude(status=AssessmentStatus.ENTERED_IN_ERROR)
        .order_by("started_at", "id")
        .only("started_at", "pain_before", "pain_after", "status")
    )
    measures = list(OutcomeMeasure.objects.filter(patient=patient).order_by("recorded_at", "id"))
    rom_rows = list(
        RomMeasurement.objects.filter(assessment__patient=patient)
        .exclude(assessment__status=AssessmentStatus.ENTERED_IN_ERROR)
        .select_related("assessment")
        .order_by("assessment__started_at", "id")
    )
    by_instrument: dict[str, list[ProgressPoint]] = {}
    for measure in measures:
        by_instrument.setdefault(measure.instrument, []).append(
            ProgressPoint(measure.recorded_at, measure.score, f"{measure.score:.1f}")
        )
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
        "sessions": sessions,
        "outcomes": by_instrument,
        "rom": {key: points for key, points in by_movement.items() if len(points) > 1},
    }
