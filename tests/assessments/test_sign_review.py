"""Signing that checks: the review of what a signature covers and what is missing, then the confirmed signature."""

import html
import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from assessments import anatomy, services
from assessments.models import Assessment, AssessmentStatus, NeedledSite, TreatmentSession
from assessments.services import sign_checks
from tests.assessments.sessions import cleared_patient
from tests.assessments.signing import IMPRESSION, PLAN, ready_to_sign, sign_by_review, sign_url
from tests.factories import PatientFactory
from tests.pages import Page, body_of, field_error, physio_client_for, shown

pytestmark = pytest.mark.django_db

UNDECIDED = "Decide whether C6 left is involved: the summary suggests it."
NO_IMPRESSION = "Write the clinical impression."
NO_PLAN = "Write the plan."
NO_PLAN_OF_MUSCLES = "Record the plan of muscles to needle, or that no needling is planned and why."
NOT_EDITABLE = "This assessment is signed and cannot change. Add an addendum instead."
TICK = "Tick the box to confirm that you have reviewed the record before signing."
OUT_OF_DATE = "The page was out of date: review the record again and sign."


def fresh(record: Any) -> Any:
    return type(record).objects.get(pk=record.pk)


def texts(missing: list[services.Missing]) -> list[str]:
    return [item.text for item in missing]


def step_url(assessment: Assessment, step: str) -> str:
    return reverse("assessments:assessment-step", kwargs={"pk": assessment.pk, "step": step})


def words_of(response: Any) -> str:
    """The page's text as read, tags and spacing aside."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body_of(response))).split())


def signature_state(record: Any) -> tuple[Any, ...]:
    stored = fresh(record)
    return stored.status, stored.content_digest, stored.signed_at, stored.signed_by_id, stored.version


@pytest.fixture
def draft(physio_client: Client) -> Assessment:
    """Maya's draft of a C6 left picture: the summary suggests C6 left; nothing is decided or written yet."""
    draft = services.assessment_start(
        patient=PatientFactory(given_name="Zebedee", family_name="Quartermaine"), physiotherapist=physio_client.user
    )
    services.assessment_save_fields(
        assessment=draft, data={"chief_complaint": "Lateral elbow pain, left"}, version=draft.version
    )
    services.strength_record(assessment=draft, level="C6", side="L", grade="4")
    services.reflex_record(assessment=draft, reflex="biceps", side="L", grade="1+")
    services.finding_record(assessment=draft, sign_code="MOT-TAUTBAND", side="L", status="present", muscle="supinator")
    services.spinal_sign_toggle(assessment=draft, level="C6", side="L", sign_code="SPI-PARASHORT")
    return fresh(draft)


# --- The rules, in the service ------------------------------------------------------------------------------------


def test_the_service_refuses_an_undecided_level_and_no_impression_or_plan_and_saves_nothing(
    draft: Assessment,
) -> None:
    before = signature_state(draft)

    with pytest.raises(ValidationError) as refused:
        services.assessment_sign(assessment=draft, signed_by=draft.physiotherapist, version=draft.version)

    assert refused.value.messages == [UNDECIDED, NO_IMPRESSION, NO_PLAN, NO_PLAN_OF_MUSCLES]
    assert signature_state(draft) == before


def test_each_missing_item_names_the_step_that_records_it(draft: Assessment) -> None:
    missing = services.assessment_missing(draft)

    assert [(item.text, item.step, item.anchor) for item in missing] == [
        (UNDECIDED, "summary", "segments-heading"),
        (NO_IMPRESSION, "summary", "impression-heading"),
        (NO_PLAN, "summary", "impression-heading"),
        (NO_PLAN_OF_MUSCLES, "summary", "muscles-heading"),
    ]


def test_a_level_decided_not_involved_counts_as_decided(draft: Assessment) -> None:
    services.segment_decide(assessment=draft, level="C6", side="L", decision="rejected")
    ready = ready_to_sign(draft)

    signed = services.assessment_sign(assessment=ready, signed_by=ready.physiotherapist, version=ready.version)

    assert signed.status == AssessmentStatus.SIGNED
    assert signed.content_digest == services.content_digest(fresh(draft))


def test_a_blank_impression_or_plan_is_missing(draft: Assessment) -> None:
    ready = ready_to_sign(draft)
    services.assessment_save_fields(
        assessment=ready, data={"clinical_impression": "   ", "plan": PLAN}, version=ready.version
    )

    assert texts(services.assessment_missing(fresh(draft))) == [NO_IMPRESSION]


def test_a_rule_in_words_joins_the_checks_in_one_line_and_the_service_and_the_review_obey_it(
    physio_client: Client, draft: Assessment, monkeypatch: pytest.MonkeyPatch
) -> None:
    ready = ready_to_sign(draft)
    rule = services.at_step("summary", "muscles-heading", lambda assessment: ["Choose the muscles to treat."])
    monkeypatch.setattr(sign_checks, "ASSESSMENT_CHECKS", (*sign_checks.ASSESSMENT_CHECKS, rule))

    with pytest.raises(ValidationError) as refused:
        services.assessment_sign(assessment=ready, signed_by=ready.physiotherapist, version=ready.version)
    review = physio_client.get(sign_url(draft))

    assert refused.value.messages == ["Choose the muscles to treat."]
    assert shown("Choose the muscles to treat.", review)
    assert f"{step_url(draft, 'summary')}#muscles-heading" in Page(body_of(review)).hrefs()


# --- The review page ----------------------------------------------------------------------------------------------


def test_sign_on_the_summary_opens_the_review_instead_of_signing(physio_client: Client, draft: Assessment) -> None:
    page = Page(body_of(physio_client.get(step_url(draft, "summary"))))

    assert sign_url(draft) in page.hrefs()
    assert sign_url(draft) not in page.actions()


def test_the_review_of_an_incomplete_draft_lists_what_is_missing_with_links_and_offers_no_signature(
    physio_client: Client, draft: Assessment
) -> None:
    response = physio_client.get(sign_url(draft))

    assert response.status_code == 200
    page = Page(body_of(response))
    for message in (UNDECIDED, NO_IMPRESSION, NO_PLAN, NO_PLAN_OF_MUSCLES):
        assert shown(message, response), message
    assert f"{step_url(draft, 'summary')}#segments-heading" in page.hrefs()
    assert f"{step_url(draft, 'summary')}#impression-heading" in page.hrefs()
    assert "4 items to complete." in body_of(response)
    assert "Lateral elbow pain, left" in body_of(response)
    assert sign_url(draft) not in page.actions()
    assert fresh(draft).status == AssessmentStatus.DRAFT


def test_a_forged_signature_of_an_incomplete_draft_is_refused_with_what_is_missing(
    physio_client: Client, draft: Assessment
) -> None:
    before = signature_state(draft)

    response = physio_client.post(sign_url(draft), {"version": str(draft.version), "reviewed": "on"})

    assert response.status_code == 400
    for message in (UNDECIDED, NO_IMPRESSION, NO_PLAN, NO_PLAN_OF_MUSCLES):
        assert shown(message, response), message
    assert signature_state(draft) == before


def test_a_complete_draft_shows_nothing_missing_and_the_signature_form(
    physio_client: Client, draft: Assessment
) -> None:
    ready_to_sign(draft)

    response = physio_client.get(sign_url(draft))

    assert "Nothing is missing" in body_of(response)
    assert sign_url(draft) in Page(body_of(response)).actions()
    assert shown(IMPRESSION, response) and shown(PLAN, response)
    assert "C6 left: involved" in body_of(response)


def test_the_review_shows_the_graded_muscles_grip_baseline_palpated_range_and_plan_of_muscles(
    physio_client: Client, draft: Assessment
) -> None:
    services.muscle_strength_record(assessment=draft, muscle="extensor-carpi-radialis-brevis", side="L", grade="4")
    services.grip_record(assessment=draft, side="L", kilograms=22)
    services.grip_record(assessment=draft, side="R", kilograms=34)
    services.baseline_record(
        assessment=draft,
        recorded_by=physio_client.user,
        instrument="PSFS",
        items=[3, 5, 6],
        activities=["Lifting the kettle", "Typing for an hour", "Turning the car key"],
    )
    services.spine_range_record(
        assessment=fresh(draft), palpated_from="C4", palpated_to="C7", palpated_sides=["L", "M", "R"]
    )
    ready = ready_to_sign(fresh(draft))
    [planned] = services.planned_targets(ready)

    response = physio_client.get(sign_url(ready))

    text = words_of(response)
    rows = {row[0]: row[1] for row in Page(body_of(response)).rows if len(row) == 2}
    assert rows["Muscles graded"] == "1" and rows["Grip"] == "2"
    assert "Patient-Specific Functional Scale" in text and "Lifting the kettle: 3" in text
    assert "C4 to C7, left, midline and right: a sign not marked there is absent" in text
    assert f"Plan of muscles to needle {anatomy.MUSCLES[planned.muscle].name}, {planned.words}" in text


def test_the_review_says_no_needling_was_planned_and_why(physio_client: Client, draft: Assessment) -> None:
    ready = ready_to_sign(draft, decision="rejected")

    text = words_of(physio_client.get(sign_url(ready)))

    assert f"No needling planned: {ready.no_needling_reason}" in text
    assert "No questionnaire recorded. Record the baseline function" in text
    assert "No palpated range recorded" in text


def test_signing_without_the_confirmation_is_refused_at_the_box(physio_client: Client, draft: Assessment) -> None:
    ready_to_sign(draft)
    before = signature_state(draft)

    response = sign_by_review(physio_client, draft, reviewed=None)

    assert response.status_code == 400
    assert field_error(response, "reviewed", TICK)
    assert signature_state(draft) == before


@pytest.mark.parametrize("version", [None, "", "seven", "1e3"])
def test_a_missing_or_forged_version_is_refused_with_a_message(
    physio_client: Client, draft: Assessment, version: str | None
) -> None:
    ready_to_sign(draft)
    before = signature_state(draft)

    response = sign_by_review(physio_client, draft, version=version)

    assert response.status_code == 400
    assert shown(OUT_OF_DATE, response)
    assert signature_state(draft) == before


def test_the_confirmed_signature_signs_and_returns_to_the_summary(physio_client: Client, draft: Assessment) -> None:
    ready_to_sign(draft)

    response = sign_by_review(physio_client, draft)

    stored = fresh(draft)
    assert response.redirect_chain == [(step_url(draft, "summary"), 302)]
    assert stored.status == AssessmentStatus.SIGNED
    assert stored.content_digest == services.content_digest(stored)
    assert shown("The assessment is signed. It can no longer change; add an addendum if needed.", response)


def test_a_second_signature_is_refused_and_the_first_stays(physio_client: Client, draft: Assessment) -> None:
    loaded = ready_to_sign(draft).version
    sign_by_review(physio_client, draft)
    first = signature_state(draft)

    again = physio_client.post(sign_url(draft), {"version": str(loaded), "reviewed": "on"})
    review = physio_client.get(sign_url(draft))

    assert again.status_code == 400
    assert shown(NOT_EDITABLE, again)
    assert signature_state(draft) == first
    assert "This assessment was signed on" in body_of(review)
    assert sign_url(draft) not in Page(body_of(review)).actions()


def test_another_physio_reads_the_review_but_cannot_sign(draft: Assessment) -> None:
    ready_to_sign(draft)
    colleague = physio_client_for("daniel")
    before = signature_state(draft)

    review = colleague.get(sign_url(draft))
    posted = colleague.post(sign_url(draft), {"version": str(fresh(draft).version), "reviewed": "on"})

    assert review.status_code == 200
    assert "Only the physiotherapist who made this assessment" in body_of(review)
    assert sign_url(draft) not in Page(body_of(review)).actions()
    assert posted.status_code == 400
    assert shown("Only the physiotherapist who made this assessment can sign it.", posted)
    assert signature_state(draft) == before


def test_an_assessment_entered_in_error_cannot_be_signed(physio_client: Client, draft: Assessment) -> None:
    ready_to_sign(draft)
    services.assessment_mark_entered_in_error(assessment=draft, by=draft.physiotherapist, reason="Wrong patient")

    review = physio_client.get(sign_url(draft))
    posted = physio_client.post(sign_url(draft), {"version": str(fresh(draft).version), "reviewed": "on"})

    assert "marked entered in error: it cannot be signed" in body_of(review)
    assert posted.status_code == 400
    assert shown("This assessment is marked entered in error and cannot change.", posted)
    assert fresh(draft).status == AssessmentStatus.ENTERED_IN_ERROR


@pytest.mark.parametrize("persona", ["front_desk", "admin"])
def test_front_desk_and_clinic_admin_cannot_open_the_review(
    request: pytest.FixtureRequest, draft: Assessment, persona: str
) -> None:
    client = request.getfixturevalue(f"{persona}_client")

    assert client.get(sign_url(draft)).status_code == 403
    assert client.post(sign_url(draft), {"version": "1", "reviewed": "on"}).status_code == 403
    assert fresh(draft).status == AssessmentStatus.DRAFT


def test_an_unknown_assessment_is_not_found(physio_client: Client) -> None:
    missing = reverse("assessments:assessment-sign", kwargs={"pk": 999999})

    assert physio_client.get(missing).status_code == 404
    assert physio_client.post(missing, {"version": "1", "reviewed": "on"}).status_code == 404


# --- The treatment session ----------------------------------------------------------------------------------------


@pytest.fixture
def session(physio_client: Client) -> TreatmentSession:
    """Maya's session with a cleared patient, the visit's re-check asked and one site through the gate."""
    patient = cleared_patient()
    session = services.session_start(patient=patient, physiotherapist=physio_client.user)
    services.needled_site_add(session=session, muscle="deltoid", side="R", insertions=3)
    return fresh(session)


def closed(session: TreatmentSession) -> TreatmentSession:
    return services.session_save_fields(
        session=session,
        data={"pain_before": 6, "pain_after": 3, "needles_accounted_for": True},
        version=fresh(session).version,
    )


def session_anchor(session: TreatmentSession, anchor: str) -> str:
    return f"{reverse('assessments:session-detail', kwargs={'pk': session.pk})}#{anchor}"


def test_the_session_page_opens_the_review_instead_of_signing(
    physio_client: Client, session: TreatmentSession
) -> None:
    page = Page(body_of(physio_client.get(reverse("assessments:session-detail", kwargs={"pk": session.pk}))))

    assert sign_url(session) in page.hrefs()
    assert sign_url(session) not in page.actions()


def test_the_session_review_lists_the_pain_and_needles_missing_with_links(
    physio_client: Client, session: TreatmentSession
) -> None:
    response = physio_client.get(sign_url(session))

    page = Page(body_of(response))
    assert response.status_code == 200
    for message in (
        "Record the pain before treatment.",
        "Record the pain after treatment.",
        "Confirm that every needle was removed and disposed of.",
    ):
        assert shown(message, response), message
    assert session_anchor(session, "header-heading") in page.hrefs()
    assert session_anchor(session, "close-heading") in page.hrefs()
    assert "3 insertions at 1 site" in body_of(response)
    assert sign_url(session) not in page.actions()


def test_a_site_the_gate_held_when_saved_blocks_the_signature(
    physio_client: Client, session: TreatmentSession
) -> None:
    closed(session)
    NeedledSite.objects.filter(session=session).update(site_outcome="held")
    before = signature_state(session)

    review = physio_client.get(sign_url(session))
    posted = physio_client.post(sign_url(session), {"version": str(fresh(session).version), "reviewed": "on"})

    held = "Deltoid, right, is held by the safety gate: remove it from the session."
    assert shown(held, review) and shown(held, posted)
    assert session_anchor(session, "sites-heading") in Page(body_of(review)).hrefs()
    assert posted.status_code == 400
    assert signature_state(session) == before


def test_a_site_that_needed_a_note_blocks_until_it_has_one(physio_client: Client, session: TreatmentSession) -> None:
    closed(session)
    NeedledSite.objects.filter(session=session).update(site_outcome="needs_note", confirmation_note="")
    needs_note = (
        "Deltoid, right, needed your confirmation with a note, and none was written: remove it and record it "
        "again with the note."
    )

    assert texts(services.session_missing(fresh(session))) == [needs_note]

    NeedledSite.objects.filter(session=session).update(confirmation_note="Patient lean; short needle, pincer grip.")
    assert services.session_missing(fresh(session)) == []


def test_a_site_saved_without_the_gates_decision_is_asked_of_the_gate_now(physio_client: Client) -> None:
    patient = PatientFactory()  # no consent, no questionnaire: the gate holds every site
    session = services.session_start(patient=patient, physiotherapist=physio_client.user)
    NeedledSite.objects.create(session=session, muscle="supinator", side="L")

    assert "Supinator, left, is held by the safety gate: remove it from the session." in texts(
        services.session_missing(fresh(session))
    )


def test_a_complete_session_is_signed_by_the_confirmed_second_step(
    physio_client: Client, session: TreatmentSession
) -> None:
    closed(session)

    review = physio_client.get(sign_url(session))
    response = sign_by_review(physio_client, session)

    assert "Nothing is missing" in body_of(review)
    assert "Allowed" in body_of(review)
    stored = fresh(session)
    assert stored.status == AssessmentStatus.SIGNED
    assert stored.content_digest == services.session_content_digest(stored)
    assert response.redirect_chain == [(reverse("assessments:session-detail", kwargs={"pk": session.pk}), 302)]
    assert shown("The treatment session is signed. Add an addendum for anything later.", response)


def test_a_session_signed_twice_keeps_its_first_signature(physio_client: Client, session: TreatmentSession) -> None:
    closed(session)
    loaded = fresh(session).version
    sign_by_review(physio_client, session)
    first = signature_state(session)

    again = physio_client.post(sign_url(session), {"version": str(loaded), "reviewed": "on"})

    assert again.status_code == 400
    assert shown("This treatment session is signed and cannot change. Add an addendum instead.", again)
    assert signature_state(session) == first


def test_the_session_signature_needs_the_confirmation(physio_client: Client, session: TreatmentSession) -> None:
    closed(session)
    before = signature_state(session)

    response = sign_by_review(physio_client, session, reviewed=None)

    assert response.status_code == 400
    assert field_error(response, "reviewed", TICK)
    assert signature_state(session) == before
