"""The visit's re-check on the treatment session page: the form, what it records, who may post it, the signature."""

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from assessments import services
from assessments.models import AssessmentStatus, NeedledSite, TreatmentSession
from ims_clinic.demo import ALL_NO
from patients import services as patient_services
from patients.models import QuestionnaireLink, QuestionnaireResponse, RecheckAnswer, SafetyRecheck
from tests.assessments.sessions import SIGNED_ONLY, cleared_patient, fresh, url
from tests.assessments.signing import sign_by_review
from tests.factories import QuestionnaireResponseFactory, UserFactory
from tests.pages import Page, body_of, field_error, physio_client_for, shown

pytestmark = pytest.mark.django_db

QUESTION = "have you started or stopped any medicine, or had a new illness, an operation, a pregnancy or a bleeding"


@pytest.fixture
def patient() -> Any:
    """Cleared for needling but for today's re-check, which these tests record."""
    patient = cleared_patient(A1="yes", A2=["warfarin"])
    SafetyRecheck.objects.filter(patient=patient).delete()
    return patient


@pytest.fixture
def session(physio_client: Client, patient: Any) -> TreatmentSession:
    """Maya's draft of today's treatment."""
    return services.session_start(patient=patient, physiotherapist=physio_client.user)


def recheck_data(**changes: Any) -> dict[str, Any]:
    """The form as the page sends it, asking about the patient's current questionnaire."""
    current = QuestionnaireResponse.objects.submitted().order_by("-submitted_at", "-id").first()
    return {"answer": "no_change", "note": "", "questionnaire": current.pk if current else "", **changes}


def saved(session: TreatmentSession) -> tuple[Any, ...]:
    return (
        fresh(session).recheck_id,
        fresh(session).version,
        SafetyRecheck.objects.count(),
        QuestionnaireResponse.objects.count(),
        QuestionnaireLink.objects.count(),
    )


def test_the_draft_asks_the_re_check_before_the_sites(physio_client: Client, session: TreatmentSession) -> None:
    body = body_of(physio_client.get(url("session-detail", session)))

    assert url("session-recheck", session) in Page(body).actions()
    assert QUESTION in body
    assert body.index('id="recheck"') < body.index('id="sites-heading"')
    assert "Warfarin (Coumadin)" in body
    assert 'name="changed_since_questionnaire"' not in body


def test_no_change_is_recorded_and_linked_to_the_session(physio_client: Client, session: TreatmentSession) -> None:
    before = fresh(session).version

    response = physio_client.post(url("session-recheck", session), recheck_data(), follow=True)

    stored = fresh(session)
    recheck = SafetyRecheck.objects.get()
    assert stored.recheck == recheck and stored.version == before + 1
    assert (recheck.answer, recheck.asked_by) == (RecheckAnswer.NO_CHANGE, physio_client.user)
    assert shown("Re-check recorded.", response)
    assert url("session-recheck", session) not in Page(body_of(response)).actions()
    assert "No change" in body_of(response)


def test_a_new_apixaban_links_to_its_new_flags(physio_client: Client, session: TreatmentSession) -> None:
    response = physio_client.post(
        url("session-recheck", session),
        recheck_data(answer="changes_recorded", medicines_started="apixaban"),
        follow=True,
    )

    recheck = fresh(session).recheck
    assert recheck.amendment is not None
    assert recheck.amendment.flags.get(code="BLEED_ANTICOAGULANT").is_open
    body = body_of(response)
    assert "Started: apixaban" in body
    links = {link["href"]: link["text"] for link in Page(body).links}
    # The anticoagulant flag on new grounds and the stale screen; the INR flag keeps its acknowledgement.
    assert links[recheck.amendment.get_absolute_url()] == "2 new flags to acknowledge"
    assert {flag.code for flag in recheck.amendment.flags.all() if flag.is_open} == {
        "BLEED_ANTICOAGULANT",
        "SCREEN_STALE",
    }


def test_stopping_warfarin_from_the_page(physio_client: Client, session: TreatmentSession) -> None:
    physio_client.post(
        url("session-recheck", session),
        recheck_data(answer="changes_recorded", medicines_stopped=["A2:warfarin"]),
    )

    amendment = fresh(session).recheck.amendment
    assert not amendment.flags.filter(code="BLEED_ANTICOAGULANT").exists()


def test_a_new_questionnaire_shows_the_link_and_then_waits_for_the_answers(
    physio_client: Client, session: TreatmentSession
) -> None:
    response = physio_client.post(url("session-recheck", session), recheck_data(answer="new_questionnaire"))

    assert response.status_code == 200
    assert "Back to the treatment session" in body_of(response)
    link = QuestionnaireLink.objects.get(pk=fresh(session).recheck.link_id)
    assert link.is_usable
    page = body_of(physio_client.get(url("session-detail", session)))
    assert "Waiting for the patient&#x27;s answers" in page or "Waiting for the patient's answers" in page


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"answer": "changes_recorded", "medicines_stopped": ["B1"]}, "medicines_stopped", None),
        ({"answer": "changes_recorded", "new_condition": "n" * 501}, "new_condition", None),
        ({"answer": "maybe"}, "answer", None),
    ],
)
def test_bad_input_is_shown_at_its_field_and_nothing_is_saved(
    physio_client: Client, session: TreatmentSession, data: dict[str, Any], field: str, message: str | None
) -> None:
    before = saved(session)

    response = physio_client.post(url("session-recheck", session), recheck_data(**data))

    assert response.status_code == 400
    assert f'id="error_1_id_{field}"' in body_of(response)
    assert saved(session) == before


def test_yes_without_a_change_is_refused_with_its_message_and_keeps_the_note(
    physio_client: Client, session: TreatmentSession
) -> None:
    before = saved(session)

    response = physio_client.post(
        url("session-recheck", session), recheck_data(answer="changes_recorded", note="Patient unsure")
    )

    assert response.status_code == 400
    assert shown("Record at least one change below, or answer that nothing changed.", response)
    assert "Patient unsure" in body_of(response)
    assert saved(session) == before


def test_too_long_text_shows_the_limit_at_the_field(physio_client: Client, session: TreatmentSession) -> None:
    response = physio_client.post(
        url("session-recheck", session), recheck_data(answer="changes_recorded", operation="k" * 501)
    )

    assert response.status_code == 400
    assert field_error(response, "operation", "Ensure this value has at most 500 characters (it has 501).")


def test_a_re_check_posted_twice_is_recorded_once(physio_client: Client, session: TreatmentSession) -> None:
    data = recheck_data(answer="changes_recorded", pregnancy="on")
    physio_client.post(url("session-recheck", session), data)

    response = physio_client.post(url("session-recheck", session), data, follow=True)

    assert response.status_code == 200
    assert SafetyRecheck.objects.count() == 1
    assert QuestionnaireResponse.objects.filter(amends__isnull=False).count() == 1


def test_a_signed_session_refuses_the_re_check_and_saves_nothing(
    physio_client: Client, session: TreatmentSession
) -> None:
    services.session_save_fields(
        session=session, data={"pain_before": 5, "needles_accounted_for": True}, version=session.version
    )
    services.session_sign(session=session, signed_by=session.physiotherapist, version=fresh(session).version)
    before = saved(session)

    response = physio_client.post(url("session-recheck", session), recheck_data(), follow=True)

    assert shown(SIGNED_ONLY, response)
    assert fresh(session).status == AssessmentStatus.SIGNED
    assert saved(session) == before


def test_another_physio_cannot_record_the_re_check(session: TreatmentSession) -> None:
    colleague = physio_client_for("daniel")
    before = saved(session)

    response = colleague.post(url("session-recheck", session), recheck_data())

    assert response.status_code == 403
    assert saved(session) == before


def test_the_front_desk_cannot_record_the_re_check(front_desk_client: Client, session: TreatmentSession) -> None:
    before = saved(session)

    assert front_desk_client.post(url("session-recheck", session), recheck_data()).status_code == 403
    assert saved(session) == before


def test_the_re_check_refuses_a_get(physio_client: Client, session: TreatmentSession) -> None:
    assert physio_client.get(url("session-recheck", session)).status_code == 405


# --- The signature ---------------------------------------------------------------------------------------------


def test_a_site_cannot_be_added_before_the_re_check(session: TreatmentSession) -> None:
    with pytest.raises(ValidationError) as raised:
        services.needled_site_add(session=session, muscle="deltoid", side="L")

    assert raised.value.message_dict["muscle"][0].startswith("Ask the visit's re-check first:")
    assert not fresh(session).sites.exists()


def test_signing_a_session_with_sites_needs_the_re_check(physio_client: Client, session: TreatmentSession) -> None:
    """A session whose site was saved without a re-check (recorded before the re-check existed) cannot be signed."""
    NeedledSite.objects.create(session=session, muscle="deltoid", side="L")
    services.session_save_fields(
        session=session,
        data={"pain_before": 5, "pain_after": 2, "needles_accounted_for": True},
        version=fresh(session).version,
    )

    response = sign_by_review(physio_client, session)

    assert shown("Record the visit's re-check of the safety questionnaire.", response)
    assert fresh(session).status == AssessmentStatus.DRAFT


def test_the_signature_covers_the_re_check_and_the_signed_page_shows_it(
    physio_client: Client, session: TreatmentSession
) -> None:
    physio_client.post(url("session-recheck", session), recheck_data(note="Asked before the first needle"))
    services.needled_site_add(session=session, muscle="deltoid", side="L")
    services.session_save_fields(
        session=session,
        data={"pain_before": 5, "pain_after": 2, "needles_accounted_for": True},
        version=fresh(session).version,
    )

    sign_by_review(physio_client, session)

    stored = fresh(session)
    assert stored.status == AssessmentStatus.SIGNED
    assert stored.content_digest == services.session_content_digest(stored)
    other = SafetyRecheck.objects.create(
        patient=stored.patient, questionnaire=stored.recheck.questionnaire, answer="no_change", asked_by=UserFactory()
    )
    stored.recheck = other
    assert services.session_content_digest(stored) != stored.content_digest
    body = body_of(physio_client.get(url("session-detail", session)))
    assert "No change" in body and "Asked before the first needle" in body


def test_a_session_without_a_re_check_keeps_the_digest_it_was_signed_with(session: TreatmentSession) -> None:
    values = {field: getattr(session, field) for field in services.SESSION_SIGNED_FIELDS}

    assert "recheck_id" not in services.session_signed_values(values)
    assert services.session_signed_values({**values, "recheck_id": 4})["recheck_id"] == 4


def test_a_re_check_about_a_questionnaire_that_was_superseded_is_refused(
    physio_client: Client, session: TreatmentSession, patient: Any
) -> None:
    """The page asked about one questionnaire; a newer one came in before the answer was posted."""
    stale = recheck_data()
    newer = QuestionnaireResponseFactory(
        patient=patient, answers={**ALL_NO, "Z1_NAME": "Pat Doe"}, screened_at=timezone.now()
    )
    before = saved(session)

    response = physio_client.post(url("session-recheck", session), stale)

    assert response.status_code == 400
    assert shown("The safety questionnaire changed since this page was loaded: ask the re-check again", response)
    assert saved(session) == before
    assert f'name="questionnaire" value="{newer.pk}"' in body_of(response)


@pytest.mark.parametrize("forged", ["999999", "not a number", ""])
def test_a_forged_questionnaire_in_the_re_check_is_refused(
    physio_client: Client, session: TreatmentSession, forged: str
) -> None:
    before = saved(session)

    response = physio_client.post(url("session-recheck", session), recheck_data(questionnaire=forged))

    assert response.status_code == 400
    assert saved(session) == before


def test_a_re_check_after_signing_is_refused_and_nothing_is_saved(
    physio_client: Client, session: TreatmentSession
) -> None:
    services.session_save_fields(
        session=session, data={"pain_before": 3, "needles_accounted_for": True}, version=fresh(session).version
    )
    services.session_sign(session=session, signed_by=physio_client.user, version=fresh(session).version)
    before = saved(session)

    response = physio_client.post(url("session-recheck", session), recheck_data(), follow=True)

    assert shown("This treatment session is signed and cannot change", response)
    assert saved(session) == before


def test_a_draft_continued_the_next_day_asks_the_re_check_again(
    physio_client: Client, session: TreatmentSession
) -> None:
    with time_machine.travel(timezone.now() - timedelta(days=1)):
        yesterday = patient_services.safety_recheck_record(
            patient=session.patient, asked_by=physio_client.user, answer=RecheckAnswer.NO_CHANGE
        )
    services.session_recheck_link(session=session, recheck=yesterday)

    page = physio_client.get(url("session-detail", session))

    assert url("session-recheck", session) in Page(body_of(page)).actions()
    assert shown("was for that day's visit: ask it again today.", page)
    assert shown("Ask the visit's re-check first", page)
    physio_client.post(url("session-recheck", session), recheck_data())
    today = fresh(session).recheck
    assert today != yesterday
    assert timezone.localdate(today.asked_at) == timezone.localdate()
