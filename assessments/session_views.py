"""Treatment sessions, the progress page and the adverse-event report."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any

import segno
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.forms import add_service_errors
from accounts.http import AuthenticatedHttpRequest
from accounts.permissions import holds, permission_required
from accounts.versioning import edit_conflict
from patients import safety_state
from patients import services as patient_services
from patients.forms import ConsentExtensionForm, SafetyRecheckForm
from patients.gate import PatientDecision
from patients.models import Patient, QuestionnaireResponse, RecheckAnswer, SafetyRecheck

from . import (
    anatomy,
    charts,
    forms,
    needling_plan,
    needling_safety,
    outcomes,
    scales,
    selectors,
    services,
    site_gate,
    visit_views,
)
from .models import (
    AdverseEvent,
    Assessment,
    AssessmentStatus,
    NeedledSite,
    OutcomeMeasure,
    OutcomeSource,
    TreatmentSession,
)
from .services import aftercare as aftercare_services
from .views import measure_rows, own_record


def _session(pk: int) -> TreatmentSession:
    return get_object_or_404(
        TreatmentSession.objects.select_related(
            "patient",
            "physiotherapist",
            "signed_by",
            "entered_in_error_by",
            "appointment",
            "consent",
            "questionnaire",
            "assessment",
            "recheck__asked_by",
            "recheck__questionnaire",
            "recheck__amendment",
        ),
        pk=pk,
    )


def _earlier_sessions(session: TreatmentSession) -> list[TreatmentSession]:
    """The patient's sessions before this one that an adverse event may have followed."""
    return list(
        TreatmentSession.objects.filter(patient=session.patient, started_at__lt=session.started_at).order_by(
            "-started_at"
        )[:10]
    )


def _site_item(site: NeedledSite) -> dict[str, Any]:
    """A needled site's row with its muscle, and the gate's stored verdict when it was saved under the gate."""
    verdicts = {verdict.value: verdict for verdict in site_gate.Verdict}
    return {"row": site, "muscle": anatomy.MUSCLES[site.muscle], "verdict": verdicts.get(site.site_outcome)}


def _suggested(session: TreatmentSession) -> tuple[Any, ...]:
    if session.assessment is None:
        return ()
    return services.confirmed_muscles(assessment=session.assessment)


def _suggested_muscles(session: TreatmentSession) -> list[str]:
    return list(dict.fromkeys(m.muscle for m in _suggested(session)))


def _signed_assessment(session: TreatmentSession) -> Assessment | None:
    """The assessment the session follows when it is signed: a draft's plan is not yet one, nor one entered in
    error."""
    assessment = session.assessment
    return assessment if assessment is not None and assessment.status == AssessmentStatus.SIGNED else None


def _plan(session: TreatmentSession) -> list[needling_plan.Target]:
    """The signed plan of muscles of the assessment the session follows, in the plan's order."""
    assessment = _signed_assessment(session)
    return [] if assessment is None else services.planned_targets(assessment)


def _planned_muscles(plan: list[needling_plan.Target]) -> list[str]:
    return list(dict.fromkeys(target.muscle for target in plan))


# What the plan's "Record this site" link may fill in on the site form.
SITE_PREFILL = ("muscle", "side", "level")


def _site_form(
    session: TreatmentSession, plan: list[needling_plan.Target], prefill: QueryDict
) -> forms.NeedledSiteForm:
    """The site form, filled in with a planned site from the address (a value outside the choices selects nothing)."""
    initial = {key: value for key in SITE_PREFILL if (value := prefill.get(key) or "") and len(value) <= 60}
    return forms.NeedledSiteForm(
        suggested=_suggested_muscles(session), planned=_planned_muscles(plan), initial=initial
    )


@require_POST
@permission_required("assessments.add_treatmentsession")
def session_start(request: AuthenticatedHttpRequest, patient_pk: int) -> HttpResponse:
    return visit_views.start_record(request, patient_pk, TreatmentSession)


@permission_required("assessments.view_treatmentsession")
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = _session(pk)
    services.session_opened(session=session)
    return _render(request, session)


def _render(
    request: HttpRequest,
    session: TreatmentSession,
    status: int = 200,
    conflict: dict[str, Any] | None = None,
    **forms_given: Any,
) -> HttpResponse:
    editable = session.is_draft and session.physiotherapist_id == request.user.pk
    sites = list(session.sites.all())
    gate = safety_state.patient_decision(patient=session.patient)
    planned = services.planned_sites(sites)
    plan = _plan(session)
    questionnaire = patient_services.current_questionnaire(patient=session.patient)
    measures = list(session.outcome_measures.all())
    reported = (
        list(OutcomeMeasure.objects.filter(appointment_id=session.appointment_id, source=OutcomeSource.PATIENT))
        if session.appointment_id
        else []
    )
    context = {
        "session": session,
        "patient": session.patient,
        "editable": editable,
        "gate": gate,
        "current_questionnaire": questionnaire,
        # A plan of muscles is shown next to what was done; without one, the suggested muscles with the gate's answer.
        "muscles": []
        if plan
        else services.muscles_today(patient=gate, muscles=_suggested(session), other_sites=planned),
        "planned_and_done": services.planned_and_done(plan=plan, sites=sites, patient=gate if editable else None),
        "no_needling_planned": signed.no_needling_reason if (signed := _signed_assessment(session)) else "",
        **_recheck_context(session, questionnaire, editable=editable, form=forms_given.get("recheck_form")),
        "sites": [_site_item(site) for site in sites],
        "adverse_events": _adverse_events(session),
        "measures": measure_rows(measures),
        "reported_measures": measure_rows(reported),  # the patient's answers on their phone before this visit
        **_outcome_context(request, session, measures, forms_given.get("outcome_form")),
        "addenda": [] if session.is_draft else list(session.addenda.select_related("author")),
        "header_form": forms_given.get("header_form") or forms.SessionHeaderForm(instance=session),
        "close_form": forms_given.get("close_form") or forms.SessionCloseForm(instance=session),
        "site_form": forms_given.get("site_form") or _site_form(session, plan, request.GET),
        "event_form": forms_given.get("event_form")
        or forms.AdverseEventForm(earlier_sessions=_earlier_sessions(session)),
        "addendum_form": forms_given.get("addendum_form") or forms.AddendumForm(),
        # Offered only when a site is held for a region the consent lacks.
        "extension_form": forms_given.get("extension_form")
        or _extension_offer(request, gate, forms_given.get("site_form"), planned, editable=editable),
        "class_info": needling_safety.ADVERSE_EVENT_CLASS_INFO,
        "conflict": conflict,
        **_after_the_session(session),
    }
    # A refused change whose form the page does not show: say why at the top instead.
    hidden = [] if editable else ["header_form", "close_form", "site_form", "recheck_form", "extension_form"]
    if session.status != AssessmentStatus.SIGNED:
        hidden.append("addendum_form")
    if editable and not gate.is_clear:
        hidden.append("site_form")  # the gate holds every site: its reasons are said at the top with the form's
    context["refused_forms"] = [forms_given[name] for name in hidden if name in forms_given]
    return render(request, "assessments/session_detail.html", context, status=status)


def _after_the_session(session: TreatmentSession) -> dict[str, Any]:
    """The aftercare and check messages of a signed session, and what the patient reported (6.5)."""
    if session.is_draft:
        return {"after_messages": [], "after_reports": []}
    reports = aftercare_services.reports_of(session)
    return {"after_messages": aftercare_services.messages_about(session, reports), "after_reports": reports}


def _outcome_context(
    request: HttpRequest, session: TreatmentSession, measures: list[OutcomeMeasure], form: BaseForm | None
) -> dict[str, Any]:
    """The questionnaire to record in this session: the one asked for, or the first of the patient's baseline
    (else of the complaint's regions) not yet recorded here. The PSFS keeps the patient's baseline activities."""
    baseline = list(session.assessment.baseline_measures.all()) if session.assessment else []
    regions = [item.get("region", "") for item in session.assessment.pain_regions] if session.assessment else []
    suggested = list(dict.fromkeys([m.instrument for m in baseline] + list(outcomes.instruments_for_regions(regions))))
    if not isinstance(form, forms.OutcomeForm):
        chosen = request.GET.get("outcome")
        if chosen not in forms.INSTRUMENT_CODES:
            done = {measure.instrument for measure in measures}
            chosen = next((code for code in suggested if code not in done), suggested[0])
        psfs = next((m for m in reversed(baseline) if m.instrument == outcomes.InstrumentCode.PSFS), None)
        initial = {f"activity_{n}": text for n, text in enumerate(psfs.activities, start=1)} if psfs else {}
        form = forms.OutcomeForm(instrument=chosen, initial=initial)
    spec = form.spec if isinstance(form, forms.OutcomeForm) else None
    return {
        "outcome_form": form,
        "outcome_note": outcomes.ENTRY_NOTES[spec.code] if spec else "",
        "outcome_choices": [
            {
                "code": code.value,
                "name": outcomes.display_name(code),
                "is_suggested": code in suggested,
            }
            for code in outcomes.InstrumentCode
        ],
    }


def _recheck_context(
    session: TreatmentSession,
    questionnaire: QuestionnaireResponse | None,
    *,
    editable: bool,
    form: SafetyRecheckForm | None = None,
) -> dict[str, Any]:
    """The visit's re-check as the page shows it: the one the session relies on, or the form to ask it about the
    current questionnaire."""
    recheck = session.recheck
    # A draft continued on a later day asks again: the gate relies on today's re-check.
    asked_today = recheck is not None and timezone.localdate(recheck.asked_at) == timezone.localdate()
    if recheck is not None and (asked_today or not editable):
        answered: QuestionnaireResponse | None = None
        if recheck.answer == RecheckAnswer.NEW_QUESTIONNAIRE:
            answered = (
                QuestionnaireResponse.objects.submitted()
                .filter(patient=session.patient, submitted_at__gt=recheck.asked_at)
                .order_by("submitted_at")
                .first()
            )
        return {
            "recheck": recheck,
            "recheck_changes": patient_services.recheck_changes_in_words(recheck),
            "recheck_open_flags": (
                sum(flag.is_open for flag in recheck.amendment.flags.all()) if recheck.amendment else 0
            ),
            "recheck_answered": answered,
        }
    if not editable:
        return {"recheck": None}
    if form is None and questionnaire is not None:
        form = SafetyRecheckForm(questionnaire=questionnaire)
    return {"recheck": None, "recheck_form": form, "earlier_recheck": recheck}


def _extension_offer(
    request: HttpRequest,
    gate: PatientDecision,
    site_form: BaseForm | None,
    planned: list[site_gate.PlannedSite],
    *,
    editable: bool,
) -> ConsentExtensionForm | None:
    """A consent extension for the region the gate holds: that of a refused site, or the one asked for (?extend=)."""
    if not editable or gate.consent_scope is None:
        return None
    region = None
    if site_form is not None and site_form.is_bound and site_form.errors:
        data = site_form.data
        try:
            site = site_gate.PlannedSite(data.get("muscle", ""), data.get("side", ""), data.get("level", ""))
            region = site_gate.decide_site(gate, site, other_sites=planned).consent_region_missing
        except ValueError:
            region = None
    elif request.GET.get("extend") in {str(choice) for choice in site_gate.BodyRegion}:
        asked = site_gate.BodyRegion(request.GET["extend"])
        region = None if asked in gate.consent_scope.regions else asked
    return ConsentExtensionForm(region=region) if region else None


def _adverse_events(session: TreatmentSession) -> list[AdverseEvent]:
    """The session's own adverse events, then those reported in it about earlier sessions (one query)."""
    events = list(
        AdverseEvent.objects.filter(Q(session=session) | Q(reported_in=session)).select_related(
            "session", "reported_by", "reported_in"
        )
    )
    return [e for e in events if e.session_id == session.pk] + [e for e in events if e.session_id != session.pk]


def _versioned_save(request: AuthenticatedHttpRequest, pk: int, form_class: type, name: str) -> HttpResponse:
    session = _session(pk)
    own_record(request, session)
    form = form_class(request.POST, instance=session)
    if form.is_valid():
        data = {key: value for key, value in form.cleaned_data.items() if key != "version"}
        try:
            services.session_save_fields(session=session, data=data, version=form.cleaned_data["version"])
        except services.StaleAssessment:
            session.refresh_from_db()
            conflict = {**edit_conflict(form, session, record="this treatment session"), "form": name}
            return _render(request, session, status=409, conflict=conflict, **{name: form.retry_on(session)})
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Saved.")
            return redirect(session)
    session.refresh_from_db()
    return _render(request, session, status=400, **{name: form})


@require_POST
@permission_required("assessments.change_treatmentsession")
def session_header_save(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _versioned_save(request, pk, forms.SessionHeaderForm, "header_form")


@require_POST
@permission_required("assessments.change_treatmentsession")
def session_close_save(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _versioned_save(request, pk, forms.SessionCloseForm, "close_form")


@require_POST
@permission_required("assessments.change_treatmentsession")
def session_recheck(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = _session(pk)
    own_record(request, session)
    questionnaire = patient_services.current_questionnaire(patient=session.patient)
    refusal = None
    if session.status == AssessmentStatus.SIGNED:
        refusal = "This treatment session is signed and cannot change. Add an addendum instead."
    elif not session.is_draft:
        refusal = "This treatment session is marked entered in error and cannot change."
    elif questionnaire is None:
        refusal = "The patient has no safety questionnaire to re-check: send one first."
    if refusal:
        messages.error(request, refusal)
        return redirect(session)
    # Refused above when there is no questionnaire.
    form = SafetyRecheckForm(request.POST, questionnaire=questionnaire)  # type: ignore[arg-type]
    if form.is_valid():

        def link_url(token: str) -> str:
            return request.build_absolute_uri(reverse("questionnaire:start", args=[token]))

        try:
            # The re-check and the session's reference to it are saved together, or neither is.
            with transaction.atomic():
                recheck = patient_services.safety_recheck_record(
                    patient=session.patient,
                    asked_by=request.user,
                    answer=form.cleaned_data["answer"],
                    changes=form.changes,
                    note=form.cleaned_data["note"],
                    link_url=link_url,
                    questionnaire_id=form.cleaned_data["questionnaire"] or 0,
                )
                services.session_recheck_link(session=session, recheck=recheck)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _recheck_recorded(request, session, recheck, link_url)
    session.refresh_from_db()
    return _render(request, session, status=400, recheck_form=form)


def _recheck_recorded(
    request: HttpRequest, session: TreatmentSession, recheck: SafetyRecheck, link_url: Callable[[str], str]
) -> HttpResponse:
    token = getattr(recheck, "link_token", None)
    if token is not None:
        url = link_url(token)
        context = {
            "patient": session.patient,
            "link": recheck.link,
            "url": url,
            "qr_code": segno.make(url, error="m").svg_data_uri(scale=5, border=2),
            "back_url": session.get_absolute_url(),
            "back_label": "Back to the treatment session",
            "message": patient_services.questionnaire_link_message(recheck.link),
        }
        return render(request, "patients/questionnaire_link_issued.html", context)
    if recheck.answer == RecheckAnswer.CHANGES_RECORDED:
        messages.success(request, "Re-check recorded: review the updated questionnaire's new flags.")
    else:
        messages.success(request, "Re-check recorded.")
    return redirect(session)


@require_POST
@permission_required("assessments.change_treatmentsession")
def needled_site_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = _session(pk)
    own_record(request, session)
    form = forms.NeedledSiteForm(
        request.POST, suggested=_suggested_muscles(session), planned=_planned_muscles(_plan(session))
    )
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            site = services.needled_site_add(session=session, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if request.htmx:
                # The page's other forms carry the session's version: the new one goes with the row.
                session.refresh_from_db(fields=["version"])
                context = {
                    "version_update": True,
                    "version_inputs": ("version-header", "version-close"),
                    "session": session,
                    "item": _site_item(site),
                    "editable": True,
                }
                return render(request, "assessments/_site_row.html", context)
            messages.success(request, f"{anatomy.MUSCLES[site.muscle].name} ({site.side}) recorded.")
            return redirect(session)
    if request.htmx:
        # htmx swaps only successful answers: send the form back, with its messages, in place of itself, and the
        # consent extension when the consent lacks the site's region.
        gate = safety_state.patient_decision(patient=session.patient)
        planned = services.planned_sites(session.sites.all())
        context = {
            "session": session,
            "site_form": form,
            "extension_form": _extension_offer(request, gate, form, planned, editable=True),
        }
        response = render(request, "assessments/_site_form.html", context)
        response["HX-Retarget"] = "#site-form-area"
        response["HX-Reswap"] = "outerHTML"
        return response
    return _render(request, session, status=400, site_form=form)


SESSION_CLOSED_TO_EXTENSION = (
    "This treatment session is {status} and cannot change: add the region from the consent's own page."
)


@require_POST
@permission_required("patients.change_consent")
def session_consent_extend(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The patient consents, during the session, to the region of a site the gate held (7.2 element 10)."""
    session = _session(pk)
    own_record(request, session)
    form = ConsentExtensionForm(request.POST, region=request.POST.get("region"))
    consent = patient_services.consent_in_force(patient=session.patient)
    if not session.is_draft:
        form.add_error(None, SESSION_CLOSED_TO_EXTENSION.format(status=session.get_status_display().lower()))
    elif consent is None:
        form.add_error(None, "No consent is in force: record the patient's consent to IMS first.")
    elif form.is_valid():
        try:
            extension = patient_services.consent_extend(
                consent=consent, clinician=request.user, **form.extension_data()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Consent extended to {extension.region_words}.")
            return redirect(session)
    return _render(request, session, status=400, extension_form=form)


@require_POST
@permission_required("assessments.change_treatmentsession")
def needled_site_delete(request: AuthenticatedHttpRequest, pk: int, site_pk: int) -> HttpResponse:
    session = _session(pk)
    own_record(request, session)
    site = get_object_or_404(NeedledSite, pk=site_pk, session=session)
    try:
        services.needled_site_remove(session=session, site=site)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(session)


@require_POST
@permission_required("assessments.add_adverseevent")
def adverse_event_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = _session(pk)
    own_record(request, session)
    earlier = _earlier_sessions(session)
    form = forms.AdverseEventForm(request.POST, earlier_sessions=earlier)
    if form.is_valid():
        data = dict(form.cleaned_data)
        earlier_pk = data.pop("earlier_session")
        target, reported_in = session, None
        if earlier_pk:
            target = next(s for s in earlier if s.pk == earlier_pk)
            reported_in = session
        try:
            services.adverse_event_record(session=target, reported_in=reported_in, reported_by=request.user, **data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Adverse event recorded.")
            return redirect(session)
    return _render(request, session, status=400, event_form=form)


@require_POST
@permission_required("assessments.add_outcomemeasure")
def outcome_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = _session(pk)
    own_record(request, session)
    form = forms.OutcomeForm(request.POST)
    if form.is_valid():
        try:
            services.outcome_record(
                patient=session.patient, session=session, recorded_by=request.user, **form.measure_data()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Outcome measure recorded.")
            return redirect(session)
    return _render(request, session, status=400, outcome_form=form)


@permission_required("assessments.change_treatmentsession")
def session_sign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The review of what will be signed and what is missing (GET); the signature itself, confirmed, from it (POST)."""
    session = _session(pk)
    if request.method != "POST":
        services.session_opened(session=session)
        return _sign_review(request, session, forms.SignForm())
    form = forms.SignForm(request.POST)
    if form.is_valid():
        try:
            services.session_sign(session=session, signed_by=request.user, version=form.cleaned_data["version"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The treatment session is signed. Add an addendum for anything later.")
            return redirect(session)
    session = _session(pk)
    return _sign_review(request, session, form, status=400)


# The parts of the session's page a missing item links to, as their headings name them.
SESSION_PARTS = {
    "header-heading": "Before needling",
    "recheck": "The visit's re-check",
    "sites-heading": "Needled sites",
    "close-heading": "Close",
}


def _sign_review(
    request: AuthenticatedHttpRequest, session: TreatmentSession, form: forms.SignForm, status: int = 200
) -> HttpResponse:
    is_own = session.physiotherapist_id == request.user.pk
    missing = services.session_missing(session) if session.is_draft else []
    sites = [_site_item(site) for site in session.sites.all()]
    context = {
        "session": session,
        "patient": session.patient,
        "form": form,
        "missing": [
            {
                "text": item.text,
                "url": f"{session.get_absolute_url()}#{item.anchor}",
                "part": SESSION_PARTS[item.anchor],
            }
            for item in missing
        ],
        "sites": sites,
        "insertions": sum(item["row"].insertions for item in sites),
        "is_own": is_own,
        "can_sign": session.is_draft and is_own and not missing,
    }
    return render(request, "assessments/session_sign.html", context, status=status)


@require_POST
@permission_required("assessments.change_treatmentsession")
def session_addendum_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = _session(pk)
    form = forms.AddendumForm(request.POST)
    if form.is_valid():
        try:
            services.addendum_add(record=session, author=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Addendum added.")
            return redirect(session)
    return _render(request, session, status=400, addendum_form=form)


def _change_in_words(
    first: str, latest: str, change: scales.PainChange | outcomes.ScoreChange, percent: float | None = None
) -> str:
    """First to latest value, how much better or worse, and whether that is a clinically important change."""
    size = round(abs(change.improvement), 1)
    points = f"{size:g} point{'' if size == 1 else 's'}"
    if change.improvement > 0:
        moved = f"{points} better" + ("" if percent is None else f" ({percent:.0f}%)")
    elif change.improvement < 0:
        moved = f"{points} worse"
    else:
        moved = "no change"
    if change.is_important_improvement:
        meaning = f": a clinically important improvement ({change.mcid:g} points or more)."
    elif change.is_important_worsening:
        meaning = f": a clinically important worsening ({change.mcid:g} points or more)."
    else:
        meaning = f", less than the {change.mcid:g} points of a clinically important change."
    return f"{first} → {latest}, {moved}{meaning}"


def _pain_change(points: list[selectors.ProgressPoint]) -> str:
    if len(points) < 2:
        return ""
    change = scales.nprs_change(int(points[0].value), int(points[-1].value))
    lead = "Pain now at the first visit to pain before the latest session: "
    if not points[0].is_baseline:
        lead = "Pain before treatment, first to latest session: "
    first = f"{points[0].value:g}"
    return lead + _change_in_words(first, points[-1].label, change, change.percent_improvement)


def _score_change(code: str, points: list[selectors.ProgressPoint]) -> str:
    if len(points) < 2:
        return ""
    change = outcomes.score_change(code, points[0].value, points[-1].value)
    lead = "Baseline to latest score: " if points[0].is_baseline else "First to latest score: "
    return lead + _change_in_words(f"{points[0].value:.1f}", points[-1].label, change)


def _outcome_lines(code: str, points: list[selectors.ProgressPoint]) -> list[tuple[str, str, list[Any]]]:
    """The clinic's scores as one line, the patient's own answers on their phone as another, marked apart."""
    lines: list[tuple[str, str, list[Any]]] = [
        (code, "line-outcome", [p for p in points if not p.is_patient_reported])
    ]
    reported = [point for point in points if point.is_patient_reported]
    if reported:
        lines.append((f"{code}, patient-reported", "line-reported", reported))
    return lines


@permission_required("assessments.view_outcomemeasure")
def progress(request: HttpRequest, patient_pk: int) -> HttpResponse:
    patient = get_object_or_404(Patient, pk=patient_pk)
    series = selectors.progress_series(patient=patient)
    pain_chart = None
    # The first visit's pain now is the baseline: the first point of the pain before treatment.
    before = sorted(
        series["pain_baseline"] + series["pain_before"], key=lambda point: (point.at, not point.is_baseline)
    )
    reported_pain = series["pain_reported"]
    if before or series["pain_after"] or reported_pain:
        pain_lines = [("Before", "line-before", before), ("After", "line-after", series["pain_after"])]
        if reported_pain:
            pain_lines.append(("Before the visit, patient-reported", "line-reported", reported_pain))
        pain_chart = charts.line_chart(
            title="Pain (NPRS 0-10) before and after each session",
            y_label="NPRS",
            series=pain_lines,
            y_min=0,
            y_max=10,
            mcid=scales.NPRS_DEFAULT_MCID,
        )
    outcome_charts = []
    for code, points in series["outcomes"].items():
        spec = outcomes.instrument(code)
        better = "lower" if spec.direction == outcomes.Direction.HIGHER_IS_WORSE else "higher"
        outcome_charts.append(
            {
                "chart": charts.line_chart(
                    title=f"{spec.name} ({better} is better)",
                    y_label=code,
                    series=_outcome_lines(code, points),
                    y_min=spec.score_min,
                    y_max=spec.score_max,
                    mcid=spec.default_mcid,
                ),
                "points": points,
                "change": _score_change(code, points),
            }
        )
    rom_charts = [
        {
            "chart": charts.line_chart(
                title=name,
                y_label="degrees",
                series=[(name, "line-rom", points)],
                y_min=0,
                y_max=max(180, max(p.value for p in points)),
            ),
            "points": points,
        }
        for name, points in series["rom"].items()
    ]
    context = {
        "patient": patient,
        "sessions": series["sessions"],
        "pain_chart": pain_chart,
        "pain_change": _pain_change(before),
        "baselines": series["baselines"],
        "pain_from_baseline": bool(series["pain_baseline"]),
        "reported_pain": reported_pain,
        "outcome_charts": outcome_charts,
        "rom_charts": rom_charts,
        **_soreness_after(patient),
    }
    return render(request, "assessments/progress.html", context)


def _soreness_after(patient: Patient) -> dict[str, Any]:
    """The soreness the patient reported on the checks after each session (6.5), as a chart and a table."""
    reports = aftercare_services.reported_soreness(patient=patient)
    points = [
        selectors.ProgressPoint(at=report.submitted_at, value=report.soreness, label=f"{report.soreness} of 10")
        for report in reports
    ]
    chart = None
    if points:
        chart = charts.line_chart(
            title="Soreness after sessions, reported by the patient (0-10)",
            y_label="0-10",
            series=[("Soreness", "line-outcome", points)],
            y_min=0,
            y_max=10,
        )
    return {"soreness_chart": chart, "soreness_reports": reports}


@permission_required("assessments.view_adverse_event_report")
def adverse_event_report(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = forms.DateRangeForm(request.GET or {"start": today - timedelta(days=90), "end": today})
    rows: list[dict[str, Any]] = []
    total = 0
    if form.is_valid():
        start = timezone.make_aware(datetime.combine(form.cleaned_data["start"], time.min))
        end = timezone.make_aware(datetime.combine(form.cleaned_data["end"], time.max))
        counts = {  # counted by the database: one row per type and class, however many events
            (row["event_type"], row["event_class"]): row["count"]
            for row in selectors.standing_adverse_events()
            .filter(reported_at__range=(start, end))
            .values("event_type", "event_class")
            .annotate(count=Count("pk"))
            .order_by()
        }
        types = needling_safety.ADVERSE_EVENT_TYPE_BY_CODE
        rows = [
            {
                "type": types[event_type].label if event_type in types else event_type,
                "event_class": event_class,
                "count": count,
            }
            for (event_type, event_class), count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        ]
        total = sum(counts.values())
    can_read_list = holds(request.user, "assessments.view_adverse_event_list")
    context = {"form": form, "rows": rows, "total": total, "can_read_list": can_read_list}
    return render(request, "assessments/adverse_event_report.html", context, status=200 if form.is_valid() else 400)
