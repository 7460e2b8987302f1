"""Loads what the needling gate reads about patients, for any number of them in a fixed number of queries.

One query reads each patient's current questionnaire, consent in force, latest withdrawal and today's re-check; a
second the current questionnaires' flags; a third, only when a consent has extensions, their regions. Pages and
services then ask `patients.gate` (and `assessments.site_gate`) with what this returns.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db.models import Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from . import gate, safety_rules
from .models import (
    Consent,
    ConsentExtension,
    Patient,
    QuestionnaireLink,
    QuestionnaireResponse,
    RecheckAnswer,
    SafetyFlag,
    SafetyRecheck,
)


def gate_settings() -> gate.GateSettings:
    return gate.GateSettings(
        questionnaire_valid_days=settings.CLINIC_QUESTIONNAIRE_VALID_DAYS,
        expiring_within_days=settings.CLINIC_QUESTIONNAIRE_EXPIRING_DAYS,
    )


def stored_flag_as_rule(flag: SafetyFlag) -> safety_rules.Flag:
    """A stored flag as the rules module's Flag, for the gate's site rules.

    Once a clinician has mapped the patient's described place, the areas are that place: the gate holds them and no
    longer asks for a note at every other site.
    """
    return safety_rules.Flag(
        code=safety_rules.FlagCode(flag.code),
        severity=safety_rules.Severity(flag.severity),
        reason=flag.reason,
        site_severity=safety_rules.Severity(flag.site_severity) if flag.site_severity else None,
        areas=tuple(
            safety_rules.AffectedArea(safety_rules.BodyRegion(area["region"]), area["side"]) for area in flag.areas
        ),
        site_tags=tuple(flag.site_tags),
        location_note="" if flag.areas_mapped_at else flag.location_note,
    )


def _recheck_status(
    answer: str | None, asked_at: datetime | None, submitted_at: datetime | None
) -> gate.RecheckStatus:
    if answer is None:
        return gate.RecheckStatus.DUE
    if answer == RecheckAnswer.NO_CHANGE:
        return gate.RecheckStatus.NO_CHANGE
    if answer == RecheckAnswer.CHANGES_RECORDED:
        return gate.RecheckStatus.CHANGES_RECORDED
    # A new questionnaire was sent: the re-check is done once one is submitted after it.
    if submitted_at is not None and asked_at is not None and submitted_at > asked_at:
        return gate.RecheckStatus.CHANGES_RECORDED
    return gate.RecheckStatus.AWAITING_QUESTIONNAIRE


@dataclass(frozen=True)
class Snapshot:
    """A patient's gate state with what the chart and the appointment page show beside it."""

    state: gate.PatientSafetyState
    response_id: int | None  # the current questionnaire
    consent_given_at: datetime | None  # when the consent in force was given
    latest_link_id: int | None  # the newest questionnaire link issued, whatever its status


def safety_states(patient_ids: Iterable[int], *, today: date | None = None) -> dict[int, gate.PatientSafetyState]:
    """The gate's state of each patient today; an unknown id reads as a patient with nothing on file."""
    return {pk: snapshot.state for pk, snapshot in snapshots(patient_ids, today=today).items()}


def snapshots(patient_ids: Iterable[int], *, today: date | None = None) -> dict[int, Snapshot]:
    """Each patient's gate state and what is shown beside it, in two or three queries for any number of patients."""
    ids = set(patient_ids)
    if not ids:
        return {}
    day = today or timezone.localdate()
    current = QuestionnaireResponse.objects.submitted().filter(patient=OuterRef("pk")).order_by("-submitted_at", "-id")
    in_force = Consent.objects.in_force().filter(patient=OuterRef("pk")).order_by("-given_at", "-id")
    recheck = SafetyRecheck.objects.asked_on(day).filter(patient=OuterRef("pk"))
    rows = (
        Patient.objects.filter(pk__in=ids)
        .annotate(
            response_id=Subquery(current.values("id")[:1]),
            screened_at=Subquery(current.annotate(on=Coalesce("screened_at", "submitted_at")).values("on")[:1]),
            submitted_at=Subquery(current.values("submitted_at")[:1]),
            consent_id=Subquery(in_force.values("id")[:1]),
            consent_given_at=Subquery(in_force.values("given_at")[:1]),
            latest_link_id=Subquery(
                QuestionnaireLink.objects.filter(patient=OuterRef("pk"))
                .order_by("-created_at", "-id")
                .values("id")[:1]
            ),
            consent_regions=Subquery(in_force.values("regions")[:1]),
            consent_paraspinal=Subquery(in_force.values("includes_paraspinal")[:1]),
            has_extensions=Exists(ConsentExtension.objects.filter(consent_id=OuterRef("consent_id"))),
            withdrawn_at=Subquery(
                Consent.objects.filter(patient=OuterRef("pk")).order_by("-given_at", "-id").values("withdrawn_at")[:1]
            ),
            recheck_answer=Subquery(recheck.values("answer")[:1]),
            recheck_at=Subquery(recheck.values("asked_at")[:1]),
        )
        .values(
            "pk",
            "is_archived",
            "response_id",
            "screened_at",
            "submitted_at",
            "consent_id",
            "consent_given_at",
            "latest_link_id",
            "consent_regions",
            "consent_paraspinal",
            "has_extensions",
            "withdrawn_at",
            "recheck_answer",
            "recheck_at",
        )
    )
    rows = list(rows)
    flags: dict[int, list[gate.FlagState]] = defaultdict(list)
    response_ids = [row["response_id"] for row in rows if row["response_id"]]
    if response_ids:
        for flag in SafetyFlag.objects.filter(response_id__in=response_ids).order_by("-severity_rank", "id"):
            flags[flag.response_id].append(gate.FlagState(stored_flag_as_rule(flag), flag.acknowledged_at is not None))
    extensions: dict[int, list[ConsentExtension]] = defaultdict(list)
    with_extensions = [row["consent_id"] for row in rows if row["has_extensions"]]
    if with_extensions:
        for extension in ConsentExtension.objects.filter(consent_id__in=with_extensions):
            extensions[extension.consent_id].append(extension)

    found = {}
    for row in rows:
        scope = None
        if row["consent_id"]:
            regions = {safety_rules.BodyRegion(region) for region in _as_list(row["consent_regions"])}
            paraspinal = set(regions) if row["consent_paraspinal"] else set()
            for extension in extensions[row["consent_id"]]:
                region = safety_rules.BodyRegion(extension.region)
                regions.add(region)
                if extension.includes_paraspinal:
                    paraspinal.add(region)
            scope = gate.ConsentScope(frozenset(regions), frozenset(paraspinal))
        screened_at = row["screened_at"]
        state = gate.PatientSafetyState(
            is_archived=row["is_archived"],
            questionnaire_on=timezone.localdate(screened_at) if screened_at else None,
            flags=tuple(flags[row["response_id"]]) if row["response_id"] else (),
            consent=scope,
            consent_withdrawn_on=(
                timezone.localdate(row["withdrawn_at"]) if scope is None and row["withdrawn_at"] else None
            ),
            recheck=_recheck_status(row["recheck_answer"], row["recheck_at"], row["submitted_at"]),
        )
        found[row["pk"]] = Snapshot(state, row["response_id"], row["consent_given_at"], row["latest_link_id"])
    for missing in ids - found.keys():
        found[missing] = Snapshot(gate.PatientSafetyState(), None, None, None)
    return found


def _as_list(value: str | list[str] | None) -> list[str]:
    """A JSON list read through a subquery: a list on PostgreSQL, its text on SQLite."""
    if isinstance(value, str):
        value = json.loads(value)
    return [str(item) for item in value or []]


def patient_decisions(patient_ids: Iterable[int], *, today: date | None = None) -> dict[int, gate.PatientDecision]:
    """The gate's patient-level answer for each patient today."""
    day = today or timezone.localdate()
    options = gate_settings()
    return {
        pk: gate.patient_decision(state, today=day, settings=options)
        for pk, state in safety_states(patient_ids, today=day).items()
    }


def patient_decision(*, patient: Patient, today: date | None = None) -> gate.PatientDecision:
    return patient_decisions([patient.pk], today=today)[patient.pk]
