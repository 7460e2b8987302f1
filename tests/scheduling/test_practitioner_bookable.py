"""Who books for whom: the front desk for every practitioner, a physiotherapist only for themself.

The rule is Practitioner.objects.bookable_by and Practitioner.is_bookable_by; the booking forms offer the one,
and the scheduling services refuse against the other, so a caller other than the pages cannot go around it.
"""

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from scheduling import services
from scheduling.models import Appointment, AppointmentType, Practitioner
from tests.factories import PractitionerFactory

from .conftest import at

NOT_DANIELS_TO_BOOK = (
    "You can book only your own appointments, not Daniel Lefebvre's: the front desk books for others."
)
NOT_DANIELS_TO_CHANGE = (
    "You can change only your own appointments, not Daniel Lefebvre's: the front desk changes others."
)


def messages_of(error: pytest.ExceptionInfo) -> dict[str, list[str]]:
    return error.value.message_dict


def test_the_booking_choices_are_everyone_for_the_desk_oneself_for_a_physio_and_no_one_else(
    maya: Practitioner, daniel: Practitioner, desk: Any, admin_client: Client
) -> None:
    PractitionerFactory(display_name="Left the clinic", is_active=False)

    assert list(Practitioner.objects.bookable_by(desk)) == [daniel, maya]
    assert list(Practitioner.objects.bookable_by(maya.user)) == [maya]
    assert list(Practitioner.objects.bookable_by(admin_client.user)) == []
    assert daniel.is_bookable_by(desk) and maya.is_bookable_by(maya.user)
    assert not daniel.is_bookable_by(maya.user) and not maya.is_bookable_by(admin_client.user)


def test_a_physio_cannot_book_for_another_practitioner_through_the_service(
    book: Any, maya: Practitioner, daniel: Practitioner
) -> None:
    with pytest.raises(ValidationError) as refused:
        book(practitioner=daniel, starts_at=at(9), booked_by=maya.user)

    assert messages_of(refused) == {"practitioner": [NOT_DANIELS_TO_BOOK]}
    assert not Appointment.objects.exists()
    assert book(practitioner=maya, starts_at=at(9), booked_by=maya.user).practitioner == maya


def test_a_physio_cannot_move_an_appointment_to_or_from_another_practitioner(
    book: Any, maya: Practitioner, daniel: Practitioner
) -> None:
    own = book(practitioner=maya, starts_at=at(9))
    daniels = book(practitioner=daniel, starts_at=at(11))

    with pytest.raises(ValidationError) as onto_daniel:
        services.appointment_reschedule(appointment=own, practitioner=daniel, starts_at=at(10), changed_by=maya.user)
    with pytest.raises(ValidationError) as from_daniel:
        services.appointment_reschedule(appointment=daniels, starts_at=at(12), changed_by=maya.user)

    assert messages_of(onto_daniel) == {"practitioner": [NOT_DANIELS_TO_BOOK]}
    assert from_daniel.value.messages == [NOT_DANIELS_TO_CHANGE]
    own.refresh_from_db()
    daniels.refresh_from_db()
    assert (own.practitioner, own.starts_at, daniels.starts_at) == (maya, at(9), at(11))


def test_a_physio_cannot_book_a_series_for_another_practitioner(
    maya: Practitioner, daniel: Practitioner, treatment: AppointmentType, patient: Any
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.series_book(
            patient=patient,
            practitioner=daniel,
            appointment_type=treatment,
            first_starts_at=at(9),
            every_days=7,
            visits=3,
            booked_by=maya.user,
        )

    assert messages_of(refused) == {"practitioner": [NOT_DANIELS_TO_BOOK]}
    assert not Appointment.objects.exists()


def test_a_physio_cannot_cancel_or_check_in_another_practitioners_appointment(
    book: Any, maya: Practitioner, daniel: Practitioner, clock: Any
) -> None:
    daniels = book(practitioner=daniel, starts_at=at(9))

    with pytest.raises(ValidationError) as cancel:
        services.appointment_cancel(appointment=daniels, reason="Called", cancelled_by=maya.user)
    with pytest.raises(ValidationError) as check_in:
        services.appointment_check_in(appointment=daniels, checked_in_by=maya.user)
    clock.move_to(at(10))
    with pytest.raises(ValidationError) as no_show:
        services.appointment_mark_no_show(appointment=daniels, marked_by=maya.user)

    assert cancel.value.messages == check_in.value.messages == no_show.value.messages == [NOT_DANIELS_TO_CHANGE]
    daniels.refresh_from_db()
    assert daniels.is_booked


def test_the_booking_page_shows_the_physio_only_themself_to_book_for(
    physio_client: Client, maya: Practitioner, daniel: Practitioner, treatment: AppointmentType
) -> None:
    page = physio_client.get(reverse("scheduling:appointment-create")).content.decode()

    assert "Maya Chen" in page and "Daniel Lefebvre" not in page
