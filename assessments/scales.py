"""Reflex, strength, sensory and pain scales of the IMS evaluation (clinical-reference.md 3.1-3.4, Appendix A).

Plain data with no Django import. Bracketed IDs are the reference's source IDs. Every
threshold here (what counts as weak, a clinically important change) is a clinic setting with a documented
default, never a clinical rule (clinical-reference.md, preamble).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from types import MappingProxyType

RULES_VERSION = "2026.1"


# --- 3.1 Deep tendon reflexes (NINDS myotatic reflex scale) [N8] -------------------------------------------------


class ReflexGrade(StrEnum):
    """Appendix A ``reflex_grades``; the stored values are the display strings."""

    ABSENT = "0"
    DIMINISHED = "1+"
    NORMAL = "2+"
    VERY_BRISK = "3+"
    CLONUS = "4+"
    NOT_TESTED = "NT"


class ReflexNormality(StrEnum):
    """The "Normal?" column of 3.1."""

    ALWAYS_ABNORMAL = "always_abnormal"
    MAY_BE_ABNORMAL = "may_or_may_not_be_normal"
    NORMAL = "normal"


@dataclass(frozen=True)
class ReflexGradeInfo:
    grade: ReflexGrade
    value: int | None  # the 0-4 number stored by NINDS; None for NT
    meaning: str
    normality: ReflexNormality | None  # None for NT


REFLEX_GRADES: Mapping[ReflexGrade, ReflexGradeInfo] = MappingProxyType(
    {
        ReflexGrade.ABSENT: ReflexGradeInfo(ReflexGrade.ABSENT, 0, "No response", ReflexNormality.ALWAYS_ABNORMAL),
        ReflexGrade.DIMINISHED: ReflexGradeInfo(
            ReflexGrade.DIMINISHED,
            1,
            "Slight but definitely present response (diminished)",
            ReflexNormality.MAY_BE_ABNORMAL,
        ),
        ReflexGrade.NORMAL: ReflexGradeInfo(
            ReflexGrade.NORMAL, 2, "Brisk response; the normal, average reflex", ReflexNormality.NORMAL
        ),
        ReflexGrade.VERY_BRISK: ReflexGradeInfo(
            ReflexGrade.VERY_BRISK, 3, "Very brisk response", ReflexNormality.MAY_BE_ABNORMAL
        ),
        ReflexGrade.CLONUS: ReflexGradeInfo(
            ReflexGrade.CLONUS,
            4,
            "A tap produces a repeating reflex (clonus)",
            ReflexNormality.ALWAYS_ABNORMAL,
        ),
        ReflexGrade.NOT_TESTED: ReflexGradeInfo(ReflexGrade.NOT_TESTED, None, "Not tested", None),
    }
)


def reflex_grade(value: object) -> ReflexGrade:
    """Parse ``"2+"``, ``"2"``, ``2`` or ``"NT"`` into a grade; raise ValueError otherwise."""
    if isinstance(value, ReflexGrade):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str):
        text = value.strip().upper()
        if text in {"1", "2", "3", "4"}:
            text += "+"
        try:
            return ReflexGrade(text)
        except ValueError:
            pass
    raise ValueError(f"Reflex grade must be one of 0, 1+, 2+, 3+, 4+ or NT, got {value!r}.")


def reflex_value(grade: ReflexGrade) -> int | None:
    """The NINDS number (0-4) of a grade, None for NT."""
    return REFLEX_GRADES[grade].value


def reflexes_are_asymmetric(left: ReflexGrade, right: ReflexGrade) -> bool:
    """True when both sides were tested and graded differently (3.1: asymmetry suggests abnormality)."""
    left_value, right_value = reflex_value(left), reflex_value(right)
    if left_value is None or right_value is None:
        return False
    return left_value != right_value


# --- 3.2 Muscle strength: MRC (Oxford) scale with optional modifiers [N9][N10] -------------------------------------

MRC_CREDIT_LINE = "Used with the permission of the Medical Research Council"  # required by the licence [N9]


class MrcGrade(StrEnum):
    """Appendix A ``mrc_grades``; declared in the fixed sort order of 3.2 (rank 0 to 11), then NT."""

    ZERO = "0"
    TRACE = "1"
    POOR_MINUS = "2-"
    POOR = "2"
    POOR_PLUS = "2+"
    FAIR_MINUS = "3-"
    FAIR = "3"
    FAIR_PLUS = "3+"
    GOOD_MINUS = "4-"
    GOOD = "4"
    GOOD_PLUS = "4+"
    NORMAL = "5"
    NOT_TESTED = "NT"


@dataclass(frozen=True)
class MrcGradeInfo:
    grade: MrcGrade
    rank: int | None  # the sort rank of 3.2; None for NT
    name: str
    meaning: str  # modifier-table meaning (manual muscle testing convention [N10])
    mrc_meaning: str | None  # the plain MRC wording [N9]; None for the modified grades
    is_modifier: bool


_MRC_ROWS: tuple[tuple[MrcGrade, str, str, str | None], ...] = (
    (MrcGrade.ZERO, "Zero", "No contraction felt", "No contraction"),
    (MrcGrade.TRACE, "Trace", "Contraction felt or tendon seen, no movement",
     "Flicker or trace of contraction, no movement"),
    (MrcGrade.POOR_MINUS, "Poor minus", "Gravity eliminated: part of the range", None),
    (MrcGrade.POOR, "Poor", "Gravity eliminated: full range", "Active movement with gravity eliminated"),
    (MrcGrade.POOR_PLUS, "Poor plus",
     "Against gravity: moves through part of the range. Gravity eliminated: completes the range and holds "
     "against some resistance", None),
    (MrcGrade.FAIR_MINUS, "Fair minus", "Cannot hold; gradually gives way from the test position", None),
    (MrcGrade.FAIR, "Fair", "Holds the test position with no added pressure",
     "Active movement against gravity (no added resistance)"),
    (MrcGrade.FAIR_PLUS, "Fair plus", "Holds against slight pressure", None),
    (MrcGrade.GOOD_MINUS, "Good minus", "Holds against slight-to-moderate pressure", None),
    (MrcGrade.GOOD, "Good", "Holds against moderate pressure", "Active movement against gravity and some resistance"),
    (MrcGrade.GOOD_PLUS, "Good plus", "Holds against moderate-to-strong pressure", None),
    (MrcGrade.NORMAL, "Normal", "Holds the test position against strong pressure", "Normal power"),
)  # fmt: skip

MRC_GRADES: Mapping[MrcGrade, MrcGradeInfo] = MappingProxyType(
    {
        **{
            grade: MrcGradeInfo(grade, rank, name, meaning, mrc_meaning, mrc_meaning is None)
            for rank, (grade, name, meaning, mrc_meaning) in enumerate(_MRC_ROWS)
        },
        MrcGrade.NOT_TESTED: MrcGradeInfo(MrcGrade.NOT_TESTED, None, "Not tested", "Not tested", None, False),
    }
)


# 1.4 counts "MRC grade <= 4 in a key muscle" as root evidence; 4+ ranks above 4, so it is not weak by default.
# A clinic that wants 4+ counted passes threshold=MrcGrade.GOOD_PLUS.
DEFAULT_WEAKNESS_THRESHOLD = MrcGrade.GOOD


def mrc_grade(value: object) -> MrcGrade:
    """Parse ``"4-"``, ``4`` or ``"NT"`` into a grade; raise ValueError otherwise."""
    if isinstance(value, MrcGrade):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str):
        try:
            return MrcGrade(value.strip().upper())
        except ValueError:
            pass
    raise ValueError(f"MRC grade must be one of {', '.join(MrcGrade)}, got {value!r}.")


def mrc_rank(grade: MrcGrade) -> int:
    """The fixed 3.2 sort rank (0 for 0 up to 11 for 5); NT has no rank and raises ValueError."""
    rank = MRC_GRADES[grade].rank
    if rank is None:
        raise ValueError("A muscle that was not tested (NT) has no strength rank.")
    return rank


def is_weak(grade: MrcGrade | str, *, threshold: MrcGrade | str = DEFAULT_WEAKNESS_THRESHOLD) -> bool:
    """True when the grade ranks at or below ``threshold`` (default 4, per 1.4); NT is never evidence of weakness.

    ``grade`` may be the stored string (``"NT"``) as well as the enum: a saved row hands over the string.
    """
    grade = mrc_grade(grade)
    if grade == MrcGrade.NOT_TESTED:
        return False
    return mrc_rank(grade) <= mrc_rank(mrc_grade(threshold))


def mrc_out_of_five(grade: MrcGrade | str) -> str:
    """A grade as clinicians write it, ``"4-/5"``; "not tested" for NT."""
    grade = mrc_grade(grade)
    return "not tested" if grade == MrcGrade.NOT_TESTED else f"{grade.value}/5"


def weaker_of(left: MrcGrade | str, right: MrcGrade | str) -> str | None:
    """``"L"`` or ``"R"``, whichever side ranks lower on 3.2's fixed order; None when they rank the same or a side
    was not tested (NT ranks nowhere, so it is neither weaker nor stronger)."""
    left, right = mrc_grade(left), mrc_grade(right)
    if MrcGrade.NOT_TESTED in (left, right) or left == right:
        return None
    return "L" if mrc_rank(left) < mrc_rank(right) else "R"


# --- Grip strength by hand-held dynamometer ------------------------------------------------------------------------
# clinical-reference.md gives no grip protocol, norms or number of trials: one value per side is recorded, in kg,
# and the bounds below are the form's plausibility range, a clinic default rather than a clinical rule.

GRIP_KG_MIN = Decimal("0")
GRIP_KG_MAX = Decimal("100")


@dataclass(frozen=True)
class GripDifference:
    """Left against right: the weaker side, by how many kilograms, and that as a percentage of the stronger side."""

    weaker_side: str | None  # "L" or "R"; None when both sides are equal
    kilograms: Decimal
    percent: int  # rounded; 0 when equal


def grip_difference(left_kg: Decimal, right_kg: Decimal) -> GripDifference:
    """The side difference of two grip measurements (kg); ValueError when one is outside 0-100 kg."""
    for value in (left_kg, right_kg):
        if not GRIP_KG_MIN <= value <= GRIP_KG_MAX:
            raise ValueError(f"Grip strength goes from {GRIP_KG_MIN} to {GRIP_KG_MAX} kg, got {value!r}.")
    if left_kg == right_kg:
        return GripDifference(None, Decimal("0"), 0)
    stronger, weaker = max(left_kg, right_kg), min(left_kg, right_kg)
    difference = stronger - weaker
    percent = int((difference / stronger * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    return GripDifference("L" if left_kg < right_kg else "R", difference, percent)


# --- 3.3 Sensory scoring (ISNCSCI style) [N2][N1] ------------------------------------------------------------------


class SensoryScore(StrEnum):
    """Appendix A ``sensory_scores``."""

    ABSENT = "0"
    IMPAIRED = "1"
    NORMAL = "2"
    NOT_TESTABLE = "NT"


class SensoryModality(StrEnum):
    """Scored separately at each key sensory point on each side [N2][N1]."""

    LIGHT_TOUCH = "light_touch"
    PINPRICK = "pinprick"

    @property
    def label(self) -> str:
        return SENSORY_MODALITY_LABELS[self]


SENSORY_MODALITY_LABELS: Mapping[SensoryModality, str] = MappingProxyType(
    {SensoryModality.LIGHT_TOUCH: "Light touch", SensoryModality.PINPRICK: "Pinprick"}
)


@dataclass(frozen=True)
class SensoryFinding:
    """A score plus the optional Gunn ``hyper`` qualifier (3.3, *proposed*).

    Hyperaesthesia scores 1 (impaired) in ISNCSCI usage, so ``hyper`` is only accepted with score 1.
    """

    score: SensoryScore
    is_hyper: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "score", SensoryScore(self.score))
        if self.is_hyper and self.score is not SensoryScore.IMPAIRED:
            raise ValueError("The 'hyper' qualifier goes with sensory score 1 (impaired), the ISNCSCI score for it.")

    @property
    def is_abnormal(self) -> bool:
        return self.score in (SensoryScore.ABSENT, SensoryScore.IMPAIRED)


# --- 3.4 Pain intensity: NPRS [O5][O6][O7] -----------------------------------------------------------------------

NPRS_MIN, NPRS_MAX = 0, 10


@dataclass(frozen=True)
class ChangeThreshold:
    """A published minimal clinically important change, with the population it was measured in."""

    value: float
    unit: str
    population: str
    sources: tuple[str, ...]
    high: float | None = None  # upper end when the source gives a range
    is_verified: bool = True


NPRS_MCIDS: tuple[ChangeThreshold, ...] = (
    ChangeThreshold(1, "points", "Chronic musculoskeletal pain, 'slightly better' (Salaffi 2004); or 15%", ("O6",)),
    ChangeThreshold(2, "points", "Chronic musculoskeletal pain, 'much better' (Salaffi 2004); or 33%", ("O6",)),
    ChangeThreshold(2, "points", "Specific back pain, overall", ("O6",)),
    ChangeThreshold(1.5, "points", "Physiotherapy outpatients, small to large change (JOSPT 2014)", ("O5",), 3.5),
    ChangeThreshold(1.65, "points", "Emergency department", ("O7",)),
)
# The change the progress page and the chart read as clinically important: 2 points, "much better" (Salaffi 2004).
NPRS_DEFAULT_MCID = NPRS_MCIDS[1].value


def validate_nprs(score: object) -> int:
    """The score as an int if it is a whole number 0-10 [O6]; ValueError otherwise."""
    if isinstance(score, bool) or not isinstance(score, int) or not NPRS_MIN <= score <= NPRS_MAX:
        raise ValueError(f"NPRS must be a whole number from 0 (no pain) to 10 (worst imaginable), got {score!r}.")
    return score


@dataclass(frozen=True)
class PainChange:
    """Change in a pain score; ``improvement`` is positive when pain went down."""

    improvement: float
    percent_improvement: float | None  # None when the baseline is 0
    mcid: float
    is_important_improvement: bool
    is_important_worsening: bool


def nprs_change(baseline: int, follow_up: int, *, mcid: float = NPRS_DEFAULT_MCID) -> PainChange:
    """Points and percentage of improvement between two NPRS scores, compared with an MCID (one of ``NPRS_MCIDS``)."""
    before, after = validate_nprs(baseline), validate_nprs(follow_up)
    improvement = before - after
    percent = None if before == 0 else improvement / before * 100
    return PainChange(improvement, percent, mcid, improvement >= mcid, -improvement >= mcid)
