"""The rules module's patient wording in the patient's language: `{{ question.text|translated }}`."""

from django import template

from patients import languages
from patients.languages import translate

register = template.Library()


@register.filter
def translated(text: str) -> str:
    return translate(text)


@register.simple_tag
def other_languages() -> list[tuple[str, str]]:
    """The languages the page can switch to, each named in its own language (settings.LANGUAGES, untranslated)."""
    return languages.others()
