"""What must be recorded before a record is signed: one list of checks per kind of record.

Each check reads the record and returns what is missing, in words, with the place of the record that fixes it.
The review page before signing lists them with their links; the sign services refuse while any is missing, so
every caller obeys the same list. A rule written as problems in words only (`record -> list[str]`) joins a list
in one line: `at_step("summary", "some-heading", its_problems)`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.db.models import prefetch_related_objects

from patients import safety_state

from .. import anatomy, site_gate
from ..models import Assessment, NeedledSite, TreatmentSession
from . import evaluation, plan


@dataclass(frozen=True)
class Missing:
    """Something to record before signing, in words, and where it is recorded: an assessment's step (the
    session's one page is "detail") and the part of that page."""

    text: str
    step: str
    anchor: str = ""


Record = TypeVar("Record", Assessment, TreatmentSession)


def at_step(step: str, anchor: str, problems: Callable[[Record], list[str]]) -> Callable[[Record], list[Missing]]:
    """A check: a rule's problems in words, placed at the step of the record (and the part of its page) that fixes
    them."""

    def check(record: Record) -> list[Missing]:
        return [Missing(text, step, anchor) for text in problems(record)]

    return check


# --------------------------------------------------------------------------------------------------------------------
# The assessment
# --------------------------------------------------------------------------------------------------------------------

SIDE_WORDS = {"L": "left", "R": "right", "B": "both sides", "M": "midline"}


def chief_complaint_problems(assessment: Assessment) -> list[str]:
    return [] if assessment.chief_complaint.strip() else ["Record the chief complaint (step 1) before signing."]


def undecided_level_problems(assessment: Assessment) -> list[str]:
    """Every level and side the summary suggests needs the physiotherapist's decision (1.4 step 4)."""
    summary = evaluation.assessment_summary(assessment=assessment)
    decided = {(decision.level, decision.side) for decision in assessment.segment_decisions.all()}
    return [
        f"Decide whether {level.level} {SIDE_WORDS.get(side.value, side.value)} is involved: the summary suggests it."
        for level in summary.levels
        for side in level.suggested_sides
        if (level.level, side.value) not in decided
    ]


def impression_problems(assessment: Assessment) -> list[str]:
    return [] if assessment.clinical_impression.strip() else ["Write the clinical impression."]


def plan_text_problems(assessment: Assessment) -> list[str]:
    return [] if assessment.plan.strip() else ["Write the plan."]


ASSESSMENT_CHECKS: tuple[Callable[[Assessment], list[Missing]], ...] = (
    at_step("history", "id_chief_complaint", chief_complaint_problems),
    at_step("summary", "segments-heading", undecided_level_problems),
    at_step("summary", "impression-heading", impression_problems),
    at_step("summary", "impression-heading", plan_text_problems),
    at_step("summary", "muscles-heading", plan.plan_problems),
)


def assessment_missing(assessment: Assessment) -> list[Missing]:
    """What the assessment still needs before it can be signed, in the order of its steps."""
    prefetch_related_objects([assessment], "segment_decisions")
    return [missing for check in ASSESSMENT_CHECKS for missing in check(assessment)]


# --------------------------------------------------------------------------------------------------------------------
# The treatment session
# --------------------------------------------------------------------------------------------------------------------


def pain_before_problems(session: TreatmentSession) -> list[str]:
    return ["Record the pain before treatment."] if session.pain_before is None else []


def pain_after_problems(session: TreatmentSession) -> list[str]:
    if session.pain_after is None and _has_sites(session):
        return ["Record the pain after treatment."]
    return []


def needle_problems(session: TreatmentSession) -> list[str]:
    if session.needles_accounted_for:
        return []
    return ["Confirm that every needle was removed and disposed of."]


def recheck_problems(session: TreatmentSession) -> list[str]:
    if session.recheck_id is None and _has_sites(session):
        return ["Record the visit's re-check of the safety questionnaire."]
    return []


def site_gate_problems(session: TreatmentSession) -> list[str]:
    """Each needled site as the gate decided it when it was saved (its stored verdict); a site saved without one
    is asked of the gate now. A held site, or one the gate let through only with a note that was not written,
    blocks the signature."""
    sites = list(session.sites.all())
    verdicts = {verdict.value: verdict for verdict in site_gate.Verdict}
    decided = {site.pk: verdicts[site.site_outcome] for site in sites if site.site_outcome in verdicts}
    if len(decided) < len(sites):
        patient = safety_state.patient_decision(patient=session.patient)
        planned = {site.pk: site_gate.PlannedSite(site.muscle, site.side, site.level) for site in sites}
        for site in sites:
            if site.pk not in decided:
                others = [other for pk, other in planned.items() if pk != site.pk]
                decided[site.pk] = site_gate.decide_site(patient, planned[site.pk], other_sites=others).verdict
    problems = []
    for site in sites:
        verdict = decided[site.pk]
        if verdict is site_gate.Verdict.HELD:
            problems.append(f"{_site_words(site)} is held by the safety gate: remove it from the session.")
        elif verdict is site_gate.Verdict.NEEDS_NOTE and not site.confirmation_note.strip():
            problems.append(
                f"{_site_words(site)} needed your confirmation with a note, and none was written: remove it and "
                "record it again with the note."
            )
    return problems


def _has_sites(session: TreatmentSession) -> bool:
    return bool(session.sites.all())


def _site_words(site: NeedledSite) -> str:
    level = f" {site.level}" if site.level else ""
    return f"{anatomy.MUSCLES[site.muscle].name}, {SIDE_WORDS.get(site.side, site.side)}{level},"


SESSION_CHECKS: tuple[Callable[[TreatmentSession], list[Missing]], ...] = (
    at_step("detail", "header-heading", pain_before_problems),
    at_step("detail", "recheck", recheck_problems),
    at_step("detail", "sites-heading", site_gate_problems),
    at_step("detail", "close-heading", pain_after_problems),
    at_step("detail", "close-heading", needle_problems),
)


def session_missing(session: TreatmentSession) -> list[Missing]:
    """What the treatment session still needs before it can be signed, in the order of its page."""
    prefetch_related_objects([session], "sites")
    return [missing for check in SESSION_CHECKS for missing in check(session)]
