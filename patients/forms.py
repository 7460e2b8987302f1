from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Div, Fieldset, Layout, Row
from django import forms
from django.utils import timezone

from accounts.dates import ClinicDateField
from accounts.submissions import OneTimeSubmissionMixin
from accounts.versioning import VersionedFormMixin

from . import identity
from .models import (
    REGION_LABELS,
    Consent,
    ConsentExtension,
    ConsentForm,
    Patient,
    QuestionnaireResponse,
    RecheckAnswer,
    SafetyFlag,
    default_language,
)
from .safety_rules import REGION_RISKS
from .services import recheck_stopped_options

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RegistrySearchForm(forms.Form):
    q = forms.CharField(
        label="Find a patient",
        required=False,
        max_length=identity.MAX_QUERY_LENGTH,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "Name, date of birth or phone", "autocomplete": "off"}
        ),
    )
    archived = forms.BooleanField(label="Include archived patients", required=False)


class PatientForm(forms.ModelForm):
    class Meta:
        model = Patient
        fields = [
            "given_name", "family_name", "preferred_name", "pronouns", "date_of_birth", "administrative_sex",
            "phone", "email", "preferred_contact_method", "preferred_language",
            "address_line1", "address_line2", "city", "province", "postal_code",
            "health_number", "health_number_province",
            "emergency_contact_name", "emergency_contact_relationship", "emergency_contact_phone",
            "family_doctor", "referred_by",
        ]  # fmt: skip
        widgets = {"date_of_birth": DATE_INPUT}
        field_classes = {"date_of_birth": ClinicDateField}
        labels = {"administrative_sex": "Sex (administrative)"}
        error_messages = {
            "given_name": {"required": "Enter the patient's name as on their health card."},
            "family_name": {"required": "Enter the patient's name as on their health card."},
        }
        help_texts = {
            "preferred_name": "What the patient likes to be called, if not their given name.",
            "health_number": "Optional. Spaces and dashes are fine.",
            "preferred_language": "For the patient's messages, questionnaires and aftercare sheets.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phone"].widget.input_type = "tel"
        self.fields["phone"].widget.attrs["autocomplete"] = "off"
        self.fields["emergency_contact_phone"].widget.input_type = "tel"
        # Left out (an older form, an import): the clinic's language, as for a patient who never chose.
        self.fields["preferred_language"].required = False
        # Its default is a callable (the clinic's language), which would add a hidden copy of the initial value.
        self.fields["preferred_language"].show_hidden_initial = False
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset(
                "Who",
                Row(Column("given_name"), Column("family_name")),
                Row(Column("preferred_name"), Column("pronouns")),
                Row(Column("date_of_birth"), Column("administrative_sex")),
            ),
            Fieldset(
                "Contact",
                Row(Column("phone"), Column("email"), Column("preferred_contact_method")),
                Row(Column("preferred_language")),
                "address_line1",
                "address_line2",
                Row(Column("city"), Column("province"), Column("postal_code")),
            ),
            Fieldset("Health number", Row(Column("health_number"), Column("health_number_province"))),
            Fieldset(
                "Emergency contact",
                Row(
                    Column("emergency_contact_name"),
                    Column("emergency_contact_relationship"),
                    Column("emergency_contact_phone"),
                ),
            ),
            Fieldset("Care team", Row(Column("family_doctor"), Column("referred_by"))),
        )

    def _clean_name(self, field: str, required: bool) -> str:
        value = identity.normalise_name(self.cleaned_data.get(field, ""))
        if not value:
            if required:
                raise forms.ValidationError("Enter the patient's name as on their health card.")
            return ""
        problem = identity.name_problem(value)
        if problem:
            raise forms.ValidationError(problem)
        return value

    def clean_given_name(self) -> str:
        return self._clean_name("given_name", required=True)

    def clean_family_name(self) -> str:
        return self._clean_name("family_name", required=True)

    def clean_preferred_name(self) -> str:
        return self._clean_name("preferred_name", required=False)

    def clean_date_of_birth(self) -> date:
        born = self.cleaned_data["date_of_birth"]
        problem = identity.date_of_birth_problem(born, timezone.localdate())
        if problem:
            raise forms.ValidationError(problem)
        return born

    def _clean_phone(self, field: str) -> str:
        try:
            return identity.normalise_phone(self.cleaned_data.get(field, ""))
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None

    def clean_phone(self) -> str:
        return self._clean_phone("phone")

    def clean_emergency_contact_phone(self) -> str:
        return self._clean_phone("emergency_contact_phone")

    def clean_postal_code(self) -> str:
        try:
            return identity.normalise_postal_code(self.cleaned_data.get("postal_code", ""))
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        number = cleaned.get("health_number", "")
        if number and cleaned.get("health_number_province"):
            try:
                cleaned["health_number"] = identity.normalise_health_number(number, cleaned["health_number_province"])
            except ValueError as error:
                self.add_error("health_number", str(error))
        if not cleaned.get("preferred_language") and "preferred_language" not in self.errors:
            cleaned["preferred_language"] = default_language()
        method = cleaned.get("preferred_contact_method")
        if method == "email" and not cleaned.get("email") and "email" not in self.errors:
            self.add_error("email", "Add an e-mail address, or choose another way to contact the patient.")
        if method in {"phone", "text"} and not cleaned.get("phone") and "phone" not in self.errors:
            self.add_error("phone", "Add a phone number, or choose another way to contact the patient.")
        return cleaned


class PatientCreateForm(OneTimeSubmissionMixin, PatientForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # PatientForm always gives its helper a layout (crispy declares it optional).
        self.helper.layout.append("submission_key")  # type: ignore[union-attr]


class PatientUpdateForm(VersionedFormMixin, PatientForm):
    """The details form with the version it was opened at, so a stale save is refused, not applied."""

    version = forms.IntegerField(
        widget=forms.HiddenInput, min_value=1, error_messages={"required": "Reload the form."}
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # PatientForm always gives its helper a layout (crispy declares it optional).
        self.helper.layout.append("version")  # type: ignore[union-attr]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if "version" in self.errors:  # a hidden field's error would not be seen
            self.add_error(None, "This form is out of date. Reload the page and make your changes again.")
        return data


REGION_CHOICES = [(str(code), label) for code, label in REGION_LABELS.items()]


class ConsentRecordForm(OneTimeSubmissionMixin, forms.ModelForm):
    regions = forms.MultipleChoiceField(
        label="Regions covered",
        choices=REGION_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one region that this consent covers."},
    )

    class Meta:
        model = Consent
        fields = [
            "regions", "includes_paraspinal", "patient_specific_risks", "alternatives_discussed",
            "stop_signal_agreed", "questions_and_answers", "has_capacity", "substitute_name",
            "substitute_relationship", "form", "signed_name", "patient_ticked", "witness_name",
        ]  # fmt: skip
        widgets = {
            "form": forms.RadioSelect,
            "patient_specific_risks": forms.Textarea(attrs={"rows": 4}),
            "questions_and_answers": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "patient_specific_risks": "Risks particular to this patient",
            "alternatives_discussed": "Alternatives (other physiotherapy, or no treatment) were discussed",
            "stop_signal_agreed": "The patient knows they can stop at any moment, and a stop signal was agreed",
            "questions_and_answers": "The patient's questions and the answers given",
            "form": "How consent was given",
            "patient_ticked": "I have read this, my questions were answered, and I consent to IMS",
        }
        help_texts = {
            "patient_specific_risks": "Written from the safety questionnaire's flags when there are any; edit as "
            "discussed with the patient.",
            "signed_name": "Written consent: the patient types their full name on the tablet.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["form"]).choices = ConsentForm.choices
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Fieldset("What is covered", "regions", "includes_paraspinal"),
            Fieldset(
                "Risks and alternatives", "patient_specific_risks", "alternatives_discussed", "stop_signal_agreed"
            ),
            Fieldset("Questions", "questions_and_answers"),
            Fieldset(
                "Capacity",
                "has_capacity",
                Div(Row(Column("substitute_name"), Column("substitute_relationship")), css_class="ms-4"),
            ),
            Fieldset(
                "Consent given",
                "form",
                HTML('<p class="small text-body-secondary">For written consent, hand the tablet to the patient.</p>'),
                "signed_name",
                "patient_ticked",
                "witness_name",
            ),
            "submission_key",
        )

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if not cleaned.get("alternatives_discussed"):
            self.add_error("alternatives_discussed", "Discuss the alternatives before recording consent.")
        if not cleaned.get("stop_signal_agreed"):
            self.add_error("stop_signal_agreed", "Agree how the patient will ask to stop before recording consent.")
        if cleaned.get("has_capacity") is False and not cleaned.get("substitute_name", "").strip():
            self.add_error("substitute_name", "Without capacity, name the substitute decision-maker who consents.")
        if cleaned.get("has_capacity") is False and not cleaned.get("substitute_relationship", "").strip():
            self.add_error("substitute_relationship", "Say how the substitute decision-maker is related.")
        if cleaned.get("form") == ConsentForm.WRITTEN:
            if not cleaned.get("signed_name", "").strip():
                self.add_error("signed_name", "For written consent the patient types their full name.")
            if not cleaned.get("patient_ticked"):
                self.add_error("patient_ticked", "For written consent the patient ticks this box.")
        return cleaned


class ConsentWithdrawForm(forms.Form):
    reason = forms.CharField(
        label="What the patient said, and when",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Record why or how the patient withdrew their consent."},
    )


class ConsentExtensionForm(forms.ModelForm):
    """A further body region for a consent in force (7.2 element 10), with the risks of that region read out.

    `region` presets the region (coming from a site the gate held): the field is then hidden and the risks of
    that region fill the text to read.
    """

    region = forms.ChoiceField(
        label="Region",
        choices=[("", "Choose a region"), *REGION_CHOICES],
        error_messages={
            "required": "Choose the region the patient consents to.",
            "invalid_choice": "Choose a body region from the list.",
        },
    )
    patient_agrees = forms.BooleanField(
        label="The risks were explained and the patient agrees",
        error_messages={"required": "Tick this once the risks were explained and the patient agreed."},
    )

    class Meta:
        model = ConsentExtension
        fields = ["region", "risks_explained", "includes_paraspinal", "form", "signed_name"]
        widgets = {"form": forms.RadioSelect, "risks_explained": forms.Textarea(attrs={"rows": 4})}
        labels = {
            "risks_explained": "The risks of this region, as read to the patient",
            "form": "How consent was given",
            "signed_name": "Name typed by the patient",
        }
        help_texts = {"signed_name": "Written consent: the patient types their full name on the tablet."}
        error_messages = {
            "risks_explained": {"required": "Record the risks of this region as they were explained."},
            "form": {"required": "Say whether consent was given verbally or in writing."},
        }

    def __init__(self, *args: Any, region: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["form"]).choices = ConsentForm.choices
        self.fields["includes_paraspinal"].initial = True
        # Without the region preset, choosing one fills its risks in (static/js/app.js, from `region_risks`).
        self.fields["region"].widget.attrs.update(
            {"data-fill-target": "id_risks_explained", "data-fill-texts": "region-risks"}
        )
        if region is not None and region in REGION_RISKS:
            self.fields["region"].widget = forms.HiddenInput()
            self.initial.setdefault("region", region)
            self.initial.setdefault("risks_explained", REGION_RISKS[region])
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("form") == ConsentForm.WRITTEN and not cleaned.get("signed_name", "").strip():
            self.add_error("signed_name", "For written consent the patient types their full name.")
        return cleaned

    @property
    def region_risks(self) -> dict[str, str]:
        return {str(code): text for code, text in REGION_RISKS.items()}

    def extension_data(self) -> dict[str, Any]:
        """What `services.consent_extend` takes, once the form is valid."""
        return {key: value for key, value in self.cleaned_data.items() if key != "patient_agrees"}


class QuestionnaireLinkForm(OneTimeSubmissionMixin, forms.Form):
    """Issue a private questionnaire link: a button whose one-time key stops a double click issuing two."""


class FlagAcknowledgeForm(forms.Form):
    note = forms.CharField(
        label="Note",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class FlagMapForm(forms.Form):
    """The body regions, and the side, that a patient's described place covers (R20, R21, R24, R29, R31)."""

    regions = forms.MultipleChoiceField(
        label="Body regions the place covers",
        choices=REGION_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Tick at least one body region the place covers."},
    )
    side = forms.ChoiceField(
        label="Side",
        choices=[("L", "Left"), ("R", "Right"), ("B", "Both sides")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose left, right or both sides."},
    )

    @classmethod
    def for_flag(cls, flag: SafetyFlag, data: Mapping[str, Any] | None = None) -> FlagMapForm:
        """The form of one flag on the review page, showing its mapped place when there is one."""
        initial: dict[str, Any] = {}
        if flag.areas_mapped_at:
            sides = {area["side"] for area in flag.areas}
            initial = {
                "regions": list(dict.fromkeys(area["region"] for area in flag.areas)),
                "side": ({"L": "L", "R": "R", None: "B"}[sides.pop()] if len(sides) == 1 else None),
            }
        return cls(data, prefix=f"map-{flag.pk}", initial=initial)


RECHECK_ANSWER_CHOICES = [
    (RecheckAnswer.NO_CHANGE, "No"),
    (RecheckAnswer.CHANGES_RECORDED, "Yes: record what changed"),
    (RecheckAnswer.NEW_QUESTIONNAIRE, "Yes: send a new questionnaire"),
]
RECHECK_TEXT_LIMIT = 500  # the questionnaire's free-text limit (5.6)


class SafetyRecheckForm(forms.Form):
    """The visit's re-check (5.6, R35), asked before the first needle: any change since the questionnaire?"""

    answer = forms.ChoiceField(
        choices=RECHECK_ANSWER_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Answer the re-check question."},
    )
    medicines_started = forms.CharField(
        label="Medicines started (one per line, or separated by commas)",
        required=False,
        max_length=RECHECK_TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    medicines_stopped = forms.MultipleChoiceField(
        label="Medicines stopped", required=False, widget=forms.CheckboxSelectMultiple
    )
    new_condition = forms.CharField(
        label="New illness or diagnosis",
        required=False,
        max_length=RECHECK_TEXT_LIMIT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    pregnancy = forms.BooleanField(label="Pregnant, or could be pregnant", required=False)
    bleeding_problem = forms.BooleanField(label="A new bleeding or bruising problem", required=False)
    operation = forms.CharField(label="An operation: where on the body", required=False, max_length=RECHECK_TEXT_LIMIT)
    note = forms.CharField(label="Note", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    # The questionnaire the page asked about: a newer one since, or another's, makes the answer stale.
    questionnaire = forms.IntegerField(widget=forms.HiddenInput, required=False)

    CHANGE_FIELDS = (
        "medicines_started",
        "medicines_stopped",
        "new_condition",
        "pregnancy",
        "bleeding_problem",
        "operation",
    )

    def __init__(self, *args: Any, questionnaire: QuestionnaireResponse, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        screened_on = timezone.localtime(questionnaire.screened_at or questionnaire.submitted_at)
        self.fields["answer"].label = (
            f"Since your questionnaire of {screened_on.day} {screened_on:%B}, have you started or stopped any "
            "medicine, or had a new illness, an operation, a pregnancy or a bleeding problem?"
        )
        self.asked_about = questionnaire
        self.fields["questionnaire"].initial = questionnaire.pk
        stopped = cast(forms.MultipleChoiceField, self.fields["medicines_stopped"])
        stopped.choices = recheck_stopped_options(questionnaire)
        if not stopped.choices:
            self.fields["medicines_stopped"].help_text = "The questionnaire records no medicine to stop."

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        has_errors = any(name in self.errors for name in self.CHANGE_FIELDS)
        has_change = any(cleaned.get(name) for name in self.CHANGE_FIELDS)
        if cleaned.get("answer") == RecheckAnswer.CHANGES_RECORDED and not (has_errors or has_change):
            self.add_error(None, "Record at least one change below, or answer that nothing changed.")
        return cleaned

    @property
    def changes(self) -> dict[str, Any]:
        """The changes for the re-check service; empty unless the answer records them."""
        if self.cleaned_data.get("answer") != RecheckAnswer.CHANGES_RECORDED:
            return {}
        return {name: self.cleaned_data[name] for name in self.CHANGE_FIELDS}
