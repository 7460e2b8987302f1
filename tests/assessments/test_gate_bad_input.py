"""Sites the gate refuses, posted through the session page: the gate's reason at the field, nothing saved, never a
500; and the pages that answer for the gate read it in a number of queries that does not grow."""

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from assessments import services
from assessments.models import NeedledSite, TreatmentSession
from patients.models import SafetyRecheck
from tests.assessments.sessions import fresh, questionnaire, site_data, url
from tests.factories import (
    AppointmentFactory,
    PatientFactory,
    PractitionerFactory,
    SafetyFlagFactory,
    clear_for_needling,
)
from tests.pages import body_of, field_error, physio_client_for, shown

pytestmark = pytest.mark.django_db

CHEST = "Consent does not cover the chest wall: record the patient's consent for this region first."


def patient_with(
    *, regions: tuple[str, ...] = ("lumbosacral", "buttock"), recheck: bool = True, **answers: Any
) -> Any:
    patient = PatientFactory()
    questionnaire(patient, **answers)
    clear_for_needling(patient, regions=regions)
    if not recheck:
        SafetyRecheck.objects.filter(patient=patient).delete()
    return patient


def session_of(client: Client, patient: Any) -> TreatmentSession:
    return services.session_start(patient=patient, physiotherapist=client.user)


def nothing_saved(session: TreatmentSession) -> bool:
    return not NeedledSite.objects.filter(session=session).exists() and fresh(session).version == session.version


@pytest.mark.parametrize("htmx", [False, True])
def test_a_site_outside_the_consent_is_refused_at_the_muscle_with_the_extension_offered(
    physio_client: Client, htmx: bool
) -> None:
    session = session_of(physio_client, patient_with())
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}

    response = physio_client.post(url("needled-site-create", session), site_data(muscle="pectoralis-major"), **headers)

    assert response.status_code == (200 if htmx else 400)
    assert field_error(response, "muscle", CHEST)
    if not htmx:
        assert 'id="consent-extension"' in body_of(response)
        assert "Consent to needle the chest wall" in body_of(response)
    assert nothing_saved(session)


@pytest.mark.parametrize(
    ("muscle", "level", "words"),
    [
        ("upper-trapezius", "", "the shoulder and shoulder blade"),
        ("gastrocnemius", "", "the leg"),
        ("intercostals", "T6", "the chest wall"),
        ("cervical-multifidus-rotatores", "C6", "the head and neck"),
    ],
)
def test_sites_that_got_through_before_are_held_for_their_region(
    physio_client: Client, muscle: str, level: str, words: str
) -> None:
    session = session_of(physio_client, patient_with())

    response = physio_client.post(url("needled-site-create", session), site_data(muscle=muscle, level=level))

    assert response.status_code == 400
    assert field_error(
        response, "muscle", f"Consent does not cover {words}: record the patient's consent for this region first."
    )
    assert nothing_saved(session)


@pytest.mark.parametrize(
    "muscle", ["infraspinatus", "subscapularis", "pectoralis-major", "upper-trapezius", "biceps-brachii"]
)
def test_a_site_in_the_lymphoedema_quadrant_is_held_and_the_other_side_is_not(
    physio_client: Client, muscle: str
) -> None:
    patient = patient_with(regions=tuple(sorted({"shoulder", "chest", "upper_limb"})), H2="yes", H2_WHERE=["left_arm"])
    session = session_of(physio_client, patient)

    held = physio_client.post(url("needled-site-create", session), site_data(muscle=muscle, side="L"))

    assert held.status_code == 400
    assert "is inside the region that must not be needled" in body_of(held)
    assert nothing_saved(session)
    other_side = physio_client.post(
        url("needled-site-create", session), site_data(muscle=muscle, side="R", confirmation_note="Pincer grip.")
    )
    assert other_side.status_code == 302
    assert NeedledSite.objects.filter(session=session, side="R").count() == 1


def test_a_site_before_the_re_check_is_refused_with_the_re_check_s_reason(physio_client: Client) -> None:
    session = session_of(physio_client, patient_with(regions=("upper_limb",), recheck=False))

    response = physio_client.post(url("needled-site-create", session), site_data())

    assert response.status_code == 400
    assert shown("Ask the visit's re-check first", response)
    assert 'id="site-form"' not in body_of(response)
    assert nothing_saved(session)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"muscle": "not-a-muscle"}, "muscle"),
        ({"muscle": ""}, "muscle"),
        ({"side": "X"}, "side"),
        ({"muscle": "lumbar-multifidus", "level": ""}, "level"),
        ({"muscle": "lumbar-multifidus", "level": "C1"}, "level"),
        ({"insertions": "-1"}, "insertions"),
        ({"insertions": "9" * 30}, "insertions"),
        ({"muscle": "deltoid" * 2000}, "muscle"),
        ({"muscle": "deltoid\x00"}, "muscle"),
    ],
)
def test_malformed_sites_are_refused_at_their_field(
    physio_client: Client, changes: dict[str, str], field: str
) -> None:
    session = session_of(physio_client, patient_with(regions=("upper_limb", "lumbosacral")))

    response = physio_client.post(url("needled-site-create", session), site_data(**changes))

    assert response.status_code == 400
    assert f'id="id_{field}"' in body_of(response) or field == "muscle"
    assert "is-invalid" in body_of(response)
    assert nothing_saved(session)


def test_a_site_for_another_physiotherapist_s_session_or_an_unknown_one_saves_nothing(physio_client: Client) -> None:
    session = session_of(physio_client, patient_with(regions=("upper_limb",)))
    colleague = physio_client_for("daniel")

    assert colleague.post(url("needled-site-create", session), site_data()).status_code == 403
    missing = reverse("assessments:needled-site-create", kwargs={"pk": 987654})
    assert physio_client.post(missing, site_data()).status_code == 404
    assert nothing_saved(session)


def test_a_site_posted_twice_is_checked_against_the_first_for_the_thorax_rule(physio_client: Client) -> None:
    """The second of two thorax sites on opposite sides needs the clinician's note (never both sides silently)."""
    session = session_of(physio_client, patient_with(regions=("chest",)))
    first = physio_client.post(url("needled-site-create", session), site_data(muscle="pectoralis-major", side="L"))
    assert first.status_code == 302

    second = physio_client.post(url("needled-site-create", session), site_data(muscle="pectoralis-major", side="R"))

    assert second.status_code == 400
    assert shown("Both sides of the chest in one session", second)
    assert NeedledSite.objects.filter(session=session).count() == 1


# --- Queries that do not grow ---------------------------------------------------------------------------------------


def queries_of(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured.captured_queries)


def add_flags(patient: Any, count: int) -> None:
    response = patient.questionnaire_responses.order_by("-submitted_at").first()
    for number in range(count):
        SafetyFlagFactory(response=response, code="DIABETES", severity="LOW", severity_rank=2, reason=f"#{number}")


def test_the_session_page_reads_the_gate_in_the_same_queries_for_one_site_or_many(physio_client: Client) -> None:
    patient = patient_with(regions=("upper_limb", "lumbosacral", "buttock"))
    session = session_of(physio_client, patient)
    services.needled_site_add(session=session, muscle="deltoid", side="R")
    one = queries_of(physio_client, session.get_absolute_url())

    for muscle in ("biceps-brachii", "triceps-brachii", "gluteus-medius", "piriformis", "brachialis"):
        services.needled_site_add(session=session, muscle=muscle, side="R", confirmation_note="Checked.")
    add_flags(patient, 6)

    assert queries_of(physio_client, session.get_absolute_url()) == one


def test_the_schedule_and_the_chart_read_the_gate_in_the_same_queries_for_one_patient_or_many() -> None:
    physio = PractitionerFactory(user__username="maya", user__roles=[Role.PHYSIOTHERAPIST])
    client = Client()
    client.force_login(physio.user)
    day = timezone.localdate()

    def book(hour: int, flags: int) -> Any:
        patient = patient_with(regions=("upper_limb",))
        add_flags(patient, flags)
        at = timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time())) + timezone.timedelta(
            hours=hour
        )
        AppointmentFactory(patient=patient, practitioner=physio, starts_at=at)
        return patient

    first = book(8, 1)
    schedule = reverse("scheduling:schedule-day") + f"?date={day:%Y-%m-%d}"
    week = reverse("scheduling:practitioner-week", kwargs={"pk": physio.pk})
    chart = first.get_absolute_url()
    counts = (queries_of(client, schedule), queries_of(client, week), queries_of(client, chart))

    for hour in (9, 10, 11, 13, 14):
        book(hour, 4)
    add_flags(first, 5)

    assert (queries_of(client, schedule), queries_of(client, week), queries_of(client, chart)) == counts
