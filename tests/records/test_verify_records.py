"""`manage.py verify_records` recomputes every signed record's digest and names any that changed."""

import uuid
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.roles import Role
from assessments import services as assessment_services
from assessments.models import Assessment, NeedledSite, TreatmentSession
from patients import services as patient_services
from patients.models import RecheckAnswer
from records import letters
from records.signed_records import SIGNED_RECORDS
from records.signed_records import verify as verify_all
from tests.assessments.signing import sign_assessment
from tests.factories import ConsentFactory, PatientFactory, QuestionnaireResponseFactory, UserFactory


def signed_assessment() -> Assessment:
    physio = UserFactory(roles=[Role.PHYSIOTHERAPIST])
    draft = assessment_services.assessment_start(patient=PatientFactory(), physiotherapist=physio)
    draft = assessment_services.assessment_save_fields(
        assessment=draft, data={"chief_complaint": "Right shoulder pain"}, version=draft.version
    )
    return sign_assessment(draft)


def verify() -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("verify_records", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_untouched_signed_records_all_verify() -> None:
    signed_assessment(), signed_assessment()

    out, err = verify()

    assert "assessments.Assessment: 2 signed, 0 mismatched" in out
    assert "Every signed record matches its digest." in out and err == ""


@pytest.mark.django_db
def test_a_signed_record_changed_behind_the_applications_back_is_reported() -> None:
    kept, tampered = signed_assessment(), signed_assessment()
    Assessment.objects.filter(pk=tampered.pk).update(chief_complaint="Left knee")  # bypasses the model's guard

    with pytest.raises(CommandError, match=r"1 signed record\(s\) no longer match"):
        verify()

    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError):
        call_command("verify_records", stdout=out, stderr=err)
    assert f"MISMATCH assessments.Assessment {tampered.pk}:" in err.getvalue()
    assert f"assessments.Assessment {kept.pk}:" not in err.getvalue()
    assert "Left knee" not in err.getvalue() + out.getvalue()  # no clinical content in the report


@pytest.mark.django_db
def test_drafts_carry_no_digest_and_are_not_checked() -> None:
    assessment_services.assessment_start(patient=PatientFactory(), physiotherapist=UserFactory())

    out, _ = verify()

    assert "assessments.Assessment: 0 signed, 0 mismatched" in out


def test_the_registry_names_each_signed_kind_once() -> None:
    models = [kind.model for kind in SIGNED_RECORDS]
    assert Assessment in models and len(models) == len(set(models))


def signed_with_rows() -> tuple[Assessment, TreatmentSession]:
    """An assessment with a row of each kind its signature covers, and a session with needled sites."""
    physio = UserFactory(roles=[Role.PHYSIOTHERAPIST])
    patient = ConsentFactory().patient
    draft = assessment_services.assessment_start(patient=patient, physiotherapist=physio)
    assessment_services.rom_record(
        assessment=draft, joint="shoulder", movement="flexion", side="L", mode="active", degrees=90, pain=True
    )
    assessment_services.strength_record(assessment=draft, level="C6", side="L", grade="4")
    assessment_services.reflex_record(assessment=draft, reflex="biceps", side="L", grade="1+")
    assessment_services.sensory_record(
        assessment=draft, level="C6", side="L", modality="pinprick", score="1", is_hyper=False
    )
    assessment_services.finding_record(
        assessment=draft, sign_code="MOT-TAUTBAND", side="L", status="present", muscle="supinator"
    )
    assessment_services.segment_decide(assessment=draft, level="C6", side="L", decision="confirmed")
    draft.refresh_from_db()
    draft = assessment_services.assessment_save_fields(
        assessment=draft, data={"chief_complaint": "Lateral elbow pain"}, version=draft.version
    )
    assessment = sign_assessment(draft)
    session = assessment_services.session_start(patient=patient, physiotherapist=physio)
    QuestionnaireResponseFactory(patient=patient)
    recheck = patient_services.safety_recheck_record(patient=patient, asked_by=physio, answer=RecheckAnswer.NO_CHANGE)
    assessment_services.session_recheck_link(session=session, recheck=recheck)
    for muscle, side in (("supinator", "L"), ("deltoid", "R")):
        NeedledSite.objects.create(
            session=session, muscle=muscle, side=side, site_outcome="allowed"
        )  # as the gate saved it
    session.refresh_from_db()
    session = assessment_services.session_save_fields(
        session=session,
        data={"pain_before": 6, "pain_after": 3, "needles_accounted_for": True},
        version=session.version,
    )
    session = assessment_services.session_sign(session=session, signed_by=physio, version=session.version)
    return assessment, session


@pytest.mark.django_db
def test_many_records_are_verified_a_batch_at_a_time_with_the_digests_signing_computed(
    django_assert_max_num_queries: object,
) -> None:
    """verify_records reads the rows of 500 records at a time: a query per kind of row, not per record."""
    for _ in range(3):
        assessment, _session = signed_with_rows()
        letter = letters.letter_create(
            assessment=assessment,
            kind="discharge_summary",
            author=assessment.physiotherapist,
            submission_key=uuid.uuid4(),
            result_url="",
        )
        letters.letter_sign(letter=letter, signed_by=letter.author, version=letter.version)
    for kind in SIGNED_RECORDS:  # batched, each digest is the one computed at signing
        records = list(kind.signed())
        assert len(records) == 3
        assert kind.digests(records) == {record.pk: getattr(record, kind.digest_field) for record in records}

    rows = len(assessment_services.ASSESSMENT_SIGNED_ROWS) + len(assessment_services.SESSION_SIGNED_ROWS)
    with django_assert_max_num_queries(len(SIGNED_RECORDS) + rows):  # the records of each kind, each kind of row once
        results = list(verify_all())

    assert results == [
        ("assessments.Assessment", 3, []),
        ("assessments.TreatmentSession", 3, []),
        ("records.Letter", 3, []),
    ]
