"""No page's number of queries grows with the data: every GET page of the page table, measured twice.

Each page is opened by a persona it is open to: once on the page table's world grown by some of
everything, once after it has grown to three times that. Growing adds patients, appointments for the
same practitioner and patient, questionnaires with flags, assessments with findings, sites on the
session, outcome scores, waitlist entries, and the audit events all that browsing writes. The second
count must not be higher than the first.
"""

import itertools
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.roles import Role
from assessments import services as assessment_services
from assessments.models import Assessment, NeedledSite, TreatmentSession
from patients.models import Patient
from scheduling.models import Practitioner
from tests.factories import (
    AppointmentFactory,
    PatientFactory,
    PractitionerFactory,
    QuestionnaireResponseFactory,
    SafetyFlagFactory,
    UserFactory,
    WaitlistEntryFactory,
)
from tests.ims_clinic.page_table import ALLOWED, LINK, PAGES, Page

# Who opens each page: the first of these it is open to.
READERS = ("physio", "front_desk", "admin", LINK, "anonymous")
MORE = 4
GROWTHS = itertools.count()  # each growth books later times: no two appointments overlap
FINDINGS = [("MOT-TAUTBAND", "supinator"), ("MOT-TAUTBAND", "deltoid"), ("SEN-MOTORPOINT", "infraspinatus")]
SITES = [("supinator", "R"), ("infraspinatus", "L"), ("gluteus-medius", "R")]


def reader(page: Page) -> str | None:
    return next((persona for persona in READERS if page.expected_for(persona) == ALLOWED), None)


READ_PAGES = [page for page in PAGES if reader(page)]


def grow(objects: dict[str, object]) -> None:
    """More of everything the pages list, around the world's patient and practitioner and beyond them."""
    patient = Patient.objects.get(pk=objects["patient"])
    practitioner = Practitioner.objects.get(pk=objects["practitioner"])
    soon = timezone.now() + timedelta(days=1)
    first = next(GROWTHS) * MORE + 1
    for index in range(first, first + MORE):
        other = PatientFactory()
        AppointmentFactory(patient=other, practitioner=practitioner, starts_at=soon + timedelta(hours=index))
        AppointmentFactory(patient=patient, starts_at=soon + timedelta(days=index))
        AppointmentFactory(patient=other, starts_at=timezone.now() + timedelta(minutes=index))
        SafetyFlagFactory(response=QuestionnaireResponseFactory(patient=other))
        SafetyFlagFactory(response=QuestionnaireResponseFactory(patient=patient))
        WaitlistEntryFactory(patient=other)
        WaitlistEntryFactory(patient=patient)
    assessment = assessment_services.assessment_start(patient=patient, physiotherapist=UserFactory())
    assessment_services.assessment_start(patient=patient, physiotherapist=UserFactory(roles=[Role.PHYSIOTHERAPIST]))
    world_assessment = Assessment.objects.get(pk=objects["assessment"])
    for sign_code, muscle in FINDINGS:
        for draft in (assessment, world_assessment):
            assessment_services.finding_record(
                assessment=draft, sign_code=sign_code, side="R", status="present", muscle=muscle
            )
    session = TreatmentSession.objects.get(pk=objects["session"])
    for muscle, side in SITES:
        NeedledSite.objects.create(session=session, muscle=muscle, side=side)  # as the world's, past the gate
    for total in (20, 14, 8):
        assessment_services.outcome_record(
            patient=patient, session=session, instrument="NDI", total=total, recorded_by=session.physiotherapist
        )
    PractitionerFactory()  # one more column on the day's schedule
    # Adverse events on the world's session and on other patients' sessions, one reported at a later visit.
    other_physio = UserFactory(roles=[Role.PHYSIOTHERAPIST])
    earlier = TreatmentSession.objects.create(
        patient=PatientFactory(), physiotherapist=other_physio, started_at=timezone.now() - timedelta(days=7)
    )
    # A colleague's session: the other physiotherapist's own earlier draft would make theirs ask first.
    later = assessment_services.session_start(
        patient=earlier.patient, physiotherapist=UserFactory(roles=[Role.PHYSIOTHERAPIST])
    )
    NeedledSite.objects.create(session=earlier, muscle="deltoid", side="R")
    for target, reported_in in ((session, None), (earlier, None), (earlier, later)):
        assessment_services.adverse_event_record(
            session=target, reported_in=reported_in, reported_by=(reported_in or target).physiotherapist,
            event_type="bruising", event_class="mild", onset="reported_later" if reported_in else "after",
            action_taken="Ice.",
        )  # fmt: skip


def count_queries(client: Client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
    return response.status_code, len(queries.captured_queries)


@pytest.mark.django_db
def test_no_page_makes_more_queries_when_the_clinic_has_more_data(
    world: dict[str, object],
    request: pytest.FixtureRequest,
) -> None:
    clients = {persona: request.getfixturevalue(f"{persona}_client") for persona in READERS}
    grow(world)  # some of everything first: a list with no rows may skip the queries of its rows
    for page in READ_PAGES:
        clients[reader(page)].get(page.url(world))  # a process's first request also fills caches

    before = {page.url_name: count_queries(clients[reader(page)], page.url(world)) for page in READ_PAGES}
    grow(world)
    grow(world)
    after = {page.url_name: count_queries(clients[reader(page)], page.url(world)) for page in READ_PAGES}

    assert [name for name, (status, _count) in before.items() if status != ALLOWED] == []
    grew = {name: (before[name][1], count) for name, (_status, count) in after.items() if count > before[name][1]}
    assert grew == {}, "queries before and after the data grew"


# --- Today: each role's lists, whatever their length -----------------------------------------------------------

TODAY_GROWTHS = itertools.count()


def grow_today(physio: object, practitioner: Practitioner) -> None:
    """More of what each role's Today lists: visits of the day (with drafts, last sessions and plans), drafts old
    and new, completed visits with and without records, arrivals, patients without a questionnaire, freed slots
    with waitlist entries, adverse events and signed records."""
    from assessments.models import AdverseEvent, AfterEffectReport, AfterEffectReview, AssessmentStatus, CheckLink
    from patients import private_links
    from tests.assessments.signing import sign_assessment

    growth = next(TODAY_GROWTHS)
    day_start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    for index in range(MORE):
        slot = growth * MORE + index
        patient = PatientFactory()
        SafetyFlagFactory(response=QuestionnaireResponseFactory(patient=patient))
        # Today's visits half an hour apart (never overlapping another growth's), each with a draft of today.
        AppointmentFactory(
            patient=patient, practitioner=practitioner, starts_at=day_start + timedelta(minutes=30 * slot)
        )
        assessment_services.session_start(patient=patient, physiotherapist=physio)
        signed = TreatmentSession.objects.create(
            patient=patient,
            physiotherapist=physio,
            started_at=timezone.now() - timedelta(days=3),
            pain_before=6,
            pain_after=3,
            plan="Again next week.",
            needles_accounted_for=True,
            status=AssessmentStatus.SIGNED,
            signed_at=timezone.now() - timedelta(days=3),
            signed_by=physio,
            content_digest="0" * 64,
        )
        AdverseEvent.objects.create(
            session=signed,
            event_type="bruising",
            event_class="mild",
            onset="during",
            action_taken="Pressed the site.",
            reported_by=physio,
        )
        # What the patient reported on the check after it, waiting for the physiotherapist's review.
        check, _token = private_links.issue(
            CheckLink, patient=patient, session=signed, check_round="first", valid_for=timedelta(hours=48)
        )
        report = AfterEffectReport.objects.create(
            session=signed, link=check, check_round="first", soreness=7, bruising="none"
        )
        AfterEffectReview.objects.create(report=report, physiotherapist=physio, reasons=["Soreness 7 of 10"])
        # A completed visit without a record, and an old draft of someone else's.
        AppointmentFactory(
            patient=patient,
            practitioner=practitioner,
            starts_at=day_start - timedelta(days=2) + timedelta(minutes=30 * slot),
            status="completed",
        )
        stale = assessment_services.assessment_start(patient=PatientFactory(), physiotherapist=UserFactory())
        Assessment.objects.filter(pk=stale.pk).update(started_at=timezone.now() - timedelta(days=2))
        # Tomorrow: a patient with no questionnaire, and a freed slot that suits a waitlist entry.
        tomorrow = day_start + timedelta(days=1, hours=8, minutes=slot * 30)
        AppointmentFactory(starts_at=tomorrow)
        AppointmentFactory(
            practitioner=practitioner,
            starts_at=tomorrow,
            status="cancelled",
            cancellation_reason="Unwell",
            cancelled_by=UserFactory(),
        )
        WaitlistEntryFactory()
    draft = assessment_services.assessment_start(patient=PatientFactory(), physiotherapist=UserFactory())
    sign_assessment(
        assessment_services.assessment_save_fields(
            assessment=draft, data={"chief_complaint": "Neck pain"}, version=draft.version
        )
    )


@pytest.mark.django_db
def test_each_roles_today_makes_no_more_queries_when_its_lists_grow() -> None:
    everyone = UserFactory(
        username="all-roles", roles=[Role.PHYSIOTHERAPIST, Role.FRONT_DESK, Role.CLINIC_ADMIN], is_staff=True
    )
    physio = UserFactory(username="today-physio", roles=[Role.PHYSIOTHERAPIST])
    practitioner = PractitionerFactory(user=physio)
    clients = {}
    for name, user in (
        ("physio", physio),
        ("front desk", UserFactory(username="today-desk", roles=[Role.FRONT_DESK])),
        ("admin", UserFactory(username="today-admin", roles=[Role.CLINIC_ADMIN], is_staff=True)),
        ("all roles", everyone),
    ):
        clients[name] = Client()
        clients[name].force_login(user)
    grow_today(physio, practitioner)
    grow_today(everyone, PractitionerFactory(user=everyone))
    for client in clients.values():
        client.get("/")

    before = {name: count_queries(client, "/") for name, client in clients.items()}
    for _ in range(3):  # past a page of each list
        grow_today(physio, practitioner)
        grow_today(everyone, everyone.practitioner)
    after = {name: count_queries(client, "/") for name, client in clients.items()}

    assert all(status == ALLOWED for status, _count in before.values())
    grew = {name: (before[name][1], count) for name, (_status, count) in after.items() if count > before[name][1]}
    assert grew == {}, "queries before and after the lists grew"
