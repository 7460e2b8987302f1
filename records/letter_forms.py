"""Forms of the letters: which letter to start, the draft's recipient and sections, the reason for marking it
entered in error, and to whom and why a signed letter is printed or sent."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator

from accounts.submissions import OneTimeSubmissionMixin
from accounts.versioning import VersionedFormMixin

from .forms import DisclosureFields
from .models import RECIPIENT_ADDRESS_MAX_LENGTH, SECTION_MAX_LENGTH, Letter, LetterKind
from .services import DisclosurePurpose


class LetterCreateForm(OneTimeSubmissionMixin, forms.Form):
    """Start a letter about one course: the signed assessment it began with, and the kind of letter."""

    assessment = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={"required": "Choose the course.", "invalid": "Choose the course."},
    )
    kind = forms.ChoiceField(
        choices=LetterKind.choices,
        widget=forms.HiddenInput,
        error_messages={"required": "Choose the kind of letter.", "invalid_choice": "Choose the kind of letter."},
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        if "submission_key" in self.errors:
            self.add_error(None, "This form is out of date. Reload the page and try again.")
        return self.cleaned_data


def _too_long(limit: int) -> dict[str, str]:
    return {"max_length": f"Keep this to {limit:,} characters or fewer."}


class LetterForm(VersionedFormMixin, forms.ModelForm):
    """The draft in the physiotherapist's words: the recipient and each section of the body."""

    class Meta:
        model = Letter
        fields = [
            "recipient_name", "recipient_address", "opening", "complaint", "findings", "treatment", "outcome",
            "adverse_events", "advice", "plan",
        ]  # fmt: skip
        labels = {"opening": "Opening", "recipient_name": "Recipient"}
        help_texts = {
            "recipient_name": "Who receives the letter: the family doctor, the referring clinician, or empty for "
            "the patient's file.",
            "opening": "The first lines of the letter: the greeting and why you write.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipient_name"].error_messages.update(_too_long(200))
        self.fields["recipient_address"].widget = forms.Textarea(attrs={"rows": 3})
        self.fields["recipient_address"].error_messages.update(_too_long(RECIPIENT_ADDRESS_MAX_LENGTH))
        for name in ("opening", "complaint", "findings", "treatment", "outcome", "adverse_events", "advice", "plan"):
            field = self.fields[name]
            field.validators.append(MaxLengthValidator(SECTION_MAX_LENGTH))
            field.widget = forms.Textarea(attrs={"rows": 4, "maxlength": SECTION_MAX_LENGTH})
            field.error_messages.update(_too_long(SECTION_MAX_LENGTH))

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        for name, value in list(cleaned.items()):
            if isinstance(value, str):
                cleaned[name] = value.strip()
        return cleaned


class LetterEnteredInErrorForm(forms.Form):
    reason = forms.CharField(
        max_length=500,
        error_messages={"required": "Say why this letter was entered in error.", **_too_long(500)},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Its own ids: the letter's page also shows the addendum form, whose field has the same name.
        kwargs.setdefault("auto_id", "id_entered_in_error_%s")
        super().__init__(*args, **kwargs)


class LetterDisclosureForm(DisclosureFields):
    """To whom and why a signed letter is printed or sent: recorded as a disclosure before the letter shows."""

    def __init__(self, *args: Any, letter: Letter | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "recipient"
        ].help_text = "Who receives this copy: the addressee, the patient, or another clinician."
        self.fields["recipient"].error_messages["required"] = "Say who receives the letter."
        if letter is not None and not self.is_bound:
            self.initial.setdefault("recipient", letter.recipient_name)
            self.initial.setdefault("purpose", DisclosurePurpose.CONTINUING_CARE)

    def clean_recipient(self) -> str:
        recipient = " ".join(self.cleaned_data["recipient"].split())
        if not recipient:
            raise forms.ValidationError("Say who receives the letter.")
        return recipient
