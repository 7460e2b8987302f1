"""The IMS evaluation: history, examination rows, the segment summary and decisions, signing and after."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any, TypeVar

from auditlog.signals import accessed
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from accounts.audit import audit
from accounts.models import AuditAction, User
from patients import services as patient_services
from patients.models import Patient
from scheduling.models import Appointment

from .. import anatomy, gunn_signs, rom, scales
from ..models import (
    ENTERED_IN_ERROR_FIELDS,
    Assessment,
    AssessmentRow,
    AssessmentStatus,
    GripStrength,
    MuscleStrengthTest,
    OutcomeMeasure,
    ReflexTest,
    RomMeasurement,
    SegmentDecision,
    SensoryTest,
    SignFinding,
    StrengthTest,
)
from . import sign_checks, visits
from .sessions import scored_measure
from .signing import HISTORY_FIELDS, SUMMARY_FIELDS, _lock_editable, _seal, _touch, content_digest

# One row of an assessment's findings (a measurement, a test, a decision).
Row = TypeVar("Row", bound=Model)


@transaction.atomic
def assessment_start(*, patient: Patient, physiotherapist: User, appointment: Appointment | None = None) -> Assessment:
    """Open the appointment's assessment, or continue this physiotherapist's draft of today, or start one.

    Raises visits.EarlierDraft when their open draft is from an earlier day (the page asks what to do with it),
    visits.AppointmentTaken when the appointment already has someone else's or a signed assessment.
    """
    patient_services.refuse_if_archived(patient, before="starting an assessment")
    Patient.objects.select_for_update().filter(pk=patient.pk).first()
    return visits.record_start(
        Assessment,
        patient=patient,
        physiotherapist=physiotherapist,
        appointment=appointment,
        create=lambda: Assessment.objects.create(
            patient=patient, physiotherapist=physiotherapist, appointment=appointment
        ),
    )


@transaction.atomic
def assessment_start_new(
    *,
    patient: Patient,
    physiotherapist: User,
    earlier: Assessment,
    error_reason: str | None = None,
    appointment: Appointment | None = None,
) -> Assessment:
    """A new assessment beside the earlier draft: kept, or marked entered in error with `error_reason`."""
    patient_services.refuse_if_archived(patient, before="starting an assessment")
    Patient.objects.select_for_update().filter(pk=patient.pk).first()
    return visits.record_start_new(
        Assessment,
        patient=patient,
        physiotherapist=physiotherapist,
        appointment=appointment,
        earlier=earlier,
        error_reason=error_reason,
        mark_in_error=lambda draft, reason: assessment_mark_entered_in_error(
            assessment=draft, by=physiotherapist, reason=reason
        ),
        create=lambda: Assessment.objects.create(
            patient=patient, physiotherapist=physiotherapist, appointment=appointment
        ),
    )


def _lock_draft(assessment: Assessment, version: int | None = None) -> Assessment:
    return _lock_editable(assessment, version, name="assessment", short_name="assessment")


@transaction.atomic
def assessment_save_fields(*, assessment: Assessment, data: dict[str, Any], version: int) -> Assessment:
    """Save the history or the impression and plan of a draft (compare-and-set on the version)."""
    locked = _lock_draft(assessment, version)
    fields = [field for field in (*HISTORY_FIELDS, *SUMMARY_FIELDS) if field in data]
    for field in fields:
        setattr(locked, field, data[field])
    locked.full_clean(exclude=["appointment"])
    locked.save(update_fields=fields)
    _touch(locked)
    return locked


def _as_validation_error(error: ValueError) -> ValidationError:
    return ValidationError(str(error))


def _save_row(model: type[Row], lookup: dict[str, Any], values: dict[str, Any]) -> Row:
    """Insert or update one row of a draft, checked against its field choices and validators first."""
    row = model._default_manager.filter(**lookup).first() or model(**lookup)
    for field, value in values.items():
        setattr(row, field, value)
    row.full_clean(validate_unique=False)
    row.save()
    return row


@transaction.atomic
def rom_record(
    *, assessment: Assessment, joint: str, movement: str, side: str, mode: str, degrees: int, pain: bool
) -> RomMeasurement:
    locked = _lock_draft(assessment)
    try:
        norm = rom.rom_norm(rom.Joint(joint), rom.Movement(movement))
    except (KeyError, ValueError):
        raise ValidationError({"movement": "This movement is not measured at that joint."}) from None
    sided = norm.region != rom.RomRegion.SPINE or norm.is_each_side
    if sided and side not in (anatomy.Side.LEFT, anatomy.Side.RIGHT):
        raise ValidationError({"side": "Say which side: this movement is measured on the left or the right."})
    if not sided and side != anatomy.Side.MIDLINE:
        raise ValidationError({"side": "This spinal movement has no side: choose Spine (no side)."})
    measurement = _save_row(
        RomMeasurement,
        {"assessment": locked, "joint": joint, "movement": movement, "side": side, "mode": mode},
        {"degrees": degrees, "pain_at_end_of_range": pain},
    )
    _touch(locked)
    return measurement


@transaction.atomic
def strength_record(*, assessment: Assessment, level: str, side: str, grade: str) -> StrengthTest:
    locked = _lock_draft(assessment)
    test = _save_row(StrengthTest, {"assessment": locked, "level": level, "side": side}, {"grade": grade})
    _touch(locked)
    return test


def _limb_side(side: str, *, what: str) -> None:
    if side not in (anatomy.Side.LEFT, anatomy.Side.RIGHT):
        raise ValidationError({"side": f"Record {what} on the left or the right side, one side at a time."})


@transaction.atomic
def muscle_strength_record(*, assessment: Assessment, muscle: str, side: str, grade: str) -> MuscleStrengthTest:
    """Grade any catalogue muscle (2.3) on one side by MRC (3.2); grading it again on that side replaces the grade."""
    if muscle not in anatomy.MUSCLES:
        raise ValidationError({"muscle": "Choose a muscle from the catalogue."})
    _limb_side(side, what="each muscle")
    if grade not in set(scales.MrcGrade):
        raise ValidationError({"grade": "Choose an MRC grade from 0 to 5, or not tested."})
    locked = _lock_draft(assessment)
    test = _save_row(MuscleStrengthTest, {"assessment": locked, "muscle": muscle, "side": side}, {"grade": grade})
    _touch(locked)
    return test


@transaction.atomic
def grip_record(*, assessment: Assessment, side: str, kilograms: Decimal | int) -> GripStrength:
    """Record grip strength by dynamometer on one side, in kg; recording that side again replaces the value."""
    _limb_side(side, what="grip strength")
    if isinstance(kilograms, bool) or not isinstance(kilograms, Decimal | int):
        raise ValidationError({"kilograms": "Enter the grip strength in kilograms."})
    kilograms = Decimal(kilograms)
    if not kilograms.is_finite() or not scales.GRIP_KG_MIN <= kilograms <= scales.GRIP_KG_MAX:
        raise ValidationError({"kilograms": "Grip strength goes from 0 to 100 kg."})
    locked = _lock_draft(assessment)
    grip = _save_row(GripStrength, {"assessment": locked, "side": side}, {"kilograms": kilograms})
    _touch(locked)
    return grip


@transaction.atomic
def reflex_record(*, assessment: Assessment, reflex: str, side: str, grade: str) -> ReflexTest:
    locked = _lock_draft(assessment)
    test = _save_row(ReflexTest, {"assessment": locked, "reflex": reflex, "side": side}, {"grade": grade})
    _touch(locked)
    return test


@transaction.atomic
def sensory_record(
    *, assessment: Assessment, level: str, side: str, modality: str, score: str, is_hyper: bool
) -> SensoryTest:
    locked = _lock_draft(assessment)
    try:
        scales.SensoryFinding(scales.SensoryScore(score), is_hyper)
    except ValueError as error:
        raise ValidationError({"is_hyper": str(error)}) from None
    test = _save_row(
        SensoryTest,
        {"assessment": locked, "level": level, "side": side, "modality": modality},
        {"score": score, "is_hyper": is_hyper},
    )
    _touch(locked)
    return test


def _finding_as_rule(finding: SignFinding) -> gunn_signs.Finding:
    return gunn_signs.Finding(
        sign_code=finding.sign_code,
        side=anatomy.Side(finding.side),
        status=gunn_signs.FindingStatus(finding.status),
        levels=(finding.level,) if finding.level else (),
        muscle=finding.muscle or None,
        grade=finding.grade,
        region_note=finding.region_note,
        reference=finding.pk,
    )


@transaction.atomic
def finding_record(
    *,
    assessment: Assessment,
    sign_code: str,
    side: str,
    status: str,
    level: str = "",
    muscle: str = "",
    region_note: str = "",
    grade: int | None = None,
    note: str = "",
    is_beside_spine: bool = False,
) -> SignFinding:
    """Record (or update) one Gunn sign at one place and side, checked against the catalogue (1.2, 1.3).

    A skin roll or trophedema found beside the spine is the spine grid's paravertebral sign at that level and side
    (1.2, the note under the catalogue), so it is recorded as that sign, on the same row the grid would use.
    """
    if is_beside_spine:
        sign_code = _beside_spine_sign(sign_code=sign_code, level=level, muscle=muscle, side=side)
    if sign_code in SPINAL_GRID_SIGNS and not muscle and level and level not in gunn_signs.SPINE_GRID_LEVELS:
        # Recorded on the spine grid's row, which runs from C1 to S2: lower down it could be neither seen nor cleared
        # (with no level at all the catalogue's own message says a level is needed).
        raise ValidationError({"level": "Beside the spine, choose a level from C1 to S2."})
    locked = _lock_draft(assessment)
    place = {"sign_code": sign_code, "level": level, "muscle": muscle, "side": side, "region_note": region_note}
    finding = SignFinding.objects.filter(assessment=locked, **place).first() or SignFinding(assessment=locked, **place)
    finding.status, finding.grade, finding.note = status, grade, note
    try:
        _finding_as_rule(finding)
    except ValueError as error:
        raise _as_validation_error(error) from None
    finding.full_clean(validate_unique=False)
    finding.save()
    _touch(locked)
    return finding


def _beside_spine_sign(*, sign_code: str, level: str, muscle: str, side: str) -> str:
    if side not in (anatomy.Side.LEFT, anatomy.Side.RIGHT):
        raise ValidationError({"side": "Beside the spine, record the left and the right side one at a time."})
    if muscle:
        if muscle in gunn_signs.PARASPINAL_MUSCLES:
            return sign_code  # the muscle already says where it was found
        raise ValidationError({"is_beside_spine": "This muscle is not beside the spine."})
    if sign_code in gunn_signs.PARASPINAL_MUSCLE_SIGNS:
        raise ValidationError(
            {
                "muscle": "Choose the paraspinal muscle for tenderness or bands; a skin roll or trophedema beside the "
                "spine is recorded by its level."
            }
        )
    try:
        spinal_code = gunn_signs.beside_spine_sign(sign_code)
    except ValueError as error:
        raise _as_validation_error(error) from None
    if spinal_code is None:
        raise ValidationError(
            {"is_beside_spine": "Only tenderness, bands, skin rolling and trophedema are recorded beside the spine."}
        )
    if not level:
        raise ValidationError({"level": "Say at which level beside the spine it was found."})
    return spinal_code


SPINAL_GRID_SIGNS = gunn_signs.BESIDE_SPINE_SIGNS


MIDLINE_SIGNS = ("SPI-SPINOUS",)


@transaction.atomic
def spinal_sign_toggle(*, assessment: Assessment, level: str, side: str, sign_code: str) -> SignFinding | None:
    """One tap in the spinal grid: record the sign as present there, or, if it is, clear it (back to absent inside
    the palpated range, not tested outside it). A sign recorded there as absent or not tested becomes present."""
    if sign_code not in SPINAL_GRID_SIGNS:
        raise ValidationError("That sign is not part of the spinal grid.")
    if (side == anatomy.Side.MIDLINE) != (sign_code in MIDLINE_SIGNS):
        raise ValidationError("Spinous tenderness is midline; the other spinal signs are left or right.")
    locked = _lock_draft(assessment)
    existing = SignFinding.objects.filter(assessment=locked, sign_code=sign_code, level=level, side=side, muscle="")
    if existing.filter(status=gunn_signs.FindingStatus.PRESENT).exists():
        existing.delete()
        _touch(locked)
        return None
    cell = (level, anatomy.Side(side), sign_code)
    found_by_muscle = locked.findings.filter(level=level, status=gunn_signs.FindingStatus.PRESENT).exclude(muscle="")
    for muscle_finding in found_by_muscle:
        if cell in gunn_signs.grid_cells(_finding_as_rule(muscle_finding)):
            # Already this cell, from the hands-on page: a second row would count it twice, and a tap cannot clear it.
            found = gunn_signs.sign_words(muscle_finding.sign_code).lower()
            name = anatomy.muscle(muscle_finding.muscle).name
            raise ValidationError(
                f"Recorded on the hands-on page as {found}: {name[:1].lower()}{name[1:]}. Change it there."
            )
    return finding_record(assessment=locked, sign_code=sign_code, side=side, status="present", level=level)


def palpated_range(assessment: Assessment) -> gunn_signs.PalpatedRange | None:
    """The stretch of the spine the assessment records as palpated, or None when none is recorded."""
    if not assessment.palpated_from:
        return None
    return gunn_signs.PalpatedRange(assessment.palpated_from, assessment.palpated_to, tuple(assessment.palpated_sides))


def spine_grid_states(*, assessment: Assessment) -> dict[gunn_signs.GridCell, gunn_signs.CellState]:
    """Each cell of the spine grid: present, absent (palpated, no sign) or not tested, counting tenderness, bands or
    shortening of a paraspinal muscle from the hands-on page where the summary counts it."""
    findings = assessment.findings.all()
    return gunn_signs.spine_grid_states([_finding_as_rule(f) for f in findings], palpated_range(assessment))


PALPATED_SIDES = tuple(side.value for side in gunn_signs.SPINE_GRID_SIDES)


# The form's fields for the parts of a palpated range.
PALPATED_RANGE_PARTS = {"from": "palpated_from", "to": "palpated_to", "sides": "palpated_sides"}


@transaction.atomic
def spine_range_record(
    *, assessment: Assessment, palpated_from: str, palpated_to: str, palpated_sides: list[str]
) -> Assessment:
    """Record the stretch of the spine palpated for the grid's signs (1.2: examined and normal is a finding), or
    clear it when nothing is given. Inside the range a sign not marked is absent; outside it, not tested."""
    locked = _lock_draft(assessment)
    sides: list[str] = []
    if palpated_from or palpated_to or palpated_sides:
        errors = gunn_signs.palpated_range_errors(palpated_from, palpated_to, palpated_sides)
        if errors:
            raise ValidationError({PALPATED_RANGE_PARTS[part]: message for part, message in errors.items()})
        sides = [side for side in PALPATED_SIDES if side in palpated_sides]
    locked.palpated_from, locked.palpated_to, locked.palpated_sides = palpated_from, palpated_to, sides
    locked.full_clean(exclude=["appointment"])
    locked.save(update_fields=["palpated_from", "palpated_to", "palpated_sides"])
    _touch(locked)
    return locked


@transaction.atomic
def assessment_row_delete(
    *,
    assessment: Assessment,
    row: AssessmentRow,
) -> None:
    locked = _lock_draft(assessment)
    if row.assessment_id != locked.pk:
        raise ValidationError("That entry belongs to another assessment.")
    row.delete()
    _touch(locked)


@transaction.atomic
def baseline_record(
    *,
    assessment: Assessment,
    recorded_by: User,
    instrument: str,
    items: list[int | None] | None = None,
    total: float | None = None,
    activities: list[str] | None = None,
    entry_key: uuid.UUID | None = None,
) -> OutcomeMeasure:
    """The complaint's baseline on an outcome questionnaire (section 4), taken at the assessment: part of what its
    signature covers, so only on the physiotherapist's own draft, and once per questionnaire."""
    locked = _lock_draft(assessment)
    if locked.physiotherapist_id != recorded_by.pk:
        raise ValidationError("Only the physiotherapist who made this assessment records in it.")
    measure = scored_measure(
        patient=locked.patient, instrument=instrument, recorded_by=recorded_by, items=items, total=total,
        activities=activities,
    )  # fmt: skip
    if locked.baseline_measures.filter(instrument=measure.instrument).exists():
        raise ValidationError({"instrument": "This questionnaire is already recorded at this assessment."})
    measure.assessment, measure.entry_key = locked, entry_key
    measure.full_clean()
    measure.save()
    _touch(locked)
    return measure


@transaction.atomic
def segment_decide(*, assessment: Assessment, level: str, side: str, decision: str) -> SegmentDecision:
    locked = _lock_draft(assessment)
    if side not in (anatomy.Side.LEFT, anatomy.Side.RIGHT):
        raise ValidationError({"side": "Decide for the left or the right side."})
    decided = _save_row(
        SegmentDecision,
        {"assessment": locked, "level": level, "side": side},
        {"decision": decision, "decided_at": timezone.now()},
    )
    _touch(locked)
    return decided


def summary_settings() -> gunn_signs.SummarySettings:
    return gunn_signs.SummarySettings(min_groups=settings.CLINIC_SEGMENT_MIN_GROUPS)


# The version of the summary rules before signed assessments recorded one.
_FIRST_RULES_VERSION = gunn_signs.RULES_VERSIONS[0]


def summary_rules_version(assessment: Assessment) -> str:
    """The rules a summary is computed under: a signed assessment keeps those it was signed under, so its summary
    reads as it did when signed; a draft follows the current rules."""
    if assessment.signed_at is None:
        return gunn_signs.RULES_VERSION
    return assessment.summary_rules_version or _FIRST_RULES_VERSION


def assessment_summary(*, assessment: Assessment) -> gunn_signs.SegmentSummary:
    """The segment summary of 1.4, computed from the recorded findings by the pure rules of its version."""
    findings = [_finding_as_rule(finding) for finding in assessment.findings.all()]
    results = _summary_results(assessment)
    return gunn_signs.segment_summary(
        findings,
        **results,
        settings=summary_settings(),
        rules_version=summary_rules_version(assessment),
        palpated=palpated_range(assessment),
    )


def evidence_words(
    *, assessment: Assessment, summary: gunn_signs.SegmentSummary
) -> dict[tuple[str, str], tuple[str, ...]]:
    """Each (level, side) of the summary's evidence in words, one line per item, head to foot."""
    results = _summary_results(assessment)
    del results["key_muscle_results"], results["muscle_strength_results"]  # their evidence carries its words
    return {
        (level.level, side.side.value): tuple(gunn_signs.evidence_words(item, **results) for item in side.evidence)
        for level in summary.levels
        for side in level.sides
    }


def _summary_results(assessment: Assessment) -> dict[str, Any]:
    reflexes = [
        gunn_signs.ReflexResult(
            test.reflex, anatomy.Side(test.side), scales.ReflexGrade(test.grade), reference=test.pk
        )
        for test in assessment.reflex_tests.all()
    ]
    strength = [
        gunn_signs.KeyMuscleResult(test.level, anatomy.Side(test.side), scales.MrcGrade(test.grade), reference=test.pk)
        for test in assessment.strength_tests.all()
    ]
    muscle_strength = [
        gunn_signs.MuscleStrengthResult(test.muscle, anatomy.Side(test.side), scales.MrcGrade(test.grade), test.pk)
        for test in assessment.muscle_strength_tests.all()
    ]
    sensory = [
        gunn_signs.SensoryResult(
            test.level,
            anatomy.Side(test.side),
            scales.SensoryModality(test.modality),
            scales.SensoryScore(test.score),
            test.is_hyper,
            reference=test.pk,
        )
        for test in assessment.sensory_tests.all()
    ]
    return {
        "reflex_results": reflexes,
        "key_muscle_results": strength,
        "sensory_results": sensory,
        "muscle_strength_results": muscle_strength,
    }


def confirmed_muscles(*, assessment: Assessment) -> tuple[gunn_signs.SuggestedMuscle, ...]:
    """The muscles to consider needling: those of the levels the physiotherapist confirmed (1.4 step 4).

    Reads every decision (a few rows) so that decisions the page already prefetched cost no query.
    """
    sides: dict[str, list[anatomy.Side]] = {}
    for decision in assessment.segment_decisions.all():
        if decision.decision == SegmentDecision.Decision.CONFIRMED:
            sides.setdefault(decision.level, []).append(anatomy.Side(decision.side))
    return gunn_signs.suggested_muscles(
        tuple(anatomy.sort_levels(sides)), sides_by_level={k: tuple(v) for k, v in sides.items()}
    )


@transaction.atomic
def assessment_sign(*, assessment: Assessment, signed_by: User, version: int) -> Assessment:
    """Sign once, when nothing is missing (sign_checks): the physiotherapist who assessed signs; afterwards only
    addenda."""
    locked = _lock_draft(assessment, version)
    if locked.physiotherapist_id != signed_by.pk:
        raise ValidationError("Only the physiotherapist who made this assessment can sign it.")
    missing = sign_checks.assessment_missing(locked)
    if missing:
        raise ValidationError([item.text for item in missing])
    locked.summary_rules_version = gunn_signs.RULES_VERSION
    signed = _seal(locked, digest=content_digest(locked), signed_by=signed_by)
    from ..patient_outcomes import queue_for_upcoming_visits  # it scores through this package: imported late

    queue_for_upcoming_visits(patient=signed.patient)  # the course begins: its visits already booked
    return signed


@transaction.atomic
def assessment_mark_entered_in_error(*, assessment: Assessment, by: User, reason: str) -> Assessment:
    """A mistaken record is marked, never deleted, by the physiotherapist who made it; it stays readable with
    the reason."""
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.physiotherapist_id != by.pk:
        raise ValidationError("Only the physiotherapist who made this assessment can mark it entered in error.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why this assessment was entered in error."})
    if locked.status != AssessmentStatus.ENTERED_IN_ERROR:
        locked.status = AssessmentStatus.ENTERED_IN_ERROR
        locked.entered_in_error_at = timezone.now()
        locked.entered_in_error_by = by
        locked.entered_in_error_reason = reason.strip()
        locked.save(update_fields=sorted(ENTERED_IN_ERROR_FIELDS))
    return locked


def assessment_opened(*, assessment: Assessment) -> None:
    accessed.send(sender=Assessment, instance=assessment)


def assessment_printed(*, assessment: Assessment) -> None:
    audit(action=AuditAction.PRINT, instance=assessment)
