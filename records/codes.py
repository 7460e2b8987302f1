"""Code systems and codes used in the FHIR export: standard ones where a code is known for sure,
the clinic's own (under CLINIC_SYSTEM) everywhere else. No Django import.

Standard codes used (and only these):
- LOINC 72514-3 "Pain severity - 0-10 verbal numeric rating [Score] - Reported" for the NPRS.
- LOINC 59284-0 "Patient Consent" as the Consent category (as in the FHIR R4 Consent examples).
- SNOMED CT laterality qualifiers: 7771000 left, 24028007 right, 51440002 right and left (bilateral).
- UCUM "deg" for degrees, "%" for percentages, "{score}" for points.
- HL7 terminology: observation-category, condition-clinical, condition-ver-status, consentscope,
  adverse-event-seriousness/-severity, data-absent-reason, v2-0131 (contact role), v2-0203 (identifier type).
Outcome instruments carry a LOINC code only when assessments.outcomes gives one (today none: section 4
of the clinical reference gives none and we do not guess); midline, muscles, spinal levels and Gunn's
signs use the clinic's own code systems.
"""

from __future__ import annotations

CLINIC_SYSTEM = "https://ims-clinic.org/fhir"


def clinic_system(name: str) -> str:
    return f"{CLINIC_SYSTEM}/CodeSystem/{name}"


def clinic_extension(name: str) -> str:
    return f"{CLINIC_SYSTEM}/StructureDefinition/{name}"


LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
ADVERSE_EVENT_SERIOUSNESS = "http://terminology.hl7.org/CodeSystem/adverse-event-seriousness"
ADVERSE_EVENT_SEVERITY = "http://terminology.hl7.org/CodeSystem/adverse-event-severity"
DATA_ABSENT_REASON = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
CONTACT_ROLE = "http://terminology.hl7.org/CodeSystem/v2-0131"
IDENTIFIER_TYPE = "http://terminology.hl7.org/CodeSystem/v2-0203"

NPRS_LOINC = "72514-3"
NPRS_DISPLAY = "Pain severity - 0-10 verbal numeric rating [Score] - Reported"
CONSENT_LOINC = "59284-0"

# Side codes of assessments.anatomy.Side -> (system, code, display).
LATERALITY = {
    "L": (SNOMED, "7771000", "Left"),
    "R": (SNOMED, "24028007", "Right"),
    "B": (SNOMED, "51440002", "Right and left"),
    # No SNOMED qualifier we are sure of for "midline": the clinic's own code.
    "M": (clinic_system("laterality"), "M", "Midline"),
}

GUNN_SIGNS = clinic_system("gunn-signs")
FINDING_STATUS = clinic_system("finding-status")
MUSCLES = clinic_system("muscles")
SPINAL_LEVELS = clinic_system("spinal-levels")
BODY_REGIONS = clinic_system("body-regions")
ROM_MOVEMENTS = clinic_system("rom-movements")
MRC_GRADES = clinic_system("mrc-grade")
REFLEXES = clinic_system("reflexes")
REFLEX_GRADES = clinic_system("reflex-grade")
SENSORY = clinic_system("sensory-modality")
SENSORY_SCORES = clinic_system("sensory-score")
OBSERVATION_CODES = clinic_system("observations")
OUTCOME_INSTRUMENTS = clinic_system("outcome-instruments")
SEGMENT_DECISIONS = clinic_system("segment-decision")
PROCEDURES = clinic_system("procedures")
ADVERSE_EVENTS = clinic_system("adverse-event-types")
ADVERSE_EVENT_CLASSES = clinic_system("adverse-event-class")
SAFETY_FLAGS = clinic_system("safety-flags")
FLAG_SEVERITY = clinic_system("safety-flag-severity")
QUESTIONNAIRE_ANSWERS = clinic_system("safety-questionnaire-answers")
APPOINTMENT_TYPES = clinic_system("appointment-types")

PATIENT_ID_SYSTEM = f"{CLINIC_SYSTEM}/NamingSystem/patient-id"
REGISTRATION_SYSTEM = f"{CLINIC_SYSTEM}/NamingSystem/physiotherapist-registration"


def health_number_system(province: str) -> str:
    # Provincial health numbers have registered naming systems; we do not guess their URIs.
    return f"{CLINIC_SYSTEM}/NamingSystem/health-number-{province.lower()}"


SAFETY_QUESTIONNAIRE_URL = f"{CLINIC_SYSTEM}/Questionnaire/pre-visit-safety"

# Extensions of our own (the URL names what the value means).
EXT_LATERALITY = clinic_extension("laterality")
EXT_PRONOUNS = clinic_extension("pronouns")
EXT_PREFERRED_CONTACT = clinic_extension("preferred-contact-method")
EXT_RISK_LEVEL = clinic_extension("safety-risk-level")
EXT_RULES_VERSION = clinic_extension("rules-version")
EXT_ACKNOWLEDGEMENT = clinic_extension("acknowledgement")
EXT_FLAG_SEVERITY = clinic_extension("safety-flag-severity")
EXT_AE_CLASS = clinic_extension("adverse-event-class")
EXT_AE_ACTION = clinic_extension("adverse-event-action")
EXT_SCORING_VERSION = clinic_extension("scoring-version")
EXT_SIGNED = clinic_extension("signed")

APPOINTMENT_STATUS = {
    "booked": "booked",
    "arrived": "arrived",
    "completed": "fulfilled",
    "cancelled": "cancelled",
    "no_show": "noshow",
}

# The clinic's adverse-event class -> HL7 severity (mild/moderate/severe) and seriousness.
AE_SEVERITY = {"mild": "mild", "significant": "moderate", "serious": "severe"}
AE_SERIOUSNESS = {
    "serious": ("serious", "Serious"),
    "significant": ("non-serious", "Non-serious"),
    "mild": ("non-serious", "Non-serious"),
}


# UCUM units for outcome scores (the instrument's score_unit).
def outcome_unit(score_unit: str) -> tuple[str, str]:
    return ("%", "%") if score_unit.strip() == "%" else ("{score}", score_unit or "score")
