"""What each role may do, as Django permissions (the roles table of ARCHITECTURE.md): the one table.

Every page asks for permissions (accounts.permissions.permission_required) and the authentication backend
answers from this table and the user's roles. Each label here is asked for by a page or by the back office.

The groups are created by the data migration 0001_roles and brought back in step with this
table after every migrate (see apps.py), so that a new app's permissions join its role
without another data migration and no one can widen a role from the back office for good.
"""

from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from accounts.roles import Role

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    # Identity and contact, booking, check-in, questionnaire links; never clinical content.
    Role.FRONT_DESK: frozenset(
        {
            "accounts.view_home",
            "patients.add_patient",
            "patients.change_patient",
            "patients.view_patient",
            "patients.add_questionnairelink",
            "patients.change_questionnairelink",
            "scheduling.add_appointment",
            "scheduling.change_appointment",
            "scheduling.view_appointment",
            "scheduling.book_for_any_practitioner",
            "scheduling.add_waitlistentry",
            "scheduling.change_waitlistentry",
            "scheduling.view_waitlistentry",
            "records.import_patients",
        }
    ),
    # Everything clinical; the schedule read-only plus their own bookings.
    Role.PHYSIOTHERAPIST: frozenset(
        {
            "accounts.view_home",
            "patients.add_patient",
            "patients.change_patient",
            "patients.view_patient",
            "patients.add_consent",
            "patients.change_consent",
            "patients.view_consent",
            "patients.add_questionnairelink",
            "patients.change_questionnairelink",
            "patients.view_questionnaireresponse",
            "patients.change_safetyflag",
            "patients.view_safetyflag",
            "assessments.add_assessment",
            "assessments.change_assessment",
            "assessments.view_assessment",
            "assessments.add_treatmentsession",
            "assessments.change_treatmentsession",
            "assessments.view_treatmentsession",
            "assessments.add_adverseevent",
            "assessments.add_outcomemeasure",
            "assessments.view_outcomemeasure",
            # The adverse events with their patients, for the clinic's incident review.
            "assessments.view_adverse_event_list",
            # Their own bookings only (no book_for_any_practitioner): Practitioner.objects.bookable_by.
            "scheduling.add_appointment",
            "scheduling.change_appointment",
            "scheduling.view_appointment",
            "scheduling.add_waitlistentry",
            "scheduling.change_waitlistentry",
            "scheduling.view_waitlistentry",
            "scheduling.manage_own_calendar_feed",
            "records.export_patient_record",
            # Discharge summaries and letters to the family doctor: written, signed, printed or sent.
            "records.add_letter",
            "records.change_letter",
            "records.view_letter",
        }
    ),
    # Staff accounts, practitioners' hours, appointment types, the audit log.
    Role.CLINIC_ADMIN: frozenset(
        {
            "accounts.view_home",
            "accounts.add_user",
            "accounts.change_user",
            "accounts.view_user",
            "accounts.view_auditevent",
            "auth.view_group",
            "auditlog.view_logentry",
            "axes.view_accessattempt",
            "axes.delete_accessattempt",
            "axes.view_accessfailurelog",
            "axes.view_accesslog",
            # Recovery of a lost authenticator: delete the device, and the staff member enrols again.
            "otp_totp.view_totpdevice",
            "otp_totp.delete_totpdevice",
            "patients.add_consenttextversion",
            "patients.change_consenttextversion",
            "patients.view_consenttextversion",
            "scheduling.add_practitioner",
            "scheduling.change_practitioner",
            "scheduling.view_practitioner",
            "scheduling.add_workinghours",
            "scheduling.change_workinghours",
            "scheduling.delete_workinghours",
            "scheduling.view_workinghours",
            "scheduling.add_timeoff",
            "scheduling.change_timeoff",
            "scheduling.delete_timeoff",
            "scheduling.view_timeoff",
            "scheduling.add_appointmenttype",
            "scheduling.change_appointmenttype",
            "scheduling.view_appointmenttype",
            # The adverse-event report counts events by type and class, with no patient in it.
            "assessments.view_adverse_event_report",
            # The incident review is the clinic admin's to run: they read and export the events with their patients.
            "assessments.view_adverse_event_list",
            "records.export_patient_record",
            "records.export_clinic_data",
            # The integrations that read the FHIR API.
            "records.add_integrationtoken",
            "records.change_integrationtoken",
            "records.view_integrationtoken",
            # Messages to patients and the worker's tasks, in the back office: a failed message is tried again there.
            "patients.view_message",
            "patients.change_message",
            "django_tasks_database.view_dbtaskresult",
        }
    ),
}


def sync_roles(**kwargs: Any) -> None:
    """Give each role's group exactly the permissions of ROLE_PERMISSIONS (a post_migrate receiver)."""
    for role, labels in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = Q(pk__in=[])
        for label in labels:
            app_label, codename = label.split(".")
            wanted |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.set(Permission.objects.filter(wanted))
