"""The fuzz tests' world: the page table's one of each object, with the assessment and the treatment session the
physiotherapist persona's own (only their author writes to them), and one signed-in client per persona."""

import pytest
from django.test import Client

from assessments import services as assessment_services
from assessments.models import NeedledSite
from patients.models import Patient
from tests.ims_clinic.page_table import LINK


@pytest.fixture
def fuzz_world(world: dict[str, object], physio_client: Client) -> dict[str, object]:
    patient = Patient.objects.get(pk=world["patient"])
    physio = physio_client.user
    assessment = assessment_services.assessment_start(patient=patient, physiotherapist=physio)
    finding = assessment_services.finding_record(
        assessment=assessment, sign_code="SEN-MOTORPOINT", side="L", status="present", muscle="deltoid"
    )
    session = assessment_services.session_start(patient=patient, physiotherapist=physio)
    site = NeedledSite.objects.create(session=session, muscle="deltoid", side="L")
    return {**world, "assessment": assessment.pk, "finding": finding.pk, "session": session.pk, "site": site.pk}


@pytest.fixture
def persona_clients(
    fuzz_world: dict[str, object],
    anonymous_client: Client,
    front_desk_client: Client,
    physio_client: Client,
    admin_client: Client,
    patient_link_client: Client,
) -> dict[str, Client]:
    return {
        "anonymous": anonymous_client,
        "front_desk": front_desk_client,
        "physio": physio_client,
        "admin": admin_client,
        LINK: patient_link_client,
    }
