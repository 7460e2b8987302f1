"""The deterministic rules R01-R36 of 5.7, run in order on the applicable answers."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .answers import _as_choices, _as_date, _as_number, _as_range, _is_empty, _today
from .constants import NONE_OF_THESE, NOT_SURE, OTHER, YES
from .flags import FLAG_DEFINITION_BY_CODE, Evaluation, Flag, FlagCode
from .medicines import ConditionCode, DrugClass, find_conditions, find_medications
from .questions import (
    CONDITION_TEXT_FIELDS,
    MEDICATION_TEXT_FIELDS,
    QUESTION_BY_CODE,
    QUESTIONS,
    AnswerType,
    visible_questions,
)
from .regions import LYMPHOEDEMA_QUADRANTS, PREGNANCY_AREAS, AffectedArea
from .severity import DEFAULT_SETTINGS, SafetySettings, Severity, highest_severity


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


@dataclass(frozen=True)
class _Screen:
    """What every rule reads: the applicable answers, the medicines and conditions found in them, and the day."""

    answers: Mapping[str, object]  # as given, including answers to questions that do not apply
    shown: frozenset[str]  # codes of the questions that apply
    read: _Answers  # the answers to the questions that apply
    medications: tuple[_Evidence, ...]
    conditions: Mapping[ConditionCode, str]
    settings: SafetySettings
    day: date

    def evidence(self, *classes: DrugClass) -> tuple[_Evidence, ...]:
        return tuple(item for item in self.medications if item.drug_class in classes)

    @property
    def anticoagulants(self) -> tuple[_Evidence, ...]:
        return self.evidence(*_ANTICOAGULANT_CLASSES)

    @property
    def antiplatelets(self) -> tuple[_Evidence, ...]:
        return self.evidence(*_ANTIPLATELET_CLASSES)

    @property
    def nsaids(self) -> tuple[_Evidence, ...]:
        return self.evidence(DrugClass.NSAID)

    @property
    def ssris(self) -> tuple[_Evidence, ...]:
        return self.evidence(DrugClass.SSRI_SNRI)


def _flag(
    code: FlagCode,
    reason: str,
    severity: Severity | None = None,
    *,
    site_severity: Severity | None = None,
    areas: tuple[AffectedArea, ...] = (),
    site_tags: tuple[str, ...] = (),
    location_note: str = "",
) -> Flag:
    """A flag at the definition's usual severity unless the rule gives another."""
    severity = severity or FLAG_DEFINITION_BY_CODE[code].severity
    return Flag(code, severity, reason, site_severity, areas, site_tags, location_note)


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
    shown = frozenset(question.code for question in visible_questions(answers))
    read = _Answers({code: value for code, value in answers.items() if code in shown})
    screen = _Screen(
        answers=answers,
        shown=shown,
        read=read,
        medications=_collect_medications(read),
        conditions=_mentioned_conditions(read),
        settings=settings,
        day=_today(today),
    )
    flags = (
        *_anticoagulant_flags(screen),
        *_other_medicine_flags(screen),
        *_bleeding_condition_flags(screen),
        *_unclear_answer_flags(screen),
        *_site_flags(screen),
        *_needle_reaction_flags(screen),
        *_screening_flags(screen, submitted_on=submitted_on, has_changed_since_screening=has_changed_since_screening),
    )
    return Evaluation(flags=flags, risk_level=highest_severity(flag.severity for flag in flags))


def _anticoagulant_flags(screen: _Screen) -> Iterator[Flag]:
    """R01-R04: anticoagulants, an unsure answer about them, and warfarin's INR."""
    read, settings, day = screen.read, screen.settings, screen.day
    anticoagulants = screen.anticoagulants
    vitamin_k_antagonists = screen.evidence(DrugClass.VITAMIN_K_ANTAGONIST)
    a1 = read.choice("A1")

    # R01: a Yes to A1, or any anticoagulant named anywhere (a named drug outweighs an unsure A1).
    if a1 == YES or anticoagulants:
        reasons = ([read.describe("A1")] if a1 == YES else []) + [item.description for item in anticoagulants]
        yield _flag(FlagCode.BLEED_ANTICOAGULANT, "; ".join(dict.fromkeys(reasons)))

    # R02
    if "unknown" in read.choices("A2") or (a1 == NOT_SURE and not anticoagulants):
        described = read.describe("A2", only=["unknown"]) if "unknown" in read.choices("A2") else read.describe("A1")
        yield _flag(FlagCode.BLEED_ANTICOAG_UNKNOWN, described)

    # R03, R04: warfarin (or another vitamin K antagonist) and its INR.
    if vitamin_k_antagonists:
        inr = _as_number(read.values.get("A3"))
        tested_on = _as_date(read.values.get("A4"))
        if inr is None:
            yield _flag(FlagCode.INR_UNKNOWN_OR_STALE, f"{_join(vitamin_k_antagonists)}; {read.describe('A3')}")
        elif tested_on is None:
            yield _flag(FlagCode.INR_UNKNOWN_OR_STALE, f"{read.describe('A3')}; {read.describe('A4')}")
        elif (day - tested_on).days > settings.inr_max_age_days:
            yield _flag(
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
                yield _flag(FlagCode.INR_ABOVE_RANGE, f"{read.describe('A3')} is above {limit_source}")


def _other_medicine_flags(screen: _Screen) -> Iterator[Flag]:
    """R05-R10: antiplatelets, combined antithrombotics, NSAIDs, SSRIs/SNRIs and supplements."""
    anticoagulants, antiplatelets, nsaids, ssris = (
        screen.anticoagulants,
        screen.antiplatelets,
        screen.nsaids,
        screen.ssris,
    )

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
        yield _flag(FlagCode.BLEED_COMBINED, f"{label}: {_join(combined)}")
    elif antiplatelets and not anticoagulants:
        yield _flag(FlagCode.BLEED_ANTIPLATELET, _join(antiplatelets))

    # R07: NSAID without an A/B drug; MODERATE when an SSRI/SNRI is also taken (5.2).
    if nsaids and not anticoagulants and not antiplatelets:
        if ssris:
            yield _flag(
                FlagCode.BLEED_NSAID,
                f"{_join(nsaids)}; together with an SSRI/SNRI ({_join(ssris)})",
                Severity.MODERATE,
            )
        else:
            yield _flag(FlagCode.BLEED_NSAID, _join(nsaids))

    # R08
    if ssris and not anticoagulants and not antiplatelets and not nsaids:
        yield _flag(FlagCode.BLEED_SSRI, _join(ssris))

    # R09, R10: supplements.
    high_risk = screen.evidence(DrugClass.SUPPLEMENT_HIGH_RISK)
    other_supplements = screen.evidence(DrugClass.SUPPLEMENT_MODERATE_EVIDENCE, DrugClass.SUPPLEMENT_NO_RISK)
    if high_risk:
        if anticoagulants or antiplatelets:
            yield _flag(
                FlagCode.BLEED_SUPPLEMENT,
                f"{_join(high_risk)}; with an anticoagulant or antiplatelet",
                Severity.MODERATE,
            )
        else:
            yield _flag(FlagCode.BLEED_SUPPLEMENT, _join(high_risk))
    elif other_supplements:
        moderate_evidence = screen.evidence(DrugClass.SUPPLEMENT_MODERATE_EVIDENCE)
        if moderate_evidence and anticoagulants:
            yield _flag(FlagCode.SUPPLEMENT_NOTE, f"{_join(other_supplements)}; with an anticoagulant", Severity.LOW)
        else:
            yield _flag(FlagCode.SUPPLEMENT_NOTE, _join(other_supplements))


def _bleeding_condition_flags(screen: _Screen) -> Iterator[Flag]:
    """R11-R17: bleeding disorders, marrow and immune causes, liver and kidney disease, and bleeding history."""
    read, conditions, settings, day = screen.read, screen.conditions, screen.settings, screen.day

    # R11
    disorders = [conditions[c] for c in (ConditionCode.HAEMOPHILIA, ConditionCode.VON_WILLEBRAND) if c in conditions]
    if disorders:
        yield _flag(FlagCode.BLEED_DISORDER, "; ".join(disorders))

    # R12
    marrow = [conditions[c] for c in (ConditionCode.LOW_PLATELETS, ConditionCode.BLOOD_CANCER) if c in conditions]
    marrow += [item.description for item in screen.evidence(DrugClass.CHEMOTHERAPY_IMMUNOSUPPRESSANT)]
    if marrow:
        reason = "; ".join(dict.fromkeys(marrow))
        blood_count_on = _as_date(read.values.get("G3"))
        if blood_count_on is not None:
            reason += f"; {read.describe('G3')}"
        limit_days = settings.blood_count_max_age_days
        if limit_days is not None and (blood_count_on is None or (day - blood_count_on).days > limit_days):
            reason += f"; no blood count within the clinic limit of {limit_days} days"
        yield _flag(FlagCode.MARROW_OR_IMMUNE, reason)

    # R13: liver disease, HIGH when cirrhosis is named (5.3).
    if ConditionCode.CIRRHOSIS in conditions:
        liver = [conditions[c] for c in (ConditionCode.LIVER_DISEASE, ConditionCode.CIRRHOSIS) if c in conditions]
        yield _flag(FlagCode.BLEED_LIVER, "; ".join(liver), Severity.HIGH)
    elif ConditionCode.LIVER_DISEASE in conditions:
        yield _flag(FlagCode.BLEED_LIVER, conditions[ConditionCode.LIVER_DISEASE])

    # R14
    if ConditionCode.KIDNEY_DISEASE in conditions:
        yield _flag(FlagCode.BLEED_RENAL, conditions[ConditionCode.KIDNEY_DISEASE])

    # R15, R16
    bleeding_signs = [code for code in ("F1", "F2", "F3") if read.is_yes(code)]
    if len(bleeding_signs) >= 2 or read.is_yes("F3"):
        yield _flag(FlagCode.BLEED_HISTORY, "; ".join(read.describe(code) for code in bleeding_signs))
    elif len(bleeding_signs) == 1:
        yield _flag(FlagCode.BLEED_HISTORY_MINOR, read.describe(bleeding_signs[0]))

    # R17: a not-sure family history stays at INFO rather than becoming a CLARIFY.
    if read.choice("F4") in (YES, NOT_SURE):
        yield _flag(FlagCode.FAMILY_BLEEDING, read.describe("F4"))


def _unclear_answer_flags(screen: _Screen) -> Iterator[Flag]:
    """R18: every not-sure or missing answer that no other rule handles (5.7: never treated as No)."""
    read, shown = screen.read, screen.shown
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
        yield _flag(FlagCode.SCREEN_INCOMPLETE, "; ".join(unclear))


def _site_flags(screen: _Screen) -> Iterator[Flag]:
    """R19-R31: pregnancy, lymphoedema, allergies, implants, epilepsy, diabetes, the heart, surgery, thorax, skin."""
    read = screen.read

    # R19
    if read.choice("H1") in (YES, "possibly"):
        yield _flag(FlagCode.PREGNANCY, read.describe("H1"), site_severity=Severity.HOLD, areas=PREGNANCY_AREAS)

    # R20, R21: lymphoedema; a typed "other" location is kept for the clinician to map.
    h2 = read.choice("H2")
    where = read.choices("H2_WHERE")
    limbs = tuple(area for option, quadrant in LYMPHOEDEMA_QUADRANTS.items() if option in where for area in quadrant)
    other_location = read.text("H2_OTHER") if OTHER in where else ""
    if h2 == YES and (limbs or other_location):
        yield _flag(
            FlagCode.LYMPHOEDEMA_SITE,
            "; ".join(filter(None, [read.describe("H2_WHERE"), other_location and read.describe("H2_OTHER")])),
            site_severity=Severity.HOLD,
            areas=limbs,
            location_note=other_location,
        )
    elif h2 in (YES, NOT_SURE):
        yield _flag(
            FlagCode.LYMPHOEDEMA_UNSPECIFIED,
            read.describe("H2") + ("" if h2 == NOT_SURE else ", no location given"),
            site_severity=Severity.HOLD,
        )

    # R22, R23
    if "metal" in read.choices("H3"):
        yield _flag(FlagCode.METAL_ALLERGY, read.describe("H3", only=["metal"]))
    if "latex" in read.choices("H3"):
        yield _flag(FlagCode.LATEX_ALLERGY, read.describe("H3", only=["latex"]))

    # R24
    implants = read.choices("H4") - {NONE_OF_THESE}
    if implants:
        details = [read.describe("H4")] + [read.describe(code) for code in ("H4_OTHER", "H4_WHERE") if read.text(code)]
        yield _flag(
            FlagCode.IMPLANT_SITE,
            "; ".join(details),
            site_severity=Severity.HOLD,
            location_note=read.text("H4_WHERE"),
        )

    # R25
    if read.is_yes("H5"):
        yield _flag(FlagCode.EPILEPSY, read.describe("H5"))

    # R26, R27
    if read.is_yes("H6"):
        if read.choice("H6_CONTROL") == YES:
            yield _flag(FlagCode.DIABETES, read.describe("H6_CONTROL"))
        else:
            yield _flag(FlagCode.DIABETES_UNCONTROLLED, f"{read.describe('H6')}; {read.describe('H6_CONTROL')}")

    # R28
    if read.is_yes("H7"):
        yield _flag(FlagCode.CARDIAC_VALVE_OR_SURGERY, read.describe("H7"))

    # R29: MODERATE plus a review of sites in the operated region.
    if read.is_yes("H8"):
        details = [read.describe("H8")] + ([read.describe("H8_WHERE")] if read.text("H8_WHERE") else [])
        yield _flag(
            FlagCode.RECENT_SURGERY,
            "; ".join(details),
            site_severity=Severity.MODERATE,
            location_note=read.text("H8_WHERE"),
        )

    # R30: INFO for the patient, HIGH at THORAX-tagged sites.
    if read.is_yes("H9"):
        yield _flag(FlagCode.THORAX_RISK, read.describe("H9"), site_severity=Severity.HIGH, site_tags=("THORAX",))

    # R31
    if read.is_yes("H10"):
        details = [read.describe("H10")] + ([read.describe("H10_WHERE")] if read.text("H10_WHERE") else [])
        yield _flag(
            FlagCode.SKIN_SITE,
            "; ".join(details),
            site_severity=Severity.HOLD,
            location_note=read.text("H10_WHERE"),
        )


def _needle_reaction_flags(screen: _Screen) -> Iterator[Flag]:
    """R32-R34: fear of needles, fainting, and an earlier reaction to needling."""
    read = screen.read

    # R32, R33: "Both" means very afraid and fainted before, so it raises both flags.
    h11 = read.choice("H11")
    if h11 in ("very_afraid", "both"):
        yield _flag(FlagCode.NEEDLE_PHOBIA, read.describe("H11"))
    if h11 in ("fainted_before", "both"):
        yield _flag(FlagCode.VASOVAGAL, read.describe("H11"))

    # R34
    if read.is_yes("H12"):
        details = [read.describe("H12")] + ([read.describe("H12_DETAILS")] if read.text("H12_DETAILS") else [])
        yield _flag(FlagCode.PRIOR_REACTION, "; ".join(details))


def _screening_flags(
    screen: _Screen, *, submitted_on: date | None, has_changed_since_screening: bool
) -> Iterator[Flag]:
    """R35-R36: answers too old or overtaken by a change, and answers not confirmed."""
    read, answers, settings, day = screen.read, screen.answers, screen.settings, screen.day

    # R35
    answered_on = submitted_on or day
    age_days = (day - answered_on).days
    stale = []
    if age_days > settings.answers_valid_days:
        stale.append(f"answers are {age_days} days old, older than the clinic limit of {settings.answers_valid_days}")
    if has_changed_since_screening:
        stale.append('the clinician recorded "Yes" to any change since the questionnaire')
    if stale:
        yield _flag(FlagCode.SCREEN_STALE, "; ".join(stale))

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
        yield _flag(FlagCode.SCREEN_UNCONFIRMED, "Z1: " + ", ".join(missing_parts))
