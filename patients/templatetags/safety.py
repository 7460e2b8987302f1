"""Template filters that show a safety flag's severity: its colour, and what acknowledging it asks for."""

from django import template

from patients.safety_rules import Severity

register = template.Library()

# The Bootstrap tone of a severity's badge: HOLD and HIGH stop or need a plan, CLARIFY and MODERATE need a look.
_TONE = {
    Severity.HOLD: "danger",
    Severity.HIGH: "danger",
    Severity.CLARIFY: "warning",
    Severity.MODERATE: "warning",
    Severity.LOW: "secondary",
    Severity.INFO: "secondary",
}

# A flag card's border, a step lighter than the badge below HOLD so that a HOLD stands out in a list of flags.
_BORDER_TONE = {
    Severity.HOLD: "danger",
    Severity.HIGH: "danger-subtle",
    Severity.CLARIFY: "warning",
    Severity.MODERATE: "warning",
    Severity.LOW: "secondary-subtle",
    Severity.INFO: "secondary-subtle",
}


@register.filter
def as_severity(value: str) -> Severity:
    """A stored severity as the rules' Severity, for its properties (needs_resolution, needs_plan...)."""
    return Severity(value)


@register.filter
def severity_tone(value: str) -> str:
    return _TONE[Severity(value)]


@register.filter
def severity_border_tone(value: str) -> str:
    return _BORDER_TONE[Severity(value)]
