"""How a refused, stale edit words its differences from what is saved now."""

from __future__ import annotations

import datetime

import pytest
from django import forms

from accounts.versioning import shown

COLOURS = forms.MultipleChoiceField(choices=[("r", "Red"), ("g", "Green"), ("b", "Blue")])
GROUPED = forms.ChoiceField(choices=[("", "Choose"), ("Arm", [("sup", "Supinator"), ("ecr", "Extensor carpi")])])


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        (forms.CharField(), "", "(empty)"),
        (forms.CharField(), None, "(empty)"),
        (COLOURS, [], "(empty)"),
        (COLOURS, ["b", "r"], "Red, Blue"),  # in the form's order, not the order ticked
        (COLOURS, ["r", "gone"], "Red, gone"),  # a code no longer offered is still shown
        (GROUPED, "sup", "Supinator"),  # choices inside a group
        (forms.BooleanField(), False, "No"),
        (forms.BooleanField(), True, "Yes"),
        (forms.IntegerField(), 0, "0"),
        (forms.DateField(), datetime.date(2026, 11, 25), "2026-11-25"),
    ],
)
def test_values_are_shown_as_the_form_offers_them(field: forms.Field, value: object, expected: str) -> None:
    assert shown(field, value) == expected
