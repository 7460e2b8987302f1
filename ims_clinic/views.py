"""Project-wide pages: each role's home, the health check, and the error pages."""

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import InvalidPage, Page, Paginator
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts import audit
from accounts.http import AuthenticatedHttpRequest
from accounts.models import AuditAction
from accounts.permissions import holds, permission_required
from accounts.roles import Role, user_roles
from assessments import today as clinical_today
from patients.forms import QuestionnaireLinkForm
from records import signed_records
from scheduling import today as desk_today

RETRY_AFTER_SECONDS = 30


def home_cards(request: HttpRequest) -> list[dict[str, str]]:
    held = user_roles(request.user)
    cards: list[dict[str, str]] = []
    if held & {Role.FRONT_DESK, Role.PHYSIOTHERAPIST}:
        cards.append(
            {
                "icon": "bi-people",
                "title": "Patients",
                "text": "Find a patient by name, date of birth or phone; register a new one; open a chart.",
                "url": reverse("patients:patient-list"),
                "action": "Open the registry",
            }
        )
        cards.append(
            {
                "icon": "bi-calendar3",
                "title": "Schedule",
                "text": "Today's appointments for each physiotherapist: book, move, cancel and check in.",
                "url": reverse("scheduling:schedule-day"),
                "action": "Open the schedule",
            }
        )
    if Role.CLINIC_ADMIN in held:
        cards += [
            {
                "icon": "bi-person-gear",
                "title": "Staff accounts",
                "text": "Add staff, give each person their role, switch off accounts of people who left.",
                "url": reverse("admin:accounts_user_changelist"),
                "action": "Manage staff",
            },
            {
                "icon": "bi-journal-text",
                "title": "Audit log",
                "text": "Every look at and change to the clinic's records: who, in which role, when, from where.",
                "url": reverse("accounts:audit-list"),
                "action": "Read the audit log",
            },
            {
                "icon": "bi-shield-lock",
                "title": "Locked sign-ins",
                "text": "Accounts locked after too many wrong passwords; unlock one by deleting its entry.",
                "url": reverse("admin:axes_accessattempt_changelist"),
                "action": "See lockouts",
            },
            {
                "icon": "bi-file-earmark-text",
                "title": "Consent texts",
                "text": "The wording patients consent to. Add a new version; versions in use never change.",
                "url": reverse("admin:patients_consenttextversion_changelist"),
                "action": "Manage consent texts",
            },
            {
                "icon": "bi-box-arrow-up",
                "title": "Records out",
                "text": "A patient's whole record for an access request or a referral, recorded as a disclosure.",
                "url": reverse("records:patient-pick"),
                "action": "Export a patient's record",
            },
            {
                "icon": "bi-file-earmark-spreadsheet",
                "title": "Clinic data export",
                "text": "CSV files of patients, appointments, sessions and outcomes, pseudonymised for research.",
                "url": reverse("records:clinic-export"),
                "action": "Export the clinic's data",
            },
            {
                "icon": "bi-plug",
                "title": "Integrations",
                "text": "Tokens for software that reads records through the FHIR API; revoke one when it ends.",
                "url": reverse("records:integration-list"),
                "action": "Manage integrations",
            },
        ]
    if Role.FRONT_DESK in held:
        cards.append(
            {
                "icon": "bi-upload",
                "title": "Import patients",
                "text": "Move patients from another system with a CSV file: preview every row, then import.",
                "url": reverse("records:patient-import"),
                "action": "Import from a CSV file",
            }
        )
    return cards


TODAY_PAGE_SIZE = 10


@dataclass
class TodayList:
    """One list of the Today page: a page of it, and the links to the pages beside it (other lists kept)."""

    page: Page
    rows: list[Any]
    previous_url: str = ""
    next_url: str = ""


def today_list(
    request: HttpRequest,
    name: str,
    objects: Sequence[Any] | QuerySet[Any],
    rows: Callable[[list[Any]], list[Any]] = list,
) -> TodayList:
    """Page `objects` by the `<name>_page` parameter (anything but a page number of the list shows page 1), and
    make the page's rows with `rows`."""
    parameter = f"{name}_page"
    paginator = Paginator(objects, TODAY_PAGE_SIZE)
    try:
        page = paginator.page(request.GET.get(parameter) or 1)
    except InvalidPage:
        page = paginator.page(1)

    def url(number: int) -> str:
        query = request.GET.copy()
        query[parameter] = str(number)
        return f"?{query.urlencode()}#{name}"

    return TodayList(
        page=page,
        rows=rows(list(page.object_list)),
        previous_url=url(page.previous_page_number()) if page.has_previous() else "",
        next_url=url(page.next_page_number()) if page.has_next() else "",
    )


def audit_viewed(listed: TodayList, *, object_type: str, name: str, patient_ids: list[int]) -> None:
    """One audit event for a clinical list shown with rows: the list, its page and whose rows (one insert)."""
    if not listed.rows:
        return
    number = listed.page.number
    audit.audit(
        action=AuditAction.VIEW,
        object_type=object_type,
        object_id=f"Today: {name}",
        data={"page": number, "patients": sorted(set(patient_ids)), "summary": f"Today's {name}, page {number}"},
    )


def physiotherapist_today(request: AuthenticatedHttpRequest, today: date) -> dict[str, Any]:
    user = request.user
    visits = today_list(
        request,
        "visits",
        clinical_today.day_appointments(physiotherapist=user, day=today),
        lambda appointments: clinical_today.visits(appointments, today=today),
    )
    # The last session's pain and plan are clinical content: their reading is audited, as a list page's is.
    audit_viewed(
        visits,
        object_type="assessments.treatmentsession",
        name="patients",
        patient_ids=[visit.appointment.patient_id for visit in visits.rows],
    )
    after_effects = today_list(request, "after_effects", clinical_today.after_effects_to_review(physiotherapist=user))
    audit_viewed(
        after_effects,
        object_type="assessments.aftereffectreview",
        name="reported after treatment",
        patient_ids=[review.report.session.patient_id for review in after_effects.rows],
    )
    return {
        "visits": visits,
        "drafts": today_list(
            request, "drafts", clinical_today.own_drafts(physiotherapist=user), clinical_today.drafts_of
        ),
        "unrecorded": today_list(request, "unrecorded", clinical_today.unrecorded_visits(physiotherapist=user)),
        "unrecorded_days": clinical_today.UNRECORDED_DAYS,
        "after_effects": after_effects,
    }


def front_desk_today(request: AuthenticatedHttpRequest, today: date) -> dict[str, Any]:
    def with_link_forms(due: list[desk_today.QuestionnaireDue]) -> list[tuple[desk_today.QuestionnaireDue, Any]]:
        return [(item, QuestionnaireLinkForm()) for item in due]

    return {
        "arrivals": today_list(request, "arrivals", desk_today.arrivals(day=today)),
        "may_check_in": desk_today.bookable_practitioner_ids(request.user),
        "questionnaires": today_list(
            request, "questionnaires", desk_today.questionnaires_due(day=today), with_link_forms
        ),
        "may_send_link": holds(request.user, "patients.add_questionnairelink"),
        "waitlist": today_list(request, "waitlist", desk_today.waitlist_matches_ahead()),
        "waitlist_days": desk_today.WAITLIST_DAYS_AHEAD,
    }


def clinic_admin_today(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    now = timezone.now()
    checked, failed = signed_records.verify_recent(since=now - timedelta(days=signed_records.RECENT_DAYS))
    events = today_list(request, "events", clinical_today.recent_adverse_events(now=now))
    audit_viewed(
        events,
        object_type="assessments.adverseevent",
        name="adverse events",
        patient_ids=[event.session.patient_id for event in events.rows],
    )
    return {
        "stale": today_list(request, "stale", clinical_today.stale_drafts(now=now), clinical_today.drafts_of),
        "events": events,
        "event_days": clinical_today.ADVERSE_EVENT_DAYS,
        "may_open_sessions": holds(request.user, "assessments.view_treatmentsession"),
        "verified_count": checked,
        "verified_days": signed_records.RECENT_DAYS,
        "failed": today_list(request, "failed", failed),
    }


@permission_required("accounts.view_home")
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    now = timezone.localtime()
    greeting = "morning" if now.hour < 12 else "afternoon" if now.hour < 18 else "evening"
    held = user_roles(request.user)
    context: dict[str, Any] = {"greeting": greeting, "cards": home_cards(request), "today": now.date()}
    if Role.PHYSIOTHERAPIST in held:
        context["physiotherapist"] = physiotherapist_today(request, now.date())
    if Role.FRONT_DESK in held:
        context["front_desk"] = front_desk_today(request, now.date())
    if Role.CLINIC_ADMIN in held:
        context["clinic_admin"] = clinic_admin_today(request)
    return render(request, "home.html", context)


@login_not_required
@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        response = JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return JsonResponse({"status": "ok"})


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a plain page; a lost database is a 503 that tells the browser to retry."""
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        response = HttpResponse(render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS}), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return HttpResponse(render_to_string("500.html"), status=500)
