"""The clinic's data as CSV files in one zip, for spreadsheets and research.

Pseudonymised, a patient is a stable pseudonym (an HMAC of their id under the site's secret key: the
same patient gets the same pseudonym in every export while the key stays), with the year of birth
only, and no name, contact, address, health number or free text. Each table is read with a fixed
number of queries, streamed in chunks.
"""

from __future__ import annotations

import csv
import io
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, time
from typing import IO, Any

from django.db.models import Count
from django.utils import timezone
from django.utils.crypto import salted_hmac

from assessments.models import AdverseEvent, NeedledSite, OutcomeMeasure, TreatmentSession
from patients.models import Patient
from scheduling.models import Appointment

CHUNK = 2000
# A cell a spreadsheet would read as a formula is written as text (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# The salt keeps the module's old path: a new one would give every patient a new pseudonym.
PSEUDONYM_SALT = "ims_clinic.records.pseudonym"


def pseudonym(patient_id: int) -> str:
    return "P-" + salted_hmac(PSEUDONYM_SALT, str(patient_id)).hexdigest()[:16]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).isoformat(timespec="minutes")
    elif isinstance(value, date | time):
        value = value.isoformat()
    text = str(value)
    if isinstance(value, bool):
        text = "yes" if value else "no"
    return "'" + text if text.startswith(FORMULA_STARTS) and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


class Table:
    def __init__(self, name: str, header: list[str], rows: Callable[[Callable[[int], str]], Iterable[list[Any]]]):
        self.name = name
        self.header = header
        self.rows = rows


def _patients(pseudonymised: bool) -> Table:
    if pseudonymised:
        header = ["patient", "year_of_birth", "administrative_sex", "province", "is_archived", "registered_on"]

        def rows(who: Callable[[int], str]) -> Iterator[list[Any]]:
            fields = ("pk", "date_of_birth", "administrative_sex", "province", "is_archived", "created_at")
            for pk, born, sex, province, archived, created in (
                Patient.objects.order_by("pk").values_list(*fields).iterator(CHUNK)
            ):
                yield [who(pk), born.year, sex, province, archived, timezone.localtime(created).date()]

        return Table("patients.csv", header, rows)
    fields = [
        "pk", "given_name", "family_name", "preferred_name", "date_of_birth", "administrative_sex", "pronouns",
        "phone", "email", "preferred_contact_method", "address_line1", "address_line2", "city", "province",
        "postal_code", "health_number", "health_number_province", "emergency_contact_name",
        "emergency_contact_relationship", "emergency_contact_phone", "family_doctor", "referred_by",
        "is_archived", "created_at",
    ]  # fmt: skip

    def identified_rows(_who: Callable[[int], str]) -> Iterator[list[Any]]:
        for row in Patient.objects.order_by("pk").values_list(*fields).iterator(CHUNK):
            yield list(row)

    return Table("patients.csv", ["patient", *fields[1:]], identified_rows)


def _appointments(pseudonymised: bool) -> Table:
    header = ["appointment", "patient", "practitioner", "appointment_type", "kind", "starts_at", "ends_at", "status"]
    if not pseudonymised:
        header += ["front_desk_note", "cancellation_reason"]

    def rows(who: Callable[[int], str]) -> Iterator[list[Any]]:
        appointments = Appointment.objects.select_related("practitioner", "appointment_type").order_by("pk")
        for item in appointments.iterator(CHUNK):
            row = [
                item.pk, who(item.patient_id), item.practitioner.display_name, item.appointment_type.name,
                item.appointment_type.kind, item.starts_at, item.ends_at, item.status,
            ]  # fmt: skip
            if not pseudonymised:
                row += [item.front_desk_note, item.cancellation_reason]
            yield row

    return Table("appointments.csv", header, rows)


def _sessions(_pseudonymised: bool) -> Table:
    header = [
        "session", "patient", "physiotherapist", "started_at", "status", "pain_before", "pain_after", "position",
        "technique", "needle_diameter_mm", "needle_length_mm", "needled_sites", "adverse_events", "broken_needle",
    ]  # fmt: skip

    def rows(who: Callable[[int], str]) -> Iterator[list[Any]]:
        sessions = (
            TreatmentSession.objects.select_related("physiotherapist")
            .annotate(site_count=Count("sites", distinct=True), event_count=Count("adverse_events", distinct=True))
            .order_by("pk")
        )
        for item in sessions.iterator(CHUNK):
            yield [
                item.pk, who(item.patient_id), item.physiotherapist.get_full_name() or item.physiotherapist.username,
                item.started_at, item.status, item.pain_before, item.pain_after, item.position, item.technique,
                item.needle_diameter_mm, item.needle_length_mm, item.site_count, item.event_count, item.broken_needle,
            ]  # fmt: skip

    return Table("treatment_sessions.csv", header, rows)


def _sites(_pseudonymised: bool) -> Table:
    header = [
        "site", "session", "patient", "muscle", "side", "level", "insertions", "depth", "depth_mm", "twitch",
        "grasp", "familiar_pain", "bleeding", "needle_diameter_mm", "needle_length_mm", "recorded_at",
    ]  # fmt: skip

    def rows(who: Callable[[int], str]) -> Iterator[list[Any]]:
        sites = NeedledSite.objects.select_related("session").order_by("pk")
        for site in sites.iterator(CHUNK):
            yield [
                site.pk, site.session_id, who(site.session.patient_id), site.muscle, site.side, site.level,
                site.insertions, site.depth, site.depth_mm, site.twitch, site.grasp, site.familiar_pain, site.bleeding,
                site.needle_diameter_mm, site.needle_length_mm, site.recorded_at,
            ]  # fmt: skip

    return Table("needled_sites.csv", header, rows)


def _adverse_events(_pseudonymised: bool) -> Table:
    header = ["adverse_event", "session", "patient", "event_type", "event_class", "onset", "reported_at"]

    def rows(who: Callable[[int], str]) -> Iterator[list[Any]]:
        events = AdverseEvent.objects.select_related("session").order_by("pk")
        for event in events.iterator(CHUNK):
            yield [
                event.pk, event.session_id, who(event.session.patient_id), event.event_type, event.event_class,
                event.onset, event.reported_at,
            ]  # fmt: skip

    return Table("adverse_events.csv", header, rows)


def _outcomes(_pseudonymised: bool) -> Table:
    header = [
        "outcome", "patient", "session", "instrument", "score", "raw_sum", "items_answered", "band",
        "scoring_version", "recorded_at",
    ]  # fmt: skip

    def rows(who: Callable[[int], str]) -> Iterator[list[Any]]:
        for item in OutcomeMeasure.objects.order_by("pk").iterator(CHUNK):
            yield [
                item.pk, who(item.patient_id), item.session_id, item.instrument, round(item.score, 2), item.raw_sum,
                item.answered, item.band, item.scoring_version, item.recorded_at,
            ]  # fmt: skip

    return Table("outcome_scores.csv", header, rows)


TABLES = (_patients, _appointments, _sessions, _sites, _adverse_events, _outcomes)

README = """{clinic} data export, made {made}.

{mode}

Files: patients.csv, appointments.csv, treatment_sessions.csv, needled_sites.csv, adverse_events.csv,
outcome_scores.csv. One row per record; the "patient" column links the files. Times are in the
clinic's time zone (ISO 8601). Cells that a spreadsheet would read as a formula start with an
apostrophe.
"""
PSEUDONYMISED = (
    "PSEUDONYMISED: patients appear as a stable pseudonym (the same in every export from this clinic "
    "while its secret key is unchanged), with the year of birth only. No names, contact details, "
    "addresses, health numbers or free-text notes are included. Treat the files as confidential all "
    "the same: dates and rare combinations can still identify a person."
)
IDENTIFIED = "IDENTIFIED: these files name the patients and hold their contact details. Keep them secure."


def write_zip(target: IO[bytes], *, pseudonymised: bool, clinic: str) -> None:
    who: Callable[[int], str] = pseudonym if pseudonymised else str
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        made = timezone.localtime().isoformat(timespec="minutes")
        mode = PSEUDONYMISED if pseudonymised else IDENTIFIED
        archive.writestr("README.txt", README.format(clinic=clinic, made=made, mode=mode))
        for build in TABLES:
            table = build(pseudonymised)
            with archive.open(table.name, "w") as raw:
                text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
                writer = csv.writer(text)
                writer.writerow(table.header)
                for row in table.rows(who):
                    writer.writerow([_cell(value) for value in row])
                text.flush()
                text.detach()


def clinic_zip(*, pseudonymised: bool, clinic: str) -> IO[bytes]:
    """The zip in a temporary file (in memory while small), rewound for reading."""
    target = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 (the response closes it)
    write_zip(target, pseudonymised=pseudonymised, clinic=clinic)
    target.seek(0)
    return target
