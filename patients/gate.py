"""The patient-level half of the needling gate: is this patient clear for needling today, and if not, why.

Pure Python (no Django): `patients.safety_state` loads a `PatientSafetyState` for any number of patients in a fixed
number of queries; `assessments.site_gate` composes the answer with a planned site. Every page that shows readiness
and every service that saves a needled site reads this answer and no other (ARCHITECTURE.md, "The safety gate").
Reasons are in words for staff; the rule each comes from is kept beside it for the record and the docs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from .safety_rules import BodyRegion, Flag, Severity

# The gate's own rules: bumped when what it holds or allows changes. A stored site keeps the version that decided it.
GATE_RULES_VERSION = "2026.2"


class QuestionnaireStatus(StrEnum):
    MISSING = "missing"
    CURRENT = "current"
    EXPIRING = "expiring"  # within the warning window of the validity limit
    EXPIRED = "expired"


class ConsentStatus(StrEnum):
    MISSING = "missing"
    WITHDRAWN = "withdrawn"
    IN_FORCE = "in_force"


class RecheckStatus(StrEnum):
    """The visit's re-check (5.6, R35): asked before the first site of each session."""

    DUE = "due"  # not recorded at today's visit yet
    NO_CHANGE = "no_change"
    CHANGES_RECORDED = "changes_recorded"  # the questionnaire was amended; its new flags are handled as at review
    AWAITING_QUESTIONNAIRE = "awaiting_questionnaire"  # a new questionnaire was sent and is not in yet


class ReasonKind(StrEnum):
    ARCHIVED = "archived"
    QUESTIONNAIRE = "questionnaire"
    FLAGS = "flags"
    PATIENT_HOLD = "patient_hold"
    CONSENT = "consent"
    RECHECK = "recheck"
    CONSENT_SCOPE = "consent_scope"
    SITE = "site"


@dataclass(frozen=True)
class Reason:
    """One reason of a decision, in words; `rule` names where it comes from (the reference's section or rule)."""

    text: str
    rule: str
    kind: ReasonKind
    region: BodyRegion | None = None  # for a consent-scope hold: the region the consent lacks


@dataclass(frozen=True)
class FlagState:
    flag: Flag
    is_acknowledged: bool


@dataclass(frozen=True)
class ConsentScope:
    """The regions of the consent in force with its extensions, and those where needling beside the spine is
    covered too (7.2 element 10)."""

    regions: frozenset[BodyRegion]
    paraspinal_regions: frozenset[BodyRegion]

    def covers(self, region: BodyRegion, *, is_paraspinal: bool) -> bool:
        return region in (self.paraspinal_regions if is_paraspinal else self.regions)


@dataclass(frozen=True)
class PatientSafetyState:
    """What the gate reads about a patient, as loaded once per page."""

    is_archived: bool = False
    questionnaire_on: date | None = None  # the day the patient answered the current questionnaire
    flags: tuple[FlagState, ...] = ()  # the current questionnaire's flags
    consent: ConsentScope | None = None  # None: no consent in force
    consent_withdrawn_on: date | None = None  # when none is in force and the latest was withdrawn
    recheck: RecheckStatus = RecheckStatus.DUE


@dataclass(frozen=True)
class GateSettings:
    questionnaire_valid_days: int = 90  # R35's clinic limit
    expiring_within_days: int = 7  # readiness warns this long before the limit


@dataclass(frozen=True)
class PatientDecision:
    """The patient-level answer: held (every reason), or clear with any cautions."""

    holds: tuple[Reason, ...]
    cautions: tuple[Reason, ...]
    questionnaire: QuestionnaireStatus
    questionnaire_on: date | None
    questionnaire_expires_on: date | None
    flags_to_acknowledge: tuple[Flag, ...]
    consent: ConsentStatus
    recheck: RecheckStatus
    flags_in_force: tuple[Flag, ...]  # what the site half applies: resolved patient-wide holds left out
    consent_scope: ConsentScope | None
    rules_version: str = GATE_RULES_VERSION
    highest_severity: Severity | None = field(default=None)

    @property
    def is_clear(self) -> bool:
        return not self.holds


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def _flag_titles(flags: Iterable[Flag]) -> str:
    return "; ".join(dict.fromkeys(flag.definition.title for flag in flags))


def patient_decision(
    state: PatientSafetyState, *, today: date, settings: GateSettings = GateSettings()
) -> PatientDecision:
    """May this patient be needled today (5.5, 5.7 R35, 7.2), and if not, every reason why."""
    holds: list[Reason] = []
    cautions: list[Reason] = []
    if state.is_archived:
        holds.append(Reason("The patient is archived.", "records", ReasonKind.ARCHIVED))

    expires_on = None
    if state.questionnaire_on is None:
        questionnaire = QuestionnaireStatus.MISSING
        holds.append(
            Reason(
                "No safety questionnaire has been completed: send the patient the link.",
                "5.5",
                ReasonKind.QUESTIONNAIRE,
            )
        )
    else:
        expires_on = state.questionnaire_on + timedelta(days=settings.questionnaire_valid_days)
        age = (today - state.questionnaire_on).days
        if today > expires_on:
            questionnaire = QuestionnaireStatus.EXPIRED
            holds.append(
                Reason(
                    f"The safety questionnaire of {_day(state.questionnaire_on)} is {age} days old, past the "
                    f"clinic's limit of {settings.questionnaire_valid_days} days: a new one is needed before "
                    "needling.",
                    "5.7 R35",
                    ReasonKind.QUESTIONNAIRE,
                )
            )
        elif (expires_on - today).days <= settings.expiring_within_days:
            questionnaire = QuestionnaireStatus.EXPIRING
            left = (expires_on - today).days
            cautions.append(
                Reason(
                    f"The safety questionnaire expires {'today' if left == 0 else 'in ' + _plural(left, 'day')} "
                    f"({_day(expires_on)}): send a new link.",
                    "5.7 R35",
                    ReasonKind.QUESTIONNAIRE,
                )
            )
        else:
            questionnaire = QuestionnaireStatus.CURRENT

    open_flags = tuple(
        item.flag for item in state.flags if not item.is_acknowledged and item.flag.severity is not Severity.INFO
    )
    patient_holds = [flag for flag in open_flags if flag.severity is Severity.HOLD]
    if patient_holds:
        holds.append(
            Reason(
                f"Needling is on hold: {_flag_titles(patient_holds)}. Record the resolution at the questionnaire's "
                "review before any needling.",
                "5.5",
                ReasonKind.PATIENT_HOLD,
            )
        )
    others = [flag for flag in open_flags if flag.severity is not Severity.HOLD]
    if others:
        holds.append(
            Reason(
                f"{_plural(len(others), 'safety flag')} to acknowledge: {_flag_titles(others)}.",
                "5.5",
                ReasonKind.FLAGS,
            )
        )

    if state.consent is not None:
        consent = ConsentStatus.IN_FORCE
    elif state.consent_withdrawn_on is not None:
        consent = ConsentStatus.WITHDRAWN
        holds.append(
            Reason(
                f"The patient withdrew their consent to IMS on {_day(state.consent_withdrawn_on)}: record a new "
                "consent before needling.",
                "7.1",
                ReasonKind.CONSENT,
            )
        )
    else:
        consent = ConsentStatus.MISSING
        holds.append(Reason("There is no consent to IMS on file: record it first.", "7.1", ReasonKind.CONSENT))

    if state.recheck is RecheckStatus.DUE and state.questionnaire_on is not None:
        holds.append(
            Reason(
                f"Ask the visit's re-check first: since the questionnaire of {_day(state.questionnaire_on)}, any "
                "new or stopped medicine, illness, operation, pregnancy or bleeding problem?",
                "5.6, 5.7 R35",
                ReasonKind.RECHECK,
            )
        )
    elif state.recheck is RecheckStatus.AWAITING_QUESTIONNAIRE:
        holds.append(
            Reason(
                "A new safety questionnaire was sent at the re-check: needling waits until the patient has "
                "completed it.",
                "5.6, 5.7 R35",
                ReasonKind.RECHECK,
            )
        )

    # A patient-wide HOLD acknowledged with its resolution no longer holds (5.5); every other flag still shapes sites.
    in_force = tuple(
        item.flag for item in state.flags if not (item.flag.severity is Severity.HOLD and item.is_acknowledged)
    )
    severities = [item.flag.severity for item in state.flags if item.flag.severity is not Severity.INFO]
    return PatientDecision(
        holds=tuple(holds),
        cautions=tuple(cautions),
        questionnaire=questionnaire,
        questionnaire_on=state.questionnaire_on,
        questionnaire_expires_on=expires_on,
        flags_to_acknowledge=open_flags,
        consent=consent,
        recheck=state.recheck,
        flags_in_force=in_force,
        consent_scope=state.consent,
        highest_severity=max(severities, key=lambda severity: severity.rank) if severities else None,
    )
