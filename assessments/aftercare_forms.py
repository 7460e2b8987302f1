"""The patient's check after a session (clinical-reference.md 6.5), and the physiotherapist's review of it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from patients import pain_map

from . import needling_safety
from .models import Bruising, WarningSign

BRUISING_CHOICES = [
    (Bruising.NONE.value, pgettext_lazy("bruise", "None")),
    (Bruising.SMALL.value, pgettext_lazy("bruise", "Small (smaller than a coin)")),
    (Bruising.LARGE.value, pgettext_lazy("bruise", "Large")),
]
WARNING_SIGN_CHOICES = [
    (WarningSign.BREATHLESS_CHEST_PAIN.value, _("Breathlessness or chest pain")),
    (WarningSign.INFECTION.value, _("Spreading redness, heat or swelling at a needle spot, or a fever")),
    (WarningSign.NUMBNESS_WEAKNESS.value, _("Numbness or weakness that was not there before")),
    (WarningSign.FAINTING_DIZZINESS.value, _("Fainting, or dizziness that does not pass")),
    (WarningSign.WORSE_THAN_EXPECTED.value, _("Soreness much worse than expected")),
]
SORENESS_MESSAGE = _("Choose a number from 0 (no soreness) to 10 (the worst you can imagine).")


class CheckForm(forms.Form):
    soreness = forms.IntegerField(
        label=_("How sore are you now, from 0 (not at all) to 10 (the worst you can imagine)?"),
        min_value=0,
        max_value=10,
        error_messages={
            "required": SORENESS_MESSAGE,
            "invalid": SORENESS_MESSAGE,
            "min_value": SORENESS_MESSAGE,
            "max_value": SORENESS_MESSAGE,
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    regions = forms.MultipleChoiceField(
        label=_("Where is it sore?"),
        required=False,
        choices=pain_map.CHOICES,
        widget=pain_map.PainMapWidget(),
        error_messages={"invalid_choice": _("Choose the places from the list.")},
    )
    bruising = forms.ChoiceField(
        label=_("Do you have a bruise where you were treated?"),
        choices=BRUISING_CHOICES,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        error_messages={
            "required": _("Choose none, small or large."),
            "invalid_choice": _("Choose none, small or large."),
        },
    )
    warning_signs = forms.MultipleChoiceField(
        label=_("Since your treatment, have you had any of these?"),
        required=False,
        choices=WARNING_SIGN_CHOICES,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        error_messages={"invalid_choice": _("Choose from the list.")},
    )
    words = forms.CharField(
        label=_("Anything else you want to tell us (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
        error_messages={"max_length": _("Please keep it under 1000 characters.")},
    )

    def clean_words(self) -> str:
        return self.cleaned_data.get("words", "").replace("\x00", "").strip()


class ReviewAdverseEventForm(forms.Form):
    """The report recorded as an adverse event of its session, onset "reported later"."""

    event_type = forms.ChoiceField(
        label="Type", choices=[(t.code, t.label) for t in needling_safety.ADVERSE_EVENT_TYPES]
    )
    event_class = forms.ChoiceField(
        label="Class", choices=[(c.value, info.label) for c, info in needling_safety.ADVERSE_EVENT_CLASS_INFO.items()]
    )
    description = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    action_taken = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    referral = forms.CharField(required=False, max_length=200, label="Escalated or referred to")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action_taken"].error_messages["required"] = "Record the action taken."


class ReviewCloseForm(forms.Form):
    note = forms.CharField(
        label="Why no adverse event",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Say why this report needs no adverse event."},
    )
