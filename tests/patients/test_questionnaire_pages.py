"""The patient's path through the questionnaire: date of birth, sections, follow-ups, autosave, errors, submit."""

import html
import re
import uuid
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from patients import safety_rules, services
from patients.models import Patient, QuestionnaireLink, QuestionnaireResponse, SafetyFlag
from patients.questionnaire_forms import SECTION_BY_CODE
from patients.safety_rules import AnswerType, evaluate, validate_answers, visible_questions
from tests.factories import PatientFactory, UserFactory
from tests.patients.answers import ALL_NO

pytestmark = pytest.mark.django_db

CLINIC = ZoneInfo("America/Vancouver")
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=CLINIC)
TODAY = NOW.date()
DATE_OF_BIRTH = date(1980, 5, 17)
CANARY = "Canary-7Q2-orchid"

WARFARIN_RECENT_INR = {
    "A1": "yes",
    "A2": ["warfarin"],
    "A3": "2.5",
    "A4": (TODAY - timedelta(days=2)).isoformat(),
    "A5": ["2", "3"],
}
USUAL_SECTIONS = [
    "blood_thinners",
    "platelet_medicines",
    "pain_medicines",
    "mood_medicines",
    "supplements",
    "bleeding_history",
    "conditions",
    "other_safety",
    "confirm",
]


@pytest.fixture(autouse=True)
def clinic_morning() -> Any:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def patient() -> Patient:
    return PatientFactory(
        given_name="Zebedee", family_name="Quartermaine", date_of_birth=DATE_OF_BIRTH, email="zeb@example.com"
    )


@pytest.fixture
def link_and_token(patient: Patient) -> tuple[QuestionnaireLink, str]:
    return services.questionnaire_link_issue(
        patient=patient,
        issued_by=UserFactory(roles=[Role.FRONT_DESK]),
        link_url=lambda token: f"http://testserver/q/{token}/",
        submission_key=uuid.uuid4(),
    )


@pytest.fixture
def token(link_and_token: tuple[QuestionnaireLink, str]) -> str:
    return link_and_token[1]


@pytest.fixture
def link(link_and_token: tuple[QuestionnaireLink, str]) -> QuestionnaireLink:
    return link_and_token[0]


def start_url(token: str) -> str:
    return reverse("questionnaire:start", kwargs={"token": token})


def section_url(token: str, section: str) -> str:
    return reverse("questionnaire:section", kwargs={"token": token, "section": section})


def autosave_url(token: str, section: str) -> str:
    return reverse("questionnaire:autosave", kwargs={"token": token, "section": section})


def confirm_date_of_birth(client: Client, token: str) -> str:
    response = client.post(start_url(token), {"date_of_birth": DATE_OF_BIRTH.isoformat()})
    assert response.status_code == 302, response.content.decode()
    return response["Location"]


def form_data(section: str, answers: dict[str, Any], *, visible: set[str] | None = None) -> dict[str, Any]:
    """What the section's form posts for these answers; `visible` defaults to what the page's script would list."""
    questions = SECTION_BY_CODE[section].questions
    data: dict[str, Any] = {"go": "next"}
    for question in questions:
        value = answers.get(question.code)
        if value is None:
            continue
        if question.answer_type is AnswerType.NUMBER_RANGE:
            if value == safety_rules.DONT_KNOW:
                data[f"{question.code}__dont_know"] = "on"
            else:
                data[f"{question.code}__low"], data[f"{question.code}__high"] = value
        elif question.answer_type is AnswerType.CONFIRM:
            if value:
                data[question.code] = "on"
        else:
            data[question.code] = value
    if visible is None:
        codes = {question.code for question in questions}
        visible = {question.code for question in visible_questions(answers) if question.code in codes}
    data["visible"] = " ".join(sorted(visible))
    return data


def section_of(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[1]


def answer_every_section(client: Client, token: str, answers: dict[str, Any]) -> tuple[list[str], HttpResponse]:
    """Confirm the date of birth, then answer each page and press Next until the last page is sent."""
    url = confirm_date_of_birth(client, token)
    visited: list[str] = []
    for _ in range(len(SECTION_BY_CODE) + 1):
        visited.append(section_of(url))
        response = client.post(url, form_data(section_of(url), answers))
        if response.status_code != 302:
            return visited, response
        url = response["Location"]
    raise AssertionError(f"the questionnaire never ended: {visited}")


def error_at(response: HttpResponse, code: str) -> str | None:
    found = re.search(rf'id="error-{code}" role="alert">([^<]*)</div>', response.content.decode())
    return html.unescape(found.group(1)) if found else None


def question_wrapper(response: HttpResponse, code: str) -> str:
    found = re.search(rf'<div class="q-question mb-4" data-question="{code}"[^>]*>', response.content.decode())
    assert found, f"{code} is not on the page"
    return found.group(0)


def rules_message(answers: dict[str, Any], code: str) -> str:
    return validate_answers(
        {"Q0_2": DATE_OF_BIRTH.isoformat(), **answers}, today=TODAY, expected_date_of_birth=DATE_OF_BIRTH
    )[code]


# --- The date of birth comes first -------------------------------------------------------------


def test_the_first_page_shows_only_the_clinic_and_the_first_name(token: str) -> None:
    page = Client().get(start_url(token))

    body = page.content.decode()
    assert page.status_code == 200
    assert "Hello Zebedee" in body
    assert "IMS Clinic" in body
    assert "Quartermaine" not in body
    assert "1980" not in body
    assert "Your date of birth" in body
    assert safety_rules.QUESTION_BY_CODE["A1"].text not in body
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    assert page["Referrer-Policy"] == "same-origin"


def test_no_question_is_shown_before_the_date_of_birth_is_confirmed(token: str, link: QuestionnaireLink) -> None:
    page = Client().get(section_url(token, "blood_thinners"))

    assert page.status_code == 302
    assert page["Location"] == start_url(token)
    assert not QuestionnaireResponse.objects.filter(link=link).exists()


def test_a_wrong_date_of_birth_is_explained_at_the_field_which_takes_the_focus(
    token: str, link: QuestionnaireLink
) -> None:
    page = Client().post(start_url(token), {"date_of_birth": "1980-05-18"})

    body = page.content.decode()
    assert page.status_code == 200
    assert re.search(
        r'value="1980-05-18" aria-invalid="true" aria-describedby="dob-error" autofocus required>\s*'
        r'<div class="invalid-feedback" id="dob-error" role="alert">This date of birth does not match our records. '
        r"Check it and try again, or call the clinic.</div>",
        body,
    )
    link.refresh_from_db()
    assert link.failed_date_of_birth_attempts == 1


def test_a_missing_date_of_birth_is_explained_at_the_field(token: str, link: QuestionnaireLink) -> None:
    page = Client().post(start_url(token), {"date_of_birth": ""})

    assert 'id="dob-error" role="alert">Enter your date of birth.</div>' in page.content.decode()
    link.refresh_from_db()
    assert link.failed_date_of_birth_attempts == 0


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "1899-12-31", "2101-01-01"])
def test_a_date_of_birth_outside_the_clinics_range_is_explained_and_not_counted_as_a_wrong_try(
    token: str, link: QuestionnaireLink, value: str
) -> None:
    page = Client().post(start_url(token), {"date_of_birth": value})

    assert page.status_code == 200
    assert (
        'id="dob-error" role="alert">Enter a date between 1 January 1900 and 31 December 2100.</div>'
        in page.content.decode()
    )
    link.refresh_from_db()
    assert link.failed_date_of_birth_attempts == 0


# --- Sections and follow-ups --------------------------------------------------------------------


def test_the_sections_come_in_order_without_the_warfarin_section_when_warfarin_is_not_taken(token: str) -> None:
    visited, last = answer_every_section(Client(), token, ALL_NO)

    assert visited == USUAL_SECTIONS
    assert "Thank you" in last.content.decode()


def test_the_warfarin_section_comes_after_blood_thinners_when_warfarin_is_ticked(token: str) -> None:
    visited, _ = answer_every_section(Client(), token, {**ALL_NO, **WARFARIN_RECENT_INR})

    assert visited == ["blood_thinners", "warfarin", *USUAL_SECTIONS[1:]]


def test_a_follow_up_is_shown_after_next_without_javascript(token: str, link: QuestionnaireLink) -> None:
    client = Client()
    url = confirm_date_of_birth(client, token)
    before = client.get(url)
    assert " hidden" in question_wrapper(before, "A2")

    after = client.post(url, {"A1": "yes", "visible": "A1", "go": "next"})

    assert section_of(after.request["PATH_INFO"]) == "blood_thinners"
    assert " hidden" not in question_wrapper(after, "A2")
    assert "Which one(s)?" in after.content.decode()
    assert re.search(r'name="A1" value="yes" id="[^"]+" checked', after.content.decode())
    assert services.questionnaire_draft(link=link).answers["A1"] == "yes"


def test_an_optional_follow_up_opened_by_next_is_announced_not_reported_as_an_error(token: str) -> None:
    client = Client()
    confirm_date_of_birth(client, token)

    after = client.post(section_url(token, "mood_medicines"), {"D1": "yes", "visible": "D1", "go": "next"})

    assert after.status_code == 200
    assert "Your answer opened a few more questions below." in after.content.decode()
    assert " hidden" not in question_wrapper(after, "D1_NAME")
    assert error_at(after, "D1_NAME") is None


def test_a_required_follow_up_opened_by_next_is_announced_not_reported_as_an_error(token: str) -> None:
    client = Client()
    url = confirm_date_of_birth(client, token)

    after = client.post(url, {"A1": "yes", "visible": "A1", "go": "next"})

    assert after.status_code == 200
    assert "Your answer opened a few more questions below." in after.content.decode()
    assert error_at(after, "A2") is None


def test_next_moves_on_once_the_follow_ups_are_answered(token: str) -> None:
    client = Client()
    url = confirm_date_of_birth(client, token)
    client.post(url, {"A1": "yes", "visible": "A1", "go": "next"})

    moved = client.post(url, {"A1": "yes", "A2": ["apixaban"], "visible": "A1 A2", "go": "next"})

    assert moved.status_code == 302
    assert moved["Location"] == section_url(token, "platelet_medicines")


def test_back_keeps_the_answers_and_goes_to_the_previous_section(token: str, link: QuestionnaireLink) -> None:
    client = Client()
    confirm_date_of_birth(client, token)
    client.post(section_url(token, "blood_thinners"), form_data("blood_thinners", ALL_NO))

    back = client.post(section_url(token, "platelet_medicines"), {"B1": "yes", "visible": "B1 B2", "go": "back"})

    assert back["Location"] == section_url(token, "blood_thinners")
    assert services.questionnaire_draft(link=link).answers["B1"] == "yes"


def test_enter_in_a_field_goes_on_because_next_is_the_forms_first_button(token: str) -> None:
    """A browser's Enter in a field presses the form's first submit button; Back first sent the patient back."""
    client = Client()
    confirm_date_of_birth(client, token)
    client.post(section_url(token, "blood_thinners"), form_data("blood_thinners", ALL_NO))

    page = client.get(section_url(token, "platelet_medicines")).content.decode()

    form = page[page.index('<form method="post"') : page.index("</form>")]
    buttons = re.findall(r'<button type="submit" name="go" value="(\w+)"', form)
    assert buttons == ["next", "back"]


# --- Saved as the patient goes ----------------------------------------------------------------------


def test_autosave_keeps_answers_and_a_new_session_resumes_after_the_date_of_birth(
    token: str, link: QuestionnaireLink
) -> None:
    first_visit = Client()
    confirm_date_of_birth(first_visit, token)

    saved = first_visit.post(autosave_url(token, "blood_thinners"), {"A1": "yes", "A2": ["warfarin"]})

    assert saved.status_code == 200
    assert saved.content.decode() == "Saved at 10:00."
    assert services.questionnaire_draft(link=link).answers["A2"] == ["warfarin"]
    second_visit = Client()
    assert second_visit.get(section_url(token, "blood_thinners"))["Location"] == start_url(token)
    resumed = second_visit.get(confirm_date_of_birth(second_visit, token))
    body = resumed.content.decode()
    assert re.search(r'name="A1" value="yes" id="[^"]+" checked', body)
    assert re.search(r'name="A2" value="warfarin" id="[^"]+" checked', body)
    assert "Step 1 of 10" in body


def test_autosave_needs_the_date_of_birth_first(token: str, link: QuestionnaireLink) -> None:
    refused = Client().post(autosave_url(token, "blood_thinners"), {"A1": "yes"})

    assert refused.status_code == 403
    assert not QuestionnaireResponse.objects.filter(link=link).exclude(answers={}).exists()


def test_each_next_saves_the_page(token: str, link: QuestionnaireLink) -> None:
    client = Client()
    confirm_date_of_birth(client, token)

    client.post(section_url(token, "blood_thinners"), form_data("blood_thinners", ALL_NO))
    client.post(section_url(token, "platelet_medicines"), form_data("platelet_medicines", {"B1": "not_sure"}))

    answers = services.questionnaire_draft(link=link).answers
    assert (answers["A1"], answers["B1"]) == ("no", "not_sure")
    assert answers["Q0_2"] == DATE_OF_BIRTH.isoformat()


# --- Bad input: a message at the field, answers kept -------------------------------------------------


def on_warfarin_section(client: Client, token: str) -> None:
    confirm_date_of_birth(client, token)
    response = client.post(section_url(token, "blood_thinners"), form_data("blood_thinners", WARFARIN_RECENT_INR))
    assert response["Location"] == section_url(token, "warfarin")


@pytest.mark.parametrize(
    ("section", "change", "code"),
    [
        ("warfarin", {"A3": "25"}, "A3"),
        ("warfarin", {"A3": "2.55"}, "A3"),
        ("warfarin", {"A4": (TODAY + timedelta(days=1)).isoformat()}, "A4"),
        ("warfarin", {"A4": "2026-02-30"}, "A4"),
        ("warfarin", {"A5": ["3", "2"]}, "A5"),
        ("blood_thinners", {"A1": None}, "A1"),
        ("confirm", {"Z1": False}, "Z1"),
        ("confirm", {"Z1_NAME": ""}, "Z1_NAME"),
    ],
    ids=[
        "impossible-inr",
        "inr-two-decimals",
        "future-inr-date",
        "impossible-date",
        "range-backwards",
        "missing-required",
        "missing-confirmation",
        "missing-name",
    ],
)
def test_bad_input_is_explained_at_the_field_with_the_answers_kept(
    token: str, link: QuestionnaireLink, section: str, change: dict[str, Any], code: str
) -> None:
    client = Client()
    on_warfarin_section(client, token)
    answers = {**ALL_NO, **WARFARIN_RECENT_INR, **change}
    answers = {key: value for key, value in answers.items() if value is not None}

    page = client.post(section_url(token, section), form_data(section, answers))

    assert page.status_code == 400
    assert error_at(page, code) == rules_message(answers, code)
    body = page.content.decode()
    assert "Please answer the questions marked below. Your other answers are kept." in body
    kept = {"warfarin": 'value="2026-02-28"', "confirm": ">Zebedee Quartermaine</textarea>"}.get(section)
    if kept and code not in {"A4", "Z1_NAME"}:
        assert kept in body
    link.refresh_from_db()
    assert link.submitted_at is None
    assert not QuestionnaireResponse.objects.submitted().exists()


def test_an_over_long_text_is_explained_at_the_field(token: str, link: QuestionnaireLink) -> None:
    client = Client()
    confirm_date_of_birth(client, token)
    answers = {**ALL_NO, "H13": "x" * 501}

    page = client.post(section_url(token, "other_safety"), form_data("other_safety", answers))

    assert page.status_code == 400
    assert error_at(page, "H13") == rules_message(answers, "H13")


def test_an_over_long_text_keeps_the_page_and_the_typed_text_and_cannot_be_sent(
    token: str, link: QuestionnaireLink
) -> None:
    client = Client()
    confirm_date_of_birth(client, token)

    page = client.post(section_url(token, "other_safety"), form_data("other_safety", {**ALL_NO, "H13": "x" * 501}))

    assert "Other safety" in page.content.decode()
    assert "x" * 501 in page.content.decode()
    assert services.questionnaire_draft(link=link).answers["H13"] == "x" * 501
    link.refresh_from_db()
    assert link.submitted_at is None


def test_text_beyond_any_reason_is_refused_by_the_form_and_not_saved(token: str, link: QuestionnaireLink) -> None:
    client = Client()
    confirm_date_of_birth(client, token)

    page = client.post(section_url(token, "other_safety"), form_data("other_safety", {**ALL_NO, "H13": "x" * 5001}))

    assert page.status_code == 400
    assert "Ensure this value has at most 5000 characters" in page.content.decode()
    assert "H13" not in services.questionnaire_draft(link=link).answers


def test_sending_with_an_earlier_required_answer_missing_is_refused(token: str, link: QuestionnaireLink) -> None:
    client = Client()
    confirm_date_of_birth(client, token)

    sent = client.post(section_url(token, "confirm"), form_data("confirm", ALL_NO), follow=True)

    assert sent.redirect_chain == [(section_url(token, "blood_thinners") + "?check=1", 302)]
    assert sent.status_code == 400
    assert error_at(sent, "A1") == rules_message({}, "A1")
    link.refresh_from_db()
    assert link.submitted_at is None
    assert not QuestionnaireResponse.objects.submitted().exists()
    assert not SafetyFlag.objects.exists()


# --- Submission ------------------------------------------------------------------------------------


def test_submitting_stores_the_answers_unchanged_with_the_rules_flags(
    token: str, link: QuestionnaireLink, patient: Patient
) -> None:
    answers = {**ALL_NO, **WARFARIN_RECENT_INR, "H13": CANARY}

    _, thanks = answer_every_section(Client(), token, answers)

    assert thanks.status_code == 200
    response = QuestionnaireResponse.objects.get()
    assert (response.link, response.patient) == (link, patient)
    assert response.submitted_at == NOW
    assert response.questionnaire_version == response.rules_version == safety_rules.RULES_VERSION
    assert response.confirmed_name == "Zebedee Quartermaine"
    assert {code: response.answers[code] for code in answers} == answers
    assert response.answers["Q0_2"] == DATE_OF_BIRTH.isoformat()
    link.refresh_from_db()
    assert link.submitted_at == NOW
    expected = evaluate(response.answers, settings=services.safety_settings(), today=TODAY, submitted_on=TODAY)
    assert "BLEED_ANTICOAGULANT" in expected.codes
    stored = SafetyFlag.objects.filter(response=response)
    assert sorted((f.code, f.severity, f.reason) for f in stored) == sorted(
        (f.code.value, f.severity.value, f.reason) for f in expected.flags
    )
    assert {f.rules_version for f in stored} == {safety_rules.RULES_VERSION}
    assert response.risk_level == expected.risk_level.value


@pytest.mark.parametrize(
    ("setting", "value", "inr", "raised"),
    [
        ("CLINIC_INR_UPPER_LIMIT", 2.0, {"A5": "dont_know"}, ("INR_ABOVE_RANGE", "HOLD")),
        ("CLINIC_INR_UPPER_LIMIT", 3.0, {"A5": "dont_know"}, None),
        ("CLINIC_INR_MAX_AGE_DAYS", 1, {}, ("INR_UNKNOWN_OR_STALE", "HIGH")),
        ("CLINIC_INR_MAX_AGE_DAYS", 7, {}, None),
    ],
    ids=["upper-limit-2", "upper-limit-3", "max-age-1-day", "max-age-7-days"],
)
def test_the_inr_thresholds_at_submission_come_from_the_clinic_settings(
    link: QuestionnaireLink,
    settings: Any,
    setting: str,
    value: float,
    inr: dict[str, Any],
    raised: tuple[str, str] | None,
) -> None:
    setattr(settings, setting, value)
    services.questionnaire_confirm_date_of_birth(link=link, date_of_birth=DATE_OF_BIRTH)
    services.questionnaire_save_answers(link=link, answers={**ALL_NO, **WARFARIN_RECENT_INR, **inr})

    response = services.questionnaire_submit(link=link)

    stored = {(flag.code, flag.severity) for flag in response.flags.all()}
    inr_flags = {flag for flag in stored if flag[0].startswith("INR_")}
    assert inr_flags == ({raised} if raised else set())
    if raised and raised[1] == "HOLD":
        assert response.risk_level == "HOLD"


def test_a_double_submit_stores_one_submission_and_one_set_of_flags(token: str) -> None:
    client = Client()
    _, first = answer_every_section(client, token, {**ALL_NO, **WARFARIN_RECENT_INR})
    flags = SafetyFlag.objects.count()

    second = client.post(section_url(token, "confirm"), form_data("confirm", ALL_NO))

    assert first.status_code == second.status_code == 200
    assert QuestionnaireResponse.objects.count() == 1
    assert flags > 0
    assert SafetyFlag.objects.count() == flags


def test_a_double_click_on_send_shows_the_same_session_the_thank_you_page(token: str) -> None:
    client = Client()
    answer_every_section(client, token, ALL_NO)

    second = client.post(section_url(token, "confirm"), form_data("confirm", ALL_NO))

    assert second.status_code == 200
    assert "Thank you" in second.content.decode()


def test_a_second_submit_through_the_service_changes_nothing(link: QuestionnaireLink) -> None:
    services.questionnaire_confirm_date_of_birth(link=link, date_of_birth=DATE_OF_BIRTH)
    services.questionnaire_save_answers(link=link, answers={**ALL_NO, **WARFARIN_RECENT_INR})
    first = services.questionnaire_submit(link=link)
    flags = list(SafetyFlag.objects.values_list("pk", flat=True))

    again = services.questionnaire_submit(link=link)

    assert again.pk == first.pk
    assert list(SafetyFlag.objects.values_list("pk", flat=True)) == flags


def test_after_submitting_the_same_session_sees_thanks_and_another_gets_the_neutral_page(token: str) -> None:
    client = Client()
    answer_every_section(client, token, ALL_NO)
    neutral = Client().get(start_url("A" * 43))

    again = client.get(start_url(token))
    stranger = Client().get(start_url(token))

    assert again.status_code == 200
    assert "Thank you" in again.content.decode()
    assert (stranger.status_code, stranger.content) == (404, neutral.content)


def test_the_thank_you_page_shows_no_clinical_judgement(token: str) -> None:
    answers = {**ALL_NO, **WARFARIN_RECENT_INR, "H11": "very_afraid", "H1": "possibly"}

    _, thanks = answer_every_section(Client(), token, answers)

    body = thanks.content.decode()
    assert "Thank you" in body
    assert {"NEEDLE_PHOBIA", "PREGNANCY", "BLEED_ANTICOAGULANT"} <= set(
        SafetyFlag.objects.values_list("code", flat=True)
    )
    words = [code.value for code in safety_rules.FlagCode]
    words += [definition.title for definition in safety_rules.FLAG_DEFINITIONS]
    words += [severity.value for severity in safety_rules.Severity]
    assert [word for word in words if re.search(rf"\b{re.escape(word)}\b", body)] == []
    risk_words = r"\b(risk|flag|bleed\w*|warfarin|hold|contraindicat\w*|severity|danger\w*|unsafe|pregnan\w*)\b"
    assert re.findall(risk_words, body, flags=re.IGNORECASE) == []


def test_a_later_submission_supersedes_an_earlier_one_and_both_stay(patient: Patient, clinic_morning: Any) -> None:
    desk = UserFactory(roles=[Role.FRONT_DESK])
    submitted = []
    for answers in ({**ALL_NO, "H11": "very_afraid"}, ALL_NO):
        link, _ = services.questionnaire_link_issue(
            patient=patient, issued_by=desk, link_url=str, submission_key=uuid.uuid4()
        )
        services.questionnaire_confirm_date_of_birth(link=link, date_of_birth=DATE_OF_BIRTH)
        services.questionnaire_save_answers(link=link, answers=answers)
        submitted.append(services.questionnaire_submit(link=link))
        clinic_morning.shift(timedelta(hours=1))

    earlier, later = submitted
    assert services.current_questionnaire(patient=patient) == later
    assert set(QuestionnaireResponse.objects.submitted()) == {earlier, later}
    assert list(earlier.flags.values_list("code", flat=True)) == ["NEEDLE_PHOBIA"]
    assert not later.flags.exists()
