"""Patient-facing sentences made from a template and values, translatable by the layer that knows the language.

The rules module speaks English and imports nothing of Django. A sentence with values in it is a `Wording`: it
is the English sentence (a str, so it compares and prints as before), and it keeps the template (with
%(name)s placeholders) and the values, so the patient's page can translate the template and put the values
back (patients.languages.translate).
"""

from __future__ import annotations

from typing import Any


class Wording(str):
    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, **params: Any) -> Wording:
        english = {name: f"{value:g}" if isinstance(value, float) else value for name, value in params.items()}
        sentence = super().__new__(cls, template % english if params else template)
        sentence.template = template
        sentence.params = params
        return sentence

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self.template, self.params))


def _rebuild(template: str, params: dict[str, Any]) -> Wording:
    return Wording(template, **params)
