"""The patient's answer to one question of an outcome questionnaire on the phone: one choice, in range; on the
last page, with the pain now, where it hurts today."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from patients import pain_map


class AnswerForm(forms.Form):
    """One question: its answers are the numbers of the questionnaire's scale, the ends in words."""

    answer = forms.TypedChoiceField(
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Please choose an answer."),
            "invalid_choice": _("Please choose one of the answers shown."),
        },
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.TypedChoiceField, self.fields["answer"])
        field.choices = [(str(value), label) for value, label in choices]


class PainNowForm(AnswerForm):
    """The last page: the pain now, and where it hurts today on the pain map (optional)."""

    where = forms.MultipleChoiceField(
        label=_("Where does it hurt today?"),
        required=False,
        choices=pain_map.CHOICES,
        widget=pain_map.PainMapWidget(),
        error_messages={"invalid_choice": _("Choose the places from the list.")},
    )
