"""The demo clinic's patients and consents: fictional people, 555-01xx phones, example.com e-mail."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from patients import services as patient_services
from patients.identity import BC_PHN_WEIGHTS, fold
from patients.models import Consent, ConsentForm, ConsentTextVersion, Patient
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
    DemoPatient("Chloé", "Tremblay", "1984-03-12", "female", "Vancouver", consent=(BodyRegion.HEAD_NECK, BodyRegion.UPPER_BACK)),
    DemoPatient("José", "Álvarez", "1971-11-02", "male", "Burnaby", consent=(BodyRegion.LUMBOSACRAL, BodyRegion.BUTTOCK)),
    DemoPatient("Zoë", "O'Connor", "1995-06-21", "female", "Vancouver", pronouns="she/her", contact="text"),
    DemoPatient("Mohammed", "Al-Farsi", "1968-09-30", "male", "Surrey", consent=(BodyRegion.UPPER_LIMB,)),
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
    DemoPatient("Mateo", "Rossi", "1964-02-29", "male", "Burnaby", consent=(BodyRegion.UPPER_BACK, BodyRegion.UPPER_LIMB)),
    DemoPatient("Noémie", "Lefèvre", "1977-08-19", "female", "Vancouver"),
    DemoPatient("Darius", "Karimi", "1983-11-11", "male", "North Vancouver", contact="text"),
    DemoPatient("Ingrid", "Sørensen", "1960-10-31", "female", "Delta"),
    DemoPatient("Tenzin", "Dorje", "1991-04-04", "non-binary", "Vancouver", pronouns="they/them"),
    DemoPatient("Olumide", "Adeyemi", "1973-07-22", "male", "Burnaby"),
    DemoPatient("Renée", "Bouchard", "1955-01-07", "female", "Richmond", consent=(BodyRegion.BUTTOCK, BodyRegion.LOWER_LIMB)),
    DemoPatient("Ethan", "Wong", "2004-09-15", "male", "Vancouver", contact="text"),
    DemoPatient("Sophie", "Müller", "1988-05-05", "female", "Port Moody", contact="email"),
    DemoPatient("Carlos", "Peña", "1966-03-03", "male", "Surrey"),
    DemoPatient("Ananya", "Iyer", "1997-02-12", "female", "Vancouver"),
    DemoPatient("William", "Gray", "1942-11-30", "male", "White Rock", preferred_name="Bill"),
    DemoPatient("Mei-Ling", "Chen", "1981-06-18", "female", "Richmond", consent=(BodyRegion.HEAD_NECK, BodyRegion.UPPER_BACK)),
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


def seed_patients(*, front_desk: Any, physiotherapists: list[Any]) -> int:
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
    patient: Patient, person: DemoPatient, text_version: ConsentTextVersion, clinician: Any, index: int
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
