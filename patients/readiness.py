"""Is a patient ready for IMS: questionnaire done, flags acknowledged, consent on file.

The day schedule and the chart read this for many patients at once, in a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, Max, OuterRef, Q, Subquery
from django.utils import timezone

from .models import Consent, FlagSeverity, Patient, QuestionnaireLink, QuestionnaireLinkStatus, SafetyFlag

SEVERITY_BY_RANK = {
    6: FlagSeverity.HOLD,
    5: FlagSeverity.HIGH,
    4: FlagSeverity.CLARIFY,
    3: FlagSeverity.MODERATE,
    2: FlagSeverity.LOW,
    1: FlagSeverity.INFO,
}


@dataclass(frozen=True)
class SafetyReadiness:
    questionnaire_status: str  # a QuestionnaireLinkStatus value
    questionnaire_label: str  # the status in words, for staff
    highest_open_severity: str | None  # HOLD, HIGH, CLARIFY, MODERATE, LOW, or None when none is open
    flags_acknowledged: bool  # every flag of the current submission acknowledged (True when there are none)
    highest_severity: str | None  # as highest_open_severity, counting acknowledged flags too
    consent_on_file: bool  # an IMS consent in force
    has_submission: bool  # a questionnaire was ever submitted

    @property
    def is_ready(self) -> bool:
        return self.has_submission and self.flags_acknowledged and self.consent_on_file


def readiness_for(patient_ids: Iterable[int]) -> dict[int, SafetyReadiness]:
    ids = set(patient_ids)
    if not ids:
        return {}
    latest = (
        Patient.objects.filter(pk__in=ids)
        .annotate(
            latest_link_id=Subquery(
                QuestionnaireLink.objects.filter(patient=OuterRef("pk"))
                .order_by("-created_at", "-id")
                .values("id")[:1]
            ),
            current_response_id=Subquery(
                QuestionnaireLink.objects.filter(patient=OuterRef("pk"), response__submitted_at__isnull=False)
                .order_by("-response__submitted_at", "-id")
                .values("response__id")[:1]
            ),
            has_consent=Exists(Consent.objects.in_force().filter(patient=OuterRef("pk"))),
        )
        .values_list("pk", "latest_link_id", "current_response_id", "has_consent")
    )
    latest_link_of = {pk: link_id for pk, link_id, _, _ in latest}
    response_of = {pk: response_id for pk, _, response_id, _ in latest}
    consented = {pk for pk, _, _, has_consent in latest if has_consent}
    links = QuestionnaireLink.objects.in_bulk([i for i in latest_link_of.values() if i])
    ranks = {
        response_id: (open_rank, rank)
        for response_id, open_rank, rank in SafetyFlag.objects.filter(
            response_id__in=[i for i in response_of.values() if i]
        )
        .exclude(severity=FlagSeverity.INFO)
        .values("response_id")
        .annotate(open_rank=Max("severity_rank", filter=Q(acknowledged_at__isnull=True)), rank=Max("severity_rank"))
        .values_list("response_id", "open_rank", "rank")
    }
    now = timezone.now()
    result = {}
    for patient_id in ids:
        link = links.get(latest_link_of.get(patient_id))
        status = link.status_at(now) if link else QuestionnaireLinkStatus.NOT_SENT
        response_id = response_of.get(patient_id)
        open_rank, rank = ranks.get(response_id, (None, None)) if response_id else (None, None)
        if response_id and status != QuestionnaireLinkStatus.COMPLETED:
            label = f"{status.label}; an earlier questionnaire is completed"
        else:
            label = (
                f"Questionnaire {status.label.lower()}"
                if status != QuestionnaireLinkStatus.NOT_SENT
                else "Questionnaire not sent"
            )
        result[patient_id] = SafetyReadiness(
            questionnaire_status=status.value,
            questionnaire_label=label,
            highest_open_severity=SEVERITY_BY_RANK[open_rank].value if open_rank else None,
            flags_acknowledged=open_rank is None,
            highest_severity=SEVERITY_BY_RANK[rank].value if rank else None,
            consent_on_file=patient_id in consented,
            has_submission=response_id is not None,
        )
    return result
