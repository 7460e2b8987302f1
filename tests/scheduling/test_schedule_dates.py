"""Every date the schedule's pages take, at the ends of the calendar and either side of the clinic's range:
a message at the field (or today's schedule with the message), never a 500; the range's own ends still work."""

import uuid

import pytest
from django.test import Client
from django.urls import reverse

from accounts.dates import DATE_RANGE_MESSAGE
from tests.date_cases import MALFORMED, OUT_OF_RANGE, case_id, cases

from .conftest import at

DAY = reverse("scheduling:schedule-day")
DATE_CASES = cases("Enter a date such as 2026-03-02.")
DATE_IDS = [case_id(value) for value, _ in DATE_CASES]
DATETIME_INVALID = "Enter a date and time such as 2026-03-02 09:30."
DATETIME_CASES = [
    *((f"{value}T09:00", DATE_RANGE_MESSAGE) for value in OUT_OF_RANGE),
    *((value, DATETIME_INVALID) for value in MALFORMED),
    ("", "This field is required."),
]
DATETIME_IDS = [case_id(value) for value, _ in DATETIME_CASES]


def field_errors(response, field: str) -> list[str]:
    return [str(error) for error in response.context["form"].errors.get(field, [])]


def week_url(practitioner) -> str:
    return reverse("scheduling:practitioner-week", kwargs={"pk": practitioner.pk})


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["day", "week"])
@pytest.mark.parametrize(("value", "message"), DATE_CASES, ids=DATE_IDS)
def test_a_schedule_date_outside_the_range_shows_todays_schedule_and_the_message(
    front_desk_client: Client, maya, page: str, value: str, message: str | None
) -> None:
    response = front_desk_client.get(DAY if page == "day" else week_url(maya), {"date": value})

    assert response.status_code == (400 if message else 200)
    assert list(response.context["date_form"].errors.get("date", [])) == ([message] if message else [])
    assert response.context["picker_value"] == "2026-03-02"  # today, Monday 2 March 2026


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["day", "week"])
@pytest.mark.parametrize("day", ["1900-01-01", "2100-12-31"])
def test_the_first_and_last_day_of_the_range_show_their_schedule(
    front_desk_client: Client, maya, page: str, day: str
) -> None:
    response = front_desk_client.get(DAY if page == "day" else week_url(maya), {"date": day})

    assert response.status_code == 200
    assert response.context["picker_value"] == day
    assert not response.context["date_form"].errors


@pytest.mark.django_db
@pytest.mark.parametrize(("value", "message"), DATE_CASES, ids=DATE_IDS)
def test_free_slots_after_a_date_outside_the_range_is_a_message(
    front_desk_client: Client, maya, treatment, value: str, message: str | None
) -> None:
    params = {"practitioner": maya.pk, "appointment_type": treatment.pk, "after": value}

    response = front_desk_client.get(reverse("scheduling:free-slots"), params)

    assert response.status_code == (400 if message else 200)
    assert field_errors(response, "after") == ([message] if message else [])


@pytest.mark.django_db
def test_free_slots_from_the_last_day_of_the_range_are_found(front_desk_client: Client, maya, treatment) -> None:
    params = {"practitioner": maya.pk, "appointment_type": treatment.pk, "after": "2100-12-31"}

    response = front_desk_client.get(reverse("scheduling:free-slots"), params)

    assert response.status_code == 200 and not response.context["form"].errors


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["appointment-create", "series-create"])
@pytest.mark.parametrize(("value", "message"), DATETIME_CASES, ids=DATETIME_IDS)
def test_booking_at_a_time_outside_the_range_is_a_message_at_the_start(
    front_desk_client: Client, maya, treatment, patient, page: str, value: str, message: str
) -> None:
    data = {
        "submission_key": str(uuid.uuid4()),
        "patient": patient.pk,
        "practitioner": maya.pk,
        "appointment_type": treatment.pk,
        "starts_at": value,
        "duration_minutes": "",
        "every_days": "7",
        "visits": "3",
    }

    response = front_desk_client.post(reverse(f"scheduling:{page}"), data)

    assert response.status_code == 200
    assert field_errors(response, "starts_at") == [message]


@pytest.mark.django_db
@pytest.mark.parametrize(("value", "message"), DATETIME_CASES, ids=DATETIME_IDS)
def test_moving_a_visit_to_a_time_outside_the_range_is_a_message_at_the_start(
    front_desk_client: Client, book, maya, value: str, message: str
) -> None:
    appointment = book(practitioner=maya, starts_at=at(9))
    url = reverse("scheduling:appointment-reschedule", kwargs={"pk": appointment.pk})

    response = front_desk_client.post(url, {"practitioner": maya.pk, "starts_at": value})

    assert response.status_code == 200
    assert field_errors(response, "starts_at") == [message]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("value", "message"),
    cases("Enter a date such as 2026-03-02.", "This field is required."),
    ids=DATE_IDS,
)
def test_waiting_until_a_date_outside_the_range_is_a_message(
    front_desk_client: Client, treatment, patient, value: str, message: str
) -> None:
    data = {"patient": patient.pk, "appointment_type": treatment.pk, "wanted_until": value}

    response = front_desk_client.post(reverse("scheduling:waitlist-create"), data)

    assert response.status_code == 200
    assert field_errors(response, "wanted_until") == [message]


@pytest.mark.django_db
def test_the_pickers_leave_the_range_to_the_server(front_desk_client: Client, maya, treatment) -> None:
    """No min/max on the pickers (Chromium would leave the year after four digits typed); the server checks it."""
    pages = [
        front_desk_client.get(DAY),
        front_desk_client.get(reverse("scheduling:free-slots")),
        front_desk_client.get(reverse("scheduling:appointment-create")),
        front_desk_client.get(reverse("scheduling:waitlist-create")),
    ]

    for response in pages:
        body = response.content.decode()
        assert 'min="1900-01-01' not in body and 'max="2100-12-31' not in body
        assert 'type="date' in body
