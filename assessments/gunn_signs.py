"""Gunn's signs, how a finding is recorded, and the segment summary (clinical-reference.md 1.2-1.4, Appendix A).

Plain data and pure functions with no Django import. The sign catalogue is section 1.2
with the *proposed* codes and groups of Appendix A; the recording rules are 1.3; the
summary is the *proposed* aggregation of 1.4, which is a display aid and **not a
validated diagnostic rule**: the physiotherapist confirms or rejects each suggested level
and signs it. Bracketed IDs are the reference's source IDs.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from assessments.anatomy import (
    LEVEL_CODES,
    SIDE_LABELS,
    Muscle,
    PrecautionTag,
    Side,
    level_index,
    level_range,
    muscle,
    muscles_for_level,
    paraspinal_muscle_for_level,
    reflex,
    sort_levels,
    spinal_level,
)
from assessments.scales import (
    DEFAULT_WEAKNESS_THRESHOLD,
    MrcGrade,
    ReflexGrade,
    SensoryFinding,
    SensoryModality,
    SensoryScore,
    is_weak,
    mrc_grade,
    mrc_out_of_five,
    reflex_grade,
    reflex_value,
)

# 2026.2: a finding beside the spine counts in the spinal group at its level, whichever screen recorded it (1.2,
# the note under the catalogue). Summaries signed under an earlier version are recomputed under that version.
RULES_VERSION = "2026.2"
RULES_VERSIONS: tuple[str, ...] = ("2026.1", RULES_VERSION)


class SignGroup(StrEnum):
    """Appendix A ``sign_groups``."""

    SENSORY = "sensory"
    AUTONOMIC = "autonomic"
    TROPHIC = "trophic"
    MOTOR = "motor"
    SPINAL = "spinal"
    HISTORY = "history"


SIGN_GROUPS: tuple[SignGroup, ...] = tuple(SignGroup)

# Reflex changes are root evidence in 1.4 but belong to none of Gunn's sign groups, so the summary counts them
# as a group of their own.
REFLEX_GROUP = "reflex"
EVIDENCE_GROUPS: tuple[str, ...] = (*(group.value for group in SIGN_GROUPS), REFLEX_GROUP)


class FindingStatus(StrEnum):
    """Appendix A ``finding_status``; 1.3 keeps ``not_tested`` apart from ``absent``."""

    PRESENT = "present"
    ABSENT = "absent"
    EQUIVOCAL = "equivocal"
    NOT_TESTED = "not_tested"


FINDING_GRADES: Mapping[int, str] = MappingProxyType({0: "none", 1: "mild", 2: "moderate", 3: "marked"})


class Attachment(StrEnum):
    """What a finding of a sign is recorded against (1.3)."""

    LEVELS = "levels"  # spinal level(s) palpated, or the dermatome(s) judged involved
    MUSCLE = "muscle"  # a muscle of the 2.3 catalogue; its roots give the segments
    REGION = "region"  # only a free-text region note ("lateral elbow"); not attributable to a segment


@dataclass(frozen=True)
class Sign:
    """One row of the 1.2 catalogue."""

    code: str
    group: SignGroup
    group_label: str  # the table's own wording, e.g. "Sensory / spinal"
    label: str
    meaning: str  # what it means in Gunn's model
    how_examined: str
    attaches_to: tuple[Attachment, ...]
    sources: tuple[str, ...]
    is_derived: bool = False  # computed from other findings rather than examined
    allows_midline: bool = False  # side M is for midline spinal findings (0.1)


_LEV = (Attachment.LEVELS,)
_DERMATOME = (Attachment.LEVELS, Attachment.REGION)
_MUS = (Attachment.MUSCLE,)

_SIGNS: tuple[Sign, ...] = (
    Sign("SEN-MOTORPOINT", SignGroup.SENSORY, "Sensory", "Tenderness at motor points",
         "Finger pressure hurts in the painful area. Tenderness is greatest over motor points, where the nerve "
         "enters the muscle. These usually match acupuncture and trigger points.",
         "Firm digital pressure over the motor points of muscles in the suspected myotome. Compare with the other "
         "side and with neighbouring segments.", (Attachment.MUSCLE, Attachment.REGION), ("G1", "G2")),
    Sign("SEN-MULTISEG", SignGroup.SENSORY, "Sensory", "Tender points spread over several segments",
         "When more than one segment is involved there are several tender points. Gunn links widespread "
         'tenderness of this kind to "fibromyalgia".',
         "Derived: count the segments that have tender muscles.", _LEV, ("G1",), is_derived=True),
    Sign("SEN-PARASPINAL", SignGroup.SENSORY, "Spinal (counted with the spinal group)", "Paraspinal tenderness",
         "Tenderness can also sit in the spinal muscles at the involved level.",
         "Patient prone. Palpate the paraspinal muscles level by level, on both sides.", _LEV, ("G1", "G10")),
    Sign("SEN-HYPERALG", SignGroup.SENSORY, "Sensory", "Hyperalgesia / hypersensitivity",
         "Gunn separates hyperalgesia from ordinary nociception: stimuli that are normally harmless provoke "
         "symptoms.",
         "Pinprick and light touch in the dermatome, compared with the other side. The ISNCSCI 0/1/2 score "
         '(section 3.3) can be used, with an extra "hyper" code (proposed).', _DERMATOME, ("G5", "N2")),
    Sign("AUT-VASO", SignGroup.AUTONOMIC, "Autonomic", "Vasomotor: colder part",
         "The painful part is usually colder because of vasoconstriction.",
         "Compare skin temperature side to side with the back of the hand. An infrared skin thermometer can be "
         "used (proposed; no temperature-difference threshold is sourced, unverified).", _DERMATOME, ("G1", "G2")),
    Sign("AUT-SUDO", SignGroup.AUTONOMIC, "Autonomic", "Sudomotor: excess sweating",
         "The painful area may sweat more.", "Look and feel for moisture, compared with the other side.",
         _DERMATOME, ("G1", "G2")),
    Sign("AUT-PILO", SignGroup.AUTONOMIC, "Autonomic", "Pilomotor: goosebumps",
         "Goosebumps may appear over the painful area.",
         "Observe. How to provoke it (cool air, light stroking) is unverified.", _DERMATOME, ("G1", "G2")),
    Sign("TRO-TROPHEDEMA", SignGroup.TROPHIC, "Trophic", "Trophedema",
         "Excess fluid in the subcutaneous tissue.",
         "Matchstick test (named by iSTOP). Detail from Gunn's textbook, not retrieved, so unverified: the blunt "
         "end of a matchstick pressed into the skin leaves a clear pit that lasts longer than it would in normal "
         "skin, although the tissue does not pit under finger pressure.", _DERMATOME, ("G1", "G2")),
    Sign("TRO-ORANGEPEEL", SignGroup.TROPHIC, "Trophic", '"Orange-peel" skin (peau d\'orange)',
         "Pits at the hair follicles and pores show over trophedematous skin (pictured by iSTOP next to the "
         "matchstick and skin-rolling tests).",
         "Look at the skin, especially when it is gathered or rolled.", _DERMATOME, ("G1",)),
    Sign("TRO-SKINROLL", SignGroup.TROPHIC, "Trophic",
         "Skin-rolling test in the painful area or along a dermatome (not beside the spine): thickened, tender "
         "subcutaneous tissue (panniculosis / panniculalgia)",
         "iSTOP lists skin rolling as a test for trophedema.",
         "Grasp the skin between thumb and fingers and roll it. Beside the spine the same test is recorded as "
         "SPI-TROPHIC at the level; there it is rolled from caudal to cranial along the paravertebral line. Judge "
         "how easily skin and subcutis move, how thick they are, and whether it hurts [G11]. In one thoracic study "
         "a tender skin roll matched a dysfunctional spinal joint within one level (kappa 0.48) [G12].",
         _DERMATOME, ("G1", "G11", "G12")),
    Sign("TRO-HAIRLOSS", SignGroup.TROPHIC, "Trophic", "Local hair loss",
         "A trophic change from reduced nerve supply.", "Compare hair density with the other side.", _DERMATOME,
         ("G1",)),
    Sign("TRO-NAILS", SignGroup.TROPHIC, "Trophic", "Brittle nails", "Trophic change.", "Inspect.", _DERMATOME,
         ("G1",)),
    Sign("TRO-SKIN", SignGroup.TROPHIC, "Trophic", "Abnormal skin (iSTOP gives psoriasis as an example)",
         "Trophic change.", "Inspect.", _DERMATOME, ("G1",)),
    Sign("MOT-SHORTENED", SignGroup.MOTOR, "Motor", "Shortened muscles (spasm and contracture)",
         "Gunn calls muscle changes the most important and widespread feature. Shortening pulls on tendons and "
         "stresses joints.",
         "Palpate the resting muscle for increased tone. Test muscle length. Compare with the other side.", _MUS,
         ("G1", "G7")),
    Sign("MOT-TAUTBAND", SignGroup.MOTOR, "Motor", 'Taut, "ropey" bands in the muscle',
         "Bands palpable in shortened, supersensitive muscle. These are the needling targets.",
         "Flat or pincer palpation across the muscle fibres.", _MUS, ("G13", "G10")),
    Sign("MOT-ROM", SignGroup.MOTOR, "Motor", "Reduced range of motion", "Follows from shortening.",
         "Measure active and passive ROM (section 3.6).", (Attachment.REGION,), ("G7", "G9")),
    Sign("MOT-ENTHESO", SignGroup.MOTOR, "Motor", "Enthesopathy, tendinopathy or bursitis at the attachments",
         'Constant pull causes "tendonitis", "bursitis" and epicondylitis-type pain. Gunn names lateral '
         "epicondylitis, Achilles and bicipital tendinitis and frozen shoulder as examples of myofascial "
         "syndromes.",
         "Palpate for tenderness where tendon meets bone. Add provocation tests for the region.",
         (Attachment.MUSCLE, Attachment.REGION), ("G4", "G7")),
    Sign("MOT-WEAK", SignGroup.MOTOR, "Motor", "Weakness or fatigability in the myotome",
         "Part of the standard root screen. Gunn's sources stress shortening more than weakness (unverified "
         "emphasis).", "Manual muscle test of the key muscles (section 3.2).",
         (Attachment.LEVELS, Attachment.MUSCLE), ("N2",)),
    Sign("MOT-GRASP", SignGroup.MOTOR, "Motor (finding during treatment)",
         'Needle "grasp" / cramp; local twitch response',
         "Inserting a needle into normal muscle is painless. A shortened, supersensitive muscle grips the needle "
         "and the patient feels a cramp. A local twitch response occurred in 97.7% of IMS-treated "
         "upper-trapezius patients in one trial.", "Recorded for each needled site (section 6.4).", _MUS,
         ("G8", "G9")),
    Sign("SPI-PARASHORT", SignGroup.SPINAL, "Spinal", "Paraspinal muscle shortening or bands at the segment",
         "Tight muscles next to the spine press on the nerve roots.",
         "Patient prone. Palpate the multifidus and erector spinae at each level, on both sides.", _LEV,
         ("G13", "G10"), allows_midline=True),
    Sign("SPI-TROPHIC", SignGroup.SPINAL, "Spinal", "Paravertebral trophedema or skin-roll tenderness at a level",
         "The same trophic signs, looked for over the spinal segment.",
         "Matchstick and skin-roll tests along the paravertebral line, level by level.", _LEV, ("G1", "G11"),
         allows_midline=True),
    Sign("SPI-SPINOUS", SignGroup.SPINAL, "Spinal",
         "Tenderness over the spinous process or supraspinous/interspinous ligament at a level",
         "Used in segmental examination.",
         "Midline pressure, level by level. Unverified as a named Gunn sign; the general segmental palpation "
         "approach is described in [G10].", _LEV, ("G10",), allows_midline=True),
    Sign("VIS-ORGAN", SignGroup.HISTORY, "History",
         "Possible visceral/autonomic involvement (iSTOP's examples: irritable bowel syndrome, ARDS)",
         "Peripheral nerves also supply the viscera, so autonomic neuropathy can go unnoticed.",
         "Record as a history item only.", (Attachment.REGION,), ("G1",)),
)  # fmt: skip

SIGNS: Mapping[str, Sign] = MappingProxyType({s.code: s for s in _SIGNS})
SIGN_CODES: tuple[str, ...] = tuple(SIGNS)

# Each sign as a clinician names a finding of it on a page ("Tender motor point: supinator, right"); the codes
# stay in the data and the reference.
SIGN_WORDS: Mapping[str, str] = MappingProxyType(
    {
        "SEN-MOTORPOINT": "Tender motor point",
        "SEN-MULTISEG": "Tender points over several segments",
        "SEN-PARASPINAL": "Paraspinal tenderness",
        "SEN-HYPERALG": "Hyperalgesia",
        "AUT-VASO": "Colder skin (vasomotor)",
        "AUT-SUDO": "Excess sweating (sudomotor)",
        "AUT-PILO": "Goosebumps (pilomotor)",
        "TRO-TROPHEDEMA": "Trophedema",
        "TRO-ORANGEPEEL": "Orange-peel skin",
        "TRO-SKINROLL": "Tender skin roll",
        "TRO-HAIRLOSS": "Local hair loss",
        "TRO-NAILS": "Brittle nails",
        "TRO-SKIN": "Abnormal skin",
        "MOT-SHORTENED": "Shortened muscle",
        "MOT-TAUTBAND": "Taut band",
        "MOT-ROM": "Reduced range of motion",
        "MOT-ENTHESO": "Tender attachment (enthesopathy)",
        "MOT-WEAK": "Weakness",
        "MOT-GRASP": "Needle grasp",
        "SPI-PARASHORT": "Paraspinal bands",
        "SPI-TROPHIC": "Paravertebral trophedema or tender skin roll",
        "SPI-SPINOUS": "Spinous process tenderness",
        "VIS-ORGAN": "Possible visceral involvement",
    }
)
FINDING_STATUS_WORDS: Mapping[str, str] = MappingProxyType(
    {"present": "Present", "absent": "Absent", "equivocal": "Equivocal", "not_tested": "Not tested"}
)


def sign_words(code: str) -> str:
    """A sign, or a source of evidence of the summary, in a clinician's words."""
    return {**SIGN_WORDS, **_SOURCE_WORDS}.get(code) or sign(code).label


def sign(code: str) -> Sign:
    """The catalogue row with this code."""
    try:
        return SIGNS[code]
    except KeyError:
        raise ValueError(f"Unknown sign code {code!r}; expected one of {', '.join(SIGN_CODES)}.") from None


# --- Inputs to the summary (1.3 recording rules) -----------------------------------------------------------------

Reference = str | int | None  # the caller's id for a finding (e.g. a primary key), carried into the evidence
_LIMB_SIDES = (Side.LEFT, Side.RIGHT)


@dataclass(frozen=True)
class Finding:
    """One examined sign, recorded as 1.3 proposes; validated on creation (ValueError)."""

    sign_code: str
    side: Side
    status: FindingStatus = FindingStatus.PRESENT
    levels: tuple[str, ...] = ()
    muscle: str | None = None
    grade: int | None = None
    region_note: str = ""
    reference: Reference = None

    def __post_init__(self) -> None:
        catalogue_sign = sign(self.sign_code)
        object.__setattr__(self, "side", Side(self.side))
        object.__setattr__(self, "status", FindingStatus(self.status))
        object.__setattr__(self, "levels", sort_levels(self.levels))  # validates each code
        if self.grade is not None and (
            isinstance(self.grade, bool) or not isinstance(self.grade, int) or self.grade not in FINDING_GRADES
        ):
            raise ValueError(f"Finding grade must be 0, 1, 2 or 3 (or left empty), got {self.grade!r}.")
        if self.side is Side.MIDLINE and not catalogue_sign.allows_midline:
            raise ValueError(f"Side M (midline) is for spinal findings; {self.sign_code} needs L, R or B.")
        if self.levels and Attachment.LEVELS not in catalogue_sign.attaches_to and not self._is_segmental_muscle:
            raise ValueError(f"{self.sign_code} is not recorded against spinal levels.")
        if self.muscle is not None:
            if Attachment.MUSCLE not in catalogue_sign.attaches_to:
                raise ValueError(f"{self.sign_code} is not recorded against a muscle.")
            catalogue_muscle = muscle(self.muscle)
            if catalogue_muscle.is_segmental:
                if not self.levels:
                    raise ValueError(f"Say which level of the {catalogue_muscle.name} was examined.")
                outside = [code for code in self.levels if code not in catalogue_muscle.roots]
                if outside:
                    raise ValueError(f"{catalogue_muscle.name} is not found at {', '.join(outside)}.")
            elif self.levels:
                raise ValueError(
                    f"Give either a muscle or levels for {self.sign_code}: the {catalogue_muscle.name}'s roots "
                    "already give its segments."
                )
        if not self.levels and self.muscle is None and Attachment.REGION not in catalogue_sign.attaches_to:
            needed = " or ".join(a.value for a in catalogue_sign.attaches_to)
            raise ValueError(f"{self.sign_code} must be recorded against {needed}.")

    @property
    def _is_segmental_muscle(self) -> bool:
        return self.muscle is not None and muscle(self.muscle).is_segmental


@dataclass(frozen=True)
class ReflexResult:
    """One reflex graded on one side (3.1); NT results are ignored by the summary."""

    reflex: str
    side: Side
    grade: ReflexGrade
    reference: Reference = None

    def __post_init__(self) -> None:
        reflex(self.reflex)
        object.__setattr__(self, "side", Side(self.side))
        object.__setattr__(self, "grade", reflex_grade(self.grade))
        if self.side not in _LIMB_SIDES:
            raise ValueError("Record each reflex for the left (L) or right (R) side separately.")


@dataclass(frozen=True)
class KeyMuscleResult:
    """The MRC grade of a level's key muscle on one side (2.2, 3.2)."""

    level: str
    side: Side
    grade: MrcGrade
    reference: Reference = None

    def __post_init__(self) -> None:
        spinal_level(self.level)
        object.__setattr__(self, "side", Side(self.side))
        object.__setattr__(self, "grade", mrc_grade(self.grade))
        if self.side not in _LIMB_SIDES:
            raise ValueError("Record each key muscle for the left (L) or right (R) side separately.")


@dataclass(frozen=True)
class MuscleStrengthResult:
    """The MRC grade of a catalogue muscle (2.3) on one side (3.2): a weak one is the MOT-WEAK sign at that muscle."""

    muscle: str
    side: Side
    grade: MrcGrade
    reference: Reference = None

    def __post_init__(self) -> None:
        muscle(self.muscle)
        object.__setattr__(self, "side", Side(self.side))
        object.__setattr__(self, "grade", mrc_grade(self.grade))
        if self.side not in _LIMB_SIDES:
            raise ValueError("Record each muscle for the left (L) or right (R) side separately.")


@dataclass(frozen=True)
class SensoryResult:
    """A sensory score at a level's key sensory point on one side (2.2, 3.3)."""

    level: str
    side: Side
    modality: SensoryModality
    score: SensoryScore
    is_hyper: bool = False
    reference: Reference = None

    def __post_init__(self) -> None:
        spinal_level(self.level)
        object.__setattr__(self, "side", Side(self.side))
        object.__setattr__(self, "modality", SensoryModality(self.modality))
        object.__setattr__(self, "score", SensoryFinding(self.score, self.is_hyper).score)
        if self.side not in _LIMB_SIDES:
            raise ValueError("Record each sensory score for the left (L) or right (R) side separately.")


# --- The segment summary (1.4) -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SummarySettings:
    """The summary's thresholds; each is a clinic setting (1.4) and these defaults are the reference's proposals.

    - ``min_groups`` (2): a (level, side) is suggested when this many evidence groups support it (1.4 step 3).
    - ``secondary_root_weight`` (0.5): credit for a muscle's or reflex's non-primary roots; the primary root
      counts 1 (1.4 step 1). 0 leaves secondary roots out.
    - ``min_group_weight`` (1.0): the credit a group needs at a (level, side) to count as supporting it, so one
      fully credited finding, or two half credits, is enough.
    - ``include_equivocal`` (False): 1.4 counts present findings only.
    - ``weakness_threshold`` (MRC 4): a key muscle graded at or below it is weak (1.4: "MRC grade <= 4").
    """

    min_groups: int = 2
    secondary_root_weight: float = 0.5
    min_group_weight: float = 1.0
    include_equivocal: bool = False
    weakness_threshold: MrcGrade = DEFAULT_WEAKNESS_THRESHOLD

    def __post_init__(self) -> None:
        if isinstance(self.min_groups, bool) or not isinstance(self.min_groups, int) or self.min_groups < 1:
            raise ValueError(f"min_groups must be a whole number of at least 1, got {self.min_groups!r}.")
        if not 0 <= self.secondary_root_weight <= 1:
            raise ValueError(f"secondary_root_weight must be from 0 to 1, got {self.secondary_root_weight!r}.")
        if not self.min_group_weight > 0:
            raise ValueError(f"min_group_weight must be above 0, got {self.min_group_weight!r}.")
        object.__setattr__(self, "weakness_threshold", mrc_grade(self.weakness_threshold))
        if self.weakness_threshold == MrcGrade.NOT_TESTED:
            raise ValueError("weakness_threshold must be an MRC grade from 0 to 5; NT (not tested) ranks nowhere.")


DEFAULT_SUMMARY_SETTINGS = SummarySettings()

# Sources of evidence that are not a sign code of 1.2.
REFLEX_SOURCE = "REFLEX"
SENSORY_SCORE_SOURCE = "SENSORY-SCORE"
KEY_MUSCLE_SOURCE = "MOT-WEAK"  # a weak key muscle is the MOT-WEAK sign examined by manual muscle test
_SOURCE_WORDS: Mapping[str, str] = MappingProxyType(
    {REFLEX_SOURCE: "Reflex change", SENSORY_SCORE_SOURCE: "Altered sensation"}
)


@dataclass(frozen=True)
class Evidence:
    """One item of evidence credited to a (level, side); side M is a midline finding."""

    level: str
    side: Side
    group: str
    source: str  # the sign code, or REFLEX_SOURCE / SENSORY_SCORE_SOURCE
    weight: float
    muscle: str | None = None
    reflex: str | None = None
    reference: Reference = None
    words: str = ""  # what was measured, for a graded test ("Wrist extensors MRC 4/5 right (5/5 left)")


@dataclass(frozen=True)
class SideEvidence:
    """The evidence for one side of a level; midline evidence is shared by both sides."""

    side: Side
    evidence: tuple[Evidence, ...]
    group_counts: Mapping[str, int]
    group_weights: Mapping[str, float]
    supporting_groups: tuple[str, ...]
    is_suggested: bool


@dataclass(frozen=True)
class LevelSummary:
    level: str
    evidence: tuple[Evidence, ...]
    group_counts: Mapping[str, int]  # all sides together, midline items counted once
    sides: tuple[SideEvidence, ...]  # L and/or R, whichever has evidence
    suggested_sides: tuple[Side, ...]

    @property
    def is_suggested(self) -> bool:
        return bool(self.suggested_sides)


@dataclass(frozen=True)
class SuggestedMuscle:
    """A muscle to consider needling for the involved levels (1.4 step 4)."""

    muscle: str
    name: str
    levels: tuple[str, ...]  # the involved levels among its roots
    sides: tuple[Side, ...]
    is_paraspinal: bool  # the default paraspinal site for the level (2.1)
    is_primary: bool  # one of the levels is a primary (bold) root
    precautions: tuple[PrecautionTag, ...]
    site_note: str | None = None  # the 2.2 "paraspinal partner" text for a paraspinal site


@dataclass(frozen=True)
class SegmentSummary:
    rules_version: str
    settings: SummarySettings
    levels: tuple[LevelSummary, ...]  # every level with evidence, head to foot
    suggested_levels: tuple[str, ...]
    suggested_muscles: tuple[SuggestedMuscle, ...]
    unattributed: tuple[Finding, ...]  # counted findings recorded against a region only
    tender_levels: tuple[str, ...]  # SEN-MULTISEG, derived: levels with a fully credited tender motor point
    examination: Examination | None = None  # what was examined, positive or not (absent is not not-tested)

    @property
    def headline(self) -> tuple[str, ...]:
        return summary_headline(self)

    def level(self, code: str) -> LevelSummary | None:
        return next((summary for summary in self.levels if summary.level == code), None)


def _root_credits(primary: Iterable[str], roots: Iterable[str], secondary_weight: float) -> list[tuple[str, float]]:
    primary_set = set(primary)
    credits = [(code, 1.0 if code in primary_set else secondary_weight) for code in roots]
    return [(code, weight) for code, weight in credits if weight > 0]


# --- Where a sign was found decides its group (1.2, the note under the catalogue; 2.1) ------------------------------

# Muscles palpated beside the spine at a level: the segmental paraspinals supplied by the dorsal rami (2.1, 2.3).
# The intercostals are segmental too but lie away from the spine; the suboccipitals and the semispinalis/splenius
# capitis are recorded by their roots, as before.
PARASPINAL_MUSCLES: frozenset[str] = frozenset(
    {
        "cervical-multifidus-rotatores",
        "thoracic-erector-spinae",
        "thoracic-multifidus-rotatores",
        "lumbar-erector-spinae",
        "lumbar-multifidus",
    }
)

# The hands-on signs that are the same examination as a spine-grid sign when found beside the spine at a level:
# tenderness of a paraspinal muscle is paraspinal tenderness, its bands or shortening are paraspinal bands, and a
# skin roll or trophedema on the paravertebral line is paravertebral trophedema or skin-roll tenderness.
_BESIDE_SPINE_MUSCLE_SIGNS: Mapping[str, str] = MappingProxyType(
    {"SEN-MOTORPOINT": "SEN-PARASPINAL", "MOT-TAUTBAND": "SPI-PARASHORT", "MOT-SHORTENED": "SPI-PARASHORT"}
)
_BESIDE_SPINE_SKIN_SIGNS: Mapping[str, str] = MappingProxyType(
    {"TRO-SKINROLL": "SPI-TROPHIC", "TRO-TROPHEDEMA": "SPI-TROPHIC"}
)
# The hands-on signs found beside the spine only against a paraspinal muscle (a skin sign there is recorded by level).
PARASPINAL_MUSCLE_SIGNS: tuple[str, ...] = tuple(_BESIDE_SPINE_MUSCLE_SIGNS)
# Signs that are examined beside the spine by definition: the spine grid's.
BESIDE_SPINE_SIGNS: tuple[str, ...] = ("SEN-PARASPINAL", "SPI-PARASHORT", "SPI-TROPHIC", "SPI-SPINOUS")


def beside_spine_sign(code: str) -> str | None:
    """The sign a finding of ``code`` is recorded as when it was found beside the spine at a level, or None when
    the sign is not examined there (a skin roll beside the spine is SPI-TROPHIC, never TRO-SKINROLL)."""
    sign(code)
    if code in BESIDE_SPINE_SIGNS:
        return code
    return _BESIDE_SPINE_SKIN_SIGNS.get(code)


def counted_sign(finding: Finding, rules_version: str = RULES_VERSION) -> tuple[str, str]:
    """The sign code and evidence group a finding is counted under by the summary of ``rules_version``.

    From 2026.2 a finding beside the spine is spinal evidence at the palpated level and side from either screen:
    the spine grid's signs, and tenderness, bands or shortening of a paraspinal muscle (counted as the grid's
    paraspinal tenderness or bands). 2026.1 counted every sign in its catalogue group.
    """
    _check_rules_version(rules_version)
    catalogue_sign = sign(finding.sign_code)
    if rules_version == "2026.1":
        return finding.sign_code, catalogue_sign.group.value
    if finding.sign_code in BESIDE_SPINE_SIGNS:
        return finding.sign_code, SignGroup.SPINAL.value
    if finding.muscle in PARASPINAL_MUSCLES and finding.sign_code in _BESIDE_SPINE_MUSCLE_SIGNS:
        return _BESIDE_SPINE_MUSCLE_SIGNS[finding.sign_code], SignGroup.SPINAL.value
    return finding.sign_code, catalogue_sign.group.value


def _check_rules_version(rules_version: str) -> None:
    if rules_version not in RULES_VERSIONS:
        raise ValueError(f"Unknown summary rules version {rules_version!r}; expected one of {RULES_VERSIONS}.")


def _finding_credits(finding: Finding, settings: SummarySettings) -> list[tuple[str, float]]:
    if finding.muscle is not None:
        catalogue_muscle = muscle(finding.muscle)
        if catalogue_muscle.is_segmental:
            return [(code, 1.0) for code in finding.levels]
        return _root_credits(catalogue_muscle.primary_roots, catalogue_muscle.roots, settings.secondary_root_weight)
    return [(code, 1.0) for code in finding.levels]


def _evidence_sides(side: Side) -> tuple[Side, ...]:
    return _LIMB_SIDES if side is Side.BILATERAL else (side,)


def _finding_evidence(
    findings: Iterable[Finding], settings: SummarySettings, rules_version: str
) -> tuple[list[Evidence], list[Finding]]:
    counted = {FindingStatus.PRESENT} | ({FindingStatus.EQUIVOCAL} if settings.include_equivocal else set())
    evidence: list[Evidence] = []
    unattributed: list[Finding] = []
    for finding in findings:
        if finding.status not in counted:
            continue
        credits = _finding_credits(finding, settings)
        if not credits:
            unattributed.append(finding)
            continue
        source, group = counted_sign(finding, rules_version)
        # A paraspinal muscle finding counted as a spine-grid sign reads as that sign, as if tapped on the grid.
        muscle_code = finding.muscle if source == finding.sign_code else None
        for side in _evidence_sides(finding.side):
            for code, weight in credits:
                evidence.append(Evidence(code, side, group, source, weight, muscle_code, None, finding.reference))
    return evidence, unattributed


def _abnormal_reflex_sides(grades: Mapping[Side, ReflexGrade]) -> set[Side]:
    """Sides with 0 or 1+, plus, when the sides differ, the side further from the normal 2+ (both if tied)."""
    values = {side: value for side, grade in grades.items() if (value := reflex_value(grade)) is not None}
    abnormal = {side for side, value in values.items() if value <= 1}
    if len(values) == 2 and len(set(values.values())) == 2:
        distance = {side: abs(value - 2) for side, value in values.items()}
        furthest = max(distance.values())
        abnormal |= {side for side, d in distance.items() if d == furthest}
    return abnormal


def _reflex_evidence(results: Iterable[ReflexResult], settings: SummarySettings) -> list[Evidence]:
    by_reflex: dict[str, dict[Side, ReflexResult]] = defaultdict(dict)
    for result in results:
        if result.side in by_reflex[result.reflex]:
            raise ValueError(f"The {result.reflex} reflex was given twice for side {result.side}.")
        by_reflex[result.reflex][result.side] = result
    evidence: list[Evidence] = []
    for code, per_side in by_reflex.items():
        catalogue_reflex = reflex(code)
        credits = _root_credits(catalogue_reflex.primary_roots, catalogue_reflex.roots, settings.secondary_root_weight)
        grades = {side: result.grade for side, result in per_side.items()}
        for side in sorted(_abnormal_reflex_sides(grades)):
            for level, weight in credits:
                evidence.append(
                    Evidence(level, side, REFLEX_GROUP, REFLEX_SOURCE, weight, None, code, per_side[side].reference)
                )
    return evidence


_OTHER_SIDE: Mapping[Side, Side] = MappingProxyType({Side.LEFT: Side.RIGHT, Side.RIGHT: Side.LEFT})


def strength_words(name: str, side: Side, grade: MrcGrade, other_grade: MrcGrade | None = None) -> str:
    """A graded muscle as clinicians write it, with the other side when it was graded:
    "Wrist extensors MRC 4/5 right (5/5 left)"."""
    words = f"{name} MRC {mrc_out_of_five(grade)} {side.label}"
    if other_grade is None:
        return words
    other = _OTHER_SIDE[side].label
    if other_grade == MrcGrade.NOT_TESTED:
        return f"{words} ({other} not tested)"
    return f"{words} ({mrc_out_of_five(other_grade)} {other})"


def key_muscle_name(level: str) -> str:
    """The key muscle of a level in words: the ASIA key muscle, or the 2.2 test movement without its sources."""
    row = spinal_level(level)
    return row.asia_key_muscle or re.sub(r"\s*\[[^\]]*\]", "", row.key_muscle_test).split(";")[0]


def _key_muscle_evidence(results: Iterable[KeyMuscleResult], settings: SummarySettings) -> list[Evidence]:
    tested = list(results)
    grades = {(r.level, r.side): r.grade for r in tested}
    evidence: list[Evidence] = []
    for r in tested:
        if is_weak(r.grade, threshold=settings.weakness_threshold):
            other = grades.get((r.level, _OTHER_SIDE[r.side]))
            words = strength_words(key_muscle_name(r.level), r.side, r.grade, other)
            evidence.append(
                Evidence(
                    r.level, r.side, SignGroup.MOTOR.value, KEY_MUSCLE_SOURCE, 1.0, reference=r.reference, words=words
                )
            )
    return evidence


def _muscle_strength_evidence(results: Iterable[MuscleStrengthResult], settings: SummarySettings) -> list[Evidence]:
    """A weak catalogue muscle is MOT-WEAK at that muscle (1.2), a motor sign credited to its roots like any muscle
    sign (1.4 step 1: primary roots fully, the others ``secondary_root_weight``). A segmental muscle's root is the
    level needled, which a strength grade does not name: it is shown on the strength page but credits no level."""
    tested = list(results)
    grades = {(r.muscle, r.side): r.grade for r in tested}
    evidence: list[Evidence] = []
    for r in tested:
        catalogue_muscle = muscle(r.muscle)
        if catalogue_muscle.is_segmental or not is_weak(r.grade, threshold=settings.weakness_threshold):
            continue
        words = strength_words(catalogue_muscle.name, r.side, r.grade, grades.get((r.muscle, _OTHER_SIDE[r.side])))
        credits = _root_credits(catalogue_muscle.primary_roots, catalogue_muscle.roots, settings.secondary_root_weight)
        evidence += [
            Evidence(
                level, r.side, SignGroup.MOTOR.value, KEY_MUSCLE_SOURCE, weight, r.muscle, None, r.reference, words
            )
            for level, weight in credits
        ]
    return evidence


def _sensory_evidence(results: Iterable[SensoryResult]) -> list[Evidence]:
    return [
        Evidence(r.level, r.side, SignGroup.SENSORY.value, SENSORY_SCORE_SOURCE, 1.0, None, None, r.reference)
        for r in results
        if SensoryFinding(r.score, r.is_hyper).is_abnormal
    ]


def _ordered_groups(groups: Iterable[str]) -> tuple[str, ...]:
    present = set(groups)
    return tuple(group for group in EVIDENCE_GROUPS if group in present)


def _side_evidence(side: Side, items: list[Evidence], settings: SummarySettings) -> SideEvidence:
    counts: dict[str, int] = defaultdict(int)
    weights: dict[str, float] = defaultdict(float)
    for item in items:
        counts[item.group] += 1
        weights[item.group] += item.weight
    supporting = _ordered_groups(g for g, weight in weights.items() if weight >= settings.min_group_weight)
    return SideEvidence(
        side=side,
        evidence=tuple(items),
        group_counts=MappingProxyType({g: counts[g] for g in _ordered_groups(counts)}),
        group_weights=MappingProxyType({g: weights[g] for g in _ordered_groups(weights)}),
        supporting_groups=supporting,
        is_suggested=len(supporting) >= settings.min_groups,
    )


def _level_summary(level: str, items: list[Evidence], settings: SummarySettings) -> LevelSummary:
    sides = []
    for side in _LIMB_SIDES:
        side_items = [item for item in items if item.side in (side, Side.MIDLINE)]
        if side_items:
            sides.append(_side_evidence(side, side_items, settings))
    counts: dict[str, int] = defaultdict(int)
    for item in items:
        counts[item.group] += 1
    return LevelSummary(
        level=level,
        evidence=tuple(items),
        group_counts=MappingProxyType({g: counts[g] for g in _ordered_groups(counts)}),
        sides=tuple(sides),
        suggested_sides=tuple(s.side for s in sides if s.is_suggested),
    )


def segment_summary(
    findings: Iterable[Finding] = (),
    *,
    reflex_results: Iterable[ReflexResult] = (),
    key_muscle_results: Iterable[KeyMuscleResult] = (),
    sensory_results: Iterable[SensoryResult] = (),
    muscle_strength_results: Iterable[MuscleStrengthResult] = (),
    settings: SummarySettings = DEFAULT_SUMMARY_SETTINGS,
    rules_version: str = RULES_VERSION,
    palpated: PalpatedRange | None = None,
) -> SegmentSummary:
    """Which levels the evidence points to, with the evidence, as 1.4 proposes.

    Step 1 credits each counted finding to (level, side) pairs: dermatomal, sensory, autonomic and spinal signs
    to the levels recorded; muscle signs to the muscle's roots (primary 1, others ``secondary_root_weight``;
    a segmental muscle to the level recorded); a reflex graded 0 or 1+, or differing from the other side, to
    its roots; a weak key muscle or an abnormal sensory score to its level; a weak catalogue muscle to its roots,
    weighted as a muscle sign. Bilateral findings count on both
    sides; midline findings support both sides. Step 2 counts the evidence per group; step 3 suggests a
    (level, side) supported by ``min_groups`` groups. The suggested muscles are those of
    ``suggested_muscles`` for the suggested levels and sides; the clinician confirms the levels (step 4).

    Each finding is counted in the group ``counted_sign`` gives under ``rules_version``: a summary signed under an
    earlier version is recomputed under it, so it reads as it did when signed.

    ``examination`` counts what was examined and found positive, the grid's cells of the ``palpated`` range included,
    so that "nothing positive among N items examined" is told apart from "nothing examined yet".
    """
    _check_rules_version(rules_version)
    findings, reflex_results = list(findings), list(reflex_results)
    key_muscle_results, sensory_results = list(key_muscle_results), list(sensory_results)
    muscle_strength_results = list(muscle_strength_results)
    evidence, unattributed = _finding_evidence(findings, settings, rules_version)
    evidence += _reflex_evidence(reflex_results, settings)
    evidence += _key_muscle_evidence(key_muscle_results, settings)
    evidence += _muscle_strength_evidence(muscle_strength_results, settings)
    evidence += _sensory_evidence(sensory_results)

    by_level: dict[str, list[Evidence]] = defaultdict(list)
    for item in evidence:
        by_level[item.level].append(item)
    levels = tuple(_level_summary(code, by_level[code], settings) for code in sorted(by_level, key=level_index))
    suggested = tuple(summary.level for summary in levels if summary.is_suggested)
    tender = sort_levels(item.level for item in evidence if item.source == "SEN-MOTORPOINT" and item.weight >= 1.0)
    return SegmentSummary(
        rules_version=rules_version,
        settings=settings,
        levels=levels,
        suggested_levels=suggested,
        suggested_muscles=suggested_muscles(
            suggested, sides_by_level={s.level: s.suggested_sides for s in levels if s.is_suggested}
        ),
        unattributed=tuple(unattributed),
        tender_levels=tender,
        examination=examination(
            findings,
            palpated=palpated,
            reflex_results=reflex_results,
            key_muscle_results=key_muscle_results,
            sensory_results=sensory_results,
            muscle_strength_results=muscle_strength_results,
            settings=settings,
        ),
    )


# --- What was examined (1.2, "Examined and normal is a finding"; 1.3) ------------------------------------------------

# The spine grid: C1 to S2, three signs on each side of a level and the spinous process in the midline.
SPINE_GRID_LEVELS: tuple[str, ...] = LEVEL_CODES[: LEVEL_CODES.index("S2") + 1]
SPINE_GRID_SIDE_SIGNS: tuple[str, ...] = ("SEN-PARASPINAL", "SPI-PARASHORT", "SPI-TROPHIC")
SPINE_GRID_MIDLINE_SIGNS: tuple[str, ...] = ("SPI-SPINOUS",)
SPINE_GRID_SIDES: tuple[Side, ...] = (Side.LEFT, Side.MIDLINE, Side.RIGHT)


def spine_grid_signs(side: Side) -> tuple[str, ...]:
    """The grid's signs examined on a side of a level: the spinous process in the midline, three signs each side."""
    return SPINE_GRID_MIDLINE_SIGNS if side is Side.MIDLINE else SPINE_GRID_SIDE_SIGNS


@dataclass(frozen=True)
class PalpatedRange:
    """The stretch of the spine palpated for the grid's signs: from a level down to a level, on some of its sides
    (left, midline, right). A grid sign inside it with nothing marked is absent; outside it, not tested.
    Validated on creation (ValueError)."""

    from_level: str
    to_level: str
    sides: tuple[Side, ...]

    def __post_init__(self) -> None:
        errors = palpated_range_errors(self.from_level, self.to_level, self.sides)
        if errors:
            raise ValueError(" ".join(errors.values()))
        sides = {Side(side) for side in self.sides}
        object.__setattr__(self, "sides", tuple(side for side in SPINE_GRID_SIDES if side in sides))

    @property
    def levels(self) -> tuple[str, ...]:
        return level_range(self.from_level, self.to_level)

    def covers(self, level: str, side: Side) -> bool:
        return side in self.sides and level_index(self.from_level) <= level_index(level) <= level_index(self.to_level)

    def describe(self) -> str:
        """In words: "C2 to T4, left, midline and right"."""
        levels = self.from_level if self.from_level == self.to_level else f"{self.from_level} to {self.to_level}"
        return f"{levels}, {_and_list([SIDE_LABELS[side] for side in self.sides])}"


def palpated_range_errors(from_level: str, to_level: str, sides: Iterable[str]) -> dict[str, str]:
    """What is wrong with a palpated range as entered, by part ("from", "to", "sides"); empty when it is whole."""
    sides = [str(side) for side in sides]
    errors = {}
    for part, level, end in (("from", from_level, "from"), ("to", to_level, "down to")):
        if not level:
            errors[part] = f"Say {end} which level the spine was palpated."
        elif level not in SPINE_GRID_LEVELS:
            errors[part] = "Choose a level from C1 to S2."
    if not sides:
        errors["sides"] = "Say which sides were palpated: left, midline, right."
    elif not set(sides) <= {side.value for side in SPINE_GRID_SIDES}:
        errors["sides"] = "The sides palpated are left, midline and right."
    if "from" not in errors and "to" not in errors and level_index(to_level) < level_index(from_level):
        errors["to"] = f"{to_level} lies above {from_level}: the range runs from the head down."
    return errors


def _and_list(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


class CellState(StrEnum):
    """A cell of the spine grid: a sign at a level and side."""

    PRESENT = "present"
    EQUIVOCAL = "equivocal"
    ABSENT = "absent"  # examined, no sign
    NOT_TESTED = "not_tested"


GridCell = tuple[str, Side, str]  # level, side, sign code


def _grid_sign(finding: Finding) -> str | None:
    """The grid sign a finding is recorded or counted as: a grid sign not against a muscle, or the tenderness, bands
    or shortening of a paraspinal muscle, which the summary counts as the grid's sign at that level (``counted_sign``).
    """
    if finding.muscle is None:
        return finding.sign_code
    if finding.muscle in PARASPINAL_MUSCLES:
        return _BESIDE_SPINE_MUSCLE_SIGNS.get(finding.sign_code)
    return None


def grid_cells(finding: Finding) -> list[GridCell]:
    """The grid cells a finding is recorded on, or counted as from the hands-on page: a grid sign at one level, on the
    left, right or midline (both sides of a bilateral finding)."""
    code = _grid_sign(finding)
    if code is None or len(finding.levels) != 1 or finding.levels[0] not in SPINE_GRID_LEVELS:
        return []
    sides = _LIMB_SIDES if finding.side is Side.BILATERAL else (finding.side,)
    return [(finding.levels[0], side, code) for side in sides if code in spine_grid_signs(side)]


# When two findings land on one cell (the grid's and a paraspinal muscle's), the more positive one shows.
_STATE_RANK = (CellState.NOT_TESTED, CellState.ABSENT, CellState.EQUIVOCAL, CellState.PRESENT)


def spine_grid_states(findings: Iterable[Finding], palpated: PalpatedRange | None) -> dict[GridCell, CellState]:
    """Each grid cell's state: what the findings recorded there (or counted there from the hands-on page) say, the
    most positive first, else absent inside the palpated range and not tested outside it."""
    states: dict[GridCell, CellState] = {}
    for level in SPINE_GRID_LEVELS:
        for side in SPINE_GRID_SIDES:
            examined = palpated is not None and palpated.covers(level, side)
            for code in spine_grid_signs(side):
                states[(level, side, code)] = CellState.ABSENT if examined else CellState.NOT_TESTED
    recorded: dict[GridCell, CellState] = {}
    for finding in findings:
        for cell in grid_cells(finding):
            state = CellState(finding.status.value)
            if cell not in recorded or _STATE_RANK.index(state) > _STATE_RANK.index(recorded[cell]):
                recorded[cell] = state
    return states | recorded


@dataclass(frozen=True)
class Examination:
    """How much was examined and found positive, across the steps, and the stretches of the spine not examined."""

    examined: int  # items examined: grid cells, hands-on findings, reflexes, muscles and sensory points graded
    positive: int  # of them, those found positive (present, weak, abnormal)
    not_examined: tuple[str, ...]  # stretches of the spine with nothing examined, head to foot: "T5-S2", "C4 right"


def _stretch(first: str, last: str) -> str:
    return first if first == last else f"{first}-{last}"


def _not_examined(examined_cells: Iterable[GridCell]) -> tuple[str, ...]:
    """Runs of levels where the same sides had nothing examined: "C1-C3", "C4-T2 midline and right"."""
    examined = {(level, side) for level, side, _ in examined_cells}
    runs: list[tuple[str, str, tuple[Side, ...]]] = []
    for level in SPINE_GRID_LEVELS:
        missing = tuple(side for side in SPINE_GRID_SIDES if (level, side) not in examined)
        if runs and runs[-1][2] == missing:
            runs[-1] = (runs[-1][0], level, missing)
        else:
            runs.append((level, level, missing))
    return tuple(
        _stretch(first, last)
        if missing == SPINE_GRID_SIDES
        else f"{_stretch(first, last)} {_and_list([SIDE_LABELS[side] for side in missing])}"
        for first, last, missing in runs
        if missing
    )


def examination(
    findings: Iterable[Finding] = (),
    *,
    palpated: PalpatedRange | None = None,
    reflex_results: Iterable[ReflexResult] = (),
    key_muscle_results: Iterable[KeyMuscleResult] = (),
    sensory_results: Iterable[SensoryResult] = (),
    muscle_strength_results: Iterable[MuscleStrengthResult] = (),
    settings: SummarySettings = DEFAULT_SUMMARY_SETTINGS,
) -> Examination:
    """Count what was examined, and what of it was positive (1.2, "Examined and normal is a finding").

    Each grid cell of the palpated range is one item (absent unless a sign is marked), and so is a grid sign marked
    outside it; every other finding is one item unless recorded as not tested; every reflex, key muscle and catalogue
    muscle graded (not NT) is one, and every sensory point scored (not NT). Positive: findings present (and equivocal
    when the settings count them), the abnormal side of a reflex, a weak key or catalogue muscle, an abnormal sensory
    score.
    """
    positive_statuses = {FindingStatus.PRESENT} | ({FindingStatus.EQUIVOCAL} if settings.include_equivocal else set())
    findings = list(findings)
    states = spine_grid_states(findings, palpated)
    examined_cells = [cell for cell, state in states.items() if state is not CellState.NOT_TESTED]
    examined = len(examined_cells)
    positive = sum(1 for cell in examined_cells if FindingStatus(states[cell].value) in positive_statuses)
    for finding in findings:
        if grid_cells(finding) or finding.status is FindingStatus.NOT_TESTED:
            continue
        examined += 1
        positive += finding.status in positive_statuses
    reflexes = [result for result in reflex_results if reflex_value(result.grade) is not None]
    examined += len(reflexes)
    abnormal_reflexes = {(code, side) for code, side in _abnormal_reflexes(reflexes)}
    positive += len(abnormal_reflexes)
    graded: list[KeyMuscleResult | MuscleStrengthResult] = [*key_muscle_results, *muscle_strength_results]
    muscles = [result for result in graded if result.grade != MrcGrade.NOT_TESTED]
    examined += len(muscles)
    positive += sum(1 for result in muscles if is_weak(result.grade, threshold=settings.weakness_threshold))
    points = [result for result in sensory_results if result.score is not SensoryScore.NOT_TESTABLE]
    examined += len(points)
    positive += sum(1 for result in points if SensoryFinding(result.score, result.is_hyper).is_abnormal)
    return Examination(examined=examined, positive=positive, not_examined=_not_examined(examined_cells))


def _abnormal_reflexes(results: Iterable[ReflexResult]) -> list[tuple[str, Side]]:
    by_reflex: dict[str, dict[Side, ReflexGrade]] = defaultdict(dict)
    for result in results:
        by_reflex[result.reflex][result.side] = result.grade
    return [(code, side) for code, grades in by_reflex.items() for side in _abnormal_reflex_sides(grades)]


def _items(count: int) -> str:
    return f"{count} item{'' if count == 1 else 's'}"


def summary_headline(summary: SegmentSummary) -> tuple[str, ...]:
    """The summary in a line or two: each suggested level and side ("C6 right: suggested"), then how much was
    examined and what was not ("Nothing positive among 58 items examined; not examined: T5-S2"), or "Nothing
    examined yet"."""
    suggested = tuple(
        f"{level.level} {SIDE_LABELS[side]}: suggested" for level in summary.levels for side in level.suggested_sides
    )
    exam = summary.examination
    if exam is None:
        return suggested
    if exam.examined == 0:
        return ("Nothing examined yet.",)
    not_examined = f"; not examined: {', '.join(exam.not_examined)}" if exam.not_examined else ""
    if exam.positive == 0:
        return (f"Nothing positive among {_items(exam.examined)} examined{not_examined}.",)
    tally = f"{exam.positive} positive among {_items(exam.examined)} examined{not_examined}."
    return (*suggested, tally) if suggested else (f"No level suggested: {tally}",)


@dataclass
class _SuggestionDraft:
    muscle: Muscle
    is_paraspinal: bool
    site_note: str | None
    levels: list[str] = field(default_factory=list)
    sides: set[Side] = field(default_factory=set)


def suggested_muscles(
    levels: Iterable[str], *, sides_by_level: Mapping[str, Iterable[Side]] | None = None
) -> tuple[SuggestedMuscle, ...]:
    """Muscles to consider for the confirmed levels (1.4 step 4, 2.1).

    For each level, head to foot: the default paraspinal site at that level first, then the 2.3 muscles whose
    roots include it (those with it as a primary root first). A limb muscle spanning several involved levels is
    listed once with all of them; segmental muscles (paraspinals, intercostals) get one entry per level.
    """
    drafts: dict[tuple[str, str], _SuggestionDraft] = {}
    for level in sort_levels(levels):
        sides = set(sides_by_level.get(level, ())) if sides_by_level else set()
        paraspinal = paraspinal_muscle_for_level(level)
        candidates: list[tuple[Muscle, bool]] = [(paraspinal, True)] if paraspinal else []
        candidates += [(m, False) for m in muscles_for_level(level) if m != paraspinal]
        for candidate, is_paraspinal in candidates:
            key = (candidate.code, level if candidate.is_segmental else "")
            if key not in drafts:
                site_note = spinal_level(level).paraspinal_partner if is_paraspinal else None
                drafts[key] = _SuggestionDraft(candidate, is_paraspinal, site_note)
            drafts[key].levels.append(level)
            drafts[key].sides |= sides
    return tuple(
        SuggestedMuscle(
            muscle=draft.muscle.code,
            name=draft.muscle.name,
            levels=tuple(draft.levels),
            sides=tuple(side for side in _LIMB_SIDES if side in draft.sides),
            is_paraspinal=draft.is_paraspinal,
            is_primary=any(code in draft.muscle.primary_roots for code in draft.levels),
            precautions=draft.muscle.precautions,
            site_note=draft.site_note,
        )
        for draft in drafts.values()
    )


# --- The evidence in words ---------------------------------------------------------------------------------------


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:] if name[1:2].islower() else name


def _per_side(grades: Mapping[Side, str], unit: str = "") -> str:
    return ", ".join(f"{grades[side]}{unit} {side.label}" for side in _LIMB_SIDES if side in grades)


def evidence_words(
    item: Evidence,
    *,
    reflex_results: Iterable[ReflexResult] = (),
    sensory_results: Iterable[SensoryResult] = (),
) -> str:
    """One piece of a level's evidence as a clinician writes it, from the results the summary was computed from:
    "Tender motor point: extensor carpi radialis brevis, right", "Paraspinal bands C6 right", "Achilles reflex 1+
    left, 2+ right", "Wrist extensors MRC 4/5 right (5/5 left)", "Pinprick C6 1/2 right (2/2 left)"."""
    if item.words:  # a graded muscle (key or catalogue) says what was measured when the summary counted it
        return item.words + (" (not its main root)" if item.weight < 1 else "")
    side = Side(item.side)
    if item.source == REFLEX_SOURCE and item.reflex:
        grades = {Side(r.side): str(r.grade) for r in reflex_results if r.reflex == item.reflex}
        return f"{reflex(item.reflex).name} reflex {_per_side(grades) or side.label}"
    if item.source == SENSORY_SCORE_SOURCE:
        result = next((r for r in sensory_results if r.reference == item.reference), None)
        if result is None:
            return f"{sign_words(item.source)} {item.level} {side.label}"
        scores = {
            Side(r.side): "hypersensitive" if r.is_hyper else f"{r.score}/2"
            for r in sensory_results
            if r.level == result.level and r.modality == result.modality
        }
        modality = SensoryModality(result.modality).label
        return f"{modality} {item.level} {_grade_with_other_side(scores, side, '')}"
    words = sign_words(item.source)
    place = (
        f"{words}: {_lower_first(muscle(item.muscle).name)}, {side.label}"
        if item.muscle
        else (f"{words} {item.level} {side.label}")
    )
    return place + (" (not its main root)" if item.weight < 1 else "")


def _grade_with_other_side(grades: Mapping[Side, str], side: Side, unit: str) -> str:
    own = f"{grades[side]}{unit} {side.label}" if side in grades else side.label
    others = [(other, grade) for other, grade in grades.items() if other != side]
    return own + "".join(f" ({grade}{unit} {other.label})" for other, grade in others)
