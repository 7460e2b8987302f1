"""The physio's review of a questionnaire: who may see it, acknowledging flags, the needling gate, readiness."""

import html
import re
import uuid
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from auditlog.models import LogEntry
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accounts.roles import Role
from patients import safety_state, services
from patients.gate import PatientDecision, ReasonKind
from patients.models import Patient, QuestionnaireResponse, SafetyFlag
from patients.readiness import readiness_for
from patients.safety_rules import FLAG_DEFINITION_BY_CODE, FlagCode, Severity
from tests.factories import ConsentFactory, PatientFactory, SafetyRecheckFactory, UserFactory
from tests.patients.answers import ALL_NO

pytestmark = pytest.mark.django_db

CLINIC = ZoneInfo("America/Vancouver")
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=CLINIC)
DATE_OF_BIRTH = date(1980, 5, 17)
ANSWER_CANARY = "Canary-answer-4Xq9 orchid"
REASON_CANARY = "Canary-reason-8Rt3 fainted in the chair"

# One flag of every severity: HOLD needle phobia, HIGH apixaban, CLARIFY a not-sure, MODERATE heart valve and a
# prior reaction (whose reason carries the canary), LOW latex and controlled diabetes, INFO lung disease.
EVERY_SEVERITY = {
    "A1": "yes",
    "A2": ["apixaban"],
    "H11": "very_afraid",
    "H5": "not_sure",
    "H7": "yes",
    "H12": "yes",
    "H12_DETAILS": REASON_CANARY,
    "H3": ["latex"],
    "H6": "yes",
    "H6_CONTROL": "yes",
    "H9": "yes",
    "H13": ANSWER_CANARY,
}
SEVERITY_ORDER = ["HOLD", "HIGH", "CLARIFY", "MODERATE", "MODERATE", "LOW", "LOW", "INFO"]


def submitted(patient: Patient, **changes: object) -> QuestionnaireResponse:
    """A questionnaire the patient has filled in and sent, with `changes` to all-No answers."""
    link, _ = services.questionnaire_link_issue(
        patient=patient,
        issued_by=UserFactory(username="sam", roles=[Role.FRONT_DESK]),
        link_url=str,
        submission_key=uuid.uuid4(),
    )
    services.questionnaire_confirm_date_of_birth(link=link, date_of_birth=patient.date_of_birth)
    services.questionnaire_save_answers(link=link, answers={**ALL_NO, **changes})
    return services.questionnaire_submit(link=link)


@pytest.fixture
def patient() -> Patient:
    return PatientFactory(given_name="Zebedee", family_name="Quartermaine", date_of_birth=DATE_OF_BIRTH)


@pytest.fixture
def response(patient: Patient) -> QuestionnaireResponse:
    return submitted(patient, **EVERY_SEVERITY)


def flag(response: QuestionnaireResponse, code: str) -> SafetyFlag:
    return response.flags.get(code=code)


def review_url(response: QuestionnaireResponse) -> str:
    return reverse("patients:questionnaire-review", kwargs={"pk": response.patient_id, "response_pk": response.pk})


def acknowledge_url(found: SafetyFlag) -> str:
    return reverse(
        "patients:safety-flag-acknowledge",
        kwargs={"pk": found.response.patient_id, "response_pk": found.response_id, "flag_pk": found.pk},
    )


def acknowledge_low_url(response: QuestionnaireResponse) -> str:
    return reverse(
        "patients:safety-flags-acknowledge-low", kwargs={"pk": response.patient_id, "response_pk": response.pk}
    )


# --- The review page and who may open it ---------------------------------------------------------


def test_the_physio_sees_the_answers_and_the_flags_with_hold_first(
    response: QuestionnaireResponse, physio_client: Client
) -> None:
    page = physio_client.get(review_url(response))

    assert page.status_code == 200
    body = page.content.decode()
    assert ANSWER_CANARY in body
    assert REASON_CANARY in body
    assert "Are you very afraid of needles, or have you fainted during needles or blood tests?" in body
    assert "<td>Very afraid</td>" in body
    assert "Confirmed by the patient as “Zebedee Quartermaine”" in body
    assert f"flags from rules version {response.rules_version}" in body
    shown = re.findall(r'id="flag-\d+-title">\s*<span class="badge [^"]+">(\w+)</span>\s*([^<]+?)\s*<', body)
    assert [severity for severity, _ in shown] == SEVERITY_ORDER
    # Each flag by its title, never its code.
    titles = {FLAG_DEFINITION_BY_CODE[FlagCode(code)].title for code in response.flags.values_list("code", flat=True)}
    assert {html.unescape(title) for _, title in shown} == titles
    assert "Acknowledge all 2 LOW flags" in body


def test_opening_the_review_is_an_audit_event(response: QuestionnaireResponse, physio_client: Client) -> None:
    physio_client.get(review_url(response))

    entry = LogEntry.objects.get_for_object(response).filter(action=LogEntry.Action.ACCESS).get()
    assert entry.actor == physio_client.user


@pytest.mark.parametrize("persona", ["front_desk", "admin"])
def test_front_desk_and_admin_cannot_open_the_review(
    response: QuestionnaireResponse, persona: str, request: pytest.FixtureRequest
) -> None:
    client = request.getfixturevalue(f"{persona}_client")

    page = client.get(review_url(response))

    assert page.status_code == 403
    body = page.content.decode()
    assert ANSWER_CANARY not in body
    assert REASON_CANARY not in body
    assert not LogEntry.objects.get_for_object(response).filter(action=LogEntry.Action.ACCESS).exists()


def test_the_anonymous_are_sent_to_sign_in(response: QuestionnaireResponse, anonymous_client: Client) -> None:
    page = anonymous_client.get(review_url(response))

    assert page.status_code == 302
    assert ANSWER_CANARY not in page.content.decode()


def test_another_patients_response_is_not_found_through_this_chart(
    response: QuestionnaireResponse, physio_client: Client
) -> None:
    other = PatientFactory()
    url = reverse("patients:questionnaire-review", kwargs={"pk": other.pk, "response_pk": response.pk})

    page = physio_client.get(url)

    assert page.status_code == 404
    assert ANSWER_CANARY not in page.content.decode()


def test_a_draft_that_was_never_sent_cannot_be_reviewed(patient: Patient, physio_client: Client) -> None:
    link, _ = services.questionnaire_link_issue(
        patient=patient, issued_by=physio_client.user, link_url=str, submission_key=uuid.uuid4()
    )
    services.questionnaire_confirm_date_of_birth(link=link, date_of_birth=DATE_OF_BIRTH)
    services.questionnaire_save_answers(link=link, answers={"H13": ANSWER_CANARY})
    draft = services.questionnaire_draft(link=link)

    page = physio_client.get(review_url(draft))

    assert page.status_code == 404
    assert ANSWER_CANARY not in page.content.decode()


def test_a_superseded_questionnaire_is_marked_and_offers_no_acknowledgement(
    patient: Patient, response: QuestionnaireResponse, physio_client: Client
) -> None:
    later = submitted(patient)

    earlier_page = physio_client.get(review_url(response)).content.decode()
    later_page = physio_client.get(review_url(later)).content.decode()

    assert "Superseded by a later submission" in earlier_page
    assert ">Acknowledge</button>" not in earlier_page
    assert ">Current</span>" in later_page
    assert "No flags: nothing in the answers calls for a precaution." in later_page


def test_the_review_query_count_does_not_grow_with_the_flags(physio_client: Client) -> None:
    few = submitted(PatientFactory(date_of_birth=DATE_OF_BIRTH), H9="yes")
    many = submitted(PatientFactory(date_of_birth=DATE_OF_BIRTH), **EVERY_SEVERITY)
    services.safety_flag_acknowledge(flag=flag(many, "NEEDLE_PHOBIA"), acknowledged_by=physio_client.user, note="Ok")
    services.safety_flags_acknowledge_low(response=many, acknowledged_by=physio_client.user)
    assert (few.flags.count(), many.flags.count()) == (1, 8)
    physio_client.get(review_url(few))

    with CaptureQueriesContext(connection) as for_few:
        assert physio_client.get(review_url(few)).status_code == 200
    with CaptureQueriesContext(connection) as for_many:
        assert physio_client.get(review_url(many)).status_code == 200

    assert len(for_many) == len(for_few)


# --- Acknowledging flags ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("NEEDLE_PHOBIA", "Record the resolution: why needling may now go ahead, or what stays on hold."),
        ("BLEED_ANTICOAGULANT", "Record the management plan for this flag."),
        ("SCREEN_INCOMPLETE", "Record the real answer, as the patient told you."),
    ],
    ids=["hold-needs-resolution", "high-needs-plan", "clarify-needs-real-answer"],
)
def test_a_serious_flag_is_not_acknowledged_without_its_note(
    response: QuestionnaireResponse, physio_client: Client, code: str, message: str
) -> None:
    target = flag(response, code)

    page = physio_client.post(acknowledge_url(target), {"note": "   "}, follow=True)

    assert page.redirect_chain == [(f"{review_url(response)}#flag-{target.pk}", 302)]
    assert escape(f"{target.title}: {message}") in page.content.decode()
    target.refresh_from_db()
    assert (target.acknowledged_at, target.acknowledged_by, target.acknowledgement_note) == (None, None, "")
    assert not LogEntry.objects.get_for_object(target).filter(action=LogEntry.Action.UPDATE).exists()


@pytest.mark.parametrize(
    ("code", "note"),
    [
        ("NEEDLE_PHOBIA", "Talked it through; the patient wants to try, lying down."),
        ("BLEED_ANTICOAGULANT", "Superficial sites only, fine needles, press each site."),
        ("SCREEN_INCOMPLETE", "No seizures ever; the patient misread the question."),
        ("CARDIAC_VALVE_OR_SURGERY", ""),
        ("LATEX_ALLERGY", ""),
    ],
    ids=["hold", "high", "clarify", "moderate-without-note", "low-on-its-own"],
)
def test_acknowledging_a_flag_is_signed_and_audit_logged(
    response: QuestionnaireResponse, physio_client: Client, code: str, note: str
) -> None:
    target = flag(response, code)

    with time_machine.travel(NOW, tick=False):
        page = physio_client.post(acknowledge_url(target), {"note": f"  {note}  "}, follow=True)

    body = page.content.decode()
    assert escape(f"Acknowledged: {target.title}.") in body
    assert f"Acknowledged by {physio_client.user} on 2026-03-02 10:00" in body
    target.refresh_from_db()
    assert (target.acknowledged_at, target.acknowledged_by, target.acknowledgement_note) == (
        NOW,
        physio_client.user,
        note,
    )
    entry = LogEntry.objects.get_for_object(target).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == physio_client.user
    assert "acknowledged_at" in entry.changes_dict


def test_acknowledging_twice_keeps_the_first_signature(response: QuestionnaireResponse, physio_client: Client) -> None:
    target = flag(response, "BLEED_ANTICOAGULANT")
    physio_client.post(acknowledge_url(target), {"note": "First plan"})
    other_physio = Client()
    other_physio.force_login(UserFactory(username="ali", roles=[Role.PHYSIOTHERAPIST]))

    other_physio.post(acknowledge_url(target), {"note": "Second plan"})

    target.refresh_from_db()
    assert (target.acknowledged_by, target.acknowledgement_note) == (physio_client.user, "First plan")


def test_low_flags_are_acknowledged_together_and_nothing_else(
    response: QuestionnaireResponse, physio_client: Client
) -> None:
    with time_machine.travel(NOW, tick=False):
        page = physio_client.post(acknowledge_low_url(response), follow=True)

    assert "2 LOW flags acknowledged." in page.content.decode()
    acknowledged = response.flags.filter(acknowledged_at__isnull=False)
    assert sorted(acknowledged.values_list("code", flat=True)) == ["DIABETES", "LATEX_ALLERGY"]
    assert {(f.acknowledged_by, f.acknowledged_at) for f in acknowledged} == {(physio_client.user, NOW)}
    assert "Acknowledge all" not in page.content.decode()


def test_low_flags_acknowledged_together_are_audit_logged(
    response: QuestionnaireResponse, physio_client: Client
) -> None:
    physio_client.post(acknowledge_low_url(response))

    for low in response.flags.filter(severity=Severity.LOW):
        entry = LogEntry.objects.get_for_object(low).filter(action=LogEntry.Action.UPDATE).get()
        assert entry.actor == physio_client.user


@pytest.mark.parametrize("persona", ["front_desk", "admin"])
def test_only_a_physio_acknowledges_flags(
    response: QuestionnaireResponse, persona: str, request: pytest.FixtureRequest
) -> None:
    client = request.getfixturevalue(f"{persona}_client")
    target = flag(response, "PRIOR_REACTION")

    one = client.post(acknowledge_url(target), {"note": "Seen"})
    low = client.post(acknowledge_low_url(response))

    assert (one.status_code, low.status_code) == (403, 403)
    assert REASON_CANARY not in one.content.decode() + low.content.decode()
    assert not response.flags.filter(acknowledged_at__isnull=False).exists()


def test_acknowledging_refuses_get(response: QuestionnaireResponse, physio_client: Client) -> None:
    target = flag(response, "LATEX_ALLERGY")

    assert physio_client.get(acknowledge_url(target)).status_code == 405
    assert physio_client.get(acknowledge_low_url(response)).status_code == 405
    assert not response.flags.filter(acknowledged_at__isnull=False).exists()


def test_another_patients_flag_is_not_found_through_this_chart(
    response: QuestionnaireResponse, patient: Patient, physio_client: Client
) -> None:
    other = submitted(PatientFactory(date_of_birth=DATE_OF_BIRTH), H3=["latex"])
    other_flag = other.flags.get()
    through_this_chart = reverse(
        "patients:safety-flag-acknowledge",
        kwargs={"pk": patient.pk, "response_pk": response.pk, "flag_pk": other_flag.pk},
    )
    other_response_here = reverse(
        "patients:safety-flags-acknowledge-low", kwargs={"pk": patient.pk, "response_pk": other.pk}
    )

    assert physio_client.post(through_this_chart, {"note": "x"}).status_code == 404
    assert physio_client.post(other_response_here).status_code == 404
    other_flag.refresh_from_db()
    assert other_flag.acknowledged_at is None


# --- The chart shows the open flags and what holds needling, highest severity first ----------------------------

NEEDLE_PHOBIA_HOLD = (
    "Needling is on hold: Needle phobia. Record the resolution at the questionnaire's review before any needling."
)


def test_the_chart_shows_the_physio_the_highest_open_severity(
    response: QuestionnaireResponse, patient: Patient, physio_client: Client
) -> None:
    before = physio_client.get(patient.get_absolute_url()).content.decode()
    services.safety_flag_acknowledge(
        flag=flag(response, "NEEDLE_PHOBIA"), acknowledged_by=physio_client.user, note="x"
    )
    after = physio_client.get(patient.get_absolute_url()).content.decode()

    # Seven open flags (the INFO one needs no acknowledgement), the HOLD among them holding needling.
    assert "7 flags to acknowledge" in before
    assert "Needling today:" in before
    assert escape(NEEDLE_PHOBIA_HOLD) in before
    # With the HOLD resolved, six are left and the HIGH one leads them.
    assert "6 flags to acknowledge" in after
    assert "Needling is on hold" not in after
    assert "6 safety flags to acknowledge: Takes an anticoagulant; " in after
    assert response.get_absolute_url() in after


def test_the_chart_tells_the_front_desk_only_that_a_physio_must_review(
    response: QuestionnaireResponse, patient: Patient, front_desk_client: Client
) -> None:
    page = front_desk_client.get(patient.get_absolute_url()).content.decode()

    assert "Safety flag: physiotherapist to review" in page
    assert "HOLD" not in page
    assert "Needling today:" not in page
    assert "Needle phobia" not in page
    assert response.get_absolute_url() not in page
    assert ANSWER_CANARY not in page
    assert REASON_CANARY not in page


# --- Whether needling may go ahead today ----------------------------------------------------------------


@pytest.fixture
def consented(patient: Patient) -> Patient:
    ConsentFactory(patient=patient)
    return patient


def decision(patient: Patient) -> PatientDecision:
    return safety_state.patient_decision(patient=patient)


def rechecked(patient: Patient) -> Patient:
    """Today's visit re-check, answered "no change" about the current questionnaire."""
    SafetyRecheckFactory(patient=patient)
    return patient


def spelled(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def test_needling_may_go_ahead_with_a_recent_clear_questionnaire_and_consent(consented: Patient) -> None:
    with time_machine.travel(NOW, tick=False):
        response = submitted(consented)
        before_the_recheck = decision(consented)
        rechecked(consented)
        clearance = decision(consented)

    assert not before_the_recheck.is_clear
    assert [(reason.kind, reason.text) for reason in before_the_recheck.holds] == [
        (
            ReasonKind.RECHECK,
            "Ask the visit's re-check first: since the questionnaire of 2 March 2026, any new or stopped medicine, "
            "illness, operation, pregnancy or bleeding problem?",
        )
    ]
    assert clearance.is_clear
    assert clearance.holds == ()
    assert clearance.questionnaire_on == timezone.localdate(response.submitted_at) == NOW.date()
    assert clearance.flags_to_acknowledge == ()
    assert clearance.flags_in_force == ()


def test_needling_may_go_ahead_once_every_flag_is_acknowledged(consented: Patient) -> None:
    response = submitted(consented, **EVERY_SEVERITY)
    physio = UserFactory(roles=[Role.PHYSIOTHERAPIST])
    for each in response.flags.exclude(severity=Severity.INFO):
        services.safety_flag_acknowledge(flag=each, acknowledged_by=physio, note="Discussed and planned.")
    rechecked(consented)

    clearance = decision(consented)

    assert clearance.is_clear, clearance.holds
    assert clearance.flags_to_acknowledge == ()
    every_code = set(response.flags.values_list("code", flat=True))
    state = safety_state.safety_states([consented.pk])[consented.pk]
    assert {item.flag.code for item in state.flags} == every_code
    # The HOLD, acknowledged with its resolution, no longer holds; every other flag still shapes the sites.
    assert {f.code for f in clearance.flags_in_force} == every_code - {"NEEDLE_PHOBIA"}
    assert {f.severity for f in clearance.flags_in_force} >= {Severity.HIGH, Severity.INFO}
    assert clearance.highest_severity == Severity.HOLD


def test_needling_waits_for_a_questionnaire(consented: Patient) -> None:
    clearance = decision(consented)

    assert not clearance.is_clear
    assert [reason.text for reason in clearance.holds] == [
        "No safety questionnaire has been completed: send the patient the link."
    ]
    assert clearance.holds[0].kind == ReasonKind.QUESTIONNAIRE
    assert clearance.questionnaire == "missing"
    assert clearance.questionnaire_on is None


def test_needling_waits_for_a_new_questionnaire_once_the_answers_are_too_old(
    consented: Patient, settings: Any
) -> None:
    settings.CLINIC_QUESTIONNAIRE_VALID_DAYS = 30
    with time_machine.travel(NOW, tick=False) as traveller:
        submitted(consented)
        traveller.move_to(NOW + timedelta(days=30))
        on_the_last_day = decision(rechecked(consented))
        traveller.move_to(NOW + timedelta(days=31))
        a_day_later = decision(rechecked(consented))

    assert on_the_last_day.is_clear
    assert [reason.text for reason in on_the_last_day.cautions] == [
        "The safety questionnaire expires today (1 April 2026): send a new link."
    ]
    assert not a_day_later.is_clear
    assert [reason.text for reason in a_day_later.holds] == [
        "The safety questionnaire of 2 March 2026 is 31 days old, past the clinic's limit of 30 days: a new one is "
        "needed before needling."
    ]
    assert a_day_later.questionnaire == "expired"


@pytest.mark.parametrize(
    ("acknowledged", "reason"),
    [
        ("LATEX_ALLERGY", NEEDLE_PHOBIA_HOLD),
        ("NEEDLE_PHOBIA", "1 safety flag to acknowledge: Latex allergy."),
    ],
    ids=["hold-left-open", "low-left-open"],
)
def test_needling_waits_for_every_flag_to_be_acknowledged(consented: Patient, acknowledged: str, reason: str) -> None:
    response = submitted(consented, H3=["latex"], H11="very_afraid", H9="yes")
    physio = UserFactory(roles=[Role.PHYSIOTHERAPIST])
    services.safety_flag_acknowledge(flag=flag(response, acknowledged), acknowledged_by=physio, note="Talked it over.")
    rechecked(consented)

    clearance = decision(consented)

    assert not clearance.is_clear
    assert [held.text for held in clearance.holds] == [reason]
    assert [f.code for f in clearance.flags_to_acknowledge] == list(
        {"LATEX_ALLERGY", "NEEDLE_PHOBIA"} - {acknowledged}
    )


def test_needling_waits_for_consent(patient: Patient) -> None:
    submitted(patient)
    rechecked(patient)

    clearance = decision(patient)

    assert not clearance.is_clear
    assert [reason.text for reason in clearance.holds] == ["There is no consent to IMS on file: record it first."]
    assert clearance.consent == "missing"


def test_a_withdrawn_consent_stops_needling(consented: Patient) -> None:
    submitted(consented)
    rechecked(consented)
    withdrawn = services.consent_withdraw(
        consent=consented.consents.get(), withdrawn_by=UserFactory(), reason="Said stop on the phone."
    )

    clearance = decision(consented)

    assert not clearance.is_clear
    assert [reason.text for reason in clearance.holds] == [
        f"The patient withdrew their consent to IMS on {spelled(timezone.localdate(withdrawn.withdrawn_at))}: "
        "record a new consent before needling."
    ]
    assert clearance.consent == "withdrawn"


def test_an_archived_patient_is_not_needled(consented: Patient) -> None:
    submitted(consented)
    rechecked(consented)
    services.patient_archive(patient=consented, archived_by=UserFactory())
    consented.refresh_from_db()

    clearance = decision(consented)

    assert not clearance.is_clear
    assert [reason.text for reason in clearance.holds] == ["The patient is archived."]


def test_only_the_latest_submission_counts_for_needling(consented: Patient) -> None:
    with time_machine.travel(NOW, tick=False) as traveller:
        earlier = submitted(consented, H11="very_afraid")
        traveller.shift(timedelta(hours=1))
        later = submitted(consented)
        rechecked(consented)
        clearance = decision(consented)
        readiness = readiness_for([consented.pk])[consented.pk]

    assert clearance.is_clear, clearance.holds
    assert readiness.current_response_id == later.pk
    assert (clearance.flags_to_acknowledge, clearance.flags_in_force) == ((), ())
    assert earlier.flags.get().acknowledged_at is None


# --- Readiness for several patients at once ------------------------------------------------------------------


def highest_open_severity(found: PatientDecision) -> str | None:
    """The highest severity among the flags still to acknowledge, as the gate reports them."""
    return max((f.severity for f in found.flags_to_acknowledge), key=lambda severity: severity.rank, default=None)


def test_readiness_gives_each_patients_status_and_highest_open_severity() -> None:
    physio = UserFactory(roles=[Role.PHYSIOTHERAPIST])
    not_sent = PatientFactory()
    sent = PatientFactory()
    services.questionnaire_link_issue(patient=sent, issued_by=physio, link_url=str, submission_key=uuid.uuid4())
    on_hold = PatientFactory(date_of_birth=DATE_OF_BIRTH)
    submitted(on_hold, **EVERY_SEVERITY)
    clarify = PatientFactory(date_of_birth=DATE_OF_BIRTH)
    submitted(clarify, H5="not_sure", H7="yes", H3=["latex"])
    acknowledged = PatientFactory(date_of_birth=DATE_OF_BIRTH)
    high_and_low = submitted(acknowledged, A1="yes", A2=["apixaban"], H3=["latex"])
    services.safety_flag_acknowledge(flag=flag(high_and_low, "BLEED_ANTICOAGULANT"), acknowledged_by=physio, note="x")
    information_only = PatientFactory(date_of_birth=DATE_OF_BIRTH)
    submitted(information_only, H9="yes")
    ConsentFactory(patient=information_only)
    SafetyRecheckFactory(patient=information_only)

    readiness = readiness_for([p.pk for p in (not_sent, sent, on_hold, clarify, acknowledged, information_only)])

    summary = {
        name: (
            readiness[p.pk].questionnaire_status,
            highest_open_severity(readiness[p.pk].gate),
            readiness[p.pk].gate.is_clear,
        )
        for name, p in [
            ("not_sent", not_sent),
            ("sent", sent),
            ("on_hold", on_hold),
            ("clarify", clarify),
            ("acknowledged", acknowledged),
            ("information_only", information_only),
        ]
    }
    assert summary == {
        "not_sent": ("not_sent", None, False),
        "sent": ("sent", None, False),
        "on_hold": ("completed", "HOLD", False),
        "clarify": ("completed", "CLARIFY", False),
        "acknowledged": ("completed", "LOW", False),
        "information_only": ("completed", None, True),
    }
    assert readiness[not_sent.pk].questionnaire_label == "Questionnaire not sent"
    assert readiness[on_hold.pk].questionnaire_label == "Questionnaire completed"


def patients_with_questionnaires(count: int) -> list[int]:
    ids = []
    for index in range(count):
        patient = PatientFactory(date_of_birth=DATE_OF_BIRTH)
        if index % 3:
            submitted(patient, **EVERY_SEVERITY)
            ConsentFactory(patient=patient)
        else:
            services.questionnaire_link_issue(
                patient=patient, issued_by=UserFactory(), link_url=str, submission_key=uuid.uuid4()
            )
        ids.append(patient.pk)
    return ids


def test_readiness_takes_the_same_few_queries_for_2_or_20_patients(django_assert_num_queries: Any) -> None:
    two, twenty = patients_with_questionnaires(2), patients_with_questionnaires(20)

    with CaptureQueriesContext(connection) as for_two:
        assert len(readiness_for(two)) == 2
    # The gate's snapshot, the current questionnaires' flags, and the newest links with their issuers.
    with django_assert_num_queries(3), CaptureQueriesContext(connection) as for_twenty:
        readiness = readiness_for(twenty)

    assert len(for_twenty) == len(for_two)
    assert sum(highest_open_severity(r.gate) == "HOLD" for r in readiness.values()) == 13
    assert not any(r.gate.is_clear for r in readiness.values())


def test_readiness_for_nobody_asks_nothing(django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        assert readiness_for([]) == {}


def test_a_flag_raised_today_is_open_until_acknowledged() -> None:
    patient = PatientFactory(date_of_birth=DATE_OF_BIRTH)
    response = submitted(patient, H3=["latex"])

    [stored] = response.flags.all()

    assert stored.is_open
    assert (stored.severity, stored.severity_rank) == ("LOW", Severity.LOW.rank)
    assert stored.acknowledged_at is None
    assert response.submitted_at <= timezone.now()
