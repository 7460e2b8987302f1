"""The FHIR R4 mapping: a patient's whole record as a Bundle that fhir.resources (R4B models) parses."""

import json
from collections import Counter
from typing import Any

import pytest
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.test.utils import CaptureQueriesContext
from fhir.resources.R4B.bundle import Bundle

from assessments import services as assessment_services
from assessments.models import Assessment, NeedledSite, TreatmentSession
from patients.models import Patient
from records import codes, fhir
from tests.factories import AppointmentFactory, QuestionnaireResponseFactory, SafetyFlagFactory, UserFactory

BASE = "https://clinic.example/fhir/"


def parsed(resources: list[dict[str, Any]]) -> Bundle:
    document = json.loads(json.dumps(fhir.bundle(resources, base_url=BASE), cls=DjangoJSONEncoder))
    return Bundle.model_validate(document)


def of_type(resources: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [resource for resource in resources if resource["resourceType"] == kind]


def codings(resource_part: dict[str, Any]) -> set[tuple[str, str]]:
    return {(item["system"], item["code"]) for item in resource_part.get("coding", [])}


@pytest.mark.django_db
def test_a_full_patient_exports_to_a_bundle_that_fhir_resources_parses(full_patient: Patient) -> None:
    resources = fhir.patient_resources(full_patient)

    bundle = parsed(resources)

    assert len(bundle.entry) == len(resources)
    assert Counter(resource["resourceType"] for resource in resources) == {
        "Patient": 1,
        "Practitioner": 2,  # the physiotherapist, and the practitioner of the appointment
        "Appointment": 1,
        "QuestionnaireResponse": 1,
        "Flag": 1,
        "Consent": 1,
        # 3 pains, 2 ROM, 2 strength, 2 reflexes, 8 Gunn signs, 2 segment decisions; 6 x (pain before,
        # after) in the sessions; 6 QuickDASH scores.
        "Observation": 19 + 12 + 6,
        "Condition": 1,
        "Procedure": 6,
        "AdverseEvent": 1,
    }
    assert all(entry.fullUrl.startswith(BASE) for entry in bundle.entry)


@pytest.mark.django_db
def test_the_bundle_uses_standard_codes_where_they_exist(full_patient: Patient) -> None:
    resources = fhir.patient_resources(full_patient)
    observations = of_type(resources, "Observation")
    by_prefix = {resource["id"].rsplit("-", 1)[0]: resource for resource in observations}

    pain = by_prefix["pain-now"]
    assert codings(pain["code"]) == {(codes.LOINC, "72514-3")}
    assert pain["valueInteger"] == 4
    rom = by_prefix["rom"]
    assert rom["valueQuantity"]["system"] == codes.UCUM and rom["valueQuantity"]["code"] == "deg"
    finding = next(o for o in observations if o["id"].startswith("finding-") and "coding" in o["bodySite"])
    assert next(iter(codings(finding["code"])))[0] == "https://ims-clinic.org/fhir/CodeSystem/gunn-signs"
    laterality = finding["bodySite"]["extension"][0]["valueCodeableConcept"]
    assert codings(laterality) == {(codes.SNOMED, "24028007")}  # right
    assert by_prefix["strength"]["valueCodeableConcept"]["coding"][0]["system"] == codes.MRC_GRADES
    assert by_prefix["reflex"]["valueCodeableConcept"]["coding"][0]["system"] == codes.REFLEX_GRADES
    outcome = by_prefix["outcome"]
    assert outcome["code"]["coding"][0]["code"] == "QuickDASH"
    assert outcome["valueQuantity"]["system"] == codes.UCUM

    response = of_type(resources, "QuestionnaireResponse")[0]
    assert response["questionnaire"] == f"{codes.SAFETY_QUESTIONNAIRE_URL}|2026.1"
    flag = of_type(resources, "Flag")[0]
    acknowledgement = next(e for e in flag["extension"] if e["url"] == codes.EXT_ACKNOWLEDGEMENT)
    assert {"at", "by", "note"} == {part["url"] for part in acknowledgement["extension"]}

    condition = of_type(resources, "Condition")[0]
    assert condition["verificationStatus"]["coding"][0]["code"] == "confirmed"
    assert [site["coding"][0]["code"] for site in condition["bodySite"]] == ["C5", "C6"]
    assert any(item["text"].startswith("Addendum (Correction)") for item in condition["note"])
    procedure = of_type(resources, "Procedure")[0]
    assert len(procedure["bodySite"]) == 3
    assert {c["code"] for site in procedure["bodySite"] for c in site["coding"]} >= {"supinator", "C6"}
    event = of_type(resources, "AdverseEvent")[0]
    assert event["suspectEntity"][0]["instance"]["reference"].startswith("Procedure/")
    consent = of_type(resources, "Consent")[0]
    assert codings(consent["category"][0]) == {(codes.LOINC, "59284-0")}


@pytest.mark.django_db
def test_every_patient_of_the_seeded_demo_clinic_exports_to_a_valid_bundle() -> None:
    call_command("seed_demo", force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115

    kinds: Counter[str] = Counter()
    for patient in Patient.objects.all():
        resources = fhir.patient_resources(patient)
        parsed(resources)
        kinds.update(resource["resourceType"] for resource in resources)

    assert kinds["Patient"] == Patient.objects.count()
    assert kinds["Procedure"] == TreatmentSession.objects.count()
    assert kinds["Condition"] == Assessment.objects.count()
    assert kinds["AdverseEvent"] == 2  # the demo courses' two minor events


def queries_to_export(patient: Patient) -> int:
    with CaptureQueriesContext(connection) as captured:
        fhir.patient_resources(patient)
    return len(captured.captured_queries)


@pytest.mark.django_db
def test_exporting_a_record_takes_the_same_queries_however_much_it_holds(full_patient: Patient) -> None:
    before = queries_to_export(full_patient)
    session = assessment_services.session_start(patient=full_patient, physiotherapist=UserFactory())
    NeedledSite.objects.create(session=session, muscle="deltoid", side="L")
    SafetyFlagFactory(response=QuestionnaireResponseFactory(patient=full_patient))
    AppointmentFactory(patient=full_patient)

    assert queries_to_export(full_patient) == before <= 20


@pytest.mark.django_db
def test_each_resource_can_be_found_again_by_its_id(full_patient: Patient) -> None:
    for resource in fhir.patient_resources(full_patient):
        kind, identifier = resource["resourceType"], resource["id"]
        located = fhir.locate(kind, identifier)
        assert located is not None, f"{kind}/{identifier}"
        assert fhir.read(kind, identifier, located) == resource
        if kind != "Practitioner":
            assert located.patient_id == full_patient.pk


@pytest.mark.parametrize(
    ("kind", "identifier"),
    [("Patient", "999999"), ("Observation", "rom-x"), ("Observation", "nothing-1"), ("Condition", "1"),
     ("Patient", "9" * 40), ("Practitioner", "abc"), ("Observation", "rom-" + "9" * 30)],
)  # fmt: skip
@pytest.mark.django_db
def test_unknown_ids_are_not_located(kind: str, identifier: str) -> None:
    assert fhir.locate(kind, identifier) is None
