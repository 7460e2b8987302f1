"""The booking rules in the service: no overlap, within hours, not in time off or the past; statuses."""

import uuid
from datetime import UTC, timedelta

import pytest
from django.core.exceptions import ValidationError

from accounts.submissions import DuplicateSubmission
from scheduling import services
from scheduling.models import Appointment, AppointmentStatus, AppointmentType, TimeOff
from tests.factories import AppointmentFactory, PatientFactory

from .conftest import at


def messages_of(error: pytest.ExceptionInfo) -> dict[str, list[str]]:
    return error.value.message_dict


@pytest.mark.django_db
def test_a_free_slot_in_hours_is_booked_with_the_types_length(book, maya, desk, treatment) -> None:
    appointment = book(practitioner=maya, starts_at=at(9))

    assert appointment.ends_at == at(9, 30)
    assert appointment.blocked_until == at(9, 30)
    assert appointment.status == AppointmentStatus.BOOKED
    assert appointment.booked_by == desk


@pytest.mark.django_db
def test_an_overlapping_booking_for_the_same_practitioner_is_refused(book, maya) -> None:
    book(practitioner=maya, starts_at=at(9))

    with pytest.raises(ValidationError) as error:
        book(practitioner=maya, starts_at=at(9, 15), patient=PatientFactory())

    assert messages_of(error)["starts_at"] == ["Maya Chen is already booked at this time. Choose another time."]
    assert Appointment.objects.count() == 1


@pytest.mark.django_db
def test_the_same_patient_cannot_be_in_two_places_at_once(book, maya, daniel) -> None:
    book(practitioner=maya, starts_at=at(9))

    with pytest.raises(ValidationError) as error:
        book(practitioner=daniel, starts_at=at(9, 15))

    assert messages_of(error)["patient"] == ["This patient already has an appointment at this time."]


@pytest.mark.django_db
def test_back_to_back_appointments_are_allowed(book, maya) -> None:
    book(practitioner=maya, starts_at=at(9))
    book(practitioner=maya, starts_at=at(9, 30), patient=PatientFactory())
    book(practitioner=maya, starts_at=at(8, 30), patient=PatientFactory())

    assert Appointment.objects.count() == 3


@pytest.mark.django_db
def test_a_cancelled_slot_can_be_booked_again(book, maya, desk) -> None:
    first = book(practitioner=maya, starts_at=at(9))
    services.appointment_cancel(appointment=first, reason="Patient called: unwell", cancelled_by=desk)

    again = book(practitioner=maya, starts_at=at(9), patient=PatientFactory())

    assert again.pk != first.pk
    first.refresh_from_db()
    assert first.status == AppointmentStatus.CANCELLED  # the record stays


@pytest.mark.django_db
def test_the_buffer_blocks_the_practitioner_but_not_the_patient(book, maya, daniel, initial) -> None:
    book(practitioner=maya, starts_at=at(9), appointment_type=initial)  # 09:00-10:00, buffer to 10:15

    with pytest.raises(ValidationError) as error:
        book(practitioner=maya, starts_at=at(10), patient=PatientFactory())
    assert "starts_at" in messages_of(error)

    book(practitioner=daniel, starts_at=at(10))  # the same patient, straight after, elsewhere
    book(practitioner=maya, starts_at=at(10, 15), patient=PatientFactory())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("starts_at", "why"),
    [
        (at(7, 30), "before opening"),
        (at(11, 45), "runs into lunch"),
        (at(12, 15), "at lunch"),
        (at(16, 45), "runs past closing"),
        (at(10, days=5), "on Saturday"),
    ],
)
def test_a_slot_outside_the_practitioners_hours_is_refused(book, maya, starts_at, why) -> None:
    with pytest.raises(ValidationError) as error:
        book(practitioner=maya, starts_at=starts_at)

    message = messages_of(error)["starts_at"][0]
    assert message.startswith("Maya Chen does not work at this time."), why
    assert not Appointment.objects.exists()


@pytest.mark.django_db
def test_the_error_names_the_hours_of_that_day(book, maya) -> None:
    with pytest.raises(ValidationError) as error:
        book(practitioner=maya, starts_at=at(12, 15))

    assert "Hours that day: 08:00 to 12:00, 13:00 to 17:00." in messages_of(error)["starts_at"][0]


@pytest.mark.django_db
def test_a_slot_in_time_off_is_refused(book, maya) -> None:
    TimeOff.objects.create(practitioner=maya, starts_at=at(13), ends_at=at(17), reason="Course")

    with pytest.raises(ValidationError) as error:
        book(practitioner=maya, starts_at=at(14))

    assert messages_of(error)["starts_at"] == ["Maya Chen is away at this time (Course)."]


@pytest.mark.django_db
def test_a_slot_in_the_past_is_refused(book, maya, clock) -> None:
    clock.move_to(at(10, 5))

    with pytest.raises(ValidationError) as error:
        book(practitioner=maya, starts_at=at(10))

    assert messages_of(error)["starts_at"] == ["This time has already passed. Choose a time from now on."]


@pytest.mark.django_db
def test_an_archived_patient_cannot_be_booked(book, maya, desk) -> None:
    archived = PatientFactory(is_archived=True, archived_at=at(6))

    with pytest.raises(ValidationError) as error:
        book(practitioner=maya, starts_at=at(9), patient=archived)

    assert messages_of(error)["patient"] == ["This patient is archived. Restore the patient before booking."]


@pytest.mark.django_db
@pytest.mark.parametrize("minutes", [0, -30, 7])
def test_a_length_that_is_not_positive_5_minute_steps_is_refused(book, maya, minutes) -> None:
    with pytest.raises(ValidationError) as error:
        book(practitioner=maya, starts_at=at(9), duration_minutes=minutes)

    assert messages_of(error)["duration_minutes"] == [services.BAD_LENGTH]


@pytest.mark.django_db
def test_the_length_can_be_adjusted_in_5_minute_steps(book, maya) -> None:
    appointment = book(practitioner=maya, starts_at=at(9), duration_minutes=45)

    assert appointment.ends_at == at(9, 45)


@pytest.mark.django_db
def test_a_start_off_the_5_minute_grid_is_refused(book, maya) -> None:
    with pytest.raises(ValidationError) as error:
        book(practitioner=maya, starts_at=at(9, 7))

    assert services.NOT_ON_STEP in messages_of(error)["starts_at"]


@pytest.mark.django_db
def test_an_appointment_type_of_zero_length_is_refused_with_its_message() -> None:
    kind = AppointmentType(name="Nothing", kind="treatment", duration_minutes=0)

    with pytest.raises(ValidationError) as error:
        kind.full_clean()

    assert "An appointment type needs a length of at least 5 minutes." in error.value.messages


@pytest.mark.django_db
def test_an_appointment_ending_before_it_starts_is_refused_by_the_model(maya, patient, treatment) -> None:
    appointment = AppointmentFactory.build(
        practitioner=maya, patient=patient, appointment_type=treatment, starts_at=at(10), ends_at=at(9)
    )
    appointment.blocked_until = at(10)

    with pytest.raises(ValidationError) as error:
        appointment.full_clean()

    assert "The appointment must end after it starts." in error.value.messages


@pytest.mark.django_db
def test_an_inactive_practitioner_takes_no_bookings(book, maya) -> None:
    maya.is_active = False
    maya.save()

    with pytest.raises(ValidationError) as error:
        book(practitioner=maya, starts_at=at(9))

    assert messages_of(error)["practitioner"] == ["Maya Chen is not taking bookings."]


@pytest.mark.django_db
def test_the_same_form_submitted_twice_books_once(book, maya) -> None:
    key = uuid.uuid4()
    first = book(practitioner=maya, starts_at=at(9), submission_key=key)

    with pytest.raises(DuplicateSubmission) as duplicate:
        book(practitioner=maya, starts_at=at(9), submission_key=key)

    assert duplicate.value.result_url == first.get_absolute_url()
    assert Appointment.objects.count() == 1


@pytest.mark.django_db
def test_a_refused_booking_leaves_its_form_key_unused(book, maya) -> None:
    key = uuid.uuid4()
    book(practitioner=maya, starts_at=at(9), patient=PatientFactory())
    with pytest.raises(ValidationError):
        book(practitioner=maya, starts_at=at(9), submission_key=key)

    assert book(practitioner=maya, starts_at=at(10), submission_key=key).starts_at == at(10)


# --- Moving ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_moving_an_appointment_a_little_does_not_clash_with_itself(book, maya, desk) -> None:
    appointment = book(practitioner=maya, starts_at=at(9))

    moved = services.appointment_reschedule(appointment=appointment, starts_at=at(9, 15), changed_by=desk)

    assert (moved.starts_at, moved.ends_at) == (at(9, 15), at(9, 45))


@pytest.mark.django_db
def test_moving_onto_a_taken_time_or_another_practitioner_follows_the_rules(book, maya, daniel, desk) -> None:
    appointment = book(practitioner=maya, starts_at=at(9))
    book(practitioner=daniel, starts_at=at(10), patient=PatientFactory())

    with pytest.raises(ValidationError) as error:
        services.appointment_reschedule(
            appointment=appointment, practitioner=daniel, starts_at=at(10), changed_by=desk
        )
    assert messages_of(error)["starts_at"] == ["Daniel Lefebvre is already booked at this time. Choose another time."]

    moved = services.appointment_reschedule(
        appointment=appointment, practitioner=daniel, starts_at=at(11), changed_by=desk
    )
    assert moved.practitioner == daniel
    appointment.refresh_from_db()
    assert appointment.starts_at == at(11)


# --- Statuses ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_check_in_then_complete(book, maya, desk, clock) -> None:
    appointment = book(practitioner=maya, starts_at=at(9))
    clock.move_to(at(8, 55))

    arrived = services.appointment_check_in(appointment=appointment, checked_in_by=desk)
    assert arrived.status == AppointmentStatus.ARRIVED
    assert arrived.arrived_at is not None

    assert services.appointment_complete(appointment=arrived, completed_by=desk).status == AppointmentStatus.COMPLETED


@pytest.mark.django_db
def test_check_in_only_on_the_day(book, maya, desk) -> None:
    appointment = book(practitioner=maya, starts_at=at(9, days=1))

    with pytest.raises(ValidationError, match="on the day of their appointment"):
        services.appointment_check_in(appointment=appointment, checked_in_by=desk)


@pytest.mark.django_db
def test_no_show_only_once_the_start_has_passed_and_it_frees_the_slot(book, maya, desk, clock) -> None:
    appointment = book(practitioner=maya, starts_at=at(9))
    with pytest.raises(ValidationError, match="once its start time has passed"):
        services.appointment_mark_no_show(appointment=appointment, marked_by=desk)

    clock.move_to(at(9, 10))
    assert services.appointment_mark_no_show(appointment=appointment, marked_by=desk).status == "no_show"
    assert book(practitioner=maya, starts_at=at(9, 15), patient=PatientFactory()).pk


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("start", "target", "allowed"),
    [
        ("booked", "arrived", True),
        ("booked", "cancelled", True),
        ("booked", "no_show", True),
        ("booked", "completed", False),
        ("arrived", "completed", True),
        ("arrived", "booked", True),
        ("arrived", "no_show", False),
        ("completed", "booked", False),
        ("completed", "cancelled", False),
        ("cancelled", "booked", False),
        ("cancelled", "arrived", False),
        ("no_show", "arrived", False),
        ("no_show", "booked", False),
    ],
)
def test_only_sensible_status_transitions_are_allowed(start, target, allowed) -> None:
    assert Appointment(status=start).can_become(target) is allowed


@pytest.mark.django_db
def test_a_completed_appointment_cannot_be_cancelled_or_checked_in(book, maya, desk, clock) -> None:
    appointment = book(practitioner=maya, starts_at=at(9))
    clock.move_to(at(9))
    services.appointment_check_in(appointment=appointment, checked_in_by=desk)
    services.appointment_complete(appointment=appointment, completed_by=desk)

    with pytest.raises(ValidationError, match=r"A completed appointment cannot be cancelled\."):
        services.appointment_cancel(appointment=appointment, reason="oops", cancelled_by=desk)
    with pytest.raises(ValidationError, match="cannot become arrived"):
        services.appointment_check_in(appointment=appointment, checked_in_by=desk)


@pytest.mark.django_db
def test_cancelling_needs_a_reason_and_records_who(book, maya, desk) -> None:
    appointment = book(practitioner=maya, starts_at=at(9))
    with pytest.raises(ValidationError):
        services.appointment_cancel(appointment=appointment, reason="  ", cancelled_by=desk)

    cancelled = services.appointment_cancel(appointment=appointment, reason="Clinic closed", cancelled_by=desk)

    assert (cancelled.cancelled_by, cancelled.cancellation_reason) == (desk, "Clinic closed")
    assert cancelled.cancelled_at is not None


# --- Free slots and series ------------------------------------------------------------------------


@pytest.mark.django_db
def test_free_slots_skip_bookings_time_off_and_lunch(book, maya, treatment, clock) -> None:
    book(practitioner=maya, starts_at=at(8))
    TimeOff.objects.create(practitioner=maya, starts_at=at(9), ends_at=at(11, 30), reason="Meeting")
    maya.refresh_from_db()

    slots = services.free_slots(practitioner=maya, appointment_type=treatment, after=at(7), limit=4)

    assert slots == [at(8, 30), at(11, 30), at(13), at(13, 15)]


@pytest.mark.django_db
def test_a_series_books_the_free_dates_and_reports_the_conflicts(maya, desk, treatment, patient) -> None:
    TimeOff.objects.create(practitioner=maya, starts_at=at(0, days=14), ends_at=at(23, days=14), reason="Holiday")
    plan = services.series_plan(
        patient=patient, practitioner=maya, appointment_type=treatment, first_starts_at=at(9), every_days=7, visits=4
    )
    assert [date.is_free for date in plan] == [True, True, False, True]
    assert plan[2].problems == ("Maya Chen is away at this time (Holiday).",)

    booked, skipped = services.series_book(
        patient=patient, practitioner=maya, appointment_type=treatment, first_starts_at=at(9), every_days=7, visits=4,
        booked_by=desk,
    )  # fmt: skip

    assert [a.starts_at for a in booked] == [at(9), at(9, days=7), at(9, days=21)]
    assert [s.starts_at for s in skipped] == [at(9, days=14)]
    assert len({a.series_key for a in booked}) == 1


@pytest.mark.django_db
def test_a_series_keeps_the_local_time_across_the_daylight_saving_change(maya, treatment, patient) -> None:
    dates = services.series_dates(first_starts_at=at(9), every_days=7, visits=2)

    assert [d.hour for d in dates] == [9, 9]  # 8 March 2026: clocks go forward in Vancouver
    assert dates[1].astimezone(UTC) - dates[0].astimezone(UTC) == timedelta(days=7) - timedelta(hours=1)


# --- Waitlist --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_cancellation_finds_the_matching_waitlist_entries(book, maya, daniel, desk, treatment, initial) -> None:
    from tests.factories import WaitlistEntryFactory

    appointment = book(practitioner=maya, starts_at=at(9, days=1))  # Tuesday 09:00
    anyone = WaitlistEntryFactory(appointment_type=treatment)
    tuesday_mornings = WaitlistEntryFactory(appointment_type=treatment, weekdays=[1], latest_time=at(12).time())
    WaitlistEntryFactory(appointment_type=treatment, practitioner=daniel)  # someone else's patient
    WaitlistEntryFactory(appointment_type=treatment, weekdays=[3])  # Thursdays only
    WaitlistEntryFactory(appointment_type=initial)  # needs 60 minutes
    WaitlistEntryFactory(appointment_type=treatment, earliest_time=at(10).time())
    WaitlistEntryFactory(appointment_type=treatment, wanted_until=at(0).date())  # gave up before Tuesday

    services.appointment_cancel(appointment=appointment, reason="Patient called", cancelled_by=desk)

    assert services.waitlist_matches(appointment=appointment) == [anyone, tuesday_mornings]
