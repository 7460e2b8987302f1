"""Project-wide pages: each role's home, the health check, and the error pages."""

import sys

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts.permissions import permission_required
from accounts.roles import Role, user_roles

RETRY_AFTER_SECONDS = 30


ROLE_SUMMARIES = {
    Role.FRONT_DESK: "Register patients, book, move, cancel and check in sessions, and send questionnaire links.",
    Role.PHYSIOTHERAPIST: "Assess and treat your patients, sign your records, and follow their progress.",
    Role.CLINIC_ADMIN: "Manage staff accounts, practitioners' hours, appointment types, and read the audit log.",
}


def home_cards(request: HttpRequest) -> list[dict[str, str]]:
    held = user_roles(request.user)
    cards = [
        {"icon": "bi-person-badge", "title": role.label, "text": ROLE_SUMMARIES[role]} for role in Role if role in held
    ]
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


@permission_required("accounts.view_home")
def home(request: HttpRequest) -> HttpResponse:
    hour = timezone.localtime().hour
    greeting = "morning" if hour < 12 else "afternoon" if hour < 18 else "evening"
    return render(request, "home.html", {"greeting": greeting, "cards": home_cards(request)})


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
