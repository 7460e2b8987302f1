"""Questionnaire links: the private token, its lifecycle, the neutral page, guessing, e-mail and the staff views."""

import re
import uuid
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from patients import safety_rules, services, text_messages
from patients.models import (
    LinkLookupFailure,
    Patient,
    QuestionnaireLink,
    QuestionnaireLinkStatus,
    QuestionnaireResponse,
)
from tests.factories import PatientFactory, UserFactory
from tests.patients.answers import ALL_NO

pytestmark = pytest.mark.django_db

CLINIC = ZoneInfo("America/Vancouver")
MONDAY_MORNING = datetime(2026, 3, 2, 9, 30, tzinfo=CLINIC)
DATE_OF_BIRTH = date(1980, 5, 17)
WRONG_DATE_OF_BIRTH = "1981-05-17"
WRONG_DATE_MESSAGE = "This date of birth does not match our records. Check it and try again, or call the clinic."
NEUTRAL_HEADING = "This link cannot be used"


@pytest.fixture
def patient() -> Patient:
    return PatientFactory(
        given_name="Zebedee",
        family_name="Quartermaine",
        date_of_birth=DATE_OF_BIRTH,
        email="zebedee@example.com",
    )


@pytest.fixture
def desk() -> Any:
    return UserFactory(username="sam", first_name="Sam", roles=[Role.FRONT_DESK])


def issue(patient: Patient, issued_by: Any) -> tuple[QuestionnaireLink, str]:
    return services.questionnaire_link_issue(
        patient=patient,
        issued_by=issued_by,
        link_url=lambda token: f"http://testserver/q/{token}/",
        submission_key=uuid.uuid4(),
    )


def start_url(token: str) -> str:
    return reverse("questionnaire:start", kwargs={"token": token})


def submit(link: QuestionnaireLink, patient: Patient, **changes: object) -> QuestionnaireResponse:
    services.questionnaire_confirm_date_of_birth(link=link, date_of_birth=patient.date_of_birth)
    services.questionnaire_save_answers(link=link, answers={**ALL_NO, **changes})
    return services.questionnaire_submit(link=link)


def create_url(patient: Patient) -> str:
    return reverse("patients:questionnaire-link-create", kwargs={"pk": patient.pk})


def revoke_url(link: QuestionnaireLink) -> str:
    return reverse("patients:questionnaire-link-revoke", kwargs={"pk": link.patient_id, "link_pk": link.pk})


def issued_url(page: str) -> str:
    found = re.search(r'id="questionnaire-url" type="text" value="([^"]+)"', page)
    assert found, "the issued link is not shown"
    return found.group(1)


def every_stored_value() -> str:
    """Every row of every table, as text: to prove a secret is stored nowhere."""
    rows = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            rows.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(rows)


# --- The token ------------------------------------------------------------------------


def test_a_link_token_is_256_random_bits_in_url_safe_text(patient: Patient, desk: Any) -> None:
    link, token = issue(patient, desk)
    _, other_token = issue(patient, desk)

    assert len(token) >= 43
    assert re.fullmatch(r"[A-Za-z0-9_-]+", token)
    assert token != other_token
    assert link.token_hash == services.token_hash(token)
    assert re.fullmatch(r"[0-9a-f]{64}", link.token_hash)


def test_the_raw_token_is_stored_nowhere_only_its_sha256(
    patient: Patient, front_desk_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        page = front_desk_client.post(create_url(patient), {"submission_key": str(uuid.uuid4())})
    token = issued_url(page.content.decode()).rstrip("/").rsplit("/", 1)[1]
    Client().get(start_url(token))

    stored = every_stored_value()
    assert token not in stored
    assert QuestionnaireLink.objects.get().token_hash in stored


def test_a_link_expires_after_the_days_the_clinic_sets(patient: Patient, desk: Any, settings: Any) -> None:
    settings.CLINIC_QUESTIONNAIRE_LINK_DAYS = 3
    with time_machine.travel(MONDAY_MORNING, tick=False) as traveller:
        link, token = issue(patient, desk)
        assert link.expires_at == MONDAY_MORNING + timedelta(days=3)

        traveller.move_to(MONDAY_MORNING + timedelta(days=3) - timedelta(minutes=1))
        assert "Hello Zebedee" in Client().get(start_url(token)).content.decode()

        traveller.move_to(MONDAY_MORNING + timedelta(days=3))
        page = Client().get(start_url(token))
        link.refresh_from_db()
        assert link.status == QuestionnaireLinkStatus.EXPIRED

    assert page.status_code == 404
    assert NEUTRAL_HEADING in page.content.decode()


def test_a_link_lasts_fourteen_days_by_default(patient: Patient, desk: Any) -> None:
    link, _ = issue(patient, desk)

    assert link.expires_at - link.created_at == timedelta(days=14)


def test_issuing_a_new_link_revokes_the_open_one(patient: Patient, desk: Any) -> None:
    old, old_token = issue(patient, desk)
    new, new_token = issue(patient, desk)

    old.refresh_from_db()
    assert old.status == QuestionnaireLinkStatus.REVOKED
    assert (old.revoked_by, old.revoked_reason) == (desk, "Replaced by a new link")
    assert list(QuestionnaireLink.objects.open()) == [new]
    assert Client().get(start_url(old_token)).status_code == 404
    assert Client().get(start_url(new_token)).status_code == 200


def test_a_revoked_link_cannot_be_used(patient: Patient, desk: Any) -> None:
    link, token = issue(patient, desk)

    services.questionnaire_link_revoke(link=link, revoked_by=desk, reason="  Wrong patient  ")

    link.refresh_from_db()
    assert link.status == QuestionnaireLinkStatus.REVOKED
    assert (link.revoked_by, link.revoked_reason) == (desk, "Wrong patient")
    assert Client().get(start_url(token)).status_code == 404


def test_a_submitted_link_cannot_be_used_again_or_revoked(patient: Patient, desk: Any) -> None:
    link, token = issue(patient, desk)
    submit(link, patient)

    services.questionnaire_link_revoke(link=link, revoked_by=desk)

    link.refresh_from_db()
    assert link.status == QuestionnaireLinkStatus.COMPLETED
    assert link.revoked_at is None
    assert Client().get(start_url(token)).status_code == 404


def test_five_wrong_dates_of_birth_lock_the_link_and_tell_staff(
    patient: Patient, desk: Any, front_desk_client: Client
) -> None:
    link, token = issue(patient, desk)
    browser = Client()
    for _ in range(4):
        page = browser.post(start_url(token), {"date_of_birth": WRONG_DATE_OF_BIRTH})
        assert WRONG_DATE_MESSAGE in page.content.decode()

    fifth = browser.post(start_url(token), {"date_of_birth": WRONG_DATE_OF_BIRTH})

    assert fifth.status_code == 403
    assert "closed to keep your information safe" in fifth.content.decode()
    link.refresh_from_db()
    assert link.failed_date_of_birth_attempts == 5
    assert link.status == QuestionnaireLinkStatus.LOCKED
    right = browser.post(start_url(token), {"date_of_birth": DATE_OF_BIRTH.isoformat()})
    assert right.status_code == 404
    assert (
        "Questionnaire locked (wrong dates of birth)"
        in front_desk_client.get(patient.get_absolute_url()).content.decode()
    )


def test_four_wrong_dates_of_birth_then_the_right_one_opens_the_questions(patient: Patient, desk: Any) -> None:
    link, token = issue(patient, desk)
    browser = Client()
    for _ in range(4):
        browser.post(start_url(token), {"date_of_birth": WRONG_DATE_OF_BIRTH})

    right = browser.post(start_url(token), {"date_of_birth": DATE_OF_BIRTH.isoformat()})

    assert right.status_code == 302
    assert right["Location"] == reverse("questionnaire:section", kwargs={"token": token, "section": "blood_thinners"})
    link.refresh_from_db()
    assert link.failed_date_of_birth_attempts == 4
    assert link.status == QuestionnaireLinkStatus.OPENED
    assert link.response.answers == {"Q0_2": DATE_OF_BIRTH.isoformat()}


# --- One neutral page for every bad token --------------------------------------------


def bad_tokens(patient: Patient, desk: Any) -> dict[str, str]:
    """A token of each kind that must not open the questionnaire."""
    with time_machine.travel(timezone.now() - timedelta(days=30)):
        _, expired = issue(PatientFactory(), desk)
    revoked_link, revoked = issue(PatientFactory(), desk)
    services.questionnaire_link_revoke(link=revoked_link, revoked_by=desk)
    used_patient = PatientFactory(date_of_birth=DATE_OF_BIRTH)
    used_link, used = issue(used_patient, desk)
    submit(used_link, used_patient)
    locked_link, locked = issue(PatientFactory(), desk)
    QuestionnaireLink.objects.filter(pk=locked_link.pk).update(locked_at=timezone.now())
    _, live = issue(patient, desk)
    forged = live[:-1] + ("A" if live[-1] != "A" else "B")
    return {
        "unknown": "A" * 43,
        "forged": forged,
        "too short": "abc",
        "expired": expired,
        "revoked": revoked,
        "used": used,
        "locked": locked,
    }


def test_every_unusable_token_gets_the_same_neutral_page(patient: Patient, desk: Any, settings: Any) -> None:
    settings.CLINIC_LINK_LOOKUP_LIMIT = settings.CLINIC_LINK_LOOKUP_FREE = 100
    pages = {kind: Client().get(start_url(token)) for kind, token in bad_tokens(patient, desk).items()}

    assert {kind: page.status_code for kind, page in pages.items()} == dict.fromkeys(pages, 404)
    bodies = {page.content for page in pages.values()}
    assert len(bodies) == 1
    body = bodies.pop().decode()
    assert NEUTRAL_HEADING in body
    assert "Please contact the clinic and ask for a new link." in body
    assert "Zebedee" not in body


def test_unusable_tokens_get_the_neutral_page_on_every_questionnaire_address(
    patient: Patient, desk: Any, settings: Any
) -> None:
    settings.CLINIC_LINK_LOOKUP_LIMIT = settings.CLINIC_LINK_LOOKUP_FREE = 100
    neutral = Client().get(start_url("A" * 43)).content
    for token in bad_tokens(patient, desk).values():
        section = Client().post(reverse("questionnaire:section", kwargs={"token": token, "section": "confirm"}))
        autosave = Client().post(reverse("questionnaire:autosave", kwargs={"token": token, "section": "confirm"}))

        assert (section.status_code, section.content) == (404, neutral)
        assert (autosave.status_code, autosave.content) == (404, neutral)


# --- Guessing tokens --------------------------------------------------------------------


def test_repeated_guessing_from_one_address_is_refused_until_the_window_passes(
    patient: Patient, desk: Any, settings: Any
) -> None:
    settings.CLINIC_LINK_LOOKUP_LIMIT = 3
    settings.CLINIC_LINK_LOOKUP_WINDOW_MINUTES = 15
    with time_machine.travel(MONDAY_MORNING, tick=False) as traveller:
        _, token = issue(patient, desk)
        guesser = Client(REMOTE_ADDR="198.51.100.7")
        guesses = [guesser.get(start_url(secret)).status_code for secret in ("A" * 43, "B" * 43, "C" * 43)]

        refused_guess = guesser.get(start_url("D" * 43))
        refused_real = guesser.get(start_url(token))
        elsewhere = Client(REMOTE_ADDR="203.0.113.9").get(start_url(token))

        traveller.move_to(MONDAY_MORNING + timedelta(minutes=15, seconds=1))
        after_the_window = guesser.get(start_url(token))

    assert guesses == [404, 404, 404]
    assert refused_guess.status_code == refused_real.status_code == 429
    assert "Please wait before trying again" in refused_real.content.decode()
    assert "Zebedee" not in refused_real.content.decode()
    assert elsewhere.status_code == 200
    assert after_the_window.status_code == 200
    assert "Hello Zebedee" in after_the_window.content.decode()
    assert LinkLookupFailure.objects.filter(address="198.51.100.7").count() == 3


def test_guessing_is_slowed_before_it_is_refused(patient: Patient, desk: Any, settings: Any) -> None:
    settings.CLINIC_LINK_LOOKUP_FREE, settings.CLINIC_LINK_LOOKUP_LIMIT = 3, 10
    guesser = Client(REMOTE_ADDR="198.51.100.7")
    with time_machine.travel(MONDAY_MORNING, tick=False) as traveller:
        _, token = issue(patient, desk)
        free = [guesser.get(start_url(f"{letter}" * 43)).status_code for letter in "ABCD"]  # three free, then one
        slowed = guesser.get(start_url(token))  # even the real link waits: the check comes before the look-up
        elsewhere = Client(REMOTE_ADDR="203.0.113.9").get(start_url(token))
        waits = []
        for letter in "EFGHIJ":  # each failure doubles the wait before the next look-up
            traveller.shift(timedelta(seconds=1))
            too_soon = guesser.get(start_url(token))
            traveller.shift(timedelta(seconds=int(too_soon["Retry-After"])))
            waits.append(int(too_soon["Retry-After"]) + 1)
            assert guesser.get(start_url(letter * 43)).status_code == 404
        refused = guesser.get(start_url(token))
        traveller.move_to(MONDAY_MORNING + timedelta(minutes=15, seconds=1))
        after_the_window = guesser.get(start_url(token))

    assert free == [404, 404, 404, 404]
    assert slowed.status_code == 429 and slowed["Retry-After"] == "2"
    assert "Wait 2 seconds, then open your link again" in slowed.content.decode()
    assert "Zebedee" not in slowed.content.decode()
    assert elsewhere.status_code == 200
    assert waits == [2, 4, 8, 16, 32, 64]
    left = int(refused["Retry-After"])  # until the first failure leaves the 15-minute window
    assert refused.status_code == 429 and 12 * 60 < left <= 13 * 60
    assert "Wait 13 minutes, then open your link again" in refused.content.decode()
    assert after_the_window.status_code == 200 and "Hello Zebedee" in after_the_window.content.decode()
    assert LinkLookupFailure.objects.filter(address="198.51.100.7").count() == 10


# --- E-mail ---------------------------------------------------------------------------------


def test_issuing_a_link_emails_it_with_the_first_name_and_nothing_clinical(
    patient: Patient, front_desk_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        page = front_desk_client.post(create_url(patient), {"submission_key": str(uuid.uuid4())})

    url = issued_url(page.content.decode())
    assert url.startswith("http://testserver/q/")
    [email] = mail.outbox
    assert email.to == ["zebedee@example.com"]
    assert email.subject == "IMS Clinic: a few questions before your visit"
    assert url in email.body
    assert "Hello Zebedee," in email.body
    assert "Quartermaine" not in email.body + email.subject
    assert "1980" not in email.body
    clinical_words = ["warfarin", "INR", "bleed", "pregnan", "HOLD", "HIGH", "flag", "contraindication"]
    assert [word for word in clinical_words if word.lower() in email.body.lower()] == []
    assert QuestionnaireLink.objects.get().emailed_to == "zebedee@example.com"
    assert "Sent by e-mail to zebedee@example.com." in page.content.decode()


def test_the_email_greets_a_first_name_with_an_apostrophe_as_typed(
    desk: Any, django_capture_on_commit_callbacks: Any
) -> None:
    patient = PatientFactory(given_name="D'Arcy", email="darcy@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        issue(patient, desk)

    assert "Hello D'Arcy," in mail.outbox[0].body


def test_a_patient_without_an_e_mail_address_gets_the_link_by_text(
    front_desk_client: Client, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.CLINIC_TEXT_BACKEND = "locmem"
    text_messages.outbox.clear()
    patient = PatientFactory(email="", phone="604-555-0177")

    with django_capture_on_commit_callbacks(execute=True):
        page = front_desk_client.post(create_url(patient), {"submission_key": str(uuid.uuid4())})

    assert page.status_code == 200
    assert mail.outbox == []
    [text] = text_messages.outbox
    assert text.to == "604-555-0177" and issued_url(page.content.decode()) in text.body
    assert "Sent by text message to 604-555-0177." in page.content.decode()
    assert QuestionnaireLink.objects.get().emailed_to == ""


def test_a_text_preferring_patient_gets_the_link_by_text_and_it_is_in_their_record(
    front_desk_client: Client, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.CLINIC_TEXT_BACKEND = "locmem"
    text_messages.outbox.clear()
    patient = PatientFactory(preferred_contact_method="text", phone="604-555-0178")

    with django_capture_on_commit_callbacks(execute=True):
        page = front_desk_client.post(create_url(patient), {"submission_key": str(uuid.uuid4())})

    url = issued_url(page.content.decode())
    assert mail.outbox == [] and url in text_messages.outbox[0].body
    [message] = patient.messages.all()
    assert (message.kind, message.status, message.channel) == ("questionnaire", "sent", "text")
    assert url not in message.body and "[private link]" in message.body


def test_no_message_goes_to_a_patient_without_an_address_or_number(
    front_desk_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    patient = PatientFactory(email="", phone="")

    with django_capture_on_commit_callbacks(execute=True):
        page = front_desk_client.post(create_url(patient), {"submission_key": str(uuid.uuid4())})

    assert page.status_code == 200
    assert mail.outbox == [] and not patient.messages.exists()
    assert "The patient has no e-mail address or phone number" in page.content.decode()
    assert QuestionnaireLink.objects.get().emailed_to == ""


@pytest.mark.django_db(transaction=True)
def test_a_link_that_could_not_be_sent_is_marked_failed_and_shown_to_staff(
    front_desk_client: Client, settings: Any
) -> None:
    """Committed as in production: the message is tried as the link is saved, before the page is shown."""
    settings.CLINIC_TEXT_BACKEND = "tests.patients.test_messaging.BrokenTextBackend"
    patient = PatientFactory(preferred_contact_method="text", phone="604-555-0179")

    page = front_desk_client.post(create_url(patient), {"submission_key": str(uuid.uuid4())})

    [message] = patient.messages.all()
    assert page.status_code == 200 and issued_url(page.content.decode())
    assert (
        "The message with the link could not be sent: give the link or the QR code in person." in page.content.decode()
    )
    assert message.status == "failed" and message.attempts == 1
    assert message.note.startswith("Could not be sent (TextMessageError); its link was not kept")


# --- Staff views ------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["front_desk", "physio"])
def test_front_desk_and_physio_issue_a_link_shown_with_a_qr_code(
    patient: Patient, persona: str, request: pytest.FixtureRequest
) -> None:
    client = request.getfixturevalue(f"{persona}_client")

    page = client.post(create_url(patient), {"submission_key": str(uuid.uuid4())})

    assert page.status_code == 200
    body = page.content.decode()
    url = issued_url(body)
    link = QuestionnaireLink.objects.get()
    assert link.token_hash == services.token_hash(url.rstrip("/").rsplit("/", 1)[1])
    assert (link.patient, link.created_by) == (patient, client.user)
    assert re.search(r'<img src="data:image/svg\+xml[^"]+" alt="QR code of the questionnaire link', body)
    assert page.context["qr_code"].startswith("data:image/svg+xml")


@pytest.mark.parametrize("persona", ["admin", "anonymous"])
def test_only_front_desk_and_physio_may_issue_a_link(
    patient: Patient, persona: str, request: pytest.FixtureRequest
) -> None:
    client = request.getfixturevalue(f"{persona}_client")

    page = client.post(create_url(patient), {"submission_key": str(uuid.uuid4())})

    assert page.status_code == (403 if persona == "admin" else 302)
    assert not QuestionnaireLink.objects.exists()


def test_issuing_a_link_refuses_get(patient: Patient, front_desk_client: Client) -> None:
    assert front_desk_client.get(create_url(patient)).status_code == 405
    assert not QuestionnaireLink.objects.exists()


def test_a_double_click_on_issue_link_issues_one_link(
    patient: Patient, front_desk_client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    key = str(uuid.uuid4())
    with django_capture_on_commit_callbacks(execute=True):
        first = front_desk_client.post(create_url(patient), {"submission_key": key})
        second = front_desk_client.post(create_url(patient), {"submission_key": key}, follow=True)

    assert first.status_code == 200
    assert second.redirect_chain == [(patient.get_absolute_url(), 302)]
    assert "A link was already issued from that page." in second.content.decode()
    assert QuestionnaireLink.objects.count() == 1
    assert QuestionnaireLink.objects.get().status == QuestionnaireLinkStatus.SENT
    assert len(mail.outbox) == 1


def test_an_archived_patient_cannot_get_a_link(patient: Patient, front_desk_client: Client) -> None:
    services.patient_archive(patient=patient, archived_by=front_desk_client.user)

    page = front_desk_client.post(create_url(patient), {"submission_key": str(uuid.uuid4())}, follow=True)

    assert "This patient is archived. Restore the patient before sending a questionnaire." in page.content.decode()
    assert not QuestionnaireLink.objects.exists()
    assert create_url(patient) not in front_desk_client.get(patient.get_absolute_url()).content.decode()


@pytest.mark.parametrize("persona", ["front_desk", "physio"])
def test_front_desk_and_physio_revoke_a_link_from_the_chart(
    patient: Patient, desk: Any, persona: str, request: pytest.FixtureRequest
) -> None:
    client = request.getfixturevalue(f"{persona}_client")
    link, token = issue(patient, desk)
    assert revoke_url(link) in client.get(patient.get_absolute_url()).content.decode()

    page = client.post(revoke_url(link), follow=True)

    assert page.redirect_chain == [(patient.get_absolute_url(), 302)]
    assert "The questionnaire link is revoked; it can no longer be used." in page.content.decode()
    assert "Questionnaire revoked" in page.content.decode()
    link.refresh_from_db()
    assert (link.status, link.revoked_by) == (QuestionnaireLinkStatus.REVOKED, client.user)
    assert Client().get(start_url(token)).status_code == 404


@pytest.mark.parametrize("persona", ["admin", "anonymous"])
def test_only_front_desk_and_physio_may_revoke_a_link(
    patient: Patient, desk: Any, persona: str, request: pytest.FixtureRequest
) -> None:
    client = request.getfixturevalue(f"{persona}_client")
    link, _ = issue(patient, desk)

    page = client.post(revoke_url(link))

    assert page.status_code == (403 if persona == "admin" else 302)
    link.refresh_from_db()
    assert link.status == QuestionnaireLinkStatus.SENT


def test_revoking_refuses_get(patient: Patient, desk: Any, front_desk_client: Client) -> None:
    link, _ = issue(patient, desk)

    assert front_desk_client.get(revoke_url(link)).status_code == 405
    link.refresh_from_db()
    assert link.revoked_at is None


def test_another_patients_link_cannot_be_revoked_through_this_chart(
    patient: Patient, desk: Any, front_desk_client: Client
) -> None:
    other_link, _ = issue(PatientFactory(), desk)
    url = reverse("patients:questionnaire-link-revoke", kwargs={"pk": patient.pk, "link_pk": other_link.pk})

    assert front_desk_client.post(url).status_code == 404
    other_link.refresh_from_db()
    assert other_link.revoked_at is None


# --- The status on the chart -------------------------------------------------------------------


def make_state(state: str, patient: Patient, desk: Any) -> None:
    if state == "not_sent":
        return
    if state == "expired":
        with time_machine.travel(timezone.now() - timedelta(days=15)):
            issue(patient, desk)
        return
    link, token = issue(patient, desk)
    if state == "opened":
        Client().get(start_url(token))
    elif state == "completed":
        submit(link, patient)
    elif state == "revoked":
        services.questionnaire_link_revoke(link=link, revoked_by=desk)
    elif state == "locked":
        QuestionnaireLink.objects.filter(pk=link.pk).update(locked_at=timezone.now())


@pytest.mark.parametrize(
    ("state", "shown"),
    [
        ("not_sent", "Questionnaire not sent"),
        ("sent", "Questionnaire sent"),
        ("opened", "Questionnaire opened"),
        ("completed", "Questionnaire completed"),
        ("expired", "Questionnaire expired"),
        ("revoked", "Questionnaire revoked"),
        ("locked", "Questionnaire locked (wrong dates of birth)"),
    ],
)
def test_the_chart_shows_the_questionnaire_status(
    patient: Patient, desk: Any, front_desk_client: Client, state: str, shown: str
) -> None:
    make_state(state, patient, desk)

    page = front_desk_client.get(patient.get_absolute_url())

    assert page.status_code == 200
    assert page.context["safety"].questionnaire_status == state
    assert f">{shown}</span>" in page.content.decode()


def test_a_new_link_after_a_completed_one_says_an_earlier_questionnaire_is_completed(
    patient: Patient, desk: Any, front_desk_client: Client
) -> None:
    link, _ = issue(patient, desk)
    submit(link, patient)
    issue(patient, desk)

    page = front_desk_client.get(patient.get_absolute_url()).content.decode()

    assert "Sent; an earlier questionnaire is completed" in page


def test_confirming_the_date_of_birth_starts_a_draft_of_this_version(patient: Patient, desk: Any) -> None:
    link, _ = issue(patient, desk)

    services.questionnaire_confirm_date_of_birth(link=link, date_of_birth=DATE_OF_BIRTH)

    draft = QuestionnaireResponse.objects.get(link=link)
    assert draft.questionnaire_version == safety_rules.RULES_VERSION
    assert draft.submitted_at is None
