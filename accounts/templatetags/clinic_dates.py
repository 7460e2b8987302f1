"""Dates and times for templates: `<time datetime="{{ entry.at|iso_datetime }}">` gives 2026-04-01T09:30:00+02:00.

HTML's `datetime` attribute takes at most three digits of a second's fraction; the clinic's times are shown to the
minute, so the attribute stops at the second, in the clinic's time zone.
"""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.utils import timezone

register = template.Library()


@register.filter
def iso_datetime(value: datetime | date | None) -> str:
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return ""
