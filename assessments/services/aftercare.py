"""After a signed session (clinical-reference.md 6.5): the aftercare message, the check a day later and at 72
hours, the patient's answers, and the physiotherapist's review of those that need it.

Signing queues the aftercare message (now) and the check (CLINIC_CHECK_AFTER_HOURS after the treatment) in the
signature's transaction. Their composers run when the message is sent, in the patient's language: they issue the
private link then (the token is never stored) and skip when the session was marked entered in error or the check
is already answered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from patients import messaging, private_links
from patients import services as patient_services
from patients.models import Message, MessageKind, Patient

from .. import aftercare, needling_safety
from ..models import (
    AdverseEvent,
    AftercareLink,
    AfterEffectReport,
    AfterEffectReview,
    AfterEffectReviewOutcome,
    AssessmentStatus,
    CheckLink,
    CheckRound,
    TreatmentSession,
)
from .sessions import adverse_event_record

FOLLOW_UP_AFTER = timedelta(hours=72)  # "soreness still present at 72 hours" (6.5)
REVIEW_SORENESS = 7  # soreness of 7 or more is shown to the physiotherapist (6.5)
REVIEW_NOTE_REQUIRED = "Say why this report needs no adverse event."


def aftercare_key(session: TreatmentSession) -> str:
    return f"aftercare:session:{session.pk}"


def check_key(session: TreatmentSession, check_round: str) -> str:
    return f"check:session:{session.pk}:{check_round}"


def about(session: TreatmentSession) -> str:
    return f"session:{session.pk}"


def after_signing(*, session: TreatmentSession) -> None:
    """Queue the aftercare message now and the check a day after the treatment (in the caller's transaction: the
    signature's)."""
    signed_at = session.signed_at or timezone.now()
    messaging.queue(
        patient=session.patient, kind=MessageKind.AFTERCARE, key=aftercare_key(session), about=about(session)
    )
    messaging.queue(
        patient=session.patient,
        kind=MessageKind.CHECK,
        key=check_key(session, CheckRound.FIRST),
        about=about(session),
        send_after=_check_due(session, signed_at),
    )


def _check_due(session: TreatmentSession, queued_at: datetime) -> datetime:
    """The first check, CLINIC_CHECK_AFTER_HOURS after the treatment; at once for a session signed later than that."""
    return max(session.started_at + timedelta(hours=settings.CLINIC_CHECK_AFTER_HOURS), queued_at)


def _session_of(message: Message) -> TreatmentSession:
    kind, _sep, pk = message.about.partition(":")
    session = (
        TreatmentSession.objects.select_related("patient").filter(pk=int(pk)).first()
        if kind == "session" and pk.isdigit()
        else None
    )
    if session is None or session.patient_id != message.patient_id:
        raise messaging.Skip("The treatment session is not found.")
    if session.is_entered_in_error:
        raise messaging.Skip("The treatment session was marked entered in error.")
    if not session.is_signed:
        raise messaging.Skip("The treatment session is not signed.")
    return session


def _first_due(message: Message, session: TreatmentSession) -> datetime:
    """When the message was first due, as after_signing and check_submit queued it: a retry or the clinic admin's
    "try again" moves its send_after, never the days it is meant for."""
    if message.kind == MessageKind.AFTERCARE:
        return message.created_at
    if _check_round(message) == CheckRound.FOLLOW_UP:
        return max(session.started_at + FOLLOW_UP_AFTER, message.created_at)
    return _check_due(session, message.created_at)


def compose_aftercare(message: Message) -> messaging.Composed:
    session = _session_of(message)
    if timezone.now() >= _first_due(message, session) + timedelta(days=settings.CLINIC_AFTERCARE_LINK_DAYS):
        raise messaging.Skip("Too late: the aftercare sheet is for the days after the session.")
    _link, token = private_links.issue(
        AftercareLink,
        patient=session.patient,
        session=session,
        valid_for=timedelta(days=settings.CLINIC_AFTERCARE_LINK_DAYS),
    )
    link = messaging.absolute(reverse("aftercare:sheet", kwargs={"token": token}))
    return messaging.Composed(
        subject=_("Your care after today's treatment"),
        body=_(
            "Thank you for coming in today. Your aftercare sheet says what to expect in the next days, what helps, "
            "and when to call us:\n\n{link}\n\nThe link works for %(days)s days. You will be asked for your date "
            "of birth."
        )
        % {"days": settings.CLINIC_AFTERCARE_LINK_DAYS},
        link=link,
        text=_("Your aftercare sheet after today's treatment: {link}"),
    )


def _check_round(message: Message) -> str:
    return CheckRound.FOLLOW_UP if message.key.endswith(f":{CheckRound.FOLLOW_UP}") else CheckRound.FIRST


def compose_check(message: Message) -> messaging.Composed:
    session = _session_of(message)
    check_round = _check_round(message)
    if AfterEffectReport.objects.filter(session=session, check_round=check_round).exists():
        raise messaging.Skip("The check is already answered.")
    hours = settings.CLINIC_CHECK_WINDOW_HOURS
    if timezone.now() >= _first_due(message, session) + timedelta(hours=hours):
        raise messaging.Skip("Too late: the check is for the day or two after the session.")
    _link, token = private_links.issue(
        CheckLink, patient=session.patient, session=session, check_round=check_round, valid_for=timedelta(hours=hours)
    )
    link = messaging.absolute(reverse("aftercare:check", kwargs={"token": token}))
    return messaging.Composed(
        subject=_("How do you feel after your treatment?"),
        body=_(
            "Please tell us how you feel since your treatment. It takes a minute:\n\n{link}\n\nThe link works for "
            "%(hours)s hours. You will be asked for your date of birth."
        )
        % {"hours": hours},
        link=link,
        text=_("How do you feel after your treatment? Tell us here: {link}"),
    )


def register() -> None:
    messaging.register(MessageKind.AFTERCARE, compose_aftercare)
    messaging.register(MessageKind.CHECK, compose_check)


def sheet_for(session: TreatmentSession) -> aftercare.Sheet:
    """The aftercare sheet of a session, in the active language (two queries: its sites, the flags relied on)."""
    sites = [aftercare.Site(site.muscle, site.side, site.level) for site in session.sites.all()]
    questionnaire = session.questionnaire or patient_services.current_questionnaire(patient=session.patient)
    codes = list(questionnaire.flags.values_list("code", flat=True)) if questionnaire is not None else []
    return aftercare.sheet(sites=sites, flag_codes=codes, clinic_phone=settings.CLINIC_PHONE)


def is_at_72_hours(report: AfterEffectReport) -> bool:
    """Whether the report was given 72 hours or more after the session (a first check answered late is one)."""
    return report.check_round == CheckRound.FOLLOW_UP or report.submitted_at >= (
        report.session.started_at + FOLLOW_UP_AFTER
    )


def review_reasons(report: AfterEffectReport) -> list[str]:
    """Why the physiotherapist should see this report, in words; none when it needs no review (6.5)."""
    reasons = []
    if report.warning_signs:
        reasons.append("Warning sign: " + "; ".join(report.get_warning_signs_display()).lower())
    if report.soreness >= REVIEW_SORENESS:
        reasons.append(f"Soreness {report.soreness} of 10")
    elif report.soreness > 0 and is_at_72_hours(report):
        reasons.append(f"Soreness still {report.soreness} of 10 at 72 hours")
    return reasons


@dataclass(frozen=True)
class CheckAnswers:
    soreness: int
    regions: list[str]
    bruising: str
    warning_signs: list[str]
    words: str = ""


@transaction.atomic
def check_submit(*, link: CheckLink, answers: CheckAnswers) -> AfterEffectReport | None:
    """Store the patient's answers once: None when the link was used meanwhile (a double submit, another tab).

    A report that needs it is put on the session's physiotherapist's list to review; soreness still there on
    the first check queues the 72-hour one, unless that first check was itself answered 72 hours or more after.
    """
    if not private_links.mark_used(link):
        return None
    session = link.session
    report = AfterEffectReport(
        session=session,
        link=link,
        check_round=link.check_round,
        soreness=answers.soreness,
        regions=answers.regions,
        bruising=answers.bruising,
        warning_signs=answers.warning_signs,
        words=answers.words.strip(),
    )
    report.full_clean(exclude=["link", "session"], validate_constraints=False)
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        return None  # the same check answered through another of its links
    reasons = review_reasons(report)
    if reasons:
        AfterEffectReview.objects.create(report=report, physiotherapist_id=session.physiotherapist_id, reasons=reasons)
    if link.check_round == CheckRound.FIRST and report.soreness > 0 and not is_at_72_hours(report):
        messaging.queue(
            patient=session.patient,
            kind=MessageKind.CHECK,
            key=check_key(session, CheckRound.FOLLOW_UP),
            about=about(session),
            send_after=max(session.started_at + FOLLOW_UP_AFTER, timezone.now()),
        )
    return report


def _lock_open(review: AfterEffectReview, by: User) -> AfterEffectReview:
    locked = AfterEffectReview.objects.select_for_update().select_related("report__session").get(pk=review.pk)
    if locked.physiotherapist_id != by.pk:
        raise ValidationError("Only the physiotherapist who gave this treatment reviews what the patient reported.")
    if not locked.is_open:
        raise ValidationError("This report is already reviewed.")
    return locked


@transaction.atomic
def review_record_adverse_event(*, review: AfterEffectReview, by: User, **event: Any) -> AdverseEvent:
    """Record the report as an adverse event of its session, reported later (6.4), and close the review."""
    locked = _lock_open(review, by)
    adverse_event = adverse_event_record(
        session=locked.report.session,
        reported_by=by,
        onset=needling_safety.AdverseEventOnset.REPORTED_LATER,
        **event,
    )
    locked.adverse_event = adverse_event
    locked.outcome = AfterEffectReviewOutcome.ADVERSE_EVENT
    locked.resolved_at, locked.resolved_by = timezone.now(), by
    locked.save(update_fields=["adverse_event", "outcome", "resolved_at", "resolved_by"])
    return adverse_event


@transaction.atomic
def review_close(*, review: AfterEffectReview, by: User, note: str) -> AfterEffectReview:
    """Close the review without an adverse event; the note says why."""
    if not note.strip():
        raise ValidationError({"note": REVIEW_NOTE_REQUIRED})
    locked = _lock_open(review, by)
    locked.outcome = AfterEffectReviewOutcome.CLOSED
    locked.note = note.strip()
    locked.resolved_at, locked.resolved_by = timezone.now(), by
    locked.save(update_fields=["outcome", "note", "resolved_at", "resolved_by"])
    return locked


@dataclass(frozen=True)
class ReportRow:
    report: AfterEffectReport
    regions: list[str]  # in words
    review: AfterEffectReview | None


def region_words(codes: list[str]) -> list[str]:
    """The "region:side" codes the patient chose, in the history step's words for the clinician."""
    from ..forms import HistoryForm

    labels = dict(HistoryForm.base_fields["pain_region_choices"].choices)  # type: ignore[attr-defined]
    return [str(labels.get(code, "Other place")) for code in codes]


def reports_of(session: TreatmentSession) -> list[ReportRow]:
    """The after-effects the patient reported on the session's checks, with their reviews (one query)."""
    return [
        ReportRow(report, region_words(report.regions), getattr(report, "review", None))
        for report in AfterEffectReport.objects.filter(session=session).select_related("review")
    ]


def reported_soreness(*, patient: Patient) -> list[AfterEffectReport]:
    """Every check the patient answered over the course, oldest first, with its session (one query); those of a
    session marked entered in error are left out."""
    return list(
        AfterEffectReport.objects.filter(session__patient=patient)
        .exclude(session__status=AssessmentStatus.ENTERED_IN_ERROR)
        .select_related("session")
        .order_by("submitted_at", "id")
    )


@dataclass(frozen=True)
class MessageRow:
    message: Message
    is_answered: bool  # a check the patient answered


def messages_about(session: TreatmentSession, reports: list[ReportRow]) -> list[MessageRow]:
    """The aftercare and check messages of a session, oldest first, each check with whether it was answered (one
    query)."""
    answered = {row.report.check_round for row in reports}
    messages = Message.objects.filter(patient_id=session.patient_id, about=about(session)).order_by("send_after", "id")
    return [
        MessageRow(message, message.kind == MessageKind.CHECK and _check_round(message) in answered)
        for message in messages
    ]
