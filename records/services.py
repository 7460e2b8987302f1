"""Records out: every disclosure of a patient's record is an audit event; the API's tokens and reads.

A disclosure is one AuditEvent (action "export") linked to a django-auditlog entry that holds to whom
and why (`additional_data["disclosure"]`), so the patient's access report and the audit log list it.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from auditlog.models import LogEntry
from django.db import models, transaction
from django.utils import timezone

from accounts.audit import audit
from accounts.models import AuditAction, AuditEvent, User
from accounts.submissions import claim_submission, complete_submission
from patients.models import Patient

from . import fhir
from .models import IntegrationToken


class DisclosurePurpose(models.TextChoices):
    PATIENT_ACCESS = "patient_access", "The patient's request for a copy of their record"
    CONTINUING_CARE = "continuing_care", "Continuing care: referral or another clinician"
    TRANSFER = "transfer", "Moving the record to another clinic or system"
    INSURER = "insurer", "Insurer or payer, with the patient's consent"
    LEGAL = "legal", "Legal requirement or lawyer, with authority"
    RESEARCH = "research", "Research or quality improvement"
    OTHER = "other", "Other (say which)"


class ExportFormat(models.TextChoices):
    FHIR = "fhir", "FHIR R4 bundle (JSON), for another clinic's software"
    DOCUMENT = "document", "Printable document (HTML), for the patient or a clinician"


@dataclass(frozen=True)
class Disclosure:
    recipient: str
    purpose: str
    detail: str = ""

    def as_data(self, **more: Any) -> dict[str, Any]:
        return {
            "disclosure": {
                "to": self.recipient,
                "purpose": self.purpose,
                "purpose_label": str(DisclosurePurpose(self.purpose).label),
                "detail": self.detail,
                **more,
            }
        }


def _access_event(
    *,
    action: AuditAction,
    instance: models.Model,
    patient_id: int | None,
    data: dict[str, Any],
    object_type: str = "",
    object_id: str = "",
) -> AuditEvent:
    """One audit event (an export or an API read), linked to the django-auditlog entry that holds its details."""
    entry = LogEntry.objects.log_create(
        instance, force_log=True, action=LogEntry.Action.ACCESS, changes=None, additional_data=data
    )
    return audit(
        action=action,
        instance=instance,
        object_type=object_type,
        object_id=object_id,
        patient_id=patient_id,
        log_entry_id=entry.pk if entry else None,
    )


@transaction.atomic
def patient_record_disclose(
    *, patient: Patient, disclosed_by: User, disclosure: Disclosure, export_format: str, submission_key: uuid.UUID,
    result_url: str,
) -> fhir.PatientRecord:  # fmt: skip
    """Load the patient's whole record for one export, recorded once as a disclosure (to whom, why, what).

    The form's one-time key makes a double submit one disclosure (DuplicateSubmission on the second).
    """
    claim = claim_submission(key=submission_key, user=disclosed_by)
    record = fhir.load_patient_record(patient)
    _access_event(
        action=AuditAction.EXPORT,
        instance=patient,
        patient_id=patient.pk,
        data=disclosure.as_data(format=export_format, scope="whole record"),
    )
    complete_submission(claim, result_url)
    return record


@transaction.atomic
def clinic_export_disclose(
    *, exported_by: User, disclosure: Disclosure, pseudonymised: bool, submission_key: uuid.UUID, result_url: str
) -> None:
    """The clinic-wide CSV export is one audit event (a bulk export) with to whom, why and whether pseudonymised."""
    claim = claim_submission(key=submission_key, user=exported_by)
    _access_event(
        action=AuditAction.EXPORT,
        instance=exported_by,
        patient_id=None,
        object_type="records.clinicexport",
        object_id="pseudonymised" if pseudonymised else "identified",
        data=disclosure.as_data(scope="clinic CSV export", pseudonymised=pseudonymised),
    )
    complete_submission(claim, result_url)


# --- Integration tokens ---------------------------------------------------------------------------------

TOKEN_BYTES = 32  # 256 bits


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def integration_token_create(
    *, name: str, created_by: User, submission_key: uuid.UUID, result_url: str
) -> tuple[IntegrationToken, str]:
    """A new token for one integration; the token itself is returned once and only its hash is kept."""
    claim = claim_submission(key=submission_key, user=created_by)
    raw = secrets.token_urlsafe(TOKEN_BYTES)
    token = IntegrationToken(
        name=name.strip(), token_hash=token_hash(raw), token_prefix=raw[:8], created_by=created_by
    )
    token.full_clean()
    token.save()
    complete_submission(claim, result_url)
    return token, raw


@transaction.atomic
def integration_token_revoke(*, token: IntegrationToken, revoked_by: User) -> IntegrationToken:
    locked = IntegrationToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.revoked_by = revoked_by
        locked.save(update_fields=["revoked_at", "revoked_by"])
    return locked


MAX_TOKEN_LENGTH = 200


def integration_token_authenticate(*, raw: str) -> IntegrationToken | None:
    """The active token with this value, or None (unknown, revoked, or not a token at all)."""
    if not raw or len(raw) > MAX_TOKEN_LENGTH:
        return None
    token = IntegrationToken.objects.active().filter(token_hash=token_hash(raw)).first()
    if token is not None:
        # A plain UPDATE: when a token was last used is not a change worth an audit entry of its own.
        IntegrationToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token


def api_read_recorded(
    *, token: IntegrationToken, instance: models.Model, patient_id: int | None, request: str
) -> None:
    """Every read through the API is an audit event, naming the integration that made it."""
    _access_event(
        action=AuditAction.VIEW,
        instance=instance,
        patient_id=patient_id,
        data={"integration": {"id": token.pk, "name": token.name}, "request": request},
    )
