"""Each role's Today page: the physiotherapist's day, the front desk's arrivals, the clinic admin's review lists."""

import re
import uuid
from datetime import datetime, time, timedelta
from html import unescape

import factory
import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditAction, AuditEvent
from accounts.roles import Role
from assessments import services as assessment_services
from assessments.models import Assessment, AssessmentStatus, TreatmentSession
from records import letters
from records.models import Letter, LetterKind
from scheduling.models import AppointmentStatus, Practitioner
from tests.assessments.signing import sign_assessment
from tests.factories import (
    AppointmentFactory,
    AppointmentTypeFactory,
    ConsentFactory,
    PatientFactory,
    PractitionerFactory,
    QuestionnaireResponseFactory,
    SafetyFlagFactory,
    UserFactory,
    WaitlistEntryFactory,
    clear_for_needling,
)

ZONE = timezone.get_default_timezone()
# A Tuesday morning at the clinic.
NOW = datetime(2026, 3, 3, 8, 30, tzinfo=ZONE)


def at(hour: int, minute: int = 0, *, days: int = 0) -> datetime:
    return datetime.combine(NOW.date() + timedelta(days=days), time(hour, minute), tzinfo=ZONE)


CANCELLED = {
    "status": AppointmentStatus.CANCELLED,
    "cancellation_reason": "Unwell",
    "cancelled_by": factory.SubFactory(UserFactory),
}


@pytest.fixture(autouse=True)
def clinic_morning():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def text(response) -> str:
    """The page as a reader sees it: tags dropped, spaces collapsed."""
    assert response.status_code == 200
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip())


def section(response, heading_id: str) -> str:
    """The words of one list's section of the page."""
    html = response.content.decode()
    start = html.index(f'id="{heading_id}"')
    end = html.find("</section>", start)
    chunk = html[start:end]
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", chunk)).strip())


@pytest.fixture
def practitioner(physio_client: Client) -> Practitioner:
    return PractitionerFactory(user=physio_client.user, display_name="Maya Chen")


def signed_session(patient, physiotherapist, *, started_at, pain_before=6, pain_after=3, plan="", appointment=None):
    return TreatmentSession.objects.create(
        patient=patient,
        physiotherapist=physiotherapist,
        appointment=appointment,
        started_at=started_at,
        pain_before=pain_before,
        pain_after=pain_after,
        plan=plan,
        needles_accounted_for=True,
        status=AssessmentStatus.SIGNED,
        signed_at=started_at + timedelta(hours=1),
        signed_by=physiotherapist,
        content_digest="0" * 64,
    )


def signed_assessment_of(patient, physiotherapist, *, started_at, appointment=None, planned_muscles=()):
    return Assessment.objects.create(
        patient=patient,
        physiotherapist=physiotherapist,
        appointment=appointment,
        started_at=started_at,
        planned_muscles=list(planned_muscles),
        status=AssessmentStatus.SIGNED,
        signed_at=started_at + timedelta(hours=1),
        signed_by=physiotherapist,
        content_digest="0" * 64,
    )


def really_signed_assessment() -> Assessment:
    """Signed through the service, with the digest the verification recomputes."""
    draft = assessment_services.assessment_start(
        patient=PatientFactory(), physiotherapist=UserFactory(roles=[Role.PHYSIOTHERAPIST])
    )
    draft = assessment_services.assessment_save_fields(
        assessment=draft, data={"chief_complaint": "Right shoulder pain"}, version=draft.version
    )
    return sign_assessment(draft)


# --- The physiotherapist ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_physiotherapists_day_lists_their_patients_in_time_order_with_what_each_visit_needs(
    physio_client: Client, practitioner: Practitioner
) -> None:
    physio = physio_client.user
    new = PatientFactory(given_name="Nora", family_name="New")
    returning = PatientFactory(given_name="Rita", family_name="Return")
    QuestionnaireResponseFactory(patient=returning)
    clear_for_needling(returning)
    signed_assessment_of(returning, physio, started_at=at(9, days=-14))
    signed_session(
        returning, physio, started_at=at(9, days=-7), pain_before=7, pain_after=4, plan="Add the infraspinatus."
    )
    initial = AppointmentTypeFactory(name="Initial IMS assessment", kind="initial_assessment", duration_minutes=60)
    AppointmentFactory(patient=returning, practitioner=practitioner, starts_at=at(11))
    AppointmentFactory(patient=new, practitioner=practitioner, starts_at=at(9), appointment_type=initial)
    AppointmentFactory(patient=PatientFactory(given_name="Otto", family_name="Other"), starts_at=at(10))

    response = physio_client.get(reverse("home"))

    day = section(response, "visits-heading")
    assert "Otto" not in day
    assert day.index("Nora New") < day.index("Rita Return")
    assert "09:00\u201310:00 Nora New Initial IMS assessment · Booked" in day
    assert "No questionnaire" in day and "No consent" in day
    assert "No signed session yet" in day
    assert "Start the assessment for Nora New" in day
    assert "11:00\u201311:30 Rita Return IMS treatment · Booked" in day
    assert "Questionnaire current" in day and "Consent in force" in day and "Re-check done" in day
    assert "24 Feb: pain 7 before, 4 after (of 10)" in day
    assert "Plan: Add the infraspinatus." in day
    assert "Start today's session for Rita Return" in day
    html = response.content.decode()
    assert f'action="{reverse("assessments:assessment-start", kwargs={"patient_pk": new.pk})}"' in html
    assert f'action="{reverse("assessments:session-start", kwargs={"patient_pk": returning.pk})}"' in html
    assert 'name="appointment"' in html


@pytest.mark.django_db
def test_a_visit_says_which_flag_and_which_consent_extension_it_needs(
    physio_client: Client, practitioner: Practitioner
) -> None:
    patient = PatientFactory(given_name="Fay", family_name="Flagged")
    SafetyFlagFactory(response=QuestionnaireResponseFactory(patient=patient))
    ConsentFactory(patient=patient, regions=["head_neck"])
    signed_assessment_of(
        patient,
        physio_client.user,
        started_at=at(9, days=-3),
        planned_muscles=[{"muscle": "gluteus-medius", "side": "R"}],
    )
    AppointmentFactory(patient=patient, practitioner=practitioner, starts_at=at(10))

    day = section(physio_client.get(reverse("home")), "visits-heading")

    assert "Flag to acknowledge (high)" in day
    assert "Re-check at the visit" in day
    assert "Consent extension needed for the plan: the buttock and hip" in day


@pytest.mark.django_db
def test_a_visit_with_a_draft_of_today_offers_to_continue_it(
    physio_client: Client, practitioner: Practitioner
) -> None:
    patient = PatientFactory(given_name="Dana", family_name="Draft")
    signed_assessment_of(patient, physio_client.user, started_at=at(9, days=-10))
    AppointmentFactory(patient=patient, practitioner=practitioner, starts_at=at(9), status=AppointmentStatus.ARRIVED)
    draft = assessment_services.session_start(patient=patient, physiotherapist=physio_client.user)

    day = section(physio_client.get(reverse("home")), "visits-heading")

    assert "Arrived" in day
    assert "Continue the session for Dana Draft" in day
    assert (
        reverse("assessments:session-detail", kwargs={"pk": draft.pk})
        in physio_client.get(reverse("home")).content.decode()
    )


@pytest.mark.django_db
def test_a_draft_from_another_day_is_not_this_visits_draft(physio_client: Client, practitioner: Practitioner) -> None:
    patient = PatientFactory(given_name="Olga", family_name="Older")
    signed_assessment_of(patient, physio_client.user, started_at=at(9, days=-20))
    old = assessment_services.session_start(patient=patient, physiotherapist=physio_client.user)
    TreatmentSession.objects.filter(pk=old.pk).update(started_at=at(9, days=-5))
    AppointmentFactory(patient=patient, practitioner=practitioner, starts_at=at(14))

    day = section(physio_client.get(reverse("home")), "visits-heading")

    assert "Start today's session for Olga Older" in day


@pytest.mark.django_db
def test_the_next_step_follows_the_kind_of_appointment_and_is_accepted_when_pressed(
    physio_client: Client, practitioner: Practitioner
) -> None:
    physio = physio_client.user
    again = PatientFactory(given_name="Ada", family_name="Again")  # a new episode: assessed before
    signed_assessment_of(again, physio, started_at=at(9, days=-200))
    fresh = PatientFactory(given_name="Tess", family_name="Transfer")  # treated here, assessed elsewhere
    initial = AppointmentTypeFactory(name="Initial IMS assessment", kind="initial_assessment")
    first = AppointmentFactory(patient=again, practitioner=practitioner, starts_at=at(9), appointment_type=initial)
    treatment = AppointmentFactory(patient=fresh, practitioner=practitioner, starts_at=at(10))

    response = physio_client.get(reverse("home"))
    day = section(response, "visits-heading")

    assert "Start the assessment for Ada Again" in day
    assert "Start today's session for Tess Transfer" in day
    html = response.content.decode()
    assert f'action="{reverse("assessments:assessment-start", kwargs={"patient_pk": again.pk})}"' in html
    assert f'action="{reverse("assessments:session-start", kwargs={"patient_pk": fresh.pk})}"' in html
    physio_client.post(
        reverse("assessments:assessment-start", kwargs={"patient_pk": again.pk}), {"appointment": first.pk}
    )
    physio_client.post(
        reverse("assessments:session-start", kwargs={"patient_pk": fresh.pk}), {"appointment": treatment.pk}
    )
    assert Assessment.objects.get(status=AssessmentStatus.DRAFT).appointment == first
    assert TreatmentSession.objects.get().appointment == treatment


@pytest.mark.django_db
def test_a_reassessment_starts_the_assessment_only_when_none_is_signed(
    physio_client: Client, practitioner: Practitioner
) -> None:
    review = AppointmentTypeFactory(name="Review", kind="reassessment")
    known = PatientFactory(given_name="Kim", family_name="Known")
    signed_assessment_of(known, physio_client.user, started_at=at(9, days=-30))
    AppointmentFactory(patient=known, practitioner=practitioner, starts_at=at(9), appointment_type=review)
    AppointmentFactory(
        patient=PatientFactory(given_name="Uma", family_name="Unassessed"),
        practitioner=practitioner,
        starts_at=at(10),
        appointment_type=review,
    )

    day = section(physio_client.get(reverse("home")), "visits-heading")

    assert "Start today's session for Kim Known" in day
    assert "Start the assessment for Uma Unassessed" in day


@pytest.mark.django_db
def test_a_treatment_visit_continues_its_session_not_an_assessment_draft_of_the_day(
    physio_client: Client, practitioner: Practitioner
) -> None:
    patient = PatientFactory(given_name="Ida", family_name="Interim")
    assessment_services.assessment_start(patient=patient, physiotherapist=physio_client.user)
    AppointmentFactory(patient=patient, practitioner=practitioner, starts_at=at(11))

    day = section(physio_client.get(reverse("home")), "visits-heading")

    assert "Start today's session for Ida Interim" in day
    assert "Continue the assessment" not in day


@pytest.mark.django_db
def test_cancelled_and_missed_bookings_are_not_among_todays_patients(
    physio_client: Client, practitioner: Practitioner
) -> None:
    AppointmentFactory(
        patient=PatientFactory(given_name="Cleo", family_name="Cancelled"),
        practitioner=practitioner,
        starts_at=at(9),
        **CANCELLED,
    )
    AppointmentFactory(
        patient=PatientFactory(given_name="Nico", family_name="Noshow"),
        practitioner=practitioner,
        starts_at=at(10),
        status=AppointmentStatus.NO_SHOW,
    )
    AppointmentFactory(
        patient=PatientFactory(given_name="Hana", family_name="Here"),
        practitioner=practitioner,
        starts_at=at(11),
        status=AppointmentStatus.ARRIVED,
    )

    day = section(physio_client.get(reverse("home")), "visits-heading")

    assert "Hana Here" in day
    assert "Cleo" not in day and "Nico" not in day


@pytest.mark.django_db
def test_reading_todays_patients_is_one_audited_view_the_clinic_admin_reads_in_the_log(
    physio_client: Client, admin_client: Client, practitioner: Practitioner
) -> None:
    patients = [PatientFactory(given_name=name, family_name="Seen") for name in ("Ann", "Ben", "Cy")]
    for hour, patient in enumerate(patients, start=9):
        signed_session(patient, physio_client.user, started_at=at(9, days=-7), plan="Same again.")
        AppointmentFactory(patient=patient, practitioner=practitioner, starts_at=at(hour))

    physio_client.get(reverse("home"))

    views = AuditEvent.objects.filter(actor=physio_client.user, action=AuditAction.VIEW)
    assert [(event.role, event.data["patients"]) for event in views] == [
        ("Physiotherapist", sorted(patient.pk for patient in patients))
    ]
    trail = text(admin_client.get(reverse("accounts:audit-list")))
    assert "physio Physiotherapist Viewed Treatment session no. Today: patients Today's patients, page 1" in trail


@pytest.mark.django_db
def test_an_empty_day_shows_nothing_clinical_and_records_no_view(physio_client: Client) -> None:
    physio_client.get(reverse("home"))

    assert not AuditEvent.objects.filter(action=AuditAction.VIEW).exists()


@pytest.mark.django_db
def test_the_physiotherapists_drafts_are_listed_oldest_first_with_their_age(
    physio_client: Client, practitioner: Practitioner
) -> None:
    physio = physio_client.user
    first, second = (
        PatientFactory(given_name="Anna", family_name="Ahead"),
        PatientFactory(given_name="Ben", family_name="Behind"),
    )
    session = assessment_services.session_start(patient=first, physiotherapist=physio)
    TreatmentSession.objects.filter(pk=session.pk).update(started_at=NOW - timedelta(days=3, hours=2))
    assessment = assessment_services.assessment_start(patient=second, physiotherapist=physio)
    Assessment.objects.filter(pk=assessment.pk).update(started_at=NOW - timedelta(hours=5))
    assessment_services.assessment_start(
        patient=PatientFactory(given_name="Colleagues"), physiotherapist=UserFactory()
    )

    drafts = section(physio_client.get(reverse("home")), "drafts-heading")

    assert "Treatment session Anna Ahead" in drafts and "3 days" in drafts
    assert "Assessment Ben Behind" in drafts and "5 hours" in drafts
    assert drafts.index("Anna Ahead") < drafts.index("Ben Behind")
    assert "Colleagues" not in drafts


@pytest.mark.django_db
def test_completed_visits_without_a_signed_record_are_listed_oldest_first(
    physio_client: Client, practitioner: Practitioner
) -> None:
    physio = physio_client.user
    completed = {"practitioner": practitioner, "status": AppointmentStatus.COMPLETED}
    unrecorded_old = AppointmentFactory(
        patient=PatientFactory(given_name="Uma", family_name="Unrecorded"), starts_at=at(9, days=-6), **completed
    )
    unrecorded_new = AppointmentFactory(
        patient=PatientFactory(given_name="Ulf", family_name="Unsigned"), starts_at=at(9, days=-2), **completed
    )
    assessment_services.session_start(
        patient=unrecorded_new.patient, physiotherapist=physio
    )  # a draft is not a record
    linked = AppointmentFactory(
        patient=PatientFactory(given_name="Lena", family_name="Linked"), starts_at=at(9, days=-3), **completed
    )
    signed_session(linked.patient, physio, started_at=at(9, days=-1), appointment=linked)
    same_day = AppointmentFactory(
        patient=PatientFactory(given_name="Sam", family_name="Sameday"), starts_at=at(15, days=-4), **completed
    )
    signed_assessment_of(same_day.patient, physio, started_at=at(15, 5, days=-4))
    other_day = AppointmentFactory(
        patient=PatientFactory(given_name="Otis", family_name="Otherday"), starts_at=at(9, days=-5), **completed
    )
    signed_session(other_day.patient, physio, started_at=at(9, days=-4))
    AppointmentFactory(
        patient=PatientFactory(given_name="Tom", family_name="Toolong"), starts_at=at(9, days=-31), **completed
    )
    AppointmentFactory(
        patient=PatientFactory(given_name="Cass", family_name="Cancelled"),
        starts_at=at(9, days=-1),
        practitioner=practitioner,
        **CANCELLED,
    )

    listed = section(physio_client.get(reverse("home")), "unrecorded-heading")

    assert "Uma Unrecorded" in listed and "Ulf Unsigned" in listed and "Otis Otherday" in listed
    assert listed.index("Uma Unrecorded") < listed.index("Otis Otherday") < listed.index("Ulf Unsigned")
    for recorded in ("Lena Linked", "Sam Sameday", "Tom Toolong", "Cass Cancelled"):
        assert recorded not in listed
    assert unrecorded_old.starts_at.astimezone(ZONE).strftime("%-d %b %Y") in listed


@pytest.mark.django_db
def test_a_physiotherapist_sees_none_of_the_other_roles_lists(
    physio_client: Client, practitioner: Practitioner
) -> None:
    page = text(physio_client.get(reverse("home")))

    assert "Your patients today" in page and "Your unsigned records" in page
    assert "Today's arrivals" not in page and "Waitlist matches" not in page
    assert "Records failing verification" not in page and "Adverse events of the last" not in page
    assert "items waiting" not in page.lower()


# --- The front desk --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_front_desk_sees_todays_arrivals_in_time_order_and_checks_one_in(front_desk_client: Client) -> None:
    late = AppointmentFactory(patient=PatientFactory(given_name="Liam", family_name="Late"), starts_at=at(15))
    early = AppointmentFactory(patient=PatientFactory(given_name="Erin", family_name="Early"), starts_at=at(9))
    AppointmentFactory(
        patient=PatientFactory(given_name="Abe", family_name="Arrived"),
        starts_at=at(10),
        status=AppointmentStatus.ARRIVED,
    )
    AppointmentFactory(
        patient=PatientFactory(given_name="Cleo", family_name="Cancelled"), starts_at=at(11), **CANCELLED
    )
    AppointmentFactory(patient=PatientFactory(given_name="Tia", family_name="Tomorrow"), starts_at=at(9, days=1))

    response = front_desk_client.get(reverse("home"))

    arrivals = section(response, "arrivals-heading")
    assert arrivals.index("Erin Early") < arrivals.index("Abe Arrived") < arrivals.index("Liam Late")
    assert f"09:00 Erin Early IMS treatment {early.practitioner.display_name} Booked Check in Erin Early" in arrivals
    assert "Abe Arrived IMS treatment" in arrivals and "Check in Abe Arrived" not in arrivals
    assert "Cleo" not in arrivals and "Tia" not in arrivals
    html = response.content.decode()
    assert f'action="{reverse("scheduling:appointment-check-in", kwargs={"pk": late.pk})}"' in html

    checked_in = front_desk_client.post(
        reverse("scheduling:appointment-check-in", kwargs={"pk": early.pk}), {"next": reverse("home")}
    )

    assert checked_in.status_code == 302 and checked_in["Location"] == reverse("home")
    arrivals = section(front_desk_client.get(reverse("home")), "arrivals-heading")
    assert "Erin Early IMS treatment" in arrivals and "Check in Erin Early" not in arrivals


@pytest.mark.django_db
def test_the_front_desk_sees_who_booked_today_or_tomorrow_still_has_no_current_questionnaire(
    front_desk_client: Client,
) -> None:
    missing = PatientFactory(given_name="Mona", family_name="Missing")
    expired = PatientFactory(given_name="Ezra", family_name="Expired")
    QuestionnaireResponseFactory(patient=expired, submitted_at=NOW - timedelta(days=120))
    current = PatientFactory(given_name="Cara", family_name="Current")
    QuestionnaireResponseFactory(patient=current)
    later = PatientFactory(given_name="Leo", family_name="Later")
    AppointmentFactory(patient=missing, starts_at=at(10))
    AppointmentFactory(patient=missing, starts_at=at(10, days=1))  # one row per patient
    AppointmentFactory(patient=expired, starts_at=at(9, days=1))
    AppointmentFactory(patient=current, starts_at=at(11))
    AppointmentFactory(patient=later, starts_at=at(11, days=2))

    response = front_desk_client.get(reverse("home"))

    due = section(response, "questionnaires-heading")
    assert "Tue 3 Mar, 10:00 Mona Missing No questionnaire Send the questionnaire link to Mona Missing" in due
    assert "Wed 4 Mar, 09:00 Ezra Expired Questionnaire expired" in due
    assert due.count("Mona Missing No questionnaire") == 1
    assert "Cara" not in due and "Leo" not in due
    html = response.content.decode()
    assert f'action="{reverse("patients:questionnaire-link-create", kwargs={"pk": missing.pk})}"' in html
    assert 'name="submission_key"' in html


@pytest.mark.django_db
def test_the_front_desk_sees_freed_time_that_suits_someone_on_the_waitlist(front_desk_client: Client) -> None:
    practitioner = PractitionerFactory(display_name="Maya Chen")
    AppointmentFactory(practitioner=practitioner, starts_at=at(10, days=1), **CANCELLED)
    rebooked = at(14, days=1)
    AppointmentFactory(practitioner=practitioner, starts_at=rebooked, **CANCELLED)
    AppointmentFactory(practitioner=practitioner, starts_at=rebooked)
    AppointmentFactory(practitioner=practitioner, starts_at=at(10, days=5), **CANCELLED)  # beyond the next days
    waiting = WaitlistEntryFactory(patient=PatientFactory(given_name="Wendy", family_name="Waiting"))
    WaitlistEntryFactory(patient=PatientFactory(given_name="Fred", family_name="Fridays"), weekdays=[4])

    response = front_desk_client.get(reverse("home"))

    matches = section(response, "waitlist-heading")
    assert "Wed 4 Mar, 10:00 Maya Chen Wendy Waiting, IMS treatment Book Wendy Waiting at 10:00" in matches
    assert "14:00" not in matches and "Fred" not in matches and "Mon 9 Mar" not in matches
    book = (
        f"{reverse('scheduling:appointment-create')}?practitioner={practitioner.pk}&amp;starts_at=2026-03-04T10%3A00"
        f"&amp;appointment_type={waiting.appointment_type_id}&amp;patient={waiting.patient_id}"
    )
    assert book in response.content.decode()


@pytest.mark.django_db
def test_the_front_desk_sees_no_clinical_content(front_desk_client: Client) -> None:
    physio = UserFactory(roles=[Role.PHYSIOTHERAPIST])
    practitioner = PractitionerFactory(user=physio)
    patient = PatientFactory(given_name="Pia", family_name="Private")
    SafetyFlagFactory(response=QuestionnaireResponseFactory(patient=patient), reason="Takes apixaban (Eliquis).")
    signed_session(patient, physio, started_at=at(9, days=-7), pain_before=8, pain_after=2, plan="Needle the glutes.")
    AppointmentFactory(patient=patient, practitioner=practitioner, starts_at=at(10))
    assessment_services.session_start(patient=patient, physiotherapist=physio)

    page = text(front_desk_client.get(reverse("home")))

    assert "Pia Private" in page
    for clinical in ("pain", "Pain", "Needle the glutes", "apixaban", "Eliquis", "high", "Flag", "Plan", "unsigned"):
        assert clinical not in page, clinical
    assert "Your patients today" not in page and "Records failing verification" not in page


# --- The clinic admin ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_clinic_admin_sees_records_left_unsigned_for_more_than_a_day(admin_client: Client) -> None:
    author = UserFactory(first_name="Olive", last_name="Oldham", roles=[Role.PHYSIOTHERAPIST])
    patient = PatientFactory(given_name="Hidden", family_name="Patient")
    old = assessment_services.session_start(patient=patient, physiotherapist=author)
    TreatmentSession.objects.filter(pk=old.pk).update(started_at=NOW - timedelta(days=2, hours=1))
    fresh = assessment_services.assessment_start(
        patient=PatientFactory(), physiotherapist=UserFactory(last_name="Fresh")
    )
    Assessment.objects.filter(pk=fresh.pk).update(started_at=NOW - timedelta(hours=23))

    stale = section(admin_client.get(reverse("home")), "stale-heading")

    assert "Treatment session Olive Oldham 1 Mar 2026, 07:30 2 days" in stale
    assert "Fresh" not in stale
    assert "Hidden" not in stale  # who the patient is stays in the clinical record


@pytest.mark.django_db
def test_the_clinic_admin_sees_the_adverse_events_of_the_last_30_days(admin_client: Client) -> None:
    from assessments.models import AdverseEvent

    physio = UserFactory(first_name="Ivan", last_name="Ince", roles=[Role.PHYSIOTHERAPIST])
    session = signed_session(PatientFactory(given_name="Zelda"), physio, started_at=at(9, days=-5))
    for days, event_type, event_class in (
        (5, "bruising", "mild"),
        (2, "fainting", "significant"),
        (40, "bruising", "mild"),
    ):
        AdverseEvent.objects.create(
            session=session,
            event_type=event_type,
            event_class=event_class,
            onset="during",
            action_taken="Pressed the site.",
            referral="Family doctor" if event_class != "mild" else "",
            reported_by=physio,
            reported_at=NOW - timedelta(days=days),
        )

    events = section(admin_client.get(reverse("home")), "events-heading")

    assert events.count("Session of 26 Feb 2026") == 2
    assert events.index("Significant") < events.index("Mild")
    assert "Bruising Ivan Ince" in events
    assert "Zelda" not in events and "Pressed the site" not in events
    assert reverse("assessments:adverse-event-list") in admin_client.get(reverse("home")).content.decode()
    views = AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="assessments.adverseevent")
    assert views.count() == 2  # one for each reading of the page, however many events it lists
    assert "Today's adverse events, page 1" in text(admin_client.get(reverse("accounts:audit-list")))


@pytest.mark.django_db
def test_the_clinic_admin_sees_no_event_of_a_session_entered_in_error_as_the_review_list_shows_none(
    admin_client: Client,
) -> None:
    from assessments.models import AdverseEvent

    physio = UserFactory(first_name="Ivan", last_name="Ince", roles=[Role.PHYSIOTHERAPIST])
    kept = signed_session(PatientFactory(), physio, started_at=at(9, days=-5))
    void = signed_session(PatientFactory(), physio, started_at=at(9, days=-3))
    TreatmentSession.objects.filter(pk=void.pk).update(status=AssessmentStatus.ENTERED_IN_ERROR)
    for session, event_type, action in ((kept, "bruising", "Pressed the site."), (void, "fainting", "Lay down.")):
        AdverseEvent.objects.create(
            session=session,
            event_type=event_type,
            event_class="mild",
            onset="during",
            action_taken=action,
            reported_by=physio,
            reported_at=session.started_at,
        )

    events = section(admin_client.get(reverse("home")), "events-heading")
    review = text(admin_client.get(reverse("assessments:adverse-event-list")))

    assert "Bruising" in events and "Pressed the site." in review
    assert "Fainting" not in events and "Lay down." not in review
    assert "Session of 28 Feb 2026" not in events


@pytest.mark.django_db
def test_the_clinic_admin_sees_recently_signed_records_that_fail_verification(admin_client: Client) -> None:
    _kept, tampered = really_signed_assessment(), really_signed_assessment()
    assert "The 2 records signed in the last 7 days" in section(admin_client.get(reverse("home")), "failed-heading")
    assert "Every one matches its signature." in section(admin_client.get(reverse("home")), "failed-heading")
    Assessment.objects.filter(pk=tampered.pk).update(chief_complaint="Left knee")  # behind the application's back

    failed = section(admin_client.get(reverse("home")), "failed-heading")

    assert f"Assessment {tampered.signed_by}" in failed
    assert failed.count("Assessment ") == 1 and "Left knee" not in failed


@pytest.mark.django_db
def test_a_signed_letter_that_no_longer_matches_is_listed_with_its_author(admin_client: Client) -> None:
    assessment = really_signed_assessment()
    letter = letters.letter_create(
        assessment=assessment,
        kind=LetterKind.DISCHARGE_SUMMARY,
        author=assessment.physiotherapist,
        submission_key=uuid.uuid4(),
        result_url="",
    )
    letter = letters.letter_sign(letter=letter, signed_by=letter.author, version=letter.version)
    assert "Every one matches its signature." in section(admin_client.get(reverse("home")), "failed-heading")
    Letter.objects.filter(pk=letter.pk).update(plan="Changed behind the application's back")

    failed = section(admin_client.get(reverse("home")), "failed-heading")

    assert f"Letter {assessment.physiotherapist}" in failed and "behind" not in failed


# --- Several roles, paging -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_user_with_several_roles_sees_each_roles_lists() -> None:
    client = Client()
    client.force_login(UserFactory(roles=[Role.PHYSIOTHERAPIST, Role.FRONT_DESK, Role.CLINIC_ADMIN], is_staff=True))

    page = text(client.get(reverse("home")))

    for heading in (
        "Your patients today",
        "Your unsigned records",
        "Completed visits without a signed record",
        "Today's arrivals",
        "Still without a questionnaire",
        "Waitlist matches",
        "Records unsigned for more than a day",
        "Adverse events of the last 30 days",
        "Records failing verification",
    ):
        assert heading in page


@pytest.fixture
def twelve_drafts(physio_client: Client) -> list[TreatmentSession]:
    drafts = []
    for index in range(12):
        patient = PatientFactory(given_name=f"Patient{index:02d}", family_name="Paged")
        draft = assessment_services.session_start(patient=patient, physiotherapist=physio_client.user)
        TreatmentSession.objects.filter(pk=draft.pk).update(started_at=NOW - timedelta(days=20 - index))
        drafts.append(draft)
    return drafts


@pytest.mark.django_db
def test_each_list_pages_on_its_own_parameter(physio_client: Client, twelve_drafts: list) -> None:
    first = physio_client.get(reverse("home"))
    drafts = section(first, "drafts-heading")
    assert "Patient00" in drafts and "Patient09" in drafts and "Patient10" not in drafts
    assert "Page 1 of 2" in drafts
    assert 'href="?drafts_page=2#drafts"' in first.content.decode()

    second = physio_client.get(reverse("home"), {"drafts_page": "2", "visits_page": "1"})

    drafts = section(second, "drafts-heading")
    assert "Patient10" in drafts and "Patient11" in drafts and "Patient09" not in drafts
    assert "Page 2 of 2" in drafts
    assert 'href="?drafts_page=1&amp;visits_page=1#drafts"' in second.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["0", "-1", "abc", "99", "1.5", "9" * 30, ""])
def test_a_bad_page_number_shows_the_first_page(physio_client: Client, twelve_drafts: list, bad: str) -> None:
    response = physio_client.get(reverse("home"), {"drafts_page": bad, "unrecorded_page": bad, "visits_page": bad})

    drafts = section(response, "drafts-heading")
    assert "Page 1 of 2" in drafts and "Patient00" in drafts
