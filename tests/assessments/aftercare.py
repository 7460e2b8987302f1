"""A signed treatment session as the aftercare tests build it, and the patient's link to its check."""

import re
from typing import Any

from django.core import mail
from django.test import Client

from accounts.roles import Role
from assessments import services
from assessments.models import TreatmentSession
from patients import messaging, text_messages
from patients.models import Message, MessageKind
from tests.assessments.sessions import cleared_patient, signed
from tests.factories import UserFactory


def treated(
    *, muscle: str = "deltoid", side: str = "R", physio: Any = None, patient_fields: dict[str, Any] | None = None,
    **answers: Any,
) -> TreatmentSession:  # fmt: skip
    """A signed session of a cleared patient (questionnaire `answers`), one site needled."""
    patient = cleared_patient(**answers)
    for name, value in (patient_fields or {}).items():
        setattr(patient, name, value)
    patient.save()
    physio = physio or UserFactory(username="maya", first_name="Maya", roles=[Role.PHYSIOTHERAPIST])
    session = services.session_start(patient=patient, physiotherapist=physio)
    services.needled_site_add(session=session, muscle=muscle, side=side, confirmation_note="Pincer grip, shallow.")
    return signed(TreatmentSession.objects.get(pk=session.pk))


def message(session: TreatmentSession, kind: MessageKind, key_end: str = "") -> Message:
    return Message.objects.get(about=f"session:{session.pk}", kind=kind, key__endswith=key_end)


LINK = re.compile(r"http://[^/\s]+(/(?:aftercare|check)/[^/\s]+/)")


def sent_link(sent: Message) -> str:
    """The private link's path in what was sent (the outboxes: the message itself stores no token)."""
    outbox = mail.outbox if sent.channel == "email" else text_messages.outbox
    found = LINK.search(outbox[-1].body)
    assert found, "no link sent"
    return found.group(1)


def deliver(sent: Message) -> Message:
    messaging.deliver(sent.pk)
    sent.refresh_from_db()
    return sent


def opened(path: str, session: TreatmentSession) -> Client:
    """The patient on their phone: the link opened and their date of birth confirmed."""
    client = Client()
    confirmed = client.post(path, {"date_of_birth": session.patient.date_of_birth.isoformat()})
    assert confirmed.status_code == 302, confirmed.status_code
    return client
