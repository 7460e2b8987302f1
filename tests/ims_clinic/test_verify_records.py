"""`manage.py verify_records` recomputes every signed record's digest and names any that changed."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.roles import Role
from assessments import services as assessment_services
from assessments.models import Assessment
from ims_clinic.signed_records import SIGNED_RECORDS
from tests.factories import PatientFactory, UserFactory


def signed_assessment() -> Assessment:
    physio = UserFactory(roles=[Role.PHYSIOTHERAPIST])
    draft = assessment_services.assessment_start(patient=PatientFactory(), physiotherapist=physio)
    draft = assessment_services.assessment_save_fields(
        assessment=draft, data={"chief_complaint": "Right shoulder pain"}, version=draft.version
    )
    return assessment_services.assessment_sign(assessment=draft, signed_by=physio, version=draft.version)


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
