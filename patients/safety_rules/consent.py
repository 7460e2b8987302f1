"""Consent support (7.1, 7.2), with the adverse events of 6.1 and their frequencies from 6.2."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from .flags import FLAG_DEFINITION_BY_CODE, Flag, FlagCode
from .regions import BodyRegion


@dataclass(frozen=True)
class StandardRisk:
    """A risk every patient is told about (7.2 elements 4 and 5); `ae_class` is an Appendix A ae_class value."""

    code: str
    ae_class: str  # "mild" | "significant" | "serious"
    patient_text: str
    frequency: str
    sources: str


STANDARD_RISKS: tuple[StandardRisk, ...] = (
    StandardRisk(
        "soreness_after",
        "mild",
        "Soreness in the treated muscles afterwards, often lasting 24 to 48 hours.",
        "55% after IMS in one trial",
        "[G9][G13]",
    ),
    StandardRisk("bruising", "mild", "Bruising where a needle went in.", "about 8% of treatments", "[E1][E2]"),
    StandardRisk(
        "bleeding", "mild", "A little bleeding where a needle went in.", "5 to 16% of treatments", "[E1][E2]"
    ),
    StandardRisk("pain_during", "mild", "Pain during needling.", "3 to 6% of treatments", "[E1][E2]"),
    StandardRisk(
        "short_term_worsening",
        "mild",
        "Your symptoms may get worse for a short time before they improve.",
        "about 1 in 100 treatments (0.88%)",
        "[E1]",
    ),
    StandardRisk(
        "tiredness",
        "mild",
        "Feeling tired or drowsy.",
        "drowsiness in 0.26% of treatments; fatigue 0.04%",
        "[E1]",
    ),
    StandardRisk(
        "feeling_faint",
        "mild",
        "Feeling faint, dizzy or sick.",
        "nausea 0.13% of treatments; 13% of surveyed physiotherapists had seen a patient faint",
        "[E1][E4]",
    ),
    StandardRisk(
        "significant_events",
        "significant",
        "Rarely, a reaction that needs a doctor or stops your usual activities, such as a long flare-up of pain, an "
        "injury from fainting, or a local infection.",
        "none in 7,629 treatments in one study (at most 0.04%)",
        "[E1][E3]",
    ),
    StandardRisk(
        "pneumothorax",
        "serious",
        "A collapsed lung (pneumothorax) when needling over the chest or upper back. Warning signs are shortness of "
        "breath or chest pain, possibly hours later: get urgent medical care.",
        "below 1 in 100,000 in acupuncture data; may be higher for needling over the chest",
        "[P1][P2]",
    ),
    StandardRisk(
        "other_serious",
        "serious",
        "A serious infection, an injury to a nerve or blood vessel, or a broken needle.",
        "rare, reported as single cases; all serious events together under 1 in 1,000 treatments",
        "[E1][E2][S11][C4]",
    ),
)


@dataclass(frozen=True)
class ConsentElement:
    number: int
    element: str
    content: str


CONSENT_ELEMENTS: tuple[ConsentElement, ...] = (
    ConsentElement(
        1,
        "What IMS is",
        "Dry needling with fine, solid, single-use needles. No substance is injected. Needles go into shortened "
        "muscles in the painful area and next to the spine, often several insertions per muscle.",
    ),
    ConsentElement(
        2,
        "What it feels like",
        'Often little skin sensation. A shortened muscle can "grab" the needle, giving a deep cramp or ache and '
        "sometimes a twitch [G8].",
    ),
    ConsentElement(
        3,
        "Purpose and expected benefits",
        "To release muscle shortening and reduce pain and stiffness. Benefits build over sessions. No result is "
        "guaranteed.",
    ),
    ConsentElement(4, "Common risks, with numbers", "See STANDARD_RISKS (mild) [G9][G13][E1][E2][E4]."),
    ConsentElement(5, "Rare but serious risks", "See STANDARD_RISKS (significant, serious) [P1][P2][E1][E2]."),
    ConsentElement(6, "Patient-specific risks", "Generated from the screening flags by consent_risks()."),
    ConsentElement(
        7, "Alternatives", "Other physiotherapy options (exercise, manual therapy, etc.), or no treatment."
    ),
    ConsentElement(
        8,
        "Right to stop",
        "The patient can stop at any moment; agree a stop signal; consent can be withdrawn at any time [C1].",
    ),
    ConsentElement(9, "Questions", "The patient has had the chance to ask questions, and the answers are recorded."),
    ConsentElement(
        10,
        "Scope",
        "Regions covered (for example neck and upper back, including paraspinal). Treating a new region, especially "
        "over the thorax, needs consent to be reconfirmed (proposed).",
    ),
    ConsentElement(
        11,
        "Capacity / substitute",
        "Patient capacity confirmed, or the substitute decision-maker's name and relationship [C1].",
    ),
    ConsentElement(
        12,
        "Form of consent and record",
        "Verbal or written (e-signature), consent text version, date and time, clinician, witness if any. "
        "Reconfirmation is logged per session.",
    ),
)


# 7.2 element 10: what is read to the patient before a region is added to their consent, by region.
_PNEUMOTHORAX_RISK = (
    "Needling here is over the lung. Rarely, a needle can cause a collapsed lung (pneumothorax). Warning signs are "
    "shortness of breath or chest pain, possibly hours later: get urgent medical care."
)
REGION_RISKS: Mapping[str, str] = MappingProxyType(
    {
        BodyRegion.HEAD_NECK: "Needling in the neck is close to the spinal canal and the arteries of the neck; the "
        "needle is always angled away from them. Rarely, a nerve or blood vessel can be injured.",
        BodyRegion.SHOULDER: f"Some shoulder-blade muscles lie over the top of the lung. {_PNEUMOTHORAX_RISK}",
        BodyRegion.UPPER_BACK: f"Needling beside the upper and middle spine. {_PNEUMOTHORAX_RISK}",
        BodyRegion.CHEST: f"Needling over the chest wall. {_PNEUMOTHORAX_RISK}",
        BodyRegion.UPPER_LIMB: "Needling in the arm is close to its nerves and blood vessels. Rarely, a nerve or "
        "blood vessel can be injured.",
        BodyRegion.ABDOMEN: "Needling the muscles of the belly wall is kept shallow because organs lie underneath. "
        "Rarely, a needle can reach an organ.",
        BodyRegion.LUMBOSACRAL: "Needling beside the lower spine. Deep muscles here lie in front of the kidney. "
        "Rarely, a nerve or blood vessel can be injured.",
        BodyRegion.PELVIS: "Needling near the groin is close to large blood vessels and nerves. Rarely, a nerve or "
        "blood vessel can be injured.",
        BodyRegion.BUTTOCK: "Needling in the buttock is close to the sciatic nerve. Rarely, a nerve can be irritated "
        "or injured.",
        BodyRegion.LOWER_LIMB: "Needling in the leg is close to its nerves and blood vessels. With a bleeding "
        "problem, bleeding inside the lower leg can rarely cause dangerous swelling.",
    }
)


def consent_risks(flags: Iterable[Flag | str]) -> list[str]:
    """Patient-specific risk sentences (7.2 element 6) for the given flags or flag codes, in order, without repeats."""
    sentences: list[str] = []
    for flag in flags:
        code = flag.code if isinstance(flag, Flag) else FlagCode(flag)
        sentence = FLAG_DEFINITION_BY_CODE[code].consent_sentence
        if sentence and sentence not in sentences:
            sentences.append(sentence)
    return sentences
