"""The plan of muscles: chosen from the ranked muscles of the confirmed levels, signed with the assessment, and
followed by the treatment sessions (planned next to done)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from patients.gate import PatientDecision

from .. import anatomy, needling_plan, site_gate
from ..models import Assessment, NeedledSite, SegmentDecision
from . import evaluation  # a module reference: evaluation reaches this module through sign_checks
from .signing import _touch

NOT_YOUR_ASSESSMENT = "Only the physiotherapist who made this assessment records its plan."
PLAN_MISSING = "Record the plan of muscles to needle, or that no needling is planned and why."


def muscle_ranking(*, assessment: Assessment) -> needling_plan.MuscleRanking:
    """The muscles of the confirmed levels, ranked (found, paraspinal partners, the rest).

    Reads every decision and finding (a few rows), so what the page prefetched costs no query.
    """
    confirmed: dict[str, list[anatomy.Side]] = {}
    for decision in assessment.segment_decisions.all():
        if decision.decision == SegmentDecision.Decision.CONFIRMED:
            confirmed.setdefault(decision.level, []).append(anatomy.Side(decision.side))
    ordered = {level: confirmed[level] for level in anatomy.sort_levels(confirmed)}
    findings = [evaluation._finding_as_rule(finding) for finding in assessment.findings.all() if finding.muscle]
    return needling_plan.rank_muscles(ordered, findings)


def planned_targets(assessment: Assessment) -> list[needling_plan.Target]:
    """The assessment's plan of muscles, in its order."""
    return [
        needling_plan.Target(row["muscle"], row["side"], row.get("level", "")) for row in assessment.planned_muscles
    ]


@dataclass(frozen=True)
class TargetToday:
    """A target offered for the plan: what the ranking says of it, the gate's answer today, whether it is ticked."""

    ranked: needling_plan.RankedTarget
    decision: site_gate.SiteDecision
    is_planned: bool


@dataclass(frozen=True)
class MuscleOffer:
    ranked: needling_plan.RankedMuscle
    targets: tuple[TargetToday, ...]


@dataclass(frozen=True)
class PlanOffer:
    """The summary's ranked muscles with the gate's answers, and the plan recorded so far."""

    first: tuple[MuscleOffer, ...]  # found, then the paraspinal partners
    rest: tuple[MuscleOffer, ...]  # the rest of the segment's muscles, collapsed on the page
    found_elsewhere: tuple[tuple[anatomy.Muscle, tuple[str, ...]], ...]
    no_longer_offered: tuple[tuple[anatomy.Muscle, needling_plan.Target], ...]  # planned, levels since changed

    @property
    def is_empty(self) -> bool:
        return not (self.first or self.rest)

    @property
    def rest_is_planned(self) -> bool:
        """A muscle of the collapsed rest is in the plan: the rest opens to show it."""
        return any(item.is_planned for offer in self.rest for item in offer.targets)


def plan_offer(*, assessment: Assessment, patient: PatientDecision) -> PlanOffer:
    """What the summary shows to choose the plan from: every muscle once, each target with the one gate's answer."""
    ranking = muscle_ranking(assessment=assessment)
    planned = set(planned_targets(assessment))
    offers = [
        MuscleOffer(
            ranked,
            tuple(
                TargetToday(
                    target,
                    site_gate.decide_site(
                        patient, site_gate.PlannedSite(target.target.muscle, target.target.side, target.target.level)
                    ),
                    target.target in planned,
                )
                for target in ranked.targets
            ),
        )
        for ranked in ranking.muscles
    ]
    offered = set(ranking.targets)
    stale = tuple((anatomy.muscle(target.muscle), target) for target in sorted(planned - offered, key=lambda t: t.key))
    return PlanOffer(
        first=tuple(o for o in offers if o.ranked.rank is not needling_plan.Rank.SEGMENT),
        rest=tuple(o for o in offers if o.ranked.rank is needling_plan.Rank.SEGMENT),
        found_elsewhere=ranking.found_elsewhere,
        no_longer_offered=stale,
    )


@transaction.atomic
def needling_plan_record(
    *,
    assessment: Assessment,
    recorded_by: User,
    targets: Iterable[needling_plan.Target],
    no_needling_reason: str = "",
    version: int | None = None,
) -> Assessment:
    """Record the plan of a draft: the ticked muscles, or that no needling is planned and why; never both.

    The plan replaces the one before it whole. Posting the plan already recorded changes nothing (a double submit).
    """
    locked = evaluation._lock_draft(assessment)
    if locked.physiotherapist_id != recorded_by.pk:
        raise ValidationError(NOT_YOUR_ASSESSMENT)
    chosen = set(targets)
    reason = no_needling_reason.strip()
    if chosen and reason:
        raise ValidationError(
            {"no_needling_reason": "Either tick muscles to needle or say why no needling is planned, not both."}
        )
    if not chosen and not reason:
        raise ValidationError({"targets": PLAN_MISSING})
    stored = planned_targets(locked)
    if chosen == set(stored) and reason == locked.no_needling_reason:
        return locked
    evaluation._lock_draft(assessment, version)  # a change made on a page that is out of date is refused
    ranked = muscle_ranking(assessment=locked).targets
    outside = sorted(chosen - set(ranked), key=lambda t: t.key)
    if outside:
        names = "; ".join(f"{anatomy.muscle(t.muscle).name}, {t.words}" for t in outside)
        raise ValidationError({"targets": f"Not among the muscles of the confirmed levels: {names}."})
    plan = [{"muscle": t.muscle, "side": t.side, "level": t.level} for t in ranked if t in chosen]  # ranking's order
    _touch(locked, planned_muscles=plan, no_needling_reason=reason)
    locked.planned_muscles, locked.no_needling_reason = plan, reason
    return locked


def plan_problems(assessment: Assessment) -> list[str]:
    """What keeps the plan of muscles from being signed, in words; empty when a plan of muscles, or a reasoned
    "no needling planned", is recorded and every planned muscle is still one of the confirmed levels'."""
    planned = planned_targets(assessment)
    if not planned:
        return [] if assessment.no_needling_reason.strip() else [PLAN_MISSING]
    offered = set(muscle_ranking(assessment=assessment).targets)
    return [
        f"{anatomy.muscle(target.muscle).name}, {target.words}, is planned but is no longer among the muscles of "
        "the confirmed levels: review the plan."
        for target in planned
        if target not in offered
    ]


@dataclass(frozen=True)
class PlannedAndDone:
    """One line of a session's plan next to what was done: a planned target and the sites needled there, or a
    site needled outside the plan (no target)."""

    muscle: anatomy.Muscle
    target: needling_plan.Target
    is_planned: bool
    sites: tuple[NeedledSite, ...]
    decision: site_gate.SiteDecision | None  # the gate's answer today for a planned target not yet needled


def planned_and_done(
    *,
    plan: Iterable[needling_plan.Target],
    sites: Iterable[NeedledSite],
    patient: PatientDecision | None = None,
) -> list[PlannedAndDone]:
    """The plan's targets in the plan's order, each with the sites needled there; then the sites outside the plan.
    Nothing without a plan: the sites table says what was done."""
    plan = list(plan)
    if not plan:
        return []
    done: dict[needling_plan.Target, list[NeedledSite]] = {}
    site_list = list(sites)
    for site in site_list:
        done.setdefault(needling_plan.Target(site.muscle, site.side, site.level), []).append(site)
    others = [site_gate.PlannedSite(site.muscle, site.side, site.level) for site in site_list]
    lines = []
    for target in dict.fromkeys(plan):
        needled = tuple(done.pop(target, []))
        decision = None
        if patient is not None and not needled:
            planned_site = site_gate.PlannedSite(target.muscle, target.side, target.level)
            decision = site_gate.decide_site(patient, planned_site, other_sites=others)
        lines.append(PlannedAndDone(anatomy.muscle(target.muscle), target, True, needled, decision))
    for target, unplanned in done.items():
        lines.append(PlannedAndDone(anatomy.muscle(target.muscle), target, False, tuple(unplanned), None))
    return lines
