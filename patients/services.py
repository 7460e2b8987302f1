"""Patients own registration, search, archiving and consent: every change with a rule lives here."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from difflib import SequenceMatcher
from typing import Any

from auditlog.signals import accessed
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.submissions import claim_submission, complete_submission

from . import identity
from .models import Consent, ConsentForm, ConsentTextVersion, Patient, PatientQuerySet

# --- Search ---------------------------------------------------------------------


def patient_search(*, text: str, include_archived: bool = False) -> PatientQuerySet:
    """The registry's one search box: name fragments in any order, a date of birth, or phone digits."""
    query = identity.parse_registry_query(text)
    patients = Patient.objects.for_registry()
    if not include_archived:
        patients = patients.active()
    if query.dates:
        return patients.filter(date_of_birth__in=query.dates)
    if query.phone_digits:
        return patients.filter(phone_digits__contains=query.phone_digits)
    for term in query.name_terms:
        patients = patients.filter(search_name__contains=term)
    return patients


# --- Registration ------------------------------------------------------------------

IDENTITY_FIELDS = (
    "given_name", "family_name", "preferred_name", "date_of_birth", "administrative_sex", "pronouns",
    "phone", "email", "preferred_contact_method", "address_line1", "address_line2", "city", "province",
    "postal_code", "health_number", "health_number_province", "emergency_contact_name",
    "emergency_contact_relationship", "emergency_contact_phone", "family_doctor", "referred_by",
)  # fmt: skip

SIMILAR_NAME_RATIO = 0.8
MAX_DUPLICATE_CANDIDATES = 10


@dataclass(frozen=True)
class PossibleDuplicate:
    patient: Patient
    reasons: tuple[str, ...]


def _similar(a: str, b: str) -> bool:
    a, b = identity.fold(a), identity.fold(b)
    return bool(a and b) and (a == b or SequenceMatcher(None, a, b).ratio() >= SIMILAR_NAME_RATIO)


def patient_possible_duplicates(*, data: dict[str, Any], exclude: Patient | None = None) -> list[PossibleDuplicate]:
    """Registered patients who may be this person: same date of birth and a similar name, or the same phone."""
    phone_digits = identity.digits(data.get("phone") or "")
    match = Q(date_of_birth=data["date_of_birth"])
    if phone_digits:
        match |= Q(phone_digits=phone_digits)
    candidates = Patient.objects.filter(match).order_by("family_name", "given_name", "id")
    if exclude is not None:
        candidates = candidates.exclude(pk=exclude.pk)
    found = []
    for candidate in candidates[:MAX_DUPLICATE_CANDIDATES]:
        reasons = []
        if candidate.date_of_birth == data["date_of_birth"] and (
            _similar(candidate.family_name, data["family_name"])
            or _similar(
                f"{candidate.given_name} {candidate.family_name}", f"{data['given_name']} {data['family_name']}"
            )
        ):
            reasons.append("same date of birth and a similar name")
        if phone_digits and candidate.phone_digits == phone_digits:
            reasons.append("same phone number")
        if reasons:
            found.append(PossibleDuplicate(candidate, tuple(reasons)))
    return found


def _derive_search_fields(patient: Patient) -> None:
    patient.search_name = identity.search_name(patient.given_name, patient.preferred_name, patient.family_name)
    patient.phone_digits = identity.digits(patient.phone)


@transaction.atomic
def patient_create(*, data: dict[str, Any], created_by: Any, submission_key: uuid.UUID) -> Patient:
    """Register a patient once per rendered form (a repeated POST raises DuplicateSubmission)."""
    claim = claim_submission(key=submission_key, user=created_by)
    patient = Patient(**{field: data[field] for field in IDENTITY_FIELDS if field in data})
    patient.created_by = patient.updated_by = created_by
    patient.created_at = patient.updated_at = timezone.now()
    _derive_search_fields(patient)
    patient.full_clean()
    patient.save()
    complete_submission(claim, patient.get_absolute_url())
    return patient


class ArchivedPatientError(ValidationError):
    pass


@transaction.atomic
def patient_update(*, patient: Patient, data: dict[str, Any], updated_by: Any) -> Patient:
    locked = Patient.objects.select_for_update().get(pk=patient.pk)
    if locked.is_archived:
        raise ArchivedPatientError("This patient is archived. Restore the patient before changing their details.")
    for field in IDENTITY_FIELDS:
        if field in data:
            setattr(locked, field, data[field])
    locked.updated_by = updated_by
    locked.updated_at = timezone.now()
    _derive_search_fields(locked)
    locked.full_clean()
    locked.save()
    return locked


@transaction.atomic
def patient_archive(*, patient: Patient, archived_by: Any) -> Patient:
    """Archive, never delete: the record stays, leaves the everyday registry, and can be restored."""
    locked = Patient.objects.select_for_update().get(pk=patient.pk)
    if not locked.is_archived:
        locked.is_archived = True
        locked.archived_at = locked.updated_at = timezone.now()
        locked.archived_by = locked.updated_by = archived_by
        locked.save(update_fields=["is_archived", "archived_at", "archived_by", "updated_at", "updated_by"])
    return locked


@transaction.atomic
def patient_restore(*, patient: Patient, restored_by: Any) -> Patient:
    locked = Patient.objects.select_for_update().get(pk=patient.pk)
    if locked.is_archived:
        locked.is_archived = False
        locked.archived_at = None
        locked.archived_by = None
        locked.updated_at, locked.updated_by = timezone.now(), restored_by
        locked.save(update_fields=["is_archived", "archived_at", "archived_by", "updated_at", "updated_by"])
    return locked


def patient_chart_opened(*, patient: Patient) -> None:
    """Every opening of a chart is an audit event (who and from where come from the request's context)."""
    accessed.send(sender=Patient, instance=patient)


# --- Consent ----------------------------------------------------------------------


@transaction.atomic
def consent_record(
    *,
    patient: Patient,
    text_version: ConsentTextVersion,
    clinician: Any,
    form: str,
    regions: list[str],
    includes_paraspinal: bool,
    patient_specific_risks: str,
    alternatives_discussed: bool,
    stop_signal_agreed: bool,
    questions_and_answers: str,
    has_capacity: bool,
    substitute_name: str = "",
    substitute_relationship: str = "",
    signed_name: str = "",
    patient_ticked: bool = False,
    witness_name: str = "",
    given_at: datetime | None = None,
    submission_key: uuid.UUID,
) -> Consent:
    if not (alternatives_discussed and stop_signal_agreed):
        # clinical-reference.md 7.2 elements 7 and 8: consent is not informed without them.
        raise ValidationError("Discuss the alternatives and agree a stop signal before recording consent.")
    claim = claim_submission(key=submission_key, user=clinician)
    if Patient.objects.filter(pk=patient.pk, is_archived=True).exists():
        raise ValidationError("This patient is archived. Restore the patient before recording consent.")
    consent = Consent(
        patient=patient,
        text_version=text_version,
        clinician=clinician,
        form=form,
        regions=list(regions),
        includes_paraspinal=includes_paraspinal,
        patient_specific_risks=patient_specific_risks.strip(),
        alternatives_discussed=alternatives_discussed,
        stop_signal_agreed=stop_signal_agreed,
        questions_and_answers=questions_and_answers.strip(),
        has_capacity=has_capacity,
        substitute_name="" if has_capacity else substitute_name.strip(),
        substitute_relationship="" if has_capacity else substitute_relationship.strip(),
        signed_name=signed_name.strip() if form == ConsentForm.WRITTEN else "",
        patient_ticked=patient_ticked if form == ConsentForm.WRITTEN else False,
        witness_name=witness_name.strip(),
        given_at=given_at or timezone.now(),
        recorded_at=timezone.now(),
    )
    consent.full_clean()
    consent.save()
    complete_submission(claim, consent.get_absolute_url())
    return consent


@transaction.atomic
def consent_withdraw(*, consent: Consent, withdrawn_by: Any, reason: str) -> Consent:
    """Withdrawal keeps the consent and marks it withdrawn; withdrawing twice changes nothing."""
    locked = Consent.objects.select_for_update().get(pk=consent.pk)
    if locked.withdrawn_at is None:
        locked.withdrawn_at = timezone.now()
        locked.withdrawn_by = withdrawn_by
        locked.withdrawal_reason = reason.strip()
        locked.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    return locked


def consent_in_force(*, patient: Patient) -> Consent | None:
    return patient.consents.in_force().select_related("text_version").first()
