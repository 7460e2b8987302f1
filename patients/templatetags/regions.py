"""Body regions in words, for templates: `{{ region|region_words }}` gives "the chest wall"."""

from django import template

from patients.models import REGION_LABELS
from patients.safety_rules import REGION_WORDS

register = template.Library()


@register.filter
def region_words(region: str) -> str:
    return REGION_WORDS.get(region, str(region))


@register.filter
def region_label(region: str) -> str:
    return REGION_LABELS.get(region, str(region))
