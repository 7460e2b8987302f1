"""Pre-visit needling-safety questionnaire, its flag rules and consent risk text (clinical-reference.md 5, 6.1, 7)."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from types import MappingProxyType

# Stored questionnaire results record this; bump it whenever a question, a rule or a default changes.
RULES_VERSION = "2026.1"

TEXT_MAX_LENGTH = 500  # 5.6: free text is limited to 500 characters.

YES = "yes"
NO = "no"
NOT_SURE = "not_sure"
NONE_OF_THESE = "none"
OTHER = "other"
DONT_KNOW = "dont_know"


# --------------------------------------------------------------------------------------------------------------------
# Severities and risk levels (5.5, Appendix A flag_severity)
# --------------------------------------------------------------------------------------------------------------------


class Severity(StrEnum):
    HOLD = "HOLD"
    HIGH = "HIGH"
    MODERATE = "MODERATE"
    LOW = "LOW"
    INFO = "INFO"
    CLARIFY = "CLARIFY"

    @property
    def rank(self) -> int:
        """Order used for "the session shows the highest severity" (5.7); CLARIFY counts as above MODERATE (5.5)."""
        return _SEVERITY_RANK[self]

    @property
    def needs_acknowledgement(self) -> bool:
        """5.5: every flag at LOW or above, and every CLARIFY, is acknowledged before needling rows are recorded."""
        return self is not Severity.INFO

    @property
    def needs_plan(self) -> bool:
        """5.5: a HIGH flag is acknowledged together with a management plan."""
        return self is Severity.HIGH

    @property
    def needs_resolution(self) -> bool:
        """5.5: a HOLD stops needling until a signed resolution note is recorded."""
        return self is Severity.HOLD


_SEVERITY_RANK = {
    Severity.INFO: 1,
    Severity.LOW: 2,
    Severity.MODERATE: 3,
    Severity.CLARIFY: 4,
    Severity.HIGH: 5,
    Severity.HOLD: 6,
}

RISK_LEVEL_MEANINGS: Mapping[Severity, str] = MappingProxyType(
    {
        Severity.HOLD: "Absolute contraindication or a value above a clinic threshold, for the whole patient or for a "
        "site. No needling (or none at the affected site) until the clinician records a signed resolution note.",
        Severity.HIGH: "High bleeding risk or another major precaution. Needling allowed after the clinician "
        "acknowledges the flag and records a management plan.",
        Severity.MODERATE: "Significant precaution. Needling allowed after acknowledgement; a note is optional.",
        Severity.LOW: 'Minor precaution. Needling allowed after acknowledgement (a single "acknowledge all LOW").',
        Severity.INFO: "Information only. No acknowledgement needed, but it stays visible.",
        Severity.CLARIFY: 'The patient answered "not sure", or the answer is incomplete. Treated as at least MODERATE '
        "until the clinician records the real answer.",
    }
)


def highest_severity(severities: Iterable[Severity]) -> Severity | None:
    """The highest of the given severities by 5.5's order, or None when there are none."""
    return max(severities, key=lambda severity: severity.rank, default=None)


# --------------------------------------------------------------------------------------------------------------------
# Clinic settings: every threshold is a setting with a documented default (clinical-reference.md header, Appendix B)
# --------------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SafetySettings:
    """Thresholds the clinic's lead physiotherapist signs off; the defaults are the reference's proposed values."""

    # R03: a warfarin INR older than this is stale (5.7, default 7 days, *proposed* / unverified).
    inr_max_age_days: int = 7
    # R04: INR above this is out of range when the patient does not know their target range
    # (5.2/5.7, default 3.0, unverified; only the secondary source [S7]).
    inr_default_upper_limit: float = 3.0
    # R35: answers older than this must be re-screened (5.7, default 90 days, *proposed*).
    answers_valid_days: int = 90
    # 5.2 chemotherapy row: avoid needling below this platelet count per microlitre ([S7], unverified).
    platelet_hold_below_per_ul: int = 20_000
    # 5.2 chemotherapy row: be careful below this platelet count per microlitre ([S7], unverified).
    platelet_caution_below_per_ul: int = 100_000
    # R12: a blood count (G3) older than this is pointed out; the reference gives no default, so None means "not set".
    blood_count_max_age_days: int | None = None

    def __post_init__(self) -> None:
        if self.inr_max_age_days < 0 or self.answers_valid_days < 0:
            raise ValueError("Day limits cannot be negative.")
        if self.inr_default_upper_limit <= 0:
            raise ValueError("The default INR upper limit must be positive.")
        if not 0 <= self.platelet_hold_below_per_ul <= self.platelet_caution_below_per_ul:
            raise ValueError("The platelet hold threshold must not exceed the caution threshold.")
        if self.blood_count_max_age_days is not None and self.blood_count_max_age_days < 0:
            raise ValueError("The blood count age limit cannot be negative.")


DEFAULT_SETTINGS = SafetySettings()


def classify_platelet_count(platelets_per_ul: int, *, settings: SafetySettings = DEFAULT_SETTINGS) -> Severity | None:
    """Severity of a platelet count the clinician records (5.2 [S7][S8]): HOLD, HIGH, or None above both cut-offs."""
    if platelets_per_ul < settings.platelet_hold_below_per_ul:
        return Severity.HOLD
    if platelets_per_ul < settings.platelet_caution_below_per_ul:
        return Severity.HIGH
    return None


# --------------------------------------------------------------------------------------------------------------------
# Medications (5.2) and conditions (5.3) as data
# --------------------------------------------------------------------------------------------------------------------


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

    @property
    def is_anticoagulant(self) -> bool:
        return self in {DrugClass.VITAMIN_K_ANTAGONIST, DrugClass.DIRECT_ORAL_ANTICOAGULANT, DrugClass.HEPARIN}

    @property
    def is_antiplatelet(self) -> bool:
        return self in {DrugClass.ASPIRIN, DrugClass.OTHER_ANTIPLATELET}


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


# --------------------------------------------------------------------------------------------------------------------
# The questionnaire (5.6)
# --------------------------------------------------------------------------------------------------------------------


class AnswerType(StrEnum):
    """How an answer is given; the comment says what value `answers[code]` holds."""

    STATEMENT = "statement"  # nothing to answer (Q0.1)
    YES_NO_NOT_SURE = "yes_no_not_sure"  # "yes" | "no" | "not_sure"
    CHOICE = "choice"  # one option code
    MULTI_CHOICE = "multi_choice"  # a list, tuple or set of option codes
    NUMBER = "number"  # int, float, Decimal or a numeric string
    NUMBER_RANGE = "number_range"  # (low, high) numbers, or "dont_know"
    DATE = "date"  # datetime.date or an ISO "YYYY-MM-DD" string
    TEXT = "text"  # str, at most 500 characters
    CONFIRM = "confirm"  # True when the box is ticked


@dataclass(frozen=True)
class Option:
    code: str
    label: str
    is_exclusive: bool = False  # "None" or "Not sure" in a multi-choice cannot be combined with other options


@dataclass(frozen=True)
class ShowIf:
    """Condition on an earlier answer: equal to one of `values`, or for a multi-choice, containing one of them."""

    parent: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class Question:
    code: str  # stable answer key
    reference_id: str  # the ID in clinical-reference.md 5.6
    text: str  # patient wording (5.6)
    answer_type: AnswerType
    short_label: str  # staff wording used in flag reasons
    is_required: bool = False
    options: tuple[Option, ...] = ()
    show_if: tuple[ShowIf, ...] = ()  # shown when any condition matches (and its parent is shown); empty = always
    min_value: float | None = None  # typo guards on what a patient can type, not clinical thresholds
    max_value: float | None = None
    decimal_places: int | None = None
    allows_future_date: bool = False

    def option_label(self, code: str) -> str:
        return next((option.label for option in self.options if option.code == code), code)


@dataclass(frozen=True)
class Section:
    code: str
    title: str
    questions: tuple[Question, ...]


_YES_NO_NOT_SURE = (Option(YES, "Yes"), Option(NO, "No"), Option(NOT_SURE, "Not sure"))
_NONE = Option(NONE_OF_THESE, "None of these", is_exclusive=True)
_OTHER = Option(OTHER, "Other (type it)")


def _yes_no_not_sure(code: str, text: str, short_label: str) -> Question:
    return Question(
        code, code, text, AnswerType.YES_NO_NOT_SURE, short_label, is_required=True, options=_YES_NO_NOT_SURE
    )


def _follow_up_text(code: str, parent: str, values: tuple[str, ...], text: str, short_label: str) -> Question:
    return Question(code, parent, text, AnswerType.TEXT, short_label, show_if=(ShowIf(parent, values),))


def _other_text(code: str, parent: str, text: str, short_label: str) -> Question:
    reference_id = parent.split("_")[0]  # H2_WHERE's "Other" belongs to H2
    return Question(
        code, reference_id, text, AnswerType.TEXT, short_label, is_required=True, show_if=(ShowIf(parent, (OTHER,)),)
    )


SECTIONS: tuple[Section, ...] = (
    Section(
        "start",
        "Start",
        (
            Question(
                "Q0_1",
                "Q0.1",
                "This form helps your physiotherapist keep needle treatment safe. It takes about 5 minutes. "
                "Your answers go only to your clinic.",
                AnswerType.STATEMENT,
                "introduction",
            ),
        ),
    ),
    Section(
        "identity",
        "Identity",
        (
            Question(
                "Q0_2",
                "Q0.2",
                "Please confirm your date of birth.",
                AnswerType.DATE,
                "date of birth",
                is_required=True,
            ),
        ),
    ),
    Section(
        "blood_thinners",
        "Blood thinners",
        (
            _yes_no_not_sure(
                "A1", "Do you take any medicine to thin your blood or to prevent blood clots?", "blood thinner"
            ),
            Question(
                "A2",
                "A2",
                "Which one(s)?",
                AnswerType.MULTI_CHOICE,
                "which blood thinner",
                is_required=True,
                options=(
                    Option("warfarin", "Warfarin (Coumadin)"),
                    Option("apixaban", "Apixaban (Eliquis)"),
                    Option("rivaroxaban", "Rivaroxaban (Xarelto)"),
                    Option("dabigatran", "Dabigatran (Pradaxa)"),
                    Option("edoxaban", "Edoxaban (Lixiana, Savaysa)"),
                    Option(
                        "heparin",
                        "Heparin injections, e.g. enoxaparin (Lovenox), dalteparin (Fragmin), tinzaparin (Innohep)",
                    ),
                    Option("unknown", "I don't know the name"),
                    _OTHER,
                ),
                show_if=(ShowIf("A1", (YES, NOT_SURE)),),
            ),
            _other_text("A2_OTHER", "A2", "Please type the name of the other medicine.", "other blood thinner"),
        ),
    ),
    Section(
        "warfarin",
        "Warfarin",
        (
            Question(
                "A3",
                "A3",
                "What was your most recent INR blood test result?",
                AnswerType.NUMBER,
                "latest INR",
                show_if=(ShowIf("A2", ("warfarin",)),),
                min_value=0.5,
                max_value=20.0,
                decimal_places=1,
            ),
            Question(
                "A4",
                "A4",
                "When was that test?",
                AnswerType.DATE,
                "INR test date",
                show_if=(ShowIf("A2", ("warfarin",)),),
            ),
            Question(
                "A5",
                "A5",
                "What INR range did your doctor ask you to stay in? (for example 2 to 3)",
                AnswerType.NUMBER_RANGE,
                "INR target range",
                options=(Option(DONT_KNOW, "I don't know"),),
                show_if=(ShowIf("A2", ("warfarin",)),),
                min_value=1.0,
                max_value=5.0,
                decimal_places=1,
            ),
        ),
    ),
    Section(
        "platelet_medicines",
        "Platelet medicines",
        (
            _yes_no_not_sure("B1", "Do you take aspirin (ASA) regularly, even a low dose like 81 mg?", "aspirin"),
            Question(
                "B2",
                "B2",
                "Do you take any of these?",
                AnswerType.MULTI_CHOICE,
                "other platelet medicine",
                is_required=True,
                options=(
                    Option("clopidogrel", "Clopidogrel (Plavix)"),
                    Option("ticagrelor", "Ticagrelor (Brilinta)"),
                    Option("prasugrel", "Prasugrel (Effient)"),
                    Option("dipyridamole", "Dipyridamole"),
                    _OTHER,
                    _NONE,
                ),
            ),
            _other_text("B2_OTHER", "B2", "Please type the name of the other medicine.", "other platelet medicine"),
        ),
    ),
    Section(
        "pain_medicines",
        "Pain medicines",
        (
            _yes_no_not_sure(
                "C1",
                "Do you take anti-inflammatory pain pills on most days? For example ibuprofen (Advil, Motrin), "
                "naproxen (Aleve), diclofenac, celecoxib (Celebrex)",
                "regular anti-inflammatory",
            ),
        ),
    ),
    Section(
        "mood_medicines",
        "Mood medicines",
        (
            _yes_no_not_sure(
                "D1",
                "Do you take a medicine for mood, anxiety or nerve pain such as sertraline, fluoxetine, citalopram, "
                "escitalopram, paroxetine, venlafaxine or duloxetine?",
                "SSRI/SNRI",
            ),
            _follow_up_text(
                "D1_NAME",
                "D1",
                (YES, NOT_SURE),
                "If you know it, what is the name of the medicine? (optional)",
                "mood medicine name",
            ),
        ),
    ),
    Section(
        "supplements",
        "Supplements",
        (
            Question(
                "E1",
                "E1",
                "Do you take any of these supplements?",
                AnswerType.MULTI_CHOICE,
                "supplements",
                is_required=True,
                options=(
                    Option("fish_oil", "Fish oil/omega-3"),
                    Option("ginkgo", "Ginkgo"),
                    Option("garlic", "Garlic pills"),
                    Option("vitamin_e", "Vitamin E"),
                    Option("turmeric", "Turmeric or curcumin"),
                    Option("ginger", "Ginger"),
                    Option("ginseng", "Ginseng"),
                    Option("glucosamine_chondroitin", "Glucosamine or chondroitin"),
                    Option(OTHER, "Other herbal products"),
                    _NONE,
                ),
            ),
            _other_text("E1_OTHER", "E1", "Which other herbal products?", "other herbal products"),
        ),
    ),
    Section(
        "bleeding_history",
        "Bleeding history",
        (
            _yes_no_not_sure("F1", "Do you bruise very easily, or get large bruises without knowing why?", "bruising"),
            _yes_no_not_sure(
                "F2",
                "After a cut, a blood test or dental work, do you bleed for longer than most people?",
                "prolonged bleeding",
            ),
            _yes_no_not_sure(
                "F3",
                "Have you ever needed treatment or a blood transfusion because of bleeding?",
                "treated bleeding or transfusion",
            ),
            _yes_no_not_sure(
                "F4", "Does anyone in your family have a bleeding disorder (like haemophilia)?", "family bleeding"
            ),
        ),
    ),
    Section(
        "conditions",
        "Conditions",
        (
            Question(
                "G1",
                "G1",
                "Has a doctor ever told you that you have:",
                AnswerType.MULTI_CHOICE,
                "diagnosed conditions",
                is_required=True,
                options=(
                    Option("haemophilia", "Haemophilia"),
                    Option("von_willebrand", "Von Willebrand disease"),
                    Option("low_platelets", "Low platelets"),
                    Option("liver_disease", "Liver disease (such as cirrhosis)"),
                    Option("kidney_disease", "Kidney disease or dialysis"),
                    Option("blood_cancer", "A blood cancer (leukaemia, lymphoma, myeloma)"),
                    _OTHER,
                    _NONE,
                ),
            ),
            _other_text("G1_OTHER", "G1", "Please type the other condition.", "other condition"),
            _yes_no_not_sure(
                "G2",
                "In the last 12 months, have you had chemotherapy, radiation treatment, or medicines that weaken the "
                "immune system (including steroid pills like prednisone for more than a few weeks)?",
                "chemotherapy, radiation or immune-weakening medicine",
            ),
            _follow_up_text("G2_DETAILS", "G2", (YES,), "What was it, and when? (optional)", "treatment details"),
            Question(
                "G3",
                "G3",
                "If you have had a recent blood count, what was the date? (optional)",
                AnswerType.DATE,
                "last blood count",
                show_if=(ShowIf("G1", ("low_platelets",)), ShowIf("G2", (YES,))),
            ),
        ),
    ),
    Section(
        "other_safety",
        "Other safety",
        (
            Question(
                "H1",
                "H1",
                "Are you pregnant, or could you be pregnant?",
                AnswerType.CHOICE,
                "pregnancy",
                is_required=True,
                options=(
                    Option(YES, "Yes"),
                    Option(NO, "No"),
                    Option("possibly", "Possibly"),
                    Option("prefer_to_discuss", "Prefer to discuss"),
                ),
            ),
            _yes_no_not_sure(
                "H2", "Do you have swelling called lymphoedema, or have you had lymph nodes removed?", "lymphoedema"
            ),
            Question(
                "H2_WHERE",
                "H2",
                "Where?",
                AnswerType.MULTI_CHOICE,
                "lymphoedema location",
                options=(
                    Option("left_arm", "Left arm"),
                    Option("right_arm", "Right arm"),
                    Option("left_leg", "Left leg"),
                    Option("right_leg", "Right leg"),
                    _OTHER,
                ),
                show_if=(ShowIf("H2", (YES,)),),
            ),
            _other_text("H2_OTHER", "H2_WHERE", "Please describe where.", "other lymphoedema location"),
            Question(
                "H3",
                "H3",
                "Are you allergic to metals (like nickel) or to latex?",
                AnswerType.MULTI_CHOICE,
                "metal or latex allergy",
                is_required=True,
                options=(
                    Option("metal", "Nickel or metal"),
                    Option("latex", "Latex"),
                    Option(NONE_OF_THESE, "None", is_exclusive=True),
                    Option(NOT_SURE, "Not sure", is_exclusive=True),
                ),
            ),
            Question(
                "H4",
                "H4",
                "Do you have anything implanted in your body?",
                AnswerType.MULTI_CHOICE,
                "implants",
                is_required=True,
                options=(
                    Option("pacemaker", "Pacemaker or defibrillator"),
                    Option("cosmetic_implant", "Breast or other cosmetic implant"),
                    Option("joint_replacement", "Joint replacement"),
                    Option("stimulator", "Nerve or spinal stimulator"),
                    _OTHER,
                    Option(NONE_OF_THESE, "No implants", is_exclusive=True),
                ),
            ),
            _other_text("H4_OTHER", "H4", "What is the other implant?", "other implant"),
            _follow_up_text(
                "H4_WHERE",
                "H4",
                ("pacemaker", "cosmetic_implant", "joint_replacement", "stimulator", OTHER),
                "Where?",
                "implant location",
            ),
            _yes_no_not_sure("H5", "Do you have epilepsy or have you ever had a seizure?", "epilepsy or seizure"),
            _yes_no_not_sure("H6", "Do you have diabetes?", "diabetes"),
            Question(
                "H6_CONTROL",
                "H6",
                "Is it well controlled?",
                AnswerType.CHOICE,
                "diabetes well controlled",
                is_required=True,
                options=_YES_NO_NOT_SURE,
                show_if=(ShowIf("H6", (YES,)),),
            ),
            _yes_no_not_sure(
                "H7",
                "Do you have a heart valve problem or artificial valve, or have you had heart surgery in the last "
                "6 months?",
                "heart valve or recent heart surgery",
            ),
            _yes_no_not_sure("H8", "Have you had surgery in the last 6 months?", "recent surgery"),
            _follow_up_text("H8_WHERE", "H8", (YES,), "Where on your body?", "surgery location"),
            _yes_no_not_sure(
                "H9",
                "Do you have lung disease (like emphysema or COPD), or have you ever had a collapsed lung?",
                "lung disease or collapsed lung",
            ),
            _yes_no_not_sure(
                "H10",
                "Right now, do you have a skin infection, open wound, or rash where you are having treatment?",
                "skin problem at the treatment area",
            ),
            _follow_up_text("H10_WHERE", "H10", (YES,), "Where on your body?", "skin problem location"),
            Question(
                "H11",
                "H11",
                "Are you very afraid of needles, or have you fainted during needles or blood tests?",
                AnswerType.CHOICE,
                "needle fear or fainting",
                is_required=True,
                options=(
                    Option("very_afraid", "Very afraid"),
                    Option("fainted_before", "Fainted before"),
                    Option("both", "Both"),
                    Option(NO, "No"),
                ),
            ),
            _yes_no_not_sure(
                "H12", "Have you had a bad reaction to acupuncture or dry needling before?", "prior needling reaction"
            ),
            _follow_up_text("H12_DETAILS", "H12", (YES,), "What happened?", "prior reaction details"),
            Question(
                "H13",
                "H13",
                "Do you have any other condition or medicine you think we should know about?",
                AnswerType.TEXT,
                "other conditions or medicines",
            ),
        ),
    ),
    Section(
        "confirm",
        "Confirm",
        (
            Question(
                "Z1",
                "Z1",
                "I confirm these answers are true to the best of my knowledge. "
                "I will tell my physiotherapist if anything changes.",
                AnswerType.CONFIRM,
                "confirmation",
                is_required=True,
            ),
            Question("Z1_NAME", "Z1", "Please type your full name.", AnswerType.TEXT, "typed name", is_required=True),
        ),
    ),
)

QUESTIONS: tuple[Question, ...] = tuple(question for section in SECTIONS for question in section.questions)
QUESTION_BY_CODE: Mapping[str, Question] = MappingProxyType({question.code: question for question in QUESTIONS})

# Free-text answers in which a patient can name medicines or conditions, scanned by find_medications/find_conditions.
MEDICATION_TEXT_FIELDS = ("A2_OTHER", "B2_OTHER", "D1_NAME", "E1_OTHER", "G2_DETAILS", "H13")
CONDITION_TEXT_FIELDS = ("G1_OTHER", "H13")


# --------------------------------------------------------------------------------------------------------------------
# Reading answer values
# --------------------------------------------------------------------------------------------------------------------


def _is_empty(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, Collection):
        return len(value) == 0
    return False


def _as_number(value: object) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal | str):
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None


def _as_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _as_choices(value: object) -> frozenset[str]:
    if isinstance(value, str):
        return frozenset({value}) if value else frozenset()
    if isinstance(value, Collection):
        return frozenset(str(item) for item in value)
    return frozenset()


def _as_range(value: object) -> tuple[Decimal, Decimal] | None:
    if isinstance(value, str) or not isinstance(value, Collection) or len(value) != 2:
        return None
    low, high = (_as_number(item) for item in value)
    if low is None or high is None:
        return None
    return low, high


def _today(today: date | None) -> date:
    # Callers inside Django pass django.utils.timezone.localdate(); this fallback is the machine's local date.
    return today if today is not None else datetime.now(UTC).astimezone().date()


def _matches(condition: ShowIf, answers: Mapping[str, object]) -> bool:
    parent = QUESTION_BY_CODE[condition.parent]
    value = answers.get(condition.parent)
    if parent.answer_type is AnswerType.MULTI_CHOICE:
        return bool(_as_choices(value) & set(condition.values))
    return isinstance(value, str) and value in condition.values


def condition_met(condition: ShowIf, answers: Mapping[str, object]) -> bool:
    """Whether an answer meets a follow-up's condition (its parent's own visibility aside)."""
    return _matches(condition, answers)


def visible_questions(answers: Mapping[str, object]) -> tuple[Question, ...]:
    """The questions that apply given the answers so far, in order; a follow-up needs its parent shown and matched."""
    shown: set[str] = set()
    visible: list[Question] = []
    for question in QUESTIONS:
        if question.show_if and not any(
            condition.parent in shown and _matches(condition, answers) for condition in question.show_if
        ):
            continue
        shown.add(question.code)
        visible.append(question)
    return tuple(visible)


def visible_sections(answers: Mapping[str, object]) -> tuple[Section, ...]:
    """The sections with at least one question that applies, each holding only its applicable questions."""
    codes = {question.code for question in visible_questions(answers)}
    sections = (Section(s.code, s.title, tuple(q for q in s.questions if q.code in codes)) for s in SECTIONS)
    return tuple(section for section in sections if section.questions)


# --------------------------------------------------------------------------------------------------------------------
# Validation (field-level messages in plain language)
# --------------------------------------------------------------------------------------------------------------------

_REQUIRED_MESSAGES = {
    AnswerType.YES_NO_NOT_SURE: "Please choose Yes, No or Not sure.",
    AnswerType.CHOICE: "Please choose one answer.",
    AnswerType.MULTI_CHOICE: "Please choose at least one answer.",
    AnswerType.NUMBER: "Please enter a number.",
    AnswerType.NUMBER_RANGE: "Please enter two numbers, or choose “I don't know”.",
    AnswerType.DATE: "Please enter a date.",
    AnswerType.TEXT: "Please type your answer.",
    AnswerType.CONFIRM: "Please tick the box to confirm your answers.",
}


def _format_number(value: float) -> str:
    return f"{value:g}"


def _number_error(question: Question, number: Decimal) -> str | None:
    low, high = question.min_value, question.max_value
    if (low is not None and number < Decimal(str(low))) or (high is not None and number > Decimal(str(high))):
        if low is not None and high is not None:
            return f"Please check this number. It should be between {_format_number(low)} and {_format_number(high)}."
        return "Please check this number."
    if question.decimal_places is not None and -int(number.as_tuple().exponent) > question.decimal_places:
        places = question.decimal_places
        return f"Please use at most {places} decimal place{'s' if places != 1 else ''}, for example 2.5."
    return None


def _question_error(
    question: Question, value: object, *, today: date, expected_date_of_birth: date | None
) -> str | None:
    if question.answer_type is AnswerType.STATEMENT:
        return None
    if question.answer_type is AnswerType.CONFIRM:
        if value is True:
            return None
        return _REQUIRED_MESSAGES[AnswerType.CONFIRM] if question.is_required else None
    if _is_empty(value):
        if not question.is_required:
            return None
        if question.code == "Z1_NAME":
            return "Please type your full name to confirm."
        if question.code.endswith("_OTHER"):
            return "Please type what you meant by “Other”, or untick it."
        none_option = next((o for o in question.options if o.code == NONE_OF_THESE), None)
        if question.answer_type is AnswerType.MULTI_CHOICE and none_option is not None:
            return f"Please choose at least one answer, or “{none_option.label}”."
        return _REQUIRED_MESSAGES[question.answer_type]

    option_codes = {option.code for option in question.options}
    match question.answer_type:
        case AnswerType.YES_NO_NOT_SURE | AnswerType.CHOICE:
            if not isinstance(value, str) or value not in option_codes:
                return _REQUIRED_MESSAGES[question.answer_type]
        case AnswerType.MULTI_CHOICE:
            if isinstance(value, str) or not isinstance(value, Collection):
                return "Please choose from the list."
            chosen = _as_choices(value)
            if not chosen <= option_codes:
                return "Please choose only from the list."
            exclusive = [option for option in question.options if option.is_exclusive and option.code in chosen]
            if exclusive and len(chosen) > 1:
                return f"“{exclusive[0].label}” cannot be chosen together with other answers."
        case AnswerType.NUMBER:
            number = _as_number(value)
            if number is None:
                return "Please enter a number, for example 2.5."
            return _number_error(question, number)
        case AnswerType.NUMBER_RANGE:
            if value == DONT_KNOW:
                return None
            bounds = _as_range(value)
            if bounds is None:
                return "Please enter two numbers, for example 2 and 3, or choose “I don't know”."
            for number in bounds:
                if (error := _number_error(question, number)) is not None:
                    return error
            if bounds[0] >= bounds[1]:
                return "The first number should be lower than the second."
        case AnswerType.DATE:
            day = _as_date(value)
            if day is None:
                return "Please enter a real date, for example 2026-03-14."
            if day > today and not question.allows_future_date:
                if question.code == "Q0_2":
                    return "Your date of birth cannot be in the future."
                return "This date is in the future. Please check it."
            if question.code == "Q0_2" and expected_date_of_birth is not None and day != expected_date_of_birth:
                return "This date of birth does not match the one the clinic has. Please check it, or call the clinic."
        case AnswerType.TEXT:
            if not isinstance(value, str):
                return "Please type your answer as text."
            if len(value) > TEXT_MAX_LENGTH:
                return f"Please keep this under {TEXT_MAX_LENGTH} characters (it has {len(value)})."
    return None


def validate_answers(
    answers: Mapping[str, object], *, today: date | None = None, expected_date_of_birth: date | None = None
) -> dict[str, str]:
    """Field-level error messages by question code, for the questions that apply; empty when the answers are valid.

    Answers to questions that do not apply (a follow-up whose parent answer changed) are ignored, as are unknown
    codes. `expected_date_of_birth` is the booking's date of birth that Q0.2 is matched against (5.6).
    """
    day = _today(today)
    errors: dict[str, str] = {}
    for question in visible_questions(answers):
        message = _question_error(
            question, answers.get(question.code), today=day, expected_date_of_birth=expected_date_of_birth
        )
        if message is not None:
            errors[question.code] = message
    return errors


def is_complete(
    answers: Mapping[str, object], *, today: date | None = None, expected_date_of_birth: date | None = None
) -> bool:
    """Whether every applicable question is validly answered and the confirmation is given."""
    return not validate_answers(answers, today=today, expected_date_of_birth=expected_date_of_birth)


# --------------------------------------------------------------------------------------------------------------------
# Flags (5.7) with staff wording
# --------------------------------------------------------------------------------------------------------------------


class FlagCode(StrEnum):
    BLEED_ANTICOAGULANT = "BLEED_ANTICOAGULANT"
    BLEED_ANTICOAG_UNKNOWN = "BLEED_ANTICOAG_UNKNOWN"
    INR_UNKNOWN_OR_STALE = "INR_UNKNOWN_OR_STALE"
    INR_ABOVE_RANGE = "INR_ABOVE_RANGE"
    BLEED_ANTIPLATELET = "BLEED_ANTIPLATELET"
    BLEED_COMBINED = "BLEED_COMBINED"
    BLEED_NSAID = "BLEED_NSAID"
    BLEED_SSRI = "BLEED_SSRI"
    BLEED_SUPPLEMENT = "BLEED_SUPPLEMENT"
    SUPPLEMENT_NOTE = "SUPPLEMENT_NOTE"
    BLEED_DISORDER = "BLEED_DISORDER"
    MARROW_OR_IMMUNE = "MARROW_OR_IMMUNE"
    BLEED_LIVER = "BLEED_LIVER"
    BLEED_RENAL = "BLEED_RENAL"
    BLEED_HISTORY = "BLEED_HISTORY"
    BLEED_HISTORY_MINOR = "BLEED_HISTORY_MINOR"
    FAMILY_BLEEDING = "FAMILY_BLEEDING"
    SCREEN_INCOMPLETE = "SCREEN_INCOMPLETE"
    PREGNANCY = "PREGNANCY"
    LYMPHOEDEMA_SITE = "LYMPHOEDEMA_SITE"
    LYMPHOEDEMA_UNSPECIFIED = "LYMPHOEDEMA_UNSPECIFIED"
    METAL_ALLERGY = "METAL_ALLERGY"
    LATEX_ALLERGY = "LATEX_ALLERGY"
    IMPLANT_SITE = "IMPLANT_SITE"
    EPILEPSY = "EPILEPSY"
    DIABETES_UNCONTROLLED = "DIABETES_UNCONTROLLED"
    DIABETES = "DIABETES"
    CARDIAC_VALVE_OR_SURGERY = "CARDIAC_VALVE_OR_SURGERY"
    RECENT_SURGERY = "RECENT_SURGERY"
    THORAX_RISK = "THORAX_RISK"
    SKIN_SITE = "SKIN_SITE"
    NEEDLE_PHOBIA = "NEEDLE_PHOBIA"
    VASOVAGAL = "VASOVAGAL"
    PRIOR_REACTION = "PRIOR_REACTION"
    SCREEN_STALE = "SCREEN_STALE"
    SCREEN_UNCONFIRMED = "SCREEN_UNCONFIRMED"


# Flags that mean a bleeding risk, for the DEEP-site rule of 5.8: the BLEED_* codes, plus the warfarin INR flags and
# MARROW_OR_IMMUNE, whose low-platelet causes are bleeding risks in 5.2/5.3.
BLEEDING_FLAG_CODES: frozenset[FlagCode] = frozenset(
    {code for code in FlagCode if code.startswith("BLEED_")}
    | {FlagCode.INR_UNKNOWN_OR_STALE, FlagCode.INR_ABOVE_RANGE, FlagCode.MARROW_OR_IMMUNE}
)


class BodyRegion(StrEnum):
    """The body regions a consent covers (7.2 element 10) and site-specific flags hold (5.4, 5.8).

    Every needling site maps to one of them (assessments.site_gate): a catalogue muscle by where it lies, a
    paraspinal site by its level (cervical: head and neck; thoracic: upper back; lumbar and sacral: low back).
    """

    HEAD_NECK = "head_neck"  # head, neck, and next to the cervical spine
    SHOULDER = "shoulder"  # shoulder girdle and shoulder blade: trapezius, levator scapulae, rhomboids, rotator cuff
    UPPER_BACK = "upper_back"  # next to the thoracic spine
    CHEST = "chest"  # front and side of the chest wall, breast, axilla
    UPPER_LIMB = "upper_limb"  # shoulder to hand
    ABDOMEN = "abdomen"
    LUMBOSACRAL = "lumbosacral"  # low back and sacrum
    PELVIS = "pelvis"  # pelvic floor and groin
    BUTTOCK = "buttock"  # gluteal region and hip
    LOWER_LIMB = "lower_limb"  # thigh to foot


@dataclass(frozen=True)
class AffectedArea:
    """A region where a site-specific flag applies; side "L" or "R", or None for both sides and the midline."""

    region: BodyRegion
    side: str | None = None

    def contains(self, region: str, side: str | None) -> bool:
        if region != self.region:
            return False
        return self.side is None or side is None or side in (self.side, "B")


# R19: the regions held in pregnancy, the proposed mapping of the [S13] points in 5.7.
PREGNANCY_AREAS: tuple[AffectedArea, ...] = (
    AffectedArea(BodyRegion.ABDOMEN),
    AffectedArea(BodyRegion.PELVIS),
    AffectedArea(BodyRegion.LUMBOSACRAL),
)

# R20 with 5.4's quadrant: never the affected limb *or its quadrant*. An arm holds the same-side upper limb, shoulder
# girdle and scapular muscles, the pectorals, the axilla and the chest wall; a leg holds the same-side lower limb,
# buttock and hip (iliopsoas included), the groin and the lower abdominal wall. The other side stays open.
_ARM_QUADRANT = (BodyRegion.UPPER_LIMB, BodyRegion.SHOULDER, BodyRegion.CHEST)
_LEG_QUADRANT = (BodyRegion.LOWER_LIMB, BodyRegion.BUTTOCK, BodyRegion.PELVIS, BodyRegion.ABDOMEN)

LYMPHOEDEMA_QUADRANTS: Mapping[str, tuple[AffectedArea, ...]] = MappingProxyType(
    {
        "left_arm": tuple(AffectedArea(region, "L") for region in _ARM_QUADRANT),
        "right_arm": tuple(AffectedArea(region, "R") for region in _ARM_QUADRANT),
        "left_leg": tuple(AffectedArea(region, "L") for region in _LEG_QUADRANT),
        "right_leg": tuple(AffectedArea(region, "R") for region in _LEG_QUADRANT),
    }
)


def lymphoedema_quadrant(areas: Iterable[AffectedArea]) -> tuple[AffectedArea, ...]:
    """The quadrant of each affected limb in `areas` (other areas kept as they are), without repeats.

    Flags stored before the quadrant was spelt out name only the limb; reading them through this holds the
    quadrant too, so an older submission is never less safe than a new one.
    """
    limb_quadrant = {
        (BodyRegion.UPPER_LIMB, "L"): LYMPHOEDEMA_QUADRANTS["left_arm"],
        (BodyRegion.UPPER_LIMB, "R"): LYMPHOEDEMA_QUADRANTS["right_arm"],
        (BodyRegion.LOWER_LIMB, "L"): LYMPHOEDEMA_QUADRANTS["left_leg"],
        (BodyRegion.LOWER_LIMB, "R"): LYMPHOEDEMA_QUADRANTS["right_leg"],
    }
    expanded: list[AffectedArea] = []
    for area in areas:
        for held in limb_quadrant.get((area.region, area.side), (area,)):
            if held not in expanded:
                expanded.append(held)
    return tuple(expanded)


@dataclass(frozen=True)
class FlagDefinition:
    """Staff wording for a flag: what it is, why it matters, what to do; `consent_sentence` is for the patient."""

    code: FlagCode
    rule: str
    severity: Severity  # the usual severity; the rule's reason says when a flag is raised higher or lower
    title: str
    why: str
    action: str
    consent_sentence: str = ""


_BLEED_TOGETHER = "You take more than one medicine that affects bleeding: bruising or bleeding is more likely."

FLAG_DEFINITIONS: tuple[FlagDefinition, ...] = (
    FlagDefinition(
        FlagCode.BLEED_ANTICOAGULANT,
        "R01",
        Severity.HIGH,
        "Takes an anticoagulant",
        "Anticoagulants (warfarin, DOACs, heparins) raise bleeding risk; a relative contraindication, not an absolute "
        "one (5.1, 5.2) [S1][S2][S3].",
        "Acknowledge and record the plan: depth limit, avoid DEEP muscles at first, fine needles, compression of each "
        "site, watch the bleeding response (5.2) [S2][S5].",
        "You take a blood thinner: more bruising or bleeding is possible. We will avoid deep muscles at first.",
    ),
    FlagDefinition(
        FlagCode.BLEED_ANTICOAG_UNKNOWN,
        "R02",
        Severity.CLARIFY,
        "Possible blood thinner, name unknown",
        "The patient is not sure whether, or which, blood thinner they take; not-sure is never treated as No (5.7).",
        "Find out the drug before needling (5.7).",
        "You may take a blood thinner: until we know which one, we will treat you as if bruising or bleeding is more "
        "likely.",
    ),
    FlagDefinition(
        FlagCode.INR_UNKNOWN_OR_STALE,
        "R03",
        Severity.HIGH,
        "Warfarin: INR missing or not recent",
        "Warfarin's effect is measured by the INR; needling is advised only within the patient's target range "
        "(5.2) [S2][S5].",
        "Get a current INR, or record why needling goes ahead without one (5.7).",
        "Your INR blood test result is missing or not recent: we may ask for a new result before needling.",
    ),
    FlagDefinition(
        FlagCode.INR_ABOVE_RANGE,
        "R04",
        Severity.HOLD,
        "Warfarin: INR above range",
        "An INR above the target range (or above the clinic default when the range is unknown; 3.0 is unverified, "
        "[S7]) means a higher bleeding risk (5.2).",
        "Defer needling. Advise the patient to contact the prescriber (5.7).",
        "Your last INR result was above your target range: needling should wait, and we advise you to contact the "
        "doctor who prescribes your warfarin.",
    ),
    FlagDefinition(
        FlagCode.BLEED_ANTIPLATELET,
        "R05",
        Severity.MODERATE,
        "Takes an antiplatelet medicine",
        "Aspirin and P2Y12 inhibitors inhibit platelet aggregation; relative contraindication (5.2) [S1][S2].",
        "Acknowledge. Compress sites and watch bleeding; DEEP caution for P2Y12 inhibitors (5.2).",
        "You take a medicine that affects your platelets (like aspirin): bruising or bleeding is a little more "
        "likely. We will press on each needle spot afterwards.",
    ),
    FlagDefinition(
        FlagCode.BLEED_COMBINED,
        "R06",
        Severity.HIGH,
        "Combined antithrombotics",
        "Two or more classes among anticoagulant, antiplatelet, NSAID and SSRI/SNRI, including an anticoagulant or "
        "antiplatelet, or dual antiplatelet therapy: the effects add up (5.2, 5.7) [S2][S10].",
        "Acknowledge and record the plan (5.7).",
        _BLEED_TOGETHER + " We will use a gentle technique and avoid deep muscles at first.",
    ),
    FlagDefinition(
        FlagCode.BLEED_NSAID,
        "R07",
        Severity.LOW,
        "Regular NSAID",
        "NSAIDs have a reversible platelet effect that adds to SSRIs and anticoagulants; LOW, MODERATE when combined "
        "(5.2) [S1].",
        "Acknowledge. Note it; compress sites (5.2).",
        "You take anti-inflammatory pain pills often: bruising is a little more likely.",
    ),
    FlagDefinition(
        FlagCode.BLEED_SSRI,
        "R08",
        Severity.LOW,
        "SSRI / SNRI",
        "SSRIs/SNRIs weaken platelet aggregation; risk rises with aspirin or NSAIDs (5.2) [S10].",
        "Acknowledge. Note it; compress sites (5.2).",
        "Your mood or nerve-pain medicine can make bruising a little more likely.",
    ),
    FlagDefinition(
        FlagCode.BLEED_SUPPLEMENT,
        "R09",
        Severity.LOW,
        "Supplement with bleeding risk",
        "Garlic, hawthorn, ginkgo and chondroitin-glucosamine had high evidence of bleeding risk in the 2022 review; "
        "they matter most with anticoagulants or antiplatelets (5.2) [S9].",
        "Acknowledge (5.7).",
        "Some of your supplements (such as garlic, ginkgo or glucosamine) can make bruising or bleeding more likely.",
    ),
    FlagDefinition(
        FlagCode.SUPPLEMENT_NOTE,
        "R10",
        Severity.INFO,
        "Supplement noted",
        "Supplements with moderate, conflicting or no evidence of bleeding risk (fish oil was rated no risk); "
        "moderate-evidence ones are LOW with an anticoagulant (5.2) [S9].",
        "Note it (5.2).",
    ),
    FlagDefinition(
        FlagCode.BLEED_DISORDER,
        "R11",
        Severity.HIGH,
        "Bleeding disorder",
        "Haemophilia or von Willebrand disease: abnormal bleeding tendency, relative contraindication (5.3) [S1][S3].",
        "Acknowledge and record the plan; needle only with a documented rationale; consider the haematology team "
        "(unverified practice); avoid DEEP muscles (5.3).",
        "You have a bleeding disorder: bleeding or bruising is more likely, and we may avoid deep muscles or talk "
        "with your specialist team first.",
    ),
    FlagDefinition(
        FlagCode.MARROW_OR_IMMUNE,
        "R12",
        Severity.HIGH,
        "Low platelets, blood cancer or immune-weakening treatment",
        "Thrombocytopenia raises bleeding risk and immunosuppression raises infection risk; compromised immunity is a "
        "relative contraindication (5.2, 5.3, 5.4) [S1][S8].",
        "Check the date of the last blood count (G3) against clinic thresholds; platelet cut-offs are clinic settings "
        "(unverified, [S7]); strict asepsis (5.4).",
        "Your recent treatment or blood condition can raise the chance of bleeding and of infection. We may ask about "
        "your latest blood test.",
    ),
    FlagDefinition(
        FlagCode.BLEED_LIVER,
        "R13",
        Severity.MODERATE,
        "Liver disease",
        "Fewer clotting factors and platelets (unverified mechanism); MODERATE, HIGH if cirrhosis (5.3).",
        "Acknowledge; ask about known clotting problems (5.3).",
        "Liver disease can make bleeding or bruising more likely.",
    ),
    FlagDefinition(
        FlagCode.BLEED_RENAL,
        "R14",
        Severity.MODERATE,
        "Kidney disease or dialysis",
        "Platelet dysfunction (unverified) (5.3).",
        "Acknowledge; note it (5.3).",
        "Kidney disease can make bleeding or bruising more likely.",
    ),
    FlagDefinition(
        FlagCode.BLEED_HISTORY,
        "R15",
        Severity.HIGH,
        "History of abnormal bleeding",
        "Two or more bleeding signs, or bleeding that needed treatment, suggest an undiagnosed bleeding disorder "
        "(5.3) [S2].",
        "Gentle trial first; watch the bleeding response (5.7) [S2].",
        "You told us you bruise or bleed easily: we will start gently and watch how you respond.",
    ),
    FlagDefinition(
        FlagCode.BLEED_HISTORY_MINOR,
        "R16",
        Severity.MODERATE,
        "One sign of easy bruising or bleeding",
        "A single bleeding sign may point to an undiagnosed bleeding disorder (5.3) [S2].",
        "Acknowledge; start gently and watch the response (5.3) [S2].",
        "You told us you bruise or bleed easily: we will start gently and watch how you respond.",
    ),
    FlagDefinition(
        FlagCode.FAMILY_BLEEDING,
        "R17",
        Severity.INFO,
        "Family history of a bleeding disorder",
        "An inherited disorder is possible (5.3).",
        "Ask follow-up questions (5.3).",
    ),
    FlagDefinition(
        FlagCode.SCREEN_INCOMPLETE,
        "R18",
        Severity.CLARIFY,
        "Screening answers not sure or missing",
        'Not-sure or missing answers are never treated as "No" (5.7).',
        "Resolve with the patient and record the real answers (5.7).",
    ),
    FlagDefinition(
        FlagCode.PREGNANCY,
        "R19",
        Severity.HIGH,
        "Pregnant or possibly pregnant",
        "Pregnancy is a relative contraindication; some points are avoided in pregnancy (5.1, 5.4) [S1][S13].",
        "Record gestation and plan. Site HOLD on the abdomen, pelvis and lumbosacral region (proposed mapping) (5.7).",
        "You are or may be pregnant: we will not needle your belly, pelvis or lower back.",
    ),
    FlagDefinition(
        FlagCode.LYMPHOEDEMA_SITE,
        "R20",
        Severity.MODERATE,
        "Lymphoedema or lymph nodes removed: site HOLD",
        "Needling into an area or limb with lymphoedema is an absolute contraindication (infection risk) "
        "(5.1, 5.4) [S1].",
        "Record it. Sites in that limb or region are on HOLD; at-risk limbs after node removal are often avoided too "
        "(unverified) (5.4).",
        "You have lymphoedema or had lymph nodes removed: we will not needle the affected limb or area, because an "
        "infection there is hard to fight.",
    ),
    FlagDefinition(
        FlagCode.LYMPHOEDEMA_UNSPECIFIED,
        "R21",
        Severity.CLARIFY,
        "Lymphoedema, location unknown",
        "Lymphoedema is an absolute contraindication for its area, which is not yet known (5.4) [S1].",
        "Find out the location and map it before needling (5.7).",
        "You may have lymphoedema: we will ask you where, and will not needle that area.",
    ),
    FlagDefinition(
        FlagCode.METAL_ALLERGY,
        "R22",
        Severity.MODERATE,
        "Metal allergy",
        'Needles are usually stainless steel (nickel/chromium, unverified for every brand); "patient allergies" is a '
        "relative contraindication (5.4) [S1].",
        "Check the needle material (5.7).",
        "You are allergic to metal: needles are usually made of steel that contains nickel, so a skin reaction is "
        "possible.",
    ),
    FlagDefinition(
        FlagCode.LATEX_ALLERGY,
        "R23",
        Severity.LOW,
        "Latex allergy",
        "Gloves may contain latex (5.4) [S1][S11].",
        "Use latex-free gloves (5.7).",
        "You are allergic to latex: we will use latex-free gloves.",
    ),
    FlagDefinition(
        FlagCode.IMPLANT_SITE,
        "R24",
        Severity.MODERATE,
        "Implant: site HOLD over it",
        "Do not needle into or over an implant; avoid electrical stimulation near pacemakers (unverified) (5.4) "
        "[S11].",
        "Map the implant region; sites over it are on HOLD (5.7).",
        "You have an implant: we will not needle into or over it.",
    ),
    FlagDefinition(
        FlagCode.EPILEPSY,
        "R25",
        Severity.MODERATE,
        "Epilepsy or seizures",
        "Epilepsy is a relative contraindication (5.1, 5.4) [S1][S11].",
        "Treat lying down; ask about seizure control (5.4).",
        "You have epilepsy or have had a seizure: we will treat you lying down.",
    ),
    FlagDefinition(
        FlagCode.DIABETES_UNCONTROLLED,
        "R26",
        Severity.MODERATE,
        "Diabetes, not well controlled (or unsure)",
        "Diabetes is a relative contraindication; unstable diabetes slows healing and raises infection risk "
        "(5.4) [S1][S11].",
        "Infection and sensation precautions (5.7).",
        "Diabetes that is not well controlled can slow healing and raise the chance of infection.",
    ),
    FlagDefinition(
        FlagCode.DIABETES,
        "R27",
        Severity.LOW,
        "Diabetes, well controlled",
        "Diabetes is a relative contraindication (5.4) [S1].",
        "Watch for infection and slow healing; check sensation (5.4).",
        "Diabetes can slow healing and raise the chance of infection.",
    ),
    FlagDefinition(
        FlagCode.CARDIAC_VALVE_OR_SURGERY,
        "R28",
        Severity.MODERATE,
        "Heart valve disease or recent heart surgery",
        "Course providers screen for it (infection or bacteraemia concern, unverified) (5.4) [S11].",
        "Follow clinic policy (5.7).",
        "Because of your heart valve or recent heart surgery, we will follow our clinic's extra precautions.",
    ),
    FlagDefinition(
        FlagCode.RECENT_SURGERY,
        "R29",
        Severity.MODERATE,
        "Surgery in the last 6 months",
        "Recent surgery in the region is treated as a contraindication by some clinics (weak source) (5.4) [G13].",
        "Review the sites against the operated region; the window is a clinic setting (5.7).",
        "You had surgery recently: we will not needle near the operated area without checking first.",
    ),
    FlagDefinition(
        FlagCode.THORAX_RISK,
        "R30",
        Severity.INFO,
        "Lung disease or previous pneumothorax",
        "Pneumothorax risk over the thorax; depth to the pleura varies with build (5.4, 2.3) [P1][P4].",
        "Shorter needles, pincer technique, no bilateral thorax in one session; HIGH at THORAX-tagged sites, INFO "
        "elsewhere (5.7) [P1].",
        "You have a lung condition or have had a collapsed lung: needling over the chest or upper back has a higher "
        "chance of a collapsed lung, so we will take extra care there or avoid it.",
    ),
    FlagDefinition(
        FlagCode.SKIN_SITE,
        "R31",
        Severity.MODERATE,
        "Skin infection, wound or rash at the treatment area: site HOLD",
        "Do not needle through infected, broken or inflamed skin (5.4) [S11][S16].",
        "Map the affected region; sites there are on HOLD (5.7).",
        "We will not needle through skin that is infected, broken or has a rash.",
    ),
    FlagDefinition(
        FlagCode.NEEDLE_PHOBIA,
        "R32",
        Severity.HOLD,
        "Needle phobia",
        "Needle phobia is an absolute contraindication (5.1, 5.4) [S1].",
        "Clinician confirms whether the patient really declines or can proceed after discussion; offer other "
        "treatment (5.4, 5.7).",
        "You told us you are very afraid of needles: we will only use needles if you decide, after talking with us, "
        "that you want to. Other treatments are available.",
    ),
    FlagDefinition(
        FlagCode.VASOVAGAL,
        "R33",
        Severity.MODERATE,
        "Fainted with needles before",
        "Vasovagal tendency; feeling faint is a known adverse event (5.4, 6.2) [S1][E4].",
        "Treat lying down; watch for fainting (5.7).",
        "You have fainted with needles before: you may feel faint again, so we will treat you lying down and watch "
        "you closely.",
    ),
    FlagDefinition(
        FlagCode.PRIOR_REACTION,
        "R34",
        Severity.MODERATE,
        "Bad reaction to needling before",
        "A previous bad reaction to acupuncture or dry needling (5.4) [S11].",
        "Review what happened; consider a lower dose (5.4, 5.7).",
        "You had a bad reaction to needling before: a similar reaction could happen, so we will start gently.",
    ),
    FlagDefinition(
        FlagCode.SCREEN_STALE,
        "R35",
        Severity.CLARIFY,
        "Screening out of date",
        "The answers are older than the clinic limit, or the clinician recorded a change since (5.7).",
        "Re-screen: re-issue the link or record the changes in clinic (5.6, 5.7).",
    ),
    FlagDefinition(
        FlagCode.SCREEN_UNCONFIRMED,
        "R36",
        Severity.CLARIFY,
        "Answers not confirmed",
        "The patient did not tick the confirmation or type their name (5.6, 5.7).",
        "Confirm the answers in clinic (5.7).",
    ),
)

FLAG_DEFINITION_BY_CODE: Mapping[FlagCode, FlagDefinition] = MappingProxyType(
    {definition.code: definition for definition in FLAG_DEFINITIONS}
)


@dataclass(frozen=True)
class Flag:
    """A raised flag. `severity` applies to the whole patient; site-specific flags also carry a `site_severity` for
    sites inside `areas` (or with one of `site_tags`). `location_note` is the patient's description of a location
    not yet mapped to `areas`; a clinician who maps it stores `dataclasses.replace(flag, areas=..., location_note="")`.
    """

    code: FlagCode
    severity: Severity
    reason: str
    site_severity: Severity | None = None
    areas: tuple[AffectedArea, ...] = ()
    site_tags: tuple[str, ...] = ()
    location_note: str = ""

    @property
    def definition(self) -> FlagDefinition:
        return FLAG_DEFINITION_BY_CODE[self.code]

    @property
    def rule(self) -> str:
        return self.definition.rule

    @property
    def is_site_specific(self) -> bool:
        return self.site_severity is not None


@dataclass(frozen=True)
class Evaluation:
    flags: tuple[Flag, ...]
    risk_level: Severity | None  # 5.5: the highest patient-wide severity; None when nothing was flagged
    rules_version: str = RULES_VERSION

    @property
    def codes(self) -> tuple[FlagCode, ...]:
        return tuple(flag.code for flag in self.flags)

    def get(self, code: str) -> Flag | None:
        return next((flag for flag in self.flags if flag.code == code), None)


# --------------------------------------------------------------------------------------------------------------------
# Evaluation (the rules of 5.7, run in order)
# --------------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Evidence:
    """A medicine found in the answers: its class, which medicine (`key`) and a description for the reason text."""

    drug_class: DrugClass
    key: str
    description: str
    source: str = ""  # the free-text answer a typed name came from


@dataclass(frozen=True)
class _Answers:
    """The applicable answers, with helpers that describe an answer for a reason text."""

    values: Mapping[str, object]

    def choice(self, code: str) -> str | None:
        value = self.values.get(code)
        return value if isinstance(value, str) and value else None

    def choices(self, code: str) -> frozenset[str]:
        return _as_choices(self.values.get(code))

    def text(self, code: str) -> str:
        value = self.values.get(code)
        return value.strip() if isinstance(value, str) else ""

    def is_yes(self, code: str) -> bool:
        return self.choice(code) == YES

    def describe(self, code: str, only: Iterable[str] | None = None) -> str:
        question = QUESTION_BY_CODE[code]
        value = self.values.get(code)
        if question.answer_type is AnswerType.MULTI_CHOICE:
            chosen = self.choices(code) if only is None else self.choices(code) & set(only)
            labels = [question.option_label(o.code) for o in question.options if o.code in chosen]
            shown = ", ".join(labels)
        elif question.answer_type in (AnswerType.YES_NO_NOT_SURE, AnswerType.CHOICE):
            shown = question.option_label(value) if isinstance(value, str) else "not answered"
        elif question.answer_type is AnswerType.TEXT:
            shown = f"“{self.text(code)}”"
        elif question.answer_type is AnswerType.NUMBER_RANGE:
            bounds = _as_range(value)
            shown = f"{bounds[0]} to {bounds[1]}" if bounds else "I don't know"
        elif _is_empty(value):
            shown = "not answered"
        else:
            shown = str(value)
        return f"{question.reference_id} ({question.short_label}): {shown}"


_A2_CLASSES = {
    "warfarin": DrugClass.VITAMIN_K_ANTAGONIST,
    "apixaban": DrugClass.DIRECT_ORAL_ANTICOAGULANT,
    "rivaroxaban": DrugClass.DIRECT_ORAL_ANTICOAGULANT,
    "dabigatran": DrugClass.DIRECT_ORAL_ANTICOAGULANT,
    "edoxaban": DrugClass.DIRECT_ORAL_ANTICOAGULANT,
    "heparin": DrugClass.HEPARIN,
}
_B2_OPTIONS = ("clopidogrel", "ticagrelor", "prasugrel", "dipyridamole", OTHER)
_E1_CLASSES = {
    "fish_oil": DrugClass.SUPPLEMENT_NO_RISK,
    "ginkgo": DrugClass.SUPPLEMENT_HIGH_RISK,
    "garlic": DrugClass.SUPPLEMENT_HIGH_RISK,
    "vitamin_e": DrugClass.SUPPLEMENT_MODERATE_EVIDENCE,
    "turmeric": DrugClass.SUPPLEMENT_MODERATE_EVIDENCE,
    "ginger": DrugClass.SUPPLEMENT_MODERATE_EVIDENCE,
    "ginseng": DrugClass.SUPPLEMENT_NO_RISK,
    "glucosamine_chondroitin": DrugClass.SUPPLEMENT_HIGH_RISK,
    # 5.7 R10 counts "other herbal products" with the note-only supplements unless the typed name says otherwise.
    OTHER: DrugClass.SUPPLEMENT_NO_RISK,
}
_ANTICOAGULANT_CLASSES = (DrugClass.VITAMIN_K_ANTAGONIST, DrugClass.DIRECT_ORAL_ANTICOAGULANT, DrugClass.HEPARIN)
_ANTIPLATELET_CLASSES = (DrugClass.ASPIRIN, DrugClass.OTHER_ANTIPLATELET)
_SUPPLEMENT_CLASSES = (
    DrugClass.SUPPLEMENT_HIGH_RISK,
    DrugClass.SUPPLEMENT_MODERATE_EVIDENCE,
    DrugClass.SUPPLEMENT_NO_RISK,
)


def _collect_medications(answers: _Answers) -> tuple[_Evidence, ...]:
    typed: list[_Evidence] = []
    for code in MEDICATION_TEXT_FIELDS:
        question = QUESTION_BY_CODE[code]
        for medication in find_medications(answers.text(code)):
            description = f"{question.reference_id} ({question.short_label}) names {medication.label}"
            typed.append(_Evidence(medication.drug_class, medication.generic_name, description, source=code))

    def named_in(code: str, *classes: DrugClass) -> bool:
        return any(item.drug_class in classes and item.source == code for item in typed)

    found: list[_Evidence] = []
    for option, drug_class in _A2_CLASSES.items():
        if option in answers.choices("A2"):
            found.append(_Evidence(drug_class, option, answers.describe("A2", only=[option])))
    if answers.is_yes("B1"):
        found.append(_Evidence(DrugClass.ASPIRIN, "aspirin", answers.describe("B1")))
    for option in _B2_OPTIONS:
        # An "Other" whose typed name is recognised is counted once, under that name.
        if option in answers.choices("B2") and not (option == OTHER and named_in("B2_OTHER", *_ANTIPLATELET_CLASSES)):
            found.append(_Evidence(DrugClass.OTHER_ANTIPLATELET, option, answers.describe("B2", only=[option])))
    if answers.is_yes("C1"):
        found.append(_Evidence(DrugClass.NSAID, "regular NSAID", answers.describe("C1")))
    if answers.is_yes("D1"):
        found.append(_Evidence(DrugClass.SSRI_SNRI, "SSRI/SNRI", answers.describe("D1")))
    for option, drug_class in _E1_CLASSES.items():
        if option in answers.choices("E1") and not (option == OTHER and named_in("E1_OTHER", *_SUPPLEMENT_CLASSES)):
            found.append(_Evidence(drug_class, option, answers.describe("E1", only=[option])))
    if answers.is_yes("G2"):
        found.append(_Evidence(DrugClass.CHEMOTHERAPY_IMMUNOSUPPRESSANT, "G2", answers.describe("G2")))
    return (*found, *typed)


def _join(items: Iterable[_Evidence]) -> str:
    return "; ".join(dict.fromkeys(item.description for item in items))


_G1_CONDITIONS = ("haemophilia", "von_willebrand", "low_platelets", "liver_disease", "kidney_disease", "blood_cancer")


def _mentioned_conditions(answers: _Answers) -> dict[ConditionCode, str]:
    """Conditions from G1's options plus those named in typed text, each with a description of where."""
    found: dict[ConditionCode, str] = {}
    for option in _G1_CONDITIONS:
        if option in answers.choices("G1"):
            found[ConditionCode(option)] = answers.describe("G1", only=[option])
    for code in CONDITION_TEXT_FIELDS:
        question = QUESTION_BY_CODE[code]
        for condition in find_conditions(answers.text(code)):
            description = f"{question.reference_id} ({question.short_label}) names {condition.name}"
            found.setdefault(condition.code, description)
    return found


def evaluate(
    answers: Mapping[str, object],
    *,
    settings: SafetySettings = DEFAULT_SETTINGS,
    today: date | None = None,
    submitted_on: date | None = None,
    has_changed_since_screening: bool = False,
) -> Evaluation:
    """Run the deterministic rules R01-R36 of 5.7 on the applicable answers; flags come out in rule order.

    `today` is the day of evaluation (INR recency, R35); `submitted_on` is the day the answers were submitted
    (defaults to today); `has_changed_since_screening` is the clinician's "any change?" answer at a session (R35).
    """
    day = _today(today)
    shown = {question.code for question in visible_questions(answers)}
    read = _Answers({code: value for code, value in answers.items() if code in shown})
    medications = _collect_medications(read)
    conditions = _mentioned_conditions(read)
    flags: list[Flag] = []

    def evidence(*classes: DrugClass) -> tuple[_Evidence, ...]:
        return tuple(item for item in medications if item.drug_class in classes)

    def raise_flag(
        code: FlagCode,
        reason: str,
        severity: Severity | None = None,
        *,
        site_severity: Severity | None = None,
        areas: tuple[AffectedArea, ...] = (),
        site_tags: tuple[str, ...] = (),
        location_note: str = "",
    ) -> None:
        severity = severity or FLAG_DEFINITION_BY_CODE[code].severity
        flags.append(Flag(code, severity, reason, site_severity, areas, site_tags, location_note))

    anticoagulants = evidence(*_ANTICOAGULANT_CLASSES)
    antiplatelets = evidence(*_ANTIPLATELET_CLASSES)
    nsaids = evidence(DrugClass.NSAID)
    ssris = evidence(DrugClass.SSRI_SNRI)
    vitamin_k_antagonists = evidence(DrugClass.VITAMIN_K_ANTAGONIST)
    a1 = read.choice("A1")

    # R01: a Yes to A1, or any anticoagulant named anywhere (a named drug outweighs an unsure A1).
    if a1 == YES or anticoagulants:
        reasons = ([read.describe("A1")] if a1 == YES else []) + [item.description for item in anticoagulants]
        raise_flag(FlagCode.BLEED_ANTICOAGULANT, "; ".join(dict.fromkeys(reasons)))

    # R02
    if "unknown" in read.choices("A2") or (a1 == NOT_SURE and not anticoagulants):
        described = read.describe("A2", only=["unknown"]) if "unknown" in read.choices("A2") else read.describe("A1")
        raise_flag(FlagCode.BLEED_ANTICOAG_UNKNOWN, described)

    # R03, R04: warfarin (or another vitamin K antagonist) and its INR.
    if vitamin_k_antagonists:
        inr = _as_number(read.values.get("A3"))
        tested_on = _as_date(read.values.get("A4"))
        if inr is None:
            raise_flag(FlagCode.INR_UNKNOWN_OR_STALE, f"{_join(vitamin_k_antagonists)}; {read.describe('A3')}")
        elif tested_on is None:
            raise_flag(FlagCode.INR_UNKNOWN_OR_STALE, f"{read.describe('A3')}; {read.describe('A4')}")
        elif (day - tested_on).days > settings.inr_max_age_days:
            raise_flag(
                FlagCode.INR_UNKNOWN_OR_STALE,
                f"{read.describe('A4')}, {(day - tested_on).days} days ago, older than the clinic limit of "
                f"{settings.inr_max_age_days} days",
            )
        if inr is not None:
            target = _as_range(read.values.get("A5"))
            if target is not None and target[0] < target[1]:
                limit, limit_source = target[1], f"the upper bound of {read.describe('A5')}"
            else:
                limit = Decimal(str(settings.inr_default_upper_limit))
                limit_source = f"the clinic default of {settings.inr_default_upper_limit:g} (target range unknown)"
            if inr > limit:
                raise_flag(FlagCode.INR_ABOVE_RANGE, f"{read.describe('A3')} is above {limit_source}")

    # R05, R06: antiplatelets alone, or combined antithrombotics (which replaces R05).
    classes = {
        "anticoagulant": anticoagulants,
        "antiplatelet": antiplatelets,
        "NSAID": nsaids,
        "SSRI/SNRI": ssris,
    }
    present = [name for name, found in classes.items() if found]
    # 5.2 rates dual antiplatelet therapy HIGH too, although both drugs are in class B of 5.7's definition.
    is_dual_antiplatelet = len({item.key for item in antiplatelets}) > 1
    is_combined = (len(present) >= 2 and (anticoagulants or antiplatelets)) or is_dual_antiplatelet
    if is_combined:
        combined = [item for name in present for item in classes[name]]
        label = "dual antiplatelet therapy" if len(present) < 2 else f"{len(present)} classes ({', '.join(present)})"
        raise_flag(FlagCode.BLEED_COMBINED, f"{label}: {_join(combined)}")
    elif antiplatelets and not anticoagulants:
        raise_flag(FlagCode.BLEED_ANTIPLATELET, _join(antiplatelets))

    # R07: NSAID without an A/B drug; MODERATE when an SSRI/SNRI is also taken (5.2).
    if nsaids and not anticoagulants and not antiplatelets:
        if ssris:
            raise_flag(
                FlagCode.BLEED_NSAID,
                f"{_join(nsaids)}; together with an SSRI/SNRI ({_join(ssris)})",
                Severity.MODERATE,
            )
        else:
            raise_flag(FlagCode.BLEED_NSAID, _join(nsaids))

    # R08
    if ssris and not anticoagulants and not antiplatelets and not nsaids:
        raise_flag(FlagCode.BLEED_SSRI, _join(ssris))

    # R09, R10: supplements.
    high_risk = evidence(DrugClass.SUPPLEMENT_HIGH_RISK)
    other_supplements = evidence(DrugClass.SUPPLEMENT_MODERATE_EVIDENCE, DrugClass.SUPPLEMENT_NO_RISK)
    if high_risk:
        if anticoagulants or antiplatelets:
            raise_flag(
                FlagCode.BLEED_SUPPLEMENT,
                f"{_join(high_risk)}; with an anticoagulant or antiplatelet",
                Severity.MODERATE,
            )
        else:
            raise_flag(FlagCode.BLEED_SUPPLEMENT, _join(high_risk))
    elif other_supplements:
        moderate_evidence = evidence(DrugClass.SUPPLEMENT_MODERATE_EVIDENCE)
        if moderate_evidence and anticoagulants:
            raise_flag(FlagCode.SUPPLEMENT_NOTE, f"{_join(other_supplements)}; with an anticoagulant", Severity.LOW)
        else:
            raise_flag(FlagCode.SUPPLEMENT_NOTE, _join(other_supplements))

    # R11
    disorders = [conditions[c] for c in (ConditionCode.HAEMOPHILIA, ConditionCode.VON_WILLEBRAND) if c in conditions]
    if disorders:
        raise_flag(FlagCode.BLEED_DISORDER, "; ".join(disorders))

    # R12
    marrow = [conditions[c] for c in (ConditionCode.LOW_PLATELETS, ConditionCode.BLOOD_CANCER) if c in conditions]
    marrow += [item.description for item in evidence(DrugClass.CHEMOTHERAPY_IMMUNOSUPPRESSANT)]
    if marrow:
        reason = "; ".join(dict.fromkeys(marrow))
        blood_count_on = _as_date(read.values.get("G3"))
        if blood_count_on is not None:
            reason += f"; {read.describe('G3')}"
        limit_days = settings.blood_count_max_age_days
        if limit_days is not None and (blood_count_on is None or (day - blood_count_on).days > limit_days):
            reason += f"; no blood count within the clinic limit of {limit_days} days"
        raise_flag(FlagCode.MARROW_OR_IMMUNE, reason)

    # R13: liver disease, HIGH when cirrhosis is named (5.3).
    if ConditionCode.CIRRHOSIS in conditions:
        liver = [conditions[c] for c in (ConditionCode.LIVER_DISEASE, ConditionCode.CIRRHOSIS) if c in conditions]
        raise_flag(FlagCode.BLEED_LIVER, "; ".join(liver), Severity.HIGH)
    elif ConditionCode.LIVER_DISEASE in conditions:
        raise_flag(FlagCode.BLEED_LIVER, conditions[ConditionCode.LIVER_DISEASE])

    # R14
    if ConditionCode.KIDNEY_DISEASE in conditions:
        raise_flag(FlagCode.BLEED_RENAL, conditions[ConditionCode.KIDNEY_DISEASE])

    # R15, R16
    bleeding_signs = [code for code in ("F1", "F2", "F3") if read.is_yes(code)]
    if len(bleeding_signs) >= 2 or read.is_yes("F3"):
        raise_flag(FlagCode.BLEED_HISTORY, "; ".join(read.describe(code) for code in bleeding_signs))
    elif len(bleeding_signs) == 1:
        raise_flag(FlagCode.BLEED_HISTORY_MINOR, read.describe(bleeding_signs[0]))

    # R17: a not-sure family history stays at INFO rather than becoming a CLARIFY.
    if read.choice("F4") in (YES, NOT_SURE):
        raise_flag(FlagCode.FAMILY_BLEEDING, read.describe("F4"))

    # R18: every not-sure or missing answer that no other rule handles (5.7: never treated as No).
    unclear = [
        read.describe(question.code)
        for question in QUESTIONS
        if question.code in shown
        and question.code not in ("F4", "H2", "H6_CONTROL")
        and read.choice(question.code) in (NOT_SURE, "prefer_to_discuss")
    ]
    unclear += [read.describe(code) for code in ("H3",) if NOT_SURE in read.choices(code)]
    missing = [
        question.reference_id
        for question in QUESTIONS
        if question.code in shown
        and question.is_required
        and question.answer_type not in (AnswerType.CONFIRM, AnswerType.STATEMENT)
        and question.code not in ("Q0_2", "Z1_NAME")
        and _is_empty(read.values.get(question.code))
    ]
    if missing:
        unclear.append("not answered: " + ", ".join(dict.fromkeys(missing)))
    if unclear:
        raise_flag(FlagCode.SCREEN_INCOMPLETE, "; ".join(unclear))

    # R19
    if read.choice("H1") in (YES, "possibly"):
        raise_flag(FlagCode.PREGNANCY, read.describe("H1"), site_severity=Severity.HOLD, areas=PREGNANCY_AREAS)

    # R20, R21: lymphoedema; a typed "other" location is kept for the clinician to map.
    h2 = read.choice("H2")
    where = read.choices("H2_WHERE")
    limbs = tuple(area for option, quadrant in LYMPHOEDEMA_QUADRANTS.items() if option in where for area in quadrant)
    other_location = read.text("H2_OTHER") if OTHER in where else ""
    if h2 == YES and (limbs or other_location):
        raise_flag(
            FlagCode.LYMPHOEDEMA_SITE,
            "; ".join(filter(None, [read.describe("H2_WHERE"), other_location and read.describe("H2_OTHER")])),
            site_severity=Severity.HOLD,
            areas=limbs,
            location_note=other_location,
        )
    elif h2 in (YES, NOT_SURE):
        raise_flag(
            FlagCode.LYMPHOEDEMA_UNSPECIFIED,
            read.describe("H2") + ("" if h2 == NOT_SURE else ", no location given"),
            site_severity=Severity.HOLD,
        )

    # R22, R23
    if "metal" in read.choices("H3"):
        raise_flag(FlagCode.METAL_ALLERGY, read.describe("H3", only=["metal"]))
    if "latex" in read.choices("H3"):
        raise_flag(FlagCode.LATEX_ALLERGY, read.describe("H3", only=["latex"]))

    # R24
    implants = read.choices("H4") - {NONE_OF_THESE}
    if implants:
        details = [read.describe("H4")] + [read.describe(code) for code in ("H4_OTHER", "H4_WHERE") if read.text(code)]
        raise_flag(
            FlagCode.IMPLANT_SITE,
            "; ".join(details),
            site_severity=Severity.HOLD,
            location_note=read.text("H4_WHERE"),
        )

    # R25
    if read.is_yes("H5"):
        raise_flag(FlagCode.EPILEPSY, read.describe("H5"))

    # R26, R27
    if read.is_yes("H6"):
        if read.choice("H6_CONTROL") == YES:
            raise_flag(FlagCode.DIABETES, read.describe("H6_CONTROL"))
        else:
            raise_flag(FlagCode.DIABETES_UNCONTROLLED, f"{read.describe('H6')}; {read.describe('H6_CONTROL')}")

    # R28
    if read.is_yes("H7"):
        raise_flag(FlagCode.CARDIAC_VALVE_OR_SURGERY, read.describe("H7"))

    # R29: MODERATE plus a review of sites in the operated region.
    if read.is_yes("H8"):
        details = [read.describe("H8")] + ([read.describe("H8_WHERE")] if read.text("H8_WHERE") else [])
        raise_flag(
            FlagCode.RECENT_SURGERY,
            "; ".join(details),
            site_severity=Severity.MODERATE,
            location_note=read.text("H8_WHERE"),
        )

    # R30: INFO for the patient, HIGH at THORAX-tagged sites.
    if read.is_yes("H9"):
        raise_flag(FlagCode.THORAX_RISK, read.describe("H9"), site_severity=Severity.HIGH, site_tags=("THORAX",))

    # R31
    if read.is_yes("H10"):
        details = [read.describe("H10")] + ([read.describe("H10_WHERE")] if read.text("H10_WHERE") else [])
        raise_flag(
            FlagCode.SKIN_SITE,
            "; ".join(details),
            site_severity=Severity.HOLD,
            location_note=read.text("H10_WHERE"),
        )

    # R32, R33: "Both" means very afraid and fainted before, so it raises both flags.
    h11 = read.choice("H11")
    if h11 in ("very_afraid", "both"):
        raise_flag(FlagCode.NEEDLE_PHOBIA, read.describe("H11"))
    if h11 in ("fainted_before", "both"):
        raise_flag(FlagCode.VASOVAGAL, read.describe("H11"))

    # R34
    if read.is_yes("H12"):
        details = [read.describe("H12")] + ([read.describe("H12_DETAILS")] if read.text("H12_DETAILS") else [])
        raise_flag(FlagCode.PRIOR_REACTION, "; ".join(details))

    # R35
    answered_on = submitted_on or day
    age_days = (day - answered_on).days
    stale = []
    if age_days > settings.answers_valid_days:
        stale.append(f"answers are {age_days} days old, older than the clinic limit of {settings.answers_valid_days}")
    if has_changed_since_screening:
        stale.append('the clinician recorded "Yes" to any change since the questionnaire')
    if stale:
        raise_flag(FlagCode.SCREEN_STALE, "; ".join(stale))

    # R36
    if answers.get("Z1") is not True or not read.text("Z1_NAME"):
        missing_parts = [
            part
            for part, is_missing in (
                ("confirmation box not ticked", answers.get("Z1") is not True),
                ("name not typed", not read.text("Z1_NAME")),
            )
            if is_missing
        ]
        raise_flag(FlagCode.SCREEN_UNCONFIRMED, "Z1: " + ", ".join(missing_parts))

    return Evaluation(flags=tuple(flags), risk_level=highest_severity(flag.severity for flag in flags))


# --------------------------------------------------------------------------------------------------------------------
# Consent support (7.1, 7.2, with the adverse events of 6.1 and their frequencies from 6.2)
# --------------------------------------------------------------------------------------------------------------------


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


# Staff words for the regions, as a consent names them ("Consent does not cover the chest wall").
REGION_WORDS: Mapping[BodyRegion, str] = MappingProxyType(
    {
        BodyRegion.HEAD_NECK: "the head and neck",
        BodyRegion.SHOULDER: "the shoulder and shoulder blade",
        BodyRegion.UPPER_BACK: "the upper and middle back",
        BodyRegion.CHEST: "the chest wall",
        BodyRegion.UPPER_LIMB: "the arm",
        BodyRegion.ABDOMEN: "the abdomen",
        BodyRegion.LUMBOSACRAL: "the low back",
        BodyRegion.PELVIS: "the pelvis and groin",
        BodyRegion.BUTTOCK: "the buttock and hip",
        BodyRegion.LOWER_LIMB: "the leg",
    }
)


# 7.2 element 10: what is read to the patient before a region is added to their consent, by region.
_PNEUMOTHORAX_RISK = (
    "Needling here is over the lung. Rarely, a needle can cause a collapsed lung (pneumothorax). Warning signs are "
    "shortness of breath or chest pain, possibly hours later: get urgent medical care."
)
REGION_RISKS: Mapping[BodyRegion, str] = MappingProxyType(
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
