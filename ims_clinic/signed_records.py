"""The records that are signed with a SHA-256 digest of their content, and how to recompute each digest.

`manage.py verify_records` walks this registry. A new kind of signed record joins with one line:
its model, the digest function its signing service used, and the field holding the stored digest.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db import models

from assessments import services as assessment_services
from assessments.models import Assessment, TreatmentSession


@dataclass(frozen=True)
class SignedRecordKind:
    model: type[models.Model]
    digest: Callable[[models.Model], str]
    digest_field: str = "content_digest"

    def signed(self) -> models.QuerySet:
        """Every record that carries a digest: signed, and also signed then marked entered in error."""
        return self.model._default_manager.exclude(**{self.digest_field: ""}).order_by("pk")


SIGNED_RECORDS: list[SignedRecordKind] = [
    SignedRecordKind(Assessment, assessment_services.content_digest),
    SignedRecordKind(TreatmentSession, assessment_services.session_content_digest),
]


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
        for record in kind.signed().iterator(chunk_size=500):
            checked += 1
            stored = getattr(record, kind.digest_field)
            recomputed = kind.digest(record)
            if recomputed != stored:
                mismatches.append(Mismatch(kind.model._meta.label, record.pk, stored, recomputed))
        yield kind.model._meta.label, checked, mismatches
