"""A patient's whole record as FHIR R4 resources (plain dicts, JSON-ready).

`load_patient_record` reads everything the clinic holds about one patient in a fixed number of
queries; `PatientRecordMapper` turns it into resources. Ids are stable and say where a resource
comes from (`Observation/rom-12`), so that the API can find one resource again (`locate`).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, cast

from django.db.models import F, Model, Prefetch, QuerySet
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from assessments import anatomy, gunn_signs, outcomes
from assessments import services as assessment_services
from assessments.models import (
    AdverseEvent,
    Assessment,
    AssessmentStatus,
    NeedledSite,
    OutcomeMeasure,
    ReflexTest,
    RomMeasurement,
    SegmentDecision,
    SensoryTest,
    SignFinding,
    StrengthTest,
    TreatmentSession,
)
from assessments.needling_safety import ADVERSE_EVENT_TYPES
from patients.models import REGION_LABELS, Consent, Patient, QuestionnaireResponse, SafetyFlag
from patients.safety_rules import QUESTION_BY_CODE, AnswerType
from scheduling.models import Appointment, Practitioner

from . import codes

FHIR_VERSION = "4.0.1"
AE_TYPE_LABELS = {event.code: event.label for event in ADVERSE_EVENT_TYPES}

# --- Loading ----------------------------------------------------------------------------------------


@dataclass
class PatientRecord:
    """Everything held about one patient, loaded at once (the query count does not grow with the data)."""

    patient: Patient
    appointments: list[Appointment]
    responses: list[QuestionnaireResponse]
    consents: list[Consent]
    assessments: list[Assessment]
    sessions: list[TreatmentSession]
    outcomes: list[OutcomeMeasure]
    practitioners: dict[int, Practitioner] = field(default_factory=dict)  # by user id


def load_patient_record(patient: Patient) -> PatientRecord:
    user_related = ("physiotherapist", "signed_by", "entered_in_error_by")
    record = PatientRecord(
        patient=patient,
        appointments=list(
            patient.appointments.select_related("practitioner__user", "appointment_type", "booked_by").order_by(
                "starts_at", "id"
            )
        ),
        responses=list(
            patient.questionnaire_responses.select_related("link")
            .prefetch_related(Prefetch("flags", SafetyFlag.objects.select_related("acknowledged_by")))
            .order_by("started_at", "id")
        ),
        consents=list(
            patient.consents.select_related("text_version", "clinician", "withdrawn_by").order_by("given_at", "id")
        ),
        assessments=list(
            patient.assessments.select_related(*user_related)
            .prefetch_related(
                "rom_measurements",
                "strength_tests",
                "reflex_tests",
                "sensory_tests",
                "findings",
                "segment_decisions",
                Prefetch("addenda", queryset=_addenda(Assessment)),
            )
            .order_by("started_at", "id")
        ),
        sessions=list(
            patient.treatment_sessions.select_related(*user_related)
            .prefetch_related(
                "sites",
                Prefetch("adverse_events", AdverseEvent.objects.select_related("reported_by")),
                Prefetch("addenda", queryset=_addenda(TreatmentSession)),
            )
            .order_by("started_at", "id")
        ),
        outcomes=list(patient.outcome_measures.select_related("recorded_by").order_by("recorded_at", "id")),
    )
    user_ids = {user.pk for user in _users(record)}
    record.practitioners = {
        practitioner.user_id: practitioner for practitioner in Practitioner.objects.filter(user_id__in=user_ids)
    }
    return record


def _addenda(model: type[Assessment] | type[TreatmentSession]) -> QuerySet[Model]:
    addendum = cast(type[Model], model._meta.get_field("addenda").related_model)
    return addendum._default_manager.select_related("author")


def _users(record: PatientRecord) -> Iterator[User]:
    """The staff who appear in the record as practitioners (authors, performers, recorders)."""
    for appointment in record.appointments:
        yield appointment.practitioner.user
    for consent in record.consents:
        yield consent.clinician
    for response in record.responses:
        for flag in response.flags.all():
            if flag.acknowledged_by:
                yield flag.acknowledged_by
    signed_records: list[Assessment | TreatmentSession] = [*record.assessments, *record.sessions]
    for item in signed_records:
        yield item.physiotherapist
        if item.signed_by:
            yield item.signed_by
        for addendum in item.addenda.all():
            yield addendum.author
    for session in record.sessions:
        for event in session.adverse_events.all():
            yield event.reported_by
    for measure in record.outcomes:
        if measure.recorded_by is not None:  # None: the patient's own answers on their phone
            yield measure.recorded_by


# --- Small builders -------------------------------------------------------------------------------


def _instant(moment: datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def coding(system: str, code: str, display: str = "") -> dict[str, str]:
    found = {"system": system, "code": str(code)}
    if display:
        found["display"] = display
    return found


def concept(system: str, code: str, display: str = "", text: str = "") -> dict[str, Any]:
    found: dict[str, Any] = {"coding": [coding(system, code, display)]}
    if text:
        found["text"] = text
    return found


def laterality(side: str) -> dict[str, Any]:
    system, code, display = codes.LATERALITY[side]
    return {"url": codes.EXT_LATERALITY, "valueCodeableConcept": concept(system, code, display)}


def body_site(*, side: str = "", muscle: str = "", level: str = "", region_note: str = "") -> dict[str, Any] | None:
    """Where a finding is: a muscle, a spinal level or a region note, with the side as a SNOMED laterality."""
    codings = []
    text_parts = []
    if muscle:
        name = anatomy.MUSCLES[muscle].name if muscle in anatomy.MUSCLES else muscle
        codings.append(coding(codes.MUSCLES, muscle, name))
        text_parts.append(name)
    if level:
        codings.append(coding(codes.SPINAL_LEVELS, level, level))
        text_parts.append(level)
    if region_note:
        text_parts.append(region_note)
    if not codings and not text_parts and not side:
        return None
    if side:
        text_parts.append(codes.LATERALITY[side][2].lower())
    site: dict[str, Any] = {"text": " ".join(text_parts)}
    if codings:
        site["coding"] = codings
    if side:
        site["extension"] = [laterality(side)]
    return site


def note(text: str, *, author: User | None = None, time: datetime | None = None) -> dict[str, Any]:
    annotation: dict[str, Any] = {"text": text}
    if author is not None:
        annotation["authorReference"] = practitioner_reference(author)
    if time is not None:
        annotation["time"] = _instant(time)
    return annotation


def practitioner_reference(user: User) -> dict[str, str]:
    return {"reference": f"Practitioner/{user.pk}", "display": user.get_full_name() or user.username}


def record_status(status: str) -> str:
    """An Observation's status from the status of the record it belongs to."""
    return {
        AssessmentStatus.SIGNED.value: "final",
        AssessmentStatus.ENTERED_IN_ERROR.value: "entered-in-error",
    }.get(status, "preliminary")


# --- Resources -------------------------------------------------------------------------------------


def patient_resource(patient: Patient) -> dict[str, Any]:
    names = [{"use": "official", "family": patient.family_name, "given": [patient.given_name]}]
    if patient.preferred_name:
        names.append({"use": "usual", "family": patient.family_name, "given": [patient.preferred_name]})
    telecom: list[dict[str, Any]] = []
    if patient.phone:
        telecom.append({"system": "phone", "value": patient.phone})
    if patient.email:
        telecom.append({"system": "email", "value": patient.email})
    preferred = {"phone": "phone", "text": "phone", "email": "email"}[patient.preferred_contact_method]
    for entry in telecom:
        if entry["system"] == preferred:
            entry["rank"] = 1
            break
    identifiers = [
        {
            "use": "usual",
            "type": concept(codes.IDENTIFIER_TYPE, "MR", "Medical record number"),
            "system": codes.PATIENT_ID_SYSTEM,
            "value": str(patient.pk),
        }
    ]
    if patient.health_number:
        identifiers.append(
            {
                "use": "official",
                "type": concept(codes.IDENTIFIER_TYPE, "JHN", "Jurisdictional health number (Canada)"),
                "system": codes.health_number_system(patient.health_number_province),
                "value": patient.health_number,
            }
        )
    resource: dict[str, Any] = {
        "resourceType": "Patient",
        "id": str(patient.pk),
        "identifier": identifiers,
        "active": not patient.is_archived,
        "name": names,
        "gender": patient.administrative_sex,
        "birthDate": _day(patient.date_of_birth),
        "extension": [
            {
                "url": codes.EXT_PREFERRED_CONTACT,
                "valueCode": patient.preferred_contact_method,
            }
        ],
    }
    if patient.pronouns:
        resource["extension"].append({"url": codes.EXT_PRONOUNS, "valueString": patient.pronouns})
    if telecom:
        resource["telecom"] = telecom
    if patient.address_line1 or patient.city or patient.postal_code:
        address: dict[str, Any] = {"use": "home", "country": "CA", "state": patient.province}
        lines = [line for line in (patient.address_line1, patient.address_line2) if line]
        if lines:
            address["line"] = lines
        if patient.city:
            address["city"] = patient.city
        if patient.postal_code:
            address["postalCode"] = patient.postal_code
        resource["address"] = [address]
    if patient.emergency_contact_name or patient.emergency_contact_phone:
        contact: dict[str, Any] = {
            "relationship": [concept(codes.CONTACT_ROLE, "C", "Emergency Contact")],
        }
        if patient.emergency_contact_relationship:
            contact["relationship"].append({"text": patient.emergency_contact_relationship})
        if patient.emergency_contact_name:
            contact["name"] = {"text": patient.emergency_contact_name}
        if patient.emergency_contact_phone:
            contact["telecom"] = [{"system": "phone", "value": patient.emergency_contact_phone}]
        resource["contact"] = [contact]
    if patient.family_doctor:
        resource["generalPractitioner"] = [{"display": patient.family_doctor}]
    return resource


def practitioner_resource(user: User, profile: Practitioner | None) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Practitioner",
        "id": str(user.pk),
        "active": bool(user.is_active and (profile is None or profile.is_active)),
        "name": [
            {
                "text": (profile.display_name if profile else "") or user.get_full_name() or user.username,
                **({"family": user.last_name} if user.last_name else {}),
                **({"given": [user.first_name]} if user.first_name else {}),
            }
        ],
    }
    if profile and profile.registration_number:
        resource["identifier"] = [{"system": codes.REGISTRATION_SYSTEM, "value": profile.registration_number}]
    return resource


def appointment_resource(appointment: Appointment) -> dict[str, Any]:
    user = appointment.practitioner.user
    resource: dict[str, Any] = {
        "resourceType": "Appointment",
        "id": str(appointment.pk),
        "status": codes.APPOINTMENT_STATUS[appointment.status],
        "appointmentType": concept(
            codes.APPOINTMENT_TYPES,
            appointment.appointment_type.kind,
            appointment.appointment_type.get_kind_display(),
            text=appointment.appointment_type.name,
        ),
        "start": _instant(appointment.starts_at),
        "end": _instant(appointment.ends_at),
        "minutesDuration": appointment.duration_minutes,
        "created": _instant(appointment.booked_at),
        "participant": [
            {"actor": {"reference": f"Patient/{appointment.patient_id}"}, "status": "accepted"},
            {"actor": practitioner_reference(user), "status": "accepted"},
        ],
    }
    if appointment.front_desk_note:
        resource["comment"] = appointment.front_desk_note
    if appointment.cancellation_reason:
        resource["cancelationReason"] = {"text": appointment.cancellation_reason}
    return resource


def _answers(code: str, value: object) -> list[dict[str, Any]]:
    question = QUESTION_BY_CODE.get(code)
    kind = question.answer_type if question else None
    if question is not None and kind in (AnswerType.CHOICE, AnswerType.YES_NO_NOT_SURE) and isinstance(value, str):
        return [{"valueCoding": coding(codes.QUESTIONNAIRE_ANSWERS, value, question.option_label(value))}]
    if question is not None and kind is AnswerType.MULTI_CHOICE and isinstance(value, list | tuple | set):
        return [
            {"valueCoding": coding(codes.QUESTIONNAIRE_ANSWERS, str(option), question.option_label(str(option)))}
            for option in value
        ]
    if isinstance(value, bool):
        return [{"valueBoolean": value}]
    if isinstance(value, list | tuple):
        return [{"valueString": " to ".join(str(part) for part in value)}]
    if value in (None, ""):
        return []
    return [{"valueString": str(value)}]


def answer_rows(response: QuestionnaireResponse) -> list[tuple[str, str]]:
    """The answers as (question, answer) for people to read, in the order they were given."""
    rows = []
    for code, value in response.answers.items():
        shown = [
            answer.get("valueCoding", {}).get("display")
            or answer.get("valueString")
            or ("yes" if answer.get("valueBoolean") else "no")
            for answer in _answers(code, value)
        ]
        if shown:
            question = QUESTION_BY_CODE.get(code)
            rows.append((question.short_label if question else code, ", ".join(str(item) for item in shown)))
    return rows


def questionnaire_response_resource(response: QuestionnaireResponse) -> dict[str, Any]:
    items = []
    for code, value in response.answers.items():
        answers = _answers(code, value)
        if not answers:
            continue
        question = QUESTION_BY_CODE.get(code)
        item: dict[str, Any] = {"linkId": code, "answer": answers}
        if question:
            item["text"] = question.text
        items.append(item)
    resource: dict[str, Any] = {
        "resourceType": "QuestionnaireResponse",
        "id": str(response.pk),
        "questionnaire": f"{codes.SAFETY_QUESTIONNAIRE_URL}|{response.questionnaire_version}",
        "status": "completed" if response.submitted_at else "in-progress",
        "subject": {"reference": f"Patient/{response.patient_id}"},
        "source": {"reference": f"Patient/{response.patient_id}"},
        "authored": _instant(response.submitted_at or response.last_saved_at),
    }
    extensions = []
    if response.risk_level:
        extensions.append({"url": codes.EXT_RISK_LEVEL, "valueCode": response.risk_level})
    if response.rules_version:
        extensions.append({"url": codes.EXT_RULES_VERSION, "valueString": response.rules_version})
    if extensions:
        resource["extension"] = extensions
    if items:
        resource["item"] = items
    return resource


def flag_resource(flag: SafetyFlag, response: QuestionnaireResponse) -> dict[str, Any]:
    """A safety flag the rules raised on a questionnaire, with its acknowledgement (who, when, note)."""
    extensions: list[dict[str, Any]] = [
        {"url": codes.EXT_FLAG_SEVERITY, "valueCoding": coding(codes.FLAG_SEVERITY, flag.severity, flag.severity)},
        {"url": codes.EXT_RULES_VERSION, "valueString": flag.rules_version},
        {
            "url": codes.clinic_extension("questionnaire-response"),
            "valueReference": {"reference": f"QuestionnaireResponse/{response.pk}"},
        },
    ]
    if flag.acknowledged_at and flag.acknowledged_by:
        parts: list[dict[str, Any]] = [
            {"url": "at", "valueDateTime": _instant(flag.acknowledged_at)},
            {"url": "by", "valueReference": practitioner_reference(flag.acknowledged_by)},
        ]
        if flag.acknowledgement_note:
            parts.append({"url": "note", "valueString": flag.acknowledgement_note})
        extensions.append({"url": codes.EXT_ACKNOWLEDGEMENT, "extension": parts})
    text = flag.reason + (f" Action: {flag.action}" if flag.action else "")
    if flag.location_note:
        text += f" Where: {flag.location_note}"
    return {
        "resourceType": "Flag",
        "id": str(flag.pk),
        "extension": extensions,
        "status": "active",
        "category": [concept("http://terminology.hl7.org/CodeSystem/flag-category", "safety", "Safety")],
        "code": concept(codes.SAFETY_FLAGS, flag.code, text=text),
        "subject": {"reference": f"Patient/{response.patient_id}"},
        "period": {"start": _instant(response.submitted_at or response.started_at)},
    }


def consent_resource(consent: Consent) -> dict[str, Any]:
    regions = [concept(codes.BODY_REGIONS, code, str(REGION_LABELS.get(code, code))) for code in consent.regions]
    provision: dict[str, Any] = {"type": "permit", "period": {"start": _instant(consent.given_at)}}
    if consent.withdrawn_at:
        provision["period"]["end"] = _instant(consent.withdrawn_at)
    if regions:
        provision["code"] = regions
    notes = [
        f"Consent text: {consent.text_version.title}, version {consent.text_version.version}.",
        f"Form: {consent.get_form_display()}.",
        f"Includes needling next to the spine: {'yes' if consent.includes_paraspinal else 'no'}.",
        "Alternatives discussed; stop signal agreed.",
    ]
    if consent.patient_specific_risks:
        notes.append(f"Risks particular to the patient: {consent.patient_specific_risks}")
    if consent.questions_and_answers:
        notes.append(f"Questions and answers: {consent.questions_and_answers}")
    if not consent.has_capacity:
        notes.append(
            f"Given by {consent.substitute_name} ({consent.substitute_relationship}), substitute decision-maker."
        )
    if consent.signed_name:
        notes.append(f"Signed by typing the name: {consent.signed_name}.")
    if consent.withdrawn_at:
        notes.append(f"Withdrawn {_instant(consent.withdrawn_at)}: {consent.withdrawal_reason}")
    resource: dict[str, Any] = {
        "resourceType": "Consent",
        "id": str(consent.pk),
        "status": "inactive" if consent.withdrawn_at else "active",
        "scope": concept(codes.CONSENT_SCOPE, "treatment", "Treatment"),
        "category": [concept(codes.LOINC, codes.CONSENT_LOINC, "Patient Consent")],
        "patient": {"reference": f"Patient/{consent.patient_id}"},
        "dateTime": _instant(consent.given_at),
        "performer": [{"reference": f"Patient/{consent.patient_id}"}],
        "policy": [{"uri": f"{codes.CLINIC_SYSTEM}/consent-text/{consent.text_version.version}"}],
        "provision": provision,
        "verification": [
            {
                "verified": True,
                "verificationDate": _instant(consent.recorded_at),
                **({"verifiedWith": {"display": consent.witness_name}} if consent.witness_name else {}),
            }
        ],
        "extension": [{"url": codes.clinic_extension("consent-notes"), "valueString": " ".join(notes)}],
    }
    resource["performer"].append(practitioner_reference(consent.clinician))
    return resource


def observation(
    *,
    id: str,
    status: str,
    code: dict[str, Any],
    patient_id: int,
    effective: datetime | None,
    performer: User | None = None,
    category: str = "exam",
    **fields: Any,
) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": id,
        "status": status,
        "category": [concept(codes.OBSERVATION_CATEGORY, category)],
        "code": code,
        "subject": {"reference": f"Patient/{patient_id}"},
    }
    if effective:
        resource["effectiveDateTime"] = _instant(effective)
    if performer is not None:
        resource["performer"] = [practitioner_reference(performer)]
    resource.update({key: value for key, value in fields.items() if value is not None})
    return resource


def nprs(
    *, id: str, value: int, label: str, patient_id: int, status: str, effective: datetime, performer: User, **more: Any
) -> dict[str, Any]:
    return observation(
        id=id,
        status=status,
        code=concept(codes.LOINC, codes.NPRS_LOINC, codes.NPRS_DISPLAY, text=label),
        patient_id=patient_id,
        effective=effective,
        performer=performer,
        category="survey",
        valueInteger=value,
        **more,
    )


NOT_PERFORMED = concept(codes.DATA_ABSENT_REASON, "not-performed", "Not Performed")


def _graded(value: str, system: str, display: str = "") -> dict[str, Any]:
    if value == "NT":
        return {"dataAbsentReason": NOT_PERFORMED}
    return {"valueCodeableConcept": concept(system, value, display or value)}


class PatientRecordMapper:
    """The FHIR resources of one PatientRecord, in a stable order."""

    def __init__(self, record: PatientRecord) -> None:
        self.record = record
        self.patient_id = record.patient.pk

    def resources(self) -> list[dict[str, Any]]:
        found = [patient_resource(self.record.patient)]
        users = {user.pk: user for user in _users(self.record)}
        found += [practitioner_resource(user, self.record.practitioners.get(pk)) for pk, user in sorted(users.items())]
        found += [appointment_resource(appointment) for appointment in self.record.appointments]
        for response in self.record.responses:
            found.append(questionnaire_response_resource(response))
            found += [flag_resource(flag, response) for flag in response.flags.all()]
        found += [consent_resource(consent) for consent in self.record.consents]
        for assessment in self.record.assessments:
            found += self.assessment_resources(assessment)
        for session in self.record.sessions:
            found += self.session_resources(session)
        found += [self.outcome(measure) for measure in self.record.outcomes]
        return found

    # Assessments ---------------------------------------------------------------------------------

    def assessment_resources(self, assessment: Assessment) -> list[dict[str, Any]]:
        status = record_status(assessment.status)
        when, by = assessment.started_at, assessment.physiotherapist
        common: dict[str, Any] = {"patient_id": self.patient_id, "status": status, "effective": when, "performer": by}
        found: list[dict[str, Any]] = []
        for attribute, label in (("pain_now", "now"), ("pain_best", "at best"), ("pain_worst", "at worst")):
            value = getattr(assessment, attribute)
            if value is not None:
                found.append(
                    nprs(id=f"{attribute.replace('_', '-')}-{assessment.pk}", value=value, label=f"Pain {label}",
                         **common)
                )  # fmt: skip
        found += [self.rom(row, **common) for row in assessment.rom_measurements.all()]
        found += [self.strength(row, **common) for row in assessment.strength_tests.all()]
        found += [self.reflex(row, **common) for row in assessment.reflex_tests.all()]
        found += [self.sensory(row, **common) for row in assessment.sensory_tests.all()]
        found += [self.finding(row, **common) for row in assessment.findings.all()]
        found += [self.segment(row, **common) for row in assessment.segment_decisions.all()]
        found.append(self.condition(assessment, evidence=[resource["id"] for resource in found]))
        return found

    def rom(self, row: RomMeasurement, **common: Any) -> dict[str, Any]:
        label = f"{row.joint} {row.movement}".replace("_", " ").capitalize() + f" ({row.mode} range)"
        return observation(
            id=f"rom-{row.pk}",
            code=concept(codes.ROM_MOVEMENTS, f"{row.joint}.{row.movement}.{row.mode}", label, text=label),
            valueQuantity={"value": row.degrees, "unit": "degrees", "system": codes.UCUM, "code": "deg"},
            bodySite=body_site(side=row.side, region_note=row.joint),
            interpretation=[{"text": "Pain at end of range"}] if row.pain_at_end_of_range else None,
            **common,
        )

    def strength(self, row: StrengthTest, **common: Any) -> dict[str, Any]:
        return observation(
            id=f"strength-{row.pk}",
            code=concept(codes.OBSERVATION_CODES, "key-muscle-strength", "Key muscle strength (MRC grade)"),
            bodySite=body_site(side=row.side, level=row.level),
            **_graded(row.grade, codes.MRC_GRADES, f"MRC {row.grade}"),
            **common,
        )

    def reflex(self, row: ReflexTest, **common: Any) -> dict[str, Any]:
        name = anatomy.REFLEXES[row.reflex].name if row.reflex in anatomy.REFLEXES else row.reflex
        return observation(
            id=f"reflex-{row.pk}",
            code=concept(codes.REFLEXES, row.reflex, name, text=f"{name} reflex (NINDS grade)"),
            bodySite=body_site(side=row.side),
            **_graded(row.grade, codes.REFLEX_GRADES),
            **common,
        )

    def sensory(self, row: SensoryTest, **common: Any) -> dict[str, Any]:
        value = _graded(row.score, codes.SENSORY_SCORES)
        return observation(
            id=f"sensory-{row.pk}",
            code=concept(codes.SENSORY, row.modality, row.modality.replace("_", " ")),
            bodySite=body_site(side=row.side, level=row.level),
            interpretation=[{"text": "Heightened (hyper)"}] if row.is_hyper else None,
            **value,
            **common,
        )

    def finding(self, row: SignFinding, **common: Any) -> dict[str, Any]:
        sign = gunn_signs.SIGNS.get(row.sign_code)
        value: dict[str, Any]
        if row.status == gunn_signs.FindingStatus.NOT_TESTED:
            value = {"dataAbsentReason": NOT_PERFORMED}
        else:
            value = {"valueCodeableConcept": concept(codes.FINDING_STATUS, row.status, row.status)}
        components = None
        if row.grade is not None:
            components = [
                {
                    "code": concept(codes.OBSERVATION_CODES, "finding-grade", "Finding grade (0-3)"),
                    "valueInteger": row.grade,
                }
            ]
        return observation(
            id=f"finding-{row.pk}",
            code=concept(codes.GUNN_SIGNS, row.sign_code, sign.label if sign else row.sign_code),
            bodySite=body_site(side=row.side, muscle=row.muscle, level=row.level, region_note=row.region_note),
            component=components,
            note=[note(row.note)] if row.note else None,
            **value,
            **{**common, "effective": row.recorded_at},
        )

    def segment(self, row: SegmentDecision, **common: Any) -> dict[str, Any]:
        return observation(
            id=f"segment-{row.pk}",
            code=concept(codes.OBSERVATION_CODES, "segment-involvement", "Spinal segment involvement (Gunn)"),
            bodySite=body_site(side=row.side, level=row.level),
            valueCodeableConcept=concept(codes.SEGMENT_DECISIONS, row.decision, row.get_decision_display()),
            **{**common, "effective": row.decided_at},
        )

    def condition(self, assessment: Assessment, *, evidence: list[str]) -> dict[str, Any]:
        verification = {
            AssessmentStatus.SIGNED.value: "confirmed",
            AssessmentStatus.ENTERED_IN_ERROR.value: "entered-in-error",
        }.get(assessment.status, "provisional")
        confirmed = [row for row in assessment.segment_decisions.all() if row.decision == "confirmed"]
        summary = assessment_services.assessment_summary(assessment=assessment)
        notes = [note(text) for text in self.history_notes(assessment, summary)]
        notes += [
            note(f"Addendum ({addendum.reason}): {addendum.text}", author=addendum.author, time=addendum.created_at)
            for addendum in assessment.addenda.all()
        ]
        resource: dict[str, Any] = {
            "resourceType": "Condition",
            "id": f"assessment-{assessment.pk}",
            "clinicalStatus": concept(codes.CONDITION_CLINICAL, "active", "Active"),
            "verificationStatus": concept(codes.CONDITION_VERIFICATION, verification),
            "category": [concept(codes.CONDITION_CATEGORY, "encounter-diagnosis", "Encounter Diagnosis")],
            "code": {
                "text": assessment.clinical_impression
                or assessment.chief_complaint
                or "IMS assessment (no impression recorded)"
            },
            "subject": {"reference": f"Patient/{self.patient_id}"},
            "recordedDate": _instant(assessment.signed_at or assessment.started_at),
            "recorder": practitioner_reference(assessment.physiotherapist),
            "note": notes,
        }
        sites = [body_site(side=row.side, level=row.level) for row in confirmed]
        if sites:
            resource["bodySite"] = sites
        if assessment.onset_on:
            resource["onsetDateTime"] = _day(assessment.onset_on)
        elif assessment.duration_text:
            resource["onsetString"] = assessment.duration_text
        if evidence:
            resource["evidence"] = [{"detail": [{"reference": f"Observation/{id}"} for id in evidence]}]
        if assessment.signed_at and assessment.signed_by:
            resource["extension"] = [
                {
                    "url": codes.EXT_SIGNED,
                    "extension": [
                        {"url": "at", "valueDateTime": _instant(assessment.signed_at)},
                        {"url": "by", "valueReference": practitioner_reference(assessment.signed_by)},
                        {"url": "digest", "valueString": assessment.content_digest},
                    ],
                }
            ]
        return resource

    @staticmethod
    def history_notes(assessment: Assessment, summary: gunn_signs.SegmentSummary) -> list[str]:
        lines = [
            ("Chief complaint", assessment.chief_complaint),
            ("Pain regions", ", ".join(f"{p.get('region')} {p.get('side', '')}" for p in assessment.pain_regions)),
            ("Mechanism", " ".join(filter(None, [assessment.get_mechanism_display(), assessment.mechanism_detail]))),
            ("Symptoms", ", ".join(assessment.symptom_clues)),
            ("Aggravating", assessment.aggravating_factors),
            ("Easing", assessment.easing_factors),
            ("Imaging", " ".join(filter(None, [assessment.get_imaging_display(), assessment.imaging_result]))),
            ("Previous treatment", assessment.previous_treatment),
            ("Red flags", ", ".join(assessment.red_flags)),
            ("Action on red flags", assessment.red_flag_action),
            ("Goals", assessment.goals),
            ("Plan", assessment.plan),
            (
                f"Segments the rules suggested (rules {summary.rules_version})",
                ", ".join(summary.suggested_levels),
            ),
        ]  # fmt: skip
        if assessment.status == AssessmentStatus.ENTERED_IN_ERROR:
            lines.append(("Entered in error", assessment.entered_in_error_reason))
        return [f"{label}: {value}" for label, value in lines if value]

    # Treatment sessions ----------------------------------------------------------------------------

    def session_resources(self, session: TreatmentSession) -> list[dict[str, Any]]:
        status = record_status(session.status)
        found = [self.procedure(session)]
        common: dict[str, Any] = {
            "patient_id": self.patient_id,
            "status": status,
            "effective": session.started_at,
            "performer": session.physiotherapist,
            "partOf": [{"reference": f"Procedure/{session.pk}"}],
        }
        for attribute, label in (("pain_before", "before"), ("pain_after", "after")):
            value = getattr(session, attribute)
            if value is not None:
                found.append(
                    nprs(id=f"{attribute.replace('_', '-')}-{session.pk}", value=value,
                         label=f"Pain {label} needling", **common)
                )  # fmt: skip
        found += [self.adverse_event(event, session) for event in session.adverse_events.all()]
        return found

    @staticmethod
    def site_text(site: NeedledSite) -> str:
        details = [
            f"{site.insertions} insertion(s)",
            f"twitch {site.get_twitch_display().lower()}",
            "grasp" if site.grasp else "",
            f"depth {site.get_depth_display().lower()}" if site.depth else "",
            f"{site.depth_mm} mm deep" if site.depth_mm else "",
            f"needle {site.needle_diameter_mm} x {site.needle_length_mm} mm" if site.needle_length_mm else "",
            "familiar pain reproduced" if site.familiar_pain else "",
            f"bleeding {site.get_bleeding_display().lower()}" if site.bleeding != "none" else "",
            site.immediate_effect,
            f"proceeded past a warning: {site.confirmation_note}" if site.confirmation_note else "",
        ]
        return f"{site}: " + ", ".join(part for part in details if part)

    def procedure(self, session: TreatmentSession) -> dict[str, Any]:
        status = {
            AssessmentStatus.SIGNED.value: "completed",
            AssessmentStatus.ENTERED_IN_ERROR.value: "entered-in-error",
        }.get(session.status, "in-progress")
        sites = list(session.sites.all())
        header = [
            f"Position: {session.get_position_display()}" if session.position else "",
            f"Needle: {session.needle_product}" if session.needle_product else "",
            f"{session.needle_diameter_mm} x {session.needle_length_mm} mm" if session.needle_length_mm else "",
            f"Technique: {session.get_technique_display()}" if session.technique else "",
            session.technique_note,
            "Consent reconfirmed" if session.consent_reconfirmed else "",
            f"Change since the questionnaire: {session.change_note}" if session.change_note else "",
        ]
        close = [
            f"Retests: {session.retest_note}" if session.retest_note else "",
            "All needles accounted for" if session.needles_accounted_for else "",
            "A needle broke" if session.broken_needle else "",
            f"Plan: {session.plan}" if session.plan else "",
        ]
        notes = [note(text) for text in ("; ".join(filter(None, header)), "; ".join(filter(None, close))) if text]
        notes += [note(self.site_text(site), time=site.recorded_at) for site in sites]
        notes += [
            note(f"Addendum ({addendum.reason}): {addendum.text}", author=addendum.author, time=addendum.created_at)
            for addendum in session.addenda.all()
        ]
        if session.status == AssessmentStatus.ENTERED_IN_ERROR:
            notes.append(note(f"Entered in error: {session.entered_in_error_reason}"))
        resource: dict[str, Any] = {
            "resourceType": "Procedure",
            "id": str(session.pk),
            "status": status,
            "code": concept(
                codes.PROCEDURES, "ims", "Intramuscular stimulation (IMS, Gunn) dry needling", text="IMS treatment"
            ),
            "subject": {"reference": f"Patient/{self.patient_id}"},
            "performedDateTime": _instant(session.started_at),
            "performer": [{"actor": practitioner_reference(session.physiotherapist)}],
        }
        body_sites = [body_site(side=site.side, muscle=site.muscle, level=site.level) for site in sites]
        if body_sites:
            resource["bodySite"] = body_sites
        if session.assessment_id:
            resource["reasonReference"] = [{"reference": f"Condition/assessment-{session.assessment_id}"}]
        if session.aftercare_advice:
            resource["followUp"] = [{"text": session.aftercare_advice}]
        if notes:
            resource["note"] = notes
        if session.consent_id:
            resource["extension"] = [
                {
                    "url": codes.clinic_extension("consent"),
                    "valueReference": {"reference": f"Consent/{session.consent_id}"},
                }
            ]
        return resource

    def adverse_event(self, event: AdverseEvent, session: TreatmentSession) -> dict[str, Any]:
        label = AE_TYPE_LABELS.get(event.event_type, event.event_type)
        action = event.action_taken + (f" Referred: {event.referral}" if event.referral else "")
        seriousness = codes.AE_SERIOUSNESS[event.event_class]
        return {
            "resourceType": "AdverseEvent",
            "id": str(event.pk),
            "extension": [
                {
                    "url": codes.EXT_AE_CLASS,
                    "valueCoding": coding(
                        codes.ADVERSE_EVENT_CLASSES, event.event_class, event.get_event_class_display()
                    ),
                },
                {"url": codes.EXT_AE_ACTION, "valueString": action},
                {"url": codes.clinic_extension("adverse-event-onset"), "valueCode": event.onset},
            ],
            "actuality": "actual",
            "event": concept(codes.ADVERSE_EVENTS, event.event_type, label,
                             text=" ".join(filter(None, [label, event.description]))),
            "subject": {"reference": f"Patient/{self.patient_id}"},
            "date": _instant(event.reported_at),
            "recordedDate": _instant(event.reported_at),
            "recorder": practitioner_reference(event.reported_by),
            "seriousness": concept(codes.ADVERSE_EVENT_SERIOUSNESS, *seriousness),
            "severity": concept(codes.ADVERSE_EVENT_SEVERITY, codes.AE_SEVERITY[event.event_class]),
            "suspectEntity": [{"instance": {"reference": f"Procedure/{session.pk}"}}],
        }  # fmt: skip

    # Outcome measures ------------------------------------------------------------------------------

    def outcome(self, measure: OutcomeMeasure) -> dict[str, Any]:
        instrument = outcomes.INSTRUMENTS.get(outcomes.InstrumentCode(measure.instrument))
        codings = [coding(codes.OUTCOME_INSTRUMENTS, measure.instrument, instrument.name if instrument else "")]
        if instrument and instrument.loinc:
            codings.insert(0, coding(codes.LOINC, instrument.loinc, instrument.name))
        unit_code, unit = codes.outcome_unit(instrument.score_unit if instrument else "")
        value = Decimal(str(measure.score)).quantize(Decimal("0.1"))
        return observation(
            id=f"outcome-{measure.pk}",
            status="final",
            code={"coding": codings, "text": measure.instrument},
            patient_id=self.patient_id,
            effective=measure.recorded_at,
            performer=measure.recorded_by,
            category="survey",
            valueQuantity={"value": float(value), "unit": unit, "system": codes.UCUM, "code": unit_code},
            interpretation=[{"text": measure.band}] if measure.band else None,
            partOf=[{"reference": f"Procedure/{measure.session_id}"}] if measure.session_id else None,
            extension=[{"url": codes.EXT_SCORING_VERSION, "valueString": measure.scoring_version}],
        )


# --- Bundles and single reads -------------------------------------------------------------------------


def bundle(resources: Iterable[dict[str, Any]], *, base_url: str, bundle_type: str = "collection") -> dict[str, Any]:
    entries: list[dict[str, Any]] = [
        {"fullUrl": f"{base_url}{r['resourceType']}/{r['id']}", "resource": r} for r in resources
    ]
    found: dict[str, Any] = {
        "resourceType": "Bundle",
        "meta": {"lastUpdated": _instant(timezone.now())},
        "type": bundle_type,
        "timestamp": _instant(timezone.now()),
        "entry": entries,
    }
    if bundle_type == "searchset":
        found["total"] = len(entries)
        for entry in entries:
            entry["search"] = {"mode": "match" if entry["resource"]["resourceType"] == "Patient" else "include"}
    return found


def patient_resources(patient: Patient) -> list[dict[str, Any]]:
    return PatientRecordMapper(load_patient_record(patient)).resources()


@dataclass(frozen=True)
class Located:
    """The stored row behind a FHIR id, and the patient it is about (None for a Practitioner)."""

    instance: Model
    patient_id: int | None


# Observation id prefix -> (model, how to reach the patient id).
OBSERVATION_SOURCES: dict[str, tuple[type[Model], str]] = {
    "rom": (RomMeasurement, "assessment__patient_id"),
    "strength": (StrengthTest, "assessment__patient_id"),
    "reflex": (ReflexTest, "assessment__patient_id"),
    "sensory": (SensoryTest, "assessment__patient_id"),
    "finding": (SignFinding, "assessment__patient_id"),
    "segment": (SegmentDecision, "assessment__patient_id"),
    "pain-now": (Assessment, "patient_id"),
    "pain-best": (Assessment, "patient_id"),
    "pain-worst": (Assessment, "patient_id"),
    "pain-before": (TreatmentSession, "patient_id"),
    "pain-after": (TreatmentSession, "patient_id"),
    "outcome": (OutcomeMeasure, "patient_id"),
}
RESOURCE_SOURCES: dict[str, tuple[type[Model], str]] = {
    "Patient": (Patient, "pk"),
    "Appointment": (Appointment, "patient_id"),
    "QuestionnaireResponse": (QuestionnaireResponse, "patient_id"),
    "Flag": (SafetyFlag, "response__patient_id"),
    "Consent": (Consent, "patient_id"),
    "Procedure": (TreatmentSession, "patient_id"),
    "AdverseEvent": (AdverseEvent, "session__patient_id"),
}
RESOURCE_TYPES = (*RESOURCE_SOURCES, "Observation", "Condition", "Practitioner")
MAX_ID_DIGITS = 18  # a bigger number is no row of ours (and would overflow the database's integer)


def _source(resource_type: str, resource_id: str) -> tuple[type[Model], str, int] | None:
    number = resource_id.rsplit("-", 1)[-1] if resource_type in {"Observation", "Condition"} else resource_id
    if not number.isdigit() or len(number) > MAX_ID_DIGITS:
        return None
    if resource_type == "Observation":
        prefix = resource_id[: -len(number) - 1]
        source = OBSERVATION_SOURCES.get(prefix)
    elif resource_type == "Condition":
        source = (Assessment, "patient_id") if resource_id == f"assessment-{number}" else None
    else:
        source = RESOURCE_SOURCES.get(resource_type)
    return (*source, int(number)) if source else None


def locate(resource_type: str, resource_id: str) -> Located | None:
    """The row behind `resource_type/resource_id`, or None when there is no such resource."""
    if resource_type == "Practitioner":
        is_id = resource_id.isdigit() and len(resource_id) <= MAX_ID_DIGITS
        user = User.objects.filter(pk=int(resource_id)).first() if is_id else None
        is_practitioner = user is not None and (
            Practitioner.objects.filter(user=user).exists() or user.groups.filter(name=Role.PHYSIOTHERAPIST).exists()
        )
        return Located(user, None) if user is not None and is_practitioner else None
    source = _source(resource_type, resource_id)
    if source is None:
        return None
    model, patient_path, pk = source
    instance = model._default_manager.annotate(located_patient_id=F(patient_path)).filter(pk=pk).first()
    return Located(instance, instance.located_patient_id) if instance else None


def read(resource_type: str, resource_id: str, located: Located) -> dict[str, Any] | None:
    """The one resource, built the same way as in the patient's whole record."""
    if resource_type == "Practitioner":
        user = cast(User, located.instance)  # locate() finds a Practitioner as their User
        return practitioner_resource(user, Practitioner.objects.filter(user=user).first())
    if located.patient_id is None:
        return None
    patient = Patient.objects.get(pk=located.patient_id)
    for resource in patient_resources(patient):
        if resource["resourceType"] == resource_type and resource["id"] == resource_id:
            return resource
    return None
