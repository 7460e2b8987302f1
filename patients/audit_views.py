"""A patient's "who has seen my record" report, for access requests: the clinic admin reads and exports it."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from accounts import audit
from accounts.models import AuditAction, AuditEvent
from accounts.permissions import permission_required

from .models import Patient

PAGE_SIZE = 50


@require_safe
@permission_required("accounts.view_auditevent")
def patient_access_report(request: HttpRequest, pk: int) -> HttpResponse:
    patient = get_object_or_404(Patient, pk=pk)
    audit.audit(action=AuditAction.VIEW, object_type="patients.accessreport", object_id=str(pk), patient_id=pk)
    events = AuditEvent.objects.for_report().filter(patient_id=pk)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    viewers = events.exclude(actor=None).values("actor_username", "role").distinct().order_by("actor_username")
    context = {"patient": patient, "page": page, "viewers": viewers, "filters": ""}
    return render(request, "patients/patient_access_report.html", context)


@require_safe
@permission_required("accounts.view_auditevent")
def patient_access_report_export(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    patient = get_object_or_404(Patient, pk=pk)
    audit.audit(action=AuditAction.EXPORT, object_type="patients.accessreport", object_id=str(pk), patient_id=pk)
    filename = f"access-report-patient-{patient.pk}-{timezone.localtime():%Y%m%d}.csv"
    return audit.csv_response(AuditEvent.objects.filter(patient_id=pk), filename)
