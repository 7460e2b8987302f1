"""Where each patient's questionnaire link stands, and the consent and flags the chart lists beside it.

Whether a patient may be needled is the gate's to say (patients.gate), not this module's.

The day schedule and the chart read this for many patients at once, in a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from .models import (
    Consent,
    Patient,
    QuestionnaireLink,
    QuestionnaireLinkStatus,
    QuestionnaireResponse,
    SafetyFlag,
)
from .safety_rules import Severity

# A flag stores its severity's rank (services.py); the rules define that order once.
SEVERITY_BY_RANK = {severity.rank: severity for severity in Severity}


@dataclass(frozen=True)
class SafetyReadiness:
    questionnaire_status: str  # a QuestionnaireLinkStatus value
    questionnaire_label: str  # the status in words, for staff
    highest_open_severity: str | None  # HOLD, HIGH, CLARIFY, MODERATE, LOW, or None when none is open
    flags_acknowledged: bool  # every flag of the current submission acknowledged (True when there are none)
    highest_severity: str | None  # as highest_open_severity, counting acknowledged flags too
    consent_given_at: datetime | None  # when the IMS consent in force was given; None when none is in force
    current_response_id: int | None  # the latest submitted questionnaire, which the clinic's decisions follow
    latest_link: QuestionnaireLink | None  # the newest link issued (with who issued it), whatever its status

    @property
    def consent_on_file(self) -> bool:
        return self.consent_given_at is not None

    @property
    def has_submission(self) -> bool:
        return self.current_response_id is not None


def readiness_for(patient_ids: Iterable[int]) -> dict[int, SafetyReadiness]:
    """Two queries for any number of patients: the latest of everything per patient, then their newest links."""
    ids = set(patient_ids)
    if not ids:
        return {}
    # The current submission's flags that call for a decision, highest first.
    flags = (
        SafetyFlag.objects.filter(response_id=OuterRef("current_response_id"))
        .exclude(severity=Severity.INFO)
        .order_by("-severity_rank")
    )
    latest = (
        Patient.objects.filter(pk__in=ids)
        .annotate(
            latest_link_id=Subquery(
                QuestionnaireLink.objects.filter(patient=OuterRef("pk"))
                .order_by("-created_at", "-id")
                .values("id")[:1]
            ),
            # As services.current_questionnaire chooses it.
            current_response_id=Subquery(
                QuestionnaireResponse.objects.submitted()
                .filter(patient=OuterRef("pk"))
                .order_by("-submitted_at", "-id")
                .values("id")[:1]
            ),
            consent_given_at=Subquery(
                Consent.objects.in_force()
                .filter(patient=OuterRef("pk"))
                .order_by("-given_at", "-id")
                .values("given_at")[:1]
            ),
        )
        .annotate(
            open_rank=Subquery(flags.filter(acknowledged_at__isnull=True).values("severity_rank")[:1]),
            any_rank=Subquery(flags.values("severity_rank")[:1]),
        )
        .values_list("pk", "latest_link_id", "current_response_id", "consent_given_at", "open_rank", "any_rank")
    )
    rows = {pk: row for pk, *row in latest}
    links = QuestionnaireLink.objects.select_related("created_by").in_bulk(
        [link_id for link_id, *_ in rows.values() if link_id]
    )
    now = timezone.now()
    result = {}
    for patient_id in ids:
        link_id, response_id, consent_given_at, open_rank, rank = rows.get(patient_id, (None,) * 5)
        link = links.get(link_id)
        status = link.status_at(now) if link else QuestionnaireLinkStatus.NOT_SENT
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
            consent_given_at=consent_given_at,
            current_response_id=response_id,
            latest_link=link,
        )
    return result
