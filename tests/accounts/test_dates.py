"""The clinic's date range (1900-01-01 to 2100-12-31) at the field, and the audit log's date filters and CSV."""

import csv
import io
from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.dates import DATE_RANGE_MESSAGE, MAX_DATE, MIN_DATE, ClinicDateField, validate_clinic_date
from tests.date_cases import case_id, cases

AUDIT_LIST = reverse("accounts:audit-list")
AUDIT_EXPORT = reverse("accounts:audit-export")
AUDIT_CASES = cases("Enter a valid date.")


@pytest.mark.parametrize("day", [MIN_DATE, MAX_DATE, date(2026, 3, 2), datetime(2100, 12, 31, 23, 59, tzinfo=UTC)])
def test_a_day_in_the_clinics_range_is_accepted(day: date) -> None:
    validate_clinic_date(day)


@pytest.mark.parametrize(
    "day", [date(1, 1, 1), date(1899, 12, 31), date(2101, 1, 1), datetime(9999, 12, 31, 23, 59, tzinfo=UTC)]
)
def test_a_day_outside_the_clinics_range_is_refused_with_the_range(day: date) -> None:
    with pytest.raises(ValidationError) as refused:
        validate_clinic_date(day)

    assert refused.value.messages == [DATE_RANGE_MESSAGE]


def test_the_date_picker_gets_no_ends_that_would_change_how_a_year_is_typed() -> None:
    """The range is the server's to check: with min/max, Chromium leaves the year after four digits typed."""
    field = ClinicDateField(widget=ClinicDateField.widget(attrs={"type": "date"}))

    assert "min" not in field.widget.attrs
    assert "max" not in field.widget.attrs


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["since", "until"])
@pytest.mark.parametrize(("value", "message"), AUDIT_CASES, ids=[case_id(value) for value, _ in AUDIT_CASES])
def test_an_audit_date_outside_the_range_is_a_message_at_the_filter(
    admin_client: Client, name: str, value: str, message: str | None
) -> None:
    response = admin_client.get(AUDIT_LIST, {name: value})

    assert response.status_code == (400 if message else 200)
    assert list(response.context["form"].errors.get(name, [])) == ([message] if message else [])


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["since", "until"])
@pytest.mark.parametrize(("value", "message"), AUDIT_CASES, ids=[case_id(value) for value, _ in AUDIT_CASES])
def test_the_audit_csv_with_a_bad_date_shows_the_filter_and_its_message_instead(
    admin_client: Client, name: str, value: str, message: str | None
) -> None:
    response = admin_client.get(AUDIT_EXPORT, {name: value})

    if message is None:
        assert response.status_code == 200 and response["Content-Type"] == "text/csv"
    else:
        assert response.status_code == 400
        assert list(response.context["form"].errors[name]) == [message]


@pytest.mark.django_db
def test_the_last_day_of_the_range_still_filters_the_audit_log_and_its_csv(admin_client: Client) -> None:
    today = timezone.localdate().isoformat()
    filters = {"since": today, "until": "2100-12-31"}

    page = admin_client.get(AUDIT_LIST, filters)
    export = admin_client.get(AUDIT_EXPORT, filters)

    assert page.status_code == 200 and not page.context["form"].errors
    assert export.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert rows[0][0]  # the header, and the filter ran
