"""Patients' pages: the registry, registration, the chart, and consent."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.roles import Role, has_role, role_required
from accounts.submissions import DuplicateSubmission, previous_result

from . import services, timeline
from .forms import ConsentRecordForm, ConsentWithdrawForm, PatientCreateForm, PatientForm, RegistrySearchForm
from .models import Consent, ConsentTextVersion, Patient

STAFF_WHO_SEE_PATIENTS = (Role.FRONT_DESK, Role.PHYSIOTHERAPIST)
PAGE_SIZE = 25


@role_required(*STAFF_WHO_SEE_PATIENTS)
def patient_list(request: HttpRequest) -> HttpResponse:
    form = RegistrySearchForm(request.GET or None)
    text, include_archived = "", False
    if form.is_valid():
        text, include_archived = form.cleaned_data["q"], form.cleaned_data["archived"]
    patients = services.patient_search(text=text, include_archived=include_archived)
    page = Paginator(patients, PAGE_SIZE).get_page(request.GET.get("page"))
    template = "patients/_patient_rows.html" if request.htmx else "patients/patient_list.html"
    return render(request, template, {"form": form, "page": page, "query": text, "include_archived": include_archived})


@role_required(*STAFF_WHO_SEE_PATIENTS)
def patient_create(request: HttpRequest) -> HttpResponse:
    form = PatientCreateForm(request.POST or None)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        already = previous_result(form.cleaned_data["submission_key"])
        if already:
            messages.info(request, "This form was already sent; here is the patient it registered.")
            return redirect(already)
        if request.POST.get("confirm_new") != "yes":
            duplicates = services.patient_possible_duplicates(data=form.cleaned_data)
        if not duplicates:
            try:
                patient = services.patient_create(
                    data=form.cleaned_data, created_by=request.user, submission_key=form.cleaned_data["submission_key"]
                )
            except DuplicateSubmission as already:
                messages.info(request, "This form was already sent; here is the patient it registered.")
                return redirect(already.result_url or "patients:patient-list")
            messages.success(request, f"{patient.display_name} is registered.")
            return redirect(patient)
    return render(request, "patients/patient_form.html", {"form": form, "duplicates": duplicates, "creating": True})


@role_required(*STAFF_WHO_SEE_PATIENTS)
def patient_update(request: HttpRequest, pk: int) -> HttpResponse:
    patient = get_object_or_404(Patient, pk=pk)
    if patient.is_archived:
        messages.error(request, "This patient is archived. Restore the patient before changing their details.")
        return redirect(patient)
    form = PatientForm(request.POST or None, instance=patient)
    if request.method == "POST" and form.is_valid():
        try:
            services.patient_update(patient=patient, data=form.cleaned_data, updated_by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The patient's details are saved.")
            return redirect(patient)
    return render(request, "patients/patient_form.html", {"form": form, "patient": patient, "creating": False})


@role_required(*STAFF_WHO_SEE_PATIENTS)
def patient_detail(request: HttpRequest, pk: int) -> HttpResponse:
    patient = get_object_or_404(Patient.objects.select_related("created_by", "updated_by", "archived_by"), pk=pk)
    services.patient_chart_opened(patient=patient)
    clinical = has_role(request.user, Role.PHYSIOTHERAPIST)
    context = {
        "patient": patient,
        "consent": services.consent_in_force(patient=patient),
        "timeline": timeline.timeline_for(patient, clinical=clinical),
        "header_facts": timeline.header_for(patient, clinical=clinical),
        "show_clinical": clinical,
    }
    return render(request, "patients/patient_detail.html", context)


@require_POST
@role_required(*STAFF_WHO_SEE_PATIENTS)
def patient_archive(request: HttpRequest, pk: int) -> HttpResponse:
    patient = services.patient_archive(patient=get_object_or_404(Patient, pk=pk), archived_by=request.user)
    messages.success(request, f"{patient.display_name} is archived. The record is kept and can be restored.")
    return redirect(patient)


@require_POST
@role_required(*STAFF_WHO_SEE_PATIENTS)
def patient_restore(request: HttpRequest, pk: int) -> HttpResponse:
    patient = services.patient_restore(patient=get_object_or_404(Patient, pk=pk), restored_by=request.user)
    messages.success(request, f"{patient.display_name} is restored to the registry.")
    return redirect(patient)


@role_required(Role.PHYSIOTHERAPIST)
def consent_create(request: HttpRequest, pk: int) -> HttpResponse:
    patient = get_object_or_404(Patient, pk=pk)
    text_version = ConsentTextVersion.current()
    if text_version is None:
        messages.error(request, "There is no consent text yet. The clinic admin adds one in the back office.")
        return redirect(patient)
    if patient.is_archived:
        messages.error(request, "This patient is archived. Restore the patient before recording consent.")
        return redirect(patient)
    form = ConsentRecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "submission_key"}
        try:
            consent = services.consent_record(
                patient=patient,
                text_version=text_version,
                clinician=request.user,
                submission_key=form.cleaned_data["submission_key"],
                **data,
            )
        except DuplicateSubmission as already:
            return redirect(already.result_url or patient.get_absolute_url())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Consent to IMS is recorded.")
            return redirect(consent)
    context = {"patient": patient, "form": form, "text_version": text_version}
    return render(request, "patients/consent_form.html", context)


@role_required(Role.PHYSIOTHERAPIST)
def consent_detail(request: HttpRequest, pk: int, consent_pk: int) -> HttpResponse:
    consent = get_object_or_404(
        Consent.objects.select_related("patient", "text_version", "clinician", "withdrawn_by"),
        pk=consent_pk,
        patient_id=pk,
    )
    return render(
        request,
        "patients/consent_detail.html",
        {"consent": consent, "patient": consent.patient, "withdraw_form": ConsentWithdrawForm()},
    )


@require_POST
@role_required(Role.PHYSIOTHERAPIST)
def consent_withdraw(request: HttpRequest, pk: int, consent_pk: int) -> HttpResponse:
    consent = get_object_or_404(Consent.objects.select_related("patient"), pk=consent_pk, patient_id=pk)
    form = ConsentWithdrawForm(request.POST)
    if not form.is_valid():
        context = {"consent": consent, "patient": consent.patient, "withdraw_form": form}
        return render(request, "patients/consent_detail.html", context, status=400)
    services.consent_withdraw(consent=consent, withdrawn_by=request.user, reason=form.cleaned_data["reason"])
    messages.success(request, "The consent is marked withdrawn. It stays in the record.")
    return redirect(consent)
