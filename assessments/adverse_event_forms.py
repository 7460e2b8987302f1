"""The filters of the adverse-event list and its CSV: the period reported, the class, the type, the practitioner."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from accounts.dates import ClinicDateField, DatePickerInput, day_in_words
from accounts.models import User
from accounts.roles import Role

from . import needling_safety
from .models import AdverseEvent

DEFAULT_DAYS = 30
PERIOD_REVERSED = "The start of the period is after its end."


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    is_default: bool

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        """From the first moment of `start` to the first moment after `end`, in the clinic's time zone."""
        first = timezone.make_aware(datetime.combine(self.start, time.min))
        return first, timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))


def default_period() -> Period:
    today = timezone.localdate()
    return Period(today - timedelta(days=DEFAULT_DAYS), today, is_default=True)


class AdverseEventFilterForm(forms.Form):
    """Bound to the query string. A filter with a mistake keeps its message at the field and is not applied; dates
    that are missing or wrong give the last 30 days, so the page always lists something it can explain."""

    start = ClinicDateField(label="Reported from", required=False, widget=DatePickerInput)
    end = ClinicDateField(label="Reported to", required=False, widget=DatePickerInput)
    event_class = forms.ChoiceField(
        label="Class",
        required=False,
        choices=[("", "Any class")]
        + [(str(info.ae_class), info.label) for info in needling_safety.ADVERSE_EVENT_CLASSES],
        error_messages={"invalid_choice": "Choose a class from the list."},
    )
    event_type = forms.ChoiceField(
        label="Type",
        required=False,
        choices=[("", "Any type")] + [(event.code, event.label) for event in needling_safety.ADVERSE_EVENT_TYPES],
        error_messages={"invalid_choice": "Choose a type from the list."},
    )
    practitioner = forms.ModelChoiceField(
        label="Physiotherapist",
        required=False,
        empty_label="Any physiotherapist",
        queryset=User.objects.filter(groups__name=Role.PHYSIOTHERAPIST).order_by("first_name", "last_name", "pk"),
        error_messages={"invalid_choice": "Choose a physiotherapist from the list."},
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("start", PERIOD_REVERSED)
        return data

    def _valid(self, name: str) -> Any:  # noqa: ANN401 (the field's own cleaned type)
        if not self.is_bound:
            return None
        self.is_valid()
        return None if name in self.errors else self.cleaned_data.get(name)

    def period(self) -> Period:
        """The period asked for; the last 30 days when none was asked or a date in it is wrong."""
        fallback = default_period()
        if not self.is_bound or (not self.is_valid() and {"start", "end"} & set(self.errors)):
            return fallback
        start: date | None = self.cleaned_data.get("start")
        end: date | None = self.cleaned_data.get("end")
        if start is None and end is None:
            return fallback
        if end is None:
            end = max(fallback.end, start or fallback.end)
        return Period(start or end - timedelta(days=DEFAULT_DAYS), end, is_default=False)

    def applied(self) -> dict[str, Any]:
        """The period and the filters in force, as the audit trail keeps them (a filter with a mistake is not)."""
        period = self.period()
        event_class, event_type = self._valid("event_class") or "", self._valid("event_type") or ""
        practitioner = self._valid("practitioner")
        words = [f"reported {day_in_words(period.start)} to {day_in_words(period.end)}"]
        if event_class:
            info = needling_safety.ADVERSE_EVENT_CLASS_INFO[needling_safety.AdverseEventClass(event_class)]
            words.append(f"class {info.label}")
        if event_type:
            words.append(f"type {needling_safety.ADVERSE_EVENT_TYPE_BY_CODE[event_type].label}")
        if practitioner is not None:
            words.append(f"physiotherapist {practitioner}")
        return {
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "class": event_class,
            "type": event_type,
            "physiotherapist": practitioner.pk if practitioner is not None else None,
            "summary": "; ".join(words),
        }

    def filter(self, events: QuerySet[AdverseEvent]) -> QuerySet[AdverseEvent]:
        """The events reported in the period (as the count report counts them) that pass the valid filters."""
        first, after = self.period().bounds
        events = events.filter(reported_at__gte=first, reported_at__lt=after)
        if event_class := self._valid("event_class"):
            events = events.filter(event_class=event_class)
        if event_type := self._valid("event_type"):
            events = events.filter(event_type=event_type)
        if practitioner := self._valid("practitioner"):
            events = events.filter(session__physiotherapist=practitioner)
        return events
