"""Validation of the answers, with field-level messages in plain language (5.6)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date
from decimal import Decimal

from .answers import _as_choices, _as_date, _as_number, _as_range, _is_empty, _today
from .constants import DONT_KNOW, EARLIEST_DATE, LATEST_DATE, NONE_OF_THESE, TEXT_MAX_LENGTH
from .questions import AnswerType, Question, visible_questions
from .wording import Wording

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


def _number_error(question: Question, number: Decimal) -> str | None:
    low, high = question.min_value, question.max_value
    if (low is not None and number < Decimal(str(low))) or (high is not None and number > Decimal(str(high))):
        if low is not None and high is not None:
            return Wording("Please check this number. It should be between %(low)s and %(high)s.", low=low, high=high)
        return "Please check this number."
    if question.decimal_places is not None and -int(number.as_tuple().exponent) > question.decimal_places:
        places = question.decimal_places
        if places == 1:
            return "Please use at most 1 decimal place, for example 2.5."
        return Wording("Please use at most %(places)s decimal places, for example 2.5.", places=places)
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
            return Wording("Please choose at least one answer, or “%(none)s”.", none=none_option.label)
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
                return Wording("“%(answer)s” cannot be chosen together with other answers.", answer=exclusive[0].label)
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
            if not EARLIEST_DATE <= day <= LATEST_DATE:
                return "Please check this date. It should be between 1 January 1900 and 31 December 2100."
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
                return Wording(
                    "Please keep this under %(limit)s characters (it has %(length)s).",
                    limit=TEXT_MAX_LENGTH,
                    length=len(value),
                )
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
