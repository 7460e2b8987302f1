"""The dates the clinic can mean: every date field and date parameter of the app accepts 1900-01-01 to 2100-12-31.

Python's dates end at the years 1 and 9999, so a day at either end overflows as soon as a page adds a day, a week
or a time zone to it. Refusing anything outside the clinic's range at the field turns that 500 into a message.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2100, 12, 31)
DATE_RANGE_MESSAGE = "Enter a date between 1 January 1900 and 31 December 2100."


def day_in_words(day: date) -> str:
    """A date as staff and letters read it: "26 November 2026"."""
    return f"{day.day} {day:%B %Y}"


def is_clinic_date(value: date) -> bool:
    """True when the day (of a date or a datetime, as written, before any time zone) is in the clinic's range."""
    day = value.date() if isinstance(value, datetime) else value
    return MIN_DATE <= day <= MAX_DATE


def validate_clinic_date(value: date) -> None:
    if not is_clinic_date(value):
        raise ValidationError(DATE_RANGE_MESSAGE, code="date_out_of_range")


class ClinicDateRangeMixin:
    """A date or date-time form field that refuses a day outside the range, with the message at the field.

    The browser's picker gets no min/max: with them, Chromium moves on after four digits of the year, so a keyboard
    user's next key lands in the wrong part of the date.
    """

    default_validators: list[Callable[[Any], None]] = [validate_clinic_date]


class DatePickerInput(forms.DateInput):
    """The browser's date picker, without the attributes HTML does not allow on a date input.

    A CharField gives its widget a maxlength, which a date input may not carry; a date field needs none.
    """

    input_type = "date"

    def get_context(self, name: str, value: object, attrs: dict[str, object] | None) -> dict[str, object]:
        context = super().get_context(name, value, attrs)
        for attribute in ("maxlength", "minlength"):
            context["widget"]["attrs"].pop(attribute, None)
        return context


class ClinicDateField(ClinicDateRangeMixin, forms.DateField):
    pass


class ClinicDateTimeField(ClinicDateRangeMixin, forms.DateTimeField):
    pass
