"""Scheduling's pages: the day and week schedule, booking, moving, cancelling, check-in, the waitlist, feeds."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from accounts.forms import add_service_errors
from accounts.http import AuthenticatedHttpRequest
from accounts.models import User
from accounts.permissions import holds, permission_required
from accounts.submissions import DuplicateSubmission, previous_result
from patients.forms import QuestionnaireLinkForm
from patients.models import Patient
from patients.readiness import readiness_for
from patients.services import patient_search as search_patients

from . import feeds, schedule, services, visit_actions
from .forms import (
    AppointmentBookForm,
    AppointmentCancelForm,
    AppointmentRescheduleForm,
    AppointmentSeriesForm,
    FreeSlotsForm,
    PatientSearchForm,
    ScheduleDateForm,
    WaitlistEntryForm,
)
from .models import Appointment, AppointmentStatus, Practitioner, WaitlistEntry
from .schedule import build_grid

# Practitioners side by side on the day's schedule: at 8, a 1366-pixel desk screen still shows each
# column's patient names; a larger clinic pages through its practitioners.
COLUMNS_PER_PAGE = 8
SEARCH_RESULTS = 8
PREFILL = ("practitioner", "starts_at", "appointment_type", "duration_minutes", "patient")


# --- Who may do what -------------------------------------------------------------------


def own_practitioner(user: User) -> Practitioner | None:
    return Practitioner.objects.filter(user=user).first()


def require_may_change(user: User, appointment: Appointment) -> None:
    """The pages of another practitioner's appointment are 403 to whom its services would refuse."""
    if not appointment.practitioner.is_bookable_by(user):
        raise PermissionDenied


def shows_severity(user: User) -> bool:
    return holds(user, "patients.view_safetyflag")


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 12 else None


def _back(request: HttpRequest, fallback: str) -> str:
    """The page the button was on (`next`), if it is a path of this site; else `fallback`. Anything but a path
    would reach redirect() as a view name to look up."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    secure = request.is_secure()
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=secure):
        return target
    return fallback


# --- The schedule ----------------------------------------------------------------------


@require_safe
@permission_required("scheduling.view_appointment")
def schedule_day(request: AuthenticatedHttpRequest) -> HttpResponse:
    date_form = ScheduleDateForm(request.GET or None)
    day = date_form.chosen_day()
    active = list(Practitioner.objects.active())
    own = next((p for p in active if p.user_id == request.user.pk), None)
    # One's own column first, then by name, a page of columns at a time (?practitioners=2 for the next).
    ordered = sorted(active, key=lambda p: (own is None or p.pk != own.pk, p.display_name))
    columns = Paginator(ordered, COLUMNS_PER_PAGE).get_page(request.GET.get("practitioners"))
    practitioners = list(columns.object_list)
    may_book = set(Practitioner.objects.bookable_by(request.user).values_list("pk", flat=True))
    show_severity = shows_severity(request.user)
    grid = build_grid(practitioners=practitioners, days=[day], own=own, may_book=may_book, show_severity=show_severity)
    context = {
        "grid": grid,
        "day": day,
        "date_form": date_form,
        "picker_value": day.isoformat(),
        "previous_day": day - timedelta(days=1),
        "next_day": day + timedelta(days=1),
        "today": timezone.localdate(),
        "may_book": bool(may_book),
        "columns": columns,
        # The day's links keep the page of practitioners, the practitioners' links keep the day.
        "columns_query": f"&practitioners={columns.number}" if columns.number > 1 else "",
    }
    status = 400 if date_form.is_bound and not date_form.is_valid() else 200
    return render(request, "scheduling/schedule_day.html", context, status=status)


@require_safe
@permission_required("scheduling.view_appointment")
def practitioner_week(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    practitioner = get_object_or_404(Practitioner, pk=pk)
    date_form = ScheduleDateForm(request.GET or None)
    day = date_form.chosen_day()
    monday = day - timedelta(days=day.weekday())
    days = [monday + timedelta(days=offset) for offset in range(7)]
    may_book = set(Practitioner.objects.bookable_by(request.user).filter(pk=pk).values_list("pk", flat=True))
    show_severity = shows_severity(request.user)
    grid = build_grid(
        practitioners=[practitioner], days=days, own=None, may_book=may_book, show_severity=show_severity
    )
    context = {
        "practitioner": practitioner,
        "grid": grid,
        "date_form": date_form,
        "picker_value": day.isoformat(),
        "monday": monday,
        "sunday": days[-1],
        "previous_week": monday - timedelta(days=7),
        "next_week": monday + timedelta(days=7),
        "today": timezone.localdate(),
    }
    status = 400 if date_form.is_bound and not date_form.is_valid() else 200
    return render(request, "scheduling/practitioner_week.html", context, status=status)


# --- Booking ---------------------------------------------------------------------------


def _prefill(request: HttpRequest) -> dict[str, Any]:
    return {key: request.GET[key] for key in PREFILL if request.GET.get(key)}


def _chosen_patient(form: BaseForm) -> Patient | None:
    pk = _int(str(form["patient"].value() or ""))
    return Patient.objects.filter(pk=pk).first() if pk else None


def _search_context(request: HttpRequest) -> dict[str, Any]:
    """The picker's search; choosing one of the patients found (`patient` in the query) ends it."""
    search = PatientSearchForm(request.GET or None)
    text = search.cleaned_data["q"] if search.is_valid() and not request.GET.get("patient") else ""
    results = list(search_patients(text=text)[:SEARCH_RESULTS]) if text else []
    return {"search_form": search, "search_text": text, "search_results": results}


@permission_required("scheduling.add_appointment")
def appointment_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    practitioners = Practitioner.objects.bookable_by(request.user)
    form = AppointmentBookForm(request.POST or None, initial=_prefill(request), practitioners=practitioners)
    # A valid form names a practitioner this user books for: only other requests ask whether there is one.
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            appointment = services.appointment_book(
                patient=data["patient"],
                practitioner=data["practitioner"],
                appointment_type=data["appointment_type"],
                starts_at=data["starts_at"],
                duration_minutes=data["duration_minutes"],
                front_desk_note=data["front_desk_note"],
                booked_by=request.user,
                submission_key=data["submission_key"],
            )
        except DuplicateSubmission as duplicate:
            messages.info(request, "This booking was already made; here it is.")
            return redirect(duplicate.result_url or "scheduling:schedule-day")
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Booked: {appointment.patient} with {appointment.practitioner}.")
            return redirect(f"{appointment.get_absolute_url()}?booked=1")
    if not practitioners.exists():
        messages.error(request, "You have no practitioner profile to book for. The clinic admin adds it.")
        return redirect("scheduling:schedule-day")
    context = {"form": form, "patient": _chosen_patient(form), **_search_context(request)}
    if context["patient"] and not form.is_bound:
        form.focus_next_choice()
    return render(request, "scheduling/appointment_form.html", context)


@require_safe
@permission_required("patients.view_patient")
def patient_search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The booking form's inline search (htmx fragment); without htmx, the booking page does the search."""
    if not request.htmx:
        target = (
            "scheduling:waitlist-create" if request.GET.get("for") == "waitlist" else "scheduling:appointment-create"
        )
        return redirect(f"{reverse(target)}?{request.GET.urlencode()}")
    return render(request, "scheduling/_patient_choices.html", _search_context(request))


@require_safe
@permission_required("scheduling.view_appointment")
def appointment_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    appointment = get_object_or_404(
        Appointment.objects.for_schedule().select_related("booked_by", "cancelled_by", "practitioner__user"), pk=pk
    )
    readiness = readiness_for([appointment.patient_id])[appointment.patient_id]
    visit_day = timezone.localtime(appointment.starts_at).date()
    visit_gate = schedule.decision_on(readiness.state, visit_day)
    show_severity = shows_severity(request.user)
    questionnaire_url = reverse("patients:questionnaire-link-create", kwargs={"pk": appointment.patient_id})
    is_cancelled = appointment.is_cancelled
    context = {
        "appointment": appointment,
        "may_change": appointment.practitioner.is_bookable_by(request.user),
        "readiness": readiness,
        "visit_gate": visit_gate,
        "gate_badges": schedule.gate_badges(visit_gate, show_severity=show_severity),
        "show_severity": show_severity,
        "offer_questionnaire": appointment.appointment_type.is_first_visit
        and appointment.status == AppointmentStatus.BOOKED
        and not readiness.is_questionnaire_completed,
        "questionnaire_url": questionnaire_url,
        "questionnaire_link_form": QuestionnaireLinkForm(),
        "just_booked": request.GET.get("booked") == "1",
        "waitlist_matches": services.waitlist_matches(appointment=appointment) if is_cancelled else [],
        "is_today": timezone.localtime(appointment.starts_at).date() == timezone.localdate(),
        "has_started": appointment.starts_at <= timezone.now(),
        "visit_actions": visit_actions.actions_for(appointment, request.user),
        "series_count": Appointment.objects.filter(series_key=appointment.series_key).count()
        if appointment.series_key
        else 0,
    }
    return render(request, "scheduling/appointment_detail.html", context)


@permission_required("scheduling.change_appointment")
def appointment_reschedule(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    appointment = get_object_or_404(Appointment.objects.for_schedule(), pk=pk)
    require_may_change(request.user, appointment)
    if appointment.status != AppointmentStatus.BOOKED:
        messages.error(request, "Only a booked appointment can be moved.")
        return redirect(appointment)
    initial = {
        "practitioner": appointment.practitioner_id,
        "starts_at": timezone.localtime(appointment.starts_at),
        "duration_minutes": appointment.duration_minutes,
    }
    form = AppointmentRescheduleForm(
        request.POST or None, initial=initial, practitioners=Practitioner.objects.bookable_by(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.appointment_reschedule(
                appointment=appointment,
                practitioner=form.cleaned_data["practitioner"],
                starts_at=form.cleaned_data["starts_at"],
                duration_minutes=form.cleaned_data["duration_minutes"],
                changed_by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The appointment is moved.")
            return redirect(appointment)
    context = {"form": form, "appointment": appointment}
    return render(request, "scheduling/appointment_reschedule.html", context)


@permission_required("scheduling.change_appointment")
def appointment_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    appointment = get_object_or_404(Appointment.objects.for_schedule(), pk=pk)
    require_may_change(request.user, appointment)
    form = AppointmentCancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.appointment_cancel(
                appointment=appointment, reason=form.cleaned_data["reason"], cancelled_by=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The appointment is cancelled. The record stays; the time is free again.")
            return redirect(appointment)
    context = {"form": form, "appointment": appointment}
    return render(request, "scheduling/appointment_cancel.html", context)


def _change_status(
    request: AuthenticatedHttpRequest, pk: int, change: Callable[..., Appointment], done: str
) -> HttpResponse:
    appointment = get_object_or_404(Appointment.objects.select_related("practitioner", "patient"), pk=pk)
    require_may_change(request.user, appointment)
    try:
        change(appointment=appointment, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done.format(patient=appointment.patient))
    return redirect(_back(request, appointment.get_absolute_url()))


@require_POST
@permission_required("scheduling.change_appointment")
def appointment_check_in(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    def change(*, appointment: Appointment, user: User) -> Appointment:
        return services.appointment_check_in(appointment=appointment, checked_in_by=user)

    return _change_status(request, pk, change, "{patient} has arrived.")


@require_POST
@permission_required("scheduling.change_appointment")
def appointment_no_show(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    def change(*, appointment: Appointment, user: User) -> Appointment:
        return services.appointment_mark_no_show(appointment=appointment, marked_by=user)

    return _change_status(request, pk, change, "{patient} is marked as a no-show.")


@require_POST
@permission_required("scheduling.change_appointment")
def appointment_complete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    def change(*, appointment: Appointment, user: User) -> Appointment:
        return services.appointment_complete(appointment=appointment, completed_by=user)

    return _change_status(request, pk, change, "The visit of {patient} is completed.")


# --- Free slots and series -------------------------------------------------------------


@require_safe
@permission_required("scheduling.view_appointment")
def free_slots(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = FreeSlotsForm(request.GET or None)
    slots: list[Any] = []
    if form.is_valid():
        practitioner = form.cleaned_data["practitioner"]
        found = services.free_slots(
            practitioner=practitioner,
            appointment_type=form.cleaned_data["appointment_type"],
            after=form.starts_after(),
        )
        may_book = Practitioner.objects.bookable_by(request.user).filter(pk=practitioner.pk).exists()
        patient = form.cleaned_data.get("patient")
        for starts_at in found:
            query = {
                "practitioner": practitioner.pk,
                "appointment_type": form.cleaned_data["appointment_type"].pk,
                "starts_at": timezone.localtime(starts_at).strftime("%Y-%m-%dT%H:%M"),
            }
            if patient:
                query["patient"] = patient.pk
            url = f"{reverse('scheduling:appointment-create')}?{urlencode(query)}" if may_book else ""
            slots.append((starts_at, url))
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "scheduling/free_slots.html", {"form": form, "slots": slots}, status=status)


@permission_required("scheduling.add_appointment")
def series_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    practitioners = Practitioner.objects.bookable_by(request.user)
    if not practitioners.exists():
        messages.error(request, "You have no practitioner profile to book for. The clinic admin adds it.")
        return redirect("scheduling:schedule-day")
    form = AppointmentSeriesForm(request.POST or None, initial=_prefill(request), practitioners=practitioners)
    plan: list[services.SeriesDate] = []
    if request.method == "POST" and form.is_valid():
        already = previous_result(form.cleaned_data["submission_key"])
        if already:
            return redirect(already)
        data = form.cleaned_data
        series = {
            "patient": data["patient"],
            "practitioner": data["practitioner"],
            "appointment_type": data["appointment_type"],
            "first_starts_at": data["starts_at"],
            "every_days": data["every_days"],
            "visits": data["visits"],
            "duration_minutes": data["duration_minutes"],
        }
        plan = services.series_plan(**series)
        if request.POST.get("confirm") == "yes" or all(date.is_free for date in plan):
            try:
                booked, skipped = services.series_book(
                    **series, booked_by=request.user, submission_key=data["submission_key"]
                )
            except DuplicateSubmission as duplicate:
                return redirect(duplicate.result_url or "scheduling:schedule-day")
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if booked:
                    messages.success(request, f"Booked {len(booked)} of {len(booked) + len(skipped)} visits.")
                    for date in skipped:
                        messages.warning(request, f"Not booked {timezone.localtime(date.starts_at):%a %d %b %H:%M}: "
                                         + " ".join(date.problems))  # fmt: skip
                    return redirect(booked[0])
                form.add_error("starts_at", "None of these dates is free. Choose another time.")
    context = {
        "form": form,
        "plan": plan,
        "free_count": sum(date.is_free for date in plan),
        "patient": _chosen_patient(form),
        **_search_context(request),
    }
    if context["patient"] and not form.is_bound:
        form.focus_next_choice()
    return render(request, "scheduling/series_form.html", context)


# --- Waitlist --------------------------------------------------------------------------

WAITLIST_PAGE_SIZE = 50  # longest waiting first


@require_safe
@permission_required("scheduling.view_waitlistentry")
def waitlist_list(request: HttpRequest) -> HttpResponse:
    entries = WaitlistEntry.objects.open().select_related("patient", "practitioner", "appointment_type")
    page = Paginator(entries, WAITLIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "scheduling/waitlist_list.html", {"page": page})


@permission_required("scheduling.add_waitlistentry")
def waitlist_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    initial = {"wanted_until": timezone.localdate() + timedelta(days=28), **_prefill(request)}
    form = WaitlistEntryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.waitlist_add(data=form.cleaned_data, created_by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Added to the waitlist.")
            return redirect("scheduling:waitlist-list")
    context = {"form": form, "patient": _chosen_patient(form), **_search_context(request)}
    return render(request, "scheduling/waitlist_form.html", context)


@require_POST
@permission_required("scheduling.change_waitlistentry")
def waitlist_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(WaitlistEntry, pk=pk, removed_at__isnull=True)
    services.waitlist_remove(entry=entry)
    messages.success(request, "Removed from the waitlist.")
    return redirect(_back(request, reverse("scheduling:waitlist-list")))


# --- Calendar feed ---------------------------------------------------------------------


@permission_required("scheduling.manage_own_calendar_feed")
def feed_manage(request: AuthenticatedHttpRequest) -> HttpResponse:
    practitioner = own_practitioner(request.user)
    if practitioner is None:
        raise Http404("No practitioner profile")
    feed_url = ""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.feed_token_revoke(practitioner=practitioner)
            messages.success(request, "The calendar link is switched off. Calendars using it stop updating.")
            return redirect("scheduling:feed-manage")
        token = services.feed_token_reset(practitioner=practitioner)
        feed_url = request.build_absolute_uri(reverse("scheduling:practitioner-feed", kwargs={"token": token}))
    return render(request, "scheduling/feed_manage.html", {"practitioner": practitioner, "feed_url": feed_url})


@login_not_required
@never_cache
@require_safe
def practitioner_feed(request: HttpRequest, token: str) -> HttpResponse:
    practitioner = services.practitioner_for_feed(token)
    if practitioner is None:
        raise Http404("Unknown or revoked calendar link")
    response = HttpResponse(feeds.practitioner_calendar(practitioner), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="schedule.ics"'
    return response
