"""The visit's record started from its appointment, once per appointment, and the question about a draft from an
earlier day: through the client, as the physiotherapist sees it."""

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse

from accounts.models import AuditAction, AuditEvent, User
from assessments import services
from assessments.models import Assessment, AssessmentStatus, TreatmentSession
from patients import services as patient_services
from patients.models import RecheckAnswer
from scheduling import services as scheduling_services
from scheduling.models import Appointment, AppointmentStatus, Practitioner
from tests.assessments.sessions import cleared_patient, fresh, signed
from tests.factories import (
    AppointmentFactory,
    AppointmentTypeFactory,
    PatientFactory,
    PractitionerFactory,
    UserFactory,
)
from tests.pages import Page, body_of, field_error, physio_client_for, shown

pytestmark = pytest.mark.django_db

CLINIC = ZoneInfo("America/Vancouver")
TODAY_AT_NINE = datetime(2026, 12, 7, 9, 0, tzinfo=CLINIC)
EARLIER_DAY = datetime(2026, 11, 26, 15, 30, tzinfo=CLINIC)
QUESTION = "You have a draft session of Thursday 26 November 2026. Continue that draft, or start today's session?"


@pytest.fixture(autouse=True)
def nine_in_the_morning() -> Any:
    with time_machine.travel(TODAY_AT_NINE, tick=False) as traveller:
        yield traveller


@pytest.fixture
def patient() -> Any:
    return cleared_patient()


def own_practitioner() -> Practitioner:
    """Maya's schedule profile: the appointments here are booked with her unless a test says otherwise."""
    user = User.objects.get(username="physio")
    return Practitioner.objects.filter(user=user).first() or PractitionerFactory(user=user)


def appointment_at(
    patient: Any,
    hour: int,
    *,
    kind: str = "treatment",
    status: str = "arrived",
    practitioner: Practitioner | None = None,
    day: int = 7,
) -> Appointment:
    names = {"treatment": "IMS treatment", "initial_assessment": "Initial IMS assessment", "reassessment": "Review"}
    return AppointmentFactory(
        patient=patient,
        practitioner=practitioner or own_practitioner(),
        appointment_type=AppointmentTypeFactory(name=names[kind], kind=kind),
        starts_at=datetime(2026, 12, day, hour, 0, tzinfo=CLINIC),
        status=status,
    )


def start_url(patient: Any, kind: str = "session") -> str:
    return reverse(f"assessments:{kind}-start", kwargs={"patient_pk": patient.pk})


def question_url(patient: Any, kind: str = "session") -> str:
    return reverse(f"assessments:{kind}-earlier-draft", kwargs={"patient_pk": patient.pk})


def signed_session(session: TreatmentSession) -> TreatmentSession:
    recheck = patient_services.safety_recheck_record(
        patient=session.patient, asked_by=session.physiotherapist, answer=RecheckAnswer.NO_CHANGE
    )
    session = services.session_recheck_link(session=session, recheck=recheck)
    services.needled_site_add(session=session, muscle="supinator", side="L", insertions=2)
    return signed(fresh(session))


# --- From the appointment --------------------------------------------------------------------------------------


def test_starting_the_session_from_its_appointment_ties_them_and_the_session_says_so(
    physio_client: Client, patient: Any
) -> None:
    appointment = appointment_at(patient, 10)

    response = physio_client.post(start_url(patient), {"appointment": appointment.pk})

    session = TreatmentSession.objects.get()
    assert response["Location"] == session.get_absolute_url()
    assert session.appointment == appointment
    assert "for the appointment at 10:00" in body_of(physio_client.get(session.get_absolute_url()))


def test_starting_the_assessment_from_a_first_visit_ties_them(physio_client: Client, patient: Any) -> None:
    appointment = appointment_at(patient, 11, kind="initial_assessment")

    physio_client.post(start_url(patient, "assessment"), {"appointment": appointment.pk})

    assessment = Assessment.objects.get()
    assert assessment.appointment == appointment
    page = physio_client.get(assessment.get_absolute_url())
    assert "for the appointment at 11:00" in body_of(page)


def test_without_an_appointment_the_session_starts_as_before(physio_client: Client, patient: Any) -> None:
    physio_client.post(start_url(patient))

    assert TreatmentSession.objects.get().appointment is None


def test_a_draft_of_today_is_continued_and_tied_to_the_appointment_it_is_now_started_from(
    physio_client: Client, patient: Any
) -> None:
    draft = services.session_start(patient=patient, physiotherapist=physio_client.user)
    appointment = appointment_at(patient, 10)

    response = physio_client.post(start_url(patient), {"appointment": appointment.pk})

    assert response["Location"] == draft.get_absolute_url()
    assert fresh(draft).appointment == appointment
    assert TreatmentSession.objects.count() == 1


@pytest.mark.parametrize("forged", ["99999999", "abc", "-1", "1" * 40])
def test_a_forged_appointment_is_not_found_and_nothing_starts(
    physio_client: Client, patient: Any, forged: str
) -> None:
    response = physio_client.post(start_url(patient), {"appointment": forged})

    assert response.status_code == 404
    assert not TreatmentSession.objects.exists()


def test_another_patients_appointment_is_not_found(physio_client: Client, patient: Any) -> None:
    theirs = appointment_at(PatientFactory(), 10)

    for kind in ("session", "assessment"):
        assert physio_client.post(start_url(patient, kind), {"appointment": theirs.pk}).status_code == 404
        assert physio_client.get(question_url(patient, kind), {"appointment": theirs.pk}).status_code == 404
    assert not TreatmentSession.objects.exists()
    assert not Assessment.objects.exists()


@pytest.mark.parametrize(
    ("status", "words"), [(AppointmentStatus.CANCELLED, "cancelled"), (AppointmentStatus.NO_SHOW, "no-show")]
)
def test_a_cancelled_or_missed_appointment_is_refused_with_a_message(
    physio_client: Client, patient: Any, status: str, words: str
) -> None:
    appointment = appointment_at(patient, 10)
    Appointment.objects.filter(pk=appointment.pk).update(
        status=status, cancelled_by=UserFactory(), cancellation_reason="Unwell"
    )

    response = physio_client.post(start_url(patient), {"appointment": appointment.pk}, follow=True)

    assert shown(f"The appointment at 10:00 on 7 December 2026 is {words}: start the session without it.", response)
    assert response.redirect_chain[-1][0] == patient.get_absolute_url()
    assert not TreatmentSession.objects.exists()


def test_an_appointment_of_another_kind_is_refused_with_a_message(physio_client: Client, patient: Any) -> None:
    appointment = appointment_at(patient, 10)

    response = physio_client.post(start_url(patient, "assessment"), {"appointment": appointment.pk}, follow=True)

    assert shown(
        "The appointment at 10:00 on 7 December 2026 is an IMS treatment appointment, not one for an assessment.",
        response,
    )
    assert not Assessment.objects.exists()


def test_a_colleagues_appointment_is_refused_with_a_message_on_the_chart(physio_client: Client, patient: Any) -> None:
    colleague = PractitionerFactory(display_name="Daniel Osei")
    appointment = appointment_at(patient, 10, practitioner=colleague)

    for kind, noun in (("session", "session"), ("assessment", "assessment")):
        if kind == "assessment":
            appointment = appointment_at(patient, 11, kind="initial_assessment", practitioner=colleague)
        response = physio_client.post(start_url(patient, kind), {"appointment": appointment.pk}, follow=True)

        assert response.redirect_chain[-1][0] == patient.get_absolute_url()
        assert shown(
            f"This appointment is booked with Daniel Osei; the {noun} of it is theirs to write. "
            "Start it from one of your own appointments.",
            response,
        )
    assert not TreatmentSession.objects.exists()
    assert not Assessment.objects.exists()


def test_a_colleagues_appointment_offers_no_start_on_its_page_or_the_chart(
    physio_client: Client, patient: Any
) -> None:
    appointment = appointment_at(patient, 10, practitioner=PractitionerFactory())

    page = Page(body_of(physio_client.get(appointment.get_absolute_url())))
    chart = body_of(physio_client.get(patient.get_absolute_url()))

    assert start_url(patient) not in page.actions()
    assert "of the 10:00 appointment" not in chart


@pytest.mark.parametrize("status", [AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED])
@pytest.mark.parametrize("day", [6, 8])
def test_a_visit_still_to_be_seen_on_another_day_is_refused_with_a_message(
    physio_client: Client, patient: Any, status: str, day: int
) -> None:
    appointment = appointment_at(patient, 10, status=status, day=day)

    response = physio_client.post(start_url(patient), {"appointment": appointment.pk}, follow=True)

    assert response.redirect_chain[-1][0] == patient.get_absolute_url()
    assert shown(
        f"The appointment at 10:00 on {day} December 2026 is not today's: start the session from today's "
        "appointment, or once that visit is completed.",
        response,
    )
    assert not TreatmentSession.objects.exists()
    assert start_url(patient) not in Page(body_of(physio_client.get(appointment.get_absolute_url()))).actions()


def test_the_day_is_the_clinics_not_utc(physio_client: Client, patient: Any) -> None:
    appointment = appointment_at(patient, 17)  # already 8 December in UTC, still 7 December at the clinic

    physio_client.post(start_url(patient), {"appointment": appointment.pk})

    assert TreatmentSession.objects.get().appointment == appointment


def test_a_completed_visit_of_an_earlier_day_can_still_be_written_up(physio_client: Client, patient: Any) -> None:
    appointment = appointment_at(patient, 10, status="completed", day=3)

    page = Page(body_of(physio_client.get(appointment.get_absolute_url())))
    physio_client.post(start_url(patient), {"appointment": appointment.pk})

    assert start_url(patient) in page.actions()
    assert TreatmentSession.objects.get().appointment == appointment


def test_writing_up_an_earlier_visit_while_todays_draft_is_open_says_to_sign_todays_first(
    physio_client: Client, patient: Any
) -> None:
    today = services.session_start(patient=patient, physiotherapist=physio_client.user)
    appointment = appointment_at(patient, 10, status="completed", day=3)

    response = physio_client.post(start_url(patient), {"appointment": appointment.pk}, follow=True)

    assert shown("Your session of today for this patient is still a draft.", response)
    assert shown("then write up the visit of 3 December 2026.", response)
    assert fresh(today).appointment is None
    assert TreatmentSession.objects.count() == 1


def test_tying_todays_draft_to_its_appointment_is_in_the_audit_log(physio_client: Client, patient: Any) -> None:
    draft = services.session_start(patient=patient, physiotherapist=physio_client.user)
    appointment = appointment_at(patient, 10)

    physio_client.post(start_url(patient), {"appointment": appointment.pk})

    change = LogEntry.objects.get_for_object(draft).filter(action=LogEntry.Action.UPDATE).get()
    assert "appointment" in change.changes_dict
    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATE, object_type="assessments.treatmentsession", object_id=str(draft.pk)
    ).exists()


def test_a_reassessment_holds_an_assessment_and_a_session(physio_client: Client, patient: Any) -> None:
    appointment = appointment_at(patient, 10, kind="reassessment")

    physio_client.post(start_url(patient, "assessment"), {"appointment": appointment.pk})
    physio_client.post(start_url(patient), {"appointment": appointment.pk})

    assert Assessment.objects.get().appointment == appointment
    assert TreatmentSession.objects.get().appointment == appointment


def test_starting_twice_from_one_appointment_opens_the_same_session(physio_client: Client, patient: Any) -> None:
    appointment = appointment_at(patient, 10)

    first = physio_client.post(start_url(patient), {"appointment": appointment.pk})
    second = physio_client.post(start_url(patient), {"appointment": appointment.pk})

    session = TreatmentSession.objects.get()
    assert first["Location"] == second["Location"] == session.get_absolute_url()


def test_a_colleagues_session_of_the_appointment_is_opened_not_doubled(physio_client: Client, patient: Any) -> None:
    appointment = appointment_at(patient, 10)
    colleague = UserFactory(first_name="Daniel", last_name="Osei")
    theirs = services.session_start(patient=patient, physiotherapist=colleague)
    TreatmentSession.objects.filter(pk=theirs.pk).update(appointment=appointment)  # covering Maya's visit

    response = physio_client.post(start_url(patient), {"appointment": appointment.pk}, follow=True)

    assert response.redirect_chain[-1][0] == theirs.get_absolute_url()
    assert shown(f"This appointment already has its treatment session by {colleague} (a draft).", response)
    assert TreatmentSession.objects.count() == 1


def test_the_appointments_session_signed_in_another_tab_says_so_and_opens_it(
    physio_client: Client, patient: Any
) -> None:
    appointment = appointment_at(patient, 10)
    session = services.session_start(patient=patient, physiotherapist=physio_client.user, appointment=appointment)
    signed_session(session)

    response = physio_client.post(start_url(patient), {"appointment": appointment.pk}, follow=True)

    assert response.redirect_chain[-1][0] == session.get_absolute_url()
    assert shown("That session was signed at 09:00 on 7 December 2026; it can no longer be changed.", response)
    assert TreatmentSession.objects.count() == 1


# --- The appointment's page and the chart ------------------------------------------------------------------------


def test_checking_in_offers_the_physiotherapist_the_session_of_the_appointment(
    physio_client: Client, front_desk_client: Client, patient: Any
) -> None:
    appointment = appointment_at(patient, 10, status="booked")
    scheduling_services.appointment_check_in(appointment=appointment, checked_in_by=front_desk_client.user)

    page = Page(body_of(physio_client.get(appointment.get_absolute_url())))
    desk = Page(body_of(front_desk_client.get(appointment.get_absolute_url())))

    assert start_url(patient) in page.actions()
    assert start_url(patient) not in desk.actions()
    body = body_of(physio_client.get(appointment.get_absolute_url()))
    assert "Start the treatment session" in body
    assert re.search(rf'name="appointment" value="{appointment.pk}"', body)


def test_once_started_the_appointment_offers_to_continue_then_to_open_the_signed_session(
    physio_client: Client, patient: Any
) -> None:
    appointment = appointment_at(patient, 10)
    physio_client.post(start_url(patient), {"appointment": appointment.pk})
    session = TreatmentSession.objects.get()

    draft_page = Page(body_of(physio_client.get(appointment.get_absolute_url())))
    signed_session(session)
    signed_page = Page(body_of(physio_client.get(appointment.get_absolute_url())))

    assert {"href": session.get_absolute_url(), "text": "Continue the treatment session"}.items() <= next(
        link for link in draft_page.links if link.get("href") == session.get_absolute_url()
    ).items()
    assert start_url(patient) not in draft_page.actions()
    assert any(link["text"] == "Open the signed treatment session" for link in signed_page.links)


def test_a_booked_appointment_offers_no_record_yet(physio_client: Client, patient: Any) -> None:
    appointment = appointment_at(patient, 10, status="booked")

    page = Page(body_of(physio_client.get(appointment.get_absolute_url())))

    assert start_url(patient) not in page.actions()


def test_the_chart_offers_the_session_of_todays_checked_in_appointment(physio_client: Client, patient: Any) -> None:
    appointment = appointment_at(patient, 10)

    body = body_of(physio_client.get(patient.get_absolute_url()))

    assert "Start the treatment session of the 10:00 appointment" in body
    assert re.search(rf'name="appointment" value="{appointment.pk}"', body)
    physio_client.post(start_url(patient), {"appointment": appointment.pk})
    assert "of the 10:00 appointment" not in body_of(physio_client.get(patient.get_absolute_url()))


# --- A draft from an earlier day -------------------------------------------------------------------------------


@pytest.fixture
def earlier(physio_client: Client, patient: Any, nine_in_the_morning: Any) -> TreatmentSession:
    """Maya's draft session of 26 November, never signed."""
    nine_in_the_morning.move_to(EARLIER_DAY)
    draft = services.session_start(patient=patient, physiotherapist=physio_client.user)
    nine_in_the_morning.move_to(TODAY_AT_NINE)
    return draft


def answer(client: Client, patient: Any, draft: Any, **data: Any) -> Any:
    return client.post(question_url(patient), {"draft": draft.pk, **data})


def test_treatment_with_a_draft_of_an_earlier_day_asks_first(
    physio_client: Client, patient: Any, earlier: TreatmentSession
) -> None:
    response = physio_client.post(start_url(patient))

    assert response["Location"] == question_url(patient)
    page = physio_client.get(question_url(patient))
    assert QUESTION in body_of(page)
    assert "Continue the draft of Thursday 26 November 2026" in body_of(page)
    assert TreatmentSession.objects.count() == 1


def test_the_question_carries_the_appointment_to_the_new_session(
    physio_client: Client, patient: Any, earlier: TreatmentSession
) -> None:
    appointment = appointment_at(patient, 10)

    asked = physio_client.post(start_url(patient), {"appointment": appointment.pk})
    page = physio_client.get(asked["Location"])
    answered = physio_client.post(
        question_url(patient), {"draft": earlier.pk, "appointment": appointment.pk, "choice": "keep"}
    )

    assert "For the appointment at 10:00 on Monday 7 December 2026." in body_of(page)
    today = TreatmentSession.objects.exclude(pk=earlier.pk).get()
    assert answered["Location"] == today.get_absolute_url()
    assert today.appointment == appointment
    assert fresh(earlier).appointment is None


def test_continuing_the_earlier_draft_opens_it_and_starts_nothing(
    physio_client: Client, patient: Any, earlier: TreatmentSession
) -> None:
    response = answer(physio_client, patient, earlier, choice="continue")

    assert response["Location"] == earlier.get_absolute_url()
    assert TreatmentSession.objects.count() == 1
    assert fresh(earlier).is_draft


def test_starting_todays_session_can_keep_the_earlier_draft(
    physio_client: Client, patient: Any, earlier: TreatmentSession
) -> None:
    first = answer(physio_client, patient, earlier, choice="keep")
    second = answer(physio_client, patient, earlier, choice="keep")

    today = TreatmentSession.objects.exclude(pk=earlier.pk).get()
    assert first["Location"] == second["Location"] == today.get_absolute_url()
    assert fresh(earlier).is_draft
    assert physio_client.post(start_url(patient))["Location"] == today.get_absolute_url()


def test_starting_todays_session_can_mark_the_earlier_draft_entered_in_error_with_a_reason(
    physio_client: Client, patient: Any, earlier: TreatmentSession
) -> None:
    response = answer(physio_client, patient, earlier, choice="error", reason="Opened on the wrong patient.")

    today = TreatmentSession.objects.exclude(pk=earlier.pk).get()
    assert response["Location"] == today.get_absolute_url()
    old = fresh(earlier)
    assert old.status == AssessmentStatus.ENTERED_IN_ERROR
    assert old.entered_in_error_reason == "Opened on the wrong patient."
    assert old.entered_in_error_by == physio_client.user
    update = LogEntry.objects.get_for_object(old).filter(action=LogEntry.Action.UPDATE).latest("timestamp")
    assert update.changes_dict["status"] == ["draft", "entered_in_error"]
    followed = physio_client.get(response["Location"])
    assert "The draft of Thursday 26 November 2026 is marked entered in error." in body_of(followed)
    assert ": Opened on the wrong patient." in body_of(physio_client.get(old.get_absolute_url()))


def test_marking_in_error_without_a_reason_keeps_the_choice_and_says_why_at_the_field(
    physio_client: Client, patient: Any, earlier: TreatmentSession
) -> None:
    response = answer(physio_client, patient, earlier, choice="error", reason="  ")

    assert response.status_code == 400
    assert field_error(response, "reason", "Say why the draft session was entered in error.")
    assert re.search(r'value="error"[^>]*checked|checked[^>]*value="error"', body_of(response))
    assert TreatmentSession.objects.count() == 1
    assert fresh(earlier).is_draft


def test_no_choice_is_asked_again(physio_client: Client, patient: Any, earlier: TreatmentSession) -> None:
    response = answer(physio_client, patient, earlier)

    assert response.status_code == 400
    assert field_error(response, "choice", "Choose what to do.")
    assert TreatmentSession.objects.count() == 1


@pytest.mark.parametrize("choice", ["continue", "error"])
def test_a_draft_signed_meanwhile_is_said_so_with_a_link_and_nothing_changes(
    physio_client: Client, patient: Any, earlier: TreatmentSession, choice: str
) -> None:
    page = physio_client.get(question_url(patient))
    signed_session(earlier)  # in another tab, at 09:00

    response = answer(physio_client, patient, earlier, choice=choice, reason="Duplicate.")

    assert QUESTION in body_of(page)
    assert response.status_code == 409
    assert shown("That session was signed at 09:00 on 7 December 2026; it can no longer be changed.", response)
    assert earlier.get_absolute_url() in Page(body_of(response)).hrefs()
    assert TreatmentSession.objects.count() == 1
    assert fresh(earlier).is_signed


def test_a_draft_of_someone_else_or_unknown_is_not_found(
    physio_client: Client, patient: Any, earlier: TreatmentSession
) -> None:
    colleague = physio_client_for("daniel")
    theirs = services.session_start(patient=PatientFactory(), physiotherapist=physio_client.user)

    assert answer(colleague, patient, earlier, choice="error", reason="x").status_code == 404
    assert answer(physio_client, patient, theirs, choice="continue").status_code == 404
    assert physio_client.post(question_url(patient), {"draft": "abc", "choice": "keep"}).status_code == 404
    assert fresh(earlier).is_draft
    assert TreatmentSession.objects.count() == 2


def test_without_an_earlier_draft_the_question_page_offers_todays_session(physio_client: Client, patient: Any) -> None:
    page = physio_client.get(question_url(patient))

    assert page.status_code == 200
    assert "You have no draft session from an earlier day for this patient." in body_of(page)
    assert start_url(patient) in Page(body_of(page)).actions()


def test_the_front_desk_and_the_clinic_admin_are_not_asked(
    front_desk_client: Client, admin_client: Client, patient: Any, earlier: TreatmentSession
) -> None:
    for client in (front_desk_client, admin_client):
        assert client.get(question_url(patient)).status_code == 403
        assert answer(client, patient, earlier, choice="error", reason="x").status_code == 403
    assert fresh(earlier).is_draft


def test_an_assessment_draft_of_an_earlier_day_asks_too(
    physio_client: Client, patient: Any, nine_in_the_morning: Any
) -> None:
    nine_in_the_morning.move_to(EARLIER_DAY)
    old = services.assessment_start(patient=patient, physiotherapist=physio_client.user)
    nine_in_the_morning.move_to(TODAY_AT_NINE)

    asked = physio_client.post(start_url(patient, "assessment"))
    page = physio_client.get(asked["Location"])
    continued = physio_client.post(question_url(patient, "assessment"), {"draft": old.pk, "choice": "continue"})
    started = physio_client.post(
        question_url(patient, "assessment"), {"draft": old.pk, "choice": "error", "reason": "Wrong patient."}
    )

    assert asked["Location"] == question_url(patient, "assessment")
    assert (
        "You have a draft assessment of Thursday 26 November 2026. Continue that draft, or start a new assessment?"
        in body_of(page)
    )
    assert continued["Location"] == old.get_absolute_url()
    new = Assessment.objects.exclude(pk=old.pk).get()
    assert started["Location"] == new.get_absolute_url()
    assert Assessment.objects.get(pk=old.pk).status == AssessmentStatus.ENTERED_IN_ERROR
