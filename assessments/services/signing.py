"""Signing an assessment or a treatment session: the draft lock, the content a signature covers, its digest."""

from __future__ import annotations

import hashlib
import json
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.audit import audit
from accounts.models import AuditAction, User

from ..models import Addendum, Assessment, AssessmentStatus, SessionAddendum, TreatmentSession

# A record that is drafted, versioned and signed.
Record = TypeVar("Record", Assessment, TreatmentSession)


class AssessmentNotEditable(ValidationError):
    """The assessment is signed or entered in error: it is read-only."""


class StaleAssessment(ValidationError):
    """Someone saved this assessment since the page was loaded: reload before saving again."""


def _lock_editable(record: Record, version: int | None, *, name: str, short_name: str) -> Record:
    """Lock a draft assessment or treatment session for a change, refusing a final or stale one.

    `name` and `short_name` word the messages ("treatment session", "session").
    """
    locked = type(record).objects.select_for_update().get(pk=record.pk)
    if locked.status == AssessmentStatus.ENTERED_IN_ERROR:
        raise AssessmentNotEditable(f"This {name} is marked entered in error and cannot change.")
    if locked.status != AssessmentStatus.DRAFT:
        raise AssessmentNotEditable(f"This {name} is signed and cannot change. Add an addendum instead.")
    if version is not None and version != locked.version:
        raise StaleAssessment(
            f"This {short_name} was saved elsewhere since you opened this page. Reload it to see the latest version."
        )
    return locked


def _touch(locked: Assessment | TreatmentSession, **changes: Any) -> None:
    """Every change, to the record or one of its rows, moves the version on: a signature covers what was seen.

    Pages that add a row in place receive the new version with it (htmx out-of-band). `changes` are further
    fields of the record written in the same update.
    """
    type(locked).objects.filter(pk=locked.pk).update(version=F("version") + 1, updated_at=timezone.now(), **changes)
    locked.refresh_from_db(fields=["version", "updated_at"])


# The fields a draft's pages edit; its signature covers every one of them and the record's patient and
# physiotherapist.
HISTORY_FIELDS = (
    "chief_complaint", "pain_regions", "onset_on", "duration_text", "mechanism", "mechanism_detail",
    "symptom_clues", "pain_now", "pain_best", "pain_worst", "aggravating_factors", "easing_factors", "imaging",
    "imaging_result", "previous_treatment", "red_flags", "red_flag_action", "goals",
)  # fmt: skip
SUMMARY_FIELDS = ("clinical_impression", "plan")


SESSION_HEADER_FIELDS = (
    "consent_reconfirmed", "changed_since_questionnaire", "change_note", "pain_before", "position",
    "needle_product", "needle_diameter_mm", "needle_length_mm", "technique", "technique_note",
)  # fmt: skip
SESSION_CLOSE_FIELDS = (
    "pain_after", "retest_note", "needles_accounted_for", "broken_needle", "aftercare_advice", "plan",
)  # fmt: skip


# Fields added after assessments were first signed: part of the signed content once they hold something, left out
# while empty (assessment_signed_content) so that assessments signed before they existed keep their digest.
PALPATED_RANGE_FIELDS = ("palpated_from", "palpated_to", "palpated_sides")  # the spine palpated (step 7)
PLAN_FIELDS = ("planned_muscles", "no_needling_reason")  # the plan of muscles (assessments.services.plan)
ASSESSMENT_LATER_FIELDS = (*PALPATED_RANGE_FIELDS, *PLAN_FIELDS)
ASSESSMENT_SIGNED_FIELDS = (
    "patient_id", "physiotherapist_id", *HISTORY_FIELDS, *SUMMARY_FIELDS, *ASSESSMENT_LATER_FIELDS,
)  # fmt: skip


def assessment_signed_values(assessment: Assessment) -> dict[str, Any]:
    """An assessment's own signed fields, before the empty later ones are left out."""
    return {field: getattr(assessment, field) for field in ASSESSMENT_SIGNED_FIELDS}


SESSION_SIGNED_FIELDS = (
    "patient_id", "physiotherapist_id", *SESSION_HEADER_FIELDS, *SESSION_CLOSE_FIELDS, "recheck_id",
)  # fmt: skip


def digest_of(content: dict[str, Any]) -> str:
    """SHA-256 over a canonical JSON serialisation: what a signature covers, as verify_records recomputes it."""
    canonical = json.dumps(content, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


# The rows a signature covers besides the record's own fields: content key -> (related name, the row's fields,
# all of them when empty), each list in key order.
ASSESSMENT_SIGNED_ROWS: dict[str, tuple[str, tuple[str, ...]]] = {
    "rom": ("rom_measurements", ()),
    "strength": ("strength_tests", ()),
    "reflexes": ("reflex_tests", ()),
    "sensory": ("sensory_tests", ()),
    "findings": ("findings", ()),
    "decisions": ("segment_decisions", ("level", "side", "decision")),
    "muscle_strength": ("muscle_strength_tests", ()),
    "grip": ("grip_strengths", ()),
    "baseline": (
        "baseline_measures",
        ("instrument", "items", "activities", "score", "raw_sum", "answered", "band", "scoring_version"),
    ),
}
# Rows a signature covers since a later version: left out of the content while there are none, so that the
# assessments signed before they existed keep their digest.
ASSESSMENT_ROWS_ADDED_LATER = ("muscle_strength", "grip", "baseline")


SESSION_SIGNED_ROWS: dict[str, tuple[str, tuple[str, ...]]] = {"sites": ("sites", ())}


def signed_rows(
    record: Assessment | TreatmentSession, spec: dict[str, tuple[str, tuple[str, ...]]]
) -> dict[str, list[dict[str, Any]]]:
    """One record's signed rows, a query per kind of row."""
    return {
        key: list(getattr(record, related).order_by("pk").values(*fields)) for key, (related, fields) in spec.items()
    }


def signed_rows_of_many(
    records: list[Any], spec: dict[str, tuple[str, tuple[str, ...]]]
) -> dict[Any, dict[str, list[dict[str, Any]]]]:
    """The same rows as `signed_rows`, for many records of one model in one query per kind of row."""
    rows: dict[Any, dict[str, list[dict[str, Any]]]] = {record.pk: {key: [] for key in spec} for record in records}
    if not records:
        return rows
    for key, (related, fields) in spec.items():
        link = getattr(type(records[0]), related).field  # the row's foreign key to the record
        found = link.model._default_manager.filter(**{f"{link.attname}__in": list(rows)}).order_by("pk")
        for row in found.values(*fields, link.attname) if fields else found.values():
            owner = row[link.attname] if not fields else row.pop(link.attname)
            rows[owner][key].append(row)
    return rows


def assessment_signed_content(values: dict[str, Any], rows: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """What an assessment's digest covers: its signed fields, without the later ones while empty, and its rows."""
    later_and_empty = {field for field in ASSESSMENT_LATER_FIELDS if values.get(field) in ("", [], None)}
    return {
        "assessment": {f: v for f, v in values.items() if f not in later_and_empty},
        **assessment_signed_rows(rows),
    }


def assessment_signed_rows(rows: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """An assessment's signed rows as the digest covers them: without the kinds added later when there are none."""
    return {key: found for key, found in rows.items() if found or key not in ASSESSMENT_ROWS_ADDED_LATER}


def content_digest(assessment: Assessment, rows: dict[str, list[dict[str, Any]]] | None = None) -> str:
    """SHA-256 over a canonical serialisation of everything the signature covers (`rows`: read if not given)."""
    rows = rows if rows is not None else signed_rows(assessment, ASSESSMENT_SIGNED_ROWS)
    return digest_of(
        assessment_signed_content(
            assessment_signed_values(assessment),
            rows if rows is not None else signed_rows(assessment, ASSESSMENT_SIGNED_ROWS),
        )
    )


def session_signed_values(values: dict[str, Any]) -> dict[str, Any]:
    """A session's signed fields as the digest covers them: without the re-check when there is none, so that
    sessions signed before the re-check was recorded keep their digest."""
    return {field: value for field, value in values.items() if not (field == "recheck_id" and value is None)}


def session_content_digest(session: TreatmentSession, rows: dict[str, list[dict[str, Any]]] | None = None) -> str:
    return digest_of(
        {
            "session": session_signed_values({field: getattr(session, field) for field in SESSION_SIGNED_FIELDS}),
            **(rows if rows is not None else signed_rows(session, SESSION_SIGNED_ROWS)),
        }
    )


def _seal(locked: Record, *, digest: str, signed_by: User) -> Record:
    """Sign a locked draft (an assessment or a treatment session): digest, who and when, then read-only."""
    locked.content_digest = digest
    locked.signed_at = timezone.now()
    locked.signed_by = signed_by
    locked.status = AssessmentStatus.SIGNED
    locked.version += 1
    locked.save()
    audit(action=AuditAction.SIGN, instance=locked, actor=signed_by)
    return locked


@transaction.atomic
def addendum_add(
    *, record: Assessment | TreatmentSession, author: User, reason: str, text: str
) -> Addendum | SessionAddendum:
    """A dated, authored note on a signed assessment or treatment session; the record itself stays as signed."""
    locked = type(record).objects.select_for_update().get(pk=record.pk)
    if locked.status != AssessmentStatus.SIGNED:
        kind = "assessments" if isinstance(locked, Assessment) else "sessions"
        raise ValidationError(f"Addenda are for signed {kind}; change the draft itself instead.")
    addendum: Addendum | SessionAddendum
    if isinstance(locked, Assessment):
        addendum = Addendum(assessment=locked, author=author, reason=reason.strip(), text=text.strip())
    else:
        addendum = SessionAddendum(session=locked, author=author, reason=reason.strip(), text=text.strip())
    addendum.full_clean()
    addendum.save()
    audit(action=AuditAction.ADDENDUM, instance=locked, actor=author)
    return addendum
