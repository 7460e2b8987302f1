"""Treatment sessions, progress and the adverse-event report through the client: who sees what, forms, htmx rows."""

import re
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from auditlog.models import LogEntry
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import (
    AdverseEvent,
    AssessmentStatus,
    NeedledSite,
    OutcomeMeasure,
    TreatmentSession,
)
from patients import services as patient_services
from patients.models import RecheckAnswer
from tests.assessments.sessions import SIGNED_ONLY, cleared_patient, fresh, questionnaire, signed, site_data, url
from tests.assessments.signing import sign_assessment, sign_by_review
from tests.date_cases import case_id, cases
from tests.factories import ConsentFactory, PatientFactory, UserFactory
from tests.pages import Page, body_of, field_error, physio_client_for, shown

pytestmark = pytest.mark.django_db

CANARY = "CANARY-4412 reassess the left supinator"
STALE = "This session was saved elsewhere since you opened this page. Reload it to see the latest version."
NOT_YOUR_ROLE = "This page is not open to your role"
HTMX = {"HTTP_HX_REQUEST": "true"}


def progress_url(patient: Any) -> str:
    return reverse("assessments:progress", kwargs={"patient_pk": patient.pk})


@pytest.fixture
def patient() -> Any:
    return cleared_patient()


@pytest.fixture
def session(physio_client: Client, patient: Any) -> TreatmentSession:
    """Maya's draft, with the visit's re-check (no change), the canary in the plan and one site."""
    draft = services.session_start(patient=patient, physiotherapist=physio_client.user)
    recheck = patient_services.safety_recheck_record(
        patient=patient, asked_by=physio_client.user, answer=RecheckAnswer.NO_CHANGE
    )
    draft = services.session_recheck_link(session=draft, recheck=recheck)
    services.session_save_fields(session=draft, data={"plan": CANARY}, version=draft.version)
    services.needled_site_add(session=draft, muscle="supinator", side="L", insertions=2)
    return fresh(draft)


@pytest.fixture
def colleague_client(db: None) -> Client:
    """Daniel, another physiotherapist: may read Maya's session, may not change it."""
    return physio_client_for("daniel")


def header_data(session: TreatmentSession, **changes: Any) -> dict[str, Any]:
    data = {
        "version": str(fresh(session).version),
        "consent_reconfirmed": "on",
        "pain_before": "6",
        "position": "prone",
        "needle_product": "Seirin J 0.25x30 lot 4411",
        "needle_diameter_mm": "0.25",
        "needle_length_mm": "30",
        "technique": "pecking",
        "technique_note": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def close_data(session: TreatmentSession, **changes: Any) -> dict[str, Any]:
    data = {
        "version": str(fresh(session).version),
        "pain_after": "3",
        "retest_note": "Grip pain 2/10",
        "needles_accounted_for": "on",
        "aftercare_advice": fresh(session).aftercare_advice,
        "plan": "Review in one week",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def saved_state(session: TreatmentSession) -> tuple[Any, ...]:
    stored = fresh(session)
    return (
        stored.version,
        stored.status,
        stored.pain_before,
        stored.pain_after,
        stored.changed_since_questionnaire,
        stored.needles_accounted_for,
        stored.broken_needle,
        stored.plan,
        list(NeedledSite.objects.filter(session=session).values_list("muscle", "side", "insertions")),
        AdverseEvent.objects.count(),
        OutcomeMeasure.objects.count(),
    )


# --- Who may open it --------------------------------------------------------------------------------------------


def test_the_treating_physio_opens_the_session_with_every_form(
    physio_client: Client, session: TreatmentSession
) -> None:
    response = physio_client.get(url("session-detail", session))

    assert response.status_code == 200
    page = Page(body_of(response))
    for name in ("session-header", "session-close", "needled-site-create", "outcome-create"):
        assert url(name, session) in page.actions(), name
    assert url("session-sign", session) in page.hrefs()
    assert url("adverse-event-create", session) in page.actions()
    assert CANARY in body_of(response)
    assert [row[0] for row in page.rows if row and row[0].startswith("Supinator")] == [
        "Supinator Nerve or vessel Nerve or vessel: a major nerve or vessel lies close"
    ]
    accesses = LogEntry.objects.get_for_object(session).filter(action=LogEntry.Action.ACCESS)
    assert [entry.actor for entry in accesses] == [physio_client.user]


def test_another_physio_reads_the_session_without_a_way_to_change_it(
    colleague_client: Client, session: TreatmentSession
) -> None:
    response = colleague_client.get(url("session-detail", session))

    assert response.status_code == 200
    assert CANARY in body_of(response)
    actions = Page(body_of(response)).actions()
    for name in ("session-header", "session-close", "needled-site-create", "session-sign"):
        assert url(name, session) not in actions, name
    assert not [action for action in actions if "/sites/" in action]
    assert "Sign the session" not in body_of(response)
    assert url("session-sign", session) not in Page(body_of(response)).hrefs()


@pytest.mark.parametrize("persona", ["front_desk", "admin"])
def test_front_desk_and_clinic_admin_cannot_open_a_session_or_the_progress_page(
    request: pytest.FixtureRequest, session: TreatmentSession, patient: Any, persona: str
) -> None:
    client = request.getfixturevalue(f"{persona}_client")

    for target in (url("session-detail", session), progress_url(patient)):
        response = client.get(target)
        assert response.status_code == 403, target
        assert "CANARY-4412" not in body_of(response)
        assert NOT_YOUR_ROLE in body_of(response)


@pytest.mark.parametrize("persona", ["front_desk", "admin"])
def test_front_desk_and_clinic_admin_cannot_post_to_a_session(
    request: pytest.FixtureRequest, session: TreatmentSession, persona: str
) -> None:
    client = request.getfixturevalue(f"{persona}_client")
    before = saved_state(session)

    responses = [
        client.post(url("session-header", session), header_data(session)),
        client.post(url("needled-site-create", session), site_data()),
        client.post(url("session-sign", session), {"version": fresh(session).version, "reviewed": "on"}),
        client.get(url("session-sign", session)),
    ]

    assert [response.status_code for response in responses] == [403, 403, 403, 403]
    assert saved_state(session) == before


def test_someone_not_signed_in_is_sent_to_the_login_page(anonymous_client: Client, session: TreatmentSession) -> None:
    response = anonymous_client.get(url("session-detail", session))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_unknown_sessions_patients_and_sites_of_another_session_are_not_found(
    physio_client: Client, session: TreatmentSession, patient: Any
) -> None:
    other = services.session_start(patient=PatientFactory(), physiotherapist=physio_client.user)
    missing = reverse("assessments:session-detail", kwargs={"pk": session.pk + other.pk + 1000})
    site = session.sites.get()

    assert physio_client.get(missing).status_code == 404
    assert physio_client.get(reverse("assessments:progress", kwargs={"patient_pk": 99999})).status_code == 404
    assert physio_client.post(reverse("assessments:session-start", kwargs={"patient_pk": 99999})).status_code == 404
    assert physio_client.post(url("needled-site-delete", other, site_pk=site.pk)).status_code == 404
    assert NeedledSite.objects.filter(pk=site.pk).exists()


@pytest.mark.parametrize(
    "name",
    [
        "session-header",
        "session-close",
        "needled-site-create",
        "adverse-event-create",
        "outcome-create",
        "session-addendum-create",
    ],
)
def test_the_session_actions_refuse_a_get(physio_client: Client, session: TreatmentSession, name: str) -> None:
    assert physio_client.get(url(name, session)).status_code == 405


# --- Starting from the chart -------------------------------------------------------------------------------------


def test_the_chart_offers_treatment_and_progress_and_starting_twice_opens_the_same_draft(
    physio_client: Client, patient: Any
) -> None:
    chart = Page(body_of(physio_client.get(patient.get_absolute_url())))
    start = reverse("assessments:session-start", kwargs={"patient_pk": patient.pk})

    first = physio_client.post(start)
    second = physio_client.post(start)

    assert start in chart.actions()
    assert progress_url(patient) in chart.hrefs()
    session = TreatmentSession.objects.get()
    assert first["Location"] == second["Location"] == url("session-detail", session)
    assert session.physiotherapist == physio_client.user


def test_the_front_desk_chart_has_no_treatment_button_and_cannot_start_one(
    front_desk_client: Client, patient: Any
) -> None:
    start = reverse("assessments:session-start", kwargs={"patient_pk": patient.pk})

    chart = Page(body_of(front_desk_client.get(patient.get_absolute_url())))
    response = front_desk_client.post(start)

    assert start not in chart.actions()
    assert progress_url(patient) not in chart.hrefs()
    assert response.status_code == 403
    assert not TreatmentSession.objects.exists()


def test_an_archived_patient_cannot_be_treated(physio_client: Client, patient: Any) -> None:
    patient_services.patient_archive(patient=patient, archived_by=UserFactory())

    response = physio_client.post(reverse("assessments:session-start", kwargs={"patient_pk": patient.pk}), follow=True)

    assert shown("This patient is archived. Restore the patient before recording a treatment.", response)
    assert not TreatmentSession.objects.exists()


# --- Header and close ---------------------------------------------------------------------------------------------


def test_the_header_is_saved_and_the_physio_returns_to_the_session(
    physio_client: Client, session: TreatmentSession
) -> None:
    response = physio_client.post(
        url("session-header", session),
        # The visit's re-check replaced these: the header no longer takes them.
        header_data(session, changed_since_questionnaire="True", change_note="New tingling in the hand"),
    )

    assert response.status_code == 302
    assert response["Location"] == url("session-detail", session)
    stored = fresh(session)
    assert (stored.consent_reconfirmed, stored.changed_since_questionnaire, stored.change_note) == (True, None, "")
    assert (stored.pain_before, stored.position, stored.technique, stored.needle_length_mm) == (
        6,
        "prone",
        "pecking",
        30,
    )
    assert str(stored.needle_diameter_mm) == "0.25"
    assert shown("Saved.", physio_client.get(url("session-detail", session)))


BAD_POSTS = {
    "pain before 11": (
        "session-header",
        header_data,
        {"pain_before": "11"},
        "pain_before",
        "Ensure this value is less than or equal to 10.",
    ),
    "pain after 11": (
        "session-close",
        close_data,
        {"pain_after": "11"},
        "pain_after",
        "Ensure this value is less than or equal to 10.",
    ),
    "a broken needle not accounted for": (
        "session-close",
        close_data,
        {"broken_needle": "on", "needles_accounted_for": None},
        "needles_accounted_for",
        "Account for the broken needle and record an adverse event.",
    ),
}


@pytest.mark.parametrize("case", BAD_POSTS)
def test_bad_header_or_close_input_is_shown_at_the_field_and_nothing_is_saved(
    physio_client: Client, session: TreatmentSession, case: str
) -> None:
    name, data_for, changes, field, message = BAD_POSTS[case]
    before = saved_state(session)

    response = physio_client.post(url(name, session), data_for(session, **changes))

    assert response.status_code == 400
    form = response.context["header_form" if name == "session-header" else "close_form"]
    assert form.errors[field] == [message]
    assert field_error(response, field, message)
    assert saved_state(session) == before


def test_two_tabs_the_second_save_shows_what_changed_and_overwrites_nothing(
    physio_client: Client, session: TreatmentSession
) -> None:
    loaded = header_data(session)
    first = physio_client.post(url("session-header", session), {**loaded, "pain_before": "4"})

    second = physio_client.post(url("session-header", session), {**loaded, "pain_before": "9"})

    assert first.status_code == 302
    assert second.status_code == 409
    assert shown("Your changes were not saved", second)
    assert shown("This treatment session was saved at", second)
    assert second.context["conflict"]["changes"] == [{"label": "Pain before (NPRS 0-10)", "saved": "4", "yours": "9"}]
    assert f'value="{fresh(session).version}" id="version-header"' in body_of(second)
    assert fresh(session).pain_before == 4


def test_the_close_form_re_applies_its_edit_after_a_conflict(physio_client: Client, session: TreatmentSession) -> None:
    loaded = fresh(session).version
    services.session_save_fields(session=session, data={"plan": "Changed in another tab"}, version=loaded)
    edit = {"version": loaded, "pain_after": "2", "retest_note": "", "aftercare_advice": "Heat", "plan": "Mine"}

    conflict = physio_client.post(url("session-close", session), edit)
    again = physio_client.post(url("session-close", session), {**edit, "version": fresh(session).version})

    assert conflict.status_code == 409
    assert {"label": "Plan", "saved": "Changed in another tab", "yours": "Mine"} in conflict.context["conflict"][
        "changes"
    ]
    assert conflict.context["close_form"]["plan"].value() == "Mine"
    assert again.status_code == 302
    assert (fresh(session).plan, fresh(session).pain_after) == ("Mine", 2)


# --- Needled sites ------------------------------------------------------------------------------------------------


def test_a_site_added_with_htmx_comes_back_as_its_row(physio_client: Client, session: TreatmentSession) -> None:
    response = physio_client.post(url("needled-site-create", session), site_data(), **HTMX)

    assert response.status_code == 200
    assert "HX-Retarget" not in response
    site = NeedledSite.objects.get(muscle="deltoid")
    body = body_of(response)
    assert body.lstrip().startswith(f'<tr id="site-{site.pk}">')
    assert "<html" not in body
    assert Page(f"<table>{body}</table>").rows == [
        ["Deltoid", "Right", "3", "Intramuscular", "1", "None", "Allowed", "Remove"]
    ]
    assert url("needled-site-delete", session, site_pk=site.pk) in body


def page_versions(client: Client, session: TreatmentSession) -> dict[str, str]:
    """The version each form of the page carries, by the form's action."""
    body = body_of(client.get(url("session-detail", session)))
    found = re.findall(
        r'<form method="post" action="([^"]+)"[^>]*>(?:(?!</form>).)*?name="version" value="(\d+)"', body, re.S
    )
    return dict(found)


def test_closing_and_signing_after_adding_a_site_in_place_saves(
    physio_client: Client, session: TreatmentSession
) -> None:
    services.session_save_fields(session=session, data={"pain_before": 6}, version=session.version)
    added = physio_client.post(url("needled-site-create", session), site_data(), **HTMX)
    # The row comes with the session's new version for the page's other forms (htmx out-of-band).
    body = added.content.decode()
    new_version = str(fresh(session).version)
    for form in ("header", "close"):
        assert f'value="{new_version}" id="version-{form}" data-hx-swap-oob="true"' in body

    closed = physio_client.post(url("session-close", session), close_data(session, version=new_version))
    signed_now = sign_by_review(physio_client, session)

    assert closed.status_code == 302
    assert signed_now.redirect_chain == [(url("session-detail", session), 302)]
    assert fresh(session).status == AssessmentStatus.SIGNED


def test_a_site_added_without_htmx_redirects_with_a_message(physio_client: Client, session: TreatmentSession) -> None:
    response = physio_client.post(url("needled-site-create", session), site_data(), follow=True)

    assert response.redirect_chain == [(url("session-detail", session), 302)]
    assert shown("Deltoid (R) recorded.", response)
    assert NeedledSite.objects.filter(session=session, muscle="deltoid", side="R").count() == 1


HTMX_ERRORS = {
    "compression without seconds": (
        {"bleeding": "compression"},
        "compression_seconds",
        "How many seconds of compression were needed?",
    ),
    "paraspinal without a level": (
        {"muscle": "lumbar-multifidus"},
        "level",
        "Say which level of the Lumbar multifidus was needled.",
    ),
    "level outside the roots": (
        {"muscle": "cervical-multifidus-rotatores", "level": "L4"},
        "level",
        "The Cervical multifidus / rotatores is not needled at L4.",
    ),
    "unknown muscle": ({"muscle": "biceps-femoris-minor"}, "muscle", "Choose a muscle from the catalogue."),
    "insertions 0": ({"insertions": "0"}, "insertions", "Ensure this value is greater than or equal to 1."),
}


@pytest.mark.parametrize("case", HTMX_ERRORS)
def test_a_bad_site_with_htmx_brings_the_form_back_in_place_with_its_message(
    physio_client: Client, session: TreatmentSession, case: str
) -> None:
    changes, field, message = HTMX_ERRORS[case]
    before = saved_state(session)

    response = physio_client.post(url("needled-site-create", session), site_data(**changes), **HTMX)

    assert response.status_code == 200
    assert (response["HX-Retarget"], response["HX-Reswap"]) == ("#site-form-area", "outerHTML")
    body = body_of(response)
    assert body.lstrip().startswith('<div id="site-form-area">') and 'id="site-form"' in body
    assert field_error(response, field, message)
    assert saved_state(session) == before


def test_a_deep_site_on_a_blood_thinner_asks_for_a_note_in_place_and_saves_with_it(physio_client: Client) -> None:
    patient = cleared_patient(A1="yes", A2=["apixaban"])
    session = services.session_start(patient=patient, physiotherapist=physio_client.user)
    target = url("needled-site-create", session)

    asked = physio_client.post(target, site_data(muscle="soleus", side="L"), **HTMX)
    confirmed = physio_client.post(
        target, site_data(muscle="soleus", side="L", confirmation_note="INR 2.3 on Monday; pressure held"), **HTMX
    )

    assert asked["HX-Retarget"] == "#site-form-area"
    assert field_error(asked, "confirmation_note", "Write why you proceed to needle this site.")
    assert "Deep muscle with a high bleeding risk" in body_of(asked)
    assert "HX-Retarget" not in confirmed
    assert "Proceeded: INR 2.3 on Monday; pressure held" in body_of(confirmed)
    assert list(NeedledSite.objects.values_list("muscle", "confirmation_note")) == [
        ("soleus", "INR 2.3 on Monday; pressure held")
    ]


def test_a_held_site_is_refused_in_place_with_the_reason(physio_client: Client) -> None:
    patient = cleared_patient(H2="yes", H2_WHERE=["left_arm"])
    session = services.session_start(patient=patient, physiotherapist=physio_client.user)

    response = physio_client.post(url("needled-site-create", session), site_data(muscle="deltoid", side="L"), **HTMX)

    assert response["HX-Retarget"] == "#site-form-area"
    assert field_error(
        response,
        "muscle",
        "Lymphoedema or lymph nodes removed: the arm, left, is inside the region that must not be needled.",
    )
    assert not NeedledSite.objects.exists()


def test_the_suggested_muscles_of_the_assessment_are_offered_first(physio_client: Client, patient: Any) -> None:
    assessment = services.assessment_start(patient=patient, physiotherapist=physio_client.user)
    services.assessment_save_fields(
        assessment=assessment, data={"chief_complaint": "Elbow pain"}, version=assessment.version
    )
    services.segment_decide(assessment=assessment, level="C6", side="L", decision="confirmed")
    sign_assessment(assessment)
    session = services.session_start(patient=patient, physiotherapist=physio_client.user)

    body = body_of(physio_client.get(url("session-detail", session)))

    muscle_select = body[body.index('name="muscle"') : body.index("</select>", body.index('name="muscle"'))]
    groups = re.findall(r'<optgroup label="([^"]+)"', muscle_select)
    assert groups[:2] == ["Planned at the assessment", "Suggested by the assessment"]
    planned, suggested = muscle_select.split("</optgroup>")[:2]
    assert "Cervical multifidus / rotatores" in planned and "Supinator" not in planned
    assert "Supinator" in suggested
    assert f"assessment of {timezone.localtime(assessment.started_at):%Y-%m-%d}" in body


def test_a_site_is_removed_from_the_draft(physio_client: Client, session: TreatmentSession) -> None:
    site = session.sites.get()

    response = physio_client.post(url("needled-site-delete", session, site_pk=site.pk))

    assert response["Location"] == url("session-detail", session)
    assert not NeedledSite.objects.exists()


# --- The gate on the page -----------------------------------------------------------------------------------------


def gate_of(response: Any) -> str:
    body = body_of(response)
    start = body.index('id="needling-gate"')
    return body[start : body.index("</div>", start)]


def test_without_a_questionnaire_the_page_explains_the_gate_and_offers_no_site_form(physio_client: Client) -> None:
    patient = PatientFactory(given_name="Nadia", family_name="Okonkwo")
    session = services.session_start(patient=patient, physiotherapist=physio_client.user)

    response = physio_client.get(url("session-detail", session))

    gate = gate_of(response)
    assert "No needled site can be recorded yet:" in gate
    assert "No safety questionnaire has been completed: send the patient the link." in gate
    assert "There is no consent to IMS on file: record it first." in gate
    assert f'href="{patient.get_absolute_url()}"' in gate
    assert url("needled-site-create", session) not in Page(body_of(response)).actions()
    assert url("session-header", session) in Page(body_of(response)).actions()


def test_unacknowledged_flags_link_to_the_questionnaire_review(physio_client: Client) -> None:
    patient = PatientFactory()
    ConsentFactory(patient=patient)
    response_to_review = questionnaire(patient, acknowledge=False, A1="yes", A2=["apixaban"])
    session = services.session_start(patient=patient, physiotherapist=physio_client.user)

    gate = gate_of(physio_client.get(url("session-detail", session)))

    assert "1 safety flag to acknowledge: Takes an anticoagulant." in gate
    assert f'href="{response_to_review.get_absolute_url()}"' in gate
    assert "the questionnaire review" in gate


def test_a_site_posted_without_clearance_is_refused_with_the_reasons(physio_client: Client) -> None:
    patient = PatientFactory()
    ConsentFactory(patient=patient)
    session = services.session_start(patient=patient, physiotherapist=physio_client.user)
    target = url("needled-site-create", session)

    plain = physio_client.post(target, site_data())
    in_place = physio_client.post(target, site_data(), **HTMX)

    missing = "No safety questionnaire has been completed: send the patient the link."
    assert plain.status_code == 400
    assert missing in gate_of(plain)
    assert missing in plain.context["site_form"].errors["muscle"]
    assert in_place["HX-Retarget"] == "#site-form-area"
    assert field_error(in_place, "muscle", missing)
    assert not NeedledSite.objects.exists()


def test_the_page_says_sites_can_be_recorded_when_the_patient_is_cleared(
    physio_client: Client, session: TreatmentSession
) -> None:
    body = body_of(physio_client.get(url("session-detail", session)))

    assert "Clear for needling today:" in gate_of(physio_client.get(url("session-detail", session)))
    assert "No needled site can be recorded yet:" not in body
    assert url("needled-site-create", session) in Page(body).actions()


# --- Signing and after ---------------------------------------------------------------------------------------------


MISSING_CLOSE = [
    "Record the pain before treatment.",
    "Record the pain after treatment.",
    "Confirm that every needle was removed and disposed of.",
]


def test_signing_without_the_close_is_refused_with_what_is_missing(
    physio_client: Client, session: TreatmentSession
) -> None:
    review = physio_client.get(url("session-sign", session))
    response = sign_by_review(physio_client, session)

    assert all(shown(message, review) for message in MISSING_CLOSE)
    assert f"{url('session-detail', session)}#close-heading" in Page(body_of(review)).hrefs()
    assert url("session-sign", session) not in Page(body_of(review)).actions()
    assert response.status_code == 400
    assert all(shown(message, response) for message in MISSING_CLOSE)
    assert fresh(session).status == AssessmentStatus.DRAFT


def test_the_physio_fills_the_header_and_close_and_signs(physio_client: Client, session: TreatmentSession) -> None:
    physio_client.post(url("session-header", session), header_data(session))
    physio_client.post(url("session-close", session), close_data(session))

    response = sign_by_review(physio_client, session)

    stored = fresh(session)
    assert stored.status == AssessmentStatus.SIGNED
    assert stored.content_digest == services.session_content_digest(stored)
    assert (stored.pain_before, stored.pain_after, stored.needles_accounted_for) == (6, 3, True)
    assert shown("The treatment session is signed. Add an addendum for anything later.", response)
    assert f"Signed {stored.signed_at.astimezone():%Y}" in body_of(response)
    actions = Page(body_of(response)).actions()
    assert actions.count(url("session-addendum-create", session)) == 1
    for name in ("session-header", "session-close", "needled-site-create", "session-sign"):
        assert url(name, session) not in actions, name
    assert "Pain after" in body_of(response) and "All removed and disposed of" in body_of(response)


def test_signing_from_a_stale_page_is_refused_with_a_message(physio_client: Client, session: TreatmentSession) -> None:
    services.session_save_fields(
        session=session,
        data={"pain_before": 5, "pain_after": 2, "needles_accounted_for": True},
        version=session.version,
    )
    loaded = fresh(session).version
    services.session_save_fields(session=session, data={"plan": "Changed in another tab"}, version=loaded)

    response = physio_client.post(url("session-sign", session), {"version": loaded, "reviewed": "on"})

    assert shown(STALE, response)
    assert fresh(session).status == AssessmentStatus.DRAFT


def test_another_physio_cannot_sign_a_draft(colleague_client: Client, session: TreatmentSession) -> None:
    services.session_save_fields(
        session=session,
        data={"pain_before": 5, "pain_after": 2, "needles_accounted_for": True},
        version=session.version,
    )

    response = sign_by_review(colleague_client, session)

    assert shown("Only the physiotherapist who gave this treatment can sign it.", response)
    assert fresh(session).status == AssessmentStatus.DRAFT


def changing_posts(session: TreatmentSession) -> dict[str, tuple[str, dict[str, Any]]]:
    site = session.sites.first()
    return {
        "header": (url("session-header", session), header_data(session)),
        "close": (url("session-close", session), close_data(session)),
        "site": (url("needled-site-create", session), site_data()),
        "site delete": (url("needled-site-delete", session, site_pk=site.pk), {}),
    }


@pytest.mark.parametrize("change", ["header", "close", "site", "site delete"])
def test_another_physio_cannot_change_a_draft(
    colleague_client: Client, session: TreatmentSession, change: str
) -> None:
    target, data = changing_posts(session)[change]
    before = saved_state(session)

    response = colleague_client.post(target, data)

    assert response.status_code == 403
    assert "CANARY-4412" not in body_of(response)
    assert saved_state(session) == before


OTHER_PHYSIO_RECORDS = {
    "adverse event": (
        "adverse-event-create",
        {"event_type": "bruising", "event_class": "mild", "onset": "after", "action_taken": "Ice"},
    ),
    "outcome": ("outcome-create", {"instrument": "NDI", "total": "12"}),
}


@pytest.mark.parametrize("record", OTHER_PHYSIO_RECORDS)
def test_another_physio_cannot_add_an_event_or_a_score_to_a_draft(
    colleague_client: Client, session: TreatmentSession, record: str
) -> None:
    name, data = OTHER_PHYSIO_RECORDS[record]
    before = saved_state(session)

    response = colleague_client.post(url(name, session), data)

    assert response.status_code == 403
    assert saved_state(session) == before


@pytest.mark.parametrize("change", ["header", "close", "site delete"])
def test_after_signing_a_change_is_refused_and_nothing_changes(
    physio_client: Client, session: TreatmentSession, change: str
) -> None:
    target, data = changing_posts(session)[change]
    signed(session)
    before = saved_state(session)

    response = physio_client.post(target, data, follow=True)

    assert response.status_code in (200, 400)
    assert saved_state(session) == before


def test_after_signing_a_site_posted_with_htmx_is_refused_in_place_with_a_message(
    physio_client: Client, session: TreatmentSession
) -> None:
    signed(session)
    before = saved_state(session)

    response = physio_client.post(url("needled-site-create", session), site_data(), **HTMX)

    assert response["HX-Retarget"] == "#site-form-area"
    assert shown(SIGNED_ONLY, response)
    assert saved_state(session) == before


@pytest.mark.parametrize(
    "change",
    [
        "header",
        "close",
        "site",
        "site delete",
    ],
)
def test_after_signing_a_change_is_refused_with_a_message(
    physio_client: Client, session: TreatmentSession, change: str
) -> None:
    target, data = changing_posts(session)[change]
    signed(session)

    response = physio_client.post(target, data, follow=True)

    assert shown(SIGNED_ONLY, response)


def test_an_addendum_is_shown_on_the_signed_session(physio_client: Client, session: TreatmentSession) -> None:
    signed(session)

    response = physio_client.post(
        url("session-addendum-create", session),
        {"reason": "Late entry", "text": "Patient rang: soreness settled."},
        follow=True,
    )

    assert response.redirect_chain == [(url("session-detail", session), 302)]
    assert shown("Addendum added.", response)
    assert "Late entry" in body_of(response) and "Patient rang: soreness settled." in body_of(response)


def test_an_addendum_needs_a_reason_and_a_text(physio_client: Client, session: TreatmentSession) -> None:
    signed(session)

    response = physio_client.post(url("session-addendum-create", session), {"reason": " ", "text": ""})

    assert response.status_code == 400
    assert shown("Say why you add this addendum.", response)
    assert shown("Write the addendum.", response)
    assert not session.addenda.exists()


def test_an_addendum_on_a_draft_is_refused_with_a_message(physio_client: Client, session: TreatmentSession) -> None:
    response = physio_client.post(url("session-addendum-create", session), {"reason": "Late entry", "text": "Note."})

    assert response.status_code == 400
    assert shown("Addenda are for signed sessions; change the draft itself instead.", response)


# --- Adverse events and outcome measures on the page -------------------------------------------------------------


def event_data(**changes: Any) -> dict[str, Any]:
    data = {
        "event_type": "pain_after",
        "event_class": "mild",
        "onset": "reported_later",
        "description": "Sore for three days",
        "action_taken": "Reassured; heat",
        "referral": "",
        "earlier_session": "",
    }
    data.update(changes)
    return data


def test_an_event_reported_at_a_later_session_shows_on_both_with_links_back(
    physio_client: Client, patient: Any
) -> None:
    with time_machine.travel(datetime(2026, 3, 2, 9, tzinfo=UTC), tick=False):
        earlier = services.session_start(patient=patient, physiotherapist=physio_client.user)
        signed(earlier)
    with time_machine.travel(datetime(2026, 3, 9, 9, tzinfo=UTC), tick=False):
        later = services.session_start(patient=patient, physiotherapist=physio_client.user)

    response = physio_client.post(url("adverse-event-create", later), event_data(earlier_session=str(earlier.pk)))

    assert response["Location"] == url("session-detail", later)
    event = AdverseEvent.objects.get()
    assert (event.session, event.reported_in, event.reported_by) == (earlier, later, physio_client.user)
    on_later = body_of(physio_client.get(url("session-detail", later)))
    on_earlier = body_of(physio_client.get(url("session-detail", earlier)))
    for body in (on_later, on_earlier):
        assert "<strong>Pain or soreness after treatment</strong>" in body
        assert "Reassured; heat" in body
    assert f'(after the session of <a href="{url("session-detail", earlier)}">2026-03-02</a>)' in on_later
    assert f'(reported at the session of <a href="{url("session-detail", later)}">2026-03-09</a>)' in on_earlier


def test_a_significant_event_without_a_referral_is_refused_at_the_field(
    physio_client: Client, session: TreatmentSession
) -> None:
    response = physio_client.post(
        url("adverse-event-create", session),
        event_data(event_type="fainting", event_class="significant", onset="during"),
    )

    assert response.status_code == 400
    assert response.context["event_form"].errors["referral"] == [
        "A significant or serious event records who it was escalated or referred to."
    ]
    assert field_error(
        response, "referral", "A significant or serious event records who it was escalated or referred to."
    )
    assert not AdverseEvent.objects.exists()


def test_an_event_cannot_be_filed_under_another_patients_session(
    physio_client: Client, session: TreatmentSession
) -> None:
    with time_machine.travel(datetime(2026, 1, 5, 9, tzinfo=UTC), tick=False):
        stranger = services.session_start(patient=PatientFactory(), physiotherapist=physio_client.user)

    response = physio_client.post(url("adverse-event-create", session), event_data(earlier_session=str(stranger.pk)))

    assert response.status_code == 400
    assert response.context["event_form"].errors["earlier_session"] == [
        f"Select a valid choice. {stranger.pk} is not one of the available choices."
    ]
    assert not AdverseEvent.objects.exists()


OUTCOME_ERRORS = {
    "NDI total 51": ({"instrument": "NDI", "total": "51"}, "total", "A NDI score goes from 0 to 50."),
    "ODI items and a total": (
        {"instrument": "ODI", "total": "34", **{f"item_{n}": "2" for n in range(1, 11)}},
        "total",
        "Enter the item answers or the total of a scored paper form, not both.",
    ),
    "LEFS item out of scale": (
        {"instrument": "LEFS", **{f"item_{n}": "5" if n == 1 else "3" for n in range(1, 21)}},
        "item_1",
        "Choose an answer from 0 to 4.",
    ),
    "nothing entered": (
        {"instrument": "PSFS"},
        "activity_1",
        "Name at least three activities the patient finds hard (up to five).",
    ),
}


@pytest.mark.parametrize("case", OUTCOME_ERRORS)
def test_a_bad_outcome_score_is_refused_at_the_field(
    physio_client: Client, session: TreatmentSession, case: str
) -> None:
    data, field, message = OUTCOME_ERRORS[case]

    response = physio_client.post(url("outcome-create", session), data)

    assert response.status_code == 400
    assert response.context["outcome_form"].errors[field] == [message]
    assert field_error(response, field, message)
    assert not OutcomeMeasure.objects.exists()


def test_an_outcome_score_from_items_is_shown_on_the_session(physio_client: Client, session: TreatmentSession) -> None:
    items = {f"item_{n}": str(value) for n, value in enumerate([1, 2, 1, 0, 1, 1, 2, 1, 1, 2], start=1)}
    response = physio_client.post(url("outcome-create", session), {"instrument": "NDI", **items}, follow=True)

    assert shown("Outcome measure recorded.", response)
    assert "Neck Disability Index (NDI)</strong>: 12.0 points out of 50 (mild)" in body_of(response)
    assert list(OutcomeMeasure.objects.values_list("instrument", "raw_sum", "session")) == [("NDI", 12, session.pk)]


# --- Progress and the chart ---------------------------------------------------------------------------------------

COURSE = [  # (day of April 2026, pain before, pain after, ODI)
    (1, 8, 5, 40),
    (8, 6, 4, None),
    (15, 5, None, 28),
    (22, 3, 1, 18),
]


def treat_course(patient: Any, physio: Any, course: list[tuple[int, int, int | None, int | None]]) -> None:
    for day, before, after, odi in course:
        with time_machine.travel(datetime(2026, 4, day, 9, tzinfo=UTC), tick=False):
            session = services.session_start(patient=patient, physiotherapist=physio)
            services.session_save_fields(
                session=session,
                data={"pain_before": before, "pain_after": after, "needles_accounted_for": True},
                version=session.version,
            )
            services.session_sign(session=session, signed_by=physio, version=fresh(session).version)
            if odi is not None:
                services.outcome_record(
                    patient=patient, session=session, instrument="ODI", total=odi, recorded_by=physio
                )


def test_the_progress_page_charts_pain_and_scores_with_a_table_under_each(physio_client: Client, patient: Any) -> None:
    treat_course(patient, physio_client.user, COURSE)

    response = physio_client.get(progress_url(patient))

    assert response.status_code == 200
    body = body_of(response)
    page = Page(body)
    assert len(page.charts) == 2
    pain, odi = page.charts
    assert pain["dots"].count("chart-dot line-before") == 4
    assert pain["dots"].count("chart-dot line-after") == 3
    assert odi["dots"] == ["chart-dot line-outcome"] * 3
    assert (pain["bands"], odi["bands"]) == (1, 1)
    assert "Pain (NPRS 0-10) before and after each session" in body
    assert "4 treatment sessions." in body
    assert page.rows[:5] == [
        ["Session", "Before", "After"],
        ["2026-04-01", "8", "5"],
        ["2026-04-08", "6", "4"],
        ["2026-04-15", "5", "—"],
        ["2026-04-22", "3", "1"],
    ]
    assert page.rows[5:] == [["Date", "Score"], ["2026-04-01", "40.0"], ["2026-04-15", "28.0"], ["2026-04-22", "18.0"]]
    assert "Within ±2 of the first value: no clinically important change yet" in body
    assert "Within ±12 of the first value: no clinically important change yet" in body


def test_the_progress_page_says_how_much_pain_and_scores_changed_and_whether_that_matters(
    physio_client: Client, patient: Any
) -> None:
    treat_course(patient, physio_client.user, COURSE)

    body = " ".join(body_of(physio_client.get(progress_url(patient))).split())

    assert (
        "Pain before treatment, first to latest session: 8 → 3, 5 points better (62%): "
        "a clinically important improvement (2 points or more)." in body
    )
    assert (
        "First to latest score: 40.0 → 18.0, 22 points better: a clinically important improvement (12 points or more)."
        in body
    )


def test_the_progress_page_says_when_a_change_is_smaller_than_a_clinically_important_one(
    physio_client: Client, patient: Any
) -> None:
    treat_course(patient, physio_client.user, [(1, 4, 3, 30), (8, 5, None, 34)])

    body = " ".join(body_of(physio_client.get(progress_url(patient))).split())

    assert (
        "Pain before treatment, first to latest session: 4 → 5, 1 point worse, "
        "less than the 2 points of a clinically important change." in body
    )
    assert (
        "First to latest score: 30.0 → 34.0, 4 points worse, less than the 12 points of a clinically important change."
        in body
    )


def test_the_progress_page_without_sessions_says_so(physio_client: Client, patient: Any) -> None:
    response = physio_client.get(progress_url(patient))

    assert response.status_code == 200
    assert "No session has a pain score yet." in body_of(response)
    assert Page(body_of(response)).charts == []


def test_the_chart_shows_the_pain_trend_to_the_physio_only(
    physio_client: Client, front_desk_client: Client, patient: Any
) -> None:
    treat_course(patient, physio_client.user, COURSE)

    physio = body_of(physio_client.get(patient.get_absolute_url()))
    desk = body_of(front_desk_client.get(patient.get_absolute_url()))

    assert "Pain over the course:" in physio
    trend = [link for link in Page(physio).links if link.get("href") == progress_url(patient) and "→" in link["text"]]
    assert [link["text"] for link in trend] == ["8 → 3 over 4 sessions"]
    assert "Pain over the course" not in desk
    assert "8 → 3" not in desk


def test_the_chart_shows_no_pain_trend_after_a_single_session(physio_client: Client, patient: Any) -> None:
    treat_course(patient, physio_client.user, COURSE[:1])

    assert "Pain over the course" not in body_of(physio_client.get(patient.get_absolute_url()))


# --- The adverse-event report -------------------------------------------------------------------------------------


def report_url(start: str, end: str) -> str:
    return f"{reverse('assessments:adverse-event-report')}?start={start}&end={end}"


def reported_on(day: datetime, session: TreatmentSession, event_type: str, event_class: str) -> None:
    with time_machine.travel(day, tick=False):
        services.adverse_event_record(
            session=session,
            reported_by=session.physiotherapist,
            event_type=event_type,
            event_class=event_class,
            onset="after",
            action_taken="Recorded",
            referral="GP" if event_class != "mild" else "",
        )


def test_the_clinic_admin_sees_adverse_events_counted_by_type_and_class_in_the_range(
    admin_client: Client, session: TreatmentSession
) -> None:
    in_range = [datetime(2026, 5, day, 12, tzinfo=UTC) for day in (4, 5, 6, 20)]
    for day, event_type, event_class in zip(
        in_range,
        ["bruising", "bruising", "bruising", "fainting"],
        ["mild", "mild", "mild", "significant"],
        strict=True,
    ):
        reported_on(day, session, event_type, event_class)
    reported_on(datetime(2026, 5, 6, 12, tzinfo=UTC), session, "fainting", "mild")
    reported_on(datetime(2026, 4, 29, 12, tzinfo=UTC), session, "bruising", "mild")
    reported_on(datetime(2026, 6, 2, 12, tzinfo=UTC), session, "pneumothorax", "serious")

    response = admin_client.get(report_url("2026-05-01", "2026-05-31"))

    assert response.status_code == 200
    assert Page(body_of(response)).rows == [
        ["Type", "Class", "Count"],
        ["Bruising", "mild", "3"],
        ["Fainting (syncope)", "mild", "1"],
        ["Fainting (syncope)", "significant", "1"],
    ]
    assert "5 events reported in the range." in body_of(response)
    assert "CANARY-4412" not in body_of(response)


def test_an_inverted_range_is_refused_with_a_message(admin_client: Client, session: TreatmentSession) -> None:
    reported_on(datetime(2026, 5, 4, 12, tzinfo=UTC), session, "bruising", "mild")

    response = admin_client.get(report_url("2026-05-31", "2026-05-01"))

    assert response.context["form"].errors["end"] == ["The end of the range is before its start."]
    assert field_error(response, "end", "The end of the range is before its start.")
    assert Page(body_of(response)).rows == [["Type", "Class", "Count"], ["None."]]


REPORT_DATE_CASES = cases("Enter a valid date.", "This field is required.")


@pytest.mark.parametrize("name", ["start", "end"])
@pytest.mark.parametrize(
    ("value", "message"), REPORT_DATE_CASES, ids=[case_id(value) for value, _ in REPORT_DATE_CASES]
)
def test_a_report_date_outside_the_range_is_a_message_at_the_field(
    admin_client: Client, name: str, value: str, message: str
) -> None:
    dates = {"start": "2026-05-01", "end": "2026-05-31", name: value}

    response = admin_client.get(reverse("assessments:adverse-event-report"), dates)

    assert response.status_code == 400
    assert response.context["form"].errors[name] == [message]
    assert Page(body_of(response)).rows == [["Type", "Class", "Count"], ["None."]]


def test_the_report_runs_over_the_whole_range(admin_client: Client, session: TreatmentSession) -> None:
    reported_on(datetime(2026, 5, 4, 12, tzinfo=UTC), session, "bruising", "mild")

    response = admin_client.get(report_url("1900-01-01", "2100-12-31"))

    assert response.status_code == 200
    assert "1 event reported in the range." in body_of(response)


@pytest.mark.parametrize("persona", ["front_desk", "physio"])
def test_front_desk_and_physio_cannot_open_the_adverse_event_report(
    request: pytest.FixtureRequest, persona: str
) -> None:
    response = request.getfixturevalue(f"{persona}_client").get(reverse("assessments:adverse-event-report"))

    assert response.status_code == 403


# --- Query counts -------------------------------------------------------------------------------------------------

MANY_SITES = [
    ("deltoid", "L", ""),
    ("deltoid", "R", ""),
    ("supinator", "R", ""),
    ("extensor-carpi-radialis-brevis", "L", ""),
    ("gluteus-medius", "L", ""),
    ("gluteus-medius", "R", ""),
    ("lumbar-multifidus", "L", "L4"),
    ("lumbar-multifidus", "L", "L5"),
    ("lumbar-multifidus", "R", "S1"),
    ("vastus-lateralis", "L", ""),
    ("soleus", "R", ""),
    ("cervical-multifidus-rotatores", "L", "C6"),
]


def test_the_query_count_of_the_session_page_does_not_grow_with_its_sites(
    physio_client: Client, session: TreatmentSession, django_assert_max_num_queries: Any
) -> None:
    # The gate's state is three queries: the patient's row, the current flags and the consent's extensions.
    with django_assert_max_num_queries(16) as few:
        assert physio_client.get(url("session-detail", session)).status_code == 200
    for muscle, side, level in MANY_SITES:
        services.needled_site_add(session=session, muscle=muscle, side=side, level=level)
    for event_type in ("bruising", "bleeding", "drowsiness"):
        reported_on(datetime(2026, 5, 4, 12, tzinfo=UTC), session, event_type, "mild")
    for total in (10, 12, 14):
        services.outcome_record(
            patient=session.patient,
            session=session,
            instrument="NDI",
            total=total,
            recorded_by=session.physiotherapist,
        )
    assert session.sites.count() == 13

    with django_assert_max_num_queries(len(few.captured_queries)):
        assert physio_client.get(url("session-detail", session)).status_code == 200


def test_the_query_count_of_the_progress_page_does_not_grow_with_the_sessions(
    physio_client: Client, patient: Any, django_assert_max_num_queries: Any
) -> None:
    treat_course(patient, physio_client.user, COURSE[:2])
    with django_assert_max_num_queries(40) as few:
        assert physio_client.get(progress_url(patient)).status_code == 200
    many = [(day, 8 - day % 7, day % 5, 40 - day) for day in range(9, 29)]
    treat_course(patient, physio_client.user, many)
    for day in range(9, 29):
        with time_machine.travel(datetime(2026, 4, day, 10, tzinfo=UTC), tick=False):
            services.outcome_record(
                patient=patient, instrument="PSFS", items=[3, 4, day % 10], recorded_by=physio_client.user
            )
    assert TreatmentSession.objects.filter(patient=patient).count() == 22

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = physio_client.get(progress_url(patient))
    assert response.status_code == 200
    assert len(Page(body_of(response)).charts) == 3
