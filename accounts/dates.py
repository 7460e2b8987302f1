"""The dates the clinic can mean: every date field and date parameter of the app accepts 1900-01-01 to 2100-12-31.

Python's dates end at the years 1 and 9999, so a day at either end overflows as soon as a page adds a day, a week
or a time zone to it. Refusing anything outside the clinic's range at the field turns that 500 into a message.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2100, 12, 31)
DATE_RANGE_MESSAGE = "Enter a date between 1 January 1900 and 31 December 2100."


def is_clinic_date(value: date) -> bool:
    """True when the day (of a date or a datetime, as written, before any time zone) is in the clinic's range."""
    day = value.date() if isinstance(value, datetime) else value
    return MIN_DATE <= day <= MAX_DATE


def validate_clinic_date(value: date) -> None:
    if not is_clinic_date(value):
        raise ValidationError(DATE_RANGE_MESSAGE, code="date_out_of_range")


class ClinicDateRangeMixin:
    """A date or date-time form field that refuses a day outside the range and gives the browser's picker its ends."""

    default_validators = [validate_clinic_date]

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs: dict[str, Any] = super().widget_attrs(widget)  # type: ignore[misc]
        kind = widget.attrs.get("type") or getattr(widget, "input_type", "")
        if kind == "date":
            attrs.update(min=MIN_DATE.isoformat(), max=MAX_DATE.isoformat())
        elif kind == "datetime-local":
            attrs.update(min=f"{MIN_DATE.isoformat()}T00:00", max=f"{MAX_DATE.isoformat()}T23:59")
        return attrs


class ClinicDateField(ClinicDateRangeMixin, forms.DateField):
    pass


class ClinicDateTimeField(ClinicDateRangeMixin, forms.DateTimeField):
    pass
