"""The questionnaire (5.6): its sections, questions and wording, and which questions apply given the answers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from .answers import _as_choices
from .constants import DONT_KNOW, NO, NONE_OF_THESE, NOT_SURE, OTHER, YES


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
