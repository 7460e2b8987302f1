"""The demo clinic's patients and consents: fictional people, 555-01xx phones, example.com e-mail."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone

from accounts.models import User
from assessments import needling_plan
from assessments import services as assessment_services
from assessments.models import Assessment, OutcomeMeasure, TreatmentSession
from patients import services as patient_services
from patients.identity import BC_PHN_WEIGHTS, fold
from patients.models import (
    Consent,
    ConsentForm,
    ConsentTextVersion,
    Patient,
    QuestionnaireLink,
    RecheckAnswer,
    SafetyRecheck,
)
from patients.safety_rules import BodyRegion


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
    consent: tuple[BodyRegion, ...] = ()
    consent_withdrawn: bool = False


DEMO_PATIENTS = (
    DemoPatient("Chloé", "Tremblay", "1984-03-12", "female", "Vancouver", consent=(BodyRegion.HEAD_NECK, BodyRegion.UPPER_BACK, BodyRegion.SHOULDER)),
    DemoPatient("José", "Álvarez", "1971-11-02", "male", "Burnaby", consent=(BodyRegion.LUMBOSACRAL, BodyRegion.BUTTOCK)),
    DemoPatient("Zoë", "O'Connor", "1995-06-21", "female", "Vancouver", pronouns="she/her", contact="text"),
    DemoPatient("Mohammed", "Al-Farsi", "1968-09-30", "male", "Surrey", consent=(BodyRegion.HEAD_NECK, BodyRegion.UPPER_LIMB)),
    DemoPatient("Siobhán", "Ní Bhriain", "1979-01-15", "female", "North Vancouver", contact="email"),
    DemoPatient("An", "Nguyễn", "1958-04-08", "male", "Richmond", has_health_number=False),
    DemoPatient("Björn", "Lindqvist", "1962-12-24", "male", "Vancouver", consent=(BodyRegion.LOWER_LIMB,)),
    DemoPatient("Amélie", "Gagnon", "2001-07-03", "female", "Burnaby", contact="text"),
    DemoPatient("Kwame", "Mensah", "1975-02-18", "male", "Coquitlam"),
    DemoPatient("Priya", "Sharma", "1989-10-10", "female", "Surrey", contact="email", consent=(BodyRegion.HEAD_NECK,)),
    DemoPatient("Hiroshi", "Tanaka", "1953-05-27", "male", "Richmond"),
    DemoPatient("Fatima", "Rahimi", "1992-08-14", "female", "Vancouver", has_health_number=False),
    DemoPatient("Łukasz", "Kowalski", "1986-03-30", "male", "New Westminster"),
    DemoPatient("Margaret", "Thompson", "1947-09-09", "female", "West Vancouver", preferred_name="Peggy",
                consent=(BodyRegion.LUMBOSACRAL,), consent_withdrawn=True),
    DemoPatient("Jean-François", "Côté", "1970-06-06", "male", "Vancouver", contact="email"),
    DemoPatient("Aisha", "Begum", "1999-12-01", "female", "Surrey", pronouns="she/her"),
    DemoPatient("Mateo", "Rossi", "1964-02-29", "male", "Burnaby", consent=(BodyRegion.UPPER_BACK, BodyRegion.SHOULDER, BodyRegion.UPPER_LIMB)),
    DemoPatient("Noémie", "Lefèvre", "1977-08-19", "female", "Vancouver"),
    DemoPatient("Darius", "Karimi", "1983-11-11", "male", "North Vancouver", contact="text"),
    DemoPatient("Ingrid", "Sørensen", "1960-10-31", "female", "Delta"),
    DemoPatient("Tenzin", "Dorje", "1991-04-04", "non-binary", "Vancouver", pronouns="they/them"),
    DemoPatient("Olumide", "Adeyemi", "1973-07-22", "male", "Burnaby"),
    DemoPatient("Renée", "Bouchard", "1955-01-07", "female", "Richmond", consent=(BodyRegion.LUMBOSACRAL, BodyRegion.BUTTOCK, BodyRegion.LOWER_LIMB)),
    DemoPatient("Ethan", "Wong", "2004-09-15", "male", "Vancouver", contact="text"),
    DemoPatient("Sophie", "Müller", "1988-05-05", "female", "Port Moody", contact="email"),
    DemoPatient("Carlos", "Peña", "1966-03-03", "male", "Surrey"),
    DemoPatient("Ananya", "Iyer", "1997-02-12", "female", "Vancouver"),
    DemoPatient("William", "Gray", "1942-11-30", "male", "White Rock", preferred_name="Bill"),
    DemoPatient("Mei-Ling", "Chen", "1981-06-18", "female", "Richmond", consent=(BodyRegion.HEAD_NECK, BodyRegion.UPPER_BACK, BodyRegion.SHOULDER)),
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


def seed_patients(*, front_desk: User, physiotherapists: list[User]) -> int:
    """Create the demo patients that are missing (matched by name and date of birth) and their consents."""
    created = 0
    text_version = ConsentTextVersion.objects.order_by("effective_on", "id").first()
    for index, person in enumerate(DEMO_PATIENTS):
        data = _identity(index, person)
        patient = Patient.objects.filter(
            given_name=person.given_name, family_name=person.family_name, date_of_birth=data["date_of_birth"]
        ).first()
        if patient is None:
            patient = patient_services.patient_create(data=data, created_by=front_desk, submission_key=uuid.uuid4())
            # A demo clinic that has been running for a while: registered before their first visit.
            registered = timezone.now() - timedelta(days=60 + index * 5)
            Patient.objects.filter(pk=patient.pk).update(created_at=registered, updated_at=registered)
            patient.refresh_from_db()
            created += 1
        if person.consent and text_version and not patient.consents.exists():
            _seed_consent(patient, person, text_version, physiotherapists[index % len(physiotherapists)], index)
    return created


def _seed_consent(
    patient: Patient, person: DemoPatient, text_version: ConsentTextVersion, clinician: User, index: int
) -> Consent:
    day = timezone.localdate() - timedelta(days=10 + index * 3)
    given_at = timezone.make_aware(datetime.combine(day, time(9 + index % 8, 15)))
    consent = patient_services.consent_record(
        patient=patient,
        text_version=text_version,
        clinician=clinician,
        form=ConsentForm.WRITTEN if index % 2 else ConsentForm.VERBAL,
        regions=[region.value for region in person.consent],
        includes_paraspinal=True,
        patient_specific_risks="",
        alternatives_discussed=True,
        stop_signal_agreed=True,
        questions_and_answers="Asked how many sessions are usual: usually 4 to 8, reviewed after 3.",
        has_capacity=True,
        signed_name=f"{patient.given_name} {patient.family_name}" if index % 2 else "",
        patient_ticked=bool(index % 2),
        given_at=given_at,
        submission_key=uuid.uuid4(),
    )
    if person.consent_withdrawn:
        consent = patient_services.consent_withdraw(
            consent=consent, withdrawn_by=clinician, reason="Prefers to continue with exercise only."
        )
    return consent


ALL_NO: dict[str, Any] = {
    "A1": "no", "B1": "no", "B2": ["none"], "C1": "no", "D1": "no", "E1": ["none"],
    "F1": "no", "F2": "no", "F3": "no", "F4": "no", "G1": ["none"], "G2": "no",
    "H1": "no", "H2": "no", "H3": ["none"], "H4": ["none"], "H5": "no", "H6": "no", "H7": "no",
    "H8": "no", "H9": "no", "H10": "no", "H11": "no", "H12": "no", "Z1": True,
}  # fmt: skip


def _questionnaire_answers(kind: str) -> dict[str, Any]:
    today = timezone.localdate()
    changes: dict[str, Any] = {
        "all_no": {},
        "warfarin": {
            "A1": "yes",
            "A2": ["warfarin"],
            "A3": "2.6",
            "A4": (today - timedelta(days=3)).isoformat(),
            "A5": ["2", "3"],
        },
        "lymphoedema": {"H2": "yes", "H2_WHERE": ["left_arm"]},
        "not_sure": {"A1": "not_sure", "A2": ["unknown"], "F1": "not_sure"},
        "draft": {},
    }[kind]
    return {**ALL_NO, **changes}


# Demo patients (by index in DEMO_PATIENTS) and the state of their safety questionnaire.
DEMO_QUESTIONNAIRES = {
    0: "completed:all_no",
    1: "completed:warfarin",
    3: "completed:lymphoedema",
    4: "completed:not_sure",
    6: "sent",
    7: "opened",
    8: "expired",
    9: "revoked",
    10: "locked",
    13: "completed:warfarin",
    16: "completed:all_no",
    22: "completed:all_no",
    28: "completed:all_no",
}


def seed_questionnaires(*, front_desk: User, physiotherapist: User) -> int:
    """Questionnaires in every state, for the demo patients that have none yet."""
    created = 0
    for index, state in DEMO_QUESTIONNAIRES.items():
        person = DEMO_PATIENTS[index]
        patient = Patient.objects.get(
            given_name=person.given_name, family_name=person.family_name, date_of_birth=date.fromisoformat(person.born)
        )
        if patient.questionnaire_links.exists():
            continue
        _seed_questionnaire(patient, state, front_desk, physiotherapist)
        created += 1
    return created


def _seed_questionnaire(patient: Patient, state: str, front_desk: User, physiotherapist: User) -> None:
    link, _ = patient_services.questionnaire_link_issue(
        patient=patient, issued_by=front_desk, link_url=str, submission_key=uuid.uuid4(), send_email=False
    )
    kind, _, answers_kind = state.partition(":")
    if kind == "sent":
        return
    if kind == "expired":
        issued = timezone.now() - timedelta(days=20)
        QuestionnaireLink.objects.filter(pk=link.pk).update(created_at=issued, expires_at=issued + timedelta(days=14))
        return
    if kind == "revoked":
        patient_services.questionnaire_link_revoke(link=link, revoked_by=front_desk, reason="Wrong e-mail address")
        return
    if kind == "locked":
        for _ in range(settings.CLINIC_QUESTIONNAIRE_DOB_TRIES):
            patient_services.questionnaire_confirm_date_of_birth(link=link, date_of_birth=date(1900, 1, 1))
        return
    patient_services.questionnaire_link_opened(link=link)
    patient_services.questionnaire_confirm_date_of_birth(link=link, date_of_birth=patient.date_of_birth)
    answers = _questionnaire_answers(answers_kind or "draft")
    if kind == "opened":
        patient_services.questionnaire_save_answers(link=link, answers={"A1": "no", "B1": "no"})
        return
    answers["Z1_NAME"] = f"{patient.given_name} {patient.family_name}"
    patient_services.questionnaire_save_answers(link=link, answers=answers)
    response = patient_services.questionnaire_submit(link=link)
    if answers_kind == "lymphoedema":
        # The physiotherapist has gone through this one with the patient; the others wait for review.
        for flag in response.flags.all():
            if flag.is_open:
                patient_services.safety_flag_acknowledge(
                    flag=flag,
                    acknowledged_by=physiotherapist,
                    note="Discussed at the desk: no needling of the left arm.",
                )


# --- Scheduling: practitioners, appointment types and two weeks of bookings around today ---------

DEMO_HOURS = ((time(8), time(12)), (time(13), time(17)))  # Monday to Friday
# name, kind, minutes, buffer minutes after, colour
DEMO_APPOINTMENT_TYPES = (
    ("Initial IMS assessment", "initial_assessment", 60, 15, "purple"),
    ("IMS treatment", "treatment", 30, 0, "teal"),
    ("Reassessment", "reassessment", 45, 0, "orange"),
)
# A full day: (start, index in DEMO_APPOINTMENT_TYPES); some slots stay free each day.
DEMO_DAY = (
    (time(8), 0), (time(9, 15), 1), (time(9, 45), 1), (time(10, 30), 2), (time(11, 15), 1),
    (time(13), 1), (time(13, 30), 0), (time(14, 45), 1), (time(15, 30), 2), (time(16, 15), 1),
)  # fmt: skip
DEMO_COLOURS = ("blue", "green")


def seed_bookings(*, front_desk: User, physiotherapists: list[User], days: int = 7) -> int:
    """Practitioner profiles, hours, the three types, and bookings from `days` before to `days` after today.

    Idempotent: a practitioner's day that already has an appointment is left alone. Written directly (not
    through the booking service), since the past cannot be booked; the layout never overlaps.
    """
    from scheduling.models import Appointment, AppointmentStatus, AppointmentType, Practitioner, WorkingHours

    types = []
    for name, kind, minutes, buffer, colour in DEMO_APPOINTMENT_TYPES:
        appointment_type, _ = AppointmentType.objects.get_or_create(
            name=name, defaults={"kind": kind, "duration_minutes": minutes, "buffer_minutes": buffer, "colour": colour}
        )
        types.append(appointment_type)
    practitioners = []
    for index, user in enumerate(physiotherapists):
        practitioner, _created = Practitioner.objects.get_or_create(
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

    patients = list(Patient.objects.filter(is_archived=False).order_by("id")[: len(DEMO_PATIENTS)])
    if not patients:
        return 0
    now, today, created = timezone.now(), timezone.localdate(), 0
    for offset in range(-days, days + 1):
        day = today + timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        for p_index, practitioner in enumerate(practitioners):
            if Appointment.objects.filter(practitioner=practitioner).on_days(day, day).exists():
                continue
            for slot, (start, type_index) in enumerate(DEMO_DAY):
                if (day.toordinal() + slot + p_index) % 4 == 0:
                    continue  # leave some time free
                appointment_type = types[type_index]
                starts_at = timezone.make_aware(datetime.combine(day, start))
                ends_at = starts_at + appointment_type.duration
                # The same slot of the two practitioners never holds the same patient.
                patient = patients[(day.toordinal() * 7 + slot * 3 + p_index * 11) % len(patients)]
                turn = day.toordinal() + slot * 5 + p_index
                status, extra = AppointmentStatus.BOOKED, {}
                if turn % 13 == 0:
                    status = AppointmentStatus.CANCELLED
                    extra = {"cancelled_by": front_desk, "cancelled_at": starts_at - timedelta(days=1),
                             "cancellation_reason": "Patient called: unwell"}  # fmt: skip
                elif ends_at <= now:
                    status = AppointmentStatus.NO_SHOW if turn % 11 == 0 else AppointmentStatus.COMPLETED
                elif starts_at <= now:
                    status, extra = AppointmentStatus.ARRIVED, {"arrived_at": starts_at - timedelta(minutes=5)}
                Appointment.objects.create(
                    patient=patient,
                    practitioner=practitioner,
                    appointment_type=appointment_type,
                    starts_at=starts_at,
                    ends_at=ends_at,
                    blocked_until=ends_at + appointment_type.buffer,
                    status=status,
                    booked_by=front_desk,
                    booked_at=starts_at - timedelta(days=14),
                    front_desk_note="Needs the ground-floor room" if turn % 17 == 0 else "",
                    **extra,
                )
                created += 1
    return created


def _demo_patient(index: int) -> Patient:
    person = DEMO_PATIENTS[index]
    return Patient.objects.get(
        given_name=person.given_name, family_name=person.family_name, date_of_birth=date.fromisoformat(person.born)
    )


def seed_assessments(*, physiotherapist: User, colleague: User) -> int:
    """A signed evaluation of lateral elbow pain (C5-C6) and a draft one of low back pain (L5-S1)."""
    created = 0
    elbow_patient, back_patient = _demo_patient(3), _demo_patient(1)
    if not elbow_patient.assessments.exists():
        _seed_elbow(elbow_patient, physiotherapist)
        created += 1
    if not back_patient.assessments.exists():
        _seed_low_back(back_patient, colleague)
        created += 1
    return created


def _seed_elbow(patient: Patient, physiotherapist: User) -> None:
    assessment = assessment_services.assessment_start(patient=patient, physiotherapist=physiotherapist)
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
    record.assessment_sign(assessment=assessment, signed_by=physiotherapist, version=assessment.version)
    # Assessed a week before the first treatment of the demo course.
    assessed = timezone.now() - timedelta(days=7 * 7)
    Assessment.objects.filter(pk=assessment.pk).update(started_at=assessed, signed_at=assessed + timedelta(hours=1))


def _seed_low_back(patient: Patient, physiotherapist: User) -> None:
    assessment = assessment_services.assessment_start(patient=patient, physiotherapist=physiotherapist)
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


@dataclass(frozen=True)
class DemoCourse:
    patient_index: int
    sites: tuple[tuple[str, str, str], ...]  # (muscle, side, level)
    pain: tuple[tuple[int, int], ...]  # (before, after) per session
    instrument: str
    scores: tuple[float, ...]
    adverse_event: tuple[int, str] | None = None  # (session number, event type) of a minor event


DEMO_COURSES = (
    DemoCourse(
        3,
        (("extensor-carpi-radialis-brevis", "R", ""), ("supinator", "R", ""), ("cervical-multifidus-rotatores", "R", "C6")),
        ((7, 4), (6, 4), (5, 3), (4, 2), (3, 2), (2, 1)),
        "QuickDASH",
        (45.5, 40.9, 31.8, 27.3, 20.5, 15.9),
    ),
    DemoCourse(
        0,
        (("upper-trapezius", "R", ""), ("levator-scapulae", "R", ""), ("cervical-multifidus-rotatores", "R", "C4")),
        ((6, 5), (6, 5), (7, 5), (6, 6)),
        "NDI",
        (18, 19, 17, 18),
        adverse_event=(2, "bruising"),
    ),
    DemoCourse(
        22,
        (("gluteus-medius", "L", ""), ("piriformis", "L", ""), ("lumbar-multifidus", "L", "L5")),
        ((8, 6), (7, 5), (7, 5), (6, 4), (5, 4), (4, 3), (4, 2), (3, 2)),
        "LEFS",
        (30, 34, 37, 41, 46, 50, 55, 58),
        adverse_event=(3, "pain_after"),
    ),
    DemoCourse(
        16,
        (("rhomboids", "R", ""), ("infraspinatus", "R", "")),
        ((5, 4), (5, 3), (4, 3), (4, 3), (3, 2)),
        "PSFS",
        (3.7, 4.3, 5.0, 6.0, 6.7),
    ),
)  # fmt: skip


def seed_courses(*, physiotherapist: User) -> int:
    """Courses of 4 to 8 signed IMS treatments, improving and not, with some minor adverse events."""
    created = 0
    for course in DEMO_COURSES:
        patient = _demo_patient(course.patient_index)
        if patient.treatment_sessions.exists():
            continue
        _seed_course(patient, course, physiotherapist)
        created += 1
    return created


def _seed_course(patient: Patient, course: DemoCourse, physiotherapist: User) -> None:
    record = assessment_services
    first_day = timezone.localdate() - timedelta(days=7 * len(course.pain))
    for number, (before, after) in enumerate(course.pain, start=1):
        moment = timezone.make_aware(datetime.combine(first_day + timedelta(days=7 * (number - 1)), time(10, 0)))
        session = record.session_start(patient=patient, physiotherapist=physiotherapist)
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
                "position": "prone" if course.sites[0][2] else "side_lying_left",
                "needle_diameter_mm": Decimal("0.25"),
                "needle_length_mm": 40,
                "technique": "pecking",
            },
        )
        for muscle, side, level in course.sites:
            record.needled_site_add(
                session=session, muscle=muscle, side=side, level=level, insertions=3, twitch="several", grasp=True
            )
        SafetyRecheck.objects.filter(pk=recheck.pk).update(asked_at=moment)  # each visit on its own day
        session.refresh_from_db()
        session = record.session_save_fields(
            session=session,
            version=session.version,
            data={
                "pain_after": after,
                "needles_accounted_for": True,
                "plan": "Continue weekly; reassess at session 3.",
            },
        )
        score = course.scores[number - 1]
        record.outcome_record(
            patient=patient, session=session, instrument=course.instrument, total=score, recorded_by=physiotherapist
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
        if number < len(course.pain):
            session.refresh_from_db()
            record.session_sign(session=session, signed_by=physiotherapist, version=session.version)
        TreatmentSession.objects.filter(pk=session.pk).update(started_at=moment)
        OutcomeMeasure.objects.filter(session=session).update(recorded_at=moment)
