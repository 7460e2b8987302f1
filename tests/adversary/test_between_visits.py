"""The pages of the patient between visits, tried from outside as a stranger, a careless phone and a wrong role
would: the private links (aftercare sheet, check, outcome questionnaire, visit page, safety questionnaire with its
language switcher) and the staff pages beside them (the printed sheet, the review of a report, the patient's
messages, the back office's messages and its "try again", the history step's pain map).

What a user sees is asserted: never an error page, the message at its field with the other answers kept, nothing
saved on a refusal, one neutral page for every link that cannot be used, nothing about the patient before their
date of birth is confirmed, and no token shown in a page other than its own address.
"""

from __future__ import annotations

import html
import re
import uuid
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from assessments import services as assessment_services
from assessments.models import (
    AdverseEvent,
    AftercareLink,
    AfterEffectReport,
    AfterEffectReview,
    Assessment,
    CheckLink,
    OutcomeLink,
    OutcomeMeasure,
)
from patients import private_links
from patients import services as patient_services
from patients.models import LinkLookupFailure, Message, MessageKind, MessageStatus, Patient
from scheduling.models import AppointmentLink
from tests.factories import AppointmentFactory, PatientFactory, UserFactory
from tests.ims_clinic.page_table import after_a_session

pytestmark = pytest.mark.django_db

UNAVAILABLE = "This link cannot be used"
FAMILY_NAME = "Zebulonova"
SORENESS_MESSAGE = "Choose a number from 0 (no soreness) to 10 (the worst you can imagine)."
DOB_OUT_OF_RANGE = "Enter a date between 1 January 1900 and 31 December 2100."
DOB_INVALID = "Enter your date of birth as year-month-day, for example 1980-03-12."


def text_of(response: Any) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def field_errors(response: Any) -> list[str]:
    """The messages shown at the fields (the check's, the outcome question's and the date of birth's)."""
    found = re.findall(r'id="[\w-]+-error"[^>]*>([^<]*)<', response.content.decode())
    return [html.unescape(message) for message in found]


@pytest.fixture
def generous_lookups(settings: Any) -> None:
    """Many bad links from one address in one test: each is still counted, none is slowed (tested elsewhere)."""
    settings.CLINIC_LINK_LOOKUP_FREE = 1000
    settings.CLINIC_LINK_LOOKUP_LIMIT = 1000


@pytest.fixture
def physio(physio_client: Client) -> Any:
    return physio_client.user  # type: ignore[attr-defined]


def patient_links(patient: Patient, physio: Any) -> dict[str, Any]:
    """Every private link of the patient, by page: the token of each, and what the pages need besides."""
    made = after_a_session(patient, physio)
    visit = AppointmentFactory(patient=patient, starts_at=timezone.now() + timedelta(days=1))
    _outcome, outcome_token = private_links.issue(
        OutcomeLink, patient=patient, valid_for=visit.ends_at - timezone.now(), appointment=visit,
        visit_starts_at=visit.starts_at, instrument="NDI",
    )  # fmt: skip
    _visit_link, visit_token = private_links.issue(
        AppointmentLink, patient=patient, valid_for=timedelta(days=2), appointment=visit
    )
    _questionnaire, questionnaire_token = patient_services.questionnaire_link_issue(
        patient=patient, issued_by=UserFactory(), link_url=str, submission_key=uuid.uuid4(), send_email=False
    )
    return {
        **made,
        "outcome_token": outcome_token,
        "visit_token": visit_token,
        "questionnaire_token": questionnaire_token,
        "patient": patient,
    }


@pytest.fixture
def links(physio: Any) -> dict[str, Any]:
    return patient_links(PatientFactory(given_name="Ottilie", family_name=FAMILY_NAME), physio)


# Each private page: (URL name, the token's name in `links`, more URL keywords).
LINK_PAGES = [
    ("aftercare:sheet", "aftercare_token", {}),
    ("aftercare:check", "check_token", {}),
    ("outcome_questionnaire:start", "outcome_token", {}),
    ("outcome_questionnaire:question", "outcome_token", {"number": "1"}),
    ("appointment_link:page", "visit_token", {}),
    ("questionnaire:start", "questionnaire_token", {}),
]
DOB_PAGES = [page for page in LINK_PAGES if page[0] not in ("appointment_link:page",)]


def link_url(name: str, token: str, extra: dict[str, str]) -> str:
    return reverse(name, kwargs={"token": token, **extra})


def confirmed(url: str, patient: Patient) -> Client:
    client = Client()
    response = client.post(url, {"date_of_birth": patient.date_of_birth.isoformat()})
    assert response.status_code == 302, response.status_code
    return client


def assert_neutral(response: Any, *tokens: str) -> None:
    body = response.content.decode()
    assert response.status_code == 404, response.status_code
    assert UNAVAILABLE in text_of(response)
    assert FAMILY_NAME not in body and "Ottilie" not in body
    for token in tokens:
        assert len(token) < 8 or token not in body


# --- Forged, truncated and odd tokens --------------------------------------------------------------------------


def forged_tokens(real: str) -> list[str]:
    return [
        "x" * 43,  # the right length, made up
        real[:-1],  # truncated by a mail client
        real + "A",  # one character too many
        "a",
        "a" * 500,
        "é" * 20 + "ß" * 20 + "😀",
        "\x00" + real[1:],
        real.upper() if real.upper() != real else real.lower(),
    ]


@pytest.mark.parametrize(("name", "token_name", "extra"), LINK_PAGES)
def test_a_forged_or_damaged_token_gets_the_neutral_page_and_counts_as_a_guess(
    links: dict[str, Any], generous_lookups: None, name: str, token_name: str, extra: dict[str, str]
) -> None:
    real = links[token_name]
    client = Client()
    for token in forged_tokens(real):
        before = LinkLookupFailure.objects.count()

        response = client.get(link_url(name, token, extra))

        assert_neutral(response, token, real)
        assert LinkLookupFailure.objects.count() == before + 1, token


@pytest.mark.parametrize(("name", "token_name", "extra"), LINK_PAGES)
def test_an_encoded_slash_in_the_token_finds_no_page_and_shows_no_token(
    links: dict[str, Any], name: str, token_name: str, extra: dict[str, str]
) -> None:
    real = links[token_name]
    url = link_url(name, real, extra).replace(real, real[:10] + "%2F" + real[10:])

    response = Client().get(url)

    assert response.status_code == 404
    assert real[10:] not in response.content.decode() and FAMILY_NAME not in response.content.decode()


@pytest.mark.parametrize(("name", "token_name", "extra"), LINK_PAGES)
def test_head_options_put_and_delete_never_break_a_link_page(
    links: dict[str, Any], name: str, token_name: str, extra: dict[str, str]
) -> None:
    url = link_url(name, links[token_name], extra)
    client = Client()

    statuses = {method: getattr(client, method)(url).status_code for method in ("head", "options", "put", "delete")}

    assert set(statuses.values()) <= {200, 405}, statuses
    assert statuses["put"] == statuses["delete"] == 405


def test_the_visit_page_is_read_only(links: dict[str, Any]) -> None:
    url = link_url("appointment_link:page", links["visit_token"], {})

    assert Client().post(url).status_code == 405
    assert Client().head(url).status_code == 200


# --- Another patient's, used, expired, locked and revoked links -------------------------------------------------


@pytest.mark.parametrize(("name", "token_name", "extra"), DOB_PAGES)
def test_another_patients_link_opens_nothing_with_this_patients_date_of_birth(
    links: dict[str, Any], physio: Any, name: str, token_name: str, extra: dict[str, str]
) -> None:
    other = PatientFactory(given_name="Bartholomew", family_name="Quintanilla", date_of_birth="1950-01-01")
    others = patient_links(other, physio)
    url = link_url(name, others[token_name], extra)
    client = confirmed(link_url(name, links[token_name], extra), links["patient"])

    asked = client.get(url)
    refused = client.post(url, {"date_of_birth": links["patient"].date_of_birth.isoformat()})

    for response in (asked, refused):
        assert response.status_code == 200 and "date of birth" in text_of(response)
        assert "Quintanilla" not in response.content.decode() and FAMILY_NAME not in response.content.decode()
    assert "does not match our records" in text_of(refused)


@pytest.mark.parametrize(
    ("model", "name", "token_name", "extra"),
    [
        (AftercareLink, "aftercare:sheet", "aftercare_token", {}),
        (CheckLink, "aftercare:check", "check_token", {}),
        (OutcomeLink, "outcome_questionnaire:start", "outcome_token", {}),
        (AppointmentLink, "appointment_link:page", "visit_token", {}),
    ],
)
@pytest.mark.parametrize("closed_by", ["revoked_at", "locked_at", "expires_at"])
def test_a_revoked_locked_or_expired_link_gets_the_neutral_page(
    links: dict[str, Any], model: Any, name: str, token_name: str, extra: dict[str, str], closed_by: str
) -> None:
    token = links[token_name]
    model.objects.filter(token_hash=patient_services.token_hash(token)).update(**{closed_by: timezone.now()})

    assert_neutral(Client().get(link_url(name, token, extra)), token)


@pytest.mark.parametrize(
    ("name", "token_name", "extra"),
    [
        ("aftercare:sheet", "aftercare_token", {}),
        ("aftercare:check", "check_token", {}),
        ("outcome_questionnaire:start", "outcome_token", {}),
        ("appointment_link:page", "visit_token", {}),
    ],
)
def test_an_archived_patients_links_get_the_neutral_page(
    links: dict[str, Any], name: str, token_name: str, extra: dict[str, str]
) -> None:
    Patient.objects.filter(pk=links["patient"].pk).update(is_archived=True, archived_at=timezone.now())

    assert_neutral(Client().get(link_url(name, links[token_name], extra)), links[token_name])


@pytest.mark.parametrize(("name", "token_name", "extra"), DOB_PAGES)
def test_wrong_dates_of_birth_lock_the_link_and_then_the_right_one_opens_nothing(
    links: dict[str, Any], name: str, token_name: str, extra: dict[str, str]
) -> None:
    url = link_url(name, links[token_name], extra)
    client = Client()
    for _try in range(settings.CLINIC_QUESTIONNAIRE_DOB_TRIES):
        client.post(url, {"date_of_birth": "1901-01-01"})

    right = client.post(url, {"date_of_birth": links["patient"].date_of_birth.isoformat()})
    later = Client().get(url)

    assert_neutral(right, links[token_name])
    assert_neutral(later, links[token_name])


# --- The date of birth ------------------------------------------------------------------------------------------

DATES_OF_BIRTH = [
    ("0001-01-01", DOB_OUT_OF_RANGE),
    ("9999-12-31", DOB_OUT_OF_RANGE),
    ("", "Enter your date of birth."),
    ("x", DOB_INVALID),
    ("1980-02-30", DOB_INVALID),
    ("\x00", DOB_INVALID),
    ("1" * 10_000, DOB_INVALID),
]


@pytest.mark.parametrize(("name", "token_name", "extra"), DOB_PAGES)
def test_an_impossible_date_of_birth_is_explained_at_the_field_and_costs_no_try(
    links: dict[str, Any], name: str, token_name: str, extra: dict[str, str]
) -> None:
    url = link_url(name, links[token_name], extra)
    client = Client()
    for typed, message in [*DATES_OF_BIRTH, (["1980-03-12", "x"], DOB_INVALID)]:
        response = client.post(url, {"date_of_birth": typed})

        assert response.status_code == 200, typed
        assert field_errors(response) == [message], typed
        body = response.content.decode()
        assert FAMILY_NAME not in body and "soreness" not in body.lower() and "upper" not in body.lower()
    asked = client.get(url).content.decode()
    assert FAMILY_NAME not in asked and "upper" not in asked.lower() and "NDI" not in asked
    for model in (AftercareLink, CheckLink, OutcomeLink):
        assert not model.objects.filter(failed_date_of_birth_attempts__gt=0).exists()
    assert not client.get(url).content.decode().count("How sore")  # still asked for the date of birth


# --- The check: bad answers, twice, late ----------------------------------------------------------------------


def check_answers(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"soreness": "4", "regions": ["upper_limb:R"], "bruising": "small", "words": "A bit stiff."}
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


BAD_CHECKS = [
    ({"soreness": "-1"}, "soreness", SORENESS_MESSAGE),
    ({"soreness": "11"}, "soreness", SORENESS_MESSAGE),
    ({"soreness": "1e9"}, "soreness", SORENESS_MESSAGE),
    ({"soreness": "9" * 10_000}, "soreness", SORENESS_MESSAGE),
    ({"soreness": ""}, "soreness", SORENESS_MESSAGE),
    ({"soreness": None}, "soreness", SORENESS_MESSAGE),
    ({"soreness": "x"}, "soreness", SORENESS_MESSAGE),
    ({"soreness": "\x00"}, "soreness", SORENESS_MESSAGE),
    ({"soreness": ["3", "12"]}, "soreness", SORENESS_MESSAGE),
    ({"bruising": "huge"}, "bruising", "Choose none, small or large."),
    ({"bruising": None}, "bruising", "Choose none, small or large."),
    ({"regions": ["spleen:L"]}, "regions", "Choose the places from the list."),
    ({"regions": ["upper_limb:R", "x" * 10_000]}, "regions", "Choose the places from the list."),
    ({"warning_signs": ["nope"]}, "warning_signs", "Choose from the list."),
    ({"words": "x" * 10_000}, "words", "Please keep it under 1000 characters."),
    ({"words": "a\x00b"}, "words", "Null characters are not allowed."),
]


@pytest.mark.parametrize(("changes", "field", "message"), BAD_CHECKS, ids=lambda value: repr(value)[:30])
def test_a_bad_check_answer_is_refused_at_its_field_with_the_rest_kept_and_nothing_saved(
    links: dict[str, Any], changes: dict[str, Any], field: str, message: str
) -> None:
    url = link_url("aftercare:check", links["check_token"], {})
    client = confirmed(url, links["patient"])
    reports = AfterEffectReport.objects.count()

    response = client.post(url, check_answers(**changes))

    body = response.content.decode()
    assert response.status_code == 400
    assert message in field_errors(response) and f'id="{field}-error"' in body
    assert "Please check the answers marked below." in text_of(response)
    if field != "words":
        assert "A bit stiff." in body
    if field not in ("regions",):
        assert re.search(r'value="upper_limb:R"[^>]*checked', body)
    if field not in ("soreness",):
        assert 'value="4"' in body
    assert AfterEffectReport.objects.count() == reports
    assert CheckLink.objects.filter(
        token_hash=patient_services.token_hash(links["check_token"]), used_at=None
    ).exists()


def test_a_check_sent_twice_is_stored_once_and_the_second_gets_the_neutral_page(links: dict[str, Any]) -> None:
    url = link_url("aftercare:check", links["check_token"], {})
    client = confirmed(url, links["patient"])
    reports = AfterEffectReport.objects.count()

    first = client.post(url, check_answers())
    second = client.post(url, check_answers(soreness="9"))

    assert first.status_code == 200 and "Thank you" in text_of(first)
    assert_neutral(second, links["check_token"])
    assert AfterEffectReport.objects.count() == reports + 1
    assert AfterEffectReport.objects.order_by("-id").first().soreness == 4  # type: ignore[union-attr]


def test_a_check_answered_after_its_window_is_refused_and_not_saved(links: dict[str, Any]) -> None:
    url = link_url("aftercare:check", links["check_token"], {})
    client = confirmed(url, links["patient"])
    reports = AfterEffectReport.objects.count()
    link = CheckLink.objects.get(token_hash=patient_services.token_hash(links["check_token"]))

    with time_machine.travel(link.expires_at + timedelta(seconds=1), tick=False):
        late = client.post(url, check_answers())

    assert_neutral(late, links["check_token"])
    assert AfterEffectReport.objects.count() == reports


def test_the_date_of_birth_is_asked_again_an_hour_later(links: dict[str, Any]) -> None:
    url = link_url("aftercare:sheet", links["aftercare_token"], {})
    client = confirmed(url, links["patient"])

    with time_machine.travel(timezone.now() + timedelta(minutes=61), tick=False):
        again = client.get(url)

    assert again.status_code == 200 and "date of birth" in text_of(again) and "What to expect" not in text_of(again)


def test_a_patient_page_shows_its_own_token_only_in_its_own_address(links: dict[str, Any]) -> None:
    tokens = [links[name] for name in ("aftercare_token", "check_token", "outcome_token", "visit_token")]
    for name, token_name, extra in LINK_PAGES:
        url = link_url(name, links[token_name], extra)
        client = confirmed(url, links["patient"]) if (name, token_name, extra) in DOB_PAGES else Client()

        body = client.get(url, follow=True).content.decode()

        assert FAMILY_NAME not in body, name
        for token in [*tokens, links["questionnaire_token"]]:
            if token != links[token_name]:
                assert token not in body, name
        without_own_urls = re.sub(r'="/[^"]*"', "", body)  # its own addresses (form, links, autosave)
        assert links[token_name] not in without_own_urls, name


# --- Links expire when their message says ----------------------------------------------------------------------


def test_the_aftercare_and_check_links_expire_when_their_messages_say(physio: Any) -> None:
    from tests.assessments.aftercare import deliver, message, sent_link, treated

    with time_machine.travel(timezone.now(), tick=False) as clock:
        session = treated(physio=physio)
        signed = timezone.now()
        sheet = sent_link(deliver(message(session, MessageKind.AFTERCARE)))
        days = settings.CLINIC_AFTERCARE_LINK_DAYS
        assert f"The link works for {days} days" in message(session, MessageKind.AFTERCARE).body
        clock.move_to(signed + timedelta(hours=settings.CLINIC_CHECK_AFTER_HOURS))
        check_sent = timezone.now()
        check = sent_link(deliver(message(session, MessageKind.CHECK)))
        hours = settings.CLINIC_CHECK_WINDOW_HOURS
        assert f"The link works for {hours} hours" in message(session, MessageKind.CHECK).body

        clock.move_to(check_sent + timedelta(hours=hours) - timedelta(minutes=1))
        assert "date of birth" in text_of(Client().get(check))
        clock.move_to(check_sent + timedelta(hours=hours))
        assert_neutral(Client().get(check))

        clock.move_to(signed + timedelta(days=days) - timedelta(minutes=1))
        assert "date of birth" in text_of(Client().get(sheet))
        clock.move_to(signed + timedelta(days=days, seconds=1))
        assert_neutral(Client().get(sheet))


def test_the_outcome_link_closes_at_the_visits_end(links: dict[str, Any]) -> None:
    url = link_url("outcome_questionnaire:start", links["outcome_token"], {})
    link = OutcomeLink.objects.get(token_hash=patient_services.token_hash(links["outcome_token"]))

    with time_machine.travel(link.appointment.ends_at - timedelta(minutes=1), tick=False):
        client = confirmed(url, links["patient"])
        before = client.get(url)
    with time_machine.travel(link.appointment.ends_at + timedelta(seconds=1), tick=False):
        after_by_the_patient = client.get(url)
        after_by_a_stranger = Client().get(url)

    assert before.status_code == 200 and "date of birth" not in text_of(before)
    assert after_by_the_patient.status_code == 410 and FAMILY_NAME not in after_by_the_patient.content.decode()
    assert_neutral(after_by_a_stranger, links["outcome_token"])


# --- The outcome questionnaire: bad answers, twice -------------------------------------------------------------

BAD_OUTCOME_ANSWERS = [
    ("-1", "Please choose one of the answers shown."),
    ("11", "Please choose one of the answers shown."),
    ("6", "Please choose one of the answers shown."),  # NDI items go from 0 to 5
    ("1e9", "Please choose one of the answers shown."),
    ("x", "Please choose one of the answers shown."),
    ("\x00", "Please choose one of the answers shown."),
    ("1" * 10_000, "Please choose one of the answers shown."),
    ("", "Please choose an answer."),
    (None, "Please choose an answer."),
]


def test_a_bad_outcome_answer_is_refused_at_the_question_and_nothing_is_kept(links: dict[str, Any]) -> None:
    token = links["outcome_token"]
    client = confirmed(link_url("outcome_questionnaire:start", token, {}), links["patient"])
    url = link_url("outcome_questionnaire:question", token, {"number": "2"})
    client.post(link_url("outcome_questionnaire:question", token, {"number": "1"}), {"answer": "3", "go": "next"})

    for answer, message in BAD_OUTCOME_ANSWERS:
        data = {"go": "next", **({"answer": answer} if answer is not None else {})}
        response = client.post(url, data)

        assert response.status_code == 400, answer
        assert field_errors(response) == [message], answer
        assert OutcomeLink.objects.get(token_hash=patient_services.token_hash(token)).answers == {"item_1": 3}
    assert not OutcomeMeasure.objects.exists()


def test_a_question_number_out_of_the_questionnaire_goes_back_to_its_start(links: dict[str, Any]) -> None:
    token = links["outcome_token"]
    client = confirmed(link_url("outcome_questionnaire:start", token, {}), links["patient"])
    start = link_url("outcome_questionnaire:start", token, {})

    for number in ("0", "12", "99999999999999999999999", "-1", "abc"):
        response = client.get(link_url("outcome_questionnaire:question", token, {"number": number}))
        assert (response.status_code, response["Location"]) == (302, start), number


def test_outcome_answers_sent_twice_are_recorded_once(links: dict[str, Any]) -> None:
    token = links["outcome_token"]
    client = confirmed(link_url("outcome_questionnaire:start", token, {}), links["patient"])
    last = link_url("outcome_questionnaire:question", token, {"number": "11"})
    for number in range(1, 11):
        client.post(link_url("outcome_questionnaire:question", token, {"number": str(number)}), {"answer": "2"})

    first = client.post(last, {"answer": "4", "go": "next"})
    again = client.post(last, {"answer": "9", "go": "next"})
    elsewhere = Client().post(last, {"answer": "9", "go": "next"})

    assert first.status_code == again.status_code == 200 and "Thank you" in text_of(again)
    assert_neutral(elsewhere, token)
    assert OutcomeMeasure.objects.count() == 1


# --- The language switcher ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "token_name", "extra"), LINK_PAGES)
@pytest.mark.parametrize(
    "code",
    ["xx", "", "fr-ca\r\nSet-Cookie: sessionid=stolen", "https://evil.example/", "//evil.example/", "fr-ca" * 1000],
)
def test_an_unknown_language_is_ignored_and_the_switcher_stays_on_the_page(
    links: dict[str, Any], name: str, token_name: str, extra: dict[str, str], code: str
) -> None:
    url = link_url(name, links[token_name], extra)
    client = Client()

    switched = client.get(url, {"lang": code})
    page = client.get(url)

    assert (switched.status_code, switched["Location"]) == (302, url)  # the same page, on the same site
    assert "stolen" not in switched.serialize_headers().decode(errors="replace")
    assert page["Content-Language"] == "en-ca"


def test_the_switcher_on_an_odd_path_stays_on_the_site(links: dict[str, Any]) -> None:
    for path in ("/q/abc%0D%0Adef/", "/q/%2F%2Fevil.example/", "/check/\\\\evil.example/", "/o/x%40evil.example/1/"):
        response = Client().get(path, {"lang": "fr-ca"})

        assert response.status_code in (302, 404), path
        if response.status_code == 302:
            location = response["Location"]
            assert location.startswith("/") and not location.startswith("//") and "\n" not in location


def test_the_switcher_picks_french_for_this_browser_on_a_private_link(links: dict[str, Any]) -> None:
    url = link_url("aftercare:check", links["check_token"], {})
    client = Client()

    client.get(url, {"lang": "FR_CA"})
    page = client.get(url)

    assert page["Content-Language"] == "fr-ca" and "date de naissance" in text_of(page)
    assert Client().get(url)["Content-Language"] == "en-ca"


# --- The staff pages: roles, other records, methods -------------------------------------------------------------

PERSONAS = ("anonymous", "front_desk", "physio", "admin")


def staff_pages(links: dict[str, Any]) -> dict[str, tuple[str, dict[str, int]]]:
    session_pk = AfterEffectReview.objects.get(pk=links["after_effect_review"]).report.session_id
    review = {"pk": links["after_effect_review"]}
    return {
        "printed sheet": (
            reverse("assessments:session-aftercare", kwargs={"pk": session_pk}),
            {"front_desk": 403, "physio": 200, "admin": 403},
        ),
        "review": (
            reverse("assessments:after-effect-review", kwargs=review),
            {"front_desk": 403, "physio": 200, "admin": 403},
        ),
        "messages": (
            reverse("patients:patient-messages", kwargs={"pk": links["patient"].pk}),
            {"front_desk": 200, "physio": 200, "admin": 403},
        ),
        "history step": (
            reverse(
                "assessments:assessment-step",
                kwargs={"pk": links["assessment"], "step": "history"},
            ),
            {"front_desk": 403, "physio": 200, "admin": 403},
        ),
    }


@pytest.fixture
def staff_links(links: dict[str, Any], physio: Any) -> dict[str, Any]:
    assessment = assessment_services.assessment_start(patient=links["patient"], physiotherapist=physio)
    return {**links, "assessment": assessment.pk}


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_staff_page_answers_each_role_as_the_roles_table_says(
    staff_links: dict[str, Any], persona: str, request: pytest.FixtureRequest
) -> None:
    client = request.getfixturevalue(f"{persona}_client")

    for what, (url, expected) in staff_pages(staff_links).items():
        response = client.get(url)

        if persona == "anonymous":
            assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login")), what
        else:
            assert response.status_code == expected[persona], (what, response.status_code)


def test_another_or_no_record_is_not_found(staff_links: dict[str, Any], physio_client: Client, physio: Any) -> None:
    colleague = UserFactory(username="colleague", roles=[Role.PHYSIOTHERAPIST])
    theirs = patient_links(PatientFactory(), colleague)
    missing = 10**9

    for url in (
        reverse("assessments:after-effect-review", kwargs={"pk": theirs["after_effect_review"]}),
        reverse("assessments:after-effect-review", kwargs={"pk": missing}),
        reverse("assessments:session-aftercare", kwargs={"pk": missing}),
        reverse("patients:patient-messages", kwargs={"pk": missing}),
    ):
        assert physio_client.get(url).status_code == 404, url
    for name in ("assessments:after-effect-record", "assessments:after-effect-close"):
        url = reverse(name, kwargs={"pk": theirs["after_effect_review"]})
        assert physio_client.post(url, {"note": "Not mine", "action_taken": "None"}).status_code == 404
    assert AfterEffectReview.objects.get(pk=theirs["after_effect_review"]).is_open


def test_the_review_answers_its_posts_only_by_post(staff_links: dict[str, Any], physio_client: Client) -> None:
    review = {"pk": staff_links["after_effect_review"]}

    for name in ("assessments:after-effect-record", "assessments:after-effect-close"):
        assert physio_client.get(reverse(name, kwargs=review)).status_code == 405
    messages = reverse("patients:patient-messages", kwargs={"pk": staff_links["patient"].pk})
    assert physio_client.post(messages).status_code == 405
    assert physio_client.head(messages).status_code == 200


@pytest.mark.parametrize("page", ["-1", "0", "x", "1e9", "\x00", "9" * 50, ""])
def test_any_page_number_of_the_messages_list_shows_a_page(
    staff_links: dict[str, Any], front_desk_client: Client, page: str
) -> None:
    url = reverse("patients:patient-messages", kwargs={"pk": staff_links["patient"].pk})

    response = front_desk_client.get(url, {"page": page})

    assert response.status_code == 200 and staff_links["check_token"] not in response.content.decode()


# --- The review of a report: bad input, twice --------------------------------------------------------------------

BAD_EVENTS = [
    ({"event_type": "made_up"}, "event_type"),
    ({"event_class": "catastrophic"}, "event_class"),
    ({"action_taken": ""}, "action_taken"),
    ({"action_taken": "x" * 10_000}, "action_taken"),
    ({"description": "a\x00b"}, "description"),
    ({"referral": "r" * 10_000}, "referral"),
]


def event_data(**changes: str) -> dict[str, str]:
    data = {
        "event_type": "bruising",
        "event_class": "mild",
        "description": "Bruise the size of a coin, reported on the check.",
        "action_taken": "Advice by phone.",
        "referral": "",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(("changes", "field"), BAD_EVENTS, ids=lambda value: repr(value)[:30])
def test_a_bad_adverse_event_is_refused_at_its_field_and_nothing_is_recorded(
    staff_links: dict[str, Any], physio_client: Client, changes: dict[str, str], field: str
) -> None:
    url = reverse("assessments:after-effect-record", kwargs={"pk": staff_links["after_effect_review"]})
    events = AdverseEvent.objects.count()

    response = physio_client.post(url, event_data(**changes))

    body = response.content.decode()
    assert response.status_code == 400
    assert f'id="id_{field}_error" class="invalid-feedback"' in body
    if field != "action_taken":
        assert "Advice by phone." in body
    assert AdverseEvent.objects.count() == events
    assert AfterEffectReview.objects.get(pk=staff_links["after_effect_review"]).is_open


def test_a_review_closed_twice_says_it_is_already_reviewed(staff_links: dict[str, Any], physio_client: Client) -> None:
    close = reverse("assessments:after-effect-close", kwargs={"pk": staff_links["after_effect_review"]})
    record = reverse("assessments:after-effect-record", kwargs={"pk": staff_links["after_effect_review"]})

    first = physio_client.post(close, {"note": "Expected soreness; settled by the next day."})
    second = physio_client.post(close, {"note": "Again."})
    third = physio_client.post(record, event_data())

    assert first.status_code == 302
    assert second.status_code == third.status_code == 400
    assert "This report is already reviewed." in text_of(second) and "This report is already reviewed." in text_of(
        third
    )
    review = AfterEffectReview.objects.get(pk=staff_links["after_effect_review"])
    assert review.note == "Expected soreness; settled by the next day." and review.adverse_event is None


@pytest.mark.parametrize("note", ["", "   ", "n" * 10_000, "a\x00b"])
def test_closing_with_a_bad_note_keeps_the_review_open(
    staff_links: dict[str, Any], physio_client: Client, note: str
) -> None:
    close = reverse("assessments:after-effect-close", kwargs={"pk": staff_links["after_effect_review"]})

    response = physio_client.post(close, {"note": note})

    assert response.status_code == 400 and "invalid-feedback" in response.content.decode()
    assert AfterEffectReview.objects.get(pk=staff_links["after_effect_review"]).is_open


# --- The history step's pain map ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "regions", [["spleen:L"], ["head_neck:R", "\x00"], ["head_neck:R", "é" * 10_000], ["head_neck"]]
)
def test_a_made_up_region_on_the_history_step_is_refused_at_the_map_with_the_rest_kept(
    staff_links: dict[str, Any], physio_client: Client, regions: list[str]
) -> None:
    from tests.assessments.test_assessment_pages import history_data

    assessment = Assessment.objects.get(pk=staff_links["assessment"])
    url = reverse("assessments:assessment-step", kwargs={"pk": assessment.pk, "step": "history"})

    response = physio_client.post(url, history_data(assessment, pain_region_choices=regions, chief_complaint="Canary"))

    assert response.status_code == 400 and "Canary" in response.content.decode()
    assert "Select a valid choice." in text_of(response)
    assessment.refresh_from_db()
    assert assessment.chief_complaint != "Canary" and assessment.pain_regions in ([], None)


# --- The back office's messages and its "try again" --------------------------------------------------------------


def failed_message(patient: Patient) -> Message:
    return Message.objects.create(
        patient=patient, kind=MessageKind.AFTERCARE, key=f"aftercare:adversary:{uuid.uuid4()}",
        about="session:0", send_after=timezone.now(), status=MessageStatus.FAILED, attempts=5,
        note="The provider is down.",
    )  # fmt: skip


@pytest.mark.parametrize(
    "query",
    [
        {"send_after__year": "9999"},
        {"send_after__year": "9999", "send_after__month": "12"},
        {"send_after__year": "9999", "send_after__month": "12", "send_after__day": "31"},
        {"send_after__year": "0"},
        {"send_after__year": "x"},
        {"status": "made_up"},
        {"q": "\x00" + "é" * 1000},
        {"o": "99"},
        {"p": "-1"},
    ],
)
def test_the_back_office_messages_list_takes_any_address(
    links: dict[str, Any], admin_client: Client, query: dict[str, str]
) -> None:
    failed_message(links["patient"])
    url = reverse("admin:patients_message_changelist")

    response = admin_client.get(url, query, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain in ([], [(f"{url}?e=1", 302)])


@pytest.mark.parametrize("selected", [["x"], ["1 OR 1=1"], ["-1"], [str(10**12)], [""]])
def test_trying_again_a_forged_selection_queues_nothing(
    links: dict[str, Any], admin_client: Client, selected: list[str]
) -> None:
    message = failed_message(links["patient"])

    response = admin_client.post(
        reverse("admin:patients_message_changelist"),
        {"action": "send_again", "index": "0", "_selected_action": selected},
        follow=True,
    )

    assert response.status_code == 200
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED and message.attempts == 5


@pytest.mark.parametrize("persona", ["anonymous", "front_desk", "physio"])
def test_only_the_clinic_admin_tries_a_message_again(
    links: dict[str, Any], persona: str, request: pytest.FixtureRequest
) -> None:
    message = failed_message(links["patient"])
    client = request.getfixturevalue(f"{persona}_client")
    url = reverse("admin:patients_message_changelist")

    response = client.post(url, {"action": "send_again", "index": "0", "_selected_action": [message.pk]})

    assert response.status_code == 302
    assert response["Location"].startswith((reverse("admin:login"), reverse("accounts:login")))
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED


def test_trying_again_by_get_does_nothing(links: dict[str, Any], admin_client: Client) -> None:
    message = failed_message(links["patient"])

    response = admin_client.get(
        reverse("admin:patients_message_changelist"), {"action": "send_again", "_selected_action": message.pk}
    )

    assert response.status_code in (200, 302)
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED


# --- The date of birth sent again from a second tab, once confirmed in the first --------------------------------


def test_a_date_of_birth_confirmed_again_from_another_tab_shows_the_check_unanswered(links: dict[str, Any]) -> None:
    url = link_url("aftercare:check", links["check_token"], {})
    client = confirmed(url, links["patient"])

    second_tab = client.post(url, {"date_of_birth": links["patient"].date_of_birth.isoformat()})

    assert second_tab.status_code in (200, 302)
    page = client.get(url) if second_tab.status_code == 302 else second_tab
    assert "How sore are you now" in text_of(page)
    assert field_errors(page) == [] and "Please check the answers marked below." not in text_of(page)


def test_a_date_of_birth_confirmed_again_on_a_question_shows_the_question_unanswered(links: dict[str, Any]) -> None:
    token = links["outcome_token"]
    url = link_url("outcome_questionnaire:question", token, {"number": "3"})
    client = confirmed(url, links["patient"])

    second_tab = client.post(url, {"date_of_birth": links["patient"].date_of_birth.isoformat()})

    assert second_tab.status_code in (200, 302)
    page = client.get(url) if second_tab.status_code == 302 else second_tab
    assert page.status_code == 200 and field_errors(page) == []
    assert OutcomeLink.objects.get(token_hash=patient_services.token_hash(token)).answers == {}


@pytest.mark.parametrize(
    "query",
    [
        {"starts_at__year": "9999"},
        {"starts_at__year": "9999", "starts_at__month": "12"},
        {"starts_at__year": "9999", "starts_at__month": "12", "starts_at__day": "31"},
        {"starts_at__year": "x"},
    ],
)
def test_the_back_office_time_off_list_takes_any_address(admin_client: Client, query: dict[str, str]) -> None:
    url = reverse("admin:scheduling_timeoff_changelist")

    response = admin_client.get(url, query, follow=True)

    assert response.status_code == 200
    assert response.redirect_chain in ([], [(f"{url}?e=1", 302)])


def test_an_archived_patients_safety_questionnaire_link_gets_the_neutral_page(physio: Any) -> None:
    patient = PatientFactory()
    _link, token = patient_services.questionnaire_link_issue(
        patient=patient, issued_by=physio, link_url=lambda token: token, submission_key=uuid.uuid4()
    )
    Patient.objects.filter(pk=patient.pk).update(is_archived=True, archived_at=timezone.now())

    assert_neutral(Client().get(reverse("questionnaire:start", args=[token])), token)
