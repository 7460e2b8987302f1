"""The demo clinic tells a story that holds: every demo patient walked record by record, in time order.

seed_demo is run on a clock set to a few moments (a weekday morning, a Saturday, a Monday before opening at the turn
of a month), and each patient's records are checked against what they depend on: nothing before its registration,
the questionnaire and consent before the session they cleared, the assessment signed before its course, signatures on
their record's day, every completed visit with its record, and every needled site allowed by the gate as the
patient's safety state stood on that day (rebuilt here from the dated records, then asked of the gate's own pure
functions).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from assessments import outcomes, site_gate
from assessments.models import AfterEffectReview, Assessment, AssessmentStatus, CheckRound, TreatmentSession
from ims_clinic.demo import DEMO_PATIENTS
from ims_clinic.management.commands.seed_demo import DEMO_STAFF
from patients import gate, safety_state
from patients.models import Message, MessageKind, MessageStatus, Patient, RecheckAnswer
from patients.safety_rules import BodyRegion
from records.models import Letter, LetterKind, LetterStatus
from scheduling.models import Appointment, AppointmentKind, AppointmentStatus

ZONE = ZoneInfo(settings.TIME_ZONE)
MOMENTS = {
    "wednesday-morning": datetime(2026, 12, 9, 10, 20, tzinfo=ZONE),
    "saturday": datetime(2026, 12, 12, 11, 0, tzinfo=ZONE),
    "monday-before-opening": datetime(2027, 3, 1, 7, 30, tzinfo=ZONE),
}
OPENS, CLOSES = time(8), time(17)


@pytest.fixture(params=list(MOMENTS), ids=list(MOMENTS))
def seeded(request: pytest.FixtureRequest, db: None) -> tuple[datetime, str]:
    """The demo clinic seeded at one of MOMENTS, the clock left there; with seed_demo's output."""
    moment = MOMENTS[request.param]
    traveller = time_machine.travel(moment, tick=False)
    traveller.start()
    request.addfinalizer(traveller.stop)
    out = StringIO()
    call_command("seed_demo", force=True, stdout=out)
    return moment, out.getvalue()


def day_of(moment: datetime) -> object:
    return timezone.localdate(moment)


def state_as_of(patient: Patient, moment: datetime) -> gate.PatientSafetyState:
    """The gate's view of the patient at `moment`, from the dated records only (what existed, acknowledged, given or
    withdrawn by then), whatever happened since."""
    response = (
        patient.questionnaire_responses.filter(submitted_at__lte=moment).order_by("-submitted_at", "-id").first()
    )
    flags: tuple[gate.FlagState, ...] = ()
    questionnaire_on = None
    if response is not None:
        questionnaire_on = timezone.localdate(response.screened_at or response.submitted_at)
        flags = tuple(
            gate.FlagState(
                safety_state.stored_flag_as_rule(flag),
                flag.acknowledged_at is not None and flag.acknowledged_at <= moment,
            )
            for flag in response.flags.all()
        )
    given = list(patient.consents.filter(given_at__lte=moment).order_by("-given_at", "-id"))
    in_force = next((c for c in given if c.withdrawn_at is None or c.withdrawn_at > moment), None)
    scope, withdrawn_on = None, None
    if in_force is not None:
        regions = {BodyRegion(region) for region in in_force.regions}
        paraspinal = set(regions) if in_force.includes_paraspinal else set()
        for extension in in_force.extensions.filter(given_at__lte=moment):
            regions.add(BodyRegion(extension.region))
            if extension.includes_paraspinal:
                paraspinal.add(BodyRegion(extension.region))
        scope = gate.ConsentScope(frozenset(regions), frozenset(paraspinal))
    elif given and given[0].withdrawn_at is not None:
        withdrawn_on = timezone.localdate(given[0].withdrawn_at)
    recheck = patient.safety_rechecks.asked_on(timezone.localdate(moment)).filter(asked_at__lte=moment).first()
    recheck_status = gate.RecheckStatus.DUE
    if recheck is not None and recheck.answer == RecheckAnswer.NO_CHANGE:
        recheck_status = gate.RecheckStatus.NO_CHANGE
    elif recheck is not None and recheck.answer == RecheckAnswer.CHANGES_RECORDED:
        recheck_status = gate.RecheckStatus.CHANGES_RECORDED
    return gate.PatientSafetyState(
        is_archived=False,
        questionnaire_on=questionnaire_on,
        flags=flags,
        consent=scope,
        consent_withdrawn_on=withdrawn_on,
        recheck=recheck_status,
    )


def gate_problems(session: TreatmentSession) -> list[str]:
    """Each site the gate would have held (or let through only with a note not written) when it was needled."""
    problems, earlier = [], []
    for site in session.sites.order_by("recorded_at", "id"):
        decision = gate.patient_decision(
            state_as_of(session.patient, site.recorded_at),
            today=timezone.localdate(site.recorded_at),
            settings=safety_state.gate_settings(),
        )
        planned = site_gate.PlannedSite(site.muscle, site.side, site.level)
        answer = site_gate.decide_site(decision, planned, other_sites=earlier)
        if answer.is_held or (answer.needs_note and not site.confirmation_note.strip()):
            problems.append(f"{site} on {day_of(site.recorded_at)}: {[r.text for r in answer.reasons]}")
        earlier.append(planned)
    return problems


def signature_problems(record: Assessment | TreatmentSession, what: str) -> list[str]:
    """Signed on the record's own day, after it began, during clinic hours."""
    if record.signed_at is None:
        return []
    signed = timezone.localtime(record.signed_at)
    if record.signed_at < record.started_at or signed.date() != day_of(record.started_at):
        return [f"{what} of {day_of(record.started_at)} signed {signed:%Y-%m-%d %H:%M}"]
    if not OPENS <= signed.time() <= CLOSES:
        return [f"{what} signed out of clinic hours, at {signed:%H:%M}"]
    return []


def walk(patient: Patient, now: datetime) -> list[str]:
    """Everything that does not hold in one patient's records."""
    problems: list[str] = []
    registered = patient.created_at

    def not_before(moment: datetime | None, earlier: datetime | None, what: str) -> None:
        if moment is not None and earlier is not None and moment < earlier:
            problems.append(f"{what}: {timezone.localtime(moment)} is before {timezone.localtime(earlier)}")

    def not_after_now(moment: datetime | None, what: str) -> None:
        if moment is not None and moment > now:
            problems.append(f"{what} is dated in the future ({timezone.localtime(moment)})")

    for link in patient.questionnaire_links.all():
        not_before(link.created_at, registered, "questionnaire sent before registration")
        not_after_now(link.created_at, "a questionnaire link")
    for response in patient.questionnaire_responses.exclude(submitted_at=None).select_related("link"):
        not_before(response.submitted_at, response.link.created_at if response.link else None, "answered before sent")
        not_after_now(response.submitted_at, "a questionnaire")
        for flag in response.flags.exclude(acknowledged_at=None):
            not_before(flag.acknowledged_at, response.submitted_at, "flag acknowledged before it was raised")
            not_after_now(flag.acknowledged_at, "an acknowledgement")
    for consent in patient.consents.all():
        not_before(consent.given_at, registered, "consent before registration")
        not_before(consent.withdrawn_at, consent.given_at, "consent withdrawn before given")
        not_after_now(consent.withdrawn_at or consent.given_at, "a consent")
        for extension in consent.extensions.all():
            not_before(extension.given_at, consent.given_at, "extension before its consent")

    assessments = list(patient.assessments.select_related("appointment"))
    for assessment in assessments:
        not_before(assessment.started_at, registered, "assessment before registration")
        not_after_now(assessment.signed_at or assessment.started_at, "an assessment")
        problems += signature_problems(assessment, "assessment")
        if assessment.appointment is not None:
            not_before(assessment.started_at, assessment.appointment.arrived_at, "assessment before check-in")
            if day_of(assessment.appointment.starts_at) != day_of(assessment.started_at):
                problems.append("an assessment linked to another day's appointment")

    sessions = list(
        patient.treatment_sessions.select_related("assessment", "questionnaire", "consent", "appointment", "recheck")
    )
    for session in sessions:
        what = f"session of {day_of(session.started_at)}"
        not_before(session.started_at, registered, f"{what} before registration")
        not_after_now(session.signed_at or session.started_at, what)
        problems += signature_problems(session, what)
        if session.assessment is None:
            problems.append(f"{what} without an assessment")
        elif session.assessment.signed_at is None or session.assessment.signed_at > session.started_at:
            problems.append(f"{what} before its assessment was signed")
        sites = list(session.sites.all())
        if sites:
            if session.questionnaire is None or session.questionnaire.submitted_at > session.started_at:
                problems.append(f"{what}: needled without a questionnaire answered before it")
            if session.consent is None or session.consent.given_at > session.started_at:
                problems.append(f"{what}: needled without a consent given before it")
            if session.recheck is None or day_of(session.recheck.asked_at) != day_of(session.started_at):
                problems.append(f"{what}: needled without that day's re-check")
        for site in sites:
            not_before(site.recorded_at, session.started_at, f"{what}: a site before the session")
        problems += gate_problems(session)
        for measure in session.outcome_measures.all():
            if day_of(measure.recorded_at) != day_of(session.started_at):
                problems.append(f"{what}: scored on {day_of(measure.recorded_at)}")
        for event in session.adverse_events.all():
            not_before(event.reported_at, session.started_at, f"{what}: adverse event before the session")
        if session.appointment is not None:
            not_before(session.started_at, session.appointment.arrived_at, f"{what} before check-in")
            if day_of(session.appointment.starts_at) != day_of(session.started_at):
                problems.append(f"{what} linked to another day's appointment")
    first_session = min((s.started_at for s in sessions), default=None)

    for appointment in patient.appointments.select_related("appointment_type"):
        when = f"{appointment.appointment_type.name} of {timezone.localtime(appointment.starts_at):%Y-%m-%d %H:%M}"
        kind, status = appointment.appointment_type.kind, appointment.status
        not_before(appointment.booked_at, registered, f"{when} booked before registration")
        not_before(appointment.starts_at, appointment.booked_at, f"{when} booked after it began")
        not_after_now(appointment.booked_at, when)
        linked_sessions = [s for s in sessions if s.appointment_id == appointment.pk]
        linked_assessments = [a for a in assessments if a.appointment_id == appointment.pk]
        records = [*linked_sessions, *linked_assessments]
        if status == AppointmentStatus.COMPLETED:
            not_after_now(appointment.starts_at, f"completed {when}")
            signed = [record for record in records if record.status == AssessmentStatus.SIGNED]
            wanted = {
                AppointmentKind.TREATMENT: linked_sessions,
                AppointmentKind.INITIAL_ASSESSMENT: linked_assessments,
                AppointmentKind.REASSESSMENT: records,
            }[kind]
            if not [record for record in wanted if record in signed]:
                problems.append(f"completed {when} without its signed record")
        elif status == AppointmentStatus.ARRIVED:
            if day_of(appointment.starts_at) != day_of(now) or not records:
                problems.append(f"{when} still arrived, not today's or without its record")
        elif status == AppointmentStatus.BOOKED:
            if appointment.starts_at <= now:
                problems.append(f"{when} still booked though its time has passed")
        elif records:
            problems.append(f"{status} {when} has a record")
        if status == AppointmentStatus.NO_SHOW and appointment.starts_at > now:
            problems.append(f"{when} a no-show before its time")
        if kind == AppointmentKind.INITIAL_ASSESSMENT and status != AppointmentStatus.CANCELLED:
            not_before(first_session, appointment.starts_at, f"a treatment before the {when}")
    return problems


def improved(scores: list[float], instrument: str) -> bool:
    if outcomes.instrument(instrument).direction is outcomes.Direction.HIGHER_IS_BETTER:
        return scores[-1] > scores[0]
    return scores[-1] < scores[0]


@pytest.mark.django_db
def test_every_demo_patients_story_holds_together(seeded: tuple[datetime, str]) -> None:
    """One seeding per moment, so every check of it is in this one test: the walk, the stories, the digests."""
    now, output = seeded
    today = timezone.localdate(now)

    problems = {str(patient): walk(patient, now) for patient in Patient.objects.order_by("id")}

    assert Patient.objects.count() == len(DEMO_PATIENTS)
    assert {name: found for name, found in problems.items() if found} == {}
    assert_the_stories(now, today)
    verified = StringIO()
    call_command("verify_records", stdout=verified)
    assert "Every signed record matches its digest." in verified.getvalue()
    assert "Assessment: 0 signed" not in verified.getvalue()
    for staff in DEMO_STAFF:
        assert f"| {staff.username.ljust(11)} |" in output


def assert_the_stories(now: datetime, today: date) -> None:
    """The stories a clinician opening the demo expects to find."""
    # Courses: most improve on their questionnaire and the pain scale, one does not.
    courses = {}
    for patient in Patient.objects.filter(treatment_sessions__isnull=False).distinct():
        sessions = list(patient.treatment_sessions.order_by("started_at"))
        scores = list(patient.outcome_measures.order_by("recorded_at").values_list("instrument", "score"))
        instrument = scores[0][0]
        courses[patient.given_name] = improved([score for _, score in scores], instrument) and (
            sessions[-1].pain_before < sessions[0].pain_before
        )
    assert sum(courses.values()) >= 3
    assert list(courses.values()).count(False) == 1
    # Every session follows a signed assessment; every patient assessed signed it on the day of the visit.
    assert not TreatmentSession.objects.filter(assessment=None).exists()
    # Discharged: the course's last session says so, and nothing more is booked.
    discharged = TreatmentSession.objects.get(plan__startswith="Discharged")
    assert discharged.status == AssessmentStatus.SIGNED
    assert discharged == discharged.patient.treatment_sessions.order_by("started_at").last()
    assert not discharged.patient.appointments.filter(starts_at__gt=now).exists()
    # ...and the course ended with a signed discharge summary and letter to the family doctor, signed after the
    # last session, on its day, each naming the course's sessions.
    letters = list(Letter.objects.filter(patient=discharged.patient).order_by("signed_at"))
    assert [letter.kind for letter in letters] == [LetterKind.DISCHARGE_SUMMARY, LetterKind.FAMILY_DOCTOR]
    for letter in letters:
        assert letter.status == LetterStatus.SIGNED
        assert discharged.signed_at < letter.signed_at < now
        assert timezone.localdate(letter.signed_at) == timezone.localdate(discharged.started_at)
        assert "6 sessions" in letter.treatment
    assert letters[1].recipient_name
    # An expired questionnaire, with a visit booked that the gate will hold until a new one is in.
    expired = [
        patient
        for patient in Patient.objects.all()
        if safety_state.patient_decision(patient=patient).questionnaire is gate.QuestionnaireStatus.EXPIRED
    ]
    assert len(expired) == 1
    assert (today - safety_state.patient_decision(patient=expired[0]).questionnaire_on).days > (
        settings.CLINIC_QUESTIONNAIRE_VALID_DAYS
    )
    assert expired[0].appointments.filter(status=AppointmentStatus.BOOKED, starts_at__gt=now).exists()
    # A flag still to acknowledge, on a patient whose first visit is today (or next).
    waiting = [
        patient
        for patient in Patient.objects.all()
        if safety_state.patient_decision(patient=patient).flags_to_acknowledge
    ]
    assert waiting
    # One cancelled, one no-show without a record; some visits to come.
    statuses = list(Appointment.objects.values_list("status", flat=True))
    assert statuses.count(AppointmentStatus.CANCELLED) == 1
    assert statuses.count(AppointmentStatus.NO_SHOW) == 1
    assert statuses.count(AppointmentStatus.BOOKED) > 10
    # Mid-course, today: checked in and the session in draft (on a clinic day; on a weekend it is booked next).
    drafts = TreatmentSession.objects.filter(status=AssessmentStatus.DRAFT)
    if today.weekday() < 5:
        draft = drafts.get()
        assert timezone.localdate(draft.started_at) == today
        assert draft.appointment.status == AppointmentStatus.ARRIVED
        assert draft.patient.treatment_sessions.filter(status=AssessmentStatus.SIGNED).count() >= 3
        assert Assessment.objects.filter(status=AssessmentStatus.DRAFT, appointment__status="arrived").exists()
    else:
        assert not drafts.exists()
        assert not Appointment.objects.filter(status=AppointmentStatus.ARRIVED).exists()
    assert_between_visits(now)


def assert_between_visits(now: datetime) -> None:
    """The patients heard from the clinic between visits, each message at its own moment, never after now."""
    sent = Message.objects.filter(status=MessageStatus.SENT)
    assert not sent.filter(sent_at__gt=now).exists()
    # Each signed session's aftercare went as it was signed; its check a day later, answered.
    for session in TreatmentSession.objects.filter(status=AssessmentStatus.SIGNED):
        aftercare = sent.get(kind=MessageKind.AFTERCARE, about=f"session:{session.pk}")
        assert timedelta(0) <= aftercare.sent_at - session.signed_at < timedelta(minutes=1)
        if now - session.signed_at > timedelta(hours=settings.CLINIC_CHECK_AFTER_HOURS + 2):
            assert session.after_effect_reports.filter(check_round=CheckRound.FIRST).exists(), session
    # Each visit of the past was reminded of before it began, while it was still booked.
    for appointment in Appointment.objects.filter(starts_at__lt=now).exclude(status=AppointmentStatus.CANCELLED):
        reminder = sent.filter(kind=MessageKind.REMINDER, about=f"appointment:{appointment.pk}").first()
        if reminder is not None:
            assert reminder.sent_at < appointment.starts_at
    # The course that is not improving: soreness of 7 after its last treatment, for its physiotherapist to review.
    review = AfterEffectReview.objects.get()
    assert review.report.soreness == 7 and review.physiotherapist.username == "physio"
    assert review.report.session == review.report.session.patient.treatment_sessions.order_by("started_at").last()


@pytest.mark.django_db
def test_seeding_the_demo_again_a_week_later_adds_nothing() -> None:
    with time_machine.travel(MOMENTS["wednesday-morning"], tick=False):
        call_command("seed_demo", force=True, stdout=StringIO())
    counts = (Appointment.objects.count(), TreatmentSession.objects.count(), Assessment.objects.count())

    with time_machine.travel(MOMENTS["wednesday-morning"] + timedelta(days=7), tick=False):
        output = StringIO()
        call_command("seed_demo", force=True, stdout=output)

    assert (Appointment.objects.count(), TreatmentSession.objects.count(), Assessment.objects.count()) == counts
    assert "0 staff accounts and 0 of 30 demo patients created" in output.getvalue()
