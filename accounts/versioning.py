"""Forms for records saved with compare-and-set on a `version` (patients' details, assessments, sessions).

When someone saved first, the refused edit is not thrown away: `changes_against` words where it
differs from what is saved now, and `retry_on` gives the same input bound to the saved record at its
new version, so a page can show both and let the user save their edit again, knowingly.
"""

from __future__ import annotations

import datetime
from typing import Any, Protocol, Self

from django import forms
from django.db import models
from django.utils import timezone
from django.utils.datastructures import MultiValueDict

EMPTY = "(empty)"


class Versioned(Protocol):
    """A record saved with compare-and-set: its version and when it was last saved."""

    version: int
    updated_at: datetime.datetime


class VersionedFormMixin(forms.Form):
    """For a ModelForm of a versioned record: a hidden `version`, the one the form was opened at."""

    version_field = "version"
    version = forms.IntegerField(widget=forms.HiddenInput)
    # Declared for the ModelForm this mixes into: the versioned record, and the posted data.
    instance: Any
    data: MultiValueDict[str, Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk:
            self.initial[self.version_field] = self.instance.version

    def changes_against(self, saved: Versioned) -> list[dict[str, str]]:
        """The fields where this valid form's input differs from what `saved` holds now.

        Each row has the field's `label` and the two values as a person reads them: `saved` and `yours`.
        """
        as_saved = type(self)(instance=saved)  # unbound: its initial values are the saved record's
        rows = []
        for name, field in self.fields.items():
            if name == self.version_field or field.widget.is_hidden:
                continue
            theirs = shown(field, as_saved.get_initial_for_field(field, name))
            yours = shown(field, self.cleaned_data.get(name))
            if theirs != yours:
                rows.append({"label": str(field.label or name), "saved": theirs, "yours": yours})
        return rows

    def retry_on(self, current: models.Model) -> Self:
        """The same input, bound to the record as saved now and carrying its current version."""
        data = self.data.copy()
        data[self.add_prefix(self.version_field)] = str(getattr(current, self.version_field))
        return type(self)(data, instance=current, prefix=self.prefix)


def shown(field: forms.Field, value: object) -> str:
    """A cleaned or saved value as the form's reader knows it: choices by their labels, dates as dates."""
    if value is None or value == "" or value == [] or value == ():
        return EMPTY
    labels = {str(code): str(label) for code, label in _flat_choices(field)}
    if isinstance(value, (list, tuple, set)):
        chosen = {str(item) for item in value}
        ordered = [label for code, label in labels.items() if code in chosen]
        return ", ".join(ordered + sorted(chosen - labels.keys()))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return labels.get(str(value), str(value))


def _flat_choices(field: forms.Field) -> list[tuple[Any, Any]]:
    flat: list[tuple[Any, Any]] = []
    for code, label in getattr(field, "choices", None) or ():
        if isinstance(label, (list, tuple)):  # an optgroup
            flat.extend(label)
        else:
            flat.append((code, label))
    return flat


def edit_conflict(form: VersionedFormMixin, saved: Versioned, *, record: str) -> dict[str, Any]:
    """What `includes/_edit_conflict.html` shows: who saved `record` when, and where the refused edit differs."""
    return {
        "record": record,
        "saved_at": saved.updated_at,
        "saved_by": getattr(saved, "updated_by", None),
        "changes": form.changes_against(saved),
    }
