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
from django.db import transaction
from django.db.models import Count, Max, Min, Q, QuerySet
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext, gettext_lazy

from accounts.models import User
from accounts.submissions import claim_submission, complete_submission

from . import identity, messaging, safety_rules
from .models import (
    Consent,
    ConsentExtension,
    ConsentForm,
    ConsentTextVersion,
    LinkLookupFailure,
    Message,
    MessageChannel,
    MessageKind,
    Patient,
    PatientQuerySet,
    QuestionnaireLink,
    QuestionnaireResponse,
    RecheckAnswer,
    SafetyFlag,
    SafetyRecheck,
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
def patient_create(*, data: dict[str, Any], created_by: User, submission_key: uuid.UUID) -> Patient:
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
    """New work was asked for an archived patient: restoring the patient comes first."""


def archived_message(before: str | None = None) -> str:
    """The one sentence that refuses new work for an archived patient, e.g. `before="booking"`."""
    return f"This patient is archived. Restore the patient {f'before {before}' if before else 'first'}."


def refuse_if_archived(patient: Patient, *, before: str | None = None, field: str | None = None) -> None:
    """Raise ArchivedPatientError (on the form's `field` when given) if the patient is archived."""
    if patient.is_archived:
        message = archived_message(before)
        raise ArchivedPatientError({field: message} if field else message)


class StalePatientError(Exception):
    """Someone saved the patient's details after this form was opened; `current` is what is saved now."""

    def __init__(self, current: Patient) -> None:
        super().__init__("These details were changed by someone else since the form was opened.")
        self.current = current


@transaction.atomic
def patient_update(*, patient: Patient, data: dict[str, Any], updated_by: User, version: int) -> Patient:
    """Save the details if they are still at `version` (the one the form showed); else StalePatientError.

    The row lock makes the compare and the set one step: of two saves from the same version, the
    second waits for the first, then sees the new version and is refused rather than overwriting it.
    """
    # No join in the locking read: PostgreSQL re-checks a join against the row as updated by the lock's
    # holder, and the patient would seem to vanish (DoesNotExist) for every waiting editor.
    locked = Patient.objects.select_for_update().get(pk=patient.pk)
    if locked.version != version:
        raise StalePatientError(locked)
    refuse_if_archived(locked, before="changing their details")
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
def patient_archive(*, patient: Patient, archived_by: User) -> Patient:
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
def patient_restore(*, patient: Patient, restored_by: User) -> Patient:
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
    clinician: User,
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
    refuse_if_archived(Patient.objects.only("is_archived").get(pk=patient.pk), before="recording consent")
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
def consent_withdraw(*, consent: Consent, withdrawn_by: User, reason: str) -> Consent:
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
    clinician: User,
    given_at: datetime | None = None,
) -> ConsentExtension:
    """Add a body region to a consent in force, with the risks read to the patient (7.2 element 10).

    A region the consent covers only away from the spine can be extended to needling beside the spine. The same
    extension sent twice (a double click) returns the one already recorded.
    """
    locked = Consent.objects.select_for_update().select_related("patient").get(pk=consent.pk)
    if locked.withdrawn_at is not None:
        raise ValidationError(CONSENT_WITHDRAWN)
    refuse_if_archived(locked.patient, before="recording consent")
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
    issued_by: User,
    link_url: Callable[[str], str],
    submission_key: uuid.UUID,
    send_email: bool = True,
) -> tuple[QuestionnaireLink, str]:
    """Issue a new private link (revoking any open one) and, with `send_email`, send it to the patient by their
    chosen way (e-mail, or a text message) once the link is saved; the message is in the patient's record.

    Returns the link and its token: the token exists only here and in the patient's URL.
    """
    claim = claim_submission(key=submission_key, user=issued_by)
    locked = Patient.objects.select_for_update().get(pk=patient.pk)
    refuse_if_archived(locked, before="sending a questionnaire")
    now = timezone.now()
    QuestionnaireLink.objects.filter(patient=locked).open().update(
        revoked_at=now, revoked_by=issued_by, revoked_reason="Replaced by a new link"
    )
    token = secrets.token_urlsafe(32)  # 256 random bits
    route = messaging.channel_for(locked)
    link = QuestionnaireLink.objects.create(
        patient=locked,
        token_hash=token_hash(token),
        created_by=issued_by,
        created_at=now,
        expires_at=now + timedelta(days=settings.CLINIC_QUESTIONNAIRE_LINK_DAYS),
        emailed_to=locked.email if send_email and route and route[0] == MessageChannel.EMAIL else "",
    )
    complete_submission(claim, reverse("patients:patient-detail", kwargs={"pk": locked.pk}))
    if send_email and route:
        url = link_url(token)
        messaging.send_with_link(
            patient=locked,
            kind=MessageKind.QUESTIONNAIRE,
            key=questionnaire_link_message_key(link),
            about=f"questionnaire_link:{link.pk}",
            compose=lambda: _questionnaire_link_message(locked, link, url),
        )
    return link, token


def questionnaire_link_message_key(link: QuestionnaireLink) -> str:
    return f"questionnaire:link:{link.pk}"


def questionnaire_link_message(link: QuestionnaireLink | None) -> Message | None:
    """The message that carried the link to the patient, if one was sent (for the page that shows the link)."""
    if link is None:
        return None
    return Message.objects.filter(key=questionnaire_link_message_key(link)).first()


def _questionnaire_link_message(patient: Patient, link: QuestionnaireLink, url: str) -> messaging.Composed:
    # Only the first name and the clinic: a message can be read by others. In the patient's language.
    details = {
        "name": patient.given_name,
        "clinic": settings.CLINIC_NAME,
        "until": formats.date_format(timezone.localtime(link.expires_at), "l j F Y"),
    }
    body = "\n\n".join(
        [
            gettext("Hello %(name)s,") % details,
            gettext(
                "Before your visit, %(clinic)s asks you to answer a few questions about medicines and health "
                "conditions that matter for needle treatment. It takes about 5 minutes."
            )
            % details,
            gettext("Open this private link on your phone or computer:") + "\n{link}",
            gettext("The link works until %(until)s. Do not share it.") % details,
        ]
    )
    text = (
        gettext("Before your visit, please answer a few questions (about 5 minutes) at this private link:")
        + " {link} "
        + gettext("It works until %(until)s. Do not share it.") % details
    )
    return messaging.Composed(subject=gettext("a few questions before your visit"), body=body, link=url, text=text)


@transaction.atomic
def questionnaire_link_revoke(*, link: QuestionnaireLink, revoked_by: User, reason: str = "") -> QuestionnaireLink:
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
    if link is None or not link.is_usable or link.patient.is_archived:
        link_lookup_failed(address=address)
        return None
    return link


def link_lookup_failed(*, address: str) -> None:
    """Count a failed look-up of a private link against the address (an unknown address as one shared address)."""
    LinkLookupFailure.objects.create(address=address or "0.0.0.0")


@transaction.atomic
def questionnaire_link_opened(*, link: QuestionnaireLink) -> None:
    QuestionnaireLink.objects.filter(pk=link.pk, opened_at__isnull=True).update(opened_at=timezone.now())


DATE_OF_BIRTH_MISMATCH = gettext_lazy(
    "This date of birth does not match our records. Check it and try again, or call the clinic."
)


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


@transaction.atomic
def safety_flag_acknowledge(*, flag: SafetyFlag, acknowledged_by: User, note: str = "") -> SafetyFlag:
    """Acknowledge one flag; HOLD, HIGH and CLARIFY need their note. Acknowledging twice changes nothing."""
    locked = SafetyFlag.objects.select_for_update().get(pk=flag.pk)
    if locked.acknowledged_at is not None:
        return locked
    note = note.strip()
    prompt = safety_rules.Severity(locked.severity).note_prompt
    if prompt and not note:
        raise ValidationError({"note": prompt})
    locked.acknowledged_at = timezone.now()
    locked.acknowledged_by = acknowledged_by
    locked.acknowledgement_note = note
    locked.full_clean()
    locked.save(update_fields=["acknowledged_at", "acknowledged_by", "acknowledgement_note"])
    return locked


MAP_SIDES = {"L": "L", "R": "R", "B": None}  # the form's side as a stored area's side: None is both sides


def _rule_areas(flag: SafetyFlag) -> list[dict[str, str | None]]:
    """The areas the rules themselves raised on this flag (R20's named limbs), which no mapping may drop."""
    if flag.code != safety_rules.FlagCode.LYMPHOEDEMA_SITE:
        return []
    raised = safety_rules.evaluate(flag.response.answers).flags
    return [
        {"region": area.region.value, "side": area.side}
        for rule_flag in raised
        if rule_flag.code == safety_rules.FlagCode.LYMPHOEDEMA_SITE
        for area in rule_flag.areas
    ]


@transaction.atomic
def safety_flag_map_areas(*, flag: SafetyFlag, regions: list[str], side: str, mapped_by: User) -> SafetyFlag:
    """Record the body regions a described (or unlocated) place covers, so the gate holds exactly them.

    Mapping again replaces the mapped areas; the audit log keeps the earlier ones.
    """
    locked = SafetyFlag.objects.select_for_update(of=("self",)).select_related("response__patient").get(pk=flag.pk)
    if not locked.is_mappable:
        raise ValidationError("Only a place the patient described, or did not locate, is mapped to body regions.")
    current = current_questionnaire(patient=locked.response.patient)
    if current is None or current.pk != locked.response_id:
        raise ValidationError("Only the current questionnaire's flags are mapped: the gate reads no other.")
    errors = {}
    known = {region.value for region in safety_rules.BodyRegion}
    unknown = [region for region in regions if region not in known]
    if unknown:
        errors["regions"] = f"Unknown body region: {', '.join(unknown)}."
    elif not regions:
        errors["regions"] = "Tick at least one body region the place covers."
    if side not in MAP_SIDES:
        errors["side"] = "Choose left, right or both sides."
    if errors:
        raise ValidationError(errors)
    areas = _rule_areas(locked)
    for region in safety_rules.BodyRegion:  # in the body's order, each once
        area = {"region": region.value, "side": MAP_SIDES[side]}
        if region.value in regions and area not in areas:
            areas.append(area)
    locked.areas = areas
    locked.areas_mapped_at = timezone.now()
    locked.areas_mapped_by = mapped_by
    locked.full_clean()
    locked.save(update_fields=["areas", "areas_mapped_at", "areas_mapped_by"])
    return locked


@transaction.atomic
def safety_flags_acknowledge_low(*, response: QuestionnaireResponse, acknowledged_by: User) -> int:
    """Acknowledge every open LOW flag of a submission together (5.5), each saved so each is audit-logged."""
    flags = list(
        response.flags.select_for_update().filter(severity=safety_rules.Severity.LOW, acknowledged_at__isnull=True)
    )
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


def todays_recheck(*, patient: Patient, today: date | None = None) -> SafetyRecheck | None:
    """The latest re-check asked today: the one the gate relies on for today's sites."""
    return patient.safety_rechecks.asked_on(today or timezone.localdate()).first()


def consent_risk_text(*, patient: Patient) -> str:
    """The risks particular to this patient (7.2 element 6), from the flags of their current questionnaire."""
    response = current_questionnaire(patient=patient)
    if response is None:
        return ""
    return "\n".join(safety_rules.consent_risks(response.flags.values_list("code", flat=True)))


# --- The visit's re-check (5.6, R35) ------------------------------------------------------------------


RECHECK_CHANGES = (
    "medicines_started",
    "medicines_stopped",
    "new_condition",
    "pregnancy",
    "bleeding_problem",
    "operation",
)
RECHECK_TEXT_CHANGES = ("medicines_started", "new_condition", "operation")
RECHECK_YES_NO_CHANGES = ("pregnancy", "bleeding_problem")
# Stopping one of these "Yes" answers sets it to "No", in words.
_RECHECK_STOPPED_YES = {"B1": "Aspirin", "C1": "Anti-inflammatory pain pills", "D1": "Mood medicine"}
# Multi-choice answers whose options can be stopped one by one, and the "Other" text each keeps.
_RECHECK_STOPPED_CHOICES = {"A2": "A2_OTHER", "B2": "B2_OTHER", "E1": "E1_OTHER"}


def recheck_stopped_options(response: QuestionnaireResponse) -> list[tuple[str, str]]:
    """The medicines the answers record, as (code, label in words), in the questionnaire's order: what the
    re-check can record as stopped. Medicines only typed in free text are not offered."""
    answers = response.answers
    options: list[tuple[str, str]] = []
    for code in ("A2", "B1", "B2", "C1", "D1", "E1"):
        if code in _RECHECK_STOPPED_YES:
            if answers.get(code) == safety_rules.YES:
                name = str(answers.get("D1_NAME") or "").strip() if code == "D1" else ""
                label = _RECHECK_STOPPED_YES[code]
                options.append((code, f"{label} ({name})" if name else label))
            continue
        question = safety_rules.QUESTION_BY_CODE[code]
        chosen = _choices(answers.get(code))
        for option in question.options:
            if option.code not in chosen or option.code == safety_rules.NONE_OF_THESE:
                continue
            label = option.label
            if option.code == safety_rules.OTHER:
                typed = str(answers.get(_RECHECK_STOPPED_CHOICES[code]) or "").strip()
                label = f"{question.short_label.capitalize()}: {typed}" if typed else label
            elif option.code == "unknown":
                label = "A blood thinner whose name the patient did not know"
            options.append((f"{code}:{option.code}", label))
    return options


def _choices(value: object) -> list[str]:
    return [str(item) for item in value] if isinstance(value, list | tuple) else []


def _clean_recheck_changes(changes: object, *, offered: list[tuple[str, str]]) -> dict[str, Any]:
    """The changes as given, checked and without the empty ones; ValidationError at the change's name."""
    if not isinstance(changes, dict):
        raise ValidationError({"changes": "Record what changed."})
    unknown = sorted(str(key) for key in changes if key not in RECHECK_CHANGES)
    if unknown:
        raise ValidationError({"changes": f"Unknown change: {', '.join(unknown)}."})
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for name in RECHECK_TEXT_CHANGES:
        value = changes.get(name, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            errors[name] = "Type the change as text."
        elif len(value.strip()) > safety_rules.TEXT_MAX_LENGTH:
            errors[name] = f"Keep this to {safety_rules.TEXT_MAX_LENGTH} characters."
        elif value.strip():
            cleaned[name] = value.strip()
    for name in RECHECK_YES_NO_CHANGES:
        value = changes.get(name, False)
        if not isinstance(value, bool):
            errors[name] = "Answer yes or no."
        elif value:
            cleaned[name] = True
    stopped = changes.get("medicines_stopped") or []
    codes = {code for code, _ in offered}
    if not isinstance(stopped, list | tuple) or not all(isinstance(code, str) for code in stopped):
        errors["medicines_stopped"] = "Choose the stopped medicines from the list."
    elif any(code not in codes for code in stopped):
        errors["medicines_stopped"] = "Choose the stopped medicines from those the questionnaire records."
    elif stopped:
        cleaned["medicines_stopped"] = [code for code, _ in offered if code in stopped]
    if errors:
        raise ValidationError(errors)
    if not cleaned:
        raise ValidationError({"changes": "Record at least one change, or answer that nothing changed."})
    return cleaned


def _started_names(text: str) -> list[str]:
    return [name.strip() for line in text.splitlines() for name in line.split(",") if name.strip()]


def _amended_answers(answers: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """The questionnaire's answers with the re-check's changes written in, as the patient would have answered."""
    amended = {code: list(value) if isinstance(value, list) else value for code, value in answers.items()}
    for code in changes.get("medicines_stopped", []):
        question, _, option = code.partition(":")
        if not option:
            amended[question] = safety_rules.NO
            if question == "D1":
                amended.pop("D1_NAME", None)
            continue
        remaining = [chosen for chosen in _choices(amended.get(question)) if chosen != option]
        if option == safety_rules.OTHER:
            amended.pop(_RECHECK_STOPPED_CHOICES[question], None)
        if remaining:
            amended[question] = remaining
        elif question == "A2":
            amended.pop("A2", None)
            amended["A1"] = safety_rules.NO
        else:
            amended[question] = [safety_rules.NONE_OF_THESE]
    added = []
    if "medicines_started" in changes:
        added.append("Started since the questionnaire: " + ", ".join(_started_names(changes["medicines_started"])))
    if "new_condition" in changes:
        added.append(f"New since the questionnaire: {changes['new_condition']}")
    if added:
        other = str(amended.get("H13") or "").strip()
        amended["H13"] = "\n".join([other, *added] if other else added)
        if len(amended["H13"]) > safety_rules.TEXT_MAX_LENGTH:
            field = "medicines_started" if "medicines_started" in changes else "new_condition"
            raise ValidationError(
                {
                    field: "With this, the answer about other conditions and medicines would be over "
                    f"{safety_rules.TEXT_MAX_LENGTH} characters: say it more briefly, or send a new questionnaire."
                }
            )
    if changes.get("pregnancy"):
        amended["H1"] = safety_rules.YES
    if changes.get("bleeding_problem"):
        amended["F2"] = safety_rules.YES  # bleeds for longer than most people (5.6 F2)
    if "operation" in changes:
        earlier = str(amended.get("H8_WHERE") or "").strip() if amended.get("H8") == safety_rules.YES else ""
        amended["H8"] = safety_rules.YES
        amended["H8_WHERE"] = f"{earlier}; {changes['operation']}" if earlier else changes["operation"]
        if len(amended["H8_WHERE"]) > safety_rules.TEXT_MAX_LENGTH:
            raise ValidationError(
                {
                    "operation": f"With the earlier operation, this would be over {safety_rules.TEXT_MAX_LENGTH} "
                    "characters: say it more briefly."
                }
            )
    return amended


def _carried_acknowledgement(flag: SafetyFlag, previous: dict[tuple[str, str, str], SafetyFlag]) -> None:
    """An acknowledged flag raised again on the same grounds keeps its acknowledgement; any other is open.

    The stale-screen flag (R35) is this visit's own "yes", so it is always acknowledged afresh.
    """
    if flag.code == safety_rules.FlagCode.SCREEN_STALE:
        return
    earlier = previous.get((flag.code, flag.severity, flag.reason))
    if earlier is not None and earlier.acknowledged_at is not None:
        flag.acknowledged_at = earlier.acknowledged_at
        flag.acknowledged_by_id = earlier.acknowledged_by_id
        flag.acknowledgement_note = earlier.acknowledgement_note


def _questionnaire_amend(
    *, current: QuestionnaireResponse, changes: dict[str, Any], recorded_by: User, day: date
) -> QuestionnaireResponse:
    answers = _amended_answers(current.answers, changes)
    screened_at = current.screened_at or current.submitted_at
    evaluation = safety_rules.evaluate(
        answers,
        settings=safety_settings(),
        today=day,
        submitted_on=timezone.localdate(screened_at),
        has_changed_since_screening=True,
    )
    now = timezone.now()
    amendment = QuestionnaireResponse.objects.create(
        link=None,
        amends=current,
        recorded_by=recorded_by,
        patient_id=current.patient_id,
        answers=answers,
        questionnaire_version=current.questionnaire_version,
        started_at=now,
        last_saved_at=now,
        submitted_at=now,
        screened_at=screened_at,
        confirmed_name=current.confirmed_name,
        rules_version=evaluation.rules_version,
        risk_level=evaluation.risk_level.value if evaluation.risk_level else "",
    )
    previous = {(flag.code, flag.severity, flag.reason): flag for flag in current.flags.all()}
    flags = [_stored_flag(amendment, flag, evaluation.rules_version) for flag in evaluation.flags]
    for flag in flags:
        _carried_acknowledgement(flag, previous)
    # Saved one by one so that each flag, and each acknowledgement carried over, is in the audit log.
    for flag in flags:
        flag.save()
    return amendment


@transaction.atomic
def safety_recheck_record(
    *,
    patient: Patient,
    asked_by: User,
    answer: str,
    changes: dict[str, Any] | None = None,
    note: str = "",
    today: date | None = None,
    link_url: Callable[[str], str] = str,
    questionnaire_id: int | None = None,
) -> SafetyRecheck:
    """Record the visit's re-check of the current questionnaire: no change, the changes, or a new questionnaire.

    The changes become an amendment of the questionnaire whose flags are reviewed as any others (acknowledged ones
    raised again on the same grounds carry over). A new questionnaire revokes the open link and issues another
    (`link_url` builds the address e-mailed to the patient); the token is on the returned re-check as `link_token`
    for this request only. The same answer again on the same day returns the re-check already recorded.
    `questionnaire_id` is the questionnaire the clinician asked about: a newer one since (or another's) is refused.
    """
    locked = Patient.objects.select_for_update().get(pk=patient.pk)
    refuse_if_archived(locked, before="recording the re-check")
    if answer not in RecheckAnswer.values:
        raise ValidationError({"answer": "Choose an answer."})
    current = current_questionnaire(patient=locked)
    if current is None:
        raise ValidationError("The patient has no safety questionnaire to re-check: send one first.")
    day = today or timezone.localdate()
    todays = list(SafetyRecheck.objects.filter(patient=locked).asked_on(day))
    same_question = questionnaire_id is None or (todays and todays[0].questionnaire_id == questionnaire_id)
    if todays and todays[0].answer == answer and same_question:
        return todays[0]  # a double submit records one re-check
    if questionnaire_id is not None and questionnaire_id != current.pk:
        screened_on = timezone.localtime(current.screened_at or current.submitted_at)
        raise ValidationError(
            "The safety questionnaire changed since this page was loaded: ask the re-check again, about the "
            f"questionnaire of {screened_on.day} {screened_on:%B}."
        )
    if any(recheck.answer == RecheckAnswer.CHANGES_RECORDED for recheck in todays):
        raise ValidationError("Today's re-check is already recorded, with the changes the patient reported.")
    recheck = SafetyRecheck(patient=locked, questionnaire=current, answer=answer, note=note.strip(), asked_by=asked_by)
    if answer == RecheckAnswer.CHANGES_RECORDED:
        recheck.changes = _clean_recheck_changes(
            changes if changes is not None else {}, offered=recheck_stopped_options(current)
        )
        recheck.amendment = _questionnaire_amend(
            current=current, changes=recheck.changes, recorded_by=asked_by, day=day
        )
    elif answer == RecheckAnswer.NEW_QUESTIONNAIRE:
        recheck.link, recheck.link_token = questionnaire_link_issue(
            patient=locked, issued_by=asked_by, link_url=link_url, submission_key=uuid.uuid4()
        )
    recheck.full_clean()
    recheck.save()
    return recheck


def recheck_changes_in_words(recheck: SafetyRecheck) -> list[str]:
    """What the re-check recorded as changed, one line each, in the clinic's words."""
    changes = recheck.changes or {}
    labels = dict(recheck_stopped_options(recheck.questionnaire))
    lines = []
    if changes.get("medicines_started"):
        lines.append("Started: " + ", ".join(_started_names(changes["medicines_started"])))
    if changes.get("medicines_stopped"):
        lines.append("Stopped: " + ", ".join(labels.get(code, code) for code in changes["medicines_stopped"]))
    if changes.get("new_condition"):
        lines.append(f"New illness or diagnosis: {changes['new_condition']}")
    if changes.get("pregnancy"):
        lines.append("Pregnant, or could be")
    if changes.get("bleeding_problem"):
        lines.append("A new bleeding or bruising problem")
    if changes.get("operation"):
        lines.append(f"An operation: {changes['operation']}")
    return lines
