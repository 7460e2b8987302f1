"""Scheduling's forms: the fields and their messages; the slot rules live in services.slot_problems."""

from __future__ import annotations

import datetime as dt
from datetime import date, datetime
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from accounts.dates import ClinicDateField, ClinicDateTimeField
from accounts.submissions import OneTimeSubmissionMixin
from patients import services as patient_services
from patients.models import Patient

from .models import AppointmentType, Practitioner, WaitlistEntry, Weekday

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format=DATETIME_LOCAL, attrs={"step": 300, **kwargs.pop("attrs", {})}, **kwargs)


def local_datetime_field(label: str) -> forms.DateTimeField:
    return ClinicDateTimeField(
        label=label,
        widget=DateTimeLocalInput(),
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        error_messages={"invalid": "Enter a date and time such as 2026-03-02 09:30."},
    )


class ScheduleDateForm(forms.Form):
    """The `?date=` of the schedule pages; a malformed date is a message, never a 500."""

    date = ClinicDateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter a date such as 2026-03-02."},
    )

    def chosen_day(self) -> dt.date:  # `date` here is the form's field
        if self.is_valid() and self.cleaned_data["date"]:
            return self.cleaned_data["date"]
        return timezone.localdate()


class PractitionerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Practitioner) -> str:
        return obj.display_name


class AppointmentTypeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: AppointmentType) -> str:
        return f"{obj.name} · {obj.duration_minutes} min"


def _duration_field() -> forms.IntegerField:
    return forms.IntegerField(
        label="Length (minutes)",
        required=False,
        min_value=5,
        max_value=240,
        step_size=5,
        help_text="Leave empty for the type's usual length.",
        error_messages={
            "min_value": "The length must be at least 5 minutes.",
            "max_value": "The length can be at most 240 minutes.",
            "step_size": "The length goes in 5-minute steps (30, 35, 40…).",
            "invalid": "Enter the length in minutes.",
        },
    )


class BookingFieldsMixin(forms.Form):
    patient = forms.ModelChoiceField(
        queryset=Patient.objects.all(),
        widget=forms.HiddenInput,
        error_messages={"required": "Choose the patient.", "invalid_choice": "Choose the patient from the search."},
    )
    practitioner = PractitionerChoiceField(
        queryset=Practitioner.objects.active(),
        empty_label=None,
        error_messages={"invalid_choice": "Choose a practitioner from the list."},
    )
    appointment_type = AppointmentTypeChoiceField(
        label="Type",
        queryset=AppointmentType.objects.filter(is_active=True),
        empty_label=None,
        error_messages={"invalid_choice": "Choose a type from the list."},
    )
    starts_at = local_datetime_field("Starts at")
    duration_minutes = _duration_field()

    def __init__(self, *args: Any, practitioners: QuerySet[Practitioner] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if practitioners is not None:
            cast(forms.ModelChoiceField, self.fields["practitioner"]).queryset = practitioners

    def focus_next_choice(self) -> None:
        """The patient just chosen: the focus goes on to the first choice still to make (the type when a free
        slot already chose the practitioner and the time), so a keyboard user does not start again at the top."""
        slot_chosen = self.initial.get("practitioner") and self.initial.get("starts_at")
        self.fields["appointment_type" if slot_chosen else "practitioner"].widget.attrs["autofocus"] = True

    def clean_patient(self) -> Patient:
        patient = self.cleaned_data["patient"]
        patient_services.refuse_if_archived(patient, before="booking")
        return patient


class AppointmentBookForm(OneTimeSubmissionMixin, BookingFieldsMixin):
    front_desk_note = forms.CharField(
        label="Front-desk note",
        required=False,
        max_length=300,
        help_text="Practical only (parking, interpreter). Nothing clinical.",
    )


class AppointmentSeriesForm(OneTimeSubmissionMixin, BookingFieldsMixin):
    every_days = forms.IntegerField(
        label="Every … days",
        initial=7,
        min_value=1,
        max_value=56,
        help_text="7 for weekly.",
        error_messages={"min_value": "Repeat at least every day.", "max_value": "Repeat at most every 56 days."},
    )
    visits = forms.IntegerField(
        label="Number of visits",
        initial=6,
        min_value=2,
        max_value=26,
        error_messages={
            "min_value": "A series has at least 2 visits.",
            "max_value": "Book at most 26 visits at once.",
        },
    )
    starts_at = local_datetime_field("First visit")


class AppointmentRescheduleForm(forms.Form):
    practitioner = PractitionerChoiceField(
        queryset=Practitioner.objects.active(),
        empty_label=None,
        error_messages={"invalid_choice": "Choose a practitioner from the list."},
    )
    starts_at = local_datetime_field("New start")
    duration_minutes = _duration_field()

    def __init__(self, *args: Any, practitioners: QuerySet[Practitioner] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if practitioners is not None:
            cast(forms.ModelChoiceField, self.fields["practitioner"]).queryset = practitioners


class AppointmentCancelForm(forms.Form):
    reason = forms.CharField(
        label="Why is it cancelled?",
        max_length=300,
        help_text="For example: patient called, unwell; clinic closed. Nothing clinical.",
        error_messages={"required": "Say why the appointment is cancelled."},
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Say why the appointment is cancelled.")
        return reason


class FreeSlotsForm(forms.Form):
    practitioner = PractitionerChoiceField(
        queryset=Practitioner.objects.active(),
        error_messages={
            "invalid_choice": "Choose a practitioner from the list.",
            "required": "Choose a practitioner.",
        },
    )
    appointment_type = AppointmentTypeChoiceField(
        label="Type",
        queryset=AppointmentType.objects.filter(is_active=True),
        error_messages={"invalid_choice": "Choose a type from the list.", "required": "Choose a type."},
    )
    after = ClinicDateField(
        label="From",
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter a date such as 2026-03-02."},
    )
    patient = forms.ModelChoiceField(queryset=Patient.objects.active(), required=False, widget=forms.HiddenInput)

    def starts_after(self) -> datetime:
        day = self.cleaned_data.get("after")
        if not day:
            return timezone.now()
        return timezone.make_aware(datetime.combine(day, datetime.min.time()))


class PatientSearchForm(forms.Form):
    q = forms.CharField(label="Find the patient", max_length=100, required=False, strip=True)


class WaitlistEntryForm(forms.ModelForm):
    weekdays = forms.TypedMultipleChoiceField(
        label="Preferred days",
        choices=Weekday.choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked for any day.",
    )
    practitioner = PractitionerChoiceField(
        queryset=Practitioner.objects.active(), required=False, empty_label="Any practitioner"
    )
    patient = forms.ModelChoiceField(
        queryset=Patient.objects.all(),
        widget=forms.HiddenInput,
        error_messages={"required": "Choose the patient.", "invalid_choice": "Choose the patient from the search."},
    )

    class Meta:
        model = WaitlistEntry
        fields = ["patient", "practitioner", "appointment_type", "weekdays", "earliest_time", "latest_time",
                  "wanted_until", "note"]  # fmt: skip
        labels = {"wanted_until": "Waiting until", "earliest_time": "Not before", "latest_time": "Not after"}
        widgets = {
            "earliest_time": forms.TimeInput(attrs={"type": "time"}),
            "latest_time": forms.TimeInput(attrs={"type": "time"}),
            "wanted_until": forms.DateInput(attrs={"type": "date"}),
        }
        error_messages = {"wanted_until": {"invalid": "Enter a date such as 2026-03-02."}}
        field_classes = {"wanted_until": ClinicDateField}

    def clean_patient(self) -> Patient:
        patient = self.cleaned_data["patient"]
        patient_services.refuse_if_archived(patient)
        return patient

    def clean_wanted_until(self) -> date:
        day = self.cleaned_data["wanted_until"]
        if day < timezone.localdate():
            raise forms.ValidationError("This date has already passed.")
        return day

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        earliest, latest = data.get("earliest_time"), data.get("latest_time")
        if earliest and latest and latest <= earliest:
            self.add_error("latest_time", "The latest time must come after the earliest time.")
        return data
