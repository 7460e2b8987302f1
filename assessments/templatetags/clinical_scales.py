"""Recorded grades in words for the pages that list them."""

from __future__ import annotations

from django import template

from assessments.scales import MrcGrade

register = template.Library()


@register.filter
def strength_grade(grade: str, prefix: str = "") -> str:
    """An MRC grade as shown (``"MRC 4"`` with a prefix), or "not tested" for NT, which has no grade to show."""
    if grade == MrcGrade.NOT_TESTED:
        return "not tested"
    return f"{prefix} {grade}" if prefix else str(grade)
