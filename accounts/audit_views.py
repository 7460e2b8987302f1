"""The clinic admin's audit page: the trail filtered by patient, staff member and dates, and its CSV."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from . import audit
from .forms import AuditFilterForm
from .models import AuditAction, AuditEvent
from .permissions import permission_required

PAGE_SIZE = 50


@require_safe
@permission_required("accounts.view_auditevent")
def audit_list(request: HttpRequest) -> HttpResponse:
    return _audit_page(request, AuditFilterForm(request.GET or None))


@require_safe
@permission_required("accounts.view_auditevent")
def audit_export(request: HttpRequest) -> HttpResponseBase:
    form = AuditFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return _audit_page(request, form)  # the filters and their messages, rather than a CSV of the whole trail
    patient_id = form.cleaned_data.get("patient") if form.is_bound else None
    audit.audit(action=AuditAction.EXPORT, object_type="accounts.auditevent", patient_id=patient_id)
    filename = f"audit-{timezone.localtime():%Y%m%d-%H%M}.csv"
    return audit.csv_response(form.filter(AuditEvent.objects.all()), filename)


def _audit_page(request: HttpRequest, form: AuditFilterForm) -> HttpResponse:
    events = form.filter(AuditEvent.objects.for_report())
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    filters = request.GET.copy()
    filters.pop("page", None)
    context = {"form": form, "page": page, "filters": filters.urlencode()}
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "accounts/audit_list.html", context, status=status)
