"""The records that are signed with a SHA-256 digest of their content, and how to recompute each digest.

`manage.py verify_records` walks this registry. A new kind of signed record joins with one line:
its model, the digest function its signing service used, and the field holding the stored digest.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import islice

from django.db import models

from assessments import services as assessment_services
from assessments.models import Assessment, TreatmentSession

from . import letters
from .models import Letter


@dataclass(frozen=True)
class SignedRecordKind:
    model: type[models.Model]
    digest: Callable[..., str]  # digest(record, rows): what the signing service computed
    rows: dict[str, tuple[str, tuple[str, ...]]]  # the related rows the digest covers (see assessments.services)
    digest_field: str = "content_digest"
    signer_field: str = "signed_by"  # who signed it

    def signed(self) -> models.QuerySet:
        """Every record that carries a digest: signed, and also signed then marked entered in error."""
        return self.model._default_manager.exclude(**{self.digest_field: ""}).order_by("pk")

    def digests(self, records: list[models.Model]) -> dict[object, str]:
        """The digest of each record, its rows read for all of them at once (a query per kind of row)."""
        rows = assessment_services.signed_rows_of_many(records, self.rows)
        return {record.pk: self.digest(record, rows[record.pk]) for record in records}


SIGNED_RECORDS: list[SignedRecordKind] = [
    SignedRecordKind(Assessment, assessment_services.content_digest, assessment_services.ASSESSMENT_SIGNED_ROWS),
    SignedRecordKind(
        TreatmentSession, assessment_services.session_content_digest, assessment_services.SESSION_SIGNED_ROWS
    ),
    SignedRecordKind(Letter, letters.letter_content_digest, {}, signer_field="author"),  # only its author signs
]
BATCH = 500


@dataclass(frozen=True)
class Mismatch:
    label: str
    pk: object
    stored: str
    recomputed: str


def verify(kinds: list[SignedRecordKind] | None = None) -> Iterator[tuple[str, int, list[Mismatch]]]:
    """For each kind: its label, how many records were checked, and those whose digest no longer matches."""
    for kind in SIGNED_RECORDS if kinds is None else kinds:
        checked, mismatches = 0, []
        records = kind.signed().iterator(chunk_size=BATCH)
        while batch := list(islice(records, BATCH)):
            recomputed = kind.digests(batch)
            for signed in batch:
                stored = getattr(signed, kind.digest_field)
                if recomputed[signed.pk] != stored:
                    mismatches.append(Mismatch(kind.model._meta.label, signed.pk, stored, recomputed[signed.pk]))
            checked += len(batch)
        yield kind.model._meta.label, checked, mismatches


RECENT_DAYS = 7  # the Today page checks the records signed this long ago or since
RECENT_LIMIT = 200  # and at most this many of each kind, newest first: the nightly run checks every one


@dataclass(frozen=True)
class FailedRecord:
    record: models.Model
    kind: str  # in words
    signed_by: object  # the user who signed it


def verify_recent(*, since: datetime, limit: int = RECENT_LIMIT) -> tuple[int, list[FailedRecord]]:
    """Recompute the digests of the records signed since `since` (at most `limit` of each kind, newest first).

    How many were checked and those that no longer match: per kind one query for the records and one per kind
    of signed row, so a fixed number of queries and at most `limit` records of work however large the clinic.
    """
    checked, failed = 0, []
    for kind in SIGNED_RECORDS:
        records = list(
            kind.signed()
            .filter(signed_at__gte=since)
            .select_related(kind.signer_field)
            .order_by("-signed_at", "-pk")[:limit]
        )
        recomputed = kind.digests(records)
        checked += len(records)
        failed += [
            FailedRecord(record, str(kind.model._meta.verbose_name).capitalize(), getattr(record, kind.signer_field))
            for record in records
            if recomputed[record.pk] != getattr(record, kind.digest_field)
        ]
    return checked, failed
