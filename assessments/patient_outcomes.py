"""Outcome questionnaires on the patient's phone before each visit of a course: the message, the link, the answers.

A course is the patient's latest signed assessment; its questionnaire is the one its baseline recorded (the
region's own before the PSFS). A booked or moved visit queues a message for CLINIC_OUTCOME_BEFORE_HOURS before
it (its key names the visit and its start, so a moved visit gets a new one); at run time the message is
re-checked (still booked at that time, a questionnaire still due, not answered yet) and only then is a
single-use private link issued, expiring at the visit's end. The answers are scored by assessments.outcomes,
as the clinic's own entry is, and kept as a patient-reported outcome measure of that visit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Subquery
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext, gettext_lazy, pgettext, pgettext_lazy

from patients import messaging, pain_map, private_links
from patients.models import Message, MessageKind, Patient
from scheduling.models import Appointment, AppointmentStatus

from . import outcomes
from .models import Assessment, AssessmentStatus, OutcomeLink, OutcomeMeasure, OutcomeSource
from .services.sessions import scored_measure

KEY_PREFIX = "outcome:appointment:"
PAIN_NOW = "pain_now"
PAIN_REGIONS = "pain_regions"  # the draft's "region:side" values from the pain map, with the pain now


def message_key(appointment: Appointment) -> str:
    """One message per visit and start time: a moved visit gets a new key, the old message is skipped."""
    return f"{KEY_PREFIX}{appointment.pk}:{appointment.starts_at.astimezone(UTC).isoformat()}"


@dataclass(frozen=True)
class CourseQuestionnaire:
    """The questionnaire a course follows, and the PSFS's activities in the patient's words."""

    assessment: Assessment
    instrument: outcomes.InstrumentCode
    activities: tuple[str, ...] = ()


def course_questionnaire(patient: Patient) -> CourseQuestionnaire | None:
    """The questionnaire of the patient's course: the latest signed assessment's baseline, the region's own
    questionnaire before the PSFS; None without a signed assessment or without a baseline."""
    assessment = (
        Assessment.objects.filter(patient=patient, status=AssessmentStatus.SIGNED)
        .order_by("-signed_at", "-id")
        .prefetch_related("baseline_measures")
        .first()
    )
    if assessment is None:
        return None
    measures = sorted(assessment.baseline_measures.all(), key=lambda m: (m.recorded_at, m.pk))
    regional = [m for m in measures if m.instrument != outcomes.InstrumentCode.PSFS]
    psfs = [m for m in measures if m.instrument == outcomes.InstrumentCode.PSFS and m.activities]
    if regional:
        return CourseQuestionnaire(assessment, outcomes.InstrumentCode(regional[0].instrument))
    if psfs:
        return CourseQuestionnaire(assessment, outcomes.InstrumentCode.PSFS, tuple(psfs[0].activities))
    return None


def _send_after(appointment: Appointment) -> datetime:
    return appointment.starts_at - timedelta(hours=settings.CLINIC_OUTCOME_BEFORE_HOURS)


def _revoke_links(appointment: Appointment) -> None:
    """Close the visit's unused links."""
    OutcomeLink.objects.filter(appointment=appointment, used_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def has_course_questionnaire(patient: Patient) -> bool:
    """Whether course_questionnaire would find one, in one query (a booking's cost stays small)."""
    latest = (
        Assessment.objects.filter(patient=patient, status=AssessmentStatus.SIGNED)
        .order_by("-signed_at", "-id")
        .values("pk")[:1]
    )
    baseline = OutcomeMeasure.objects.filter(assessment__in=Subquery(latest))
    return baseline.exclude(instrument=outcomes.InstrumentCode.PSFS, activities=[]).exists()


def appointment_placed(*, appointment: Appointment, **_: Any) -> None:
    """A visit booked or moved: its questionnaire is queued when the patient has a course. A link already sent
    for the visit's former time closes itself (is_closed); the old message is skipped when it comes due."""
    if appointment.status != AppointmentStatus.BOOKED or not has_course_questionnaire(appointment.patient):
        return
    messaging.queue(
        patient=appointment.patient,
        kind=MessageKind.OUTCOME,
        key=message_key(appointment),
        about=f"appointment:{appointment.pk}",
        send_after=_send_after(appointment),
    )


def appointment_cancelled(*, appointment: Appointment, **_: Any) -> None:
    messaging.cancel(key_prefix=f"{KEY_PREFIX}{appointment.pk}:", reason="The visit was cancelled.")
    _revoke_links(appointment)


def queue_for_upcoming_visits(*, patient: Patient) -> int:
    """A course has just begun (its assessment signed): the visits already booked get their questionnaire too."""
    if course_questionnaire(patient) is None:
        return 0
    upcoming = Appointment.objects.filter(
        patient=patient, status=AppointmentStatus.BOOKED, starts_at__gt=timezone.now()
    ).order_by("starts_at")
    for appointment in upcoming:
        messaging.queue(
            patient=patient,
            kind=MessageKind.OUTCOME,
            key=message_key(appointment),
            about=f"appointment:{appointment.pk}",
            send_after=_send_after(appointment),
        )
    return len(upcoming)


def is_answered(appointment: Appointment) -> bool:
    return OutcomeMeasure.objects.filter(appointment=appointment, source=OutcomeSource.PATIENT).exists()


def _appointment_of(key: str) -> tuple[Appointment | None, str]:
    pk, _, start = key.removeprefix(KEY_PREFIX).partition(":")
    appointment = Appointment.objects.select_related("patient").filter(pk=int(pk) if pk.isdigit() else 0).first()
    return appointment, start


def visit_words(moment: datetime) -> dict[str, str]:
    """The visit's day and time in the clinic's zone, in the active language."""
    local = timezone.localtime(moment)
    # Not the locale's TIME_FORMAT: Django's French (Canada) one leaves its "h" unescaped ("10 10 00").
    time_pattern = pgettext("the time of a visit, as a Django date format", "P")
    return {"date": formats.date_format(local, "DATE_FORMAT"), "time": formats.time_format(local, time_pattern)}


def compose(message: Message) -> messaging.Composed:
    """The message before a visit, composed at sending time, once it is sure to still apply."""
    appointment, start = _appointment_of(message.key)
    if appointment is None or appointment.status != AppointmentStatus.BOOKED:
        raise messaging.Skip("The visit is no longer booked.")
    if message_key(appointment) != message.key or not start:
        raise messaging.Skip("The visit was moved; the questionnaire goes before its new time.")
    if appointment.ends_at <= timezone.now():
        raise messaging.Skip("The visit is over.")
    course = course_questionnaire(appointment.patient)
    if course is None:
        raise messaging.Skip("The patient's course has no outcome questionnaire.")
    if is_answered(appointment):
        raise messaging.Skip("Already answered for this visit.")
    token = issue_link(appointment=appointment, course=course)
    words = {"name": appointment.patient.given_name, **visit_words(appointment.starts_at)}
    body = (
        gettext(
            "Hello %(name)s,\n\n"
            "Before your visit on %(date)s at %(time)s, please answer a few short questions about how you are doing. "
            "Your physiotherapist uses your answers to follow your progress.\n\n"
            "Your private link: {link}\n\n"
            "It asks for your date of birth first. It works once, until the end of your visit."
        )
        % words
    )
    text = gettext("Before your visit on %(date)s at %(time)s, please answer a few short questions: {link}") % words
    link = messaging.absolute(reverse("outcome_questionnaire:start", kwargs={"token": token}))
    return messaging.Composed(subject=gettext("A few questions before your visit"), body=body, link=link, text=text)


@transaction.atomic
def issue_link(*, appointment: Appointment, course: CourseQuestionnaire) -> str:
    """A new single-use link for the visit (earlier unused ones closed); returns its token, which is not stored."""
    _revoke_links(appointment)
    valid_for = appointment.ends_at - timezone.now()
    _link, token = private_links.issue(
        OutcomeLink,
        patient=appointment.patient,
        valid_for=valid_for,
        appointment=appointment,
        visit_starts_at=appointment.starts_at,
        instrument=course.instrument.value,
        activities=list(course.activities),
    )
    return token


# --- The answers -------------------------------------------------------------------------------------------------


class AlreadyAnswered(Exception):
    """The link was used, or this visit's answers are already recorded (a double submit)."""


class VisitClosed(Exception):
    """The visit is over, moved or cancelled: its questionnaire no longer takes answers."""


def is_closed(link: OutcomeLink, *, at: datetime | None = None) -> bool:
    appointment = link.appointment
    moment = at or timezone.now()
    return (
        appointment.status not in (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED)
        or appointment.starts_at != link.visit_starts_at
        or moment >= appointment.ends_at
    )


def item_count(link: OutcomeLink) -> int:
    if link.instrument == outcomes.InstrumentCode.PSFS:
        return len(link.activities)
    return len(outcomes.ITEM_TOPICS[outcomes.InstrumentCode(link.instrument)])


@transaction.atomic
def save_answer(*, link: OutcomeLink, name: str, value: int | None, regions: list[str] | None = None) -> None:
    """Keep one answer between the pages (None clears it); with the pain now, where it hurts (regions)."""
    locked = OutcomeLink.objects.select_for_update().get(pk=link.pk)
    answers = dict(locked.answers)
    if value is None:
        answers.pop(name, None)
    else:
        answers[name] = value
    if regions is not None:
        answers[PAIN_REGIONS] = list(regions)
    OutcomeLink.objects.filter(pk=link.pk).update(answers=answers)
    link.answers = answers


def marked_regions(link: OutcomeLink) -> list[str]:
    """The draft's pain map, as the form's "region:side" values (only those the map offers)."""
    known = {value for value, _label in pain_map.CHOICES}
    stored = link.answers.get(PAIN_REGIONS)
    return [value for value in stored if value in known] if isinstance(stored, list) else []


def missing_answers(link: OutcomeLink) -> list[str]:
    names = [f"item_{number}" for number in range(1, item_count(link) + 1)] + [PAIN_NOW]
    return [name for name in names if not isinstance(link.answers.get(name), int)]


@transaction.atomic
def submit(*, link: OutcomeLink) -> OutcomeMeasure:
    """Score the answers as the clinic's entry does and record them once, as the patient's, for the visit."""
    locked = (
        OutcomeLink.objects.select_for_update(of=("self",)).select_related("appointment", "patient").get(pk=link.pk)
    )
    if locked.used_at is not None or locked.measure_id is not None:
        raise AlreadyAnswered
    if is_closed(locked) or not locked.is_usable:
        raise VisitClosed
    if missing_answers(locked):
        raise ValidationError("Some questions are not answered yet.")
    items = [locked.answers[f"item_{number}"] for number in range(1, item_count(locked) + 1)]
    measure = scored_measure(
        patient=locked.patient,
        instrument=locked.instrument,
        recorded_by=None,
        items=items,
        total=None,
        activities=list(locked.activities) or None,
    )
    measure.source, measure.appointment = OutcomeSource.PATIENT, locked.appointment
    measure.pain_now = locked.answers[PAIN_NOW]
    measure.pain_regions = pain_map.as_regions(marked_regions(locked))
    measure.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            measure.save()
    except IntegrityError:
        raise AlreadyAnswered from None
    if not private_links.mark_used(locked):
        raise AlreadyAnswered
    OutcomeLink.objects.filter(pk=locked.pk).update(measure=measure)
    return measure


def register() -> None:
    """Connect to the schedule's announcements and register the message's composer (AppConfig.ready)."""
    from scheduling import signals

    signals.appointment_placed.connect(appointment_placed, dispatch_uid="assessments.outcome_placed")
    signals.appointment_cancelled.connect(appointment_cancelled, dispatch_uid="assessments.outcome_cancelled")
    messaging.register(MessageKind.OUTCOME, compose)


# --- The questions as the phone shows them ----------------------------------------------------------------------
# The repo holds no licensed item text (assessments.outcomes): each item is shown by its topic or number as
# section 4 names it, with the scale's ends in plain words; the PSFS by the patient's own activities.

_ENDS = {
    outcomes.InstrumentCode.NDI: (gettext_lazy("least affected"), gettext_lazy("most affected")),
    outcomes.InstrumentCode.ODI: (gettext_lazy("least affected"), gettext_lazy("most affected")),
    outcomes.InstrumentCode.QUICKDASH: (gettext_lazy("no difficulty"), gettext_lazy("unable, or extreme")),
    outcomes.InstrumentCode.LEFS: (gettext_lazy("extreme difficulty, or unable"), gettext_lazy("no difficulty")),
    outcomes.InstrumentCode.PSFS: (
        gettext_lazy("unable to do it"),
        gettext_lazy("able to do it as well as before the problem began"),
    ),
}


# The NDI's and ODI's item topics (outcomes.ITEM_TOPICS, English) in the patient's words.
_TOPIC_WORDS = {
    "Pain intensity": pgettext_lazy("outcome questionnaire item", "Pain intensity"),
    "Personal care": pgettext_lazy("outcome questionnaire item", "Personal care"),
    "Lifting": pgettext_lazy("outcome questionnaire item", "Lifting"),
    "Reading": pgettext_lazy("outcome questionnaire item", "Reading"),
    "Headaches": pgettext_lazy("outcome questionnaire item", "Headaches"),
    "Concentration": pgettext_lazy("outcome questionnaire item", "Concentration"),
    "Work": pgettext_lazy("outcome questionnaire item", "Work"),
    "Driving": pgettext_lazy("outcome questionnaire item", "Driving"),
    "Sleeping": pgettext_lazy("outcome questionnaire item", "Sleeping"),
    "Recreation": pgettext_lazy("outcome questionnaire item", "Recreation"),
    "Pain": pgettext_lazy("outcome questionnaire item", "Pain"),
    "Walking": pgettext_lazy("outcome questionnaire item", "Walking"),
    "Sitting": pgettext_lazy("outcome questionnaire item", "Sitting"),
    "Standing": pgettext_lazy("outcome questionnaire item", "Standing"),
    "Sex life": pgettext_lazy("outcome questionnaire item", "Sex life"),
    "Social life": pgettext_lazy("outcome questionnaire item", "Social life"),
    "Travelling": pgettext_lazy("outcome questionnaire item", "Travelling"),
}


@dataclass(frozen=True)
class Question:
    name: str  # the answer's key: "item_3", or "pain_now"
    heading: str
    prompt: str
    choices: list[tuple[int, str]]


def _scale(low: int, high: int, low_words: str, high_words: str) -> list[tuple[int, str]]:
    return [
        (
            value,
            f"{value}: {low_words}" if value == low else f"{value}: {high_words}" if value == high else str(value),
        )
        for value in range(low, high + 1)
    ]


def questions(link: OutcomeLink) -> list[Question]:
    """Every question of the link, in order: the questionnaire's items, then the pain now (NPRS)."""
    code = outcomes.InstrumentCode(link.instrument)
    spec = outcomes.instrument(code)
    low_words, high_words = (str(words) for words in _ENDS[code])
    choices = _scale(spec.item_min, spec.item_max, low_words, high_words)
    prompt = gettext("Choose the number that fits you best today, from %(low)s (%(low_words)s) to %(high)s "
                     "(%(high_words)s).") % {"low": spec.item_min, "high": spec.item_max, "low_words": low_words,
                                            "high_words": high_words}  # fmt: skip
    found = []
    if code == outcomes.InstrumentCode.PSFS:
        psfs_prompt = gettext("How well can you do this activity today?") + " " + prompt
        for number, activity in enumerate(link.activities, start=1):
            found.append(Question(f"item_{number}", activity, psfs_prompt, choices))
    else:
        for number, topic in enumerate(outcomes.ITEM_TOPICS[code], start=1):
            if code == outcomes.InstrumentCode.QUICKDASH:
                heading = gettext("Item %(number)s") % {"number": number}
            elif code == outcomes.InstrumentCode.LEFS:
                heading = gettext("Activity %(number)s") % {"number": number}
            else:
                heading = str(_TOPIC_WORDS.get(topic, topic))
            found.append(Question(f"item_{number}", heading, prompt, choices))
    found.append(
        Question(
            PAIN_NOW,
            gettext("Your pain right now"),
            gettext("How much pain do you have right now? 0 means no pain, 10 the worst pain imaginable."),
            _scale(0, 10, gettext("no pain"), gettext("worst pain imaginable")),
        )
    )
    return found
