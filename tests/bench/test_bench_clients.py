"""The benchmark's clients on a tiny seeded clinic: every page they drive answers as the benchmark expects."""

import random
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import Client

from assessments.models import OutcomeMeasure, TreatmentSession
from bench import run


@pytest.fixture
def clinic(db: None) -> run.ClinicData:
    call_command(
        "seed_scale", force=True, stdout=StringIO(), patients=40, appointments=120, practitioners=3, batch_size=25
    )
    with connection.cursor() as cursor:
        return run.read_clinic_data(cursor)


def signed_in(username: str) -> Client:
    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    return client


def test_the_progress_page_is_driven_for_patients_with_sessions_and_scores(clinic: run.ClinicData) -> None:
    assert clinic.progress_patients
    for patient_id in clinic.progress_patients:
        assert TreatmentSession.objects.filter(patient_id=patient_id).exists()
        assert OutcomeMeasure.objects.filter(patient_id=patient_id, session__isnull=False).exists()


def test_the_physiotherapist_opens_a_treated_patients_progress_charts(clinic: run.ClinicData) -> None:
    actions = [make() for make in run.physiotherapist_actions(clinic, random.Random(1))]
    progress = next(action for action in actions if action.page == "progress page")

    response = signed_in("physio").get(progress.path)

    assert response.status_code in progress.expect
    body = response.content.decode()
    assert "Pain (NPRS 0-10) before and after each session" in body
    assert "is better)" in body  # an outcome score's chart
    assert "progress page" in run.PAGES


@pytest.mark.parametrize(
    ("username", "actions"), [("frontdesk", run.front_desk_actions), ("physio", run.physiotherapist_actions)]
)
def test_every_page_a_client_drives_answers_with_the_expected_status(
    clinic: run.ClinicData, username: str, actions: object
) -> None:
    client, anonymous = signed_in(username), Client()
    driven = set()
    for make in actions(clinic, random.Random(7)):
        action = make()
        if action.page == run.FLOOR:
            continue  # exists only with CLINIC_BENCH_FLOOR (tests/bench/test_bench_report.py)
        browser = anonymous if action.anonymous else client
        response = browser.get(action.path) if action.method == "GET" else browser.post(action.path, action.data)
        assert response.status_code in action.expect, f"{action.page}: HTTP {response.status_code}"
        driven.add(action.page)

    assert driven <= set(run.PAGES)
    if username == "physio":
        assert "progress page" in driven
