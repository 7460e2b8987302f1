"""Adverse-event classes, aftercare text and the choices of a session's record (6); the site rules are the gate's
(assessments.site_gate)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

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

# When the event began, relative to the session it followed (6.4 session close: during / after / reported later).
ADVERSE_EVENT_ONSET_WORDS: Mapping[str, str] = MappingProxyType(
    {
        AdverseEventOnset.DURING: "During needling",
        AdverseEventOnset.AFTER: "After the session",
        AdverseEventOnset.REPORTED_LATER: "Reported at a later visit",
    }
)


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
# The choices a treatment session records (6.4, proposed schema built on [D1])
# --------------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    code: str
    label: str


PATIENT_POSITIONS: tuple[Choice, ...] = (
    Choice("prone", "Prone"),
    Choice("supine", "Supine"),
    Choice("side_lying_left", "Side-lying, left"),
    Choice("side_lying_right", "Side-lying, right"),
    Choice("sitting", "Sitting"),
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
