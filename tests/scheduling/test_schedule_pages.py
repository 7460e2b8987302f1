"""The schedule's pages through the client: who sees what, booking, moving, cancelling, check-in, bad input."""

import re
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from scheduling import services
from scheduling.models import Appointment, AppointmentStatus, TimeOff, WaitlistEntry
from tests.factories import (
    AppointmentFactory,
    ConsentFactory,
    PatientFactory,
    PractitionerFactory,
    QuestionnaireResponseFactory,
    SafetyFlagFactory,
    WaitlistEntryFactory,
)

from .conftest import at

DAY = reverse("scheduling:schedule-day")
CREATE = reverse("scheduling:appointment-create")


def field_errors(response, field: str) -> list[str]:
    """The messages shown at one field (crispy's invalid-feedback next to it)."""
    return [str(error) for error in response.context["form"].errors.get(field, [])]


def booking_data(**overrides) -> dict:
    data = {"submission_key": str(uuid.uuid4()), "starts_at": "2026-03-02T09:00", "duration_minutes": ""}
    data.update(overrides)
    return data


# --- The day schedule ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_day_schedule_shows_each_appointment_with_patient_type_status_and_readiness(
    front_desk_client: Client, book, maya, daniel, patient
) -> None:
    ConsentFactory(patient=patient)
    book(practitioner=maya, starts_at=at(9))

    page = front_desk_client.get(DAY).content.decode()

    assert "Monday 2 March 2026" in page
    assert "Maya Chen" in page and "Daniel Lefebvre" in page
    assert "Chloé Tremblay" in page and "IMS treatment" in page
    assert "No questionnaire" in page and "Consent in force" in page
    assert "sg-r-" in page and 'style="' not in page  # positioned by classes: the CSP forbids inline styles


@pytest.mark.django_db
def test_an_appointment_on_the_day_links_to_its_page_with_its_times_type_and_status(
    front_desk_client: Client, book, maya
) -> None:
    appointment = book(practitioner=maya, starts_at=at(9))
    services.appointment_check_in(appointment=appointment, checked_in_by=front_desk_client.user)

    page = front_desk_client.get(DAY).content.decode()

    cell = re.search(
        r'<a class="schedule-appointment ([^"]*)"\s+href="([^"]*)"[^>]*title="([^"]*)">(.*?)</a>', page, re.S
    )
    assert cell is not None
    classes, href, title, inside = cell.groups()
    assert href == appointment.get_absolute_url()
    assert title == "09:00\u201309:30 Chloé Tremblay, IMS treatment, Arrived"
    assert "is-arrived" in classes.split()
    assert '<div class="what">09:00 · IMS treatment</div>' in inside
    assert '<span class="badge text-bg-success">Arrived</span>' in inside


@pytest.mark.django_db
def test_time_off_closes_the_practitioners_column_with_its_reason(front_desk_client: Client, maya) -> None:
    TimeOff.objects.create(practitioner=maya, starts_at=at(13), ends_at=at(15), reason="Course")

    grid = front_desk_client.get(DAY).context["grid"]

    assert [(block.label, block.span) for block in grid.closed if block.label] == [("Course", 24)]
    assert not [slot for slot in grid.free if at(13) <= slot.starts_at < at(15)]
    assert any(slot.starts_at == at(15) for slot in grid.free)


@pytest.mark.django_db
def test_acknowledged_flags_show_as_acknowledged_and_an_open_one_as_not_yet(
    front_desk_client: Client, physio_client: Client, book, maya, patient
) -> None:
    physio = physio_client.user
    reviewed = QuestionnaireResponseFactory(patient=patient)
    SafetyFlagFactory(response=reviewed, code="LATEX_ALLERGY", severity="LOW", severity_rank=2,
                      reason="Latex allergy.", acknowledged_at=at(6), acknowledged_by=physio)  # fmt: skip
    reviewed_visit = book(practitioner=maya, starts_at=at(9))
    other = PatientFactory(given_name="Jonas", family_name="Ouellet")
    half_reviewed = QuestionnaireResponseFactory(patient=other)
    SafetyFlagFactory(response=half_reviewed, acknowledged_at=at(6), acknowledged_by=physio, acknowledgement_note="ok")
    SafetyFlagFactory(
        response=half_reviewed, code="LATEX_ALLERGY", severity="LOW", severity_rank=2, reason="Latex allergy."
    )
    book(practitioner=maya, starts_at=at(10), patient=other)

    desk = front_desk_client.get(DAY).content.decode()
    physio_day = physio_client.get(DAY).content.decode()
    detail = physio_client.get(reviewed_visit.get_absolute_url()).content.decode()

    assert desk.count("Flags acknowledged</span>") == 1
    assert desk.count("Flag to acknowledge</span>") == 1
    assert "Flag to acknowledge (" not in desk  # front desk sees that a flag waits, not how severe it is
    assert physio_day.count("Flags acknowledged</span>") == 1
    assert physio_day.count("Flag to acknowledge (low)</span>") == 1  # the open one, not the HIGH
    assert "Flags acknowledged</span>" in detail


@pytest.mark.django_db
def test_a_free_slot_links_to_a_prefilled_booking_form(front_desk_client: Client, maya) -> None:
    page = front_desk_client.get(DAY).content.decode()

    assert f"{CREATE}?practitioner={maya.pk}&amp;starts_at=2026-03-02T09%3A00" in page


@pytest.mark.django_db
def test_previous_and_next_day_and_a_chosen_date(front_desk_client: Client, maya) -> None:
    page = front_desk_client.get(DAY, {"date": "2026-03-10"}).content.decode()

    assert "Tuesday 10 March 2026" in page
    assert "?date=2026-03-09" in page and "?date=2026-03-11" in page


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["2026-13-45", "yesterday", "2026-02-30", "9" * 40])
def test_a_malformed_date_is_a_message_at_the_date_field_not_a_500(front_desk_client: Client, maya, bad) -> None:
    response = front_desk_client.get(DAY, {"date": bad})

    assert response.status_code == 400
    assert "Enter a date such as 2026-03-02." in response.content.decode()
    assert "Monday 2 March 2026" in response.content.decode()  # today's schedule instead


@pytest.mark.django_db
def test_a_physiotherapist_sees_their_own_column_first(physio_client: Client, daniel, maya) -> None:
    PractitionerFactory(display_name="Aaron Abbott")

    grid = physio_client.get(DAY).context["grid"]

    assert [column.practitioner.display_name for column in grid.columns] == [
        "Maya Chen",
        "Aaron Abbott",
        "Daniel Lefebvre",
    ]
    assert grid.columns[0].is_own


@pytest.mark.django_db
@pytest.mark.parametrize(("asked", "shown"), [("2", 2), ("3", 3), ("abc", 1), ("0", 3), ("99", 3), ("", 1)])
def test_a_large_clinic_pages_through_its_practitioners_own_column_first(
    physio_client: Client, maya, asked: str, shown: int
) -> None:
    from scheduling.views import COLUMNS_PER_PAGE

    others = sorted(f"Colleague {index:02d}" for index in range(2 * COLUMNS_PER_PAGE + 2))
    for name in others:
        PractitionerFactory(display_name=name)

    response = physio_client.get(DAY, {"date": "2026-03-03", "practitioners": asked})

    names = [column.practitioner.display_name for column in response.context["grid"].columns]
    everyone = ["Maya Chen", *others]
    assert response.status_code == 200
    assert names == everyone[(shown - 1) * COLUMNS_PER_PAGE : shown * COLUMNS_PER_PAGE]  # never an error page
    page = response.content.decode()
    first, last = (shown - 1) * COLUMNS_PER_PAGE + 1, min(shown * COLUMNS_PER_PAGE, len(everyone))
    assert f"Practitioners {first}\u2013{last} of {len(everyone)}" in page  # an en dash
    if shown > 1:  # the day's links keep the page of practitioners
        assert f'href="?date=2026-03-04&amp;practitioners={shown}" rel="next"' in page
        assert f'name="practitioners" value="{shown}"' in page


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["scheduling:appointment-create", "scheduling:series-create"])
def test_once_the_patient_is_chosen_the_focus_goes_to_the_first_choice_left(
    front_desk_client: Client, maya, patient, page: str
) -> None:
    url = reverse(page)
    searching = front_desk_client.get(url).content.decode()
    chosen = front_desk_client.get(url, {"patient": patient.pk}).content.decode()
    from_a_slot = front_desk_client.get(
        url, {"patient": patient.pk, "practitioner": maya.pk, "starts_at": "2026-03-02T09:00"}
    ).content.decode()

    assert re.search(r'<input[^>]*name="q"[^>]*autofocus', searching)
    assert re.search(r'<select[^>]*name="practitioner"[^>]*autofocus', chosen)
    assert re.search(r'<select[^>]*name="appointment_type"[^>]*autofocus', from_a_slot)
    assert not re.search(r'name="q"[^>]*autofocus', chosen + from_a_slot)


@pytest.mark.django_db
def test_a_physiotherapist_can_book_only_into_their_own_free_slots(physio_client: Client, maya, daniel) -> None:
    grid = physio_client.get(DAY).context["grid"]

    bookable = {slot.column for slot in grid.free if slot.url}
    assert bookable == {grid.columns[0].index}


@pytest.mark.django_db
def test_the_clinic_admin_does_not_see_the_schedule(admin_client: Client) -> None:
    assert admin_client.get(DAY).status_code == 403


@pytest.mark.django_db
def test_the_day_schedules_query_count_does_not_grow_with_appointments(
    front_desk_client: Client, maya, daniel, treatment, django_assert_max_num_queries
) -> None:
    def count_queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert front_desk_client.get(DAY).status_code == 200
        return len(queries)

    AppointmentFactory(practitioner=maya, appointment_type=treatment, starts_at=at(8))
    few = count_queries()
    for index in range(1, 15):
        AppointmentFactory(practitioner=maya if index % 2 else daniel, appointment_type=treatment,
                           starts_at=at(8 + index // 2, 30 * (index % 2)))  # fmt: skip

    with django_assert_max_num_queries(few):
        front_desk_client.get(DAY)
    assert count_queries() == few


@pytest.mark.django_db
def test_the_weeks_query_count_does_not_grow_with_appointments_flags_or_time_off(
    front_desk_client: Client, maya, treatment, django_assert_max_num_queries
) -> None:
    week = reverse("scheduling:practitioner-week", kwargs={"pk": maya.pk})

    def count_queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert front_desk_client.get(week).status_code == 200
        return len(queries)

    def add_visit(index: int) -> None:
        appointment = AppointmentFactory(practitioner=maya, appointment_type=treatment,
                                         starts_at=at(8 + index % 8, days=index % 5))  # fmt: skip
        SafetyFlagFactory(response=QuestionnaireResponseFactory(patient=appointment.patient))
        ConsentFactory(patient=appointment.patient)

    add_visit(0)
    few = count_queries()
    for index in range(1, 15):
        add_visit(index)
    TimeOff.objects.create(practitioner=maya, starts_at=at(12, days=1), ends_at=at(13, days=1), reason="Course")

    with django_assert_max_num_queries(few):
        front_desk_client.get(week)
    assert count_queries() == few


@pytest.mark.django_db
def test_the_week_of_a_practitioner(front_desk_client: Client, book, maya) -> None:
    book(practitioner=maya, starts_at=at(9, days=2))

    response = front_desk_client.get(
        reverse("scheduling:practitioner-week", kwargs={"pk": maya.pk}), {"date": "2026-03-04"}
    )

    page = response.content.decode()
    assert "Mon 2 Mar" in page and "Sun 8 Mar" in page and "Chloé Tremblay" in page
    assert (
        front_desk_client.get(
            reverse("scheduling:practitioner-week", kwargs={"pk": maya.pk}), {"date": "x"}
        ).status_code
        == 400
    )
    assert front_desk_client.get(reverse("scheduling:practitioner-week", kwargs={"pk": 999999})).status_code == 404


# --- Booking -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_booking_from_a_free_slot(front_desk_client: Client, maya, treatment, patient) -> None:
    prefilled = front_desk_client.get(
        CREATE, {"practitioner": maya.pk, "starts_at": "2026-03-02T09:00", "patient": patient.pk}
    )
    assert prefilled.context["patient"] == patient
    assert 'value="2026-03-02T09:00"' in prefilled.content.decode()

    response = front_desk_client.post(
        CREATE, booking_data(patient=patient.pk, practitioner=maya.pk, appointment_type=treatment.pk)
    )

    appointment = Appointment.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{appointment.get_absolute_url()}?booked=1"
    assert (appointment.starts_at, appointment.booked_by) == (at(9), front_desk_client.user)


@pytest.mark.django_db
def test_the_same_booking_form_sent_twice_books_once(front_desk_client: Client, maya, treatment, patient) -> None:
    data = booking_data(patient=patient.pk, practitioner=maya.pk, appointment_type=treatment.pk)

    first = front_desk_client.post(CREATE, data)
    second = front_desk_client.post(CREATE, data)

    assert Appointment.objects.count() == 1
    assert second.status_code == 302 and second["Location"] == Appointment.objects.get().get_absolute_url()
    assert first["Location"].startswith(second["Location"])


@pytest.mark.django_db
def test_a_booking_takes_the_same_few_queries_however_full_the_schedule(
    front_desk_client: Client, maya, daniel, treatment, patient, django_assert_max_num_queries
) -> None:
    def book_at(starts_at: str) -> None:
        data = booking_data(
            patient=patient.pk, practitioner=maya.pk, appointment_type=treatment.pk, starts_at=starts_at
        )
        assert front_desk_client.post(CREATE, data).status_code == 302

    book_at("2026-03-02T09:00")
    # 26 in production; a test's transaction adds savepoints around the booking and the session's save. The
    # announcement to the apps above scheduling costs a savepoint; the reminder queued with it, its savepoints, the
    # message, its two audit entries and its task; the outcome questionnaire, its one look-up.
    with django_assert_max_num_queries(30) as few:
        book_at("2026-03-02T10:00")
    for day in range(1, 15):
        AppointmentFactory(practitioner=maya, appointment_type=treatment, starts_at=at(9, days=day))
        AppointmentFactory(
            patient=patient, practitioner=daniel, appointment_type=treatment, starts_at=at(14, days=day)
        )
    TimeOff.objects.create(practitioner=maya, starts_at=at(8, days=20), ends_at=at(18, days=20), reason="Course")

    with django_assert_max_num_queries(len(few.captured_queries)):
        book_at("2026-03-02T11:00")
    assert Appointment.objects.filter(practitioner=maya, patient=patient).count() == 3


@pytest.mark.django_db
def test_an_overlap_is_shown_at_the_start_field(front_desk_client: Client, book, maya, treatment) -> None:
    book(practitioner=maya, starts_at=at(9))
    other = PatientFactory()

    response = front_desk_client.post(
        CREATE,
        booking_data(
            patient=other.pk, practitioner=maya.pk, appointment_type=treatment.pk, starts_at="2026-03-02T09:15"
        ),
    )

    assert response.status_code == 200
    assert field_errors(response, "starts_at") == ["Maya Chen is already booked at this time. Choose another time."]
    assert "Maya Chen is already booked at this time." in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("starts_at", "2026-02-30T09:00", "Enter a date and time such as 2026-03-02 09:30."),
        ("starts_at", "", "This field is required."),
        (
            "starts_at",
            "2026-03-02T07:30",
            "Maya Chen does not work at this time. Hours that day: 08:00 to 12:00, 13:00 to 17:00.",
        ),
        ("starts_at", "2026-03-01T09:00", "This time has already passed. Choose a time from now on."),
        ("duration_minutes", "0", "The length must be at least 5 minutes."),
        ("duration_minutes", "33", "The length goes in 5-minute steps (30, 35, 40…)."),
        ("duration_minutes", "abc", "Enter the length in minutes."),
        ("duration_minutes", "500", "The length can be at most 240 minutes."),
        ("practitioner", "999999", "Choose a practitioner from the list."),
        ("appointment_type", "abc", "Choose a type from the list."),
        ("patient", "", "Choose the patient."),
        ("patient", "999999", "Choose the patient from the search."),
    ],
)
def test_each_bad_booking_field_gets_its_message(
    front_desk_client: Client, maya, treatment, patient, field, value, message
) -> None:
    data = booking_data(patient=patient.pk, practitioner=maya.pk, appointment_type=treatment.pk)
    data[field] = value

    response = front_desk_client.post(CREATE, data)

    assert response.status_code == 200
    assert field_errors(response, field) == [message]
    assert not Appointment.objects.exists()


@pytest.mark.django_db
def test_an_archived_patient_is_refused_at_the_patient(front_desk_client: Client, maya, treatment) -> None:
    archived = PatientFactory(is_archived=True, archived_at=at(6))

    response = front_desk_client.post(
        CREATE, booking_data(patient=archived.pk, practitioner=maya.pk, appointment_type=treatment.pk)
    )

    assert field_errors(response, "patient") == ["This patient is archived. Restore the patient before booking."]
    assert 'id="patient-error"' in response.content.decode()


@pytest.mark.django_db
def test_a_physiotherapist_cannot_book_for_another_practitioner(
    physio_client: Client, maya, daniel, treatment, patient
) -> None:
    response = physio_client.post(
        CREATE, booking_data(patient=patient.pk, practitioner=daniel.pk, appointment_type=treatment.pk)
    )

    assert field_errors(response, "practitioner") == ["Choose a practitioner from the list."]
    assert (
        physio_client.post(
            CREATE, booking_data(patient=patient.pk, practitioner=maya.pk, appointment_type=treatment.pk)
        ).status_code
        == 302
    )


@pytest.mark.django_db
def test_the_inline_patient_search_answers_htmx_with_choices_that_keep_the_slot(
    front_desk_client: Client, maya, patient
) -> None:
    search = reverse("scheduling:patient-search")

    fragment = front_desk_client.get(search, {"q": "chloe", "practitioner": maya.pk}, headers={"HX-Request": "true"})
    assert "Tremblay, Chloé" in fragment.content.decode()
    assert f'<button type="submit" name="patient" value="{patient.pk}"' in fragment.content.decode()
    assert "<html" not in fragment.content.decode()
    page = front_desk_client.get(CREATE, {"q": "chloe", "practitioner": maya.pk}).content.decode()
    picker = page[page.index('role="search"') : page.index("</form>", page.index('role="search"'))]
    assert f'<input type="hidden" name="practitioner" value="{maya.pk}">' in picker  # the slot goes with the choice
    assert f'name="patient" value="{patient.pk}"' in picker

    fallback = front_desk_client.get(search, {"q": "chloe", "practitioner": maya.pk})
    assert fallback.status_code == 302 and fallback["Location"].startswith(CREATE)
    assert "Tremblay, Chloé" in front_desk_client.get(fallback["Location"]).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("page_name", ["appointment-create", "series-create", "waitlist-create"])
def test_choosing_a_patient_found_stays_on_the_page_and_ends_the_search(
    front_desk_client: Client, maya, patient, page_name: str
) -> None:
    url = reverse(f"scheduling:{page_name}")
    searched = front_desk_client.get(url, {"q": "chloe"}).content.decode()
    assert f'<form method="get" action="{url}" role="search">' in searched

    chosen = front_desk_client.get(url, {"q": "chloe", "patient": patient.pk})

    assert chosen.context["patient"] == patient
    assert chosen.context["search_results"] == []


@pytest.mark.django_db
def test_a_first_ims_visit_offers_the_questionnaire(front_desk_client: Client, book, maya, initial) -> None:
    appointment = book(practitioner=maya, starts_at=at(9), appointment_type=initial)

    page = front_desk_client.get(appointment.get_absolute_url(), {"booked": "1"}).content.decode()

    assert 'id="questionnaire-offer"' in page


@pytest.mark.django_db
def test_a_treatment_does_not_offer_the_questionnaire(front_desk_client: Client, book, maya) -> None:
    appointment = book(practitioner=maya, starts_at=at(9))

    assert 'id="questionnaire-offer"' not in front_desk_client.get(appointment.get_absolute_url()).content.decode()


# --- Changing an appointment ---------------------------------------------------------------------


@pytest.mark.django_db
def test_check_in_is_one_click_and_post_only(front_desk_client: Client, book, maya) -> None:
    appointment = book(practitioner=maya, starts_at=at(9))
    url = reverse("scheduling:appointment-check-in", kwargs={"pk": appointment.pk})

    assert front_desk_client.get(url).status_code == 405
    response = front_desk_client.post(url, {"next": DAY})

    assert response.status_code == 302 and response["Location"] == DAY
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.ARRIVED


@pytest.mark.django_db
def test_check_in_ignores_a_next_address_off_the_site(front_desk_client: Client, book, maya) -> None:
    appointment = book(practitioner=maya, starts_at=at(9))

    response = front_desk_client.post(
        reverse("scheduling:appointment-check-in", kwargs={"pk": appointment.pk}), {"next": "https://evil.example/"}
    )

    assert response["Location"] == appointment.get_absolute_url()


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["2025-06-01 10:00", "-0", "schedule"])
def test_check_in_with_a_next_that_is_no_address_goes_to_the_appointment(
    front_desk_client: Client, book, maya, typed: str
) -> None:
    appointment = book(practitioner=maya, starts_at=at(9))

    response = front_desk_client.post(
        reverse("scheduling:appointment-check-in", kwargs={"pk": appointment.pk}), {"next": typed}
    )

    assert response.status_code == 302 and response["Location"] == appointment.get_absolute_url()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.ARRIVED


@pytest.mark.django_db
def test_a_no_show_too_early_is_a_message(front_desk_client: Client, book, maya) -> None:
    appointment = book(practitioner=maya, starts_at=at(9))

    response = front_desk_client.post(
        reverse("scheduling:appointment-no-show", kwargs={"pk": appointment.pk}), follow=True
    )

    assert "only once its start time has passed" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.BOOKED


@pytest.mark.django_db
@pytest.mark.parametrize(
    "action",
    [
        "appointment-cancel",
        "appointment-reschedule",
        "appointment-check-in",
        "appointment-no-show",
        "appointment-complete",
    ],
)
def test_a_physiotherapist_cannot_change_another_practitioners_booking(
    physio_client: Client, book, maya, daniel, action
) -> None:
    appointment = book(practitioner=daniel, starts_at=at(9))

    response = physio_client.post(
        reverse(f"scheduling:{action}", kwargs={"pk": appointment.pk}),
        {"reason": "x", "starts_at": "2026-03-02T10:00", "practitioner": maya.pk},
    )

    assert response.status_code == 403
    appointment.refresh_from_db()
    assert (appointment.status, appointment.starts_at) == (AppointmentStatus.BOOKED, at(9))


@pytest.mark.django_db
def test_a_physiotherapist_may_read_another_practitioners_booking(physio_client: Client, book, maya, daniel) -> None:
    appointment = book(practitioner=daniel, starts_at=at(9))

    page = physio_client.get(appointment.get_absolute_url()).content.decode()

    assert "Chloé Tremblay" in page and "Cancel appointment" not in page


@pytest.mark.django_db
def test_cancelling_asks_why_and_then_offers_the_time_to_the_waitlist(
    front_desk_client: Client, book, maya, treatment
) -> None:
    appointment = book(practitioner=maya, starts_at=at(9, days=1))
    waiting = WaitlistEntryFactory(
        appointment_type=treatment, patient=PatientFactory(given_name="Kwame", family_name="Mensah")
    )
    url = reverse("scheduling:appointment-cancel", kwargs={"pk": appointment.pk})

    blank = front_desk_client.post(url, {"reason": "   "})
    assert blank.status_code == 200
    assert field_errors(blank, "reason") == ["Say why the appointment is cancelled."]

    response = front_desk_client.post(url, {"reason": "Patient called: car trouble"}, follow=True)

    page = response.content.decode()
    assert "Offer the freed time" in page and "Kwame Mensah" in page
    assert f"patient={waiting.patient_id}" in page
    appointment.refresh_from_db()
    assert (appointment.status, appointment.cancellation_reason) == ("cancelled", "Patient called: car trouble")


@pytest.mark.django_db
def test_rescheduling_with_bad_input_shows_the_message_at_the_field(front_desk_client: Client, book, maya) -> None:
    appointment = book(practitioner=maya, starts_at=at(9))
    book(practitioner=maya, starts_at=at(10), patient=PatientFactory())
    url = reverse("scheduling:appointment-reschedule", kwargs={"pk": appointment.pk})

    taken = front_desk_client.post(url, {"practitioner": maya.pk, "starts_at": "2026-03-02T10:00"})
    malformed = front_desk_client.post(url, {"practitioner": maya.pk, "starts_at": "2026-03-02T25:00"})
    moved = front_desk_client.post(
        url, {"practitioner": maya.pk, "starts_at": "2026-03-02T11:00", "duration_minutes": "45"}
    )

    assert field_errors(taken, "starts_at") == ["Maya Chen is already booked at this time. Choose another time."]
    assert field_errors(malformed, "starts_at") == ["Enter a date and time such as 2026-03-02 09:30."]
    assert moved.status_code == 302
    appointment.refresh_from_db()
    assert (appointment.starts_at, appointment.ends_at) == (at(11), at(11, 45))


# --- Free slots, series, waitlist ------------------------------------------------------------------


@pytest.mark.django_db
def test_next_free_slots_link_to_booking(front_desk_client: Client, book, maya, treatment) -> None:
    book(practitioner=maya, starts_at=at(8))

    response = front_desk_client.get(
        reverse("scheduling:free-slots"), {"practitioner": maya.pk, "appointment_type": treatment.pk}
    )

    starts = [starts_at for starts_at, _ in response.context["slots"]]
    assert starts[:2] == [at(8, 30), at(8, 45)]
    assert "starts_at=2026-03-02T08%3A30" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"practitioner": "abc", "appointment_type": "1"}, "practitioner", "Choose a practitioner from the list."),
        ({"practitioner": ""}, "practitioner", "Choose a practitioner."),
        ({"after": "2026-99-01"}, "after", "Enter a date such as 2026-03-02."),
    ],
)
def test_free_slots_bad_parameters_get_messages(
    front_desk_client: Client, maya, treatment, params, field, message
) -> None:
    params = {"practitioner": maya.pk, "appointment_type": treatment.pk, **params}

    response = front_desk_client.get(reverse("scheduling:free-slots"), params)

    assert response.status_code == 400
    assert field_errors(response, field) == [message]


@pytest.mark.django_db
def test_a_series_shows_its_conflicts_and_books_the_rest_on_confirmation(
    front_desk_client: Client, book, maya, treatment, patient
) -> None:
    book(practitioner=maya, starts_at=at(9, days=7), patient=PatientFactory())
    data = booking_data(
        patient=patient.pk, practitioner=maya.pk, appointment_type=treatment.pk, every_days=7, visits=3
    )
    url = reverse("scheduling:series-create")

    plan = front_desk_client.post(url, data)
    assert plan.status_code == 200 and Appointment.objects.filter(patient=patient).count() == 0
    assert "2 of 3 dates are free" in plan.content.decode()
    assert "Conflict: Maya Chen is already booked at this time." in plan.content.decode()

    confirmed = front_desk_client.post(url, {**data, "confirm": "yes"})
    again = front_desk_client.post(url, {**data, "confirm": "yes"})

    assert confirmed.status_code == again.status_code == 302
    assert list(Appointment.objects.filter(patient=patient).values_list("starts_at", flat=True)) == [
        at(9),
        at(9, days=14),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("visits", "1", "A series has at least 2 visits."), ("visits", "40", "Book at most 26 visits at once."),
     ("every_days", "0", "Repeat at least every day.")],
)  # fmt: skip
def test_series_bad_input(front_desk_client: Client, maya, treatment, patient, field, value, message) -> None:
    data = booking_data(
        patient=patient.pk, practitioner=maya.pk, appointment_type=treatment.pk, every_days=7, visits=3
    )
    data[field] = value

    response = front_desk_client.post(reverse("scheduling:series-create"), data)

    assert field_errors(response, field) == [message]


@pytest.mark.django_db
def test_adding_to_the_waitlist_and_removing(front_desk_client: Client, maya, treatment, patient) -> None:
    url = reverse("scheduling:waitlist-create")
    base = {"patient": patient.pk, "appointment_type": treatment.pk}
    bad = front_desk_client.post(
        url, {**base, "wanted_until": "2026-02-01", "earliest_time": "15:00", "latest_time": "09:00"}
    )
    assert field_errors(bad, "wanted_until") == ["This date has already passed."]
    assert field_errors(bad, "latest_time") == ["The latest time must come after the earliest time."]
    malformed = front_desk_client.post(
        url, {"patient": patient.pk, "appointment_type": treatment.pk, "wanted_until": "soon"}
    )
    assert field_errors(malformed, "wanted_until") == ["Enter a date such as 2026-03-02."]

    response = front_desk_client.post(
        url, {**base, "wanted_until": "2026-04-01", "weekdays": ["1", "3"], "practitioner": maya.pk}
    )
    assert response.status_code == 302
    entry = WaitlistEntry.objects.get()
    assert entry.weekdays == [1, 3]
    assert "Tuesday, Thursday" in front_desk_client.get(reverse("scheduling:waitlist-list")).content.decode()

    front_desk_client.post(reverse("scheduling:waitlist-remove", kwargs={"pk": entry.pk}))
    assert not WaitlistEntry.objects.open().exists()


@pytest.mark.django_db
@pytest.mark.parametrize("bad_page", ["", "abc", "-1", "999", "1" * 40])
def test_the_waitlist_comes_in_pages_longest_waiting_first(front_desk_client: Client, treatment, bad_page) -> None:
    from scheduling.views import WAITLIST_PAGE_SIZE

    entries = [WaitlistEntryFactory(appointment_type=treatment) for _ in range(WAITLIST_PAGE_SIZE + 2)]
    url = reverse("scheduling:waitlist-list")

    first = front_desk_client.get(url).content.decode()
    second = front_desk_client.get(url, {"page": 2}).content.decode()
    odd = front_desk_client.get(url, {"page": bad_page})

    assert entries[0].patient.display_name in first and entries[-1].patient.display_name not in first
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert entries[-1].patient.display_name in second and entries[0].patient.display_name not in second
    assert odd.status_code == 200 and "Page " in odd.content.decode()  # the first or the last page, never an error


# --- The chart ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_chart_shows_upcoming_and_past_appointments(
    front_desk_client: Client, book, maya, patient, treatment
) -> None:
    AppointmentFactory(
        patient=patient, practitioner=maya, appointment_type=treatment, starts_at=at(9, days=-7), status="completed"
    )
    book(practitioner=maya, starts_at=at(9, days=1))

    page = front_desk_client.get(patient.get_absolute_url()).content.decode()

    assert "Next appointment" in page and "Tue 3 Mar 09:00 with Maya Chen" in page
    assert "Upcoming: IMS treatment with Maya Chen" in page
    assert re.search(r"IMS treatment with Maya Chen.*completed", page, re.S)


@pytest.mark.django_db
def test_the_chart_says_when_nothing_is_booked(front_desk_client: Client, patient) -> None:
    services  # noqa: B018 - the chart provider is registered by the app, not by this test
    assert "none booked" in front_desk_client.get(patient.get_absolute_url()).content.decode()
