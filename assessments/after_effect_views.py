"""What follows a session, for the physiotherapist: its aftercare sheet to print at the desk, and the review of
after-effects the patient reported on the check (clinical-reference.md 6.5)."""

from __future__ import annotations

from typing import Any

from auditlog.signals import accessed
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.views.decorators.http import require_POST

from accounts.audit import audit
from accounts.forms import add_service_errors
from accounts.http import AuthenticatedHttpRequest
from accounts.models import AuditAction
from accounts.permissions import permission_required

from .aftercare_forms import ReviewAdverseEventForm, ReviewCloseForm
from .models import AfterEffectReview, TreatmentSession
from .services import aftercare as aftercare_services


@permission_required("assessments.view_treatmentsession")
def session_aftercare(request: HttpRequest, pk: int) -> HttpResponse:
    """The session's aftercare sheet, in the patient's language, to print and hand over."""
    session = get_object_or_404(TreatmentSession.objects.select_related("patient", "questionnaire"), pk=pk)
    audit(action=AuditAction.PRINT, instance=session, data={"summary": "Aftercare sheet"})
    with translation.override(session.patient.preferred_language or settings.LANGUAGE_CODE):
        context = {
            "session": session,
            "patient": session.patient,
            "letter_date": session.started_at,
            "sheet": aftercare_services.sheet_for(session),
            "treated_on": session.started_at,
            "watermark": "Entered in error" if session.is_entered_in_error else "",
        }
        return render(request, "assessments/session_aftercare.html", context)


def _own_review(request: AuthenticatedHttpRequest, pk: int) -> AfterEffectReview:
    """A review of the physiotherapist's own session; any other is not found (404), as another patient's is."""
    review = get_object_or_404(
        AfterEffectReview.objects.select_related("report__session__patient", "report__session__physiotherapist"),
        pk=pk,
    )
    if review.physiotherapist_id != request.user.pk or review.report.session.physiotherapist_id != request.user.pk:
        raise Http404
    return review


def _render(
    request: AuthenticatedHttpRequest, review: AfterEffectReview, status: int = 200, **forms: Any
) -> HttpResponse:
    report = review.report
    context = {
        "review": review,
        "report": report,
        "session": report.session,
        "patient": report.session.patient,
        "regions": aftercare_services.region_words(report.regions),
        "event_form": forms.get("event_form") or ReviewAdverseEventForm(),
        "close_form": forms.get("close_form") or ReviewCloseForm(),
    }
    return render(request, "assessments/after_effect_review.html", context, status=status)


@permission_required("assessments.view_treatmentsession")
def after_effect_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = _own_review(request, pk)
    accessed.send(sender=AfterEffectReview, instance=review)
    return _render(request, review)


@require_POST
@permission_required("assessments.add_adverseevent")
def after_effect_record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = _own_review(request, pk)
    form = ReviewAdverseEventForm(request.POST)
    if form.is_valid():
        try:
            aftercare_services.review_record_adverse_event(review=review, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Recorded as an adverse event of the session, reported later.")
            return redirect(review.report.session)
    return _render(request, review, status=400, event_form=form)


@require_POST
@permission_required("assessments.add_adverseevent")
def after_effect_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    review = _own_review(request, pk)
    form = ReviewCloseForm(request.POST)
    if form.is_valid():
        try:
            aftercare_services.review_close(review=review, by=request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The report is closed with your note.")
            return redirect("home")
    return _render(request, review, status=400, close_form=form)
