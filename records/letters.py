"""Letters that leave the clinic about a course of treatment: drafted from the course, edited, signed, disclosed.

A course is a signed assessment and the signed treatment sessions that followed it (each session refers to the
signed assessment it treated by). The draft is prefilled in words from the course; the physiotherapist rewrites it
in their own, signs it once (a content digest that verify_records recomputes), and every print or sending of the
signed letter is a disclosure in the audit trail, as the patient's export is.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from auditlog.signals import accessed
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.audit import audit
from accounts.dates import day_in_words
from accounts.models import AuditAction, User
from accounts.submissions import claim_submission, complete_submission
from assessments import anatomy, needling_safety, outcomes, scales
from assessments import services as assessment_services
from assessments.models import (
    AdverseEvent,
    Assessment,
    AssessmentStatus,
    NeedledSite,
    OutcomeMeasure,
    SegmentDecision,
    TreatmentSession,
)
from patients.models import Patient
from scheduling.models import Practitioner

from .models import (
    LETTER_ENTERED_IN_ERROR_FIELDS,
    LETTER_SECTIONS,
    Letter,
    LetterAddendum,
    LetterKind,
    LetterStatus,
)
from .services import Disclosure, _access_event

NOT_YOUR_LETTER = "Only the physiotherapist who wrote this letter can change or sign it."
NOT_A_COURSE = "Letters are written from a signed assessment. Sign the assessment first."
SIGNED_LETTER = "This letter is signed and cannot change. Add an addendum instead."
ERROR_LETTER = "This letter is marked entered in error and cannot change."
ADDENDUM_ON_A_DRAFT = "Addenda are for signed letters; change the draft itself instead."
NOT_YOUR_LETTER_IN_ERROR = "Only the physiotherapist who wrote this letter can mark it entered in error."


class LetterNotEditable(ValidationError):
    """The letter is signed or entered in error: it is read-only."""


class StaleLetter(ValidationError):
    """Someone saved this letter since the page was loaded."""


# --- The course, in words -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Course:
    assessment: Assessment
    sessions: list[TreatmentSession]
    levels_found: list[str]  # "C6 left"
    sites_treated: list[str]  # "Supinator, right (3 sessions)"
    outcome_lines: list[str]
    adverse_event_lines: list[str]

    @property
    def first_on(self) -> date | None:
        return timezone.localdate(self.sessions[0].started_at) if self.sessions else None

    @property
    def last_on(self) -> date | None:
        return timezone.localdate(self.sessions[-1].started_at) if self.sessions else None


def _side(code: str) -> str:
    try:
        return anatomy.SIDE_LABELS[anatomy.Side(code)]
    except ValueError:
        return code


def _muscle_name(code: str) -> str:
    try:
        return anatomy.muscle(code).name
    except ValueError:
        return code


def _event_class(code: str) -> str:
    """An adverse event's class in the adverse-event list's words, within a sentence: "significant (moderate)"."""
    try:
        return needling_safety.ADVERSE_EVENT_CLASS_INFO[needling_safety.AdverseEventClass(code)].label.lower()
    except ValueError:
        return code.replace("_", " ")


def course_of(assessment: Assessment) -> Course:
    """The course an assessment began: its confirmed levels, the signed sessions after it, their needled sites,
    outcome scores from baseline to latest against each measure's minimal important change, and adverse events."""
    sessions = list(
        TreatmentSession.objects.filter(assessment=assessment, status=AssessmentStatus.SIGNED).order_by(
            "started_at", "pk"
        )
    )
    levels_found = [
        f"{row.level} {_side(row.side)}"
        for row in SegmentDecision.objects.filter(
            assessment=assessment, decision=SegmentDecision.Decision.CONFIRMED
        ).order_by("pk")
    ]
    treated: dict[tuple[str, str, str], set[int]] = {}
    for site in NeedledSite.objects.filter(session__in=sessions).order_by("recorded_at", "pk"):
        treated.setdefault((site.muscle, site.side, site.level), set()).add(site.session_id)
    sites_treated = [
        f"{_muscle_name(muscle)}, {_side(side)}{f' {level}' if level else ''} "
        f"({len(found)} session{'' if len(found) == 1 else 's'})"
        for (muscle, side, level), found in treated.items()
    ]
    events = AdverseEvent.objects.filter(session__in=sessions).select_related("session").order_by("reported_at", "pk")
    types = needling_safety.ADVERSE_EVENT_TYPE_BY_CODE
    adverse_event_lines = [
        f"{day_in_words(timezone.localdate(event.session.started_at))}: "
        f"{types[event.event_type].label if event.event_type in types else event.event_type}, "
        f"{_event_class(event.event_class)}. Action taken: {event.action_taken}"
        for event in events
    ]
    return Course(
        assessment=assessment,
        sessions=sessions,
        levels_found=levels_found,
        sites_treated=sites_treated,
        outcome_lines=_outcome_lines(assessment, sessions),
        adverse_event_lines=adverse_event_lines,
    )


def _change_words(change: scales.PainChange | outcomes.ScoreChange) -> str:
    size = round(abs(change.improvement), 1)
    points = f"{size:g} point{'' if size == 1 else 's'}"
    moved = (
        f"{points} better" if change.improvement > 0 else f"{points} worse" if change.improvement < 0 else "no change"
    )
    if change.is_important_improvement:
        meaning = f"a clinically important improvement (the minimal important change is {change.mcid:g} points)"
    elif change.is_important_worsening:
        meaning = f"a clinically important worsening (the minimal important change is {change.mcid:g} points)"
    else:
        meaning = f"less than the minimal important change of {change.mcid:g} points"
    return f"{moved}: {meaning}"


def _outcome_lines(assessment: Assessment, sessions: list[TreatmentSession]) -> list[str]:
    lines = []
    with_pain = [session for session in sessions if session.pain_before is not None]
    if assessment.pain_now is not None and with_pain:
        latest = with_pain[-1]
        change = scales.nprs_change(assessment.pain_now, latest.pain_before or 0)
        lines.append(
            f"Pain (NPRS 0-10): {assessment.pain_now} at the assessment, {latest.pain_before} before the last "
            f"session on {day_in_words(timezone.localdate(latest.started_at))}; {_change_words(change)}."
        )
    measures = OutcomeMeasure.objects.filter(assessment=assessment) | OutcomeMeasure.objects.filter(
        session__in=sessions
    )
    by_instrument: dict[str, list[OutcomeMeasure]] = {}
    for measure in measures.order_by("recorded_at", "pk"):
        by_instrument.setdefault(measure.instrument, []).append(measure)
    for code, found in by_instrument.items():
        spec = outcomes.instrument(code)
        first, latest_measure = found[0], found[-1]
        if first.pk == latest_measure.pk:
            lines.append(f"{spec.name}: {first.score:.1f} {spec.score_unit}, measured once.".replace(" ,", ","))
            continue
        score = outcomes.score_change(code, first.score, latest_measure.score)
        lines.append(
            f"{spec.name}: {first.score:.1f} on {day_in_words(timezone.localdate(first.recorded_at))} to "
            f"{latest_measure.score:.1f} on {day_in_words(timezone.localdate(latest_measure.recorded_at))}; "
            f"{_change_words(score)}."
        )
    return lines


def _dates(course: Course) -> str:
    return ", ".join(f"{day_in_words(timezone.localdate(session.started_at))}" for session in course.sessions)


def prefilled_sections(*, course: Course, kind: str, patient: Patient) -> dict[str, str]:
    """A first draft of each section in words, from the course; the physiotherapist rewrites it."""
    assessment = course.assessment
    count = len(course.sessions)
    sessions_words = f"{count} session{'' if count == 1 else 's'} of IMS (Gunn intramuscular stimulation)"
    first_on, last_on = course.first_on, course.last_on
    span = f" from {day_in_words(first_on)} to {day_in_words(last_on)}" if first_on and last_on else ""
    name = f"{patient.given_name} {patient.family_name}"
    assessed_on = day_in_words(timezone.localdate(assessment.started_at))
    if kind == LetterKind.FAMILY_DOCTOR:
        # The family doctor is often stored with the practice ("Dr. A. Singh, Mount Pleasant Family Practice").
        doctor = patient.family_doctor.split(",")[0].strip()
        greeting = f"Dear {doctor}," if doctor else "Dear Doctor,"
        opening = (
            f"{greeting}\n\nI assessed your patient {name} on {assessed_on} "
            f"and treated them with {sessions_words}{span}. This letter summarises the course."
        )
    else:
        opening = (
            f"{name} was assessed on {assessed_on} and completed "
            f"{sessions_words}{span}. This summary closes the course."
        )
    complaint = assessment.chief_complaint
    if assessment.duration_text and assessment.duration_text.lower() not in complaint.lower():
        complaint = f"{complaint} ({assessment.duration_text})" if complaint else assessment.duration_text
    findings = ""
    if course.levels_found:
        findings = f"Segments found involved at the assessment: {', '.join(course.levels_found)}."
    if assessment.clinical_impression:
        findings = f"{findings}\n{assessment.clinical_impression}".strip()
    treatment = sessions_words[0].upper() + sessions_words[1:]
    if course.sessions:
        treatment += f", on {_dates(course)}."
    else:
        treatment += "."
    if course.sites_treated:
        treatment += f"\nNeedled: {'; '.join(course.sites_treated)}."
    latest = course.sessions[-1] if course.sessions else None
    plan = latest.plan if latest and latest.plan else assessment.plan
    if kind == LetterKind.DISCHARGE_SUMMARY:
        plan = (
            f"Discharged from IMS treatment. The last plan recorded: {plan}"
            if plan
            else "Discharged from IMS treatment."
        )
    return {
        "opening": opening,
        "complaint": complaint,
        "findings": findings,
        "treatment": treatment,
        "outcome": "\n".join(course.outcome_lines) or "No outcome measure was repeated during the course.",
        "adverse_events": "\n".join(course.adverse_event_lines) or "None recorded during the course.",
        "advice": latest.aftercare_advice if latest else "",
        "plan": plan,
    }


# --- Creating, editing, signing --------------------------------------------------------------------------------


@transaction.atomic
def letter_create(
    *, assessment: Assessment, kind: str, author: User, submission_key: uuid.UUID, result_url: str
) -> Letter:
    """A draft letter about the course the signed assessment began, prefilled from it. The form's one-time key
    makes a double submit one letter (DuplicateSubmission on the second)."""
    claim = claim_submission(key=submission_key, user=author)
    if assessment.status != AssessmentStatus.SIGNED:
        raise ValidationError(NOT_A_COURSE)
    patient = assessment.patient
    sections = prefilled_sections(course=course_of(assessment), kind=kind, patient=patient)
    letter = Letter(
        patient=patient,
        assessment=assessment,
        kind=kind,
        author=author,
        recipient_name=patient.family_doctor if kind == LetterKind.FAMILY_DOCTOR else "",
        **sections,
    )
    letter.full_clean()
    letter.save()
    complete_submission(claim, result_url or letter.get_absolute_url())
    return letter


def _lock_draft(letter: Letter, version: int | None, by: User) -> Letter:
    locked = Letter.objects.select_for_update().get(pk=letter.pk)
    if locked.status == LetterStatus.ENTERED_IN_ERROR:
        raise LetterNotEditable(ERROR_LETTER)
    if locked.status != LetterStatus.DRAFT:
        raise LetterNotEditable(SIGNED_LETTER)
    if locked.author_id != by.pk:
        raise ValidationError(NOT_YOUR_LETTER)
    if version is not None and version != locked.version:
        raise StaleLetter("This letter was saved elsewhere since you opened this page. Reload it to see the latest.")
    return locked


LETTER_EDITED_FIELDS = ("recipient_name", "recipient_address", *LETTER_SECTIONS)


@transaction.atomic
def letter_save_fields(*, letter: Letter, data: dict[str, Any], version: int, by: User) -> Letter:
    """Save the draft's recipient and sections, compare-and-set on its version."""
    locked = _lock_draft(letter, version, by)
    fields = [field for field in LETTER_EDITED_FIELDS if field in data]
    for field in fields:
        setattr(locked, field, data[field])
    locked.full_clean()
    locked.version += 1
    locked.updated_at = timezone.now()
    locked.save(update_fields=[*fields, "version", "updated_at"])  # through the model: the audit log sees it
    return locked


def letter_missing(letter: Letter) -> list[str]:
    """What a letter needs before it can be signed, in words."""
    missing = []
    if letter.kind == LetterKind.FAMILY_DOCTOR and not letter.recipient_name.strip():
        missing.append("Name the family doctor the letter goes to.")
    for field in ("complaint", "treatment", "outcome", "plan"):
        if not getattr(letter, field).strip():
            missing.append(f"Write the {LETTER_SECTIONS[field].lower()}.")
    return missing


# What a letter's signature covers: its own fields (a letter has no rows).
LETTER_SIGNER_FIELDS = ("signer_name", "signer_credentials", "signer_registration_number")
LETTER_SIGNED_FIELDS = (
    "patient_id",
    "assessment_id",
    "author_id",
    "kind",
    *LETTER_EDITED_FIELDS,
    *LETTER_SIGNER_FIELDS,
)


def letter_content_digest(letter: Letter, _rows: dict[str, list[dict[str, Any]]] | None = None) -> str:
    """SHA-256 over what the signature covers, as verify_records recomputes it (a letter has no rows)."""
    return assessment_services.digest_of({"letter": {field: getattr(letter, field) for field in LETTER_SIGNED_FIELDS}})


@transaction.atomic
def letter_sign(*, letter: Letter, signed_by: User, version: int) -> Letter:
    """Sign once, by its author, when nothing is missing; afterwards only addenda or entered in error."""
    locked = _lock_draft(letter, version, signed_by)
    missing = letter_missing(locked)
    if missing:
        raise ValidationError(missing)
    profile = Practitioner.objects.filter(user_id=locked.author_id).first()
    locked.signer_name = str(locked.author)
    locked.signer_credentials = profile.credentials if profile else ""
    locked.signer_registration_number = profile.registration_number if profile else ""
    locked.content_digest = letter_content_digest(locked)
    locked.signed_at = timezone.now()
    locked.status = LetterStatus.SIGNED
    locked.version += 1
    locked.save()
    audit(action=AuditAction.SIGN, instance=locked, actor=signed_by)
    return locked


@transaction.atomic
def letter_addendum_add(*, letter: Letter, author: User, reason: str, text: str) -> LetterAddendum:
    locked = Letter.objects.select_for_update().get(pk=letter.pk)
    if locked.status == LetterStatus.ENTERED_IN_ERROR:
        raise ValidationError(ERROR_LETTER)
    if locked.status != LetterStatus.SIGNED:
        raise ValidationError(ADDENDUM_ON_A_DRAFT)
    addendum = LetterAddendum(letter=locked, author=author, reason=reason.strip(), text=text.strip())
    addendum.full_clean()
    addendum.save()
    audit(action=AuditAction.ADDENDUM, instance=locked, actor=author)
    return addendum


@transaction.atomic
def letter_mark_entered_in_error(*, letter: Letter, by: User, reason: str) -> Letter:
    """A mistaken letter is marked, never deleted, by its author; it stays readable with the reason."""
    locked = Letter.objects.select_for_update().get(pk=letter.pk)
    if locked.author_id != by.pk:
        raise ValidationError(NOT_YOUR_LETTER_IN_ERROR)
    if not reason.strip():
        raise ValidationError({"reason": "Say why this letter was entered in error."})
    if locked.status != LetterStatus.ENTERED_IN_ERROR:
        locked.status = LetterStatus.ENTERED_IN_ERROR
        locked.entered_in_error_at = timezone.now()
        locked.entered_in_error_by = by
        locked.entered_in_error_reason = reason.strip()
        locked.save(update_fields=sorted(LETTER_ENTERED_IN_ERROR_FIELDS))
    return locked


# --- Reading, previewing and disclosing ------------------------------------------------------------------------


def letter_opened(*, letter: Letter) -> None:
    accessed.send(sender=Letter, instance=letter)


def courses_listed(*, courses: list[Assessment]) -> None:
    """The letters page shows each course's chief complaint: a reading of each assessment, as opening it is."""
    for assessment in courses:
        accessed.send(sender=Assessment, instance=assessment)


def letter_previewed(*, letter: Letter) -> None:
    """A draft shown as it will print: a print in the audit trail, not a disclosure (a draft never leaves)."""
    audit(action=AuditAction.PRINT, instance=letter)


@transaction.atomic
def letter_disclose(
    *, letter: Letter, disclosed_by: User, disclosure: Disclosure, submission_key: uuid.UUID, result_url: str
) -> Letter:
    """Print or send a signed letter: one disclosure in the audit trail (to whom, why, what was sent), as the
    patient's export records one. The form's one-time key makes a double submit one disclosure."""
    claim = claim_submission(key=submission_key, user=disclosed_by)
    locked = Letter.objects.select_for_update().get(pk=letter.pk)
    if locked.status != LetterStatus.SIGNED:
        raise ValidationError("Only a signed letter can be printed or sent.")
    _access_event(
        action=AuditAction.EXPORT,
        instance=locked,
        patient_id=locked.patient_id,
        data=disclosure.as_data(
            scope=f"{locked.get_kind_display()} signed {day_in_words(timezone.localdate(locked.signed_at))} "
            f"at {timezone.localtime(locked.signed_at):%H:%M}",
            letter=locked.pk,
            content_digest=locked.content_digest,
        ),
    )
    complete_submission(claim, result_url)
    return locked
