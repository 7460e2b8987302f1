"""Starting the visit's record from its appointment, and the question about a draft from an earlier day."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from accounts.dates import day_in_words
from accounts.forms import add_service_errors
from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from accounts.permissions import permission_required
from patients.models import Patient
from scheduling.models import Appointment

from . import services
from .models import Assessment, TreatmentSession
from .visit_forms import EarlierDraftForm

Record = Assessment | TreatmentSession
RecordModel = type[Assessment] | type[TreatmentSession]
QUESTION_URLS = {
    Assessment: "assessments:assessment-earlier-draft",
    TreatmentSession: "assessments:session-earlier-draft",
}
START_URLS = {Assessment: "assessments:assessment-start", TreatmentSession: "assessments:session-start"}


def _posted_id(data: QueryDict, name: str) -> int | None:
    """An id sent with the form: None when absent, 404 when it cannot be one."""
    raw = data.get(name, "")
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 12:
        raise Http404
    return int(raw)


def appointment_from(data: QueryDict, patient: Patient) -> Appointment | None:
    """The appointment the record is started from: this patient's, or not found."""
    pk = _posted_id(data, "appointment")
    if pk is None:
        return None
    return get_object_or_404(
        Appointment.objects.select_related("appointment_type", "practitioner"), pk=pk, patient=patient
    )


def _start(model: RecordModel, *, patient: Patient, user: User, appointment: Appointment | None) -> Record:
    if model is Assessment:
        return services.assessment_start(patient=patient, physiotherapist=user, appointment=appointment)
    return services.session_start(patient=patient, physiotherapist=user, appointment=appointment)


def start_record(request: AuthenticatedHttpRequest, patient_pk: int, model: RecordModel) -> HttpResponse:
    """Open the record of the visit, or ask first about a draft from an earlier day."""
    patient = get_object_or_404(Patient, pk=patient_pk)
    appointment = appointment_from(request.POST, patient)
    try:
        record = _start(model, patient=patient, user=request.user, appointment=appointment)
    except services.EarlierDraft:
        return redirect(question_url(model, patient, appointment))
    except (services.AppointmentTaken, services.SignedMeanwhile) as error:
        messages.error(request, " ".join(error.messages))
        return redirect(error.record)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(patient)
    return redirect(record)


def _earlier(model: RecordModel, *, patient: Patient, user: User) -> Record | None:
    if model is Assessment:
        return services.earlier_draft(Assessment, patient=patient, physiotherapist=user)
    return services.earlier_draft(TreatmentSession, patient=patient, physiotherapist=user)


def question_url(model: RecordModel, patient: Patient, appointment: Appointment | None) -> str:
    url = reverse(QUESTION_URLS[model], kwargs={"patient_pk": patient.pk})
    return f"{url}?{urlencode({'appointment': appointment.pk})}" if appointment else url


def _question(
    request: AuthenticatedHttpRequest,
    model: RecordModel,
    patient: Patient,
    appointment: Appointment | None,
    *,
    draft: Record | None,
    form: EarlierDraftForm | None = None,
    refused: services.SignedMeanwhile | None = None,
    status: int = 200,
) -> HttpResponse:
    noun = services.record_noun(model)
    if draft is not None and form is None:
        form = EarlierDraftForm(noun=noun, day=_day_local(draft))
    context = {
        "patient": patient,
        "appointment": appointment,
        "draft": draft,
        "draft_day": _day_local(draft) if draft else "",
        "noun": noun,
        "form": form,
        "refused": refused,
        "refused_url": refused.record.get_absolute_url() if refused else "",
        "start_url": reverse(START_URLS[model], kwargs={"patient_pk": patient.pk}),
        "sites": draft.sites.count() if isinstance(draft, TreatmentSession) else None,
    }
    return render(request, "assessments/earlier_draft.html", context, status=status)


def _day_local(record: Record) -> str:
    """The day the record was started, in words, in the clinic's time zone: "Thursday 26 November 2026"."""
    started = timezone.localtime(record.started_at)
    return f"{started:%A} {day_in_words(started.date())}"


def _answer(
    request: AuthenticatedHttpRequest,
    model: RecordModel,
    patient: Patient,
    appointment: Appointment | None,
) -> HttpResponse:
    pk = _posted_id(request.POST, "draft")
    if pk is None:
        raise Http404
    draft = cast(Record, get_object_or_404(model, pk=pk, patient=patient, physiotherapist=request.user))
    form = EarlierDraftForm(request.POST, noun=services.record_noun(model), day=_day_local(draft))
    if form.is_valid():
        try:
            record = _answered(model, form, request=request, patient=patient, draft=draft, appointment=appointment)
        except services.SignedMeanwhile as error:
            # The question no longer holds: say so, and ask again about any other earlier draft.
            again = _earlier(model, patient=patient, user=request.user)
            return _question(request, model, patient, appointment, draft=again, refused=error, status=409)
        except services.AppointmentTaken as error:
            messages.error(request, " ".join(error.messages))
            return redirect(error.record)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect(record)
    return _question(request, model, patient, appointment, draft=draft, form=form, status=400)


def _answered(
    model: RecordModel,
    form: EarlierDraftForm,
    *,
    request: AuthenticatedHttpRequest,
    patient: Patient,
    draft: Record,
    appointment: Appointment | None,
) -> Record:
    user = request.user
    if form.cleaned_data["choice"] == EarlierDraftForm.CONTINUE:
        record: Record = services.draft_continue(draft=draft, physiotherapist=user)
        messages.info(request, f"You continue the draft {services.record_noun(model)} of {_day_local(draft)}.")
        return record
    reason = form.error_reason
    if isinstance(draft, Assessment):
        record = services.assessment_start_new(
            patient=patient, physiotherapist=user, earlier=draft, error_reason=reason, appointment=appointment
        )
    else:
        record = services.session_start_new(
            patient=patient, physiotherapist=user, earlier=draft, error_reason=reason, appointment=appointment
        )
    kept = "marked entered in error" if reason is not None else "kept as a draft"
    messages.success(request, f"The draft of {_day_local(draft)} is {kept}.")
    return record


def _earlier_draft(request: AuthenticatedHttpRequest, patient_pk: int, model: RecordModel) -> HttpResponse:
    patient = get_object_or_404(Patient, pk=patient_pk)
    appointment = appointment_from(request.POST if request.method == "POST" else request.GET, patient)
    if request.method == "POST":
        return _answer(request, model, patient, appointment)
    draft = _earlier(model, patient=patient, user=request.user)
    return _question(request, model, patient, appointment, draft=draft)


@permission_required("assessments.add_treatmentsession")
def session_earlier_draft(request: AuthenticatedHttpRequest, patient_pk: int) -> HttpResponse:
    return _earlier_draft(request, patient_pk, TreatmentSession)


@permission_required("assessments.add_assessment")
def assessment_earlier_draft(request: AuthenticatedHttpRequest, patient_pk: int) -> HttpResponse:
    return _earlier_draft(request, patient_pk, Assessment)
