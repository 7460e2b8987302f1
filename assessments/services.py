"""Assessments own the IMS evaluation, treatment sessions and needling: every change with a rule lives here."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from auditlog.signals import accessed
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.audit import audit
from accounts.models import AuditAction
from patients import gate, safety_state
from patients import services as patient_services
from patients.models import Patient, SafetyRecheck

from . import anatomy, gunn_signs, needling_safety, outcomes, rom, scales, site_gate
from .models import (
    ENTERED_IN_ERROR_FIELDS,
    Addendum,
    AdverseEvent,
    Assessment,
    AssessmentStatus,
    NeedledSite,
    OutcomeMeasure,
    ReflexTest,
    RomMeasurement,
    SegmentDecision,
    SensoryTest,
    SessionAddendum,
    SignFinding,
    StrengthTest,
    TreatmentSession,
)


@dataclass(frozen=True)
class MuscleToday:
    """A suggested muscle with the gate's answer for each of its sides today."""

    muscle: gunn_signs.SuggestedMuscle
    decisions: tuple[tuple[str, site_gate.SiteDecision], ...]  # (side label, decision)

    @property
    def verdict(self) -> site_gate.Verdict:
        return max((decision.verdict for _, decision in self.decisions), key=lambda verdict: verdict.rank)


SIDE_LABELS = {"L": "Left", "R": "Right", "B": "Both sides"}


def muscles_today(
    *,
    patient: gate.PatientDecision,
    muscles: Iterable[gunn_signs.SuggestedMuscle],
    other_sites: Iterable[site_gate.PlannedSite] = (),
) -> list[MuscleToday]:
    """The gate's answer for each suggested muscle and side: the summary's list and the session's picker read it."""
    others = tuple(other_sites)
    found = []
    for suggested in muscles:
        level = suggested.levels[0] if anatomy.muscle(suggested.muscle).is_segmental and suggested.levels else ""
        decisions = tuple(
            (
                SIDE_LABELS.get(side.value, side.value),
                site_gate.decide_site(
                    patient, site_gate.PlannedSite(suggested.muscle, side.value, level), other_sites=others
                ),
            )
            for side in suggested.sides
        )
        found.append(MuscleToday(suggested, decisions))
    return found


def _session_sites(session: TreatmentSession) -> list[site_gate.PlannedSite]:
    return [site_gate.PlannedSite(row.muscle, row.side, row.level) for row in session.sites.all()]


# --- The IMS evaluation ------------------------------------------------------------------


class AssessmentNotEditable(ValidationError):
    """The assessment is signed or entered in error: it is read-only."""


class StaleAssessment(ValidationError):
    """Someone saved this assessment since the page was loaded: reload before saving again."""


@transaction.atomic
def assessment_start(*, patient: Patient, physiotherapist: Any, appointment: Any = None) -> Assessment:
    """Start an evaluation, or return this physiotherapist's draft for the patient if one is open."""
    if patient.is_archived:
        raise ValidationError("This patient is archived. Restore the patient before starting an assessment.")
    Patient.objects.select_for_update().filter(pk=patient.pk).first()
    existing = Assessment.objects.filter(
        patient=patient, physiotherapist=physiotherapist, status=AssessmentStatus.DRAFT
    ).first()
    if existing is not None:
        return existing
    return Assessment.objects.create(patient=patient, physiotherapist=physiotherapist, appointment=appointment)


def _lock_editable(record: Any, version: int | None, *, name: str, short_name: str) -> Any:
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


def _lock_draft(assessment: Assessment, version: int | None = None) -> Assessment:
    return _lock_editable(assessment, version, name="assessment", short_name="assessment")


def _touch(locked: Any, **changes: Any) -> None:
    """Every change, to the record or one of its rows, moves the version on: a signature covers what was seen.

    Pages that add a row in place receive the new version with it (htmx out-of-band). `changes` are further
    fields of the record written in the same update.
    """
    type(locked).objects.filter(pk=locked.pk).update(version=F("version") + 1, updated_at=timezone.now(), **changes)
    locked.refresh_from_db(fields=["version", "updated_at"])


HISTORY_FIELDS = (
    "chief_complaint", "pain_regions", "onset_on", "duration_text", "mechanism", "mechanism_detail",
    "symptom_clues", "pain_now", "pain_best", "pain_worst", "aggravating_factors", "easing_factors", "imaging",
    "imaging_result", "previous_treatment", "red_flags", "red_flag_action", "goals",
)  # fmt: skip
SUMMARY_FIELDS = ("clinical_impression", "plan")


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


def _save_row(model: Any, lookup: dict[str, Any], values: dict[str, Any]) -> Any:
    """Insert or update one row of a draft, checked against its field choices and validators first."""
    row = model.objects.filter(**lookup).first() or model(**lookup)
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
) -> SignFinding:
    """Record (or update) one Gunn sign at one place and side, checked against the catalogue (1.2, 1.3)."""
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


SPINAL_GRID_SIGNS = ("SEN-PARASPINAL", "SPI-PARASHORT", "SPI-TROPHIC", "SPI-SPINOUS")
MIDLINE_SIGNS = ("SPI-SPINOUS",)


@transaction.atomic
def spinal_sign_toggle(*, assessment: Assessment, level: str, side: str, sign_code: str) -> SignFinding | None:
    """One tap in the spinal grid: record the sign as present there, or, if it is, clear it."""
    if sign_code not in SPINAL_GRID_SIGNS:
        raise ValidationError("That sign is not part of the spinal grid.")
    if (side == anatomy.Side.MIDLINE) != (sign_code in MIDLINE_SIGNS):
        raise ValidationError("Spinous tenderness is midline; the other spinal signs are left or right.")
    locked = _lock_draft(assessment)
    existing = SignFinding.objects.filter(assessment=locked, sign_code=sign_code, level=level, side=side, muscle="")
    if existing.exists():
        existing.delete()
        _touch(locked)
        return None
    return finding_record(assessment=locked, sign_code=sign_code, side=side, status="present", level=level)


@transaction.atomic
def assessment_row_delete(*, assessment: Assessment, row: Any) -> None:
    locked = _lock_draft(assessment)
    if row.assessment_id != locked.pk:
        raise ValidationError("That entry belongs to another assessment.")
    row.delete()
    _touch(locked)


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


def assessment_summary(*, assessment: Assessment) -> gunn_signs.SegmentSummary:
    """The segment summary of 1.4, computed from the recorded findings by the pure rules."""
    findings = [_finding_as_rule(finding) for finding in assessment.findings.all()]
    reflexes = [
        gunn_signs.ReflexResult(test.reflex, anatomy.Side(test.side), test.grade, reference=test.pk)
        for test in assessment.reflex_tests.all()
    ]
    strength = [
        gunn_signs.KeyMuscleResult(test.level, anatomy.Side(test.side), test.grade, reference=test.pk)
        for test in assessment.strength_tests.all()
    ]
    sensory = [
        gunn_signs.SensoryResult(
            test.level, anatomy.Side(test.side), test.modality, test.score, test.is_hyper, reference=test.pk
        )
        for test in assessment.sensory_tests.all()
    ]
    return gunn_signs.segment_summary(
        findings,
        reflex_results=reflexes,
        key_muscle_results=strength,
        sensory_results=sensory,
        settings=summary_settings(),
    )


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


ASSESSMENT_SIGNED_FIELDS = ("patient_id", "physiotherapist_id", *HISTORY_FIELDS, *SUMMARY_FIELDS)


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
}
SESSION_SIGNED_ROWS: dict[str, tuple[str, tuple[str, ...]]] = {"sites": ("sites", ())}


def signed_rows(record: Any, spec: dict[str, tuple[str, tuple[str, ...]]]) -> dict[str, list[dict[str, Any]]]:
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


def content_digest(assessment: Assessment, rows: dict[str, list[dict[str, Any]]] | None = None) -> str:
    """SHA-256 over a canonical serialisation of everything the signature covers (`rows`: read if not given)."""
    return digest_of(
        {
            "assessment": {field: getattr(assessment, field) for field in ASSESSMENT_SIGNED_FIELDS},
            **(rows if rows is not None else signed_rows(assessment, ASSESSMENT_SIGNED_ROWS)),
        }
    )


def _seal(locked: Any, *, digest: str, signed_by: Any) -> Any:
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
def assessment_sign(*, assessment: Assessment, signed_by: Any, version: int) -> Assessment:
    """Sign once: the physiotherapist who assessed signs; afterwards only addenda."""
    locked = _lock_draft(assessment, version)
    if locked.physiotherapist_id != signed_by.pk:
        raise ValidationError("Only the physiotherapist who made this assessment can sign it.")
    if not locked.chief_complaint.strip():
        raise ValidationError("Record the chief complaint (step 1) before signing.")
    locked.summary_rules_version = gunn_signs.RULES_VERSION
    return _seal(locked, digest=content_digest(locked), signed_by=signed_by)


@transaction.atomic
def addendum_add(*, assessment: Assessment, author: Any, reason: str, text: str) -> Addendum:
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if locked.status != AssessmentStatus.SIGNED:
        raise ValidationError("Addenda are for signed assessments; change the draft itself instead.")
    addendum = Addendum(assessment=locked, author=author, reason=reason.strip(), text=text.strip())
    addendum.full_clean()
    addendum.save()
    audit(action=AuditAction.ADDENDUM, instance=locked, actor=author)
    return addendum


@transaction.atomic
def assessment_mark_entered_in_error(*, assessment: Assessment, by: Any, reason: str) -> Assessment:
    """A mistaken record is marked, never deleted; it stays readable with the reason."""
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
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


# --- Treatment sessions (clinical-reference.md 4, 5.8, 6) ---------------------------------------------


SESSION_HEADER_FIELDS = (
    "consent_reconfirmed", "changed_since_questionnaire", "change_note", "pain_before", "position",
    "needle_product", "needle_diameter_mm", "needle_length_mm", "technique", "technique_note",
)  # fmt: skip
SESSION_CLOSE_FIELDS = (
    "pain_after", "retest_note", "needles_accounted_for", "broken_needle", "aftercare_advice", "plan",
)  # fmt: skip


@transaction.atomic
def session_start(*, patient: Patient, physiotherapist: Any, appointment: Any = None) -> TreatmentSession:
    """Open today's treatment session, or return this physiotherapist's open draft for the patient."""
    if patient.is_archived:
        raise ValidationError("This patient is archived. Restore the patient before recording a treatment.")
    Patient.objects.select_for_update().filter(pk=patient.pk).first()
    existing = TreatmentSession.objects.filter(
        patient=patient, physiotherapist=physiotherapist, status=AssessmentStatus.DRAFT
    ).first()
    if existing is not None:
        return existing
    assessment = (
        Assessment.objects.filter(patient=patient, status=AssessmentStatus.SIGNED).order_by("-signed_at").first()
    )
    return TreatmentSession.objects.create(
        patient=patient,
        physiotherapist=physiotherapist,
        appointment=appointment,
        assessment=assessment,
        **_current_references(patient),
        aftercare_advice=needling_safety.aftercare_advice(has_thorax_site=False),
    )


def _current_references(patient: Patient) -> dict[str, Any]:
    """The consent in force and the current questionnaire: a session refers to them when it opens, and again
    to those the gate relied on when a site is needled."""
    return {
        "consent": patient_services.consent_in_force(patient=patient),
        "questionnaire": patient_services.current_questionnaire(patient=patient),
    }


def _lock_session(session: TreatmentSession, version: int | None = None) -> TreatmentSession:
    return _lock_editable(session, version, name="treatment session", short_name="session")


@transaction.atomic
def session_save_fields(*, session: TreatmentSession, data: dict[str, Any], version: int) -> TreatmentSession:
    locked = _lock_session(session, version)
    fields = [field for field in (*SESSION_HEADER_FIELDS, *SESSION_CLOSE_FIELDS) if field in data]
    for field in fields:
        setattr(locked, field, data[field])
    locked.full_clean(exclude=["appointment", "assessment", "consent", "questionnaire"])
    locked.save(update_fields=fields)
    _touch(locked)
    return locked


@transaction.atomic
def session_recheck_link(*, session: TreatmentSession, recheck: SafetyRecheck) -> TreatmentSession:
    """The draft relies on this re-check of its patient (5.6, R35): part of what its signature covers."""
    locked = _lock_session(session)
    if recheck.patient_id != locked.patient_id:
        raise ValidationError("This re-check is another patient's.")
    _touch(locked, recheck=recheck)
    locked.recheck = recheck
    return locked


@transaction.atomic
def needled_site_add(
    *,
    session: TreatmentSession,
    muscle: str,
    side: str,
    level: str = "",
    confirmation_note: str = "",
    **details: Any,
) -> NeedledSite:
    """Save a needled site only when the gate allows it (the service, not only the page, enforces 5.5 and 5.8).

    Raises ValidationError with every reason when the patient may not be needled, the site is held, or
    a 5.8 warning needs the clinician's confirmation note.
    """
    locked = _lock_session(session)
    try:
        catalogue_muscle = anatomy.muscle(muscle)
    except (KeyError, ValueError):
        raise ValidationError({"muscle": "Choose a muscle from the catalogue."}) from None
    if catalogue_muscle.is_segmental and not level:
        raise ValidationError({"level": f"Say which level of the {catalogue_muscle.name} was needled."})
    if level and catalogue_muscle.is_segmental and level not in catalogue_muscle.roots:
        raise ValidationError({"level": f"The {catalogue_muscle.name} is not needled at {level}."})
    if level and not catalogue_muscle.is_segmental:
        level = ""
    planned = site_gate.PlannedSite(muscle, side, level)
    patient_decision = safety_state.patient_decision(patient=locked.patient)
    decision = site_gate.decide_site(patient_decision, planned, other_sites=_session_sites(locked))
    if decision.is_held:
        raise ValidationError({"muscle": [reason.text for reason in decision.holds]})
    if decision.needs_note and not confirmation_note.strip():
        raise ValidationError(
            {
                "confirmation_note": [
                    *(reason.text for reason in decision.confirmations),
                    "Write why you proceed to needle this site.",
                ]
            }
        )
    site = NeedledSite(
        session=locked,
        muscle=muscle,
        side=side,
        level=level,
        confirmation_note=confirmation_note.strip(),
        site_outcome=decision.verdict.value,
        gate_reasons=[reason.text for reason in decision.reasons],
        rules_version=decision.rules_version,
        **details,
    )
    site.full_clean()
    site.save()
    # The session refers to what the gate relied on: the consent, the questionnaire and today's re-check.
    references = {
        **_current_references(locked.patient),
        "recheck": patient_services.todays_recheck(patient=locked.patient),
    }
    is_thorax = "THORAX" in {tag.value for tag in catalogue_muscle.precautions}
    # The aftercare then carries the pneumothorax warning (6.4), also when the advice was edited.
    if is_thorax and needling_safety.AFTERCARE_THORAX_WARNING not in locked.aftercare_advice:
        references["aftercare_advice"] = (
            f"{locked.aftercare_advice.rstrip()} {needling_safety.AFTERCARE_THORAX_WARNING}".strip()
        )
    _touch(locked, **references)
    return site


@transaction.atomic
def needled_site_remove(*, session: TreatmentSession, site: NeedledSite) -> None:
    locked = _lock_session(session)
    if site.session_id != locked.pk:
        raise ValidationError("That site belongs to another session.")
    site.delete()
    _touch(locked)


@transaction.atomic
def adverse_event_record(
    *,
    session: TreatmentSession,
    reported_in: TreatmentSession | None = None,
    reported_by: Any,
    event_type: str,
    event_class: str,
    onset: str,
    action_taken: str,
    description: str = "",
    referral: str = "",
) -> AdverseEvent:
    """Record an adverse event on the session it followed; reported later, it links back from the later session.

    An event can be added to a signed session: it is new information about it, not a change of what was signed.
    """
    if not action_taken.strip():
        raise ValidationError({"action_taken": "Record the action taken."})
    if event_class != needling_safety.AdverseEventClass.MILD and not referral.strip():
        raise ValidationError(
            {"referral": "A significant or serious event records who it was escalated or referred to."}
        )
    if reported_in is not None and reported_in.patient_id != session.patient_id:
        raise ValidationError("The later session must be the same patient's.")
    event = AdverseEvent(
        session=session,
        reported_in=reported_in,
        reported_by=reported_by,
        event_type=event_type,
        event_class=event_class,
        onset=onset,
        action_taken=action_taken.strip(),
        description=description.strip(),
        referral=referral.strip(),
    )
    event.full_clean()
    event.save()
    return event


@transaction.atomic
def outcome_record(
    *,
    patient: Patient,
    instrument: str,
    recorded_by: Any,
    items: list[int | None] | None = None,
    total: float | None = None,
    session: TreatmentSession | None = None,
) -> OutcomeMeasure:
    """Score an outcome questionnaire (section 4) from item answers, or store an entered total within range.

    ODI is kept as an entered total only (its items are copyrighted); the others score from items or a total.
    """
    spec = outcomes.instrument(instrument)
    if items:
        try:
            result = outcomes.SCORERS[spec.code](items)
        except ValueError as error:
            raise ValidationError({"items": str(error)}) from None
        score, raw_sum, answered, band = result.score, result.raw_sum, result.answered, result.band or ""
    elif total is not None:
        if not spec.score_min <= total <= spec.score_max:
            raise ValidationError(
                {"total": f"A {spec.code.value} score goes from {spec.score_min:g} to {spec.score_max:g}."}
            )
        score, raw_sum, answered, band = float(total), 0, 0, outcomes.band_for(float(total), spec.bands) or ""
    else:
        raise ValidationError("Enter the item answers or the total.")
    measure = OutcomeMeasure(
        patient=patient,
        session=session,
        instrument=spec.code.value,
        score=score,
        raw_sum=raw_sum,
        answered=answered,
        items=list(items or []),
        band=band,
        scoring_version=outcomes.SCORING_VERSION,
        recorded_by=recorded_by,
    )
    measure.full_clean()
    measure.save()
    return measure


SESSION_SIGNED_FIELDS = (
    "patient_id", "physiotherapist_id", *SESSION_HEADER_FIELDS, *SESSION_CLOSE_FIELDS, "recheck_id",
)  # fmt: skip


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


@transaction.atomic
def session_sign(*, session: TreatmentSession, signed_by: Any, version: int) -> TreatmentSession:
    locked = _lock_session(session, version)
    if locked.physiotherapist_id != signed_by.pk:
        raise ValidationError("Only the physiotherapist who gave this treatment can sign it.")
    has_sites = locked.sites.exists()
    missing = []
    if locked.pain_before is None:
        missing.append("the pain before treatment")
    if has_sites and locked.pain_after is None:
        missing.append("the pain after treatment")
    if not locked.needles_accounted_for:
        missing.append("that every needle was removed and disposed of")
    if has_sites and locked.recheck_id is None:
        missing.append("the visit's re-check")
    if missing:
        raise ValidationError(f"Before signing, record {', '.join(missing)}.")
    if has_sites:
        for field, value in _current_references(locked.patient).items():
            setattr(locked, field, value)
    return _seal(locked, digest=session_content_digest(locked), signed_by=signed_by)


@transaction.atomic
def session_addendum_add(*, session: TreatmentSession, author: Any, reason: str, text: str) -> SessionAddendum:
    locked = TreatmentSession.objects.select_for_update().get(pk=session.pk)
    if locked.status != AssessmentStatus.SIGNED:
        raise ValidationError("Addenda are for signed sessions; change the draft itself instead.")
    addendum = SessionAddendum(session=locked, author=author, reason=reason.strip(), text=text.strip())
    addendum.full_clean()
    addendum.save()
    audit(action=AuditAction.ADDENDUM, instance=locked, actor=author)
    return addendum


def session_opened(*, session: TreatmentSession) -> None:
    accessed.send(sender=TreatmentSession, instance=session)
