"""Treatment sessions (clinical-reference.md 4, 5.8, 6): needled sites through the gate, events, outcomes, signing."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from auditlog.signals import accessed
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from patients import gate, safety_state
from patients import services as patient_services
from patients.models import Patient, SafetyRecheck
from scheduling.models import Appointment

from .. import anatomy, gunn_signs, needling_safety, outcomes, site_gate
from ..models import (
    ENTERED_IN_ERROR_FIELDS,
    AdverseEvent,
    Assessment,
    AssessmentStatus,
    NeedledSite,
    OutcomeMeasure,
    TreatmentSession,
)
from . import sign_checks, visits
from .signing import (
    SESSION_CLOSE_FIELDS,
    SESSION_HEADER_FIELDS,
    _lock_editable,
    _seal,
    _touch,
    session_content_digest,
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
NOT_YOUR_SESSION = "Only the physiotherapist who gave this treatment session records in it."


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


def planned_sites(rows: Iterable[NeedledSite]) -> list[site_gate.PlannedSite]:
    """A session's needled sites as the gate reads them, for the thorax rule of the next site."""
    return [site_gate.PlannedSite(row.muscle, row.side, row.level) for row in rows]


@transaction.atomic
def session_start(
    *, patient: Patient, physiotherapist: User, appointment: Appointment | None = None
) -> TreatmentSession:
    """Open the appointment's treatment session, or continue this physiotherapist's draft of today, or open a new one.

    Raises visits.EarlierDraft when their open draft is from an earlier day (the page asks what to do with it),
    visits.AppointmentTaken when the appointment already has someone else's or a signed session.
    """
    patient_services.refuse_if_archived(patient, before="recording a treatment")
    Patient.objects.select_for_update().filter(pk=patient.pk).first()
    return visits.record_start(
        TreatmentSession,
        patient=patient,
        physiotherapist=physiotherapist,
        appointment=appointment,
        create=lambda: _session_create(patient=patient, physiotherapist=physiotherapist, appointment=appointment),
    )


@transaction.atomic
def session_start_new(
    *,
    patient: Patient,
    physiotherapist: User,
    earlier: TreatmentSession,
    error_reason: str | None = None,
    appointment: Appointment | None = None,
) -> TreatmentSession:
    """Today's session beside the earlier draft: kept, or marked entered in error with `error_reason`."""
    patient_services.refuse_if_archived(patient, before="recording a treatment")
    Patient.objects.select_for_update().filter(pk=patient.pk).first()
    return visits.record_start_new(
        TreatmentSession,
        patient=patient,
        physiotherapist=physiotherapist,
        appointment=appointment,
        earlier=earlier,
        error_reason=error_reason,
        mark_in_error=lambda draft, reason: session_mark_entered_in_error(
            session=draft, by=physiotherapist, reason=reason
        ),
        create=lambda: _session_create(patient=patient, physiotherapist=physiotherapist, appointment=appointment),
    )


def _session_create(*, patient: Patient, physiotherapist: User, appointment: Appointment | None) -> TreatmentSession:
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


@transaction.atomic
def session_mark_entered_in_error(*, session: TreatmentSession, by: User, reason: str) -> TreatmentSession:
    """A mistaken session is marked, never deleted, by the physiotherapist who gave it; it stays readable with the
    reason (and, once signed, its digest)."""
    locked = TreatmentSession.objects.select_for_update().get(pk=session.pk)
    if locked.physiotherapist_id != by.pk:
        raise ValidationError(NOT_YOUR_SESSION)
    if not reason.strip():
        raise ValidationError({"reason": "Say why this treatment session was entered in error."})
    if locked.status != AssessmentStatus.ENTERED_IN_ERROR:
        locked.status = AssessmentStatus.ENTERED_IN_ERROR
        locked.entered_in_error_at = timezone.now()
        locked.entered_in_error_by = by
        locked.entered_in_error_reason = reason.strip()
        locked.save(update_fields=sorted(ENTERED_IN_ERROR_FIELDS))
    return locked


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
    decision = site_gate.decide_site(patient_decision, planned, other_sites=planned_sites(locked.sites.all()))
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
    reported_by: User,
    event_type: str,
    event_class: str,
    onset: str,
    action_taken: str,
    description: str = "",
    referral: str = "",
) -> AdverseEvent:
    """Record an adverse event on the session it followed; reported later, it links back from the later session.

    An event can be added to a signed session: it is new information about it, not a change of what was signed.
    It is recorded by the physiotherapist of the session it is recorded in (the later one, when reported later).
    """
    if (reported_in or session).physiotherapist_id != reported_by.pk:
        raise ValidationError(NOT_YOUR_SESSION)
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


def scored_measure(
    *,
    patient: Patient,
    instrument: str,
    recorded_by: User | None,
    items: list[int | None] | None,
    total: float | None,
    activities: list[str] | None = None,
) -> OutcomeMeasure:
    """An unsaved outcome measure scored by assessments.outcomes from item answers, or an entered total in range.

    `recorded_by` is None for the patient's own answers. The PSFS's activities, when given, are the patient's
    words for its ratings, one each.
    """
    try:
        spec = outcomes.instrument(instrument)
    except ValueError:
        raise ValidationError({"instrument": "Choose one of the questionnaires offered."}) from None
    activities = [text.strip() for text in activities or []]
    if activities and (
        spec.code != outcomes.InstrumentCode.PSFS or len(activities) != len(items or []) or not all(activities)
    ):
        raise ValidationError("Each activity of the PSFS needs its name and its rating.")
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
    return OutcomeMeasure(
        patient=patient,
        instrument=spec.code.value,
        score=score,
        raw_sum=raw_sum,
        answered=answered,
        items=list(items or []),
        activities=activities,
        band=band,
        scoring_version=outcomes.SCORING_VERSION,
        recorded_by=recorded_by,
    )


@transaction.atomic
def outcome_record(
    *,
    patient: Patient,
    instrument: str,
    recorded_by: User,
    items: list[int | None] | None = None,
    total: float | None = None,
    activities: list[str] | None = None,
    session: TreatmentSession | None = None,
    entry_key: uuid.UUID | None = None,
) -> OutcomeMeasure:
    """Score an outcome questionnaire (section 4) from item answers, or store an entered total within range.

    A score taken in a session is recorded by that session's physiotherapist. `entry_key` names one filled-in
    form: the form sent twice is recorded once.
    """
    if session is not None and session.physiotherapist_id != recorded_by.pk:
        raise ValidationError(NOT_YOUR_SESSION)
    if entry_key is not None:
        Patient.objects.select_for_update().filter(pk=patient.pk).first()  # of a form sent twice, the second waits
    measure = scored_measure(
        patient=patient, instrument=instrument, recorded_by=recorded_by, items=items, total=total,
        activities=activities,
    )  # fmt: skip
    if entry_key is not None and OutcomeMeasure.objects.filter(entry_key=entry_key).exists():
        # The same filled-in form sent twice (a double click, a resent page).
        raise ValidationError({"instrument": "This questionnaire is already recorded."})
    measure.session, measure.entry_key = session, entry_key
    measure.full_clean()
    measure.save()
    return measure


@transaction.atomic
def session_sign(*, session: TreatmentSession, signed_by: User, version: int) -> TreatmentSession:
    locked = _lock_session(session, version)
    if locked.physiotherapist_id != signed_by.pk:
        raise ValidationError("Only the physiotherapist who gave this treatment can sign it.")
    missing = sign_checks.session_missing(locked)
    if missing:
        raise ValidationError([item.text for item in missing])
    has_sites = bool(locked.sites.all())
    if has_sites:
        for field, value in _current_references(locked.patient).items():
            setattr(locked, field, value)
    signed = _seal(locked, digest=session_content_digest(locked), signed_by=signed_by)
    from .aftercare import after_signing  # the aftercare module builds on this one

    after_signing(session=signed)
    return signed


def session_opened(*, session: TreatmentSession) -> None:
    accessed.send(sender=TreatmentSession, instance=session)
