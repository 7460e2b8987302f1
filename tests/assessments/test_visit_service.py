"""The services behind the visit's record: marking a session entered in error, and starting today's record beside
an earlier draft, refused whole when that draft was signed meanwhile."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from assessments import services
from assessments.models import AssessmentStatus, TreatmentSession
from tests.assessments.sessions import fresh
from tests.factories import PatientFactory, UserFactory

pytestmark = pytest.mark.django_db


def an_earlier_draft(physio: object) -> TreatmentSession:
    draft = services.session_start(patient=PatientFactory(), physiotherapist=physio)
    TreatmentSession.objects.filter(pk=draft.pk).update(started_at=timezone.now() - timedelta(days=3))
    return fresh(draft)


def test_a_session_is_marked_entered_in_error_by_its_physiotherapist_with_a_reason() -> None:
    physio = UserFactory()
    draft = an_earlier_draft(physio)

    with pytest.raises(ValidationError, match="Only the physiotherapist who gave this treatment session"):
        services.session_mark_entered_in_error(session=draft, by=UserFactory(), reason="Mine now.")
    with pytest.raises(ValidationError, match="Say why this treatment session was entered in error"):
        services.session_mark_entered_in_error(session=draft, by=physio, reason="   ")
    assert fresh(draft).is_draft

    marked = services.session_mark_entered_in_error(session=draft, by=physio, reason=" Wrong patient. ")

    assert marked.status == AssessmentStatus.ENTERED_IN_ERROR
    assert (marked.entered_in_error_by, marked.entered_in_error_reason) == (physio, "Wrong patient.")
    assert marked.entered_in_error_at is not None


def test_starting_today_asks_about_the_earlier_draft_and_continues_one_of_today() -> None:
    physio = UserFactory()
    draft = an_earlier_draft(physio)

    with pytest.raises(services.EarlierDraft) as asked:
        services.session_start(patient=draft.patient, physiotherapist=physio)

    assert asked.value.draft == draft
    today = services.session_start_new(patient=draft.patient, physiotherapist=physio, earlier=draft)
    assert services.session_start(patient=draft.patient, physiotherapist=physio) == today
    assert fresh(draft).is_draft


def test_an_earlier_draft_signed_meanwhile_is_not_marked_and_nothing_starts() -> None:
    physio = UserFactory()
    draft = an_earlier_draft(physio)
    TreatmentSession.objects.filter(pk=draft.pk).update(
        status=AssessmentStatus.SIGNED, signed_at=timezone.now(), content_digest="0" * 64, needles_accounted_for=True
    )

    with pytest.raises(services.SignedMeanwhile, match="it can no longer be changed"):
        services.session_start_new(patient=draft.patient, physiotherapist=physio, earlier=draft, error_reason="Dup.")
    with pytest.raises(services.SignedMeanwhile):
        services.draft_continue(draft=draft, physiotherapist=physio)

    assert fresh(draft).is_signed
    assert TreatmentSession.objects.count() == 1


def test_an_earlier_draft_of_someone_else_is_not_theirs_to_set_aside() -> None:
    draft = an_earlier_draft(UserFactory())

    with pytest.raises(ValidationError, match="not yours"):
        services.session_start_new(
            patient=draft.patient, physiotherapist=UserFactory(), earlier=draft, error_reason="Not mine."
        )
    with pytest.raises(ValidationError, match="Only the physiotherapist who wrote this session continues it"):
        services.draft_continue(draft=draft, physiotherapist=UserFactory())

    assert fresh(draft).is_draft
    assert TreatmentSession.objects.count() == 1
