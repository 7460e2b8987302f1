"""Severities and risk levels (5.5), and the clinic's thresholds with their documented defaults."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

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
    def label(self) -> str:
        """The severity in words, as staff pages and exports show it."""
        return _SEVERITY_LABEL[self]

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

    @property
    def needs_real_answer(self) -> bool:
        """5.5: a CLARIFY is acknowledged with the real answer, as the patient gives it to the clinician."""
        return self is Severity.CLARIFY

    @property
    def note_prompt(self) -> str:
        """What the acknowledgement's note must record; empty when a note is optional (5.5)."""
        return _NOTE_PROMPTS.get(self, "")


# 5.5: the severities acknowledged only with a note (the database holds the same rule as a named constraint).
NOTE_REQUIRED_SEVERITIES: tuple[Severity, ...] = (Severity.HOLD, Severity.HIGH, Severity.CLARIFY)

_NOTE_PROMPTS = {
    Severity.HOLD: "Record the resolution: why needling may now go ahead, or what stays on hold.",
    Severity.HIGH: "Record the management plan for this flag.",
    Severity.CLARIFY: "Record the real answer, as the patient told you.",
}


_SEVERITY_RANK = {
    Severity.INFO: 1,
    Severity.LOW: 2,
    Severity.MODERATE: 3,
    Severity.CLARIFY: 4,
    Severity.HIGH: 5,
    Severity.HOLD: 6,
}

_SEVERITY_LABEL = {
    Severity.HOLD: "Hold",
    Severity.HIGH: "High",
    Severity.CLARIFY: "Clarify",
    Severity.MODERATE: "Moderate",
    Severity.LOW: "Low",
    Severity.INFO: "Information",
}

# Model field choices, highest severity first.
SEVERITY_CHOICES: tuple[tuple[str, str], ...] = tuple(
    (severity.value, severity.label) for severity in sorted(Severity, key=lambda severity: severity.rank, reverse=True)
)

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
