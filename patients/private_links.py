"""The patient's private links other than the safety questionnaire: issue, find, confirm, use.

A concrete link is a model of its own app built on `patients.models.PrivateLink` (the aftercare sheet and the
check after a session, an outcome questionnaire before a visit, a booking's page). All of them share the
questionnaire's protections: a 256-bit token of which only the SHA-256 is stored, an expiry, guessing slowed
and then refused by address (the questionnaire's `LinkLookupFailure` window), and the patient's date of birth
asked before anything about them is shown, a few wrong tries locking the link.

Views use `open_link` and then `require_date_of_birth`; both answer with a page of their own (unavailable,
too many attempts, locked, the date-of-birth question) or let the view go on.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date, timedelta
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from accounts.client_ip import client_ip

from . import languages, services
from .models import Patient, PrivateLink
from .questionnaire_forms import DateOfBirthForm

L = TypeVar("L", bound=PrivateLink)

VERIFIED_FOR_SECONDS = 60 * 60


def patient_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """No login, never cached, not for search engines, and the URL (it holds the token) never sent to another site;
    in the patient's language, with the language switcher handled (patients.languages).

    "same-origin" rather than "no-referrer": with no-referrer Chromium sends `Origin: null` on the
    page's own form posts, which Django's CSRF check rightly refuses.
    """

    in_language = languages.patient_language(view)

    @login_not_required
    @never_cache
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = in_language(request, *args, **kwargs)
        response["Referrer-Policy"] = "same-origin"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapped


def new_token() -> str:
    return secrets.token_urlsafe(32)  # 256 random bits


@transaction.atomic
def issue(model: type[L], *, patient: Patient, valid_for: timedelta, **fields: Any) -> tuple[L, str]:
    """A new link of this kind for the patient; the token exists only here and in the URL sent."""
    token = new_token()
    now = timezone.now()
    link = model._default_manager.create(
        patient=patient,
        token_hash=services.token_hash(token),
        created_at=now,
        expires_at=now + valid_for,
        **fields,
    )
    return link, token


def find(model: type[L], *, token: str, address: str) -> L | None:
    """The usable link of this kind for the token, or None (recorded as a failed look-up from the address).
    An archived patient's links no longer open."""
    link = None
    if 20 <= len(token) <= 100:
        link = model._default_manager.select_related("patient").filter(token_hash=services.token_hash(token)).first()
    if link is None or not link.is_usable or link.patient.is_archived:
        services.link_lookup_failed(address=address)
        return None
    return link


def unavailable(request: HttpRequest) -> HttpResponse:
    """One neutral answer for every link that cannot be used: it says nothing about whether the patient exists."""
    from .questionnaire_views import unavailable as questionnaire_unavailable

    return questionnaire_unavailable(request)


def open_link(request: HttpRequest, model: type[L], token: str) -> L | HttpResponse:
    """The link behind the token, marked opened; or the page that says it cannot be used, or to wait."""
    from .questionnaire_views import refused

    address = client_ip(request)
    wait_seconds = services.questionnaire_link_lookup_wait(address=address)
    if wait_seconds:
        return refused(request, wait_seconds)
    link = find(model, token=token, address=address)
    if link is None:
        return unavailable(request)
    model._default_manager.filter(pk=link.pk, opened_at__isnull=True).update(opened_at=timezone.now())
    languages.activate_for_patient(request, link.patient)
    return link


def _session_key(link: PrivateLink) -> str:
    return f"link:{link._meta.label_lower}:{link.pk}"


def is_verified(request: HttpRequest, link: PrivateLink) -> bool:
    verified_at = request.session.get(_session_key(link), 0)
    return timezone.now().timestamp() - verified_at < VERIFIED_FOR_SECONDS


@transaction.atomic
def confirm_date_of_birth(link: L, *, date_of_birth: date) -> services.DateOfBirthCheck:
    """Every miss counts, and the last allowed miss locks the link (committed with the answer)."""
    locked = type(link)._default_manager.select_for_update().select_related("patient").get(pk=link.pk)
    if not locked.is_usable:
        return services.DateOfBirthCheck.LOCKED
    if date_of_birth == locked.patient.date_of_birth:
        return services.DateOfBirthCheck.CONFIRMED
    locked.failed_date_of_birth_attempts += 1
    fields = ["failed_date_of_birth_attempts"]
    if locked.failed_date_of_birth_attempts >= settings.CLINIC_QUESTIONNAIRE_DOB_TRIES:
        locked.locked_at = timezone.now()
        fields.append("locked_at")
    locked.save(update_fields=fields)
    return services.DateOfBirthCheck.LOCKED if locked.locked_at else services.DateOfBirthCheck.WRONG


def require_date_of_birth(request: HttpRequest, link: PrivateLink, *, purpose: str) -> HttpResponse | None:
    """None once this browser has confirmed the patient's date of birth for this link; until then the page
    that asks for it (`purpose` says in a sentence what the link opens, marked for translation: `gettext(...)`),
    or the locked page. The date of birth sent again once confirmed (from a second tab) opens the page itself."""
    if is_verified(request, link):
        if request.method == "POST" and "date_of_birth" in request.POST:
            return redirect(request.get_full_path())
        return None
    form = DateOfBirthForm(request.POST if request.method == "POST" and "date_of_birth" in request.POST else None)
    if form.is_bound and form.is_valid():
        check = confirm_date_of_birth(link, date_of_birth=form.cleaned_data["date_of_birth"])
        if check == services.DateOfBirthCheck.LOCKED:
            return render(request, "questionnaire/locked.html", {"first_name": link.patient.given_name}, status=403)
        if check == services.DateOfBirthCheck.CONFIRMED:
            request.session.cycle_key()
            request.session[_session_key(link)] = timezone.now().timestamp()
            return redirect(request.get_full_path())
        form.add_error("date_of_birth", services.DATE_OF_BIRTH_MISMATCH)
    context = {"first_name": link.patient.given_name, "form": form, "purpose": purpose}
    return render(request, "patient_links/date_of_birth.html", context)


def mark_used(link: PrivateLink) -> bool:
    """Record the link's use; False when it was already used (a double submit) or closed meanwhile."""
    now = timezone.now()
    return bool(
        type(link)
        ._default_manager.filter(pk=link.pk, used_at__isnull=True, revoked_at__isnull=True, locked_at__isnull=True)
        .filter(expires_at__gt=now)
        .update(used_at=now)
    )
