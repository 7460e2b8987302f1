"""Patients' pages: the registry, registration, the chart, and consent."""

from typing import Any
from urllib.parse import quote

import segno
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.forms import add_service_errors
from accounts.http import AuthenticatedHttpRequest
from accounts.permissions import holds, permission_required
from accounts.submissions import DuplicateSubmission, previous_result
from accounts.versioning import edit_conflict

from . import safety_rules, services, timeline
from .forms import (
    ConsentExtensionForm,
    ConsentRecordForm,
    ConsentWithdrawForm,
    FlagAcknowledgeForm,
    FlagMapForm,
    PatientCreateForm,
    PatientUpdateForm,
    QuestionnaireLinkForm,
    RegistrySearchForm,
)
from .models import (
    Consent,
    ConsentTextVersion,
    Patient,
    QuestionnaireLink,
    QuestionnaireResponse,
    SafetyFlag,
    SafetyRecheck,
)
from .pagination import CappedPaginator
from .questionnaire_forms import answer_label
from .readiness import readiness_for

PAGE_SIZE = 25
SEARCH_COUNT_CAP = 500  # the registry counts no further: past it, the page asks for a narrower search


@permission_required("patients.view_patient")
def patient_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = RegistrySearchForm(request.GET or None)
    text, include_archived = "", False
    if form.is_valid():
        text, include_archived = form.cleaned_data["q"], form.cleaned_data["archived"]
    patients = services.patient_search(text=text, include_archived=include_archived)
    page = CappedPaginator(patients, PAGE_SIZE, cap=SEARCH_COUNT_CAP).get_page(request.GET.get("page"))
    template = "patients/_patient_rows.html" if request.htmx else "patients/patient_list.html"
    # The search the page links keep, written as the form would send it.
    filters = "&".join(
        part
        for part in (f"q={quote(text, safe='/')}" if text else "", "archived=on" if include_archived else "")
        if part
    )
    context = {"form": form, "page": page, "query": text, "include_archived": include_archived, "filters": filters}
    return render(request, template, context)


@permission_required("patients.add_patient")
def patient_create(request: AuthenticatedHttpRequest) -> HttpResponse:
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
            except DuplicateSubmission as duplicate:
                messages.info(request, "This form was already sent; here is the patient it registered.")
                return redirect(duplicate.result_url or "patients:patient-list")
            messages.success(request, f"{patient.display_name} is registered.")
            return redirect(patient)
    return render(request, "patients/patient_form.html", {"form": form, "duplicates": duplicates, "creating": True})


@permission_required("patients.change_patient")
def patient_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    patient = get_object_or_404(Patient, pk=pk)
    if patient.is_archived:
        messages.error(request, services.archived_message("changing their details"))
        return redirect(patient)
    form = PatientUpdateForm(request.POST or None, instance=patient)
    if request.method == "POST" and form.is_valid():
        try:
            services.patient_update(
                patient=patient, data=form.cleaned_data, updated_by=request.user, version=form.cleaned_data["version"]
            )
        except services.StalePatientError as stale:
            return _patient_conflict(request, form, stale.current)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The patient's details are saved.")
            return redirect(patient)
    return render(request, "patients/patient_form.html", {"form": form, "patient": patient, "creating": False})


def _patient_conflict(request: HttpRequest, form: PatientUpdateForm, current: Patient) -> HttpResponse:
    """Someone saved first: show what differs, and keep this user's input to re-apply on the new version."""
    conflict = edit_conflict(form, current, record="this patient's details")
    context = {"patient": current, "conflict": conflict, "form": form.retry_on(current)}
    return render(request, "patients/patient_conflict.html", context, status=409)


# The chart shows the latest few messages to the patient; the rest are a page of their own.
RECENT_MESSAGES = 5


@permission_required("patients.view_patient")
def patient_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    patient = get_object_or_404(Patient.objects.select_related("created_by", "updated_by", "archived_by"), pk=pk)
    services.patient_chart_opened(patient=patient)
    clinical = holds(request.user, "assessments.view_assessment")
    safety = readiness_for([patient.pk])[patient.pk]
    context = {
        "patient": patient,
        "timeline": timeline.timeline_for(patient, clinical=clinical),
        "header_facts": timeline.header_for(patient, clinical=clinical),
        "chart_actions": timeline.actions_for(patient, request.user, clinical=clinical)
        if not patient.is_archived
        else [],
        "link_form": QuestionnaireLinkForm(),
        "safety": safety,
        "gate": safety.gate,
        "latest_link": safety.latest_link,
        "current_questionnaire_url": reverse(
            "patients:questionnaire-review", kwargs={"pk": patient.pk, "response_pk": safety.current_response_id}
        )
        if safety.current_response_id
        else "",
        "show_clinical": clinical,
        "recent_messages": list(patient.messages.for_record()[:RECENT_MESSAGES]),
    }
    return render(request, "patients/patient_detail.html", context)


@require_POST
@permission_required("patients.change_patient")
def patient_archive(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    patient = services.patient_archive(patient=get_object_or_404(Patient, pk=pk), archived_by=request.user)
    messages.success(request, f"{patient.display_name} is archived. The record is kept and can be restored.")
    return redirect(patient)


@require_POST
@permission_required("patients.change_patient")
def patient_restore(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    patient = services.patient_restore(patient=get_object_or_404(Patient, pk=pk), restored_by=request.user)
    messages.success(request, f"{patient.display_name} is restored to the registry.")
    return redirect(patient)


@permission_required("patients.add_consent")
def consent_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    patient = get_object_or_404(Patient, pk=pk)
    text_version = ConsentTextVersion.current()
    if text_version is None:
        messages.error(request, "There is no consent text yet. The clinic admin adds one in the back office.")
        return redirect(patient)
    if patient.is_archived:
        messages.error(request, services.archived_message("recording consent"))
        return redirect(patient)
    form = ConsentRecordForm(
        request.POST or None, initial={"patient_specific_risks": services.consent_risk_text(patient=patient)}
    )
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


def _consent_page(request: HttpRequest, consent: Consent, status: int = 200, **forms_given: Any) -> HttpResponse:
    context = {
        "consent": consent,
        "patient": consent.patient,
        "extensions": list(consent.extensions.select_related("clinician")),
        "may_extend": not consent.is_withdrawn and not consent.patient.is_archived,
        "withdraw_form": forms_given.get("withdraw_form") or ConsentWithdrawForm(),
        "extension_form": forms_given.get("extension_form") or ConsentExtensionForm(region=request.GET.get("region")),
    }
    return render(request, "patients/consent_detail.html", context, status=status)


def _patient_consent(pk: int, consent_pk: int) -> Consent:
    return get_object_or_404(
        Consent.objects.select_related("patient", "text_version", "clinician", "withdrawn_by"),
        pk=consent_pk,
        patient_id=pk,
    )


@permission_required("patients.view_consent")
def consent_detail(request: HttpRequest, pk: int, consent_pk: int) -> HttpResponse:
    return _consent_page(request, _patient_consent(pk, consent_pk))


@require_POST
@permission_required("patients.change_consent")
def consent_withdraw(request: AuthenticatedHttpRequest, pk: int, consent_pk: int) -> HttpResponse:
    consent = _patient_consent(pk, consent_pk)
    form = ConsentWithdrawForm(request.POST)
    if not form.is_valid():
        return _consent_page(request, consent, status=400, withdraw_form=form)
    services.consent_withdraw(consent=consent, withdrawn_by=request.user, reason=form.cleaned_data["reason"])
    messages.success(request, "The consent is marked withdrawn. It stays in the record.")
    return redirect(consent)


@require_POST
@permission_required("patients.change_consent")
def consent_extend(request: AuthenticatedHttpRequest, pk: int, consent_pk: int) -> HttpResponse:
    consent = _patient_consent(pk, consent_pk)
    if consent.is_withdrawn:
        messages.error(request, services.CONSENT_WITHDRAWN)
        return redirect(consent)
    form = ConsentExtensionForm(request.POST)
    if form.is_valid():
        try:
            extension = services.consent_extend(consent=consent, clinician=request.user, **form.extension_data())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Consent extended to {extension.region_words}.")
            return redirect(consent)
    return _consent_page(request, consent, status=400, extension_form=form)


@require_POST
@permission_required("patients.add_questionnairelink")
def questionnaire_link_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    patient = get_object_or_404(Patient, pk=pk)
    form = QuestionnaireLinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The page was out of date. Press the button again to issue a link.")
        return redirect(patient)

    def link_url(token: str) -> str:
        return request.build_absolute_uri(reverse("questionnaire:start", args=[token]))

    try:
        link, token = services.questionnaire_link_issue(
            patient=patient,
            issued_by=request.user,
            link_url=link_url,
            submission_key=form.cleaned_data["submission_key"],
        )
    except DuplicateSubmission:
        messages.info(request, "A link was already issued from that page. Issue a new one if the patient needs it.")
        return redirect(patient)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(patient)
    url = link_url(token)
    context = {
        "patient": patient,
        "link": link,
        "url": url,
        "qr_code": segno.make(url, error="m").svg_data_uri(scale=5, border=2),
        "message": services.questionnaire_link_message(link),
    }
    return render(request, "patients/questionnaire_link_issued.html", context)


@require_POST
@permission_required("patients.change_questionnairelink")
def questionnaire_link_revoke(request: AuthenticatedHttpRequest, pk: int, link_pk: int) -> HttpResponse:
    link = get_object_or_404(QuestionnaireLink, pk=link_pk, patient_id=pk)
    services.questionnaire_link_revoke(link=link, revoked_by=request.user, reason="Revoked by staff")
    messages.success(request, "The questionnaire link is revoked; it can no longer be used.")
    return redirect("patients:patient-detail", pk=pk)


def _questionnaire_review_page(
    request: HttpRequest, response: QuestionnaireResponse, *, bound: FlagMapForm | None = None, status: int = 200
) -> HttpResponse:
    """The review page; `bound` is a flag's map form posted with errors, shown in place of its blank one."""
    flags = list(response.flags.select_related("acknowledged_by", "areas_mapped_by"))
    answers = response.answers
    rows = [
        {
            "section": section.title,
            "question": question.text,
            "answer": answer_label(question, answers.get(question.code)),
        }
        for section in safety_rules.SECTIONS
        for question in section.questions
        if question.code in answers
    ]
    current = services.current_questionnaire(patient=response.patient)
    is_current = current is not None and current.pk == response.pk
    map_forms = {
        flag.pk: bound if bound and bound.prefix == f"map-{flag.pk}" else FlagMapForm.for_flag(flag)
        for flag in flags
        if is_current and flag.is_mappable
    }
    recheck = (
        SafetyRecheck.objects.filter(amendment=response).select_related("asked_by", "questionnaire").first()
        if response.amends_id
        else None
    )
    context = {
        "patient": response.patient,
        "response": response,
        "amendment_recheck": recheck,
        "amendment_changes": services.recheck_changes_in_words(recheck) if recheck else [],
        "flags": flags,
        "flag_cards": [(flag, map_forms.get(flag.pk)) for flag in flags],
        "open_low": [
            flag for flag in flags if flag.severity == safety_rules.Severity.LOW and flag.acknowledged_at is None
        ],
        "rows": rows,
        "is_current": is_current,
    }
    return render(request, "patients/questionnaire_review.html", context, status=status)


@permission_required("patients.view_questionnaireresponse")
def questionnaire_review(request: HttpRequest, pk: int, response_pk: int) -> HttpResponse:
    response = get_object_or_404(
        QuestionnaireResponse.objects.select_related("patient", "link", "amends", "recorded_by"),
        pk=response_pk,
        patient_id=pk,
        submitted_at__isnull=False,
    )
    services.questionnaire_viewed(response=response)
    return _questionnaire_review_page(request, response)


@require_POST
@permission_required("patients.change_safetyflag")
def safety_flag_acknowledge(
    request: AuthenticatedHttpRequest, pk: int, response_pk: int, flag_pk: int
) -> HttpResponse:
    flag = get_object_or_404(
        SafetyFlag.objects.select_related("response"), pk=flag_pk, response_id=response_pk, response__patient_id=pk
    )
    form = FlagAcknowledgeForm(request.POST)
    if form.is_valid():
        try:
            services.safety_flag_acknowledge(flag=flag, acknowledged_by=request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            messages.error(request, f"{flag.title}: {' '.join(error.messages)}")
        else:
            messages.success(request, f"Acknowledged: {flag.title}.")
    else:
        messages.error(request, f"{flag.title}: {' '.join(map(str, form.errors['note']))}")
    return redirect(f"{flag.response.get_absolute_url()}#flag-{flag.pk}")


@require_POST
@permission_required("patients.change_safetyflag")
def safety_flag_map(request: AuthenticatedHttpRequest, pk: int, response_pk: int, flag_pk: int) -> HttpResponse:
    flag = get_object_or_404(
        SafetyFlag.objects.select_related("response__patient", "response__link", "response__amends"),
        pk=flag_pk,
        response_id=response_pk,
        response__patient_id=pk,
    )
    form = FlagMapForm.for_flag(flag, request.POST)
    if form.is_valid():
        try:
            mapped = services.safety_flag_map_areas(
                flag=flag, regions=form.cleaned_data["regions"], side=form.cleaned_data["side"], mapped_by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Place mapped: {mapped.areas_words}.")
            return redirect(f"{flag.response.get_absolute_url()}#flag-{flag.pk}")
    return _questionnaire_review_page(request, flag.response, bound=form, status=400)


@require_POST
@permission_required("patients.change_safetyflag")
def safety_flags_acknowledge_low(request: AuthenticatedHttpRequest, pk: int, response_pk: int) -> HttpResponse:
    response = get_object_or_404(QuestionnaireResponse, pk=response_pk, patient_id=pk, submitted_at__isnull=False)
    count = services.safety_flags_acknowledge_low(response=response, acknowledged_by=request.user)
    messages.success(request, f"{count} LOW flag{'s' if count != 1 else ''} acknowledged.")
    return redirect(response)
