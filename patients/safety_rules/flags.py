"""Flags (5.7): their codes, staff wording, and the result of an evaluation."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from .constants import RULES_VERSION
from .regions import AffectedArea
from .severity import Severity


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
