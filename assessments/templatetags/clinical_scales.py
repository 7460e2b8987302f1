"""Recorded grades in words for the pages that list them."""

from __future__ import annotations

from django import template

from assessments import scales
from assessments.scales import MrcGrade

register = template.Library()


@register.filter
def strength_grade(grade: str, prefix: str = "") -> str:
    """An MRC grade as shown (``"MRC 4"`` with a prefix), or "not tested" for NT, which has no grade to show."""
    if grade == MrcGrade.NOT_TESTED:
        return "not tested"
    return f"{prefix} {grade}" if prefix else str(grade)


@register.filter
def mrc_out_of_five(grade: str) -> str:
    """An MRC grade as clinicians write it ("4-/5"), or "not tested"."""
    return scales.mrc_out_of_five(grade)
