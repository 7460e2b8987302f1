"""The patient's messages: what the clinic sent them, when, how and with what result (front desk and
physiotherapists; messages carry no clinical detail, and their text is not shown here)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from accounts import audit
from accounts.models import AuditAction
from accounts.permissions import permission_required

from .models import Patient

PAGE_SIZE = 25


@require_safe
@permission_required("patients.view_patient")
def patient_messages(request: HttpRequest, pk: int) -> HttpResponse:
    patient = get_object_or_404(Patient, pk=pk)
    audit.audit(action=AuditAction.VIEW, object_type="patients.messages", object_id=str(pk), patient_id=pk)
    page = Paginator(patient.messages.for_record(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "patients/patient_messages.html", {"patient": patient, "page": page, "filters": ""})
