"""The question asked before a draft from an earlier day is continued or set aside."""

from __future__ import annotations

from typing import Any, cast

from django import forms


class EarlierDraftForm(forms.Form):
    """Continue the earlier draft, or start today's record and keep the draft or mark it entered in error."""

    CONTINUE, KEEP, ERROR = "continue", "keep", "error"

    choice = forms.ChoiceField(
        label="What to do", widget=forms.RadioSelect, error_messages={"required": "Choose what to do."}
    )
    reason = forms.CharField(
        label="Why the draft was entered in error",
        help_text="Needed only to mark the draft entered in error. It stays in the record with this reason.",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, noun: str = "session", day: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.noun = noun
        draft = f"the draft of {day}" if day else "the draft"
        new = "today's session" if noun == "session" else "a new assessment"
        choice = cast(forms.ChoiceField, self.fields["choice"])
        choice.choices = [
            (self.CONTINUE, f"Continue {draft}"),
            (self.KEEP, f"Start {new} and keep {draft} as it is"),
            (self.ERROR, f"Start {new} and mark {draft} entered in error"),
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("choice") == self.ERROR and not cleaned.get("reason", "").strip():
            self.add_error("reason", f"Say why the draft {self.noun} was entered in error.")
        return cleaned

    @property
    def error_reason(self) -> str | None:
        """The reason to mark the draft entered in error, or None to keep it."""
        return self.cleaned_data["reason"].strip() if self.cleaned_data["choice"] == self.ERROR else None
