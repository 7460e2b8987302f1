"""The language of the patient's pages: the patient's own choice, on their pages only (staff pages stay English).

A patient page is wrapped in `patient_language` (`private_links.patient_page` does it, and so do the
questionnaire's pages). The language is, in order:

1. the one chosen with the switcher in the page's header, for this browser (kept in its session);
2. the patient's preferred language, once the view knows the patient: it calls
   `activate_for_patient(request, patient)` (`private_links.open_link` does it for every private link);
3. the browser's language, when it is one of settings.LANGUAGES (a page shown before the patient is known,
   such as "this link cannot be used");
4. settings.LANGUAGE_CODE.

The switcher is a link to the page itself with `?lang=<code>` (no form, so no JavaScript and no CSRF token
needed, and every "link cannot be used" page stays the same whatever the token): the decorator keeps the choice
in the session and sends the browser back to the page without the parameter, so the view never sees it. A
code that is not in settings.LANGUAGES is ignored. Choosing how a page reads is the one thing a GET changes here:
a forged link can do no more than show a page in English or French. Nothing here changes the language of the
staff's pages: no LocaleMiddleware, and the language is put back when the view returns.

A new patient page needs nothing more than `@patient_page` (or `@patient_language`) and `{% translate %}` in its
template; adding a language is adding it to settings.LANGUAGES and its message file under locale/ (README).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext

from .models import Patient

SESSION_KEY = "patient_language"
PARAMETER = "lang"


def supported(code: object) -> str | None:
    """The code as settings.LANGUAGES spells it, or None when it is not one of them."""
    if not isinstance(code, str):
        return None
    wanted = code.strip().lower().replace("_", "-")
    return next((language for language, _name in settings.LANGUAGES if language == wanted), None)


def chosen(request: HttpRequest) -> str | None:
    """The language chosen with the switcher in this browser, if any."""
    return supported(request.session.get(SESSION_KEY)) if hasattr(request, "session") else None


def activate_for_patient(request: HttpRequest, patient: Patient) -> str:
    """Use the patient's preferred language for the rest of this request, unless this browser chose one."""
    language = chosen(request) or supported(patient.preferred_language) or settings.LANGUAGE_CODE
    translation.activate(language)
    request.LANGUAGE_CODE = language
    return language


def _from_browser(request: HttpRequest) -> str:
    language = translation.get_language_from_request(request, check_path=False)
    return supported(language) or settings.LANGUAGE_CODE


def patient_language(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Render the patient page in the patient's language and handle the language switcher's post."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "GET" and PARAMETER in request.GET:
            language = supported(request.GET.get(PARAMETER))
            if language is not None:
                request.session[SESSION_KEY] = language
            return HttpResponseRedirect(request.path)  # the page again, without the parameter
        language = chosen(request) or _from_browser(request)
        request.offers_language_choice = True  # type: ignore[attr-defined]  # the header shows the switcher
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = view(request, *args, **kwargs)
            response.setdefault("Content-Language", translation.get_language())
        return response

    return wrapped


def others() -> list[tuple[str, str]]:
    """The languages other than the active one, each named in its own language, for the switcher."""
    return [(code, name) for code, name in settings.LANGUAGES if code != translation.get_language()]


def translate(text: str) -> str:
    """A patient-facing sentence of the rules module (pure Python, English) in the active language.

    Sentences made from a template and values (`safety_rules.Wording`) are translated from their template,
    their values put in afterwards (numbers as the language writes them, words translated in turn)."""
    template = getattr(text, "template", None)
    if template is None:
        return gettext(str(text)) if text else str(text)
    params: Mapping[str, object] = getattr(text, "params", {})
    return gettext(template) % {name: _value(value) for name, value in params.items()}


def _value(value: object) -> object:
    if isinstance(value, str):
        return translate(value)
    if isinstance(value, float | int) and not isinstance(value, bool):
        return number_format(Decimal(f"{value:g}"), use_l10n=True)
    return value
