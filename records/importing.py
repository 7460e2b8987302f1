"""Patients from another system's CSV file: a preview of every row, then all or nothing.

Each row is checked by the registration form's own rules (PatientForm) and against the registry for
possible duplicates (patients.services.patient_possible_duplicates), and against the rows above it.
Nothing is saved by the preview. The import itself runs in one transaction, each row through
patients.services.patient_create with a fresh submission key: one bad row and nothing is saved.
"""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.submissions import claim_submission, complete_submission
from patients import identity
from patients import services as patient_services
from patients.forms import PatientForm
from patients.models import Patient

MAX_FILE_BYTES = 1024 * 1024
MAX_ROWS = 1000
MAX_CELL_LENGTH = 1000
COLUMNS = tuple(PatientForm.Meta.fields)
REQUIRED_COLUMNS = ("given_name", "family_name", "date_of_birth")
# Headers other systems use for our columns (compared after lower-casing, spaces and dashes as underscores).
ALIASES = {
    "first_name": "given_name",
    "firstname": "given_name",
    "last_name": "family_name",
    "lastname": "family_name",
    "surname": "family_name",
    "dob": "date_of_birth",
    "birth_date": "date_of_birth",
    "birthdate": "date_of_birth",
    "sex": "administrative_sex",
    "gender": "administrative_sex",
    "postcode": "postal_code",
    "phn": "health_number",
    "address": "address_line1",
}
# The salt keeps the module's old path, so a preview made before the move can still be confirmed.
PAYLOAD_SALT = "ims_clinic.records.import"
PAYLOAD_MAX_AGE = 60 * 60  # seconds a preview stays valid


class ImportFileError(ValueError):
    """The file as a whole cannot be read (not text, not CSV, no usable header, too big)."""


@dataclass
class ImportRow:
    number: int  # the line in the file, counting the header as line 1
    values: dict[str, str]
    cleaned: dict[str, Any] | None = None
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column, message)
    duplicates: list[patient_services.PossibleDuplicate] = field(default_factory=list)
    same_as_row: int | None = None

    @property
    def display_name(self) -> str:
        return " ".join(filter(None, [self.values.get("given_name", ""), self.values.get("family_name", "")]))

    @property
    def is_possible_duplicate(self) -> bool:
        return bool(self.duplicates) or self.same_as_row is not None


@dataclass
class ImportPreview:
    rows: list[ImportRow]
    ignored_columns: list[str]

    @property
    def error_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if row.errors]

    @property
    def duplicate_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if not row.errors and row.is_possible_duplicate]

    @property
    def can_import(self) -> bool:
        return bool(self.rows) and not self.error_rows


def decode(data: bytes) -> str:
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(_("The file is larger than 1 MB. Split it into smaller files."))
    if b"\x00" in data:
        raise ImportFileError(_("This is not a CSV text file. Export the patients as CSV (comma-separated values)."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(_("The file is not UTF-8 text. Save it as CSV UTF-8 and upload it again.")) from None


def _column(header: str) -> str:
    name = header.strip().lower().replace(" ", "_").replace("-", "_")
    return ALIASES.get(name, name)


def read_rows(text: str) -> tuple[list[dict[str, str]], list[str]]:
    """The rows as {column: value}, and the header names that are not ours (ignored)."""
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        reader = csv.reader(io.StringIO(text), dialect)
        header = next(reader, None)
        if not header:
            raise ImportFileError(_("The file is empty. The first line names the columns."))
        columns = [_column(name) for name in header]
        missing = [name for name in REQUIRED_COLUMNS if name not in columns]
        if missing:
            raise ImportFileError(
                _("The first line must name the columns; these are missing: %(missing)s.")
                % {"missing": ", ".join(missing)}
            )
        if len(set(columns)) != len(columns):
            raise ImportFileError(_("A column is named twice in the first line."))
        rows: list[dict[str, str]] = []
        for values in reader:
            if not any(value.strip() for value in values):
                continue
            if len(rows) >= MAX_ROWS:
                raise ImportFileError(_("The file has more than %(max)d patients. Split it.") % {"max": MAX_ROWS})
            rows.append({name: values[i].strip() if i < len(values) else "" for i, name in enumerate(columns)})
    except csv.Error as error:
        raise ImportFileError(_("The file is not valid CSV: %(error)s.") % {"error": error}) from None
    return rows, [name for name in columns if name not in COLUMNS]


def _form_data(values: dict[str, str]) -> dict[str, str]:
    data = {name: values.get(name, "") for name in COLUMNS}
    data["administrative_sex"] = (data["administrative_sex"] or "unknown").lower()
    data["province"] = (data["province"] or "BC").upper()
    data["health_number_province"] = (data["health_number_province"] or data["province"]).upper()
    method = data["preferred_contact_method"].lower()
    data["preferred_contact_method"] = method or ("email" if data["email"] and not data["phone"] else "phone")
    return data


def _check_row(row: ImportRow) -> None:
    too_long = [name for name, value in row.values.items() if len(value) > MAX_CELL_LENGTH]
    if too_long:
        row.errors = [(name, _("This value is too long.")) for name in too_long]
        return
    form = PatientForm(data=_form_data(row.values))
    if form.is_valid():
        row.cleaned = form.cleaned_data
        return
    for name, messages in form.errors.items():
        for message in messages:
            row.errors.append((name if name != "__all__" else "", str(message)))


def _mark_duplicates(rows: list[ImportRow]) -> None:
    """Possible duplicates in the registry (the registration's own rule) and between rows of the file."""
    valid = [(row, row.cleaned) for row in rows if row.cleaned]
    dates = {cleaned["date_of_birth"] for _row, cleaned in valid}
    phones = {identity.digits(cleaned["phone"]) for _row, cleaned in valid if cleaned["phone"]}
    # One query decides which rows could match anyone; only those ask the registration's duplicate check.
    known = list(
        Patient.objects.filter(Q(date_of_birth__in=dates) | Q(phone_digits__in=phones)).values_list(
            "date_of_birth", "phone_digits"
        )
    )
    known_dates = {born for born, _digits in known}
    known_phones = {digits for _born, digits in known if digits}
    seen: dict[tuple[Any, str], int] = {}
    seen_phones: dict[str, int] = {}
    for row, data in valid:
        phone = identity.digits(data["phone"])
        if data["date_of_birth"] in known_dates or phone in known_phones:
            row.duplicates = patient_services.patient_possible_duplicates(data=data)
        key = (data["date_of_birth"], identity.fold(data["family_name"]))
        row.same_as_row = seen.get(key) or (seen_phones.get(phone) if phone else None)
        seen.setdefault(key, row.number)
        if phone:
            seen_phones.setdefault(phone, row.number)


def import_preview(*, text: str) -> ImportPreview:
    """What importing this file would do, row by row; saves nothing. Raises ImportFileError for a bad file."""
    values, ignored = read_rows(text)
    rows = [ImportRow(number=index + 2, values=row) for index, row in enumerate(values)]
    if not rows:
        raise ImportFileError(_("The file has a header line but no patients."))
    for row in rows:
        _check_row(row)
    _mark_duplicates(rows)
    return ImportPreview(rows=rows, ignored_columns=ignored)


def sign_payload(text: str) -> str:
    return signing.dumps(text, salt=PAYLOAD_SALT, compress=True)


def unsign_payload(payload: str) -> str:
    """The file text the preview showed; ValueError when expired or changed."""
    try:
        return signing.loads(payload, salt=PAYLOAD_SALT, max_age=PAYLOAD_MAX_AGE)
    except signing.BadSignature:
        raise ValueError(_("This preview has expired or was changed. Upload the file again.")) from None


class ImportRejected(Exception):
    def __init__(self, preview: ImportPreview | None, message: str) -> None:
        super().__init__(message)
        self.preview = preview
        self.message = message


@transaction.atomic
def patients_import(
    *, text: str, imported_by: User, submission_key: uuid.UUID, include_duplicates: set[int], result_url: str
) -> list[Patient]:
    """Register every row (possible duplicates only when ticked), or none: one transaction for the file."""
    claim = claim_submission(key=submission_key, user=imported_by)
    preview = import_preview(text=text)
    if not preview.can_import:
        raise ImportRejected(preview, _("Correct the rows with errors in the file, then upload it again."))
    created = []
    for row in preview.rows:
        if row.is_possible_duplicate and row.number not in include_duplicates:
            continue
        try:
            created.append(
                # can_import above: every row is valid, so each has its cleaned data.
                patient_services.patient_create(
                    data=row.cleaned,  # type: ignore[arg-type]
                    created_by=imported_by,
                    submission_key=uuid.uuid4(),
                )
            )
        except ValidationError as error:
            raise ImportRejected(
                preview, _("Line %(line)d: %(error)s") % {"line": row.number, "error": error}
            ) from None
    complete_submission(claim, result_url)
    return created
