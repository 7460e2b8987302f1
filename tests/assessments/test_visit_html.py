"""The pages of the visit's record are valid HTML in the states only an action reaches: the earlier-day question
asked, answered without a reason, refused for a draft signed meanwhile; the appointment's and the chart's buttons."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import TreatmentSession
from tests.assessments.sessions import cleared_patient, fresh
from tests.assessments.test_visit_start import own_practitioner, signed_session
from tests.factories import AppointmentFactory
from tests.ims_clinic.test_html_validity import html_of, readable, run_checker


@pytest.mark.nu
@pytest.mark.django_db
def test_the_visit_pages_are_valid_html(physio_client: Client, tmp_path: Path) -> None:
    patient = cleared_patient()
    appointment = AppointmentFactory(patient=patient, practitioner=own_practitioner(), status="arrived")
    draft = services.session_start(patient=patient, physiotherapist=physio_client.user)
    TreatmentSession.objects.filter(pk=draft.pk).update(started_at=timezone.now() - timedelta(days=4))
    question = reverse("assessments:session-earlier-draft", kwargs={"patient_pk": patient.pk})
    rendered = {
        "appointment with its start button": html_of(physio_client.get(appointment.get_absolute_url()), "a"),
        "chart with the appointment's start button": html_of(physio_client.get(patient.get_absolute_url()), "c"),
        "question asked": html_of(physio_client.get(question, {"appointment": appointment.pk}), "q"),
        "question without a reason": html_of(
            physio_client.post(question, {"draft": draft.pk, "choice": "error", "appointment": appointment.pk}),
            "r",
            statuses=(400,),
        ),
    }
    signed_session(fresh(draft))
    rendered["question of a draft signed meanwhile"] = html_of(
        physio_client.post(question, {"draft": draft.pk, "choice": "continue"}), "s", statuses=(409,)
    )
    files, label_of = [], {}
    for index, (label, html) in enumerate(rendered.items()):
        name = f"{index:02}.html"
        (tmp_path / name).write_text(html, encoding="utf-8")
        files.append(tmp_path / name)
        label_of[name] = label

    errors = run_checker(files)

    assert "Start the treatment session" in rendered["appointment with its start button"]
    assert not errors, "\n".join(readable(message, label_of) for message in errors)
