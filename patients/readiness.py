"""Where each patient's questionnaire link stands, for the chart and the appointment page.

Whether a patient may be needled is the gate's to say (patients.gate); this module reads the same snapshot
(patients.safety_state) and adds the newest link with who issued it: one more query for any number of patients.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from . import gate, safety_state
from .models import QuestionnaireLink, QuestionnaireLinkStatus


@dataclass(frozen=True)
class SafetyReadiness:
    questionnaire_status: str  # a QuestionnaireLinkStatus value
    questionnaire_label: str  # the status in words, for staff
    consent_given_at: datetime | None  # when the IMS consent in force was given; None when none is in force
    current_response_id: int | None  # the latest submitted questionnaire, which the clinic's decisions follow
    latest_link: QuestionnaireLink | None  # the newest link issued (with who issued it), whatever its status
    state: gate.PatientSafetyState  # what the gate read, to answer for another day
    gate: gate.PatientDecision  # the needling gate's answer today

    @property
    def has_submission(self) -> bool:
        return self.current_response_id is not None

    @property
    def is_questionnaire_completed(self) -> bool:
        return self.questionnaire_status == QuestionnaireLinkStatus.COMPLETED

    @property
    def is_questionnaire_expired_or_locked(self) -> bool:
        return self.questionnaire_status in (QuestionnaireLinkStatus.EXPIRED, QuestionnaireLinkStatus.LOCKED)


def _label(status: QuestionnaireLinkStatus, has_submission: bool) -> str:
    if has_submission and status != QuestionnaireLinkStatus.COMPLETED:
        return f"{status.label}; an earlier questionnaire is completed"
    if status == QuestionnaireLinkStatus.NOT_SENT:
        return "Questionnaire not sent"
    return f"Questionnaire {status.label.lower()}"


def readiness_for(patient_ids: Iterable[int], *, today: date | None = None) -> dict[int, SafetyReadiness]:
    """The gate's snapshot (two or three queries) and the newest links with their issuers (one more)."""
    day = today or timezone.localdate()
    found = safety_state.snapshots(patient_ids, today=day)
    links = QuestionnaireLink.objects.select_related("created_by").in_bulk(
        [snapshot.latest_link_id for snapshot in found.values() if snapshot.latest_link_id]
    )
    now = timezone.now()
    options = safety_state.gate_settings()
    result = {}
    for patient_id, snapshot in found.items():
        link = links.get(snapshot.latest_link_id) if snapshot.latest_link_id else None
        status = link.status_at(now) if link else QuestionnaireLinkStatus.NOT_SENT
        result[patient_id] = SafetyReadiness(
            questionnaire_status=status.value,
            questionnaire_label=_label(status, snapshot.response_id is not None),
            consent_given_at=snapshot.consent_given_at,
            current_response_id=snapshot.response_id,
            latest_link=link,
            state=snapshot.state,
            gate=gate.patient_decision(snapshot.state, today=day, settings=options),
        )
    return result
