"""The patient's pages after a session, behind private links: the aftercare sheet and the check (6.5)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from patients import private_links

from .aftercare_forms import CheckForm
from .models import AftercareLink, CheckLink, TreatmentSession, WarningSign
from .services import aftercare as aftercare_services


def _session(link: AftercareLink | CheckLink) -> TreatmentSession | None:
    session = TreatmentSession.objects.filter(pk=link.session_id).first()
    return session if session is not None and session.is_signed else None


@private_links.patient_page
@require_http_methods(["GET", "POST"])
def aftercare_sheet(request: HttpRequest, token: str) -> HttpResponse:
    link = private_links.open_link(request, AftercareLink, token)
    if isinstance(link, HttpResponse):
        return link
    asked = private_links.require_date_of_birth(
        request, link, purpose=_("This link opens your aftercare sheet after your treatment.")
    )
    if asked is not None:
        return asked
    session = _session(link)
    if session is None:
        return private_links.unavailable(request)
    context = {
        "sheet": aftercare_services.sheet_for(session),
        "treated_on": session.started_at,
        "first_name": link.patient.given_name,
        "clinic_phone": settings.CLINIC_PHONE,
    }
    return render(request, "aftercare/sheet.html", context)


@private_links.patient_page
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest, token: str) -> HttpResponse:
    link = private_links.open_link(request, CheckLink, token)
    if isinstance(link, HttpResponse):
        return link
    asked = private_links.require_date_of_birth(
        request, link, purpose=_("This link opens a few questions about how you feel after your treatment.")
    )
    if asked is not None:
        return asked
    session = _session(link)
    if session is None:
        return private_links.unavailable(request)
    link.session = session
    form = CheckForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        data = form.cleaned_data
        answers = aftercare_services.CheckAnswers(
            soreness=data["soreness"],
            regions=data["regions"],
            bruising=data["bruising"],
            warning_signs=data["warning_signs"],
            words=data["words"],
        )
        report = aftercare_services.check_submit(link=link, answers=answers)
        if report is None:
            return private_links.unavailable(request)
        context = {
            "first_name": link.patient.given_name,
            "clinic_phone": settings.CLINIC_PHONE,
            "has_warning_sign": bool(report.warning_signs),
            "breathless": WarningSign.BREATHLESS_CHEST_PAIN in report.warning_signs,
        }
        return render(request, "aftercare/check_thanks.html", context)
    status = 400 if form.is_bound else 200
    context = {"form": form, "first_name": link.patient.given_name, "treated_on": session.started_at}
    return render(request, "aftercare/check.html", context, status=status)
