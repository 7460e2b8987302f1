"""Medications (5.2) and conditions (5.3) as data, and finding them named in a patient's own words."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType


class DrugClass(StrEnum):
    VITAMIN_K_ANTAGONIST = "vitamin_k_antagonist"
    DIRECT_ORAL_ANTICOAGULANT = "direct_oral_anticoagulant"
    HEPARIN = "heparin"
    ASPIRIN = "aspirin"
    OTHER_ANTIPLATELET = "other_antiplatelet"
    NSAID = "nsaid"
    SSRI_SNRI = "ssri_snri"
    SUPPLEMENT_HIGH_RISK = "supplement_high_risk"
    SUPPLEMENT_MODERATE_EVIDENCE = "supplement_moderate_evidence"
    SUPPLEMENT_NO_RISK = "supplement_no_risk"
    CHEMOTHERAPY_IMMUNOSUPPRESSANT = "chemotherapy_immunosuppressant"


@dataclass(frozen=True)
class DrugClassInfo:
    drug_class: DrugClass
    name: str
    why: str
    stance: str
    flag: str
    action: str


@dataclass(frozen=True)
class Medication:
    """One medicine or supplement; `names` are the generic name, brands and aliases matched in typed text."""

    generic_name: str
    drug_class: DrugClass
    brands: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.generic_name, *self.brands, *self.aliases)

    @property
    def label(self) -> str:
        return f"{self.generic_name} ({', '.join(self.brands)})" if self.brands else self.generic_name


DRUG_CLASSES: tuple[DrugClassInfo, ...] = (
    DrugClassInfo(
        DrugClass.VITAMIN_K_ANTAGONIST,
        "Vitamin K antagonist",
        "Anticoagulant; its effect is measured by the INR.",
        "Relative; caution [S1][S2][S3]",
        "HIGH",
        "Ask for the latest INR, its date and the target range; needle only if the INR is within the target range. "
        "Fine needles, superficial and compressible sites, avoid DEEP muscles at first, press each site, watch the "
        "bleeding response [S2][S5].",
    ),
    DrugClassInfo(
        DrugClass.DIRECT_ORAL_ANTICOAGULANT,
        "Direct oral anticoagulant (DOAC)",
        "Anticoagulant; no routine INR monitoring.",
        "Relative; caution [S2]",
        "HIGH",
        "As for warfarin, without the INR step. Ask about recent dose changes (unverified detail).",
    ),
    DrugClassInfo(
        DrugClass.HEPARIN,
        "Heparin",
        "Injectable anticoagulant, often short-term (after surgery).",
        "Relative; caution",
        "HIGH",
        "Consider deferring needling during the course; otherwise as for DOACs (unverified).",
    ),
    DrugClassInfo(
        DrugClass.ASPIRIN,
        "Antiplatelet: aspirin",
        "Inhibits platelet aggregation.",
        "Relative [S1][S2]",
        "MODERATE",
        "Compress sites. Watch bleeding.",
    ),
    DrugClassInfo(
        DrugClass.OTHER_ANTIPLATELET,
        "Antiplatelet: P2Y12 inhibitors and others",
        "Stronger platelet inhibition.",
        "Relative [S2]",
        "MODERATE on its own; HIGH when combined (dual antiplatelet, or with an anticoagulant)",
        "Compress sites, watch bleeding, plus the DEEP caution.",
    ),
    DrugClassInfo(
        DrugClass.NSAID,
        "NSAID (regular use)",
        "Reversible platelet effect; adds to SSRIs and anticoagulants. Celecoxib has less platelet effect "
        "(unverified).",
        '"Patient medication" is a relative contraindication [S1]',
        "LOW; MODERATE when combined",
        "Note it; compress sites.",
    ),
    DrugClassInfo(
        DrugClass.SSRI_SNRI,
        "SSRI / SNRI",
        "Reduce serotonin uptake into platelets, weakening aggregation; risk rises with aspirin or NSAIDs. Strong "
        "serotonin-reuptake inhibitors had the highest odds of hospitalisation for abnormal bleeding (OR 2.6) [S10].",
        'Relative ("patient medication") [S1]',
        "LOW; MODERATE when combined with an NSAID, antiplatelet or anticoagulant",
        "Note it; compress sites.",
    ),
    DrugClassInfo(
        DrugClass.SUPPLEMENT_HIGH_RISK,
        "Supplement with high evidence of bleeding risk",
        "Antiplatelet effects; matter most alongside anticoagulants [S9].",
        "—",
        "LOW (MODERATE with an anticoagulant or antiplatelet)",
        "Note it.",
    ),
    DrugClassInfo(
        DrugClass.SUPPLEMENT_MODERATE_EVIDENCE,
        "Supplement with moderate or conflicting evidence",
        "Moderate or conflicting evidence of bleeding risk [S9]; vitamin E evidence not retrieved (unverified).",
        "—",
        "INFO (LOW with an anticoagulant)",
        "Note it.",
    ),
    DrugClassInfo(
        DrugClass.SUPPLEMENT_NO_RISK,
        "Supplement the 2022 review found not associated with bleeding",
        'Popular belief differs; the review rated fish oil "no risk" [S9].',
        "—",
        "INFO",
        "Note it only.",
    ),
    DrugClassInfo(
        DrugClass.CHEMOTHERAPY_IMMUNOSUPPRESSANT,
        "Chemotherapy, immunosuppressants, long-term systemic steroids",
        "Thrombocytopenia (bleeding) and neutropenia or immunosuppression (infection); steroids may thin the skin "
        "(unverified).",
        "Relative (compromised immune system) [S1]; thrombocytopenia data [S8]",
        "MODERATE to HIGH",
        "Ask for the date of the last blood count; platelet and neutrophil cut-offs are clinic settings ([S7], "
        "unverified).",
    ),
)

DRUG_CLASS_INFO: Mapping[DrugClass, DrugClassInfo] = MappingProxyType({info.drug_class: info for info in DRUG_CLASSES})

# 5.2, in the table's order; only the names the reference lists.
MEDICATIONS: tuple[Medication, ...] = (
    Medication("warfarin", DrugClass.VITAMIN_K_ANTAGONIST, brands=("Coumadin",)),
    Medication("acenocoumarol", DrugClass.VITAMIN_K_ANTAGONIST),
    Medication("apixaban", DrugClass.DIRECT_ORAL_ANTICOAGULANT, brands=("Eliquis",)),
    Medication("rivaroxaban", DrugClass.DIRECT_ORAL_ANTICOAGULANT, brands=("Xarelto",)),
    Medication("dabigatran", DrugClass.DIRECT_ORAL_ANTICOAGULANT, brands=("Pradaxa",)),
    Medication("edoxaban", DrugClass.DIRECT_ORAL_ANTICOAGULANT, brands=("Lixiana", "Savaysa")),
    Medication("enoxaparin", DrugClass.HEPARIN, brands=("Lovenox",)),
    Medication("dalteparin", DrugClass.HEPARIN, brands=("Fragmin",)),
    Medication("tinzaparin", DrugClass.HEPARIN, brands=("Innohep",)),
    Medication("heparin", DrugClass.HEPARIN, aliases=("unfractionated heparin",)),
    Medication("aspirin", DrugClass.ASPIRIN, aliases=("ASA",)),
    Medication("clopidogrel", DrugClass.OTHER_ANTIPLATELET, brands=("Plavix",)),
    Medication("ticagrelor", DrugClass.OTHER_ANTIPLATELET, brands=("Brilinta",)),
    Medication("prasugrel", DrugClass.OTHER_ANTIPLATELET, brands=("Effient",)),
    Medication("dipyridamole", DrugClass.OTHER_ANTIPLATELET),
    Medication("ibuprofen", DrugClass.NSAID, brands=("Advil", "Motrin")),
    Medication("naproxen", DrugClass.NSAID, brands=("Aleve",)),
    Medication("diclofenac", DrugClass.NSAID),
    Medication("ketorolac", DrugClass.NSAID),
    Medication("celecoxib", DrugClass.NSAID, brands=("Celebrex",)),
    Medication("NSAID", DrugClass.NSAID, aliases=("NSAIDs", "anti-inflammatory", "anti-inflammatories")),
    Medication("sertraline", DrugClass.SSRI_SNRI),
    Medication("fluoxetine", DrugClass.SSRI_SNRI),
    Medication("paroxetine", DrugClass.SSRI_SNRI),
    Medication("citalopram", DrugClass.SSRI_SNRI),
    Medication("escitalopram", DrugClass.SSRI_SNRI),
    Medication("fluvoxamine", DrugClass.SSRI_SNRI),
    Medication("venlafaxine", DrugClass.SSRI_SNRI),
    Medication("duloxetine", DrugClass.SSRI_SNRI),
    Medication("SSRI", DrugClass.SSRI_SNRI, aliases=("SSRIs", "SNRI", "SNRIs")),
    Medication("garlic", DrugClass.SUPPLEMENT_HIGH_RISK),
    Medication("hawthorn", DrugClass.SUPPLEMENT_HIGH_RISK),
    Medication("ginkgo biloba", DrugClass.SUPPLEMENT_HIGH_RISK, aliases=("ginkgo",)),
    Medication("chondroitin-glucosamine", DrugClass.SUPPLEMENT_HIGH_RISK, aliases=("glucosamine", "chondroitin")),
    Medication("turmeric", DrugClass.SUPPLEMENT_MODERATE_EVIDENCE, aliases=("curcumin",)),
    Medication("ginger", DrugClass.SUPPLEMENT_MODERATE_EVIDENCE),
    Medication("St John's wort", DrugClass.SUPPLEMENT_MODERATE_EVIDENCE, aliases=("St. John's wort",)),
    Medication("cranberry", DrugClass.SUPPLEMENT_MODERATE_EVIDENCE),
    Medication("melatonin", DrugClass.SUPPLEMENT_MODERATE_EVIDENCE),
    Medication("chamomile", DrugClass.SUPPLEMENT_MODERATE_EVIDENCE),
    Medication("fenugreek", DrugClass.SUPPLEMENT_MODERATE_EVIDENCE),
    Medication("flaxseed", DrugClass.SUPPLEMENT_MODERATE_EVIDENCE),
    Medication("vitamin E", DrugClass.SUPPLEMENT_MODERATE_EVIDENCE),
    Medication("fish oil", DrugClass.SUPPLEMENT_NO_RISK, aliases=("omega-3", "omega 3")),
    Medication("ginseng", DrugClass.SUPPLEMENT_NO_RISK),
    Medication("saw palmetto", DrugClass.SUPPLEMENT_NO_RISK),
    Medication("cytotoxic chemotherapy", DrugClass.CHEMOTHERAPY_IMMUNOSUPPRESSANT, aliases=("chemotherapy", "chemo")),
    Medication("methotrexate", DrugClass.CHEMOTHERAPY_IMMUNOSUPPRESSANT),
    Medication("biologics", DrugClass.CHEMOTHERAPY_IMMUNOSUPPRESSANT, aliases=("biologic",)),
    Medication("prednisone", DrugClass.CHEMOTHERAPY_IMMUNOSUPPRESSANT),
)


class ConditionCode(StrEnum):
    HAEMOPHILIA = "haemophilia"
    VON_WILLEBRAND = "von_willebrand"
    LOW_PLATELETS = "low_platelets"
    LIVER_DISEASE = "liver_disease"
    CIRRHOSIS = "cirrhosis"
    KIDNEY_DISEASE = "kidney_disease"
    BLOOD_CANCER = "blood_cancer"
    BLEEDING_HISTORY = "bleeding_history"
    FAMILY_BLEEDING_DISORDER = "family_bleeding_disorder"


@dataclass(frozen=True)
class Condition:
    """A condition of 5.3; `keywords` are matched in typed text."""

    code: ConditionCode
    name: str
    why: str
    stance: str
    flag: str
    action: str
    keywords: tuple[str, ...] = ()


CONDITIONS: tuple[Condition, ...] = (
    Condition(
        ConditionCode.HAEMOPHILIA,
        "Haemophilia A or B",
        "Clotting factor deficiency.",
        "Abnormal bleeding tendency: relative [S1]; caution [S3]",
        "HIGH",
        "Needle only with a documented clinical rationale; consider asking the haematology team (unverified "
        "practice); avoid DEEP muscles.",
        keywords=("haemophilia", "hemophilia"),
    ),
    Condition(
        ConditionCode.VON_WILLEBRAND,
        "Von Willebrand disease",
        "Defective platelet adhesion.",
        "Abnormal bleeding tendency: relative [S1]; caution [S3]",
        "HIGH",
        "As for haemophilia.",
        keywords=("von willebrand", "willebrand"),
    ),
    Condition(
        ConditionCode.LOW_PLATELETS,
        "Thrombocytopenia (low platelets), any cause",
        "Too few platelets.",
        "Abnormal bleeding tendency: relative [S1]; data in [S8]",
        "HIGH if known or recent",
        "Ask for the latest platelet count and date.",
        keywords=("thrombocytopenia", "low platelets", "low platelet"),
    ),
    Condition(
        ConditionCode.LIVER_DISEASE,
        "Liver disease (severe hepatitis)",
        "Fewer clotting factors; low platelets (unverified mechanism detail).",
        "Relative",
        "MODERATE",
        "Ask about known clotting problems.",
        keywords=("liver disease", "hepatitis"),
    ),
    Condition(
        ConditionCode.CIRRHOSIS,
        "Cirrhosis of the liver",
        "Fewer clotting factors; low platelets (unverified mechanism detail).",
        "Relative",
        "HIGH",
        "Ask about known clotting problems.",
        keywords=("cirrhosis",),
    ),
    Condition(
        ConditionCode.KIDNEY_DISEASE,
        "Chronic kidney disease, dialysis",
        "Platelet dysfunction (unverified).",
        "Relative",
        "MODERATE",
        "Note it.",
        keywords=("kidney disease", "renal failure", "renal disease", "dialysis"),
    ),
    Condition(
        ConditionCode.BLOOD_CANCER,
        "Current or recent cancer treatment, or blood cancer",
        "Marrow suppression.",
        "Relative [S1][S8]",
        "HIGH if within the clinic-set window (default 12 months, proposed)",
        "As for chemotherapy.",
        keywords=("leukaemia", "leukemia", "lymphoma", "myeloma"),
    ),
    Condition(
        ConditionCode.BLEEDING_HISTORY,
        "Personal history of abnormal bleeding",
        "Possible undiagnosed bleeding disorder (easy bruising, nosebleeds, prolonged bleeding after a blood draw or "
        "dental work, heavy menstrual bleeding, transfusion).",
        "Muñoz et al. suggest asking about bleeding after a blood draw [S2]",
        "MODERATE (HIGH if two or more, proposed)",
        "Start with a gentle technique and watch the response [S2].",
    ),
    Condition(
        ConditionCode.FAMILY_BLEEDING_DISORDER,
        "Family history of a bleeding disorder",
        "Inherited disorder.",
        "—",
        "LOW (INFO)",
        "Ask follow-up questions.",
    ),
)

CONDITION_BY_CODE: Mapping[ConditionCode, Condition] = MappingProxyType({c.code: c for c in CONDITIONS})


def _name_pattern(name: str) -> re.Pattern[str]:
    words = (re.escape(part) for part in name.lower().split())
    return re.compile(r"(?<![\w-])" + r"\s+".join(words) + r"(?![\w-])")


def _normalise(text: str) -> str:
    return text.lower().replace("\u2019", "'").replace("\u2018", "'")


_MEDICATION_PATTERNS: tuple[tuple[Medication, tuple[re.Pattern[str], ...]], ...] = tuple(
    (medication, tuple(_name_pattern(name) for name in medication.names)) for medication in MEDICATIONS
)
_CONDITION_PATTERNS: tuple[tuple[Condition, tuple[re.Pattern[str], ...]], ...] = tuple(
    (condition, tuple(_name_pattern(keyword) for keyword in condition.keywords)) for condition in CONDITIONS
)


def find_medications(text: str) -> tuple[Medication, ...]:
    """Medicines of 5.2 named in free text, by generic or brand name, case-insensitively (whole words only)."""
    normalised = _normalise(text)
    return tuple(m for m, patterns in _MEDICATION_PATTERNS if any(p.search(normalised) for p in patterns))


def find_conditions(text: str) -> tuple[Condition, ...]:
    """Conditions of 5.3 named in free text, case-insensitively (whole words only)."""
    normalised = _normalise(text)
    return tuple(c for c, patterns in _CONDITION_PATTERNS if any(p.search(normalised) for p in patterns))
