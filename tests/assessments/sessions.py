"""A treatment session as the session pages' tests build it: a cleared patient, a questionnaire, a signed record."""

import uuid
from typing import Any

from django.urls import reverse

from assessments import services
from assessments.models import TreatmentSession
from ims_clinic.demo import ALL_NO
from patients import services as patient_services
from tests.factories import ConsentFactory, PatientFactory, UserFactory, clear_for_needling

SIGNED_ONLY = "This treatment session is signed and cannot change. Add an addendum instead."


def url(name: str, session: TreatmentSession, **kwargs: Any) -> str:
    return reverse(f"assessments:{name}", kwargs={"pk": session.pk, **kwargs})


def fresh(session: TreatmentSession) -> TreatmentSession:
    return TreatmentSession.objects.get(pk=session.pk)


def questionnaire(patient: Any, *, acknowledge: bool = True, **answers: Any) -> Any:
    """A questionnaire the patient submitted through a real link; its flags acknowledged unless told otherwise."""
    link, _ = patient_services.questionnaire_link_issue(
        patient=patient, issued_by=UserFactory(), link_url=str, submission_key=uuid.uuid4(), send_email=False
    )
    patient_services.questionnaire_confirm_date_of_birth(link=link, date_of_birth=patient.date_of_birth)
    patient_services.questionnaire_save_answers(link=link, answers={**ALL_NO, "Z1_NAME": "Pat Doe", **answers})
    response = patient_services.questionnaire_submit(link=link)
    for flag in response.flags.all() if acknowledge else ():
        if flag.is_open:
            patient_services.safety_flag_acknowledge(
                flag=flag, acknowledged_by=UserFactory(), note="Discussed with the patient."
            )
    return response


def cleared_patient(**answers: Any) -> Any:
    """A patient with consent for every region, the questionnaire's flags acknowledged and today's re-check asked."""
    patient = PatientFactory(given_name="Zebedee", family_name="Quartermaine")
    ConsentFactory(patient=patient)
    questionnaire(patient, **answers)
    clear_for_needling(patient)
    return patient


def site_data(**changes: Any) -> dict[str, Any]:
    data = {
        "muscle": "deltoid",
        "side": "R",
        "level": "",
        "insertions": "3",
        "depth": "intramuscular",
        "twitch": "one",
        "bleeding": "none",
        "compression_seconds": "",
        "confirmation_note": "",
    }
    data.update(changes)
    return data


def signed(session: TreatmentSession) -> TreatmentSession:
    services.session_save_fields(
        session=session,
        data={"pain_before": 5, "pain_after": 2, "needles_accounted_for": True},
        version=session.version,
    )
    return services.session_sign(session=session, signed_by=session.physiotherapist, version=fresh(session).version)
