from datetime import date, datetime, time, timedelta
from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from .dates import ClinicDateField
from .models import AuditEvent, User


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That username and password do not match. Check them and try again "
        "(the password is case-sensitive).",
        "inactive": "This account is switched off. Ask the clinic admin.",
    }

    username = forms.CharField(
        max_length=150, widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.form_show_errors = True
        self.helper.render_unmentioned_fields = True
        self.helper.form_show_labels = True


class AuditFilterForm(forms.Form):
    """The audit page's filters: by patient (their number), by member of staff, by dates (clinic time)."""

    patient = forms.IntegerField(label="Patient number", required=False, min_value=1)
    user = forms.ModelChoiceField(label="Staff member", queryset=User.objects.order_by("username"), required=False)
    since = ClinicDateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = ClinicDateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError("The start date is after the end date.")
        return data

    def filter(self, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("patient"):
            events = events.filter(patient_id=data["patient"])
        if data.get("user"):
            events = events.filter(actor=data["user"])
        if data.get("since"):
            events = events.filter(at__gte=_start_of(data["since"]))
        if data.get("until"):
            events = events.filter(at__lt=_start_of(data["until"] + timedelta(days=1)))
        return events


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class TwoFactorCodeForm(forms.Form):
    token = forms.CharField(
        label="Code from your authenticator app",
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*", "autofocus": True}
        ),
        error_messages={"required": "Enter the 6-digit code from your authenticator app."},
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].replace(" ", "")
        if not token.isdigit():
            raise forms.ValidationError("The code is made of digits only.")
        return token


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put each of a service's messages at its field, or above the form when the form has no such field."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)
