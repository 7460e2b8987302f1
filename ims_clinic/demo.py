"""The demo clinic: fictional people (555-01xx phones, example.com e-mail) and a story for each, told in time order.

Every story is built from one "today" (the clinic's local date when seed_demo starts) through the services the pages
use: registration, the safety questionnaire and its flags, consent and its extensions, bookings, check-in, the
assessment, the treatment sessions and their signatures. Each service is called with the clock set to the moment the
record says it happened (time-machine, `DemoClock.at`), so a session of three weeks ago is signed three weeks ago, its
needled sites were asked of the gate as the patient's safety state stood that day, and the digests cover what the
services wrote (`manage.py verify_records` stays clean). Nothing is dated after the moment seed_demo started.

The stories (index in DEMO_PATIENTS):
  3   discharged: assessed eight weeks ago, six weekly treatments, improving, discharged at the last one;
  0   not improving: four treatments, the neck score flat, a bruise after the second, the next one booked;
  22  mid-course: seven treatments (the fourth a reassessment visit) and today's session, checked in and in draft;
  16  a consent extended to the neck before the third treatment added a site beside the spine;
  28  an expired questionnaire: a short course four months ago, booked again next week;
  13  assessed, then consent withdrawn; 1 a warfarin flag still to acknowledge and today's assessment in draft;
  4   flags to clarify before a first visit; 8 a no-show; 15 a cancellation; the others wait for a first visit.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

import time_machine
from django.conf import settings
from django.test.utils import override_settings
from django.utils import timezone

from accounts.models import User
from assessments import needling_plan
from assessments import services as assessment_services
from assessments.models import Assessment, CheckLink, CheckRound, SegmentDecision, TreatmentSession
from assessments.services import aftercare as aftercare_services
from patients import messaging
from patients import services as patient_services
from patients.identity import BC_PHN_WEIGHTS, fold
from patients.models import (
    Consent,
    ConsentForm,
    ConsentTextVersion,
    Message,
    MessageStatus,
    Patient,
    QuestionnaireResponse,
    RecheckAnswer,
)
from patients.safety_rules import BodyRegion
from records import letters
from records.models import LetterKind
from scheduling import services as scheduling_services
from scheduling.models import Appointment, AppointmentType, Practitioner, WorkingHours


@dataclass(frozen=True)
class DemoPatient:
    given_name: str
    family_name: str
    born: str
    sex: str
    city: str
    preferred_name: str = ""
    pronouns: str = ""
    contact: str = "phone"
    has_health_number: bool = True


DEMO_PATIENTS = (
    DemoPatient("Chloé", "Tremblay", "1984-03-12", "female", "Vancouver"),
    DemoPatient("José", "Álvarez", "1971-11-02", "male", "Burnaby"),
    DemoPatient("Zoë", "O'Connor", "1995-06-21", "female", "Vancouver", pronouns="she/her", contact="text"),
    DemoPatient("Mohammed", "Al-Farsi", "1968-09-30", "male", "Surrey"),
    DemoPatient("Siobhán", "Ní Bhriain", "1979-01-15", "female", "North Vancouver", contact="email"),
    DemoPatient("An", "Nguyễn", "1958-04-08", "male", "Richmond", has_health_number=False),
    DemoPatient("Björn", "Lindqvist", "1962-12-24", "male", "Vancouver"),
    DemoPatient("Amélie", "Gagnon", "2001-07-03", "female", "Burnaby", contact="text"),
    DemoPatient("Kwame", "Mensah", "1975-02-18", "male", "Coquitlam"),
    DemoPatient("Priya", "Sharma", "1989-10-10", "female", "Surrey", contact="email"),
    DemoPatient("Hiroshi", "Tanaka", "1953-05-27", "male", "Richmond"),
    DemoPatient("Fatima", "Rahimi", "1992-08-14", "female", "Vancouver", has_health_number=False),
    DemoPatient("Łukasz", "Kowalski", "1986-03-30", "male", "New Westminster"),
    DemoPatient("Margaret", "Thompson", "1947-09-09", "female", "West Vancouver", preferred_name="Peggy"),
    DemoPatient("Jean-François", "Côté", "1970-06-06", "male", "Vancouver", contact="email"),
    DemoPatient("Aisha", "Begum", "1999-12-01", "female", "Surrey", pronouns="she/her"),
    DemoPatient("Mateo", "Rossi", "1964-02-29", "male", "Burnaby"),
    DemoPatient("Noémie", "Lefèvre", "1977-08-19", "female", "Vancouver"),
    DemoPatient("Darius", "Karimi", "1983-11-11", "male", "North Vancouver", contact="text"),
    DemoPatient("Ingrid", "Sørensen", "1960-10-31", "female", "Delta"),
    DemoPatient("Tenzin", "Dorje", "1991-04-04", "non-binary", "Vancouver", pronouns="they/them"),
    DemoPatient("Olumide", "Adeyemi", "1973-07-22", "male", "Burnaby"),
    DemoPatient("Renée", "Bouchard", "1955-01-07", "female", "Richmond"),
    DemoPatient("Ethan", "Wong", "2004-09-15", "male", "Vancouver", contact="text"),
    DemoPatient("Sophie", "Müller", "1988-05-05", "female", "Port Moody", contact="email"),
    DemoPatient("Carlos", "Peña", "1966-03-03", "male", "Surrey"),
    DemoPatient("Ananya", "Iyer", "1997-02-12", "female", "Vancouver"),
    DemoPatient("William", "Gray", "1942-11-30", "male", "White Rock", preferred_name="Bill"),
    DemoPatient("Mei-Ling", "Chen", "1981-06-18", "female", "Richmond"),
    DemoPatient("Raúl", "Jiménez", "1979-09-09", "male", "Coquitlam"),
)  # fmt: skip

STREETS = ("Main St", "Commercial Dr", "Kingsway", "Fraser St", "Cambie St", "Oak St", "Victoria Dr", "Dunbar St")
POSTAL_CODES = ("V5T 2Y1", "V5N 4A3", "V5R 3B2", "V6K 1M4", "V5Z 2H8", "V6M 3K6", "V5L 3X9", "V6S 2C1")


def fictional_phn(index: int) -> str:
    """A BC PHN with a valid check digit for demo patient `index` (9 then 8 digits then the check)."""
    for seed in range(index * 97, index * 97 + 200):
        body = f"{(seed * 7919) % 100_000_000:08d}"
        total = sum((int(d) * w) % 11 for d, w in zip(body, BC_PHN_WEIGHTS, strict=True))
        check = 11 - (total % 11)
        if check < 10:
            return f"9{body}{check}"
    raise ValueError("no check digit found")  # pragma: no cover - 200 tries always find one


def _identity(index: int, person: DemoPatient) -> dict[str, Any]:
    sex = person.sex if person.sex in {"female", "male"} else "other"
    handle = fold(f"{person.given_name}.{person.family_name}").replace(" ", "").replace("'", "")
    return {
        "given_name": person.given_name,
        "family_name": person.family_name,
        "preferred_name": person.preferred_name,
        "pronouns": person.pronouns,
        "date_of_birth": date.fromisoformat(person.born),
        "administrative_sex": sex,
        "phone": f"604-555-{100 + index:04d}",
        "email": f"{handle}@example.com",
        "preferred_contact_method": person.contact,
        "address_line1": f"{120 + index * 37} {STREETS[index % len(STREETS)]}",
        "address_line2": "",
        "city": person.city,
        "province": "BC",
        "postal_code": POSTAL_CODES[index % len(POSTAL_CODES)],
        "health_number": fictional_phn(index) if person.has_health_number else "",
        "health_number_province": "BC",
        "emergency_contact_name": "",
        "emergency_contact_relationship": "",
        "emergency_contact_phone": "",
        "family_doctor": ("Dr. A. Singh, Mount Pleasant Family Practice", "Dr. L. Fournier, Kerrisdale Medical")[
            index % 2
        ],
        "referred_by": "" if index % 3 else "Self-referred",
    }


ALL_NO: dict[str, Any] = {
    "A1": "no", "B1": "no", "B2": ["none"], "C1": "no", "D1": "no", "E1": ["none"],
    "F1": "no", "F2": "no", "F3": "no", "F4": "no", "G1": ["none"], "G2": "no",
    "H1": "no", "H2": "no", "H3": ["none"], "H4": ["none"], "H5": "no", "H6": "no", "H7": "no",
    "H8": "no", "H9": "no", "H10": "no", "H11": "no", "H12": "no", "Z1": True,
}  # fmt: skip


def _questionnaire_answers(kind: str, *, day: date | None = None) -> dict[str, Any]:
    """The answers of a demo questionnaire of `kind`, as given on `day` (the INR test is three days before it)."""
    day = day or timezone.localdate()
    changes: dict[str, Any] = {
        "all_no": {},
        "warfarin": {
            "A1": "yes",
            "A2": ["warfarin"],
            "A3": "2.6",
            "A4": (day - timedelta(days=3)).isoformat(),
            "A5": ["2", "3"],
        },
        "lymphoedema": {"H2": "yes", "H2_WHERE": ["left_arm"]},
        "not_sure": {"A1": "not_sure", "A2": ["unknown"], "F1": "not_sure"},
        "draft": {},
    }[kind]
    return {**ALL_NO, **changes}


# --- The practice: hours, appointment types, the day's slots -------------------------------------------------------

DEMO_HOURS = ((time(8), time(12)), (time(13), time(17)))  # Monday to Friday
# name, kind, minutes, buffer minutes after, colour
DEMO_APPOINTMENT_TYPES = (
    ("Initial IMS assessment", "initial_assessment", 60, 15, "purple"),
    ("IMS treatment", "treatment", 30, 0, "teal"),
    ("Reassessment", "reassessment", 45, 0, "orange"),
)
INITIAL, TREATMENT, REASSESSMENT = 0, 1, 2  # indexes in DEMO_APPOINTMENT_TYPES
# A practitioner's day: (start, index in DEMO_APPOINTMENT_TYPES). The demo books visits into these slots only, so
# they never overlap; seed_scale lays out its clinic the same way.
DEMO_DAY = (
    (time(8), 0), (time(9, 15), 1), (time(9, 45), 1), (time(10, 30), 2), (time(11, 15), 1),
    (time(13), 1), (time(13, 30), 0), (time(14, 45), 1), (time(15, 30), 2), (time(16, 15), 1),
)  # fmt: skip
DEMO_COLOURS = ("blue", "green")


def seed_practice(*, physiotherapists: list[User]) -> tuple[list[AppointmentType], list[Practitioner]]:
    """The three appointment types, and a practitioner profile with Monday-to-Friday hours per physiotherapist."""
    types = [
        AppointmentType.objects.get_or_create(
            name=name, defaults={"kind": kind, "duration_minutes": minutes, "buffer_minutes": buffer, "colour": colour}
        )[0]
        for name, kind, minutes, buffer, colour in DEMO_APPOINTMENT_TYPES
    ]
    practitioners = []
    for index, user in enumerate(physiotherapists):
        practitioner, _ = Practitioner.objects.get_or_create(
            user=user,
            defaults={
                "display_name": user.get_full_name() or user.username,
                "registration_number": f"PT-{1040 + index}",
                "colour": DEMO_COLOURS[index % len(DEMO_COLOURS)],
            },
        )
        if not practitioner.working_hours.exists():
            for weekday in range(5):
                for start, end in DEMO_HOURS:
                    WorkingHours.objects.create(
                        practitioner=practitioner, weekday=weekday, start_time=start, end_time=end
                    )
        practitioners.append(practitioner)
    return types, practitioners


# --- The clock ------------------------------------------------------------------------------------------------------


def clinic_day(day: date) -> date:
    """`day`, or the Friday before it when it falls on a weekend: the demo clinic works Monday to Friday."""
    return day - timedelta(days=max(0, day.weekday() - 4))


def next_clinic_day(day: date) -> date:
    """`day`, or the Monday after it when it falls on a weekend."""
    return day + timedelta(days=(7 - day.weekday()) % 7 if day.weekday() >= 5 else 0)


def local(day: date, at: time) -> datetime:
    return timezone.make_aware(datetime.combine(day, at))


class DemoClock:
    """The one "today" of a seed_demo run, and the clock set to each record's moment while its service runs.

    Every timestamp the services write (signed_at, recorded_at, booked_at, the audit log's) is then the record's own,
    and no signed content is changed afterwards. The demo never records a moment after the run began.
    """

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now or timezone.now()
        self.today = timezone.localdate(self.now)

    @contextmanager
    def at(self, moment: datetime) -> Iterator[None]:
        if moment > self.now:
            raise ValueError(f"The demo never records the future: {moment} is after {self.now}.")
        with time_machine.travel(moment, tick=False):
            yield


def _quarter_hours(length: timedelta) -> list[time]:
    """The quarter hours of DEMO_HOURS at which a visit of `length` starts and ends inside them."""
    starts = []
    for opens, closes in DEMO_HOURS:
        moment = datetime.combine(date.min, opens)
        while moment + length <= datetime.combine(date.min, closes):
            starts.append(moment.time())
            moment += timedelta(minutes=15)
    return starts


class Diary:
    """The demo's appointment book: the time each practitioner's days already hold, so a demo visit goes into one of
    DEMO_DAY's slots only where it overlaps nothing (another demo visit, or a booking made before the demo)."""

    def __init__(self, practitioners: list[Practitioner]) -> None:
        self.held: dict[int, list[tuple[datetime, datetime]]] = {}
        held = Appointment.objects.holding_time().filter(practitioner__in=practitioners)
        for practitioner_id, starts_at, blocked_until in held.values_list(
            "practitioner_id", "starts_at", "blocked_until"
        ):
            self.held.setdefault(practitioner_id, []).append((starts_at, blocked_until))

    def slot(self, practitioner: Practitioner, day: date, kind: int, *, latest_by: time | None = None) -> datetime:
        """The first free slot of `kind` that day; with `latest_by`, the last one starting by then (else the first)."""
        _name, _kind, minutes, buffer, _colour = DEMO_APPOINTMENT_TYPES[kind]
        blocked = timedelta(minutes=minutes + buffer)
        held = self.held.setdefault(practitioner.pk, [])

        def is_free(start: time) -> bool:
            begins = local(day, start)
            return not any(taken_from < begins + blocked and begins < taken_until for taken_from, taken_until in held)

        free = [start for start, index in DEMO_DAY if index == kind and is_free(start)]
        if not free:  # the day's own slots are taken by earlier bookings: any free quarter hour in the hours
            free = [start for start in _quarter_hours(blocked) if is_free(start)]
        if not free:
            raise ValueError(f"No free slot for {practitioner} on {day}.")
        chosen = free[0]
        if latest_by is not None:
            chosen = max((start for start in free if start <= latest_by), default=free[0])
        begins = local(day, chosen)
        held.append((begins, begins + blocked))
        return begins


@dataclass
class Cast:
    """Who does what at the demo clinic."""

    front_desk: User
    physiotherapists: dict[str, User]
    practitioners: dict[str, Practitioner]
    types: list[AppointmentType]
    clock: DemoClock
    diary: Diary
    text_version: ConsentTextVersion | None


def _book(cast: Cast, patient: Patient, who: str, starts_at: datetime, kind: int, booked_at: datetime) -> Appointment:
    with cast.clock.at(booked_at):
        return scheduling_services.appointment_book(
            patient=patient,
            practitioner=cast.practitioners[who],
            appointment_type=cast.types[kind],
            starts_at=starts_at,
            booked_by=cast.front_desk,
        )


def _check_in(cast: Cast, appointment: Appointment, at: datetime) -> Appointment:
    with cast.clock.at(at):
        return scheduling_services.appointment_check_in(appointment=appointment, checked_in_by=cast.front_desk)


def _complete(cast: Cast, appointment: Appointment, at: datetime) -> Appointment:
    with cast.clock.at(at):
        return scheduling_services.appointment_complete(appointment=appointment, completed_by=cast.front_desk)


# --- Registration, the questionnaire, consent -----------------------------------------------------------------------


def _demo_patient(index: int) -> Patient:
    person = DEMO_PATIENTS[index]
    return Patient.objects.get(
        given_name=person.given_name, family_name=person.family_name, date_of_birth=date.fromisoformat(person.born)
    )


def seed_patients(*, front_desk: User, clock: DemoClock | None = None) -> int:
    """Register the demo patients that are missing (matched by name and date of birth), each on the day their story
    begins."""
    clock = clock or DemoClock()
    created = 0
    for index, person in enumerate(DEMO_PATIENTS):
        data = _identity(index, person)
        exists = Patient.objects.filter(
            given_name=person.given_name, family_name=person.family_name, date_of_birth=data["date_of_birth"]
        ).exists()
        if exists:
            continue
        with clock.at(registration_moment(index, clock)):
            patient_services.patient_create(data=data, created_by=front_desk, submission_key=uuid.uuid4())
        created += 1
    return created


def _questionnaire(
    cast: Cast, patient: Patient, state: str, *, issued_at: datetime, answered_at: datetime | None = None
) -> QuestionnaireResponse | None:
    """A questionnaire link issued by the front desk, then (at `answered_at`) opened, answered, locked or revoked as
    `state` says ("completed:<answers>", "opened", "sent", "expired", "revoked", "locked"). Returns the submission."""
    with cast.clock.at(issued_at):
        link, _ = patient_services.questionnaire_link_issue(
            patient=patient, issued_by=cast.front_desk, link_url=str, submission_key=uuid.uuid4(), send_email=False
        )
    kind, _, answers_kind = state.partition(":")
    if kind in ("sent", "expired") or answered_at is None:
        return None  # an expired link is one issued longer ago than the link lasts
    with cast.clock.at(answered_at):
        if kind == "revoked":
            patient_services.questionnaire_link_revoke(
                link=link, revoked_by=cast.front_desk, reason="Wrong e-mail address"
            )
            return None
        if kind == "locked":
            for _ in range(settings.CLINIC_QUESTIONNAIRE_DOB_TRIES):
                patient_services.questionnaire_confirm_date_of_birth(link=link, date_of_birth=date(1900, 1, 1))
            return None
        patient_services.questionnaire_link_opened(link=link)
        patient_services.questionnaire_confirm_date_of_birth(link=link, date_of_birth=patient.date_of_birth)
        if kind == "opened":
            patient_services.questionnaire_save_answers(link=link, answers={"A1": "no", "B1": "no"})
            return None
        answers = _questionnaire_answers(answers_kind, day=timezone.localdate())
        answers["Z1_NAME"] = f"{patient.given_name} {patient.family_name}"
        patient_services.questionnaire_save_answers(link=link, answers=answers)
        return patient_services.questionnaire_submit(link=link)


# What the physiotherapist writes when acknowledging a demo flag that needs a note.
ACKNOWLEDGEMENT_NOTES = {
    "BLEED_ANTICOAGULANT": "INR 2.6 three days ago, in range; warfarin dose steady. Superficial sites only, firm "
    "pressure after each.",
    "LYMPHOEDEMA_SITE": "Discussed: no needling of the left arm, shoulder or chest wall.",
}


def _acknowledge_flags(cast: Cast, response: QuestionnaireResponse, physiotherapist: User, at: datetime) -> None:
    with cast.clock.at(at):
        for flag in response.flags.filter(acknowledged_at__isnull=True).order_by("id"):
            patient_services.safety_flag_acknowledge(
                flag=flag,
                acknowledged_by=physiotherapist,
                note=ACKNOWLEDGEMENT_NOTES.get(flag.code, "Went through the answer with the patient."),
            )


def _consent(
    cast: Cast, patient: Patient, physiotherapist: User, regions: tuple[BodyRegion, ...], at: datetime, index: int
) -> Consent | None:
    if cast.text_version is None:
        return None
    with cast.clock.at(at):
        return patient_services.consent_record(
            patient=patient,
            text_version=cast.text_version,
            clinician=physiotherapist,
            form=ConsentForm.WRITTEN if index % 2 else ConsentForm.VERBAL,
            regions=[region.value for region in regions],
            includes_paraspinal=True,
            patient_specific_risks=patient_services.consent_risk_text(patient=patient),
            alternatives_discussed=True,
            stop_signal_agreed=True,
            questions_and_answers="Asked how many sessions are usual: usually 4 to 8, reviewed after 3.",
            has_capacity=True,
            signed_name=f"{patient.given_name} {patient.family_name}" if index % 2 else "",
            patient_ticked=bool(index % 2),
            submission_key=uuid.uuid4(),
        )


def _seed_elbow(
    patient: Patient, physiotherapist: User, appointment: Appointment | None = None, *, sign: bool = True
) -> Assessment:
    """The evaluation of lateral elbow pain (C5-C6 on the right) with its plan of muscles, signed unless `sign` is
    off; recorded at the clock's moment."""
    assessment = assessment_services.assessment_start(
        patient=patient, physiotherapist=physiotherapist, appointment=appointment
    )
    assessment = assessment_services.assessment_save_fields(
        assessment=assessment,
        version=assessment.version,
        data={
            "chief_complaint": "Right lateral elbow pain for 5 months, worse gripping and lifting.",
            "pain_regions": [{"region": "upper_limb", "side": "R"}, {"region": "head_neck", "side": "R"}],
            "duration_text": "5 months",
            "mechanism": "overuse",
            "mechanism_detail": "Started after renovating a kitchen; no single injury.",
            "symptom_clues": ["stiffness", "shortened_tender", "deep_ache"],
            "pain_now": 4,
            "pain_best": 2,
            "pain_worst": 7,
            "aggravating_factors": "Gripping, carrying groceries, using a mouse.",
            "easing_factors": "Rest, heat.",
            "imaging": "ultrasound",
            "imaging_result": "Common extensor origin thickening, no tear.",
            "previous_treatment": "Brace and stretching for 6 weeks, little change.",
            "goals": "Carry groceries and work a full day at the computer without pain.",
        },
    )
    record = assessment_services
    record.rom_record(
        assessment=assessment, joint="cervical", movement="rotation", side="R", mode="active", degrees=60, pain=True
    )
    record.rom_record(
        assessment=assessment, joint="cervical", movement="rotation", side="L", mode="active", degrees=75, pain=False
    )
    record.strength_record(assessment=assessment, level="C6", side="R", grade="4")
    record.strength_record(assessment=assessment, level="C6", side="L", grade="5")
    record.muscle_strength_record(assessment=assessment, muscle="extensor-carpi-radialis-brevis", side="R", grade="4-")
    record.muscle_strength_record(assessment=assessment, muscle="extensor-carpi-radialis-brevis", side="L", grade="5")
    record.grip_record(assessment=assessment, side="R", kilograms=Decimal("22.0"))
    record.grip_record(assessment=assessment, side="L", kilograms=Decimal("34.5"))
    record.reflex_record(assessment=assessment, reflex="brachioradialis", side="R", grade="1+")
    record.reflex_record(assessment=assessment, reflex="brachioradialis", side="L", grade="2+")
    for muscle in ("extensor-carpi-radialis-brevis", "supinator", "brachioradialis"):
        record.finding_record(
            assessment=assessment, sign_code="SEN-MOTORPOINT", side="R", status="present", muscle=muscle, grade=2
        )
    record.finding_record(assessment=assessment, sign_code="TRO-ORANGEPEEL", side="R", status="present", level="C6")
    record.spine_range_record(
        assessment=assessment, palpated_from="C2", palpated_to="T4", palpated_sides=["L", "M", "R"]
    )
    for level in ("C5", "C6"):
        record.spinal_sign_toggle(assessment=assessment, level=level, side="R", sign_code="SEN-PARASPINAL")
        record.spinal_sign_toggle(assessment=assessment, level=level, side="R", sign_code="SPI-PARASHORT")
        record.segment_decide(assessment=assessment, level=level, side="R", decision="confirmed")
    assessment.refresh_from_db()
    assessment = record.assessment_save_fields(
        assessment=assessment,
        version=assessment.version,
        data={
            "clinical_impression": "Right C5-C6 radiculopathic pain (spondylotic), presenting as lateral epicondylalgia.",
            "plan": "IMS weekly for 4 to 6 sessions: right C5-C6 paraspinals, extensor carpi radialis brevis, supinator, "
            "brachioradialis. Reassess after 3 sessions.",
        },
    )
    # The plan of muscles: the three found tender, then the paraspinal partners at C5 and C6 on the right.
    record.needling_plan_record(
        assessment=assessment,
        recorded_by=physiotherapist,
        targets=[
            needling_plan.Target("extensor-carpi-radialis-brevis", "R"),
            needling_plan.Target("supinator", "R"),
            needling_plan.Target("brachioradialis", "R"),
            needling_plan.Target("cervical-multifidus-rotatores", "R", "C5"),
            needling_plan.Target("cervical-multifidus-rotatores", "R", "C6"),
        ],
    )
    assessment.refresh_from_db()
    if sign:
        assessment = record.assessment_sign(
            assessment=assessment, signed_by=physiotherapist, version=assessment.version
        )
    return assessment


def _seed_low_back(patient: Patient, physiotherapist: User, appointment: Appointment | None = None) -> Assessment:
    """A draft evaluation of low back pain (L5-S1 on the left), as far as the spine: the one in progress today."""
    assessment = assessment_services.assessment_start(
        patient=patient, physiotherapist=physiotherapist, appointment=appointment
    )
    assessment = assessment_services.assessment_save_fields(
        assessment=assessment,
        version=assessment.version,
        data={
            "chief_complaint": "Low back and left buttock pain for a year, stiff in the mornings.",
            "pain_regions": [{"region": "lumbosacral", "side": "B"}, {"region": "buttock", "side": "L"}],
            "duration_text": "about a year",
            "mechanism": "gradual",
            "symptom_clues": ["stiffness", "deep_ache", "sharp_bursts"],
            "pain_now": 5,
            "pain_best": 3,
            "pain_worst": 8,
            "aggravating_factors": "Sitting over 30 minutes, bending to garden.",
            "easing_factors": "Walking, lying on the side.",
            "goals": "Garden for an hour; sit through a film.",
        },
    )
    record = assessment_services
    record.rom_record(
        assessment=assessment, joint="lumbar", movement="flexion", side="M", mode="active", degrees=35, pain=True
    )
    record.strength_record(assessment=assessment, level="L5", side="L", grade="4")
    record.reflex_record(assessment=assessment, reflex="achilles", side="L", grade="1+")
    record.reflex_record(assessment=assessment, reflex="achilles", side="R", grade="2+")
    record.finding_record(
        assessment=assessment, sign_code="SEN-MOTORPOINT", side="L", status="present", muscle="gluteus-medius"
    )
    record.spine_range_record(
        assessment=assessment, palpated_from="T10", palpated_to="S2", palpated_sides=["L", "M", "R"]
    )
    for level in ("L5", "S1"):
        record.spinal_sign_toggle(assessment=assessment, level=level, side="L", sign_code="SPI-PARASHORT")
    return assessment


@dataclass(frozen=True)
class DemoEvaluation:
    """An evaluation in outline: the history, the muscles found tender and the levels with signs beside the spine on
    the painful side, the summary's words. Every level the summary suggests is decided (those found, involved)."""

    history: dict[str, Any]
    tender_muscles: tuple[str, ...]
    spinal_levels: tuple[str, ...]
    palpated: tuple[str, str]
    impression: str
    plan: str


NECK = DemoEvaluation(
    history={
        "chief_complaint": "Neck pain spreading to the shoulder blade for 3 months, headaches late in the day.",
        "pain_regions": [{"region": "head_neck", "side": "R"}, {"region": "shoulder", "side": "R"}],
        "duration_text": "3 months",
        "mechanism": "gradual",
        "symptom_clues": ["stiffness", "deep_ache"],
        "pain_now": 6, "pain_best": 3, "pain_worst": 8,
        "aggravating_factors": "Long days at the laptop, driving.",
        "easing_factors": "Heat, lying down.",
        "goals": "Work a full day without a headache.",
    },
    tender_muscles=("upper-trapezius", "levator-scapulae"),
    spinal_levels=("C3", "C4"),
    palpated=("C2", "T4"),
    impression="C3-C4 radiculopathic pain (spondylotic) with shortened upper trapezius and levator scapulae.",
    plan="IMS weekly for 4 to 6 sessions: C4 paraspinals, upper trapezius, levator scapulae. Reassess after 3.",
)  # fmt: skip
LOW_BACK = DemoEvaluation(
    history={
        "chief_complaint": "Low back and buttock pain for a year, stiff in the mornings.",
        "pain_regions": [{"region": "lumbosacral", "side": "B"}, {"region": "buttock", "side": "L"}],
        "duration_text": "about a year",
        "mechanism": "gradual",
        "symptom_clues": ["stiffness", "deep_ache", "sharp_bursts"],
        "pain_now": 7, "pain_best": 3, "pain_worst": 9,
        "aggravating_factors": "Sitting over 30 minutes, bending to garden.",
        "easing_factors": "Walking, lying on the side.",
        "goals": "Garden for an hour; sit through a film.",
    },
    tender_muscles=("gluteus-medius", "piriformis"),
    spinal_levels=("L5", "S1"),
    palpated=("T10", "S2"),
    impression="L5-S1 radiculopathic pain (spondylotic) with shortened gluteus medius and piriformis.",
    plan="IMS weekly for 6 to 8 sessions: L5 paraspinals, gluteus medius, piriformis. Reassess after 3.",
)  # fmt: skip
SHOULDER_BLADE = DemoEvaluation(
    history={
        "chief_complaint": "Ache between the shoulder blade and the spine for 4 months, worse reaching overhead.",
        "pain_regions": [{"region": "shoulder", "side": "R"}, {"region": "upper_back", "side": "R"}],
        "duration_text": "4 months",
        "mechanism": "overuse",
        "symptom_clues": ["deep_ache", "shortened_tender"],
        "pain_now": 5, "pain_best": 2, "pain_worst": 7,
        "aggravating_factors": "Painting ceilings, swimming front crawl.",
        "easing_factors": "Stretching, a hot shower.",
        "goals": "Swim 1 km twice a week.",
    },
    tender_muscles=("rhomboids", "infraspinatus"),
    spinal_levels=("C5",),
    palpated=("C2", "T6"),
    impression="C5 radiculopathic pain (spondylotic) with shortened rhomboids and infraspinatus.",
    plan="IMS weekly for 5 sessions: rhomboids, infraspinatus; the C5 paraspinals if the neck keeps it going.",
)  # fmt: skip


def _evaluate(
    patient: Patient,
    physiotherapist: User,
    evaluation: DemoEvaluation,
    side: str,
    targets: list[needling_plan.Target],
    appointment: Appointment | None,
) -> Assessment:
    """Record an evaluation through the assessment services (a draft, at the clock's moment), its plan included."""
    record = assessment_services
    assessment = record.assessment_start(patient=patient, physiotherapist=physiotherapist, appointment=appointment)
    regions = [
        {**region, "side": side if region["side"] != "B" else "B"} for region in evaluation.history["pain_regions"]
    ]
    assessment = record.assessment_save_fields(
        assessment=assessment, version=assessment.version, data={**evaluation.history, "pain_regions": regions}
    )
    for muscle in evaluation.tender_muscles:
        record.finding_record(
            assessment=assessment, sign_code="SEN-MOTORPOINT", side=side, status="present", muscle=muscle, grade=2
        )
    record.spine_range_record(
        assessment=assessment,
        palpated_from=evaluation.palpated[0],
        palpated_to=evaluation.palpated[1],
        palpated_sides=["L", "M", "R"],
    )
    for level in evaluation.spinal_levels:
        record.spinal_sign_toggle(assessment=assessment, level=level, side=side, sign_code="SEN-PARASPINAL")
        record.spinal_sign_toggle(assessment=assessment, level=level, side=side, sign_code="SPI-PARASHORT")
    assessment.refresh_from_db()
    summary = record.assessment_summary(assessment=assessment)
    involved = {(level, side) for level in evaluation.spinal_levels}
    suggested = {(level.level, suggested.value) for level in summary.levels for suggested in level.suggested_sides}
    for level, level_side in sorted(involved | suggested):
        decision = SegmentDecision.Decision.CONFIRMED if (level, level_side) in involved else "rejected"
        record.segment_decide(assessment=assessment, level=level, side=level_side, decision=decision)
    assessment.refresh_from_db()
    assessment = record.assessment_save_fields(
        assessment=assessment,
        version=assessment.version,
        data={"clinical_impression": evaluation.impression, "plan": evaluation.plan},
    )
    record.needling_plan_record(assessment=assessment, recorded_by=physiotherapist, targets=targets)
    assessment.refresh_from_db()
    return assessment


@dataclass(frozen=True)
class DemoCourse:
    patient_index: int
    sites: tuple[tuple[str, str, str], ...]  # (muscle, side, level)
    pain: tuple[tuple[int, int], ...]  # (before, after) per session, on the NPRS
    instrument: str
    scores: tuple[float, ...]
    adverse_event: tuple[int, str] | None = None  # (session number, event type) of a minor event


@dataclass(frozen=True)
class DemoStory:
    """A demo patient's course of care, dated back from today."""

    course: DemoCourse
    physiotherapist: str  # the demo username
    questionnaire: str  # the answers' kind (_questionnaire_answers)
    consent: tuple[BodyRegion, ...]
    evaluation: DemoEvaluation | None  # None: the elbow (_seed_elbow)
    last_visit_days_ago: int = 0  # the course's last treatment (ignored for today's draft)
    today_draft: bool = False  # the last treatment is today's: checked in, its session in draft
    discharged: bool = False  # the last treatment ended the course
    paused: bool = False  # the last treatment ended the visits for now, the patient to call if the pain returns
    reassessment_at: int | None = None  # the treatment given at a reassessment visit
    extension: tuple[int, BodyRegion, tuple[str, str, str]] | None = None  # (from session, region, the site added)
    next_visits: tuple[int, ...] = ()  # treatments booked, in days from today
    consent_withdrawn_days_ago: int | None = None
    sore_after_last: int | None = None  # the soreness the patient reports on the check after the last treatment

    @property
    def side(self) -> str:
        return self.course.sites[0][1] if self.course.sites else "L"


DEMO_STORIES = (
    DemoStory(
        DemoCourse(
            3,
            (("extensor-carpi-radialis-brevis", "R", ""), ("supinator", "R", ""), ("cervical-multifidus-rotatores", "R", "C6")),
            ((7, 4), (6, 4), (5, 3), (4, 2), (3, 2), (2, 1)),
            "QuickDASH",
            (45.5, 40.9, 31.8, 27.3, 20.5, 15.9),
        ),
        "physio", "completed:lymphoedema", (BodyRegion.HEAD_NECK, BodyRegion.UPPER_BACK, BodyRegion.UPPER_LIMB), None,
        last_visit_days_ago=14, discharged=True, reassessment_at=3,
    ),
    DemoStory(
        DemoCourse(
            0,
            (("upper-trapezius", "R", ""), ("levator-scapulae", "R", ""), ("cervical-multifidus-rotatores", "R", "C4")),
            ((6, 5), (6, 5), (7, 5), (6, 6)),
            "NDI",
            (18, 19, 17, 18),
            adverse_event=(2, "bruising"),
        ),
        "physio", "completed:all_no", (BodyRegion.HEAD_NECK, BodyRegion.UPPER_BACK, BodyRegion.SHOULDER), NECK,
        last_visit_days_ago=3, next_visits=(4,), sore_after_last=7,
    ),
    DemoStory(
        DemoCourse(
            22,
            (("gluteus-medius", "L", ""), ("piriformis", "L", ""), ("lumbar-multifidus", "L", "L5")),
            ((8, 6), (7, 5), (7, 5), (6, 4), (5, 4), (4, 3), (4, 2), (3, 2)),
            "LEFS",
            (30, 34, 37, 41, 46, 50, 55, 58),
            adverse_event=(3, "pain_after"),
        ),
        "physio", "completed:all_no", (BodyRegion.LUMBOSACRAL, BodyRegion.BUTTOCK, BodyRegion.LOWER_LIMB), LOW_BACK,
        today_draft=True, reassessment_at=4, next_visits=(7, 14),
    ),
    DemoStory(
        DemoCourse(
            16,
            (("rhomboids", "R", ""), ("infraspinatus", "R", "")),
            ((5, 4), (5, 3), (4, 3), (4, 3), (3, 2)),
            "PSFS",
            (3.7, 4.3, 5.0, 6.0, 6.7),
        ),
        "physio2", "completed:all_no", (BodyRegion.SHOULDER, BodyRegion.UPPER_BACK), SHOULDER_BLADE,
        last_visit_days_ago=2, extension=(3, BodyRegion.HEAD_NECK, ("cervical-multifidus-rotatores", "R", "C5")),
        next_visits=(5,),
    ),
    DemoStory(
        DemoCourse(
            28,
            (("upper-trapezius", "L", ""), ("levator-scapulae", "L", ""), ("cervical-multifidus-rotatores", "L", "C4")),
            ((6, 4), (5, 3), (3, 2)),
            "NDI",
            (22, 16, 11),
        ),
        "physio", "completed:all_no", (BodyRegion.HEAD_NECK, BodyRegion.SHOULDER), NECK,
        last_visit_days_ago=110, paused=True, next_visits=(6,),
    ),
    DemoStory(
        DemoCourse(13, (("gluteus-medius", "R", ""), ("lumbar-multifidus", "R", "L5")), (), "ODI", ()),
        "physio2", "completed:warfarin", (BodyRegion.LUMBOSACRAL, BodyRegion.BUTTOCK), LOW_BACK,
        last_visit_days_ago=35, consent_withdrawn_days_ago=12,
    ),
)  # fmt: skip
# The courses, for the records tests' full patient (the elbow) and for anyone counting what the demo holds.
DEMO_COURSES = tuple(story.course for story in DEMO_STORIES if story.course.pain)


@dataclass(frozen=True)
class Timeline:
    assessed_on: date
    visits: tuple[date, ...]  # every treatment of the course, past, today's and booked


def timeline(story: DemoStory, clock: DemoClock) -> Timeline:
    """The days of a story: weekly treatments ending on its last (today's for a draft: the next clinic day's on a
    weekend), the assessment a week before the first."""
    count = len(story.course.pain)
    if story.today_draft:
        last = next_clinic_day(clock.today)
    else:
        last = clinic_day(clock.today - timedelta(days=story.last_visit_days_ago))
    visits = tuple(last - timedelta(weeks=count - number) for number in range(1, count + 1))
    assessed_on = (visits[0] if visits else last) - timedelta(weeks=1 if visits else 0)
    return Timeline(assessed_on, visits)


# Patients without a course: how many days before today the front desk registered them.
REGISTERED_DAYS_AGO = {1: 6, 4: 5, 6: 4, 7: 4, 8: 22, 9: 6, 10: 3, 15: 9}


def registration_moment(index: int, clock: DemoClock) -> datetime:
    story = next((story for story in DEMO_STORIES if story.course.patient_index == index), None)
    if story is not None:
        day = clinic_day(timeline(story, clock).assessed_on - timedelta(days=8))
    else:
        day = clinic_day(clock.today - timedelta(days=REGISTERED_DAYS_AGO.get(index, 2 + index % 12)))
    return min(local(day, time(9, 5 + index)), clock.now)


def _session(
    clock: DemoClock,
    patient: Patient,
    course: DemoCourse,
    physiotherapist: User,
    number: int,
    starts_at: datetime,
    *,
    appointment: Appointment | None = None,
    sites: tuple[tuple[str, str, str], ...] | None = None,
    close: bool = True,
    plan: str = "Continue weekly.",
    retest_note: str = "",
    before_sites: Callable[[], Any] | None = None,
) -> TreatmentSession:
    """Treatment `number` of a course through the session services: opened, re-checked and needled at `starts_at`,
    then (when `close`) closed with the needles accounted for, scored and signed 25 minutes later."""
    record = assessment_services
    before, after = course.pain[number - 1]
    with clock.at(starts_at):
        session = record.session_start(patient=patient, physiotherapist=physiotherapist, appointment=appointment)
        recheck = patient_services.safety_recheck_record(
            patient=patient, asked_by=physiotherapist, answer=RecheckAnswer.NO_CHANGE
        )
        session = record.session_recheck_link(session=session, recheck=recheck)
        session = record.session_save_fields(
            session=session,
            version=session.version,
            data={
                "consent_reconfirmed": True,
                "pain_before": before,
                "position": "prone" if any(level for _, _, level in course.sites) else "side_lying_left",
                "needle_diameter_mm": Decimal("0.25"),
                "needle_length_mm": 40,
                "technique": "pecking",
            },
        )
        if before_sites is not None:
            before_sites()
        for muscle, side, level in course.sites if sites is None else sites:
            record.needled_site_add(
                session=session, muscle=muscle, side=side, level=level, insertions=3, twitch="several", grasp=True
            )
        record.outcome_record(
            patient=patient,
            session=session,
            instrument=course.instrument,
            total=course.scores[number - 1],
            recorded_by=physiotherapist,
        )
    if not close:
        session.refresh_from_db()
        return session
    with clock.at(starts_at + timedelta(minutes=25)):
        session.refresh_from_db()
        session = record.session_save_fields(
            session=session,
            version=session.version,
            data={"pain_after": after, "needles_accounted_for": True, "plan": plan, "retest_note": retest_note},
        )
        if course.adverse_event and course.adverse_event[0] == number:
            record.adverse_event_record(
                session=session,
                reported_by=physiotherapist,
                event_type=course.adverse_event[1],
                event_class="mild",
                onset="after",
                action_taken="Reassured; aftercare advice repeated.",
            )
        session.refresh_from_db()
        return record.session_sign(session=session, signed_by=physiotherapist, version=session.version)


def _seed_course(patient: Patient, course: DemoCourse, physiotherapist: User) -> None:
    """A course of weekly signed treatments ending a week ago, without appointments (for a patient already cleared
    for them: questionnaire, consent and a signed assessment on file)."""
    clock = DemoClock()
    last = clinic_day(clock.today - timedelta(days=7))
    for number in range(1, len(course.pain) + 1):
        day = last - timedelta(weeks=len(course.pain) - number)
        _session(clock, patient, course, physiotherapist, number, local(day, time(10)))


def _extend_consent(consent: Consent, region: BodyRegion, physiotherapist: User) -> None:
    """The consent extended to a region, at the clock's moment, before its first site there."""
    patient_services.consent_extend(
        consent=consent,
        region=region.value,
        includes_paraspinal=True,
        risks_explained="Beside the neck: the needle is angled to the bone, away from the spinal canal and the "
        "artery; soreness for a day or two.",
        form=ConsentForm.VERBAL,
        clinician=physiotherapist,
    )


def _arrival(starts_at: datetime, now: datetime) -> tuple[datetime, datetime]:
    """When a patient of `starts_at` checks in and the visit's record opens, never after `now`."""
    return min(starts_at - timedelta(minutes=5), now), min(starts_at + timedelta(minutes=2), now)


# --- Between visits: the messages sent at their moments, the checks the patients answer --------------------------


@contextmanager
def _messages_go_nowhere() -> Iterator[None]:
    """The demo's e-mails and texts are recorded as sent at their moments, and go to no one."""
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend", CLINIC_TEXT_BACKEND="dummy"):
        yield


def _between_visits(clock: DemoClock, patient: Patient, until: datetime, sore: Callable[[CheckLink], int]) -> None:
    """What happens between two moments of the story: each message due is sent at its own moment (the composers
    decide then, as the worker would, whether it still applies), and each check sent is answered two hours later
    with the soreness `sore` says; a first check still sore queues the one at 72 hours, sent and answered in turn."""
    until = min(until, clock.now)
    for _round in range(3):
        due = list(
            Message.objects.filter(patient=patient, status=MessageStatus.QUEUED, send_after__lte=until).order_by(
                "send_after", "pk"
            )
        )
        with _messages_go_nowhere():
            for message in due:
                with clock.at(message.send_after):
                    messaging.deliver(message.pk)
        answered = 0
        for link in CheckLink.objects.filter(patient=patient, used_at__isnull=True).select_related("session"):
            moment = link.created_at + timedelta(hours=2)
            if moment > until or moment >= link.expires_at:
                continue
            assessment = link.session.assessment
            where = assessment.pain_regions[:1] if assessment is not None else []
            regions = [f"{item['region']}:{item['side']}" for item in where]
            soreness = sore(link)
            answers = aftercare_services.CheckAnswers(
                soreness=soreness, regions=regions if soreness else [], bruising="none", warning_signs=[]
            )
            with clock.at(moment):
                aftercare_services.check_submit(link=link, answers=answers)
            answered += 1
        if not due and not answered:
            return


def _soreness_reported(story: DemoStory, last_session: Callable[[], int | None]) -> Callable[[CheckLink], int]:
    """Sore like after a workout on the first check, settled by the 72-hour one; after the last treatment of a
    story that says so, the soreness it gives (for the physiotherapist to review)."""

    def sore(link: CheckLink) -> int:
        if link.check_round == CheckRound.FOLLOW_UP:
            return 0
        if story.sore_after_last is not None and link.session_id == last_session():
            return story.sore_after_last
        return 3

    return sore


# The PSFS baseline: the patient's own activities, rated 0 (unable) to 10 (as before the problem).
PSFS_BASELINE = (("Reaching up to a shelf", 3), ("Carrying the shopping", 4), ("Sleeping on the painful side", 4))


def _baseline(assessment: Assessment, course: DemoCourse, physiotherapist: User) -> None:
    """The course's questionnaire at the assessment, as the first treatment found it: its baseline, and the
    questionnaire the patient is sent before each visit."""
    if not course.instrument or not course.scores:
        return
    if course.instrument == "PSFS":
        assessment_services.baseline_record(
            assessment=assessment,
            recorded_by=physiotherapist,
            instrument=course.instrument,
            items=[rating for _activity, rating in PSFS_BASELINE],
            activities=[activity for activity, _rating in PSFS_BASELINE],
        )
        return
    assessment_services.baseline_record(
        assessment=assessment, recorded_by=physiotherapist, instrument=course.instrument, total=course.scores[0]
    )


def _tell(cast: Cast, story: DemoStory) -> None:
    """One patient's course of care in time order: questionnaire, assessment visit, consent, the treatments, and
    what is booked next."""
    clock, course = cast.clock, story.course
    patient = _demo_patient(course.patient_index)
    physiotherapist = cast.physiotherapists[story.physiotherapist]
    practitioner = cast.practitioners[story.physiotherapist]
    days = timeline(story, clock)
    registered = timezone.localtime(patient.created_at)

    # Booked at registration; the questionnaire sent then, answered two evenings before the visit.
    assessment_at = cast.diary.slot(practitioner, days.assessed_on, INITIAL)
    appointment = _book(
        cast, patient, story.physiotherapist, assessment_at, INITIAL, registered + timedelta(minutes=5)
    )
    response = _questionnaire(
        cast,
        patient,
        story.questionnaire,
        issued_at=registered + timedelta(minutes=10),
        answered_at=local(days.assessed_on - timedelta(days=2), time(19, 30)),
    )

    last_treatment: list[int] = []  # the session of the course's last treatment, once signed
    sore = _soreness_reported(story, lambda: last_treatment[0] if last_treatment else None)

    # The assessment visit: check-in, the flags gone through, the evaluation, consent, the signature.
    arrived_at, started_at = _arrival(assessment_at, clock.now)
    _between_visits(clock, patient, arrived_at, sore)
    appointment = _check_in(cast, appointment, arrived_at)
    if response is not None:
        _acknowledge_flags(cast, response, physiotherapist, started_at + timedelta(minutes=8))
    targets = [needling_plan.Target(*site) for site in course.sites]
    with clock.at(started_at):
        if story.evaluation is None:
            assessment = _seed_elbow(patient, physiotherapist, appointment, sign=False)
        else:
            assessment = _evaluate(patient, physiotherapist, story.evaluation, story.side, targets, appointment)
    consent = _consent(
        cast, patient, physiotherapist, story.consent, assessment_at + timedelta(minutes=40), course.patient_index
    )
    with clock.at(assessment_at + timedelta(minutes=50)):
        _baseline(assessment, course, physiotherapist)
    with clock.at(assessment_at + timedelta(minutes=55)):
        assessment.refresh_from_db()
        assessment_services.assessment_sign(
            assessment=assessment, signed_by=physiotherapist, version=assessment.version
        )
    _complete(cast, appointment, assessment_at + timedelta(minutes=60))
    last_desk = assessment_at + timedelta(minutes=62)  # the next visit is booked on the way out

    for number, day in enumerate(days.visits, start=1):
        kind = REASSESSMENT if number == story.reassessment_at else TREATMENT
        is_today = day == clock.today
        latest_by = timezone.localtime(clock.now).time() if is_today else None
        starts_at = cast.diary.slot(practitioner, day, kind, latest_by=latest_by)
        appointment = _book(cast, patient, story.physiotherapist, starts_at, kind, last_desk)
        if day > clock.today:
            break  # booked, still to come
        arrived_at, opened_at = _arrival(starts_at, clock.now)
        _between_visits(clock, patient, arrived_at, sore)
        appointment = _check_in(cast, appointment, arrived_at)
        sites, extend = course.sites, None
        if story.extension and number >= story.extension[0]:
            sites = (*course.sites, story.extension[2])
            if number == story.extension[0] and consent is not None:
                extend = partial(_extend_consent, consent, story.extension[1], physiotherapist)
        last = number == len(days.visits)
        plan = "Continue weekly."
        if last and story.discharged:
            plan = "Discharged: goals reached. Home exercise programme; to call if the pain comes back."
        elif last and story.paused:
            plan = "Settled: no further visits for now; to call if the pain comes back."
        elif number == (story.reassessment_at or 0) - 1:
            plan = "Continue weekly; reassess at the next visit."
        session = _session(
            clock,
            patient,
            course,
            physiotherapist,
            number,
            opened_at,
            appointment=appointment,
            sites=sites,
            close=not is_today,
            plan=plan,
            retest_note="Reassessed: less tender, moving further before the pain." if kind == REASSESSMENT else "",
            before_sites=extend,
        )
        if last and not is_today:
            last_treatment.append(session.pk)
        if not is_today:  # today's session is still open
            _complete(cast, appointment, starts_at + timedelta(minutes=30))
            last_desk = starts_at + timedelta(minutes=32)

    if story.discharged:
        _discharge_letters(clock, assessment, physiotherapist, at=last_desk + timedelta(minutes=20))
    if story.consent_withdrawn_days_ago is not None and consent is not None:
        with clock.at(local(clinic_day(clock.today - timedelta(days=story.consent_withdrawn_days_ago)), time(11))):
            patient_services.consent_withdraw(
                consent=consent, withdrawn_by=physiotherapist, reason="Prefers to continue with exercise only."
            )
    _between_visits(clock, patient, clock.now, sore)
    for ahead in story.next_visits:
        day = next_clinic_day(clock.today + timedelta(days=ahead))
        starts_at = cast.diary.slot(practitioner, day, TREATMENT)
        # Booked on the way out of the last visit; after a long pause, booked today on the phone.
        booked_at = last_desk if clock.now - last_desk < timedelta(weeks=3) else clock.now
        _book(cast, patient, story.physiotherapist, starts_at, TREATMENT, booked_at)


PRACTICE_ADDRESSES = {  # the demo family doctors' practices (fictional addresses)
    "Mount Pleasant Family Practice": "3998 Main Street\nVancouver, BC V5V 3P2",
    "Kerrisdale Medical": "2025 West 42nd Avenue\nVancouver, BC V6M 2B5",
}


def _discharge_letters(clock: DemoClock, assessment: Assessment, physiotherapist: User, *, at: datetime) -> None:
    """At the end of a course: the discharge summary for the file and a letter to the family doctor, drafted
    from the course, given a line of the physiotherapist's own and signed that afternoon."""
    assessment = Assessment.objects.select_related("patient").get(pk=assessment.pk)  # as signed
    patient = assessment.patient
    for kind, recipient in (
        (LetterKind.DISCHARGE_SUMMARY, {}),
        (
            LetterKind.FAMILY_DOCTOR,
            {
                "recipient_name": patient.family_doctor or "Dr. Helen Park",
                "recipient_address": PRACTICE_ADDRESSES.get(
                    patient.family_doctor.partition(", ")[2], "15910 Fraser Highway\nSurrey, BC V4N 0X9"
                ),
            },
        ),
    ):
        with clock.at(at):
            letter = letters.letter_create(
                assessment=assessment, kind=kind, author=physiotherapist, submission_key=uuid.uuid4(), result_url=""
            )
            letter = letters.letter_save_fields(
                letter=letter,
                data={
                    **recipient,
                    "advice": "Keep up the home exercise programme daily; heat and light activity for soreness.",
                    "plan": "Discharged with goals reached. To call the clinic if the pain comes back.",
                },
                version=letter.version,
                by=physiotherapist,
            )
        with clock.at(at + timedelta(minutes=10)):
            letters.letter_sign(letter=letter, signed_by=physiotherapist, version=letter.version)
        at += timedelta(minutes=15)


# Patients without a course yet, and the state of their safety questionnaire.
DEMO_QUESTIONNAIRES = {
    1: "completed:warfarin",  # its flag still to acknowledge: today's assessment is in progress
    4: "completed:not_sure",  # answers to clarify before the first visit
    6: "sent",
    7: "opened",
    8: "expired",
    9: "revoked",
    10: "locked",
}
NO_SHOW, CANCELLED = 8, 15  # a first visit missed last week; one cancelled by phone


def _first_visit(cast: Cast, index: int) -> None:
    """A patient waiting for (or at) their first visit: the questionnaire as DEMO_QUESTIONNAIRES says, the initial
    assessment booked at registration, one of them missed and one cancelled."""
    clock = cast.clock
    patient = _demo_patient(index)
    registered = timezone.localtime(patient.created_at)
    who = ("physio", "physio2")[index % 2]
    state = DEMO_QUESTIONNAIRES.get(index)
    if state is not None:
        answered = min(registered + timedelta(days=2, hours=10), clock.now)
        _questionnaire(cast, patient, state, issued_at=registered + timedelta(minutes=10), answered_at=answered)
    if index == 1:
        _assessment_today(cast, patient, registered)
        return
    if index == NO_SHOW:
        day = clinic_day(clock.today - timedelta(days=6))
    else:
        day = next_clinic_day(clock.today + timedelta(days=1 + index % 9))
    starts_at = None
    while starts_at is None:
        try:
            starts_at = cast.diary.slot(cast.practitioners[who], day, INITIAL)
        except ValueError:
            day = next_clinic_day(day + timedelta(days=1))
    appointment = _book(cast, patient, who, starts_at, INITIAL, registered + timedelta(minutes=5))
    if index == NO_SHOW:
        with clock.at(starts_at + timedelta(minutes=20)):
            scheduling_services.appointment_mark_no_show(appointment=appointment, marked_by=cast.front_desk)
    elif index == CANCELLED:
        with clock.at(clock.now):
            scheduling_services.appointment_cancel(
                appointment=appointment, reason="Patient called: unwell", cancelled_by=cast.front_desk
            )


def _assessment_today(cast: Cast, patient: Patient, registered: datetime) -> None:
    """José's first visit, with physio2: today's, checked in and its assessment in draft (on a weekend, Monday's)."""
    clock, practitioner = cast.clock, cast.practitioners["physio2"]
    day = next_clinic_day(clock.today)
    latest_by = timezone.localtime(clock.now).time() if day == clock.today else None
    starts_at = cast.diary.slot(practitioner, day, INITIAL, latest_by=latest_by)
    appointment = _book(cast, patient, "physio2", starts_at, INITIAL, registered + timedelta(minutes=5))
    if day != clock.today:
        return
    arrived_at, started_at = _arrival(starts_at, clock.now)
    appointment = _check_in(cast, appointment, arrived_at)
    with clock.at(started_at):
        _seed_low_back(patient, cast.physiotherapists["physio2"], appointment)


def _is_untold(patient: Patient) -> bool:
    """Nothing recorded for this patient yet beyond registration: their story is still to be told."""
    return not (
        patient.appointments.exists()
        or patient.questionnaire_links.exists()
        or patient.assessments.exists()
        or patient.consents.exists()
    )


def seed_clinic(*, front_desk: User, physiotherapists: list[User], clock: DemoClock | None = None) -> int:
    """The practice, then every demo patient's story not yet told; returns how many stories were told."""
    clock = clock or DemoClock()
    types, practitioners = seed_practice(physiotherapists=physiotherapists)
    cast = Cast(
        front_desk=front_desk,
        physiotherapists={user.username: user for user in physiotherapists},
        practitioners={p.user.username: p for p in practitioners},
        types=types,
        clock=clock,
        diary=Diary(practitioners),
        text_version=ConsentTextVersion.objects.order_by("effective_on", "id").first(),
    )
    told = 0
    with_course = {story.course.patient_index for story in DEMO_STORIES}
    for story in DEMO_STORIES:
        patient = _demo_patient(story.course.patient_index)
        if _is_untold(patient):
            _tell(cast, story)
            told += 1
    for index in range(len(DEMO_PATIENTS)):
        if index not in with_course and _is_untold(_demo_patient(index)):
            _first_visit(cast, index)
            told += 1
    return told
