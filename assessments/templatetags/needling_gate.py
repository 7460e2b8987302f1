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

# The catalogue's precaution tags (2.3) in a few words for the lists.
_PRECAUTION_WORDS = {
    "THORAX": "Over the lung",
    "NV": "Nerve or vessel near",
    "DEEP": "Deep",
    "CANAL": "Near the spinal canal",
    "VISCERA": "Organs beneath",
}


@register.filter
def verdict_tone(verdict: Verdict | str) -> str:
    """The badge classes of a site verdict."""
    return _TONES.get(Verdict(verdict), "text-bg-secondary")


@register.filter
def precaution_words(tag: object) -> str:
    """A precaution tag in a few words."""
    value = getattr(tag, "value", tag)
    return _PRECAUTION_WORDS.get(str(value), str(value))
