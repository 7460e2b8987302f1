"""The site-level half of the needling gate: may this muscle or level, on this side, be needled for this patient today.

Pure Python (no Django). It composes the patient-level answer (`patients.gate`) with the planned site: the consent's
regions (7.2 element 10), the site holds of the flags (5.4, 5.8: lymphoedema quadrant, pregnancy, implant, skin),
the bleeding rule at deep sites, the thorax rules and the catalogue's precautions (2.3). The summary's muscle list,
the session's site form and the service that saves a site all ask `decide_site` and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from patients.gate import GATE_RULES_VERSION, PatientDecision, Reason, ReasonKind
from patients.reference_text import without_references
from patients.safety_rules import (
    BLEEDING_FLAG_CODES,
    REGION_WORDS,
    AffectedArea,
    BodyRegion,
    Flag,
    FlagCode,
    Severity,
    lymphoedema_quadrant,
)

from . import anatomy

# --------------------------------------------------------------------------------------------------------------------
# Where each site lies (7.2 element 10 as decided: the muscle's region; a paraspinal site by its level)
# --------------------------------------------------------------------------------------------------------------------

MUSCLE_BODY_REGIONS: Mapping[str, BodyRegion] = MappingProxyType(
    {
        **dict.fromkeys(
            (
                "suboccipitals",
                "sternocleidomastoid",
                "semispinalis-splenius-capitis",
                "scalenes",
                "cervical-multifidus-rotatores",  # beside the spine: by its level when one is given
            ),
            BodyRegion.HEAD_NECK,
        ),
        # 5.4 names these the shoulder and scapular muscles of an arm's quadrant.
        **dict.fromkeys(
            (
                "upper-trapezius",
                "middle-lower-trapezius",
                "levator-scapulae",
                "rhomboids",
                "supraspinatus",
                "infraspinatus",
                "teres-minor",
                "teres-major",
                "subscapularis",
                "latissimus-dorsi",
            ),
            BodyRegion.SHOULDER,
        ),
        **dict.fromkeys(
            ("pectoralis-major", "pectoralis-minor", "serratus-anterior", "intercostals"), BodyRegion.CHEST
        ),
        **dict.fromkeys(
            (
                "deltoid",
                "biceps-brachii",
                "brachialis",
                "coracobrachialis",
                "triceps-brachii",
                "brachioradialis",
                "extensor-carpi-radialis-longus",
                "extensor-carpi-radialis-brevis",
                "supinator",
                "extensor-digitorum",
                "extensor-carpi-ulnaris",
                "pronator-teres",
                "flexor-carpi-radialis",
                "flexor-carpi-ulnaris",
                "flexor-digitorum-superficialis",
                "first-dorsal-interosseous",
                "thenar-muscles",
            ),
            BodyRegion.UPPER_LIMB,
        ),
        **dict.fromkeys(("thoracic-erector-spinae", "thoracic-multifidus-rotatores"), BodyRegion.UPPER_BACK),
        "rectus-abdominis-obliques": BodyRegion.ABDOMEN,
        **dict.fromkeys(("lumbar-erector-spinae", "lumbar-multifidus", "quadratus-lumborum"), BodyRegion.LUMBOSACRAL),
        "iliopsoas": BodyRegion.PELVIS,
        **dict.fromkeys(
            (
                "gluteus-maximus",
                "gluteus-medius",
                "gluteus-minimus",
                "tensor-fasciae-latae",
                "piriformis",
                "deep-hip-rotators",
            ),
            BodyRegion.BUTTOCK,
        ),
        **dict.fromkeys(
            (
                "adductor-longus-brevis",
                "adductor-magnus",
                "gracilis-sartorius",
                "rectus-femoris",
                "vastus-lateralis",
                "vastus-medialis",
                "biceps-femoris",
                "semitendinosus-semimembranosus",
                "tibialis-anterior",
                "extensor-hallucis-digitorum-longus",
                "fibularis-longus-brevis",
                "gastrocnemius",
                "soleus",
                "tibialis-posterior",
                "flexor-digitorum-hallucis-longus",
                "extensor-digitorum-brevis-foot-intrinsics",
            ),
            BodyRegion.LOWER_LIMB,
        ),
    }
)

# The muscles beside the spine, whose site is placed by the level needled (the intercostals are segmental but lie on
# the chest wall, so they keep the muscle's region).
PARASPINAL_MUSCLES = frozenset(
    {
        "cervical-multifidus-rotatores",
        "thoracic-erector-spinae",
        "thoracic-multifidus-rotatores",
        "lumbar-erector-spinae",
        "lumbar-multifidus",
    }
)


def level_region(level: str) -> BodyRegion:
    """A spinal level's region: cervical, thoracic, or lumbar and sacral."""
    if level[:1] == "C":
        return BodyRegion.HEAD_NECK
    if level[:1] == "T":
        return BodyRegion.UPPER_BACK
    if level[:1] in ("L", "S"):
        return BodyRegion.LUMBOSACRAL
    raise ValueError(f"Unknown spinal level {level!r}.")


def site_region(muscle_code: str, level: str = "") -> BodyRegion:
    """The region a site lies in: a paraspinal site by its level, any other by its muscle."""
    if muscle_code in PARASPINAL_MUSCLES and level:
        return level_region(level)
    if muscle_code in MUSCLE_BODY_REGIONS:
        return MUSCLE_BODY_REGIONS[muscle_code]
    raise ValueError(f"Unknown muscle {muscle_code!r}: no body region for it.")


_SIDE_WORDS = MappingProxyType({"L": "left", "R": "right", "B": "both sides"})

# --------------------------------------------------------------------------------------------------------------------
# The decision
# --------------------------------------------------------------------------------------------------------------------


class Verdict(StrEnum):
    ALLOWED = "allowed"
    CAUTION = "caution"  # allowed, with cautions to read
    NEEDS_NOTE = "needs_note"  # allowed once the clinician confirms with a note
    HELD = "held"

    @property
    def label(self) -> str:
        return _VERDICT_LABELS[self]

    @property
    def rank(self) -> int:
        return list(Verdict).index(self)


_VERDICT_LABELS = MappingProxyType(
    {
        Verdict.ALLOWED: "Allowed",
        Verdict.CAUTION: "Allowed with cautions",
        Verdict.NEEDS_NOTE: "Needs your confirmation and a note",
        Verdict.HELD: "Held",
    }
)


@dataclass(frozen=True)
class PlannedSite:
    muscle: str  # a catalogue muscle code (2.3)
    side: str  # "L", "R" or "B"
    level: str = ""  # for a segmental muscle, the level needled


@dataclass(frozen=True)
class SiteDecision:
    verdict: Verdict
    holds: tuple[Reason, ...]
    confirmations: tuple[Reason, ...]  # each needs the clinician's confirmation note
    cautions: tuple[Reason, ...]
    region: BodyRegion
    rules_version: str = GATE_RULES_VERSION

    @property
    def is_held(self) -> bool:
        return self.verdict is Verdict.HELD

    @property
    def needs_note(self) -> bool:
        return self.verdict is Verdict.NEEDS_NOTE

    @property
    def reasons(self) -> tuple[Reason, ...]:
        return (*self.holds, *self.confirmations, *self.cautions)

    @property
    def site_holds(self) -> tuple[Reason, ...]:
        """The holds of this site itself (consent scope, site flags), without the patient-level ones."""
        return tuple(reason for reason in self.holds if reason.kind in (ReasonKind.CONSENT_SCOPE, ReasonKind.SITE))

    @property
    def consent_region_missing(self) -> BodyRegion | None:
        """The region to add to the consent when that is what holds this site."""
        return next((reason.region for reason in self.holds if reason.kind is ReasonKind.CONSENT_SCOPE), None)


DEEP_BLEEDING_HELD_TEXT = (
    "Deep muscle with a high bleeding risk: bleeding in a muscle that cannot be pressed on cannot be stopped, and "
    "deep muscles may have to be skipped until safety has been shown for this patient. Confirm, with a note, why "
    "you needle it ({flags})."
)
DEEP_BLEEDING_CAUTION_TEXT = (
    "Deep muscle with a bleeding risk ({flags}): prefer superficial, compressible sites and press each site "
    "afterwards."
)
PNEUMOTHORAX_TEXT = (
    "Over the lung: direct the needle away from the lung, use a pincer grip and tangential insertion, and choose "
    "the needle's length for the patient's build."
)
BILATERAL_THORAX_TEXT = (
    "Both sides of the chest in one session: the guidance is never to needle both sides of the thorax in one "
    "session. Confirm, with a note, why you needle this site."
)
_TAG_CAUTIONS = MappingProxyType(
    {
        "CANAL": "Close to the spinal canal or the vertebral artery: angle toward the lamina, never the canal.",
        "NV": "A major nerve or vessel lies nearby.",
        "VISCERA": "Organs lie underneath: pincer grip, superficial.",
    }
)


def _titles(flags: Iterable[Flag]) -> str:
    return "; ".join(dict.fromkeys(flag.definition.title.split(":")[0] for flag in flags))


def held_areas(flag: Flag) -> tuple[AffectedArea, ...]:
    """The areas a site-specific flag holds: lymphoedema holds the whole quadrant of each limb (5.4)."""
    if flag.code is FlagCode.LYMPHOEDEMA_SITE:
        return lymphoedema_quadrant(flag.areas)
    return flag.areas


def _on_opposite_sides(side: str, other: str) -> bool:
    return "B" in (side, other) or side != other


def _site_flag_reasons(
    flag: Flag, *, region: BodyRegion, side: str, tags: frozenset[str]
) -> tuple[list[Reason], list[Reason], list[Reason]]:
    """5.8's site rule of one flag: (holds, confirmations, cautions)."""
    holds: list[Reason] = []
    confirmations: list[Reason] = []
    cautions: list[Reason] = []
    severity = flag.site_severity
    if severity is None:
        return holds, confirmations, cautions
    title = flag.definition.title.split(":")[0]
    rule = f"5.8, {flag.rule}"
    if flag.site_tags:
        if tags & set(flag.site_tags):
            text = f"{title}: this site lies over the lung. Confirm, with a note, how you needle it safely."
            target = confirmations if severity in (Severity.HOLD, Severity.HIGH) else cautions
            target.append(Reason(text, rule, ReasonKind.SITE))
        return holds, confirmations, cautions
    areas = held_areas(flag)
    description = f" (the patient said: “{flag.location_note}”)" if flag.location_note else ""
    if areas and any(area.contains(region, side) for area in areas):
        if severity is Severity.HOLD:
            holds.append(
                Reason(
                    f"{title}: {REGION_WORDS[region]}, {_SIDE_WORDS.get(side, side)}, is inside the region that must "
                    f"not be needled{description}.",
                    rule,
                    ReasonKind.SITE,
                    region,
                )
            )
        elif severity is Severity.HIGH:
            confirmations.append(
                Reason(f"{title}: this site is inside the affected region{description}.", rule, ReasonKind.SITE)
            )
        else:
            cautions.append(
                Reason(f"{title}: review this site, inside the affected region{description}.", rule, ReasonKind.SITE)
            )
        return holds, confirmations, cautions
    if areas and not flag.location_note:
        return holds, confirmations, cautions
    # A location the patient described but nobody has mapped cannot be matched: never free, one step less strict.
    text = (
        f"{title}: the affected place is not mapped to a region{description}. Confirm, with a note, that this site is "
        "outside it."
    )
    if severity in (Severity.HOLD, Severity.HIGH):
        confirmations.append(Reason(text, rule, ReasonKind.SITE))
    else:
        cautions.append(Reason(text, rule, ReasonKind.SITE))
    return holds, confirmations, cautions


def decide_site(
    patient: PatientDecision, site: PlannedSite, *, other_sites: Iterable[PlannedSite] = ()
) -> SiteDecision:
    """The gate's answer for one planned site today: the patient's holds, then the site's own rules."""
    muscle = anatomy.muscle(site.muscle)
    region = site_region(site.muscle, site.level)
    tags = frozenset(tag.value for tag in muscle.precautions)
    holds: list[Reason] = list(patient.holds)
    confirmations: list[Reason] = []
    cautions: list[Reason] = list(patient.cautions)

    # 7.2 element 10: a site outside the consent's regions waits for the patient's consent to that region.
    scope = patient.consent_scope
    if scope is not None:
        is_paraspinal = site.muscle in PARASPINAL_MUSCLES
        if region not in scope.regions:
            holds.append(
                Reason(
                    f"Consent does not cover {REGION_WORDS[region]}: record the patient's consent for this region "
                    "first.",
                    "7.2 element 10",
                    ReasonKind.CONSENT_SCOPE,
                    region,
                )
            )
        elif is_paraspinal and not scope.covers(region, is_paraspinal=True):
            holds.append(
                Reason(
                    f"Consent does not cover needling beside the spine in {REGION_WORDS[region]}: record the "
                    "patient's consent for it first.",
                    "7.2 element 10",
                    ReasonKind.CONSENT_SCOPE,
                    region,
                )
            )

    flags = patient.flags_in_force
    for flag in flags:
        flag_holds, flag_confirmations, flag_cautions = _site_flag_reasons(
            flag, region=region, side=site.side, tags=tags
        )
        holds += flag_holds
        confirmations += flag_confirmations
        cautions += flag_cautions

    # 5.8: bleeding risk at a deep site; CLARIFY counts as MODERATE (5.5), a HOLD as at least HIGH.
    if "DEEP" in tags:
        bleeding = [flag for flag in flags if flag.code in BLEEDING_FLAG_CODES]
        high = [flag for flag in bleeding if flag.severity in (Severity.HIGH, Severity.HOLD)]
        moderate = [flag for flag in bleeding if flag.severity in (Severity.MODERATE, Severity.CLARIFY)]
        if high:
            confirmations.append(
                Reason(DEEP_BLEEDING_HELD_TEXT.format(flags=_titles(high)), "5.8 (APTA)", ReasonKind.SITE)
            )
        elif moderate:
            cautions.append(
                Reason(DEEP_BLEEDING_CAUTION_TEXT.format(flags=_titles(moderate)), "5.8 (APTA)", ReasonKind.SITE)
            )

    # 5.8: the pneumothorax reminder at every thorax site; both sides of the chest in one session needs a note.
    if "THORAX" in tags:
        cautions.append(Reason(PNEUMOTHORAX_TEXT, "2.3, 5.8", ReasonKind.SITE))
        thorax_sides = [
            other.side
            for other in other_sites
            if "THORAX" in {tag.value for tag in anatomy.muscle(other.muscle).precautions}
        ]
        if site.side == "B" or any(_on_opposite_sides(site.side, other) for other in thorax_sides):
            confirmations.append(Reason(BILATERAL_THORAX_TEXT, "5.8", ReasonKind.SITE))

    # 5.8: the anatomical caution of CANAL, NV and VISCERA sites, with the muscle's own note from the catalogue.
    tag_cautions = [_TAG_CAUTIONS[tag] for tag in ("CANAL", "NV", "VISCERA") if tag in tags]
    if tag_cautions:
        caution = without_references(muscle.caution)  # the catalogue's wording, without its citations
        cautions.append(Reason(" ".join([*tag_cautions, caution]).strip(), "2.3, 5.8", ReasonKind.SITE))

    if holds:
        verdict = Verdict.HELD
    elif confirmations:
        verdict = Verdict.NEEDS_NOTE
    elif cautions:
        verdict = Verdict.CAUTION
    else:
        verdict = Verdict.ALLOWED
    return SiteDecision(verdict, tuple(holds), tuple(confirmations), tuple(cautions), region)
