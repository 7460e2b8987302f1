"""Dates of birth and the questionnaire's date answers stay within the clinic's range (1900-01-01 to 2100-12-31)."""

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from accounts.dates import MAX_DATE, MIN_DATE
from patients.models import Patient
from patients.safety_rules import EARLIEST_DATE, LATEST_DATE, validate_answers
from tests.date_cases import OUT_OF_RANGE, case_id, cases

from .test_patient_pages import new_patient
from .test_safety_rules import WARFARIN, answers

REGISTRATION_CASES = cases("Enter a valid date.", "This field is required.")
TODAY = date(2026, 3, 2)
ANSWER_RANGE = "Please check this date. It should be between 1 January 1900 and 31 December 2100."


@pytest.mark.django_db
@pytest.mark.parametrize(("value", "message"), REGISTRATION_CASES, ids=[case_id(v) for v, _ in REGISTRATION_CASES])
def test_a_date_of_birth_outside_the_range_is_answered_at_the_field(
    front_desk_client: Client, value: str, message: str
) -> None:
    response = front_desk_client.post(reverse("patients:patient-create"), new_patient(date_of_birth=value))

    assert response.status_code == 200
    assert response.context["form"].errors["date_of_birth"] == [message]
    assert not Patient.objects.exists()


@pytest.mark.parametrize("value", OUT_OF_RANGE)
@pytest.mark.parametrize("code", ["A4", "Q0_2"])
def test_a_questionnaire_date_outside_the_range_asks_the_patient_to_check_it(code: str, value: str) -> None:
    errors = validate_answers(answers(**WARFARIN, A3=2.5, **{code: value}), today=TODAY)

    assert errors[code] == ANSWER_RANGE


def test_the_rules_and_the_forms_share_one_date_range() -> None:
    assert (EARLIEST_DATE, LATEST_DATE) == (MIN_DATE, MAX_DATE)
