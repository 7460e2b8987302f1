"""The patient's questionnaire pages as Django forms, built from the questions of patients.safety_rules (5.6).

Each page is one section. A form's cleaned data become answers in the rules module's shapes; the
rules module, not the form, decides what is required and valid, so the patient's page and the
submission check can never disagree.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from typing import Any, cast

from django import forms
from django.utils.translation import gettext, gettext_lazy

from accounts.dates import ClinicDateField, DatePickerInput

from . import safety_rules
from .languages import translate
from .safety_rules import AnswerType, Question, Section

# The patient's pages: sections with something to answer, in order, without the date-of-birth
# section (confirmed on its own page before any question) and the introduction.
PATIENT_SECTIONS: tuple[Section, ...] = tuple(
    section for section in safety_rules.SECTIONS if section.code not in {"start", "identity"}
)
SECTION_BY_CODE = {section.code: section for section in PATIENT_SECTIONS}
INTRODUCTION = safety_rules.QUESTION_BY_CODE["Q0_1"].text
TEXT_HARD_LIMIT = 5000


def visible_patient_sections(answers: dict[str, Any]) -> list[Section]:
    visible = {section.code for section in safety_rules.visible_sections(answers)}
    return [section for section in PATIENT_SECTIONS if section.code in visible]


class DateOfBirthForm(forms.Form):
    date_of_birth = ClinicDateField(
        label=gettext_lazy("Your date of birth"),
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}),
        error_messages={
            "required": gettext_lazy("Enter your date of birth."),
            "invalid": gettext_lazy("Enter your date of birth as year-month-day, for example 1980-03-12."),
            "date_out_of_range": gettext_lazy("Enter a date between 1 January 1900 and 31 December 2100."),
        },
    )


def _choices(question: Question) -> list[tuple[str, str]]:
    return [(option.code, translate(option.label)) for option in question.options]


def _field(question: Question) -> forms.Field | None:
    label = translate(question.text)
    common: dict[str, Any] = {"label": label, "required": False}
    match question.answer_type:
        case AnswerType.YES_NO_NOT_SURE | AnswerType.CHOICE:
            return forms.ChoiceField(choices=_choices(question), widget=forms.RadioSelect, **common)
        case AnswerType.MULTI_CHOICE:
            return forms.MultipleChoiceField(choices=_choices(question), widget=forms.CheckboxSelectMultiple, **common)
        case AnswerType.NUMBER:
            return forms.CharField(
                max_length=10, widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}), **common
            )
        case AnswerType.DATE:
            return forms.CharField(max_length=10, widget=DatePickerInput, **common)
        case AnswerType.TEXT:
            # The rules module explains the 500-character limit at the field; this ceiling only stops abuse.
            return forms.CharField(
                max_length=TEXT_HARD_LIMIT,
                widget=forms.Textarea(attrs={"rows": 2, "maxlength": safety_rules.TEXT_MAX_LENGTH}),
                **common,
            )
        case AnswerType.CONFIRM:
            return forms.BooleanField(**common)
        case AnswerType.NUMBER_RANGE:
            return None  # two fields and a tick, see below
        case _:
            return None


class SectionForm(forms.Form):
    """One page of the questionnaire; `answers` are the draft's answers so far."""

    def __init__(self, section: Section, answers: dict[str, Any], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.section = section
        self.questions = [q for q in section.questions if q.answer_type is not AnswerType.STATEMENT]
        for question in self.questions:
            if question.answer_type is AnswerType.NUMBER_RANGE:
                number = {"inputmode": "decimal", "autocomplete": "off"}
                self.fields[f"{question.code}__low"] = forms.CharField(
                    label=gettext("From"), required=False, max_length=10, widget=forms.TextInput(attrs=number)
                )
                self.fields[f"{question.code}__high"] = forms.CharField(
                    label=gettext("To"), required=False, max_length=10, widget=forms.TextInput(attrs=number)
                )
                self.fields[f"{question.code}__dont_know"] = forms.BooleanField(
                    label=translate(question.option_label(safety_rules.DONT_KNOW)), required=False
                )
            else:
                field = _field(question)
                if field is not None:
                    self.fields[question.code] = field
        if not self.is_bound:
            self.initial.update(initial_from_answers(self.questions, answers))

    def answers(self) -> dict[str, Any]:
        """The page's answers in the rules module's shapes (call after is_valid())."""
        data = self.cleaned_data
        answers: dict[str, Any] = {}
        for question in self.questions:
            code = question.code
            if question.answer_type is AnswerType.NUMBER_RANGE:
                if data.get(f"{code}__dont_know"):
                    answers[code] = safety_rules.DONT_KNOW
                elif data.get(f"{code}__low") or data.get(f"{code}__high"):
                    answers[code] = [_number(data.get(f"{code}__low", "")), _number(data.get(f"{code}__high", ""))]
                else:
                    answers[code] = ""
            elif question.answer_type is AnswerType.MULTI_CHOICE:
                answers[code] = list(data.get(code) or [])
            elif question.answer_type is AnswerType.CONFIRM:
                answers[code] = bool(data.get(code))
            elif question.answer_type is AnswerType.NUMBER:
                answers[code] = _number(data.get(code) or "")
            else:
                answers[code] = (data.get(code) or "").strip()
        return answers

    def show_rules(self, answers: dict[str, Any]) -> dict[str, str]:
        """For each follow-up that depends on an answer on this page, when it shows, as JSON for the page's
        script (data-show-if). A follow-up already opened by an earlier page's answer has no rule: it stays."""
        on_page = {question.code for question in self.questions}
        rules: dict[str, str] = {}
        for question in self.questions:
            if not question.show_if:
                continue
            off_page = [rule for rule in question.show_if if rule.parent not in on_page]
            if any(safety_rules.condition_met(rule, answers) for rule in off_page):
                continue
            here = [[rule.parent, list(rule.values)] for rule in question.show_if if rule.parent in on_page]
            if here:
                rules[question.code] = json.dumps(here)
        return rules


def _number(text: str) -> str:
    """A number as typed, with a decimal comma (2,5 as French writes it) stored as the point the rules read."""
    text = text.strip()
    return text.replace(",", ".") if text.count(",") == 1 and "." not in text else text


def initial_from_answers(questions: list[Question], answers: dict[str, Any]) -> dict[str, Any]:
    initial: dict[str, Any] = {}
    for question in questions:
        value = answers.get(question.code)
        if value in (None, ""):
            continue
        if question.answer_type is AnswerType.NUMBER_RANGE:
            if value == safety_rules.DONT_KNOW:
                initial[f"{question.code}__dont_know"] = True
            elif isinstance(value, list | tuple) and len(value) == 2:
                initial[f"{question.code}__low"], initial[f"{question.code}__high"] = value
        elif isinstance(value, date):
            initial[question.code] = value.isoformat()
        else:
            initial[question.code] = value
    return initial


def answer_label(question: Question, value: object) -> str:
    """An answer as staff read it on the review page."""
    if value in (None, "", []):
        return "—"
    if question.answer_type is AnswerType.CONFIRM:
        return "Yes" if value else "No"
    if question.answer_type is AnswerType.NUMBER_RANGE:
        if value == safety_rules.DONT_KNOW:
            return "Does not know"
        return " to ".join(str(part) for part in cast(Iterable[object], value))  # a range is a pair
    if isinstance(value, list | tuple):
        return ", ".join(question.option_label(str(code)) for code in value)
    if question.options:
        return question.option_label(str(value))
    return str(value)
