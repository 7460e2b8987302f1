"""Clinic-scale fictional data for the benchmark, written in bulk (COPY on PostgreSQL), resumable.

Every row is a pure function of its index, so a run that stops can be resumed and a finished run re-run:
each table counts the rows it already holds (marked by the seed account "scale-seed") and writes only
the rest, one committed batch at a time.

Layout of the appointments, newest first from two weeks ahead of the day of the first run: every
weekday, each scale practitioner works the demo day (ims_clinic.demo.DEMO_DAY) with 8 of its 10 slots
booked. So today's schedule and this week look alike at every size; a bigger clinic has a longer past.

Treatment sessions follow the signed assessments (a course of SESSIONS_PER_ASSESSMENT, weekly after the
signing, by the same physiotherapist), each with SITES_PER_SESSION needled sites and one outcome score.
Signed records are written with UNSEALED as their digest and sealed at the end of the run (`seal`):
the digest covers the rows' ids, which exist only once written. So `manage.py verify_records` passes.

To add a table, write a `Table` (how many rows it wants, how many it holds, and its row `i` as a dict
of column values) and add it to `tables()`.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, TextIO

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, models, transaction
from django.utils import timezone

from accounts.roles import Role
from assessments import gunn_signs, needling_safety, outcomes, site_gate
from assessments import services as assessment_services
from assessments.models import Assessment, AssessmentStatus, NeedledSite, OutcomeMeasure, TreatmentSession
from ims_clinic.demo import DEMO_APPOINTMENT_TYPES, DEMO_DAY, DEMO_HOURS
from patients import identity
from patients.models import Patient, QuestionnaireLink
from scheduling.models import Appointment, AppointmentType, Practitioner, WorkingHours

from .fictional import PRACTITIONER_PREFIX, SEED_USERNAME, questionnaire_token

BATCH = 20_000
SLOTS_BOOKED = 8  # of the 10 slots of DEMO_DAY, per practitioner and weekday
DAYS_AHEAD = 14  # the newest appointments are this many days after the first run
SESSIONS_PER_ASSESSMENT = 4  # a course of IMS after each signed assessment
SITES_PER_SESSION = 3
UNSEALED = "unsealed"  # the digest of a signed record until `seal` computes it


# --- Names --------------------------------------------------------------------------


def _names() -> tuple[list[str], list[str]]:
    """Given and family names from Faker's English and Canadian French lists (accents and all)."""
    from faker.providers.person.en_US import Provider as English
    from faker.providers.person.fr_CA import Provider as French

    given = sorted({*English.first_names_female, *English.first_names_male, *French.first_names})
    family = sorted({*English.last_names, *French.last_names})
    return given, family


CITIES = ("Vancouver", "Burnaby", "Surrey", "Richmond", "Coquitlam", "North Vancouver", "Delta", "Langley")
POSTAL_CODES = ("V5T 2Y1", "V5N 4A3", "V5R 3B2", "V6K 1M4", "V5Z 2H8", "V6M 3K6", "V5L 3X9", "V6S 2C1")
COMPLAINTS = (
    "Low back pain into the left buttock",
    "Neck pain with headaches",
    "Right shoulder pain reaching overhead",
    "Lateral elbow pain",
    "Knee pain on stairs",
    "Mid-back stiffness",
)
# Catalogue muscles with no needling precaution (assessments.anatomy), for the upper and the lower quarter.
UPPER_MUSCLES = (
    "deltoid", "extensor-carpi-radialis-longus", "extensor-carpi-radialis-brevis", "extensor-digitorum",
    "extensor-carpi-ulnaris", "first-dorsal-interosseous",
)  # fmt: skip
LOWER_MUSCLES = (
    "lumbar-erector-spinae", "gluteus-medius", "tensor-fasciae-latae", "rectus-femoris", "vastus-lateralis",
)  # fmt: skip


@dataclass(frozen=True)
class Course:
    """How a complaint is treated and followed: the outcome questionnaire, the muscles, the side (or either)."""

    instrument: outcomes.InstrumentCode
    muscles: tuple[str, ...]
    side: str = ""


COURSES = {
    COMPLAINTS[0]: Course(outcomes.InstrumentCode.ODI, LOWER_MUSCLES, "L"),
    COMPLAINTS[1]: Course(outcomes.InstrumentCode.NDI, UPPER_MUSCLES),
    COMPLAINTS[2]: Course(outcomes.InstrumentCode.QUICKDASH, UPPER_MUSCLES, "R"),
    COMPLAINTS[3]: Course(outcomes.InstrumentCode.QUICKDASH, UPPER_MUSCLES),
    COMPLAINTS[4]: Course(outcomes.InstrumentCode.LEFS, LOWER_MUSCLES),
    COMPLAINTS[5]: Course(outcomes.InstrumentCode.PSFS, LOWER_MUSCLES),
}


def course_for(complaint: str) -> Course:
    return COURSES.get(complaint, COURSES[COMPLAINTS[0]])


# --- Plan and context ------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    patients: int
    appointments: int
    assessments: int
    questionnaire_links: int
    practitioners: int = 50

    @classmethod
    def proportional(cls, patients: int, appointments: int | None = None, practitioners: int = 50) -> Plan:
        appointments = patients * 10 if appointments is None else appointments
        return cls(
            patients=patients,
            appointments=appointments,
            assessments=appointments // 20,
            questionnaire_links=patients // 10,
            practitioners=practitioners,
        )

    @property
    def treatment_sessions(self) -> int:
        signed = self.assessments - (self.assessments + 9) // 10  # 9 in 10 assessments are signed
        return SESSIONS_PER_ASSESSMENT * signed

    @property
    def needled_sites(self) -> int:
        return SITES_PER_SESSION * self.treatment_sessions

    @property
    def outcome_measures(self) -> int:
        return self.treatment_sessions  # one score per session


@dataclass
class Context:
    """What every table's rows read: the seed account, the layout's anchor, ids already written."""

    seed_user_id: int
    anchor: date  # the day of the first run: the layout never moves, so a resumed run fits
    practitioners: list[Practitioner]
    types: list[AppointmentType]
    now: datetime
    patient_ids: list[int] = field(default_factory=list)
    # Signed assessments (id, patient, physiotherapist, signed_at, pain_now, complaint), in the order written.
    signed_assessments: list[tuple[Any, ...]] = field(default_factory=list)
    # Sessions (id, patient, physiotherapist, started_at, pain_before, complaint), in the order written.
    sessions: list[tuple[Any, ...]] = field(default_factory=list)

    @property
    def newest_day(self) -> date:
        day = self.anchor + timedelta(days=DAYS_AHEAD)
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        return day


def weekdays_before(day: date, count: int) -> date:
    """The weekday `count` weekdays before `day` (a weekday)."""
    weeks, rest = divmod(count, 5)
    day -= timedelta(weeks=weeks)
    for _ in range(rest):
        day -= timedelta(days=1)
        while day.weekday() >= 5:
            day -= timedelta(days=1)
    return day


def coprime_step(n: int, candidates: tuple[int, ...] = (7919, 7907, 7901, 7883, 7879)) -> int:
    """A multiplier coprime to n: i -> i * step mod n visits every index once, scattered."""
    return next(step for step in candidates if math.gcd(step, n) == 1)


# --- Writing rows -------------------------------------------------------------------


def _csv_value(value: Any) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dict | list):
        return json.dumps(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def write_rows(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    """Insert rows (column values by attname; the model's defaults fill the rest), by COPY on PostgreSQL."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    if connection.vendor != "postgresql":
        model.objects.bulk_create([model(**{**defaults, **row}) for row in rows], batch_size=500)
        return
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        writer.writerow([_csv_value(row[f.attname] if f.attname in row else defaults[f.attname]) for f in fields])
    buffer.seek(0)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        cursor.copy_expert(
            f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buffer
        )


class Progress:
    """A progress bar with rate and time left; one line per update when the output is not a terminal."""

    def __init__(self, label: str, total: int, done: int, out: TextIO) -> None:
        self.label, self.total, self.first, self.out = label, total, done, out
        self.started = self.last_line = time.monotonic()
        self.is_tty = hasattr(out, "isatty") and out.isatty()

    def update(self, done: int) -> None:
        now = time.monotonic()
        finished = done >= self.total
        if not self.is_tty and not finished and now - self.last_line < 2:
            return
        self.last_line = now
        elapsed = max(now - self.started, 1e-6)
        rate = (done - self.first) / elapsed
        left = (self.total - done) / rate if rate > 0 else 0
        width = 30
        filled = int(width * done / self.total) if self.total else width
        line = (
            f"{self.label:<20} [{'#' * filled}{'.' * (width - filled)}] {done:>10,}/{self.total:,} "
            f"{100 * done / max(self.total, 1):5.1f}%  {rate:>8,.0f} rows/s  "
            f"{'done in' if finished else 'left'} {timedelta(seconds=round(elapsed if finished else left))}"
        )
        self.out.write(("\r" + line + ("\n" if finished else "")) if self.is_tty else line + "\n")
        self.out.flush()


@dataclass(frozen=True)
class Table:
    """One generated table: its target size, how many rows it already holds, and row `i`."""

    label: str
    model: type[models.Model]
    target: int
    done: Callable[[], int]
    row: Callable[[int], dict[str, Any]]
    before: Callable[[], None] = lambda: None  # e.g. load the ids the rows refer to


def fill(table: Table, out: TextIO, batch: int = BATCH) -> int:
    """Write the rows table.done() .. table.target, a committed batch at a time; the number written."""
    done = table.done()
    if done >= table.target:
        out.write(f"{table.label:<20} {done:,} rows already there\n")
        return 0
    table.before()
    progress = Progress(table.label, table.target, done, out)
    start = done
    while done < table.target:
        stop = min(done + batch, table.target)
        with transaction.atomic():
            write_rows(table.model, [table.row(i) for i in range(done, stop)])
        done = stop
        progress.update(done)
    return done - start


# --- The tables ---------------------------------------------------------------------


def patient_row_factory(context: Context) -> Callable[[int], dict[str, Any]]:
    given_names, family_names = _names()

    def row(i: int) -> dict[str, Any]:
        rng = random.Random(i)
        given, family = rng.choice(given_names), rng.choice(family_names)
        preferred = rng.choice(given_names) if i % 20 == 0 else ""
        phone = f"{rng.choice(('604', '778', '236'))}-555-{i % 10_000:04d}"
        created = context.now - timedelta(days=rng.randrange(1, 3650), minutes=rng.randrange(600))
        archived = i % 50 == 49
        return {
            "given_name": given,
            "family_name": family,
            "preferred_name": preferred,
            "date_of_birth": date(1935, 1, 1) + timedelta(days=rng.randrange(27_000)),
            "administrative_sex": rng.choice(("female", "male", "female", "male", "other", "unknown")),
            "phone": phone,
            "email": f"{identity.fold(given)[:1]}.{identity.fold(family).replace(' ', '')}{i}@example.com",
            "preferred_contact_method": rng.choice(("phone", "text", "email")),
            "address_line1": f"{100 + i % 9000} Main St",
            "city": rng.choice(CITIES),
            "province": "BC",
            "postal_code": rng.choice(POSTAL_CODES),
            "search_name": identity.search_name(given, preferred, family),
            "phone_digits": identity.digits(phone),
            "is_archived": archived,
            "archived_at": created + timedelta(days=1) if archived else None,
            "archived_by_id": context.seed_user_id if archived else None,
            "created_at": created,
            "created_by_id": context.seed_user_id,
            "updated_at": created,
            "updated_by_id": context.seed_user_id,
        }

    return row


def appointment_row_factory(context: Context) -> Callable[[int], dict[str, Any]]:
    practitioners = context.practitioners
    zone = timezone.get_current_timezone()
    count = len(practitioners)
    step = coprime_step(max(len(context.patient_ids), 1))
    newest = context.newest_day

    def row(i: int) -> dict[str, Any]:
        practitioner_day, j = divmod(i, SLOTS_BOOKED)
        days_back, p = divmod(practitioner_day, count)
        day = weekdays_before(newest, days_back)
        free = {s for s in range(len(DEMO_DAY)) if (day.toordinal() + p + s) % 5 == 0}
        slot = [s for s in range(len(DEMO_DAY)) if s not in free][j]
        start, type_index = DEMO_DAY[slot]
        appointment_type = context.types[type_index]
        starts_at = datetime.combine(day, start, tzinfo=zone)
        ends_at = starts_at + appointment_type.duration
        values: dict[str, Any] = {
            # Simultaneous slots are fewer than len(practitioners) * SLOTS_BOOKED indices apart, and the
            # step is coprime to the patient count, so a patient is never in two places at once.
            "patient_id": context.patient_ids[(i * step) % len(context.patient_ids)],
            "practitioner_id": practitioners[p].pk,
            "appointment_type_id": appointment_type.pk,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "blocked_until": ends_at + appointment_type.buffer,
            "status": "booked",
            "booked_at": starts_at - timedelta(days=14),
            "booked_by_id": context.seed_user_id,
        }
        if i % 17 == 0:
            values.update(
                status="cancelled",
                cancelled_at=starts_at - timedelta(days=1),
                cancelled_by_id=context.seed_user_id,
                cancellation_reason="Patient called: unwell",
            )
        elif ends_at <= context.now:
            values["status"] = "no_show" if i % 23 == 0 else "completed"
        elif starts_at <= context.now:
            values.update(status="arrived", arrived_at=starts_at - timedelta(minutes=5))
        return values

    return row


def assessment_row_factory(context: Context) -> Callable[[int], dict[str, Any]]:
    practitioners = context.practitioners
    step = coprime_step(max(len(context.patient_ids), 1))

    def row(i: int) -> dict[str, Any]:
        rng = random.Random(-i - 1)
        # At least two hours ago, so the signing (an hour later) and the sessions after it are in the past.
        started = context.now - timedelta(days=i % 3650, hours=rng.randrange(8) + 2)
        physiotherapist_id = practitioners[i % len(practitioners)].user_id
        signed = i % 10 != 0
        best = rng.randrange(0, 5)
        return {
            "patient_id": context.patient_ids[(i * step) % len(context.patient_ids)],
            "physiotherapist_id": physiotherapist_id,
            "status": AssessmentStatus.SIGNED if signed else AssessmentStatus.DRAFT,
            "started_at": started,
            "updated_at": started + timedelta(hours=1),
            "chief_complaint": rng.choice(COMPLAINTS),
            "pain_now": rng.randrange(best, 11),
            "pain_best": best,
            "pain_worst": rng.randrange(best, 11),
            "clinical_impression": "Signs of segmental neuropathy; see the segment summary." if signed else "",
            "plan": "IMS weekly for 4 weeks, then review." if signed else "",
            "summary_rules_version": gunn_signs.RULES_VERSION if signed else "",
            "signed_at": started + timedelta(hours=1) if signed else None,
            "signed_by_id": physiotherapist_id if signed else None,
            "version": 2 if signed else 1,
            "content_digest": UNSEALED if signed else "",
        }

    return row


def questionnaire_link_row_factory(context: Context) -> Callable[[int], dict[str, Any]]:
    step = coprime_step(max(len(context.patient_ids), 1))

    def row(i: int) -> dict[str, Any]:
        patient_id = context.patient_ids[(i * step) % len(context.patient_ids)]
        return {
            "patient_id": patient_id,
            "token_hash": hashlib.sha256(questionnaire_token(patient_id).encode()).hexdigest(),
            "created_at": context.now - timedelta(days=1),
            "created_by_id": context.seed_user_id,
            # Open for a year, so the benchmark can run long after seeding.
            "expires_at": context.now + timedelta(days=365),
        }

    return row


def treatment_session_row_factory(context: Context) -> Callable[[int], dict[str, Any]]:
    aftercare = needling_safety.aftercare_advice(has_thorax_site=False)

    def row(i: int) -> dict[str, Any]:
        assessment_id, patient_id, physiotherapist_id, signed_at, pain_now, complaint = context.signed_assessments[
            i // SESSIONS_PER_ASSESSMENT
        ]
        number = i % SESSIONS_PER_ASSESSMENT
        rng = random.Random(f"session-{i}")
        # Weekly after the signing; a course signed less than five weeks ago is squeezed in before now.
        gap = max(min(timedelta(weeks=1), (context.now - signed_at) / (SESSIONS_PER_ASSESSMENT + 1)), timedelta(0))
        started = signed_at + gap * (number + 1) + timedelta(minutes=1)
        is_lower = course_for(complaint).muscles is LOWER_MUSCLES
        pain_before = max(0, (pain_now if pain_now is not None else 6) - number - rng.randrange(2))
        return {
            "patient_id": patient_id,
            "physiotherapist_id": physiotherapist_id,
            "assessment_id": assessment_id,
            "status": AssessmentStatus.SIGNED,
            "version": 2,
            "started_at": started,
            "updated_at": started + timedelta(minutes=40),
            "changed_since_questionnaire": False,
            "pain_before": pain_before,
            "position": "prone" if is_lower else "sitting",
            "needle_product": "Seirin J-type, lot 24A113",
            "needle_diameter_mm": "0.30" if is_lower else "0.25",
            "needle_length_mm": 50 if is_lower else 30,
            "technique": "pecking",
            "pain_after": max(0, pain_before - 1 - rng.randrange(3)),
            "retest_note": "Range and tenderness improved on retest.",
            "needles_accounted_for": True,
            "aftercare_advice": aftercare,
            "plan": "Continue weekly IMS." if number + 1 < SESSIONS_PER_ASSESSMENT else "Review at the next visit.",
            "signed_at": started + timedelta(minutes=45),
            "signed_by_id": physiotherapist_id,
            "content_digest": UNSEALED,
        }

    return row


def needled_site_row_factory(context: Context) -> Callable[[int], dict[str, Any]]:
    def row(i: int) -> dict[str, Any]:
        session_index, number = divmod(i, SITES_PER_SESSION)
        session_id, _, _, started_at, _, complaint = context.sessions[session_index]
        course = course_for(complaint)
        # The same draw for every site of a session: its muscles are distinct.
        muscle = random.Random(f"sites-{session_index}").sample(course.muscles, SITES_PER_SESSION)[number]
        rng = random.Random(f"site-{i}")
        is_lower = course.muscles is LOWER_MUSCLES
        twitch = rng.choice(("none", "one", "several"))
        return {
            "session_id": session_id,
            "muscle": muscle,
            "side": course.side or rng.choice("LR"),
            # The only segmental muscle of the lists: its level is one of its roots (anatomy.MUSCLES).
            "level": rng.choice(("L3", "L4", "L5")) if muscle == "lumbar-erector-spinae" else "",
            "needle_diameter_mm": "0.30" if is_lower else "0.25",
            "needle_length_mm": 50 if is_lower else 30,
            "insertions": rng.randrange(1, 9),
            "depth": "intramuscular",
            "twitch": twitch,
            "grasp": twitch != "none" and rng.random() < 0.5,
            "familiar_pain": rng.random() < 0.6,
            "bleeding": "spot" if rng.random() < 0.1 else "none",
            "immediate_effect": "Eased on retest",
            "site_outcome": site_gate.Verdict.ALLOWED.value,
            "recorded_at": started_at + timedelta(minutes=10 + 5 * number),
        }

    return row


def _answers(spec: outcomes.Instrument, severity: float, count: int, rng: random.Random) -> list[int]:
    """Item answers around `severity` (0 none, 1 worst) on the instrument's own scale and direction."""
    if spec.direction == outcomes.Direction.HIGHER_IS_BETTER:
        severity = 1 - severity
    span = spec.item_max - spec.item_min
    return [
        min(spec.item_max, max(spec.item_min, spec.item_min + round(severity * span + rng.uniform(-1, 1))))
        for _ in range(count)
    ]


def outcome_measure_row_factory(context: Context) -> Callable[[int], dict[str, Any]]:
    def row(i: int) -> dict[str, Any]:
        session_id, patient_id, physiotherapist_id, started_at, _, complaint = context.sessions[i]
        spec = outcomes.instrument(course_for(complaint).instrument)
        rng = random.Random(f"outcome-{i}")
        # Better from session to session of a course, as the progress charts expect to show.
        severity = max(0.05, 0.65 - 0.12 * (i % SESSIONS_PER_ASSESSMENT) + rng.uniform(-0.08, 0.08))
        if spec.code == outcomes.InstrumentCode.ODI:
            # Entered as the total of a paper form already scored, as the clinic may (assessments.services).
            total = float(round(severity * 100))
            score, raw_sum, answered, items, band = total, 0, 0, [], outcomes.band_for(total, spec.bands) or ""
        else:
            items = _answers(spec, severity, spec.max_items if spec.code != outcomes.InstrumentCode.PSFS else 3, rng)
            result = outcomes.SCORERS[spec.code](items)
            score, raw_sum, answered, band = result.score, result.raw_sum, result.answered, result.band or ""
        return {
            "patient_id": patient_id,
            "session_id": session_id,
            "instrument": spec.code.value,
            "score": score,
            "raw_sum": raw_sum,
            "answered": answered,
            "items": items,
            "band": band,
            "scoring_version": outcomes.SCORING_VERSION,
            "recorded_at": started_at + timedelta(minutes=5),
            "recorded_by_id": physiotherapist_id,
        }

    return row


def tables(plan: Plan, context: Context) -> list[Table]:
    """The generated tables in dependency order."""
    seed = context.seed_user_id

    def load_patient_ids() -> None:
        context.patient_ids = list(
            Patient.objects.filter(created_by_id=seed).order_by("id").values_list("id", flat=True)
        )

    def load_signed_assessments() -> None:
        context.signed_assessments = list(
            Assessment.objects.filter(patient__created_by_id=seed, status=AssessmentStatus.SIGNED)
            .order_by("id")
            .values_list("id", "patient_id", "physiotherapist_id", "signed_at", "pain_now", "chief_complaint")
        )

    def load_sessions() -> None:
        context.sessions = list(
            TreatmentSession.objects.filter(patient__created_by_id=seed)
            .order_by("id")
            .values_list(
                "id", "patient_id", "physiotherapist_id", "started_at", "pain_before", "assessment__chief_complaint"
            )
        )

    def lazy(factory: Callable[[Context], Callable[[int], dict[str, Any]]]) -> Callable[[int], dict[str, Any]]:
        made: list[Callable[[int], dict[str, Any]]] = []

        def row(i: int) -> dict[str, Any]:
            if not made:
                made.append(factory(context))
            return made[0](i)

        return row

    return [
        Table("patients", Patient, plan.patients, Patient.objects.filter(created_by_id=seed).count,
              patient_row_factory(context)),
        Table("appointments", Appointment, plan.appointments,
              Appointment.objects.filter(booked_by_id=seed).count, lazy(appointment_row_factory), load_patient_ids),
        Table("assessments", Assessment, plan.assessments,
              Assessment.objects.filter(patient__created_by_id=seed).count, lazy(assessment_row_factory),
              load_patient_ids),
        Table("questionnaire links", QuestionnaireLink, min(plan.questionnaire_links, plan.patients),
              QuestionnaireLink.objects.filter(created_by_id=seed).count, lazy(questionnaire_link_row_factory),
              load_patient_ids),
        Table("treatment sessions", TreatmentSession, plan.treatment_sessions,
              TreatmentSession.objects.filter(patient__created_by_id=seed).count,
              lazy(treatment_session_row_factory), load_signed_assessments),
        Table("needled sites", NeedledSite, plan.needled_sites,
              NeedledSite.objects.filter(session__patient__created_by_id=seed).count,
              lazy(needled_site_row_factory), load_sessions),
        Table("outcome scores", OutcomeMeasure, plan.outcome_measures,
              OutcomeMeasure.objects.filter(patient__created_by_id=seed).count,
              lazy(outcome_measure_row_factory), load_sessions),
    ]  # fmt: skip


# --- Sealing signed records ---------------------------------------------------------------


@dataclass(frozen=True)
class Seal:
    """Signed records written with the UNSEALED digest, and how to compute the real one from a batch of rows."""

    label: str
    model: type[models.Model]
    pending: models.QuerySet
    fields: tuple[str, ...]
    digests: Callable[[list[dict[str, Any]]], dict[int, str]]


def seals(context: Context) -> list[Seal]:
    seed = context.seed_user_id

    def assessment_digests(rows: list[dict[str, Any]]) -> dict[int, str]:
        # A generated assessment has no findings, tests or decisions: the lists its digest covers are empty.
        empty: dict[str, list[dict[str, Any]]] = {key: [] for key in assessment_services.ASSESSMENT_SIGNED_ROWS}
        return {
            row["id"]: assessment_services.digest_of(
                assessment_services.assessment_signed_content(
                    {f: row[f] for f in assessment_services.ASSESSMENT_SIGNED_FIELDS}, empty
                )
            )
            for row in rows
        }

    def session_digests(rows: list[dict[str, Any]]) -> dict[int, str]:
        sites: dict[int, list[dict[str, Any]]] = {}
        in_range = NeedledSite.objects.filter(session_id__gte=rows[0]["id"], session_id__lte=rows[-1]["id"])
        for site in in_range.order_by("pk").values():
            sites.setdefault(site["session_id"], []).append(site)
        return {
            row["id"]: assessment_services.digest_of(
                {
                    "session": assessment_services.session_signed_values(
                        {f: row[f] for f in assessment_services.SESSION_SIGNED_FIELDS}
                    ),
                    "sites": sites.get(row["id"], []),
                }
            )
            for row in rows
        }

    return [
        Seal("sealing assessments", Assessment,
             Assessment.objects.filter(patient__created_by_id=seed, content_digest=UNSEALED),
             assessment_services.ASSESSMENT_SIGNED_FIELDS, assessment_digests),
        Seal("sealing sessions", TreatmentSession,
             TreatmentSession.objects.filter(patient__created_by_id=seed, content_digest=UNSEALED),
             assessment_services.SESSION_SIGNED_FIELDS, session_digests),
    ]  # fmt: skip


def seal(kind: Seal, out: TextIO, batch: int = BATCH) -> int:
    """Replace UNSEALED by each record's digest, as `verify_records` recomputes it; a committed batch at a time."""
    total = kind.pending.count()
    if not total:
        return 0
    progress = Progress(kind.label, total, 0, out)
    done, last = 0, 0
    while rows := list(kind.pending.filter(id__gt=last).order_by("id").values("id", *kind.fields)[:batch]):
        with transaction.atomic():
            _update_digests(kind.model, kind.digests(rows))
        done, last = done + len(rows), rows[-1]["id"]
        progress.update(done)
    return done


def _update_digests(model: type[models.Model], digests: dict[int, str]) -> None:
    # Straight to the table: the model refuses changes to a signed record, and this is its signing.
    if connection.vendor != "postgresql":
        model.objects.bulk_update(
            [model(pk=pk, content_digest=digest) for pk, digest in digests.items()], ["content_digest"], batch_size=500
        )
        return
    table = connection.ops.quote_name(model._meta.db_table)
    values = ", ".join(["(%s, %s)"] * len(digests))
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET content_digest = v.digest FROM (VALUES {values}) AS v(id, digest) "
            f"WHERE {table}.id = v.id",
            [value for pair in digests.items() for value in pair],
        )


# --- Staff, practitioners, types -------------------------------------------------------------


def _seed_account(practitioners: int) -> tuple[int, date]:
    """The account that marks generated rows; its last_name keeps the layout (anchor day, practitioners)."""
    user, created = get_user_model().objects.get_or_create(
        username=SEED_USERNAME, defaults={"first_name": "Scale seed", "is_active": False}
    )
    if created or not user.last_name:
        user.last_name = f"{timezone.localdate().isoformat()} {practitioners}"
        user.set_unusable_password()
        user.save()
    anchor, stored = user.last_name.split()
    if int(stored) != practitioners:
        raise ValueError(
            f"This database was seeded with {stored} practitioners; run again with --practitioners {stored}."
        )
    return user.pk, date.fromisoformat(anchor)


def _practitioners(count: int) -> list[Practitioner]:
    given, family = _names()
    rng = random.Random("practitioners")
    group = Group.objects.get(name=Role.PHYSIOTHERAPIST)
    found = []
    for index in range(1, count + 1):
        user, created = get_user_model().objects.get_or_create(
            username=f"{PRACTITIONER_PREFIX}{index:03d}",
            defaults={"first_name": rng.choice(given), "last_name": rng.choice(family)},
        )
        if created:
            user.set_unusable_password()
            user.save()
            user.groups.add(group)
        found.append(_practitioner(user, index))
    for username in ("physio", "physio2"):  # the demo physiotherapists have their own column too
        user = get_user_model().objects.filter(username=username).first()
        if user:
            _practitioner(user, 900 + len(username))
    return found


def _practitioner(user: Any, index: int) -> Practitioner:
    practitioner, _ = Practitioner.objects.get_or_create(
        user=user,
        defaults={
            "display_name": user.get_full_name() or user.username,
            "registration_number": f"PT-{5000 + index}",
            "colour": ("blue", "teal", "green", "orange", "purple", "pink")[index % 6],
        },
    )
    if not practitioner.working_hours.exists():
        WorkingHours.objects.bulk_create(
            WorkingHours(practitioner=practitioner, weekday=weekday, start_time=start, end_time=end)
            for weekday in range(5)
            for start, end in DEMO_HOURS
        )
    return practitioner


def _types() -> list[AppointmentType]:
    return [
        AppointmentType.objects.get_or_create(
            name=name, defaults={"kind": kind, "duration_minutes": minutes, "buffer_minutes": buffer, "colour": colour}
        )[0]
        for name, kind, minutes, buffer, colour in DEMO_APPOINTMENT_TYPES
    ]


def seed(plan: Plan, *, out: TextIO = sys.stdout, password: str, batch: int = BATCH) -> dict[str, int]:
    """Bring the database up to `plan`; returns the rows written per table."""
    from ims_clinic.management.commands.seed_demo import seed_staff

    # Simultaneous appointments must fall on different patients (see appointment_row_factory).
    practitioners = max(1, min(plan.practitioners, (plan.patients - 1) // SLOTS_BOOKED))
    seed_staff(password)
    seed_user_id, anchor = _seed_account(practitioners)
    context = Context(
        seed_user_id=seed_user_id,
        anchor=anchor,
        practitioners=_practitioners(practitioners),
        types=_types(),
        now=timezone.now(),
    )
    written = {table.label: fill(table, out, batch) for table in tables(plan, context)}
    sealed = sum(seal(kind, out, batch) for kind in seals(context))
    if connection.vendor == "postgresql" and (any(written.values()) or sealed):
        # VACUUM also marks the pages all-visible (index-only scans); it cannot run inside a transaction.
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
        out.write(f"Updating the planner's statistics ({command})...\n")
        with connection.cursor() as cursor:
            for model in (Patient, Appointment, Assessment, QuestionnaireLink, TreatmentSession, NeedledSite,
                          OutcomeMeasure):  # fmt: skip
                cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")
    return written
