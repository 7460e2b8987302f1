"""Is a patient ready for IMS: questionnaire done, flags acknowledged, consent on file.

The day schedule and the chart read this for many patients at once, in a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .models import Consent


@dataclass(frozen=True)
class SafetyReadiness:
    questionnaire_status: str  # not_sent, sent, opened, completed, expired, revoked, locked
    questionnaire_label: str  # the status in words, for staff
    highest_open_severity: str | None  # HOLD, HIGH, MODERATE, LOW, INFO, CLARIFY, or None when none is open
    flags_acknowledged: bool  # every flag of the current submission acknowledged (True when there are none)
    consent_on_file: bool  # an IMS consent in force

    @property
    def is_ready(self) -> bool:
        return self.questionnaire_status == "completed" and self.flags_acknowledged and self.consent_on_file


NOT_SENT = ("not_sent", "Questionnaire not sent")


def readiness_for(patient_ids: Iterable[int]) -> dict[int, SafetyReadiness]:
    ids = set(patient_ids)
    consented = set(
        Consent.objects.in_force().filter(patient_id__in=ids).values_list("patient_id", flat=True).distinct()
    )
    return {
        patient_id: SafetyReadiness(
            questionnaire_status=NOT_SENT[0],
            questionnaire_label=NOT_SENT[1],
            highest_open_severity=None,
            flags_acknowledged=True,
            consent_on_file=patient_id in consented,
        )
        for patient_id in ids
    }
