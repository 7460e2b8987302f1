"""Needling-site safety checks, adverse-event classes, aftercare text and session record elements (5.8, 6)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from patients.safety_rules import BLEEDING_FLAG_CODES, BodyRegion, Flag, FlagCode, Severity

# --------------------------------------------------------------------------------------------------------------------
# Precaution tags (2.3) and their general caution text
# --------------------------------------------------------------------------------------------------------------------

# The values of assessments.anatomy.PrecautionTag; plain strings here so this module stands alone.
PRECAUTION_TAGS = ("THORAX", "NV", "DEEP", "CANAL", "VISCERA")

PRECAUTION_TAG_MEANINGS: Mapping[str, str] = MappingProxyType(
    {
        "THORAX": "Lung or pleura underneath: pneumothorax risk (2.3) [P1].",
        "NV": "A major nerve or vessel nearby (2.3).",
        "DEEP": "Deep and cannot be compressed: relevant for patients with a bleeding risk (2.3) [S3].",
        "CANAL": "Close to the spinal canal or vertebral artery: angle toward the lamina, never the canal (2.3).",
        "VISCERA": "Abdominal or pelvic organs or the kidney underneath: pincer grip, superficial (2.3).",
    }
)

SIDES = ("L", "R", "B", "M")  # 0.1: left, right, bilateral, midline

APTA_DEEP_WARNING = (
    "Bleeding risk at a deep site: APTA advises cautious needling for anyone who bleeds abnormally easily, and says "
    "deep muscles where bleeding cannot be stopped by pressing on them may have to be skipped [S3]. Prefer "
    "superficial, compressible sites and avoid DEEP muscles until safety has been shown for this patient [S2]."
)

PNEUMOTHORAX_REMINDER = (
    "Pneumothorax reminder: direct the needle away from the lung, use a pincer grip and tangential insertion, choose "
    "the needle length for the patient's build (a 3.1 cm needle has reached lung tissue; through the upper trapezius "
    "40 to 60 mm needles reached the pleura in cadavers), and never needle both sides of the thorax in one session "
    "(2.3) [P1][P3]."
)

BILATERAL_THORAX_WARNING = (
    "Both sides of the thorax in one session: guidance is never to needle both sides of the thorax in one session "
    "[P1]. This session already has a THORAX site on the other side (or this site is bilateral)."
)


class SiteOutcome(StrEnum):
    ALLOW = "allow"
    WARN = "warn"  # non-blocking warning
    BLOCK_NEEDS_CONFIRMATION = "block_needs_confirmation"  # blocked until the clinician confirms and writes a note
    HOLD = "hold"  # no needling here until a signed resolution of the flag (5.5)

    @property
    def rank(self) -> int:
        return list(SiteOutcome).index(self)


@dataclass(frozen=True)
class SiteMessage:
    outcome: SiteOutcome
    text: str
    flag_code: FlagCode | None = None


@dataclass(frozen=True)
class SiteCheck:
    """The strictest outcome for a planned site, with every message behind it, strictest first."""

    outcome: SiteOutcome
    messages: tuple[SiteMessage, ...]

    @property
    def is_blocked(self) -> bool:
        return self.outcome in (SiteOutcome.BLOCK_NEEDS_CONFIRMATION, SiteOutcome.HOLD)

    @property
    def needs_confirmation(self) -> bool:
        return self.outcome is SiteOutcome.BLOCK_NEEDS_CONFIRMATION


@dataclass(frozen=True)
class SessionSite:
    """A site already planned or needled in the same session, for the bilateral thorax rule."""

    site_tags: tuple[str, ...]
    side: str | None


_OUTCOME_FOR_SEVERITY = {
    Severity.HOLD: SiteOutcome.HOLD,
    Severity.HIGH: SiteOutcome.BLOCK_NEEDS_CONFIRMATION,
    Severity.CLARIFY: SiteOutcome.WARN,
    Severity.MODERATE: SiteOutcome.WARN,
    Severity.LOW: SiteOutcome.WARN,
    Severity.INFO: SiteOutcome.WARN,
}

# A location the clinician has not mapped yet cannot be matched, so the site is one step less strict but never free:
# a site HOLD becomes "confirm the site is outside it".
_OUTCOME_FOR_UNMAPPED = {
    Severity.HOLD: SiteOutcome.BLOCK_NEEDS_CONFIRMATION,
    Severity.HIGH: SiteOutcome.WARN,
    Severity.CLARIFY: SiteOutcome.WARN,
    Severity.MODERATE: SiteOutcome.WARN,
    Severity.LOW: SiteOutcome.WARN,
    Severity.INFO: SiteOutcome.WARN,
}


def _validated_tags(site_tags: Iterable[str]) -> frozenset[str]:
    tags = frozenset(str(tag) for tag in site_tags)
    if unknown := tags - set(PRECAUTION_TAGS):
        raise ValueError(f"Unknown precaution tag(s): {', '.join(sorted(unknown))}.")
    return tags


def _validated_side(side: str | None) -> str | None:
    if side is not None and side not in SIDES:
        raise ValueError(f"Unknown side {side!r}; expected one of {', '.join(SIDES)} or None.")
    return side


def _on_opposite_sides(side: str | None, other: str | None) -> bool:
    """Whether two thorax sites count as both sides: a bilateral or unrecorded side counts; midline never does."""
    if "M" in (side, other):
        return False
    if "B" in (side, other) or side is None or other is None:
        return True
    return side != other


def _location(flag: Flag) -> str:
    return f" (patient's description: “{flag.location_note}”)" if flag.location_note else ""


def _region_message(
    flag: Flag, site_tags: frozenset[str], site_region: str | None, site_side: str | None
) -> SiteMessage | None:
    severity = flag.site_severity
    if severity is None:
        return None
    title = flag.definition.title
    if flag.site_tags:
        if not site_tags & set(flag.site_tags):
            return None
        return SiteMessage(
            _OUTCOME_FOR_SEVERITY[severity],
            f"{title}: {severity} at {'/'.join(flag.site_tags)} sites; confirm and write a plan to proceed. "
            f"{flag.definition.action}",
            flag.code,
        )
    if flag.areas:
        if site_region is None:
            return SiteMessage(
                SiteOutcome.BLOCK_NEEDS_CONFIRMATION,
                f"{title}: this site's region is not known; confirm it is outside "
                f"{', '.join(_describe_area(area.region, area.side) for area in flag.areas)} (5.8).",
                flag.code,
            )
        if any(area.contains(site_region, site_side) for area in flag.areas):
            return SiteMessage(
                _OUTCOME_FOR_SEVERITY[severity],
                f"{title}: this site is inside the affected region{_location(flag)}. "
                + ("Site HOLD until the flag is resolved (5.5, 5.8). " if severity is Severity.HOLD else "")
                + flag.definition.action,
                flag.code,
            )
        if not flag.location_note:
            return None
    return SiteMessage(
        _OUTCOME_FOR_UNMAPPED[severity],
        f"{title}: the affected location is not mapped to a body region{_location(flag)}. Confirm this site is "
        f"outside it, or map the region (5.8).",
        flag.code,
    )


def _describe_area(region: str, side: str | None) -> str:
    sides = {"L": "left ", "R": "right "}
    return f"{sides.get(side or '', '')}{str(region).replace('_', ' ')}"


def check_site(
    *,
    flags: Iterable[Flag],
    site_tags: Iterable[str],
    site_region: str | None,
    site_side: str | None,
    other_sites_in_session: Iterable[SessionSite] = (),
    precaution_note: str = "",
) -> SiteCheck:
    """Apply the site rules of 5.8 to one planned needling site.

    `flags` are the patient's flags still in force (a HOLD whose resolution is recorded is left out by the caller);
    `site_tags` are the muscle's precaution tags (2.3); `site_region` is a patient-safety BodyRegion value and
    `site_side` one of L/R/B/M; `precaution_note` is the muscle's own caution text from the catalogue (2.3).
    """
    tags = _validated_tags(site_tags)
    side = _validated_side(site_side)
    patient_flags = tuple(flags)
    messages: list[SiteMessage] = []

    for flag in patient_flags:
        # 5.5: a patient-wide HOLD stops needling at every site.
        if flag.severity is Severity.HOLD:
            messages.append(
                SiteMessage(
                    SiteOutcome.HOLD,
                    f"{flag.definition.title}: patient-wide HOLD; no needling until the clinician records a signed "
                    f"resolution (5.5). {flag.definition.action}",
                    flag.code,
                )
            )
        # 5.8: site-specific flags (lymphoedema, implant, skin, pregnancy regions; THORAX_RISK at THORAX sites).
        if (message := _region_message(flag, tags, site_region, side)) is not None:
            messages.append(message)

    # 5.8: bleeding risk at a DEEP site; CLARIFY counts as MODERATE (5.5), a HOLD as at least HIGH.
    if "DEEP" in tags:
        bleeding = [flag for flag in patient_flags if flag.code in BLEEDING_FLAG_CODES]
        high = [flag for flag in bleeding if flag.severity in (Severity.HIGH, Severity.HOLD)]
        moderate = [flag for flag in bleeding if flag.severity in (Severity.MODERATE, Severity.CLARIFY)]
        if high:
            codes = ", ".join(flag.code for flag in high)
            messages.append(
                SiteMessage(
                    SiteOutcome.BLOCK_NEEDS_CONFIRMATION,
                    f"{APTA_DEEP_WARNING} ({codes}) Confirm and write a note to proceed (5.8).",
                    high[0].code,
                )
            )
        elif moderate:
            codes = ", ".join(flag.code for flag in moderate)
            messages.append(SiteMessage(SiteOutcome.WARN, f"{APTA_DEEP_WARNING} ({codes})", moderate[0].code))

    # 5.8: THORAX reminder for every patient; both sides of the thorax in one session is a blocking warning [P1].
    if "THORAX" in tags:
        messages.append(SiteMessage(SiteOutcome.WARN, PNEUMOTHORAX_REMINDER))
        others = [other.side for other in other_sites_in_session if "THORAX" in _validated_tags(other.site_tags)]
        if side == "B" or any(_on_opposite_sides(side, _validated_side(other)) for other in others):
            messages.append(SiteMessage(SiteOutcome.BLOCK_NEEDS_CONFIRMATION, BILATERAL_THORAX_WARNING))

    # 5.8: anatomical caution text for CANAL and NV (and VISCERA, whose hazard 2.3 names).
    cautions = [tag for tag in ("CANAL", "NV", "VISCERA") if tag in tags]
    if cautions:
        text = " ".join(f"{tag}: {PRECAUTION_TAG_MEANINGS[tag]}" for tag in cautions)
        messages.append(SiteMessage(SiteOutcome.WARN, f"{text} {precaution_note}".strip()))

    messages.sort(key=lambda message: message.outcome.rank, reverse=True)
    outcome = messages[0].outcome if messages else SiteOutcome.ALLOW
    return SiteCheck(outcome, tuple(messages))


# --------------------------------------------------------------------------------------------------------------------
# Adverse events (6.1 classification, 6.2 types and frequencies, 6.3 what each class calls for)
# --------------------------------------------------------------------------------------------------------------------


class AdverseEventClass(StrEnum):
    """Appendix A ae_class."""

    MILD = "mild"
    SIGNIFICANT = "significant"
    SERIOUS = "serious"


@dataclass(frozen=True)
class AdverseEventClassInfo:
    ae_class: AdverseEventClass
    label: str
    definition: str
    examples: str
    action: str
    is_incident: bool  # escalated or referred, with a follow-up task, on the clinic's incident list (6.3)
    sources: str


ADVERSE_EVENT_CLASSES: tuple[AdverseEventClassInfo, ...] = (
    AdverseEventClassInfo(
        AdverseEventClass.MILD,
        "Mild (minor)",
        "Short-lived and reversible; does not inconvenience the patient.",
        "Bruising, bleeding, pain during or after treatment, brief worsening of symptoms then improvement, feeling "
        "tired, drowsy, relaxed or energised, feeling faint, dizziness, nausea, sweating.",
        "Record it on the session (type, onset, action taken). Reassure and give aftercare advice; review at the next "
        "visit.",
        False,
        "[E3]",
    ),
    AdverseEventClassInfo(
        AdverseEventClass.SIGNIFICANT,
        "Significant (moderate)",
        "Needs medical attention, or gets in the way of the patient's activities.",
        "Prolonged worsening, fainting with injury, local infection (unverified examples).",
        "Record it with who it was escalated or referred to; arrange medical attention; create a patient follow-up "
        "task; it goes on the clinic's incident list for review under the critical event management plan (6.3) "
        "[S17].",
        True,
        "[E3][S17]",
    ),
    AdverseEventClassInfo(
        AdverseEventClass.SERIOUS,
        "Serious (major)",
        "Needs hospital admission, or causes lasting significant disability or death.",
        "Pneumothorax, serious infection, major nerve or vessel injury.",
        "Follow the clinic's critical event management plan: get urgent or emergency care (suspected pneumothorax: "
        "breathlessness or chest pain) [P1][S17]. Record the escalation or referral, create a follow-up task, and "
        "review the incident and what was changed (6.3) [S17][S18].",
        True,
        "[E3][P1][S17][S18]",
    ),
)

ADVERSE_EVENT_CLASS_INFO: Mapping[AdverseEventClass, AdverseEventClassInfo] = MappingProxyType(
    {info.ae_class: info for info in ADVERSE_EVENT_CLASSES}
)


class AdverseEventOnset(StrEnum):
    DURING = "during"
    AFTER = "after"
    REPORTED_LATER = "reported_later"  # for example soreness reported at the next visit; links back to the session


@dataclass(frozen=True)
class AdverseEventType:
    """An adverse event from 6.1/6.2; `usual_class` is the class the reference places it in (the clinician decides)."""

    code: str
    label: str
    usual_class: AdverseEventClass | None
    frequency: str
    sources: str


ADVERSE_EVENT_TYPES: tuple[AdverseEventType, ...] = (
    AdverseEventType(
        "bruising",
        "Bruising",
        AdverseEventClass.MILD,
        "7.55% of treatments [E1]; 7.7% of sessions [E2]",
        "[E1][E2]",
    ),
    AdverseEventType(
        "bleeding",
        "Bleeding",
        AdverseEventClass.MILD,
        "4.65% of treatments [E1]; 16% of sessions [E2]",
        "[E1][E2]",
    ),
    AdverseEventType(
        "pain_during",
        "Pain during needling",
        AdverseEventClass.MILD,
        "3.01% of treatments [E1]; 5.9% of sessions [E2]",
        "[E1][E2]",
    ),
    AdverseEventType(
        "pain_after",
        "Pain or soreness after treatment",
        AdverseEventClass.MILD,
        "2.19% of treatments [E1]; post-treatment soreness 54.6% with IMS [G9]; usually 24 to 48 hours [G13]",
        "[E1][G9][G13]",
    ),
    AdverseEventType(
        "aggravation",
        "Brief worsening of symptoms",
        AdverseEventClass.MILD,
        "0.88% of treatments",
        "[E1]",
    ),
    AdverseEventType("drowsiness", "Drowsiness", AdverseEventClass.MILD, "0.26% of treatments", "[E1]"),
    AdverseEventType("headache", "Headache", AdverseEventClass.MILD, "0.14% of treatments", "[E1]"),
    AdverseEventType("nausea", "Nausea", AdverseEventClass.MILD, "0.13% of treatments", "[E1]"),
    AdverseEventType("fatigue", "Tiredness (fatigue)", AdverseEventClass.MILD, "0.04% of treatments", "[E1]"),
    AdverseEventType("altered_emotions", "Altered emotions", AdverseEventClass.MILD, "0.04% of treatments", "[E1]"),
    AdverseEventType("shaking", "Shaking", AdverseEventClass.MILD, "0.01% of treatments", "[E1]"),
    AdverseEventType("itching", "Itching", AdverseEventClass.MILD, "0.01% of treatments", "[E1]"),
    AdverseEventType("claustrophobia", "Claustrophobia", AdverseEventClass.MILD, "0.01% of treatments", "[E1]"),
    AdverseEventType("numbness", "Numbness", AdverseEventClass.MILD, "0.01% of treatments", "[E1]"),
    AdverseEventType(
        "feeling_faint",
        "Feeling faint, dizziness or sweating",
        AdverseEventClass.MILD,
        "no per-treatment rate retrieved",
        "[E3]",
    ),
    AdverseEventType(
        "fainting",
        "Fainting (syncope)",
        AdverseEventClass.SIGNIFICANT,
        "reported as a major event by 13% of surveyed physiotherapists [E4]; with injury it is significant [E3]",
        "[E3][E4]",
    ),
    AdverseEventType(
        "prolonged_aggravation",
        "Prolonged worsening of symptoms",
        AdverseEventClass.SIGNIFICANT,
        "reported as a major event by 8% of surveyed physiotherapists [E4]",
        "[E3][E4]",
    ),
    AdverseEventType(
        "excessive_bleeding",
        "Excessive bleeding",
        AdverseEventClass.SIGNIFICANT,
        "covered by the major-event survey of [E2] (breakdown not retrieved, unverified)",
        "[E2]",
    ),
    AdverseEventType(
        "local_infection",
        "Local infection",
        AdverseEventClass.SIGNIFICANT,
        "rare; no rate retrieved (unverified)",
        "[E3][S11]",
    ),
    AdverseEventType(
        "pneumothorax",
        "Pneumothorax (collapsed lung)",
        AdverseEventClass.SERIOUS,
        "below 1 in 100,000 in acupuncture data; may be higher for thorax needling; symptoms can start hours or days "
        "later",
        "[P1][P2]",
    ),
    AdverseEventType(
        "serious_infection",
        "Serious infection",
        AdverseEventClass.SERIOUS,
        "rare, single case reports; no rate retrieved (unverified)",
        "[E3][S11]",
    ),
    AdverseEventType(
        "nerve_injury",
        "Major nerve injury",
        AdverseEventClass.SERIOUS,
        "rare, single case reports; no rate retrieved (unverified)",
        "[E3][S11]",
    ),
    AdverseEventType(
        "vessel_injury",
        "Major blood-vessel injury",
        AdverseEventClass.SERIOUS,
        "rare; no rate retrieved (unverified)",
        "[E3]",
    ),
    AdverseEventType(
        "compartment_syndrome",
        "Compartment syndrome from bleeding",
        AdverseEventClass.SERIOUS,
        "case reports since 1986, in people with abnormal bleeding",
        "[S5][S6]",
    ),
    AdverseEventType(
        "broken_needle",
        "Broken needle",
        AdverseEventClass.SERIOUS,
        "rare, single case reports; no rate retrieved (unverified)",
        "[S11][C4]",
    ),
    AdverseEventType(
        "organ_puncture",
        "Organ puncture",
        AdverseEventClass.SERIOUS,
        "rare; listed by course providers; no rate retrieved (unverified)",
        "[S11][C4]",
    ),
    AdverseEventType("other", "Other (describe)", None, "", ""),
)

ADVERSE_EVENT_TYPE_BY_CODE: Mapping[str, AdverseEventType] = MappingProxyType(
    {event.code: event for event in ADVERSE_EVENT_TYPES}
)

# Overall rates, for the consent discussion and the incident list (6.2).
MINOR_EVENT_RATE = "19.18% of treatments [E1]; 36.7% of sessions [E2]"
MAJOR_EVENT_RATE = "no significant events in 7,629 treatments (at most 0.04%) [E1]; under 0.1% (about 1 in 1,024) [E2]"


# --------------------------------------------------------------------------------------------------------------------
# Aftercare advice (6.4 "Advice given": standard text plus edits)
# --------------------------------------------------------------------------------------------------------------------

AFTERCARE_ADVICE = (
    "Your muscles may feel sore for 24 to 48 hours after treatment, like after exercise. This is expected. Bruising "
    "or a small spot of bleeding where a needle went in can also happen. Contact the clinic if you are worried."
)

AFTERCARE_THORAX_WARNING = (
    "You had needling over the chest, upper back or shoulders. If you become short of breath or have chest pain, even "
    "hours or days later, get urgent medical care and say that you had dry needling."
)


def aftercare_advice(*, has_thorax_site: bool) -> str:
    """The standard aftercare text (6.4) [P1][G13]; the thorax warning is added when a THORAX site was needled."""
    return f"{AFTERCARE_ADVICE} {AFTERCARE_THORAX_WARNING}" if has_thorax_site else AFTERCARE_ADVICE


# --------------------------------------------------------------------------------------------------------------------
# What each treatment session records (6.4, proposed schema built on [D1])
# --------------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordElement:
    name: str
    kind: str
    notes: str = ""


@dataclass(frozen=True)
class Choice:
    code: str
    label: str


SESSION_HEADER_ELEMENTS: tuple[RecordElement, ...] = (
    RecordElement("Date/time, clinician, location", "auto"),
    RecordElement(
        "Consent reference",
        'link to a consent record plus its version; "consent reconfirmed today" Y/N',
        "See section 7",
    ),
    RecordElement(
        "Screening reference",
        "link to the questionnaire version; acknowledgements of its flags",
        "Needling rows are blocked until this is complete (5.5)",
    ),
    RecordElement('"Any change since screening?"', "Y/N", "Yes means re-screen (R35)"),
    RecordElement("Pre-treatment pain", "NPRS 0-10 and time frame"),
    RecordElement("Patient position", "choice (PATIENT_POSITIONS)", "Sitting is a fainting risk (proposed reminder)"),
    RecordElement(
        "Needle product",
        "brand/lot (optional), diameter (mm, e.g. 0.16-0.35), length (mm, e.g. 15-75)",
        "Session default, which each site can override",
    ),
    RecordElement("Technique", "choice (TECHNIQUES) plus text"),
)

SITE_ROW_ELEMENTS: tuple[RecordElement, ...] = (
    RecordElement("Muscle", 'link to the muscle catalogue (2.3) or "paraspinal"', "Precaution tags are checked (5.8)"),
    RecordElement("Side", "L / R"),
    RecordElement("Spinal level", "level code(s)", "Required for paraspinal sites"),
    RecordElement("Needle diameter and length", "mm", "If different from the session default"),
    RecordElement("Number of insertions / needles", "integer"),
    RecordElement("Depth reached (optional)", "mm or choice (DEPTHS)", "Important for THORAX sites"),
    RecordElement(
        "Response",
        "local twitch response (TWITCH_RESPONSES), grasp/cramp Y/N, sensation (SENSATIONS), reproduced familiar "
        "pain Y/N",
        "[G8][G9]",
    ),
    RecordElement("Bleeding at the site", "choice (SITE_BLEEDING), compression in seconds"),
    RecordElement("Immediate effect", "retest, e.g. ROM degrees, or pain on palpation", "Optional"),
)

SESSION_CLOSE_ELEMENTS: tuple[RecordElement, ...] = (
    RecordElement("Post-treatment pain, ROM retest", "numbers"),
    RecordElement(
        "Adverse events",
        "zero or more: type (ADVERSE_EVENT_TYPES), class (AdverseEventClass), onset (AdverseEventOnset), action "
        "taken, referral",
        "Later reports (for example soreness at the next visit) link back to this session",
    ),
    RecordElement(
        "Needle accounting",
        '"all needles removed and disposed of in a sharps container" confirmation; broken needle Y/N',
        "proposed; the disposal and hygiene sections of ASAP/ISCP [S14][S1]",
    ),
    RecordElement("Advice given", "standard text (aftercare_advice) plus edits", "[P1][G13]"),
    RecordElement("Plan", "next session, muscles or levels to reassess"),
    RecordElement("Sign-off", "the clinician's electronic signature", "After it the record is immutable (8.2)"),
)

PATIENT_POSITIONS: tuple[Choice, ...] = (
    Choice("prone", "Prone"),
    Choice("supine", "Supine"),
    Choice("side_lying_left", "Side-lying, left"),
    Choice("side_lying_right", "Side-lying, right"),
    Choice("sitting", "Sitting"),
)

POSITION_REMINDERS: Mapping[str, str] = MappingProxyType(
    {"sitting": "Sitting is a fainting risk: consider treating lying down (6.4, proposed)."}
)

TECHNIQUES: tuple[Choice, ...] = (
    Choice("pecking", 'IMS manual in-and-out ("pecking")'),
    Choice("rotation", "Rotation"),
    Choice("plunger_or_guide_tube", "With plunger or guide tube"),
    Choice("retained", "Retained needle (minutes)"),
)

TWITCH_RESPONSES: tuple[Choice, ...] = (Choice("none", "None"), Choice("one", "1"), Choice("several", "Several"))

SENSATIONS: tuple[Choice, ...] = (
    Choice("ache", "Ache"),
    Choice("cramp", "Cramp"),
    Choice("sharp", "Sharp"),
    Choice("referred", "Referred"),
)

SITE_BLEEDING: tuple[Choice, ...] = (
    Choice("none", "None"),
    Choice("spot", "Spot"),
    Choice("compression", "Needed compression (seconds)"),
)

DEPTHS: tuple[Choice, ...] = (
    Choice("superficial", "Superficial"),
    Choice("intramuscular", "Intramuscular"),
    Choice("to_bone", "To bone"),
)

# Examples from 6.4, for form hints; not limits.
NEEDLE_DIAMETER_EXAMPLE_MM = (0.16, 0.35)
NEEDLE_LENGTH_EXAMPLE_MM = (15, 75)


# ----------------------------------------------------------------------------------------------------------------
# Where each catalogue muscle lies, as the coarse BodyRegion of patients.safety_rules that site-specific flags hold
# (a *proposed* mapping: 5.8 needs a region per site; 2.3 gives upper quarter / trunk / lower quarter only).
# ----------------------------------------------------------------------------------------------------------------

MUSCLE_BODY_REGIONS: Mapping[str, BodyRegion] = MappingProxyType(
    {
        **dict.fromkeys(
            (
                "suboccipitals",
                "sternocleidomastoid",
                "semispinalis-splenius-capitis",
                "cervical-multifidus-rotatores",
                "scalenes",
                "levator-scapulae",
            ),
            BodyRegion.HEAD_NECK,
        ),
        **dict.fromkeys(
            (
                "upper-trapezius",
                "middle-lower-trapezius",
                "rhomboids",
                "supraspinatus",
                "infraspinatus",
                "teres-minor",
                "teres-major",
                "subscapularis",
                "latissimus-dorsi",
                "thoracic-erector-spinae",
                "thoracic-multifidus-rotatores",
            ),
            BodyRegion.UPPER_BACK,
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


def site_body_region(muscle_code: str) -> BodyRegion:
    """The BodyRegion where a catalogue muscle is needled."""
    if muscle_code in MUSCLE_BODY_REGIONS:
        return MUSCLE_BODY_REGIONS[muscle_code]
    raise ValueError(f"Unknown muscle {muscle_code!r}: no body region for it.")
