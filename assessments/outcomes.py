"""Outcome questionnaires: structure, scoring and change thresholds (clinical-reference.md section 4, Appendix A).

Plain data and pure functions with no Django import. No item wording is reproduced: the
instruments are copyrighted and some need a licence for software use (the ODI through
Mapi Research Trust, with fees possible for IT companies [O2]); item text comes from a
licensed copy the clinic loads itself. Only item numbers and response values are handled
here. Bad input raises ValueError with a message fit for a form. Bracketed IDs are the
reference's source IDs. Section 4 gives no LOINC codes, so every ``loinc`` is None.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from assessments.scales import ChangeThreshold

SCORING_VERSION = "2026.1"  # saved with each computed score (section 4 app notes)
RULES_VERSION = SCORING_VERSION


class InstrumentCode(StrEnum):
    """Appendix A ``questionnaires`` keys."""

    NDI = "NDI"
    ODI = "ODI"
    QUICKDASH = "QuickDASH"
    LEFS = "LEFS"
    PSFS = "PSFS"


class Direction(StrEnum):
    HIGHER_IS_WORSE = "higher_is_worse"
    HIGHER_IS_BETTER = "higher_is_better"


@dataclass(frozen=True)
class ScoreBand:
    """An interpretation band: scores above the previous band's ``upper`` up to this ``upper`` (None: no limit)."""

    name: str
    upper: float | None


@dataclass(frozen=True)
class Instrument:
    code: InstrumentCode
    name: str
    region: str
    min_items: int
    max_items: int
    item_min: int
    item_max: int
    score_min: float
    score_max: float
    score_unit: str
    direction: Direction
    scoring: str
    missing_items: str
    bands: tuple[ScoreBand, ...]
    bands_are_verified: bool
    change_thresholds: tuple[ChangeThreshold, ...]
    default_mcid: float  # the MCID the app compares against unless the clinic picks another
    sources: tuple[str, ...]
    loinc: str | None = None  # section 4 gives none
    note: str = ""


def _t(value: float, unit: str, population: str, *sources: str, high: float | None = None,
       is_verified: bool = True) -> ChangeThreshold:  # fmt: skip
    return ChangeThreshold(value, unit, population, sources, high, is_verified)


NDI = Instrument(
    code=InstrumentCode.NDI,
    name="Neck Disability Index (Vernon 1991, adapted from the ODI)",
    region="Neck",
    min_items=10,
    max_items=10,
    item_min=0,
    item_max=5,
    score_min=0,
    score_max=50,
    score_unit="points out of 50",
    direction=Direction.HIGHER_IS_WORSE,
    scoring="Sum of items (0-50). Percentage = sum / (5 x items answered) x 100, which is raw x 2 when all are "
    "answered. With an item missing, the score out of 50 is the percentage / 2, the same as Vernon's "
    "alternative of adding the mean of the answered items.",
    missing_items="One missed item: denominator 45. Vernon's alternative is to add the mean of the answered items.",
    bands=(
        ScoreBand("none", 4),
        ScoreBand("mild", 14),
        ScoreBand("moderate", 24),
        ScoreBand("severe", 34),
        ScoreBand("complete", None),
    ),
    bands_are_verified=True,
    change_thresholds=(
        _t(7.5, "points /50", "MCID (15 %-points), Young 2009", "O1"),
        _t(10.2, "points /50", "MDC, Young 2009; so a 10-point change is recommended", "O1"),
        _t(5, "points /50", "Vernon", "O1"),
        _t(14, "points", "JOSPT 2014 MID, reported without a scale; probably the 0-100 version", "O5",
           is_verified=False),
    ),
    default_mcid=7.5,
    sources=("O1", "O5"),
    note="Check which scale (/50 or %) an MCID uses.",
)  # fmt: skip

ODI = Instrument(
    code=InstrumentCode.ODI,
    name="Oswestry Disability Index v2.1a (Fairbank)",
    region="Low back",
    min_items=10,
    max_items=10,
    item_min=0,
    item_max=5,
    score_min=0,
    score_max=100,
    score_unit="%",
    direction=Direction.HIGHER_IS_WORSE,
    scoring="% = sum / (5 x sections answered) x 100",
    missing_items="Each unanswered section reduces the denominator by 5.",
    bands=(
        ScoreBand("minimal", 20),
        ScoreBand("moderate", 40),
        ScoreBand("severe", 60),
        ScoreBand("crippled", 80),
        ScoreBand("bed-bound or exaggerating", None),
    ),
    bands_are_verified=True,
    change_thresholds=(
        _t(10, "%-points", "Published MCIDs (Copay 12.8)", "O2", high=12.8),
        _t(12, "%-points", "JOSPT 2014 MID", "O5"),
        _t(18, "% of baseline", "Reduction meaning a good outcome after spinal surgery (German ODI)", "O2"),
        _t(10, "%-points", "MDC (90%), about", "O2"),
    ),
    default_mcid=12,  # JOSPT 2014, measured in physiotherapy outpatients; inside the published 10-12.8
    sources=("O2", "O5"),
    note="Licensed through Mapi Research Trust: free for clinical practice, fees may apply to healthcare "
    "organisations, commercial users and IT companies [O2].",
)  # fmt: skip

QUICKDASH = Instrument(
    code=InstrumentCode.QUICKDASH,
    name="QuickDASH (IWH)",
    region="Upper limb",
    min_items=11,
    max_items=11,
    item_min=1,
    item_max=5,
    score_min=0,
    score_max=100,
    score_unit="points",
    direction=Direction.HIGHER_IS_WORSE,
    scoring="Score = (mean of answered items - 1) x 25, i.e. ((sum / n) - 1) x 25",
    missing_items="At least 10 of 11 items must be answered; otherwise no score.",
    bands=(),  # none official; see QUICKDASH_UNOFFICIAL_BANDS
    bands_are_verified=False,
    change_thresholds=(
        _t(14, "points", "MCID per ISSH (Sorensen 2013), 95% CI 9-20", "O3"),
        _t(15, "points", "Some calculators", "O3", is_verified=False),
    ),
    default_mcid=14,
    sources=("O3",),
    note="Optional 4-item Work and Sports/Performing Arts modules are scored separately; section 4 gives no "
    "formula for them, so they are not scored here. The full DASH MCID is 10.",
)  # fmt: skip

# "Some calculators use" these (section 4, unverified); not applied to QuickDASH scores by default.
QUICKDASH_UNOFFICIAL_BANDS: tuple[ScoreBand, ...] = (
    ScoreBand("minimal", 15),
    ScoreBand("mild", 30),
    ScoreBand("moderate", 45),
    ScoreBand("severe", None),
)

LEFS = Instrument(
    code=InstrumentCode.LEFS,
    name="Lower Extremity Functional Scale (Binkley 1999)",
    region="Lower limb",
    min_items=20,
    max_items=20,
    item_min=0,
    item_max=4,
    score_min=0,
    score_max=80,
    score_unit="points",
    direction=Direction.HIGHER_IS_BETTER,
    scoring="Sum of the items",
    missing_items="Not defined in the source (unverified); prorating is sometimes used. Every item is required "
    "here.",
    bands=(),
    bands_are_verified=False,
    change_thresholds=(
        _t(9, "points", "MCID (90% CI)", "O4"),
        _t(9, "points", "MDC (90% CI); error of a single score +/-5.3 points", "O4"),
        _t(9, "points", "JOSPT 2014 MID", "O5", high=16),
    ),
    default_mcid=9,
    sources=("O4", "O5"),
)  # fmt: skip

PSFS = Instrument(
    code=InstrumentCode.PSFS,
    name="Patient-Specific Functional Scale (Stratford 1995)",
    region="Any region",
    min_items=3,
    max_items=5,
    item_min=0,
    item_max=10,
    score_min=0,
    score_max=10,
    score_unit="points",
    direction=Direction.HIGHER_IS_BETTER,
    scoring="Mean of the activity ratings (each activity can also be tracked alone)",
    missing_items="Not applicable; the activities are chosen by the patient.",
    bands=(),
    bands_are_verified=False,
    change_thresholds=(
        _t(1.3, "points", "JOSPT 2014 MID, small change", "O5"),
        _t(2.3, "points", "JOSPT 2014 MID, medium change", "O5"),
        _t(2.7, "points", "JOSPT 2014 MID, large change", "O5"),
        _t(2, "points", "Commonly quoted, for the mean", is_verified=False),
        _t(3, "points", "Commonly quoted, for a single activity", is_verified=False),
    ),
    default_mcid=2.3,  # JOSPT medium change; close to the commonly quoted (unverified) 2 for the mean
    sources=("O5",),
    note="Store the patient's own activity text and keep the same activities at every re-administration; add an "
    "activity only as a new row.",
)  # fmt: skip

INSTRUMENTS: Mapping[InstrumentCode, Instrument] = MappingProxyType(
    {i.code: i for i in (NDI, ODI, QUICKDASH, LEFS, PSFS)}
)


def instrument(code: InstrumentCode | str) -> Instrument:
    """The instrument with this Appendix A code."""
    try:
        return INSTRUMENTS[InstrumentCode(code)]
    except ValueError:
        raise ValueError(f"Unknown instrument {code!r}; expected one of {', '.join(InstrumentCode)}.") from None


# --- Entry item by item ------------------------------------------------------------------------------------------
# Section 4 names the topics of the NDI's and the ODI's ten items; it gives no item text for any instrument and
# names no topic of the QuickDASH's 11 items or the LEFS's 20 activities, so those are entered by number from
# the clinic's own licensed copy of the form.

ITEM_TOPICS: Mapping[InstrumentCode, tuple[str, ...]] = MappingProxyType(
    {
        InstrumentCode.NDI: (
            "Pain intensity", "Personal care", "Lifting", "Reading", "Headaches", "Concentration", "Work",
            "Driving", "Sleeping", "Recreation",
        ),
        InstrumentCode.ODI: (
            "Pain", "Personal care", "Lifting", "Walking", "Sitting", "Standing", "Sleeping", "Sex life",
            "Social life", "Travelling",
        ),
        InstrumentCode.QUICKDASH: tuple(f"Item {number}" for number in range(1, 12)),
        InstrumentCode.LEFS: tuple(f"Activity {number}" for number in range(1, 21)),
        InstrumentCode.PSFS: tuple(f"Activity {number}" for number in range(1, 6)),
    }
)  # fmt: skip

# The words at the ends of each scale, as section 4 gives them; the values between are numbers only.
_ANCHORS: Mapping[InstrumentCode, tuple[str, str]] = MappingProxyType(
    {
        InstrumentCode.NDI: ("the first statement, least affected", "the last statement, most affected"),
        InstrumentCode.ODI: ("the first statement, least affected", "the last statement, most affected"),
        InstrumentCode.QUICKDASH: ("no difficulty", "unable or extreme"),
        InstrumentCode.LEFS: ("extreme difficulty or unable", "no difficulty"),
        InstrumentCode.PSFS: ("unable", "able to perform at the level before the injury"),
    }
)

ENTRY_NOTES: Mapping[InstrumentCode, str] = MappingProxyType(
    {
        InstrumentCode.NDI: "Ten sections of six statements each, scored 0 (first) to 5 (last). Score out of 50; "
        "one section may be left unanswered.",
        InstrumentCode.ODI: "Ten sections of six statements each, scored 0 (first) to 5 (last). Score in %; each "
        "unanswered section is left out of the total.",
        InstrumentCode.QUICKDASH: "Eleven items scored 1 to 5, in the order of the clinic's form. Score 0-100; at "
        "least 10 items must be answered.",
        InstrumentCode.LEFS: "Twenty activities scored 0 to 4, in the order of the clinic's form. Score out of 80; "
        "every activity must be answered.",
        InstrumentCode.PSFS: "Three to five activities the patient finds hard, in the patient's words, each rated 0 "
        "to 10. Keep the same activities at every visit.",
    }
)

# How many items may go unanswered and still give a score (section 4's missing-item rules).
MAX_MISSING: Mapping[InstrumentCode, int] = MappingProxyType(
    {
        InstrumentCode.NDI: 1,  # one missed item: denominator 45; the reference describes no more
        InstrumentCode.ODI: 9,  # each unanswered section reduces the denominator by 5; at least one answered
        InstrumentCode.QUICKDASH: 1,  # at least 10 of 11
        InstrumentCode.LEFS: 0,  # no rule in the source
        InstrumentCode.PSFS: 0,  # the patient's own activities: each one named is rated
    }
)

SHORT_NAMES: Mapping[InstrumentCode, str] = MappingProxyType(
    {
        InstrumentCode.NDI: "Neck Disability Index",
        InstrumentCode.ODI: "Oswestry Disability Index",
        InstrumentCode.QUICKDASH: "QuickDASH",
        InstrumentCode.LEFS: "Lower Extremity Functional Scale",
        InstrumentCode.PSFS: "Patient-Specific Functional Scale",
    }
)

# The region's instrument (section 4's "Region" column), by the body regions of the complaint
# (patients.safety_rules.BodyRegion values). The PSFS fits any region and is always offered.
REGION_INSTRUMENTS: Mapping[str, InstrumentCode] = MappingProxyType(
    {
        "head_neck": InstrumentCode.NDI,
        "lumbosacral": InstrumentCode.ODI,
        "upper_limb": InstrumentCode.QUICKDASH,
        "shoulder": InstrumentCode.QUICKDASH,  # the upper limb from the shoulder girdle down
        "lower_limb": InstrumentCode.LEFS,
        "buttock": InstrumentCode.LEFS,  # buttock and hip: the lower extremity
    }
)


def display_name(code: InstrumentCode | str) -> str:
    """The questionnaire's name on screens: its name, and its abbreviation when that differs."""
    spec = instrument(code)
    short = SHORT_NAMES[spec.code]
    return short if short == spec.code.value else f"{short} ({spec.code.value})"


def answer_choices(code: InstrumentCode | str) -> tuple[tuple[int, str], ...]:
    """Each answer of one item: its value, and the words at the two ends of the scale."""
    spec = instrument(code)
    low, high = _ANCHORS[spec.code]
    return tuple(
        (value, f"{value}: {low}" if value == spec.item_min else f"{value}: {high}" if value == spec.item_max
         else str(value))
        for value in range(spec.item_min, spec.item_max + 1)
    )  # fmt: skip


def instruments_for_regions(regions: Sequence[str]) -> tuple[InstrumentCode, ...]:
    """The instruments offered for a complaint's body regions: each region's own, in order, then the PSFS."""
    found: list[InstrumentCode] = []
    for region in regions:
        code = REGION_INSTRUMENTS.get(region)
        if code is not None and code not in found:
            found.append(code)
    return (*found, InstrumentCode.PSFS)


@dataclass(frozen=True)
class OutcomeScore:
    instrument: InstrumentCode
    score: float  # on the instrument's own scale (NDI: out of 50; ODI: %)
    raw_sum: int
    answered: int
    missing_items: tuple[int, ...]  # 1-based item numbers
    band: str | None
    scoring_version: str = SCORING_VERSION


def _responses(spec: Instrument, items: Sequence[int | None], *, allow_missing: bool) -> list[int | None]:
    if isinstance(items, str | bytes) or not isinstance(items, Sequence):
        raise ValueError(f"{spec.code} responses must be a list of item values.")
    count = len(items)
    if not spec.min_items <= count <= spec.max_items:
        expected = str(spec.min_items) if spec.min_items == spec.max_items else f"{spec.min_items}-{spec.max_items}"
        raise ValueError(f"{spec.code} has {expected} items, got {count}.")
    for number, value in enumerate(items, start=1):
        if value is None:
            if not allow_missing:
                raise ValueError(f"{spec.code} item {number} is missing; every item must be answered.")
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not spec.item_min <= value <= spec.item_max:
            raise ValueError(
                f"{spec.code} item {number} must be a whole number from {spec.item_min} to {spec.item_max}, "
                f"got {value!r}."
            )
    return list(items)


def band_for(score: float, bands: Sequence[ScoreBand]) -> str | None:
    """The band a score falls in (each band runs up to and including its ``upper``); None without bands."""
    for band in bands:
        if band.upper is None or score <= band.upper:
            return band.name
    return None


def _summed(spec: Instrument, items: Sequence[int | None], *, allow_missing: bool) -> tuple[int, int, tuple[int, ...]]:
    responses = _responses(spec, items, allow_missing=allow_missing)
    answered = [value for value in responses if value is not None]
    missing = tuple(number for number, value in enumerate(responses, start=1) if value is None)
    return sum(answered), len(answered), missing


def score_ndi(items: Sequence[int | None], *, max_missing: int = 1) -> OutcomeScore:
    """NDI out of 50 from 10 items scored 0-5 (None for a missed item) [O1].

    The percentage is sum / (5 x answered) x 100 and the score out of 50 is half of it, so one missed item gives a
    denominator of 45. The reference describes only the one-missed-item case, so by default a second missing item
    is refused; ``max_missing`` is the clinic's setting.
    """
    sum_, answered, missing = _summed(NDI, items, allow_missing=True)
    if len(missing) > max_missing:
        raise ValueError(f"NDI has {len(missing)} items missing; at most {max_missing} may be missing for a score.")
    if answered == 0:
        raise ValueError("NDI has no items answered.")
    score = sum_ * 10 / answered  # = sum / (5 x answered) x 50, without the rounding error
    return OutcomeScore(InstrumentCode.NDI, score, sum_, answered, missing, band_for(score, NDI.bands))


def score_odi(sections: Sequence[int | None]) -> OutcomeScore:
    """ODI % from 10 sections scored 0-5 (None for an unanswered section, which reduces the denominator by 5) [O2]."""
    sum_, answered, missing = _summed(ODI, sections, allow_missing=True)
    if answered == 0:
        raise ValueError("ODI has no sections answered.")
    score = sum_ * 20 / answered  # = sum / (5 x answered) x 100
    return OutcomeScore(InstrumentCode.ODI, score, sum_, answered, missing, band_for(score, ODI.bands))


def score_quickdash(items: Sequence[int | None]) -> OutcomeScore:
    """QuickDASH 0-100 from 11 items scored 1-5; at least 10 must be answered [O3]."""
    sum_, answered, missing = _summed(QUICKDASH, items, allow_missing=True)
    if answered < 10:
        raise ValueError(f"QuickDASH needs at least 10 of 11 items answered, got {answered}.")
    score = (sum_ / answered - 1) * 25
    return OutcomeScore(InstrumentCode.QUICKDASH, score, sum_, answered, missing, None)


def score_lefs(items: Sequence[int]) -> OutcomeScore:
    """LEFS 0-80, the sum of 20 items scored 0-4; every item is required (the source defines no missing rule)."""
    sum_, answered, missing = _summed(LEFS, items, allow_missing=False)
    return OutcomeScore(InstrumentCode.LEFS, float(sum_), sum_, answered, missing, None)


def score_psfs(ratings: Sequence[int]) -> OutcomeScore:
    """PSFS 0-10, the mean of 3-5 patient-chosen activities rated 0-10 [O5]."""
    sum_, answered, missing = _summed(PSFS, ratings, allow_missing=False)
    return OutcomeScore(InstrumentCode.PSFS, sum_ / answered, sum_, answered, missing, None)


SCORERS: Mapping[InstrumentCode, Callable[..., OutcomeScore]] = MappingProxyType(
    {
        InstrumentCode.NDI: score_ndi,
        InstrumentCode.ODI: score_odi,
        InstrumentCode.QUICKDASH: score_quickdash,
        InstrumentCode.LEFS: score_lefs,
        InstrumentCode.PSFS: score_psfs,
    }
)


@dataclass(frozen=True)
class ScoreChange:
    """Change from baseline; ``improvement`` is positive when the patient got better, whatever the direction."""

    instrument: InstrumentCode
    change: float  # follow-up minus baseline
    improvement: float
    mcid: float
    is_important_improvement: bool
    is_important_worsening: bool


def score_change(
    code: InstrumentCode | str, baseline: float, follow_up: float, *, mcid: float | None = None
) -> ScoreChange:
    """Compare two scores of one instrument against an MCID (the instrument's ``default_mcid`` unless given)."""
    spec = instrument(code)
    for label, value in (("baseline", baseline), ("follow-up", follow_up)):
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise ValueError(f"{spec.code} {label} score must be a number, got {value!r}.")
        if not spec.score_min <= value <= spec.score_max:
            raise ValueError(
                f"{spec.code} {label} score must be from {spec.score_min:g} to {spec.score_max:g}, got {value!r}."
            )
    threshold = spec.default_mcid if mcid is None else mcid
    if isinstance(threshold, bool) or not isinstance(threshold, int | float) or not threshold > 0:
        raise ValueError(f"MCID must be a positive number, got {threshold!r}.")
    change = follow_up - baseline
    improvement = -change if spec.direction is Direction.HIGHER_IS_WORSE else change
    return ScoreChange(spec.code, change, improvement, threshold, improvement >= threshold, -improvement >= threshold)
