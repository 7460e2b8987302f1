"""The rules module's patient wording in the patient's language: `{{ question.text|translated }}`."""

from django import template

from patients.languages import translate

register = template.Library()


@register.filter
def translated(text: str) -> str:
    return translate(text)
