"""Words and tones for the needling gate's answers on pages."""

from __future__ import annotations

from django import template

from assessments.site_gate import Verdict

register = template.Library()

_TONES = {
    Verdict.ALLOWED: "text-bg-success",
    Verdict.CAUTION: "text-bg-info",
    Verdict.NEEDS_NOTE: "text-bg-warning",
    Verdict.HELD: "text-bg-danger",
}


@register.filter
def verdict_tone(verdict: Verdict | str) -> str:
    """The badge classes of a site verdict."""
    return _TONES.get(Verdict(verdict), "text-bg-secondary")
