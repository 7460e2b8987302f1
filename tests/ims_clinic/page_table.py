"""The page table: every URL of the project, the status each persona gets, and the world of objects it opens.

The page-smoke test, the access matrix, the query bounds and the two-factor tests read it; `world` and
`patient_link_client` are fixtures for all of them (registered in tests/conftest.py).
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from accounts.roles import Role
from assessments import services as assessment_services
from assessments.models import NeedledSite, OutcomeLink
from patients import private_links, services
from records import services as records_services
from records.models import Letter, LetterKind
from scheduling import services as scheduling_services
from scheduling.models import AppointmentLink
from tests.conftest import PERSONAS
from tests.factories import (
    AppointmentFactory,
    ConsentFactory,
    PractitionerFactory,
    QuestionnaireResponseFactory,
    SafetyFlagFactory,
    UserFactory,
    WaitlistEntryFactory,
)

ALLOWED, FORBIDDEN, TO_LOGIN, NOT_ALLOWED_METHOD = 200, 403, 302, 405


# The staff personas, and a patient on their private questionnaire link with the date of birth confirmed:
# a session with no user, which must open nothing more than an anonymous visitor, except its questions (and, the
# date of birth confirmed there too, the aftercare sheet and the check after the patient's session).
LINK = "patient_link"
ALL_PERSONAS = (*PERSONAS, LINK)


@dataclass(frozen=True)
class Page:
    url_name: str
    expected: dict[str, int]  # persona -> status of a GET; the patient's link answers as anonymous unless listed
    kwargs: tuple[tuple[str, str], ...] = ()  # URL keyword -> name of an object in `world`

    def url(self, world: dict[str, object]) -> str:
        return reverse(self.url_name, kwargs={key: world[name] for key, name in self.kwargs})

    def expected_for(self, persona: str) -> int:
        return self.expected.get(persona, self.expected["anonymous"])


STAFF_PAGE = {"anonymous": TO_LOGIN, "front_desk": ALLOWED, "physio": ALLOWED, "admin": ALLOWED}
PUBLIC_PAGE = dict.fromkeys(PERSONAS, ALLOWED)
BACK_OFFICE = {"anonymous": TO_LOGIN, "front_desk": 302, "physio": 302, "admin": ALLOWED}
PATIENT_PAGE = {"anonymous": TO_LOGIN, "front_desk": ALLOWED, "physio": ALLOWED, "admin": FORBIDDEN}
CLINICAL_PAGE = {"anonymous": TO_LOGIN, "front_desk": FORBIDDEN, "physio": ALLOWED, "admin": FORBIDDEN}
ADMIN_PAGE = {"anonymous": TO_LOGIN, "front_desk": FORBIDDEN, "physio": FORBIDDEN, "admin": ALLOWED}
POST_ONLY = {"anonymous": TO_LOGIN, "front_desk": NOT_ALLOWED_METHOD, "physio": NOT_ALLOWED_METHOD, "admin": 405}
EXPORTER_PAGE = {"anonymous": TO_LOGIN, "front_desk": FORBIDDEN, "physio": ALLOWED, "admin": ALLOWED}
FRONT_DESK_PAGE = {"anonymous": TO_LOGIN, "front_desk": ALLOWED, "physio": FORBIDDEN, "admin": FORBIDDEN}
INCIDENT_REVIEW_PAGE = {"anonymous": TO_LOGIN, "front_desk": FORBIDDEN, "physio": ALLOWED, "admin": ALLOWED}
# The FHIR API takes no session, only an integration's bearer token: without one, 401 for everyone.
FHIR_API = dict.fromkeys(PERSONAS, 401)
PATIENT = (("pk", "patient"),)
CONSENT = (("pk", "patient"), ("consent_pk", "consent"))
RESPONSE = (("pk", "patient"), ("response_pk", "response"))

PAGES = [
    Page("home", STAFF_PAGE),
    Page("healthz", PUBLIC_PAGE),
    # Signed-in staff are sent on from the login page to their home.
    Page("accounts:login", {"anonymous": ALLOWED, "front_desk": 302, "physio": 302, "admin": 302}),
    Page("accounts:logout", {"anonymous": TO_LOGIN, **dict.fromkeys(PERSONAS[1:], NOT_ALLOWED_METHOD)}),
    # Two-factor sign-in: enrolment, then the code step (which sends someone with no app yet to enrolment).
    Page("accounts:mfa-setup", STAFF_PAGE),
    Page("accounts:mfa-verify", {"anonymous": TO_LOGIN, **dict.fromkeys(PERSONAS[1:], 302)}),
    Page("admin:otp_totp_totpdevice_changelist", BACK_OFFICE),
    # The audit trail, and a patient's "who has seen my record" report: the clinic admin's alone.
    Page("accounts:audit-list", ADMIN_PAGE),
    Page("accounts:audit-export", ADMIN_PAGE),
    Page("patients:patient-access-report", ADMIN_PAGE, PATIENT),
    Page("patients:patient-access-report-export", ADMIN_PAGE, PATIENT),
    # The back office: only the clinic admin is staff; everyone else is sent to the admin's login.
    Page("admin:index", BACK_OFFICE),
    Page("admin:accounts_user_changelist", BACK_OFFICE),
    Page("admin:auditlog_logentry_changelist", BACK_OFFICE),
    Page("admin:axes_accessattempt_changelist", BACK_OFFICE),
    Page("admin:patients_consenttextversion_changelist", BACK_OFFICE),
    Page("patients:patient-list", PATIENT_PAGE),
    Page("patients:patient-create", PATIENT_PAGE),
    Page("patients:patient-detail", PATIENT_PAGE, PATIENT),
    Page("patients:patient-update", PATIENT_PAGE, PATIENT),
    Page("patients:patient-archive", POST_ONLY, PATIENT),
    Page("patients:patient-restore", POST_ONLY, PATIENT),
    Page("patients:consent-create", CLINICAL_PAGE, PATIENT),
    Page("patients:consent-detail", CLINICAL_PAGE, CONSENT),
    Page("patients:consent-withdraw", POST_ONLY, CONSENT),
    Page("patients:consent-extend", POST_ONLY, CONSENT),
    Page("patients:questionnaire-link-create", POST_ONLY, PATIENT),
    Page("patients:questionnaire-link-revoke", POST_ONLY, (("pk", "patient"), ("link_pk", "link"))),
    Page("patients:questionnaire-review", CLINICAL_PAGE, RESPONSE),
    Page("patients:safety-flag-acknowledge", POST_ONLY, (*RESPONSE, ("flag_pk", "flag"))),
    Page("patients:safety-flag-map", POST_ONLY, (*RESPONSE, ("flag_pk", "flag"))),
    Page("patients:safety-flags-acknowledge-low", POST_ONLY, RESPONSE),
    Page("assessments:assessment-start", POST_ONLY, (("patient_pk", "patient"),)),
    Page("assessments:assessment-step", CLINICAL_PAGE, (("pk", "assessment"), ("step", "step"))),
    Page("assessments:assessment-row-add", POST_ONLY, (("pk", "assessment"), ("kind", "row_kind"))),
    Page(
        "assessments:assessment-row-delete",
        POST_ONLY,
        (("pk", "assessment"), ("kind", "row_kind"), ("row_pk", "finding")),
    ),
    Page("assessments:baseline-create", POST_ONLY, (("pk", "assessment"),)),
    Page("assessments:spine-toggle", POST_ONLY, (("pk", "assessment"),)),
    Page("assessments:spine-range", POST_ONLY, (("pk", "assessment"),)),
    Page("assessments:segment-decide", POST_ONLY, (("pk", "assessment"),)),
    Page("assessments:needling-plan-save", POST_ONLY, (("pk", "assessment"),)),
    # Review and sign: the review (GET) of what the signature covers and what is missing, the signature (POST).
    Page("assessments:assessment-sign", CLINICAL_PAGE, (("pk", "assessment"),)),
    Page("assessments:addendum-create", POST_ONLY, (("pk", "assessment"),)),
    Page("assessments:assessment-entered-in-error", POST_ONLY, (("pk", "assessment"),)),
    Page("assessments:assessment-print", CLINICAL_PAGE, (("pk", "assessment"),)),
    Page("assessments:session-start", POST_ONLY, (("patient_pk", "patient"),)),
    # Before a draft from an earlier day is continued or set aside: the question (GET), the answer (POST).
    Page("assessments:session-earlier-draft", CLINICAL_PAGE, (("patient_pk", "patient"),)),
    Page("assessments:assessment-earlier-draft", CLINICAL_PAGE, (("patient_pk", "patient"),)),
    Page("assessments:session-detail", CLINICAL_PAGE, (("pk", "session"),)),
    Page("assessments:session-recheck", POST_ONLY, (("pk", "session"),)),
    Page("assessments:session-header", POST_ONLY, (("pk", "session"),)),
    Page("assessments:session-close", POST_ONLY, (("pk", "session"),)),
    Page("assessments:needled-site-create", POST_ONLY, (("pk", "session"),)),
    Page("assessments:needled-site-delete", POST_ONLY, (("pk", "session"), ("site_pk", "site"))),
    Page("assessments:session-consent-extend", POST_ONLY, (("pk", "session"),)),
    Page("assessments:adverse-event-create", POST_ONLY, (("pk", "session"),)),
    Page("assessments:outcome-create", POST_ONLY, (("pk", "session"),)),
    Page("assessments:session-sign", CLINICAL_PAGE, (("pk", "session"),)),
    Page("assessments:session-addendum-create", POST_ONLY, (("pk", "session"),)),
    Page("assessments:progress", CLINICAL_PAGE, (("patient_pk", "patient"),)),
    Page(
        "assessments:adverse-event-report",
        {"anonymous": TO_LOGIN, "front_desk": FORBIDDEN, "physio": FORBIDDEN, "admin": ALLOWED},
    ),
    # The adverse events with their patients, for the incident review: physiotherapists and the clinic admin.
    Page("assessments:adverse-event-list", INCIDENT_REVIEW_PAGE),
    Page("assessments:adverse-event-export", INCIDENT_REVIEW_PAGE),
    # The patient's private link: no login; the questions only after the date of birth is confirmed.
    # With the date of birth confirmed, the link's first page sends the patient on to the questions.
    Page("questionnaire:start", {**PUBLIC_PAGE, LINK: 302}, (("token", "token"),)),
    Page(
        "questionnaire:section",
        {**dict.fromkeys(PERSONAS, 302), LINK: ALLOWED},
        (("token", "token"), ("section", "section")),
    ),
    Page("questionnaire:autosave", dict.fromkeys(PERSONAS, 405), (("token", "token"), ("section", "section"))),
    # The patient's outcome questionnaire before a visit: no login; the date of birth asked first on each page.
    Page("outcome_questionnaire:start", PUBLIC_PAGE, (("token", "outcome_token"),)),
    Page("outcome_questionnaire:question", PUBLIC_PAGE, (("token", "outcome_token"), ("number", "outcome_question"))),
    # The schedule: front desk and physiotherapists (the world's appointment is the physio persona's own).
    Page("scheduling:schedule-day", PATIENT_PAGE),
    Page("scheduling:practitioner-week", PATIENT_PAGE, (("pk", "practitioner"),)),
    Page("scheduling:appointment-create", PATIENT_PAGE),
    Page("scheduling:series-create", PATIENT_PAGE),
    Page("scheduling:free-slots", PATIENT_PAGE),
    # Without htmx the inline search hands over to the booking page.
    Page("scheduling:patient-search", {**PATIENT_PAGE, "front_desk": 302, "physio": 302}),
    Page("scheduling:appointment-detail", PATIENT_PAGE, (("pk", "appointment"),)),
    Page("scheduling:appointment-reschedule", PATIENT_PAGE, (("pk", "appointment"),)),
    Page("scheduling:appointment-cancel", PATIENT_PAGE, (("pk", "appointment"),)),
    Page("scheduling:appointment-check-in", POST_ONLY, (("pk", "appointment"),)),
    Page("scheduling:appointment-no-show", POST_ONLY, (("pk", "appointment"),)),
    Page("scheduling:appointment-complete", POST_ONLY, (("pk", "appointment"),)),
    Page("scheduling:waitlist-list", PATIENT_PAGE),
    Page("scheduling:waitlist-create", PATIENT_PAGE),
    Page("scheduling:waitlist-remove", POST_ONLY, (("pk", "waitlist_entry"),)),
    Page("scheduling:feed-manage", CLINICAL_PAGE),
    # The calendar feed: no login (calendar apps cannot sign in); the secret token is the key.
    Page("scheduling:practitioner-feed", PUBLIC_PAGE, (("token", "feed_token"),)),
    Page("admin:scheduling_practitioner_changelist", BACK_OFFICE),
    Page("admin:scheduling_appointmenttype_changelist", BACK_OFFICE),
    Page("admin:scheduling_timeoff_changelist", BACK_OFFICE),
    # Records out: a patient's export (physio, clinic admin), the clinic's CSV files and the integrations
    # (clinic admin), the patient import (front desk), and the FHIR API (a bearer token, no session).
    Page("records:patient-pick", EXPORTER_PAGE),
    Page("records:patient-export", EXPORTER_PAGE, PATIENT),
    Page("records:clinic-export", ADMIN_PAGE),
    Page("records:patient-import", FRONT_DESK_PAGE),
    Page("records:patient-import-confirm", POST_ONLY),
    Page("records:integration-list", ADMIN_PAGE),
    Page("records:integration-revoke", POST_ONLY, (("pk", "integration_token"),)),
    # Letters about a course: the physiotherapist's alone (the world's letter is the physio persona's draft, so
    # its print-or-send page sends them back to the letter until it is signed).
    Page("records:letter-list", CLINICAL_PAGE, PATIENT),
    Page("records:letter-create", POST_ONLY, PATIENT),
    Page("records:letter-detail", CLINICAL_PAGE, (("pk", "letter"),)),
    Page("records:letter-sign", CLINICAL_PAGE, (("pk", "letter"),)),
    Page("records:letter-preview", CLINICAL_PAGE, (("pk", "letter"),)),
    Page("records:letter-send", {**CLINICAL_PAGE, "physio": 302}, (("pk", "letter"),)),
    Page("records:letter-addendum-create", POST_ONLY, (("pk", "letter"),)),
    Page("records:letter-entered-in-error", POST_ONLY, (("pk", "letter"),)),
    # After a session: its aftercare sheet printed at the desk (clinical: the physiotherapist), and the review of
    # what a patient reported on the check, by the session's own physiotherapist (the world's is the physio
    # persona's; a colleague's is not found).
    Page("assessments:session-aftercare", CLINICAL_PAGE, (("pk", "session"),)),
    Page("assessments:after-effect-review", CLINICAL_PAGE, (("pk", "after_effect_review"),)),
    Page("assessments:after-effect-record", POST_ONLY, (("pk", "after_effect_review"),)),
    Page("assessments:after-effect-close", POST_ONLY, (("pk", "after_effect_review"),)),
    # The patient's aftercare sheet and check behind their private links: the date of birth first, for everyone.
    Page("aftercare:sheet", PUBLIC_PAGE, (("token", "aftercare_token"),)),
    Page("aftercare:check", PUBLIC_PAGE, (("token", "check_token"),)),
    Page("fhir:base", FHIR_API),
    Page("fhir:resource-read", FHIR_API, (("resource_type", "fhir_type"), ("resource_id", "patient"))),
    Page("fhir:patient-everything", FHIR_API, (("resource_id", "patient"),)),
    # Messages to patients: the patient's list (front desk, physio), the back office's (clinic admin), the worker's
    # tasks, and the visit's private page that a reminder links to (no login; the token is the key).
    Page("patients:patient-messages", PATIENT_PAGE, PATIENT),
    Page("admin:patients_message_changelist", BACK_OFFICE),
    Page("admin:django_tasks_database_dbtaskresult_changelist", BACK_OFFICE),
    Page("appointment_link:page", PUBLIC_PAGE, (("token", "appointment_token"),)),
]


@pytest.fixture
def world(db: None) -> dict[str, object]:
    """One of each object the pages show, by name."""
    consent = ConsentFactory()
    answered = QuestionnaireResponseFactory(patient=consent.patient)
    flag = SafetyFlagFactory(response=answered)
    link, token = services.questionnaire_link_issue(
        patient=consent.patient, issued_by=UserFactory(), link_url=str, submission_key=uuid.uuid4()
    )
    # The physio persona's own practitioner profile (UserFactory gets or creates "physio").
    practitioner = PractitionerFactory(user=UserFactory(username="physio", roles=[Role.PHYSIOTHERAPIST]))
    appointment = AppointmentFactory(
        patient=consent.patient, practitioner=practitioner, starts_at=timezone.now() + timedelta(days=1)
    )
    assessment = assessment_services.assessment_start(patient=consent.patient, physiotherapist=UserFactory())
    finding = assessment_services.finding_record(
        assessment=assessment, sign_code="SEN-MOTORPOINT", side="L", status="present", muscle="deltoid"
    )
    session = assessment_services.session_start(patient=consent.patient, physiotherapist=UserFactory())
    site = NeedledSite.objects.create(session=session, muscle="deltoid", side="L")
    assessment_services.adverse_event_record(
        session=session, reported_by=session.physiotherapist, event_type="bruising", event_class="mild",
        onset="after", action_taken="Pressure and ice; reassured.",
    )  # fmt: skip
    _outcome_link, outcome_token = private_links.issue(
        OutcomeLink, patient=consent.patient, valid_for=appointment.ends_at - timezone.now(), appointment=appointment,
        visit_starts_at=appointment.starts_at, instrument="NDI",
    )  # fmt: skip
    return {
        **after_a_session(consent.patient, practitioner.user),
        "outcome_token": outcome_token,
        "outcome_question": 1,
        "date_of_birth": consent.patient.date_of_birth.isoformat(),
        "session": session.pk,
        "site": site.pk,
        "assessment": assessment.pk,
        "step": "history",
        "row_kind": "finding",
        "finding": finding.pk,
        "patient": consent.patient_id,
        "consent": consent.pk,
        "link": link.pk,
        "token": token,
        "section": "blood_thinners",
        "response": answered.pk,
        "flag": flag.pk,
        "practitioner": practitioner.pk,
        "appointment": appointment.pk,
        "waitlist_entry": WaitlistEntryFactory(patient=consent.patient).pk,
        "feed_token": scheduling_services.feed_token_reset(practitioner=practitioner),
        "integration_token": records_services.integration_token_create(
            name="Referral portal", created_by=UserFactory(), submission_key=uuid.uuid4(), result_url="/"
        )[0].pk,
        "fhir_type": "Patient",
        "letter": Letter.objects.create(
            patient=consent.patient,
            assessment=assessment,
            kind=LetterKind.DISCHARGE_SUMMARY,
            author=practitioner.user,
            complaint="Lateral elbow pain",
        ).pk,
        "appointment_token": private_links.issue(
            AppointmentLink, patient=consent.patient, valid_for=timedelta(days=2), appointment=appointment
        )[1],
    }


def after_a_session(patient: Any, physiotherapist: Any) -> dict[str, object]:
    """A session of the physio persona's, the patient's links to its aftercare sheet and check, and a report
    on an earlier check that waits for the physiotherapist's review."""
    from assessments.models import AftercareLink, AfterEffectReport, AfterEffectReview, CheckLink, TreatmentSession
    from patients import private_links

    signed_at = timezone.now() - timedelta(days=1)
    session = TreatmentSession.objects.create(
        patient=patient, physiotherapist=physiotherapist, started_at=signed_at, needles_accounted_for=True,
        status="signed", signed_at=signed_at, signed_by=physiotherapist, content_digest="0" * 64,
    )  # fmt: skip
    _aftercare, aftercare_token = private_links.issue(
        AftercareLink, patient=patient, session=session, valid_for=timedelta(days=30)
    )
    answered, _token = private_links.issue(
        CheckLink, patient=patient, session=session, check_round="first", valid_for=timedelta(hours=48)
    )
    _check, check_token = private_links.issue(
        CheckLink, patient=patient, session=session, check_round="follow_up", valid_for=timedelta(hours=48)
    )
    report = AfterEffectReport.objects.create(
        session=session, link=answered, check_round="first", soreness=8, regions=["upper_limb:R"], bruising="small"
    )
    review = AfterEffectReview.objects.create(report=report, physiotherapist=physiotherapist, reasons=["Soreness 8"])
    return {"aftercare_token": aftercare_token, "check_token": check_token, "after_effect_review": review.pk}


@pytest.fixture
def patient_link_client(world: dict[str, object]) -> Client:
    """The world's patient on their phone: opened the private links and confirmed the date of birth."""
    client = Client()
    start = reverse("questionnaire:start", kwargs={"token": world["token"]})
    confirmed = client.post(start, {"date_of_birth": world["date_of_birth"]})
    assert confirmed.status_code == 302 and "/q/" in confirmed["Location"]
    # The same patient's links after their session: each asks for the date of birth once.
    for name, token in (("aftercare:sheet", "aftercare_token"), ("aftercare:check", "check_token")):
        page = reverse(name, kwargs={"token": world[token]})
        assert client.post(page, {"date_of_birth": world["date_of_birth"]}).status_code == 302
    # And on the link of the outcome questionnaire before the next visit.
    outcome = reverse("outcome_questionnaire:start", kwargs={"token": world["outcome_token"]})
    assert client.post(outcome, {"date_of_birth": world["date_of_birth"]}).status_code == 302
    return client


def project_views() -> dict[str, Callable[..., Any]]:
    """Every named URL pattern outside the Django admin (whose pages the admin's own permissions guard), with
    its view."""
    views: dict[str, Callable[..., Any]] = {}

    def walk(patterns: list, namespace: str = "") -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                assert pattern.name, f"URL pattern {pattern.pattern} has no name"
                views[namespace + pattern.name] = pattern.callback

    walk(get_resolver().url_patterns)
    return views


def project_url_names() -> set[str]:
    return set(project_views())
