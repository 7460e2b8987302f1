"""The visit's re-check (5.6, R35): no change, the changes as an amendment of the questionnaire, or a new one."""

import uuid
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from patients import services
from patients.forms import SafetyRecheckForm
from patients.models import (
    Patient,
    QuestionnaireLink,
    QuestionnaireResponse,
    RecheckAnswer,
    SafetyFlag,
    SafetyRecheck,
)
from patients.safety_state import patient_decision
from tests.factories import PatientFactory, UserFactory
from tests.patients.answers import ALL_NO

pytestmark = pytest.mark.django_db

CLINIC = ZoneInfo("America/Vancouver")
SCREENED = datetime(2026, 11, 14, 9, 0, tzinfo=CLINIC)
VISIT = datetime(2026, 12, 7, 10, 0, tzinfo=CLINIC)
WARFARIN = {"A1": "yes", "A2": ["warfarin"], "A3": "2.4", "A4": "2026-11-12", "A5": ["2", "3"]}


@pytest.fixture
def physio() -> Any:
    return UserFactory(username="maya", first_name="Maya", last_name="Singh", roles=[Role.PHYSIOTHERAPIST])


def submitted(patient: Patient, **changes: object) -> QuestionnaireResponse:
    """The patient's questionnaire, sent on 14 November, its flags acknowledged."""
    with time_machine.travel(SCREENED, tick=False):
        link, _ = services.questionnaire_link_issue(
            patient=patient, issued_by=UserFactory(), link_url=str, submission_key=uuid.uuid4(), send_email=False
        )
        services.questionnaire_confirm_date_of_birth(link=link, date_of_birth=patient.date_of_birth)
        services.questionnaire_save_answers(link=link, answers={**ALL_NO, **changes})
        response = services.questionnaire_submit(link=link)
        for flag in response.flags.all():
            if flag.is_open:
                services.safety_flag_acknowledge(flag=flag, acknowledged_by=UserFactory(), note="Planned.")
    return response


def flags_of(response: QuestionnaireResponse) -> dict[str, SafetyFlag]:
    return {flag.code: flag for flag in response.flags.all()}


def record(patient: Patient, physio: Any, answer: str, **kwargs: Any) -> SafetyRecheck:
    with time_machine.travel(VISIT, tick=False):
        return services.safety_recheck_record(patient=patient, asked_by=physio, answer=answer, **kwargs)


def saved_counts() -> tuple[int, int, int, int]:
    return (
        SafetyRecheck.objects.count(),
        QuestionnaireResponse.objects.count(),
        SafetyFlag.objects.count(),
        QuestionnaireLink.objects.count(),
    )


# --- No change -------------------------------------------------------------------------------------------------


def test_no_change_is_stored_and_clears_the_gates_re_check(physio: Any) -> None:
    patient = PatientFactory()
    response = submitted(patient)

    recheck = record(patient, physio, RecheckAnswer.NO_CHANGE, note="Asked at the desk.")

    assert (recheck.questionnaire, recheck.amendment, recheck.link, recheck.changes) == (response, None, None, {})
    assert (recheck.asked_by, recheck.note) == (physio, "Asked at the desk.")
    assert services.current_questionnaire(patient=patient) == response
    assert patient_decision(patient=patient, today=VISIT.date()).recheck == "no_change"


def test_the_same_answer_twice_in_a_day_records_one_re_check(physio: Any) -> None:
    patient = PatientFactory()
    submitted(patient)

    first = record(patient, physio, RecheckAnswer.NO_CHANGE)
    second = record(patient, physio, RecheckAnswer.NO_CHANGE)

    assert first == second
    assert SafetyRecheck.objects.count() == 1


# --- Changes recorded -----------------------------------------------------------------------------------------


def test_a_new_apixaban_raises_an_open_anticoagulant_flag_and_the_stale_screen_and_keeps_earlier_acknowledgements(
    physio: Any,
) -> None:
    patient = PatientFactory()
    original = submitted(patient, H5="yes", H3=["latex"])
    earlier = flags_of(original)

    recheck = record(patient, physio, RecheckAnswer.CHANGES_RECORDED, changes={"medicines_started": "apixaban"})

    amendment = recheck.amendment
    assert services.current_questionnaire(patient=patient) == amendment
    assert (amendment.amends, amendment.recorded_by, amendment.link) == (original, physio, None)
    assert amendment.screened_at == original.screened_at
    assert amendment.questionnaire_version == original.questionnaire_version
    assert "apixaban" in amendment.answers["H13"]
    flags = flags_of(amendment)
    assert flags["BLEED_ANTICOAGULANT"].severity == "HIGH"
    assert flags["BLEED_ANTICOAGULANT"].is_open
    assert flags["SCREEN_STALE"].severity == "CLARIFY" and flags["SCREEN_STALE"].is_open
    assert "the clinician recorded" in flags["SCREEN_STALE"].reason
    for code in ("EPILEPSY", "LATEX_ALLERGY"):
        assert flags[code].acknowledged_at == earlier[code].acknowledged_at
        assert flags[code].acknowledged_by == earlier[code].acknowledged_by
        assert flags[code].acknowledgement_note == earlier[code].acknowledgement_note
    assert amendment.risk_level == "HIGH"
    assert recheck.changes == {"medicines_started": "apixaban"}
    state = patient_decision(patient=patient, today=VISIT.date())
    assert state.recheck == "changes_recorded"
    assert state.questionnaire_on == date(2026, 11, 14)


def test_a_flag_raised_again_on_new_grounds_is_open_again(physio: Any) -> None:
    patient = PatientFactory()
    submitted(patient, H8="yes", H8_WHERE="left knee")

    recheck = record(patient, physio, RecheckAnswer.CHANGES_RECORDED, changes={"operation": "right shoulder"})

    surgery = flags_of(recheck.amendment)["RECENT_SURGERY"]
    assert surgery.is_open
    assert recheck.amendment.answers["H8_WHERE"] == "left knee; right shoulder"


def test_stopping_warfarin_drops_the_anticoagulant_flags(physio: Any) -> None:
    patient = PatientFactory()
    original = submitted(patient, **WARFARIN)
    assert "BLEED_ANTICOAGULANT" in flags_of(original)

    recheck = record(patient, physio, RecheckAnswer.CHANGES_RECORDED, changes={"medicines_stopped": ["A2:warfarin"]})

    answers = recheck.amendment.answers
    assert answers["A1"] == "no" and "A2" not in answers
    codes = set(flags_of(recheck.amendment))
    assert not codes & {"BLEED_ANTICOAGULANT", "INR_UNKNOWN_OR_STALE", "INR_ABOVE_RANGE"}
    assert codes == {"SCREEN_STALE"}


def test_pregnancy_raises_the_pregnancy_flag(physio: Any) -> None:
    patient = PatientFactory()
    submitted(patient)

    recheck = record(patient, physio, RecheckAnswer.CHANGES_RECORDED, changes={"pregnancy": True})

    assert recheck.amendment.answers["H1"] == "yes"
    assert flags_of(recheck.amendment)["PREGNANCY"].is_open


def test_a_bleeding_problem_and_a_new_illness_are_written_into_the_answers(physio: Any) -> None:
    patient = PatientFactory()
    submitted(patient)

    recheck = record(
        patient,
        physio,
        RecheckAnswer.CHANGES_RECORDED,
        changes={"bleeding_problem": True, "new_condition": "liver disease"},
    )

    answers = recheck.amendment.answers
    assert answers["F2"] == "yes"
    assert "New since the questionnaire: liver disease" in answers["H13"]
    assert {"BLEED_HISTORY_MINOR", "BLEED_LIVER"} <= set(flags_of(recheck.amendment))


def test_the_stopped_options_are_the_medicines_the_answers_record_in_words() -> None:
    patient = PatientFactory()
    response = submitted(
        patient, **WARFARIN, B1="yes", C1="yes", D1="yes", D1_NAME="sertraline", E1=["garlic", "fish_oil"]
    )

    assert services.recheck_stopped_options(response) == [
        ("A2:warfarin", "Warfarin (Coumadin)"),
        ("B1", "Aspirin"),
        ("C1", "Anti-inflammatory pain pills"),
        ("D1", "Mood medicine (sertraline)"),
        ("E1:fish_oil", "Fish oil/omega-3"),
        ("E1:garlic", "Garlic pills"),
    ]


def test_stopping_every_supplement_and_aspirin_answers_none_and_no(physio: Any) -> None:
    patient = PatientFactory()
    submitted(patient, B1="yes", E1=["garlic"])

    recheck = record(
        patient, physio, RecheckAnswer.CHANGES_RECORDED, changes={"medicines_stopped": ["B1", "E1:garlic"]}
    )

    answers = recheck.amendment.answers
    assert (answers["B1"], answers["E1"]) == ("no", ["none"])
    assert set(flags_of(recheck.amendment)) == {"SCREEN_STALE"}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({}, "changes"),
        ({"medicines_started": "  ", "pregnancy": False}, "changes"),
        ({"medicines_stopped": ["A2:warfarin"]}, "medicines_stopped"),  # not on the questionnaire
        ({"medicines_stopped": "B1"}, "medicines_stopped"),
        ({"medicines_started": "x" * 501}, "medicines_started"),
        ({"new_condition": 12}, "new_condition"),
        ({"pregnancy": "yes"}, "pregnancy"),
        ({"operation": ["knee"]}, "operation"),
        ({"weight": "80 kg"}, "changes"),
    ],
)
def test_bad_changes_are_refused_at_their_name_and_nothing_is_saved(
    physio: Any, changes: dict[str, Any], field: str
) -> None:
    patient = PatientFactory()
    submitted(patient)
    before = saved_counts()

    with pytest.raises(ValidationError) as refused:
        record(patient, physio, RecheckAnswer.CHANGES_RECORDED, changes=changes)

    assert field in refused.value.message_dict
    assert saved_counts() == before


def test_an_other_medicines_answer_over_500_characters_is_refused(physio: Any) -> None:
    patient = PatientFactory()
    submitted(patient, H13="y" * 480)
    before = saved_counts()

    with pytest.raises(ValidationError) as refused:
        record(patient, physio, RecheckAnswer.CHANGES_RECORDED, changes={"medicines_started": "apixaban"})

    assert "over 500 characters" in refused.value.message_dict["medicines_started"][0]
    assert saved_counts() == before


def test_after_changes_are_recorded_no_other_re_check_is_taken_that_day(physio: Any) -> None:
    patient = PatientFactory()
    submitted(patient)
    first = record(patient, physio, RecheckAnswer.CHANGES_RECORDED, changes={"pregnancy": True})

    again = record(patient, physio, RecheckAnswer.CHANGES_RECORDED, changes={"bleeding_problem": True})
    with pytest.raises(ValidationError, match="Today's re-check is already recorded"):
        record(patient, physio, RecheckAnswer.NO_CHANGE)

    assert again == first
    assert SafetyRecheck.objects.count() == 1
    assert QuestionnaireResponse.objects.filter(amends__isnull=False).count() == 1


def test_a_patient_without_a_questionnaire_or_archived_is_refused(physio: Any) -> None:
    patient = PatientFactory()
    with pytest.raises(ValidationError, match="no safety questionnaire"):
        record(patient, physio, RecheckAnswer.NO_CHANGE)

    submitted(patient)
    services.patient_archive(patient=patient, archived_by=physio)
    with pytest.raises(ValidationError, match="archived"):
        record(patient, physio, RecheckAnswer.NO_CHANGE)
    assert SafetyRecheck.objects.count() == 0


# --- A new questionnaire ---------------------------------------------------------------------------------------


def test_a_new_questionnaire_revokes_the_open_link_and_e_mails_a_new_one(
    physio: Any, django_capture_on_commit_callbacks: Any
) -> None:
    patient = PatientFactory(email="pat@example.com")
    submitted(patient)
    with time_machine.travel(SCREENED, tick=False):
        old_link, _ = services.questionnaire_link_issue(
            patient=patient, issued_by=physio, link_url=str, submission_key=uuid.uuid4(), send_email=False
        )

    with django_capture_on_commit_callbacks(execute=True):
        recheck = record(patient, physio, RecheckAnswer.NEW_QUESTIONNAIRE, link_url=lambda token: f"/q/{token}/")

    assert recheck.link is not None and recheck.link.is_usable
    assert recheck.link_token
    old_link.refresh_from_db()
    assert old_link.revoked_at is not None
    assert [message.to for message in mail.outbox] == [["pat@example.com"]]
    assert f"/q/{recheck.link_token}/" in mail.outbox[0].body
    assert patient_decision(patient=patient, today=VISIT.date()).recheck == "awaiting_questionnaire"


# --- The form --------------------------------------------------------------------------------------------------


def test_the_form_asks_about_the_questionnaires_day_and_offers_its_medicines_in_words() -> None:
    response = submitted(PatientFactory(), **WARFARIN)

    form = SafetyRecheckForm(questionnaire=response)

    assert form.fields["answer"].label == (
        "Since your questionnaire of 14 November, have you started or stopped any medicine, or had a new illness, "
        "an operation, a pregnancy or a bleeding problem?"
    )
    assert [label for _, label in form.fields["answer"].choices] == [
        "No",
        "Yes: record what changed",
        "Yes: send a new questionnaire",
    ]
    assert form.fields["medicines_stopped"].choices == [("A2:warfarin", "Warfarin (Coumadin)")]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "answer", "Answer the re-check question."),
        (
            {"answer": "changes_recorded"},
            "__all__",
            "Record at least one change below, or answer that nothing changed.",
        ),
        ({"answer": "changes_recorded", "medicines_stopped": ["B1"]}, "medicines_stopped", "Select a valid choice."),
        ({"answer": "changes_recorded", "operation": "k" * 501}, "operation", "at most 500 characters"),
    ],
)
def test_the_form_refuses_bad_input_at_the_field(data: dict[str, Any], field: str, message: str) -> None:
    form = SafetyRecheckForm(data, questionnaire=submitted(PatientFactory()))

    assert not form.is_valid()
    assert any(message in error for error in form.errors[field])


def test_the_review_page_of_an_amendment_says_when_and_by_whom_and_links_to_what_it_amends(
    physio: Any, physio_client: Client
) -> None:
    patient = PatientFactory()
    original = submitted(patient)
    recheck = record(patient, physio, RecheckAnswer.CHANGES_RECORDED, changes={"medicines_started": "apixaban"})

    page = physio_client.get(recheck.amendment.get_absolute_url()).content.decode()

    assert "Updated at the visit of 7 December 2026 by Maya Singh: Started: apixaban." in page
    assert f'href="{original.get_absolute_url()}"' in page
    anticoagulant = recheck.amendment.flags.get(code="BLEED_ANTICOAGULANT")
    assert (
        reverse("patients:safety-flag-acknowledge", args=[patient.pk, recheck.amendment.pk, anticoagulant.pk]) in page
    )
