"""No silent overwrite of patient details: a save from a stale form is refused and shown (reliability-notes.md 5)."""

import threading

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse

from patients import services
from patients.models import Patient
from patients.services import IDENTITY_FIELDS, StalePatientError
from tests.factories import PatientFactory, UserFactory

EDITORS = 50


def details(patient: Patient, **changes: object) -> dict[str, object]:
    data = {key: value for key, value in model_to_dict(patient, fields=IDENTITY_FIELDS).items() if value is not None}
    return {**data, "date_of_birth": patient.date_of_birth.isoformat(), "version": patient.version, **changes}


@pytest.mark.django_db
def test_a_save_moves_the_version_on_and_a_save_from_the_old_version_is_refused() -> None:
    patient, desk = PatientFactory(family_name="Original"), UserFactory()
    opened_at = patient.version

    services.patient_update(patient=patient, data={"family_name": "First"}, updated_by=desk, version=opened_at)
    with pytest.raises(StalePatientError) as stale:
        services.patient_update(patient=patient, data={"family_name": "Second"}, updated_by=desk, version=opened_at)

    patient.refresh_from_db()
    assert (patient.family_name, patient.version) == ("First", opened_at + 1)
    assert stale.value.current.family_name == "First"


@pytest.mark.django_db
def test_archiving_and_restoring_also_move_the_version_on() -> None:
    patient, desk = PatientFactory(), UserFactory()

    services.patient_archive(patient=patient, archived_by=desk)
    services.patient_restore(patient=patient, restored_by=desk)

    patient.refresh_from_db()
    assert patient.version == 3


@pytest.mark.django_db
def test_two_people_editing_at_once_the_second_sees_what_changed_and_keeps_their_input(
    front_desk_client: Client, physio_client: Client
) -> None:
    patient = PatientFactory(family_name="Lee", phone="604-555-0100", city="Vancouver")
    url = reverse("patients:patient-update", args=[patient.pk])
    desk_form = details(patient, phone="604-555-0111")
    physio_form = details(patient, city="Burnaby")

    first = front_desk_client.post(url, desk_form)
    second = physio_client.post(url, physio_form)

    assert first.status_code == 302
    assert second.status_code == 409
    page = second.content.decode()
    assert "Your changes were not saved" in page
    assert "after you opened this page. Nothing of yours was written over it." in page
    differences = second.context["conflict"]["changes"]
    assert {"label": "City", "saved": "Vancouver", "yours": "Burnaby"} in differences
    assert {"label": "Phone", "saved": "604-555-0111", "yours": "604-555-0100"} in differences
    retry = second.context["form"]
    assert retry["city"].value() == "Burnaby" and int(retry["version"].value()) == patient.version + 1
    patient.refresh_from_db()
    assert (patient.phone, patient.city) == ("604-555-0111", "Vancouver")


@pytest.mark.django_db
def test_re_applying_from_the_conflict_page_saves_the_edit_on_the_new_version(
    front_desk_client: Client, physio_client: Client
) -> None:
    patient = PatientFactory(city="Vancouver")
    url = reverse("patients:patient-update", args=[patient.pk])
    front_desk_client.post(url, details(patient, phone="604-555-0111"))
    conflict = physio_client.post(url, details(patient, city="Burnaby"))

    kept = {name: conflict.context["form"][name].value() for name in (*IDENTITY_FIELDS, "version")}
    kept["phone"] = "604-555-0111"  # the physio keeps the front desk's new phone number
    reapplied = physio_client.post(url, {k: v for k, v in kept.items() if v is not None})

    assert reapplied.status_code == 302
    patient.refresh_from_db()
    assert (patient.phone, patient.city, patient.version) == ("604-555-0111", "Burnaby", 3)


@pytest.mark.django_db
def test_a_form_without_its_version_is_not_saved(front_desk_client: Client) -> None:
    patient = PatientFactory(city="Vancouver")
    data = details(patient, city="Burnaby")
    del data["version"]

    response = front_desk_client.post(reverse("patients:patient-update", args=[patient.pk]), data)

    assert response.status_code == 200 and "This form is out of date." in response.content.decode()
    patient.refresh_from_db()
    assert patient.city == "Vancouver"


def edit_at_once(patient_pk: int, edits: list[dict], retry: bool) -> tuple[int, int, list[BaseException]]:
    """Each editor in its own thread and connection, all loading the same version, then saving together."""
    barrier = threading.Barrier(len(edits))
    saved, refused, crashed = [], [], []
    editor = UserFactory()

    def worker(change: dict) -> None:
        try:
            opened = Patient.objects.get(pk=patient_pk)
            barrier.wait()
            while True:
                try:
                    data = {key: value(opened) for key, value in change.items()}
                    services.patient_update(patient=opened, data=data, updated_by=editor, version=opened.version)
                    saved.append(1)
                    return
                except StalePatientError as stale:
                    if not retry:
                        refused.append(1)
                        return
                    opened = stale.current  # the user re-applies their edit on what is saved now
        except BaseException as error:
            crashed.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(change,)) for change in edits]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(saved), len(refused), crashed


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_editors_saving_the_same_version_at_once_one_wins_and_the_rest_are_told() -> None:
    patient = PatientFactory(referred_by="")
    edits = [{"referred_by": lambda _p, i=i: f"editor {i}"} for i in range(EDITORS)]

    saved, refused, crashed = edit_at_once(patient.pk, edits, retry=False)

    assert crashed == []
    assert (saved, refused) == (1, EDITORS - 1)
    patient.refresh_from_db()
    assert patient.version == 2 and patient.referred_by.startswith("editor ")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_fifty_concurrent_edits_that_re_apply_on_conflict_lose_none(round_: int) -> None:
    patient = PatientFactory(family_doctor="")
    # Each editor appends a mark: a lost update would drop someone's mark from the final value.
    edits = [{"family_doctor": lambda p, i=i: f"{p.family_doctor}{i:02d}."} for i in range(EDITORS)]

    saved, refused, crashed = edit_at_once(patient.pk, edits, retry=True)

    assert crashed == [] and (saved, refused) == (EDITORS, 0)
    patient.refresh_from_db()
    marks = sorted(patient.family_doctor.rstrip(".").split("."))
    assert marks == [f"{i:02d}" for i in range(EDITORS)]
    assert patient.version == 1 + EDITORS
