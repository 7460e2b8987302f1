"""Forms of the records pages: to whom and why for every export, the import file, integration names."""

from __future__ import annotations

from typing import Any

from django import forms

from accounts.submissions import OneTimeSubmissionMixin
from patients import identity

from . import importing
from .services import Disclosure, DisclosurePurpose, ExportFormat


class PatientPickForm(forms.Form):
    q = forms.CharField(
        label="Find the patient",
        required=False,
        max_length=identity.MAX_QUERY_LENGTH,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name, date of birth or phone"}),
    )


class DisclosureFields(OneTimeSubmissionMixin, forms.Form):
    recipient = forms.CharField(
        label="To whom",
        max_length=200,
        help_text="Who receives it: the patient themselves, a named clinician, clinic, insurer or lawyer.",
        error_messages={"required": "Say who receives the record."},
    )
    purpose = forms.ChoiceField(
        label="Why",
        choices=[("", "Choose the purpose"), *DisclosurePurpose.choices],
        error_messages={"required": "Choose why the record is released.", "invalid_choice": "Choose a purpose."},
    )
    purpose_detail = forms.CharField(
        label="Details of the purpose or authority",
        max_length=300,
        required=False,
        help_text="For example the request's date, the referral, or the patient's written consent.",
    )

    def clean_recipient(self) -> str:
        recipient = " ".join(self.cleaned_data["recipient"].split())
        if not recipient:
            raise forms.ValidationError("Say who receives the record.")
        return recipient

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("purpose") == DisclosurePurpose.OTHER and not cleaned.get("purpose_detail", "").strip():
            self.add_error("purpose_detail", "Say what the purpose is.")
        if "submission_key" in self.errors:
            self.add_error(None, "This form is out of date. Reload the page and fill it in again.")
        return cleaned

    def disclosure(self) -> Disclosure:
        data = self.cleaned_data
        return Disclosure(data["recipient"], data["purpose"], data["purpose_detail"])


class PatientExportForm(DisclosureFields):
    export_format = forms.ChoiceField(
        label="Format",
        choices=ExportFormat.choices,
        initial=ExportFormat.DOCUMENT,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a format.", "invalid_choice": "Choose one of the formats."},
    )


class ClinicExportForm(DisclosureFields):
    pseudonymise = forms.BooleanField(
        label="Pseudonymise: no names, contact details or exact dates of birth (year only), a stable pseudonym per "
        "patient",
        required=False,
        initial=True,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipient"].help_text = "Who receives the files: the clinic itself, a researcher, a new system."


class PatientImportUploadForm(forms.Form):
    file = forms.FileField(
        label="CSV file of patients",
        help_text="UTF-8 CSV, at most 1 MB and 1,000 patients. The first line names the columns: "
        "<code>given_name</code>, <code>family_name</code> and <code>date_of_birth</code> (<code>YYYY-MM-DD</code>) "
        "are needed; the other columns of the registration form are optional.",
        error_messages={"required": "Choose the CSV file to import.", "empty": "The file is empty."},
    )

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > importing.MAX_FILE_BYTES:
            raise forms.ValidationError("The file is larger than 1 MB. Split it into smaller files.")
        try:
            text = importing.decode(upload.read())
            importing.read_rows(text)
        except importing.ImportFileError as error:
            raise forms.ValidationError(str(error)) from None
        return text


class PatientImportConfirmForm(OneTimeSubmissionMixin, forms.Form):
    payload = forms.CharField(widget=forms.HiddenInput, error_messages={"required": "Upload the file again."})
    # Lines of the file (the header is line 1) whose possible duplicate is to be registered all the same.
    include_duplicate = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        choices=[(str(line), str(line)) for line in range(2, importing.MAX_ROWS + 2)],
        error_messages={"invalid_choice": "Upload the file again."},
    )

    def clean_payload(self) -> str:
        try:
            return importing.unsign_payload(self.cleaned_data["payload"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None


class IntegrationTokenForm(OneTimeSubmissionMixin, forms.Form):
    name = forms.CharField(
        label="Integration",
        max_length=100,
        help_text="What will use the token, e.g. “Referral portal” or “New EMR migration”.",
        error_messages={"required": "Name the integration."},
    )

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Name the integration.")
        return name
