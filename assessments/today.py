"""The clinical Today lists: a physiotherapist's visits of the day with what each needs, their drafts and the
completed visits still without a signed record; and, for the clinic admin, old drafts and recent adverse events.

Every read is a fixed number of queries; the querysets are paged by the page, and the per-visit work (the gate,
the last session, the action) is done for one page of visits only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince

from accounts.models import User
from patients import gate
from patients.models import Patient
from patients.safety_rules import REGION_WORDS
from scheduling import schedule
from scheduling.models import Appointment, AppointmentKind, AppointmentStatus
from scheduling.services import local_day_bounds

from . import selectors, site_gate
from .models import AdverseEvent, AfterEffectReview, Assessment, AssessmentStatus, TreatmentSession
from .services import RECORD_KINDS

UNRECORDED_DAYS = 30  # how far back completed visits without a signed record are listed
STALE_DRAFT_AGE = timedelta(hours=24)  # the clinic admin's list of records left unsigned
ADVERSE_EVENT_DAYS = 30
ACTIVE_STATUSES = (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED)


@dataclass(frozen=True)
class Action:
    label: str
    url: str
    is_start: bool  # a POST form that starts a record (with the appointment); else a link to the draft


@dataclass
class Visit:
    appointment: Appointment
    badges: list[schedule.Badge] = field(default_factory=list)
    consent_regions_missing: list[str] = field(default_factory=list)  # regions of the plan the consent lacks
    last_session: TreatmentSession | None = None
    action: Action | None = None


def day_appointments(*, physiotherapist: User, day: date) -> QuerySet[Appointment]:
    """The physiotherapist's appointments of `day` in time order, each with the ids the Today page reads after
    paging: the patient's latest signed assessment and session, and this physiotherapist's open drafts."""
    first, last = local_day_bounds(day)
    drafts = {"physiotherapist": physiotherapist, "status": AssessmentStatus.DRAFT, "patient": OuterRef("patient_id")}
    # A draft of this visit: linked to the appointment, or (a draft not linked to one) begun that day.
    of_visit = Q(appointment=OuterRef("pk")) | Q(appointment__isnull=True, started_at__gte=first, started_at__lt=last)
    return (
        Appointment.objects.for_schedule()
        .filter(practitioner__user=physiotherapist, starts_at__gte=first, starts_at__lt=last)
        .exclude(status__in=(AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW))
        .annotate(
            signed_assessment_id=Subquery(
                Assessment.objects.filter(patient=OuterRef("patient_id"), status=AssessmentStatus.SIGNED)
                .order_by("-signed_at", "-id")
                .values("id")[:1]
            ),
            last_session_id=Subquery(
                TreatmentSession.objects.filter(patient=OuterRef("patient_id"), status=AssessmentStatus.SIGNED)
                .order_by("-started_at", "-id")
                .values("id")[:1]
            ),
            draft_assessment_id=Subquery(
                Assessment.objects.filter(**drafts).filter(of_visit).order_by("-started_at", "-id").values("id")[:1]
            ),
            draft_session_id=Subquery(
                TreatmentSession.objects.filter(**drafts)
                .filter(of_visit)
                .order_by("-started_at", "-id")
                .values("id")[:1]
            ),
        )
        .order_by("starts_at", "id")
    )


def visits(appointments: list[Appointment], *, today: date) -> list[Visit]:
    """What each visit of one page needs: the gate's answer on the day, the plan's regions the consent lacks,
    the last signed session, and the one action (a fixed number of queries for the page)."""
    zone = timezone.get_current_timezone()
    decisions = schedule.visit_decisions(
        {(a.patient_id, a.starts_at.astimezone(zone).date()) for a in appointments}, today=today
    )
    sessions = TreatmentSession.objects.only("started_at", "pain_before", "pain_after", "plan").in_bulk(
        [a.last_session_id for a in appointments if a.last_session_id]  # type: ignore[attr-defined]
    )
    plans = Assessment.objects.only("planned_muscles").in_bulk(
        [a.signed_assessment_id for a in appointments if a.signed_assessment_id]  # type: ignore[attr-defined]
    )
    result = []
    for appointment in appointments:
        decision = decisions[(appointment.patient_id, appointment.starts_at.astimezone(zone).date())]
        plan = plans.get(appointment.signed_assessment_id)  # type: ignore[attr-defined]
        result.append(
            Visit(
                appointment=appointment,
                badges=schedule.gate_badges(decision, show_severity=True)
                if appointment.status in ACTIVE_STATUSES
                else [],
                consent_regions_missing=_consent_regions_missing(decision, plan),
                last_session=sessions.get(appointment.last_session_id),  # type: ignore[attr-defined]
                action=_action(appointment),
            )
        )
    return result


def _consent_regions_missing(decision: gate.PatientDecision, plan: Assessment | None) -> list[str]:
    """The regions of the signed plan of muscles that the site gate holds for want of consent, in words."""
    if plan is None or decision.consent_scope is None:
        return []
    missing: dict[str, None] = {}
    for target in plan.planned_muscles:
        try:
            site = site_gate.PlannedSite(target["muscle"], target.get("side", ""), target.get("level", ""))
            region = site_gate.decide_site(decision, site).consent_region_missing
        except (KeyError, ValueError):
            continue  # a muscle no longer in the catalogue: the session page says what to do with it
        if region is not None:
            missing[REGION_WORDS.get(region, str(region))] = None
    return list(missing)


def _action(appointment: Appointment) -> Action | None:
    """The one thing to do next for a visit still to be seen, by the kind of appointment: continue its draft, or
    start the record the appointment is for (the same record starting from it would accept)."""
    if appointment.status not in ACTIVE_STATUSES:
        return None
    kind = appointment.appointment_type.kind
    draft_session = appointment.draft_session_id  # type: ignore[attr-defined]
    draft_assessment = appointment.draft_assessment_id  # type: ignore[attr-defined]
    if draft_session and kind in RECORD_KINDS[TreatmentSession]:
        return Action(
            "Continue the session", reverse("assessments:session-detail", kwargs={"pk": draft_session}), False
        )
    if draft_assessment and kind in RECORD_KINDS[Assessment]:
        url = reverse("assessments:assessment-step", kwargs={"pk": draft_assessment, "step": "history"})
        return Action("Continue the assessment", url, False)
    patient = {"patient_pk": appointment.patient_id}
    start_assessment = Action("Start the assessment", reverse("assessments:assessment-start", kwargs=patient), True)
    start_session = Action("Start today's session", reverse("assessments:session-start", kwargs=patient), True)
    if kind == AppointmentKind.INITIAL_ASSESSMENT:
        return start_assessment
    if kind == AppointmentKind.TREATMENT:
        return start_session
    # A reassessment holds both: the assessment first when the patient has no signed one yet.
    return start_session if appointment.signed_assessment_id else start_assessment  # type: ignore[attr-defined]


def _drafts(*, physiotherapist: User | None = None, started_before: datetime | None = None) -> QuerySet:
    """Draft assessments and sessions as one list, oldest first: kind, id, patient, author and start."""
    mine = {"physiotherapist": physiotherapist} if physiotherapist is not None else {}
    before = {"started_at__lt": started_before} if started_before is not None else {}
    columns = ("pk", "patient_id", "physiotherapist_id", "started_at")
    assessments = (
        Assessment.objects.filter(status=AssessmentStatus.DRAFT, **mine, **before)
        .annotate(kind=Value("assessment"))
        .order_by()
        .values_list(*columns, "kind")
    )
    sessions = (
        TreatmentSession.objects.filter(status=AssessmentStatus.DRAFT, **mine, **before)
        .annotate(kind=Value("session"))
        .order_by()
        .values_list(*columns, "kind")
    )
    return assessments.union(sessions, all=True).order_by("started_at", "pk")


@dataclass(frozen=True)
class Draft:
    kind: str  # "Assessment" or "Treatment session"
    url: str
    patient_name: str
    author_name: str
    started_at: datetime

    @property
    def age(self) -> str:
        """How long ago it was begun, in its largest unit: "3 days", "5 hours"."""
        return timesince(self.started_at, depth=1)


def own_drafts(*, physiotherapist: User) -> QuerySet:
    """The physiotherapist's unsigned records, oldest first (rows for `drafts_of`)."""
    return _drafts(physiotherapist=physiotherapist)


def stale_drafts(*, now: datetime | None = None) -> QuerySet:
    """Every unsigned record of the clinic begun more than a day ago, oldest first (rows for `drafts_of`)."""
    return _drafts(started_before=(now or timezone.now()) - STALE_DRAFT_AGE)


def drafts_of(rows: list[tuple]) -> list[Draft]:
    """One page of draft rows with their patients' and authors' names (two queries)."""
    patients = Patient.objects.only("given_name", "family_name", "preferred_name").in_bulk({row[1] for row in rows})
    authors = User.objects.only("first_name", "last_name", "username").in_bulk({row[2] for row in rows})
    drafts = []
    for pk, patient_id, author_id, started_at, kind in rows:
        if kind == "assessment":
            label, url = "Assessment", reverse("assessments:assessment-step", kwargs={"pk": pk, "step": "history"})
        else:
            label, url = "Treatment session", reverse("assessments:session-detail", kwargs={"pk": pk})
        drafts.append(Draft(label, url, patients[patient_id].display_name, str(authors[author_id]), started_at))
    return drafts


def unrecorded_visits(*, physiotherapist: User, now: datetime | None = None) -> QuerySet[Appointment]:
    """The physiotherapist's completed visits of the last 30 days with no signed record, oldest first.

    A visit is recorded by a signed assessment or session linked to it, or, for records made before records were
    linked to their appointment, by one of the same patient by the same physiotherapist begun on the visit's day.
    """
    now = now or timezone.now()
    zone = timezone.get_current_timezone()
    signed = {"status": AssessmentStatus.SIGNED}
    same_day = {
        **signed,
        "patient": OuterRef("patient_id"),
        "physiotherapist": physiotherapist,
        "appointment__isnull": True,
    }

    def dated_that_day(model: type[Assessment] | type[TreatmentSession]) -> Exists:
        return Exists(
            model.objects.filter(**same_day)
            .annotate(on=TruncDate("started_at", tzinfo=zone))
            .filter(on=OuterRef("visit_on"))
        )

    return (
        Appointment.objects.for_schedule()
        .filter(practitioner__user=physiotherapist, status=AppointmentStatus.COMPLETED)
        .filter(starts_at__gte=now - timedelta(days=UNRECORDED_DAYS), starts_at__lt=now)
        .annotate(visit_on=TruncDate("starts_at", tzinfo=zone))
        .exclude(Exists(Assessment.objects.filter(appointment=OuterRef("pk"), **signed)))
        .exclude(Exists(TreatmentSession.objects.filter(appointment=OuterRef("pk"), **signed)))
        .exclude(dated_that_day(Assessment))
        .exclude(dated_that_day(TreatmentSession))
        .order_by("starts_at", "id")
    )


def recent_adverse_events(*, now: datetime | None = None) -> QuerySet[AdverseEvent]:
    """Adverse events reported in the last 30 days, newest first, with the session's physiotherapist; those of a
    session entered in error are left out, as the review list leaves them out."""
    since = (now or timezone.now()) - timedelta(days=ADVERSE_EVENT_DAYS)
    return (
        selectors.standing_adverse_events()
        .filter(reported_at__gte=since)
        .select_related("session__physiotherapist")
        .only(
            "reported_at",
            "event_type",
            "event_class",
            "session__id",
            "session__started_at",
            "session__patient",
            "session__physiotherapist__first_name",
            "session__physiotherapist__last_name",
            "session__physiotherapist__username",
        )
        .order_by("-reported_at", "-id")
    )


def after_effects_to_review(*, physiotherapist: User) -> QuerySet[AfterEffectReview]:
    """What patients reported after the physiotherapist's sessions that waits for their review (6.5), oldest first,
    with the session and its patient (one query a page); a session marked entered in error drops out."""
    return (
        AfterEffectReview.objects.filter(physiotherapist=physiotherapist, resolved_at__isnull=True)
        .exclude(report__session__status=AssessmentStatus.ENTERED_IN_ERROR)
        .select_related("report__session__patient")
        .order_by("created_at", "id")
    )
