"""Patients own registration, search, archiving, consent and the safety questionnaire: every change with a rule."""

from __future__ import annotations

import hashlib
import math
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from difflib import SequenceMatcher
from enum import StrEnum
from typing import Any

from auditlog.signals import accessed
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Count, Exists, Max, Min, OuterRef, Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.submissions import claim_submission, complete_submission

from . import identity, safety_rules
from .models import (
    Consent,
    ConsentExtension,
    ConsentForm,
    ConsentTextVersion,
    LinkLookupFailure,
    Patient,
    PatientQuerySet,
    QuestionnaireLink,
    QuestionnaireResponse,
    SafetyFlag,
)

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


class StalePatientError(Exception):
    """Someone saved the patient's details after this form was opened; `current` is what is saved now."""

    def __init__(self, current: Patient) -> None:
        super().__init__("These details were changed by someone else since the form was opened.")
        self.current = current


@transaction.atomic
def patient_update(*, patient: Patient, data: dict[str, Any], updated_by: Any, version: int) -> Patient:
    """Save the details if they are still at `version` (the one the form showed); else StalePatientError.

    The row lock makes the compare and the set one step: of two saves from the same version, the
    second waits for the first, then sees the new version and is refused rather than overwriting it.
    """
    # No join in the locking read: PostgreSQL re-checks a join against the row as updated by the lock's
    # holder, and the patient would seem to vanish (DoesNotExist) for every waiting editor.
    locked = Patient.objects.select_for_update().get(pk=patient.pk)
    if locked.version != version:
        raise StalePatientError(locked)
    if locked.is_archived:
        raise ArchivedPatientError("This patient is archived. Restore the patient before changing their details.")
    for field in IDENTITY_FIELDS:
        if field in data:
            setattr(locked, field, data[field])
    locked.updated_by = updated_by
    locked.updated_at = timezone.now()
    locked.version += 1
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
        locked.version += 1
        locked.save(update_fields=["is_archived", "archived_at", "archived_by", "updated_at", "updated_by", "version"])
    return locked


@transaction.atomic
def patient_restore(*, patient: Patient, restored_by: Any) -> Patient:
    locked = Patient.objects.select_for_update().get(pk=patient.pk)
    if locked.is_archived:
        locked.is_archived = False
        locked.archived_at = None
        locked.archived_by = None
        locked.updated_at, locked.updated_by = timezone.now(), restored_by
        locked.version += 1
        locked.save(update_fields=["is_archived", "archived_at", "archived_by", "updated_at", "updated_by", "version"])
    return locked


def questionnaire_viewed(*, response: QuestionnaireResponse) -> None:
    """Every reading of a patient's questionnaire answers is an audit event."""
    accessed.send(sender=QuestionnaireResponse, instance=response)


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


CONSENT_WITHDRAWN = "This consent was withdrawn: record a new consent."


@transaction.atomic
def consent_extend(
    *,
    consent: Consent,
    region: str,
    includes_paraspinal: bool,
    risks_explained: str,
    form: str,
    signed_name: str = "",
    clinician: Any,
    given_at: datetime | None = None,
) -> ConsentExtension:
    """Add a body region to a consent in force, with the risks read to the patient (7.2 element 10).

    A region the consent covers only away from the spine can be extended to needling beside the spine. The same
    extension sent twice (a double click) returns the one already recorded.
    """
    locked = Consent.objects.select_for_update().select_related("patient").get(pk=consent.pk)
    if locked.withdrawn_at is not None:
        raise ValidationError(CONSENT_WITHDRAWN)
    if locked.patient.is_archived:
        raise ValidationError("This patient is archived. Restore the patient before recording consent.")
    if region not in safety_rules.REGION_WORDS:
        raise ValidationError({"region": "Choose a body region from the list."})
    if form not in ConsentForm.values:
        raise ValidationError({"form": "Say whether consent was given verbally or in writing."})
    risks = risks_explained.strip()
    if not risks:
        raise ValidationError({"risks_explained": "Record the risks of this region as they were explained."})
    name = signed_name.strip() if form == ConsentForm.WRITTEN else ""
    if form == ConsentForm.WRITTEN and not name:
        raise ValidationError({"signed_name": "For written consent the patient types their full name."})
    now = timezone.now()
    given_at = given_at or now
    if given_at > now:
        raise ValidationError({"given_at": "Consent cannot be recorded as given in the future."})
    if given_at < locked.given_at:
        raise ValidationError({"given_at": "An extension cannot be given before the consent it extends."})

    already = f"This consent already covers {safety_rules.REGION_WORDS[region]}."
    existing = locked.extensions.filter(region=region).first()
    if existing is not None:
        repeated = (existing.includes_paraspinal, existing.risks_explained, existing.form, existing.signed_name)
        if repeated == (includes_paraspinal, risks, form, name) and existing.clinician_id == clinician.pk:
            return existing
        raise ValidationError({"region": already})
    if region in locked.regions and (locked.includes_paraspinal or not includes_paraspinal):
        raise ValidationError({"region": already})

    extension = ConsentExtension(
        consent=locked,
        region=region,
        includes_paraspinal=includes_paraspinal,
        risks_explained=risks,
        form=form,
        signed_name=name,
        clinician=clinician,
        given_at=given_at,
        recorded_at=now,
    )
    extension.full_clean()
    extension.save()
    return extension


def consent_in_force(*, patient: Patient) -> Consent | None:
    return patient.consents.in_force().select_related("text_version").first()


# --- The safety questionnaire -----------------------------------------------------------


def safety_settings() -> safety_rules.SafetySettings:
    """The clinic's thresholds for the rules of clinical-reference.md 5.7 (defaults in settings.py)."""
    return safety_rules.SafetySettings(
        inr_max_age_days=settings.CLINIC_INR_MAX_AGE_DAYS,
        inr_default_upper_limit=settings.CLINIC_INR_UPPER_LIMIT,
        answers_valid_days=settings.CLINIC_QUESTIONNAIRE_VALID_DAYS,
    )


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def questionnaire_link_issue(
    *,
    patient: Patient,
    issued_by: Any,
    link_url: Callable[[str], str],
    submission_key: uuid.UUID,
    send_email: bool = True,
) -> tuple[QuestionnaireLink, str]:
    """Issue a new private link (revoking any open one) and e-mail it when the patient has an address.

    Returns the link and its token: the token exists only here and in the patient's URL.
    """
    claim = claim_submission(key=submission_key, user=issued_by)
    locked = Patient.objects.select_for_update().get(pk=patient.pk)
    if locked.is_archived:
        raise ValidationError("This patient is archived. Restore the patient before sending a questionnaire.")
    now = timezone.now()
    QuestionnaireLink.objects.filter(patient=locked).open().update(
        revoked_at=now, revoked_by=issued_by, revoked_reason="Replaced by a new link"
    )
    token = secrets.token_urlsafe(32)  # 256 random bits
    link = QuestionnaireLink.objects.create(
        patient=locked,
        token_hash=token_hash(token),
        created_by=issued_by,
        created_at=now,
        expires_at=now + timedelta(days=settings.CLINIC_QUESTIONNAIRE_LINK_DAYS),
        emailed_to=locked.email if send_email else "",
    )
    complete_submission(claim, reverse("patients:patient-detail", kwargs={"pk": locked.pk}))
    if locked.email and send_email:
        url = link_url(token)
        transaction.on_commit(lambda: _email_questionnaire_link(locked, link, url))
    return link, token


def _email_questionnaire_link(patient: Patient, link: QuestionnaireLink, url: str) -> None:
    # Only the first name and the clinic: an e-mail can be read by others.
    send_mail(
        subject=f"{settings.CLINIC_NAME}: a few questions before your visit",
        message=render_to_string(
            "patients/email/questionnaire_link.txt",
            {
                "first_name": patient.given_name,
                "url": url,
                "expires_at": link.expires_at,
                "clinic": settings.CLINIC_NAME,
            },
        ),
        from_email=None,
        recipient_list=[patient.email],
    )


@transaction.atomic
def questionnaire_link_revoke(*, link: QuestionnaireLink, revoked_by: Any, reason: str = "") -> QuestionnaireLink:
    locked = QuestionnaireLink.objects.select_for_update().get(pk=link.pk)
    if locked.revoked_at is None and locked.submitted_at is None:
        locked.revoked_at = timezone.now()
        locked.revoked_by = revoked_by
        locked.revoked_reason = reason.strip() or "Revoked by staff"
        locked.save(update_fields=["revoked_at", "revoked_by", "revoked_reason"])
    return locked


def questionnaire_link_lookup_wait(*, address: str) -> int:
    """How many seconds this address must wait before its next look-up of a link (0: go on).

    Guessing is slowed, then refused. The first CLINIC_LINK_LOOKUP_FREE failed look-ups in the window cost
    nothing (a mistyped or an old link); after each further one the next waits twice as long (2, 4, 8...
    seconds); after CLINIC_LINK_LOOKUP_LIMIT of them, none until the oldest leaves the window.
    """
    now = timezone.now()
    window = timedelta(minutes=settings.CLINIC_LINK_LOOKUP_WINDOW_MINUTES)
    recent = LinkLookupFailure.objects.filter(address=address, at__gte=now - window).aggregate(
        count=Count("pk"), first=Min("at"), last=Max("at")
    )
    failures, free = recent["count"], settings.CLINIC_LINK_LOOKUP_FREE
    if failures >= settings.CLINIC_LINK_LOOKUP_LIMIT:
        until = recent["first"] + window
    elif failures > free:
        until = recent["last"] + timedelta(seconds=2 ** min(failures - free, 16))
    else:
        return 0
    return max(0, math.ceil((until - now).total_seconds()))


def questionnaire_link_find(*, token: str, address: str) -> QuestionnaireLink | None:
    """The usable link for this token, or None (recorded as a failed look-up from the address)."""
    link = None
    if 20 <= len(token) <= 100:
        link = QuestionnaireLink.objects.select_related("patient").filter(token_hash=token_hash(token)).first()
    if link is None or not link.is_usable:
        LinkLookupFailure.objects.create(address=address or "0.0.0.0")
        return None
    return link


@transaction.atomic
def questionnaire_link_opened(*, link: QuestionnaireLink) -> None:
    QuestionnaireLink.objects.filter(pk=link.pk, opened_at__isnull=True).update(opened_at=timezone.now())


class LinkLocked(Exception):
    """The link was closed (locked, revoked, expired or used) while the patient was on it."""


class DateOfBirthCheck(StrEnum):
    CONFIRMED = "confirmed"
    WRONG = "wrong"
    LOCKED = "locked"  # that was the last allowed try, or the link was already closed


@transaction.atomic
def questionnaire_confirm_date_of_birth(*, link: QuestionnaireLink, date_of_birth: date) -> DateOfBirthCheck:
    """Check the patient's date of birth; every miss counts, and the last allowed miss locks the link.

    Returns rather than raises, so that the count and the lock are committed with the answer.
    """
    locked = QuestionnaireLink.objects.select_for_update().select_related("patient").get(pk=link.pk)
    if not locked.is_usable:
        return DateOfBirthCheck.LOCKED
    if date_of_birth == locked.patient.date_of_birth:
        draft = _draft_for(locked)
        draft.answers["Q0_2"] = date_of_birth.isoformat()
        draft.save(update_fields=["answers"])
        return DateOfBirthCheck.CONFIRMED
    locked.failed_date_of_birth_attempts += 1
    fields = ["failed_date_of_birth_attempts"]
    if locked.failed_date_of_birth_attempts >= settings.CLINIC_QUESTIONNAIRE_DOB_TRIES:
        locked.locked_at = timezone.now()
        fields.append("locked_at")
    locked.save(update_fields=fields)
    return DateOfBirthCheck.LOCKED if locked.locked_at else DateOfBirthCheck.WRONG


def _draft_for(link: QuestionnaireLink) -> QuestionnaireResponse:
    draft, _ = QuestionnaireResponse.objects.get_or_create(
        link=link,
        defaults={"patient_id": link.patient_id, "questionnaire_version": safety_rules.RULES_VERSION},
    )
    return draft


def questionnaire_draft(*, link: QuestionnaireLink) -> QuestionnaireResponse:
    return _draft_for(link)


@transaction.atomic
def questionnaire_save_answers(*, link: QuestionnaireLink, answers: dict[str, Any]) -> QuestionnaireResponse:
    """Merge the answers of one page into the draft, so that a closed tab or a lost connection loses nothing."""
    locked = QuestionnaireLink.objects.select_for_update().get(pk=link.pk)
    if not locked.is_usable:
        raise LinkLocked
    draft = _draft_for(locked)
    draft.answers.update({code: value for code, value in answers.items() if code != "Q0_2"})
    draft.last_saved_at = timezone.now()
    draft.save(update_fields=["answers", "last_saved_at"])
    return draft


class QuestionnaireIncomplete(ValidationError):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.field_errors = errors


@transaction.atomic
def questionnaire_submit(*, link: QuestionnaireLink) -> QuestionnaireResponse:
    """Submit the draft once: checked, evaluated into flags with the rules' version, then never edited."""
    locked = QuestionnaireLink.objects.select_for_update().select_related("patient").get(pk=link.pk)
    draft = _draft_for(locked)
    if locked.submitted_at is not None:
        return draft  # a double submit stores one submission
    if not locked.is_usable:
        raise LinkLocked
    today = timezone.localdate()
    errors = safety_rules.validate_answers(
        draft.answers, today=today, expected_date_of_birth=locked.patient.date_of_birth
    )
    if errors:
        raise QuestionnaireIncomplete(errors)
    shown = {question.code for question in safety_rules.visible_questions(draft.answers)}
    answers = {code: value for code, value in draft.answers.items() if code in shown}
    evaluation = safety_rules.evaluate(answers, settings=safety_settings(), today=today, submitted_on=today)
    now = timezone.now()
    draft.answers = answers
    draft.submitted_at = draft.last_saved_at = draft.screened_at = now
    draft.confirmed_name = str(answers.get("Z1_NAME", "")).strip()
    draft.rules_version = evaluation.rules_version
    draft.risk_level = evaluation.risk_level.value if evaluation.risk_level else ""
    draft.save()
    SafetyFlag.objects.bulk_create(_stored_flag(draft, flag, evaluation.rules_version) for flag in evaluation.flags)
    locked.submitted_at = now
    locked.save(update_fields=["submitted_at"])
    return draft


def _stored_flag(response: QuestionnaireResponse, flag: safety_rules.Flag, rules_version: str) -> SafetyFlag:
    return SafetyFlag(
        response=response,
        code=flag.code.value,
        severity=flag.severity.value,
        severity_rank=flag.severity.rank,
        reason=flag.reason,
        action=flag.definition.action,
        site_severity=flag.site_severity.value if flag.site_severity else "",
        areas=[{"region": area.region.value, "side": area.side} for area in flag.areas],
        site_tags=list(flag.site_tags),
        location_note=flag.location_note,
        rules_version=rules_version,
    )


def stored_flags_as_rules(response: QuestionnaireResponse) -> list[safety_rules.Flag]:
    """The stored flags as the rules module's Flag objects, for the site rules of 5.8."""
    return [
        safety_rules.Flag(
            code=safety_rules.FlagCode(flag.code),
            severity=safety_rules.Severity(flag.severity),
            reason=flag.reason,
            site_severity=safety_rules.Severity(flag.site_severity) if flag.site_severity else None,
            areas=tuple(
                safety_rules.AffectedArea(safety_rules.BodyRegion(area["region"]), area["side"]) for area in flag.areas
            ),
            site_tags=tuple(flag.site_tags),
            location_note=flag.location_note,
        )
        for flag in response.flags.all()
    ]


ACKNOWLEDGEMENT_NOTE_NEEDED = {
    "HOLD": "Record the resolution: why needling may now go ahead, or what stays on hold.",
    "HIGH": "Record the management plan for this flag.",
    "CLARIFY": "Record the real answer, as the patient told you.",
}


@transaction.atomic
def safety_flag_acknowledge(*, flag: SafetyFlag, acknowledged_by: Any, note: str = "") -> SafetyFlag:
    """Acknowledge one flag; HOLD, HIGH and CLARIFY need their note. Acknowledging twice changes nothing."""
    locked = SafetyFlag.objects.select_for_update().get(pk=flag.pk)
    if locked.acknowledged_at is not None:
        return locked
    note = note.strip()
    if locked.severity in ACKNOWLEDGEMENT_NOTE_NEEDED and not note:
        raise ValidationError({"note": ACKNOWLEDGEMENT_NOTE_NEEDED[locked.severity]})
    locked.acknowledged_at = timezone.now()
    locked.acknowledged_by = acknowledged_by
    locked.acknowledgement_note = note
    locked.full_clean()
    locked.save(update_fields=["acknowledged_at", "acknowledged_by", "acknowledgement_note"])
    return locked


@transaction.atomic
def safety_flags_acknowledge_low(*, response: QuestionnaireResponse, acknowledged_by: Any) -> int:
    """Acknowledge every open LOW flag of a submission together (5.5), each saved so each is audit-logged."""
    flags = list(response.flags.select_for_update().filter(severity="LOW", acknowledged_at__isnull=True))
    now = timezone.now()
    for flag in flags:
        flag.acknowledged_at, flag.acknowledged_by = now, acknowledged_by
        flag.save(update_fields=["acknowledged_at", "acknowledged_by"])
    return len(flags)


def _submitted_questionnaires(patient: Patient) -> QuerySet[QuestionnaireResponse]:
    return patient.questionnaire_responses.submitted().order_by("-submitted_at", "-id")


def current_questionnaire(*, patient: Patient) -> QuestionnaireResponse | None:
    """The latest submitted questionnaire: it supersedes the earlier ones for the clinic's decisions."""
    return _submitted_questionnaires(patient).first()


def consent_risk_text(*, patient: Patient) -> str:
    """The risks particular to this patient (7.2 element 6), from the flags of their current questionnaire."""
    response = current_questionnaire(patient=patient)
    if response is None:
        return ""
    return "\n".join(safety_rules.consent_risks(response.flags.values_list("code", flat=True)))


@dataclass(frozen=True)
class NeedlingClearance:
    """Whether needling may go ahead for a patient today, and if not, every reason why."""

    may_needle: bool
    reasons: tuple[str, ...]
    questionnaire: QuestionnaireResponse | None
    flags: tuple[safety_rules.Flag, ...]  # the current submission's flags, for the site rules of 5.8


def needling_clearance(*, patient: Patient, on: date | None = None) -> NeedlingClearance:
    """The whole-patient gate before any needling is recorded: questionnaire, acknowledgements, holds, consent."""
    day = on or timezone.localdate()
    reasons: list[str] = []
    # The current questionnaire carries whether a consent is in force, and its flags come prefetched:
    # two queries in all (the second asks for the consent when there is no questionnaire).
    response = (
        _submitted_questionnaires(patient)
        .annotate(has_consent=Exists(Consent.objects.in_force().filter(patient=OuterRef("patient"))))
        .prefetch_related("flags")
        .first()
    )
    has_consent = response.has_consent if response else consent_in_force(patient=patient) is not None
    flags: tuple[safety_rules.Flag, ...] = ()
    if patient.is_archived:
        reasons.append("The patient is archived.")
    if response is None:
        reasons.append("The safety questionnaire has not been completed.")
    else:
        stored = list(response.flags.all())
        flags = tuple(stored_flags_as_rules(response))
        age = (day - timezone.localdate(response.submitted_at)).days
        if age > settings.CLINIC_QUESTIONNAIRE_VALID_DAYS:
            reasons.append(
                f"The safety questionnaire is {age} days old (over {settings.CLINIC_QUESTIONNAIRE_VALID_DAYS}): "
                "send a new link."
            )
        unacknowledged = [flag for flag in stored if flag.is_open]
        if unacknowledged:
            reasons.append(
                f"{len(unacknowledged)} safety flag{'s' if len(unacknowledged) != 1 else ''} not acknowledged: "
                + ", ".join(f"{flag.code} ({flag.severity})" for flag in unacknowledged)
                + "."
            )
    if not has_consent:
        reasons.append("There is no IMS consent in force.")
    return NeedlingClearance(may_needle=not reasons, reasons=tuple(reasons), questionnaire=response, flags=flags)
