"""Records pages: a patient's export (a disclosure), the clinic's CSV export, the patient import,
the integration tokens, and the read-only FHIR API."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from accounts.http import AuthenticatedHttpRequest
from accounts.permissions import permission_required
from accounts.submissions import DuplicateSubmission
from assessments import services as assessment_services
from assessments.views import assessment_record_tables
from patients import services as patient_services
from patients.models import Patient

from . import clinic_export, fhir, importing, services
from .forms import (
    ClinicExportForm,
    IntegrationTokenForm,
    PatientExportForm,
    PatientImportConfirmForm,
    PatientImportUploadForm,
    PatientPickForm,
)
from .models import IntegrationToken

PICK_PAGE_SIZE = 20
ALREADY_EXPORTED = "This export was already made from this form. Open the form again to make another."


def attachment(response: HttpResponse, filename: str) -> HttpResponse:
    """A download, never shown inline, under a name the server chose (reliability notes 3.2.1)."""
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _stamp() -> str:
    return f"{timezone.localtime():%Y%m%d-%H%M}"


@require_safe
@permission_required("records.export_patient_record")
def patient_pick(request: HttpRequest) -> HttpResponse:
    form = PatientPickForm(request.GET or None)
    text = form.cleaned_data["q"] if form.is_valid() else ""
    page = None
    if text:
        patients = patient_services.patient_search(text=text, include_archived=True)
        page = Paginator(patients, PICK_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "records/patient_pick.html", {"form": form, "page": page, "query": text})


@permission_required("records.export_patient_record")
def patient_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    patient = get_object_or_404(Patient, pk=pk)
    form = PatientExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        disclosure = form.disclosure()
        try:
            record = services.patient_record_disclose(
                patient=patient,
                disclosed_by=request.user,
                disclosure=disclosure,
                export_format=data["export_format"],
                submission_key=data["submission_key"],
                result_url=request.path,
            )
        except DuplicateSubmission:
            form.add_error(None, ALREADY_EXPORTED)
        else:
            if data["export_format"] == services.ExportFormat.FHIR:
                return _fhir_download(request, record)
            return _document_download(request, record, disclosure)
    context = {"patient": patient, "form": form}
    return render(request, "records/patient_export.html", context)


def fhir_base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("fhir:base"))


def _fhir_download(request: HttpRequest, record: fhir.PatientRecord) -> HttpResponse:
    resources = fhir.PatientRecordMapper(record).resources()
    document = fhir.bundle(resources, base_url=fhir_base_url(request))
    body = json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1)
    response = HttpResponse(body, content_type="application/fhir+json; charset=utf-8")
    return attachment(response, f"patient-{record.patient.pk}-record-{_stamp()}.json")


def _document_download(
    request: AuthenticatedHttpRequest, record: fhir.PatientRecord, disclosure: services.Disclosure
) -> HttpResponse:
    assessments = [
        {
            "assessment": item,
            "summary": assessment_services.assessment_summary(assessment=item),
            "tables": assessment_record_tables(item),
        }
        for item in record.assessments
    ]
    responses = [{"response": item, "answers": fhir.answer_rows(item)} for item in record.responses]
    context = {
        "record": record,
        "patient": record.patient,
        "assessments": assessments,
        "responses": responses,
        "disclosure": disclosure,
        "purpose_label": services.DisclosurePurpose(disclosure.purpose).label,
        "made_at": timezone.localtime(),
        "made_by": request.user,
        "clinic_name": settings.CLINIC_NAME,
    }
    body = render_to_string("records/patient_record_document.html", context)
    response = HttpResponse(body, content_type="text/html; charset=utf-8")
    return attachment(response, f"patient-{record.patient.pk}-record-{_stamp()}.html")


@permission_required("records.export_clinic_data")
def clinic_export_view(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    form = ClinicExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.clinic_export_disclose(
                exported_by=request.user,
                disclosure=form.disclosure(),
                pseudonymised=data["pseudonymise"],
                submission_key=data["submission_key"],
                result_url=request.path,
            )
        except DuplicateSubmission:
            form.add_error(None, ALREADY_EXPORTED)
        else:
            archive = clinic_export.clinic_zip(pseudonymised=data["pseudonymise"], clinic=settings.CLINIC_NAME)
            kind = "pseudonymised" if data["pseudonymise"] else "identified"
            filename = f"clinic-export-{kind}-{_stamp()}.zip"
            response = FileResponse(archive, content_type="application/zip", as_attachment=True, filename=filename)
            response["X-Content-Type-Options"] = "nosniff"
            return response
    return render(request, "records/clinic_export.html", {"form": form})


@permission_required("records.import_patients")
def patient_import(request: HttpRequest) -> HttpResponse:
    form = (
        PatientImportUploadForm(request.POST, request.FILES) if request.method == "POST" else PatientImportUploadForm()
    )
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["file"]
        try:
            preview = importing.import_preview(text=text)
        except importing.ImportFileError as error:
            form.add_error("file", str(error))
        else:
            confirm = PatientImportConfirmForm(initial={"payload": importing.sign_payload(text)})
            return render(request, "records/patient_import_preview.html", {"preview": preview, "form": confirm})
    return render(request, "records/patient_import.html", {"form": form})


@require_POST
@permission_required("records.import_patients")
def patient_import_confirm(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = PatientImportConfirmForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("records:patient-import")
    data = form.cleaned_data
    try:
        created = importing.patients_import(
            text=data["payload"],
            imported_by=request.user,
            submission_key=data["submission_key"],
            include_duplicates=set(data["include_duplicate"]),
            result_url=reverse("patients:patient-list"),
        )
    except DuplicateSubmission as already:
        messages.info(request, "This import was already confirmed; the patients are in the registry.")
        return redirect(already.result_url or "patients:patient-list")
    except (importing.ImportRejected, importing.ImportFileError) as error:
        preview = getattr(error, "preview", None)
        if preview is None or not isinstance(error, importing.ImportRejected):
            messages.error(request, str(error))
            return redirect("records:patient-import")
        form.add_error(None, error.message)
        context = {"preview": preview, "form": form}
        return render(request, "records/patient_import_preview.html", context)
    messages.success(request, f"{len(created)} patients imported.")
    return redirect("patients:patient-list")


@permission_required("records.view_integrationtoken", "records.add_integrationtoken")
def integration_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = IntegrationTokenForm(request.POST or None)
    shown_token = None
    if request.method == "POST" and form.is_valid():
        try:
            token, shown_token = services.integration_token_create(
                name=form.cleaned_data["name"],
                created_by=request.user,
                submission_key=form.cleaned_data["submission_key"],
                result_url=request.path,
            )
        except DuplicateSubmission:
            messages.info(request, "This token was already created; it was shown once. Revoke it and make another.")
            return redirect("records:integration-list")
        messages.success(request, f"The token for {token.name} is made. Copy it now: it is shown only once.")
        form = IntegrationTokenForm()
    context = {
        "form": form,
        "tokens": IntegrationToken.objects.select_related("created_by", "revoked_by"),
        "shown_token": shown_token,
        "fhir_base": fhir_base_url(request),
    }
    return render(request, "records/integration_list.html", context)


@require_POST
@permission_required("records.change_integrationtoken")
def integration_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    token = services.integration_token_revoke(
        token=get_object_or_404(IntegrationToken, pk=pk), revoked_by=request.user
    )
    messages.success(request, f"The token of {token.name} is revoked; it no longer opens the API.")
    return redirect("records:integration-list")


# --- The FHIR API (read-only, a bearer token per integration, no session) ---------------------------------

FHIR_JSON = "application/fhir+json"


def _outcome(status: int, code: str, text: str) -> JsonResponse:
    body = {"resourceType": "OperationOutcome", "issue": [{"severity": "error", "code": code, "diagnostics": text}]}
    response = JsonResponse(body, status=status, content_type=FHIR_JSON)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="fhir"'
    return response


def _bearer(request: HttpRequest) -> IntegrationToken | None:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return services.integration_token_authenticate(raw=value.strip())


def fhir_api(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """No login, no session: the bearer token of an active integration, or 401; GET and HEAD only."""

    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        token = _bearer(request)
        if token is None:
            return _outcome(401, "login", "A valid bearer token of an active integration is needed.")
        return view(request, token, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return login_not_required(never_cache(require_safe(wrapped)))


def _fhir_json(document: dict[str, Any]) -> HttpResponse:
    body = json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False)
    return HttpResponse(body, content_type=FHIR_JSON)


@fhir_api
def fhir_base(request: HttpRequest, token: IntegrationToken) -> HttpResponse:
    """The base URL answers with what it serves (a minimal CapabilityStatement)."""
    statement = {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": timezone.localdate().isoformat(),
        "kind": "instance",
        "fhirVersion": fhir.FHIR_VERSION,
        "format": ["json"],
        "rest": [
            {
                "mode": "server",
                "resource": [
                    {"type": name, "interaction": [{"code": "read"}]} for name in sorted(fhir.RESOURCE_TYPES)
                ],
            }
        ],
    }
    return _fhir_json(statement)


@fhir_api
def fhir_read(request: HttpRequest, token: IntegrationToken, resource_type: str, resource_id: str) -> HttpResponse:
    located = fhir.locate(resource_type, resource_id) if resource_type in fhir.RESOURCE_TYPES else None
    resource = fhir.read(resource_type, resource_id, located) if located else None
    if located is None or resource is None:
        return _outcome(404, "not-found", f"{resource_type}/{resource_id} is not known.")
    services.api_read_recorded(
        token=token, instance=located.instance, patient_id=located.patient_id, request=f"{resource_type}/{resource_id}"
    )
    return _fhir_json(resource)


@fhir_api
def fhir_patient_everything(request: HttpRequest, token: IntegrationToken, resource_id: str) -> HttpResponse:
    is_id = resource_id.isdigit() and len(resource_id) <= fhir.MAX_ID_DIGITS
    patient = Patient.objects.filter(pk=int(resource_id)).first() if is_id else None
    if patient is None:
        return _outcome(404, "not-found", f"Patient/{resource_id} is not known.")
    resources = fhir.patient_resources(patient)
    services.api_read_recorded(
        token=token, instance=patient, patient_id=patient.pk, request=f"Patient/{resource_id}/$everything"
    )
    return _fhir_json(fhir.bundle(resources, base_url=fhir_base_url(request), bundle_type="searchset"))
