"""After a signed session (clinical-reference.md 6.5): the aftercare sheet, its message, the check a day later and
at 72 hours, and which answers the physiotherapist reviews."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import override_settings
from django.utils import translation

from accounts.roles import Role
from assessments import aftercare, services
from assessments.models import AfterEffectReport, AfterEffectReview, CheckLink, CheckRound, TreatmentSession
from assessments.services import aftercare as aftercare_services
from patients import messaging, private_links, text_messages
from patients.models import MessageKind, MessageStatus
from tests.assessments.aftercare import deliver, message, sent_link, treated
from tests.assessments.sessions import cleared_patient, signed
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SIGNED_AT = datetime(2026, 3, 10, 17, 0, tzinfo=UTC)
CHEST_WALL = "If you become short of breath or have chest pain"
BLEEDING = "makes you bleed or bruise more easily"


def answers(**changes: Any) -> aftercare_services.CheckAnswers:
    values: dict[str, Any] = {"soreness": 2, "regions": ["upper_limb:R"], "bruising": "none", "warning_signs": []}
    values.update(changes)
    return aftercare_services.CheckAnswers(**values)


def check_link(session: TreatmentSession, check_round: str = CheckRound.FIRST) -> CheckLink:
    link, _token = private_links.issue(
        CheckLink, patient=session.patient, session=session, check_round=check_round, valid_for=timedelta(hours=48)
    )
    return link


def texts(sheet: aftercare.Sheet) -> str:
    return " ".join(item.text for section in sheet.sections for item in section.items)


# --- The sheet ---------------------------------------------------------------------------------------------------


def test_the_sheet_says_what_to_expect_what_helps_and_whom_to_call_in_plain_words() -> None:
    sheet = aftercare.sheet(sites=[aftercare.Site("deltoid", "R")], flag_codes=[], clinic_phone="604-555-0142")

    assert [section.key for section in sheet.sections] == ["expect", "helps", "call", "urgent"]
    assert "like being sore after a workout" in texts(sheet) and "24 to 48 hours" in texts(sheet)
    assert "heals in a couple of days" in texts(sheet)
    assert "Heat on the sore area." in texts(sheet) and "Light exercise" in texts(sheet)
    assert sheet.sections[2].title == "Call the clinic at 604-555-0142 if:"
    assert sheet.areas == ("arm (right)",)
    clinic_advice = [item.text for section in sheet.sections for item in section.items if item.is_clinic_advice]
    assert clinic_advice == [
        "Drink plenty of water.",
        "Avoid hard exercise for about a day.",
        "Ask your physiotherapist before taking anti-inflammatory painkillers (such as ibuprofen).",
    ]


def test_the_chest_wall_warning_only_when_a_chest_wall_site_was_needled() -> None:
    arm = aftercare.sheet(sites=[aftercare.Site("deltoid", "L")], flag_codes=[], clinic_phone="1")
    shoulder = aftercare.sheet(
        sites=[aftercare.Site("deltoid", "L"), aftercare.Site("upper-trapezius", "L")], flag_codes=[], clinic_phone="1"
    )
    beside_the_spine = aftercare.sheet(
        sites=[aftercare.Site("thoracic-multifidus-rotatores", "R", "T4")], flag_codes=[], clinic_phone="1"
    )

    assert CHEST_WALL not in texts(arm) and not arm.has_chest_wall_site
    assert CHEST_WALL in texts(shoulder) and shoulder.has_chest_wall_site
    assert CHEST_WALL in texts(beside_the_spine)


def test_the_bleeding_note_only_with_a_bleeding_flag() -> None:
    plain = aftercare.sheet(sites=[aftercare.Site("deltoid", "L")], flag_codes=["DIABETES"], clinic_phone="1")
    flagged = aftercare.sheet(sites=[aftercare.Site("deltoid", "L")], flag_codes=["BLEED_SSRI"], clinic_phone="1")

    assert BLEEDING not in texts(plain) and "keeps growing" not in texts(plain)
    assert BLEEDING in texts(flagged) and "A bruise is large, keeps growing, or is very painful." in texts(flagged)


def test_the_sheet_of_a_session_reads_its_sites_and_the_flags_it_relied_on() -> None:
    quiet = treated(muscle="deltoid")
    thinned = treated(muscle="upper-trapezius", A1="yes", A2=["apixaban"])

    assert CHEST_WALL not in texts(aftercare_services.sheet_for(quiet))
    assert BLEEDING not in texts(aftercare_services.sheet_for(quiet))
    assert CHEST_WALL in texts(aftercare_services.sheet_for(thinned))
    assert BLEEDING in texts(aftercare_services.sheet_for(thinned))


# --- Signing queues the messages ------------------------------------------------------------------------------


def test_signing_queues_the_aftercare_now_and_the_check_a_day_later() -> None:
    with time_machine.travel(SIGNED_AT, tick=False):
        session = treated()

    aftercare_message = message(session, MessageKind.AFTERCARE)
    check = message(session, MessageKind.CHECK)
    assert session.signed_at == SIGNED_AT
    assert (aftercare_message.send_after, aftercare_message.status) == (SIGNED_AT, MessageStatus.QUEUED)
    assert (check.send_after, check.key) == (SIGNED_AT + timedelta(hours=24), f"check:session:{session.pk}:first")


def test_a_session_signed_the_day_after_gets_its_check_a_day_after_the_treatment_not_the_signature() -> None:
    with time_machine.travel(SIGNED_AT - timedelta(hours=30), tick=False):  # the treatment
        patient = cleared_patient()
        physio = UserFactory(username="maya", roles=[Role.PHYSIOTHERAPIST])
        session = services.session_start(patient=patient, physiotherapist=physio)
        services.needled_site_add(session=session, muscle="deltoid", side="R", confirmation_note="Pincer grip.")
    with time_machine.travel(SIGNED_AT, tick=False):  # its note signed the next day
        session = signed(TreatmentSession.objects.get(pk=session.pk))

    assert message(session, MessageKind.CHECK).send_after == SIGNED_AT  # a day after the treatment is past


@override_settings(CLINIC_CHECK_AFTER_HOURS=36)
def test_the_check_waits_the_hours_the_clinic_set() -> None:
    with time_machine.travel(SIGNED_AT, tick=False):
        session = treated()

    assert message(session, MessageKind.CHECK).send_after == SIGNED_AT + timedelta(hours=36)


def test_the_aftercare_goes_by_email_in_the_patients_language_with_a_private_link_and_the_clinics_phone(
    settings: Any,
) -> None:
    with time_machine.travel(SIGNED_AT, tick=False):
        session = treated(patient_fields={"preferred_language": "fr-ca", "preferred_contact_method": "email"})
        sent = deliver(message(session, MessageKind.AFTERCARE))

    assert (sent.status, sent.channel, sent.language) == (MessageStatus.SENT, "email", "fr-ca")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [session.patient.email]
    assert settings.CLINIC_PHONE in mail.outbox[0].body
    assert sent_link(sent).startswith("/aftercare/")
    assert "[private link]" in sent.body and sent_link(sent) not in sent.body
    assert session.aftercare_links.count() == 1


@pytest.fixture
def text_outbox(settings: Any) -> Iterator[list[text_messages.TextMessage]]:
    settings.CLINIC_TEXT_BACKEND = "locmem"
    text_messages.outbox.clear()
    yield text_messages.outbox
    text_messages.outbox.clear()


def test_the_check_goes_by_text_message_a_day_later_when_the_patient_prefers_texts(text_outbox: list[Any]) -> None:
    with time_machine.travel(SIGNED_AT, tick=False):
        session = treated(patient_fields={"preferred_contact_method": "text"})
    check = message(session, MessageKind.CHECK)

    with time_machine.travel(SIGNED_AT + timedelta(hours=23), tick=False):
        early = deliver(check).status
    with time_machine.travel(SIGNED_AT + timedelta(hours=24), tick=False):
        sent = deliver(check)

    assert (early, sent.status, sent.channel) == (MessageStatus.QUEUED, MessageStatus.SENT, "text")
    assert len(text_outbox) == 1 and text_outbox[0].to == session.patient.phone
    assert sent_link(sent).startswith("/check/")
    link = session.check_links.get()
    assert link.expires_at == SIGNED_AT + timedelta(hours=24 + 48)
    assert not mail.outbox


def test_the_check_is_not_sent_before_its_time() -> None:
    with time_machine.travel(SIGNED_AT, tick=False):
        session = treated()
    with time_machine.travel(SIGNED_AT + timedelta(hours=23), tick=False):
        check = deliver(message(session, MessageKind.CHECK))

    assert check.status == MessageStatus.QUEUED and not session.check_links.exists()


def test_the_check_of_a_session_entered_in_error_is_skipped() -> None:
    with time_machine.travel(SIGNED_AT, tick=False):
        session = treated()
        services.session_mark_entered_in_error(session=session, by=session.physiotherapist, reason="Wrong patient.")
    with time_machine.travel(SIGNED_AT + timedelta(hours=24), tick=False):
        check = deliver(message(session, MessageKind.CHECK))

    assert (check.status, check.note) == (MessageStatus.SKIPPED, "The treatment session was marked entered in error.")
    assert not mail.outbox and not session.check_links.exists()


def test_a_check_already_answered_is_skipped() -> None:
    with time_machine.travel(SIGNED_AT, tick=False):
        session = treated()
        aftercare_services.check_submit(link=check_link(session), answers=answers(soreness=0))
    with time_machine.travel(SIGNED_AT + timedelta(hours=24), tick=False):
        check = deliver(message(session, MessageKind.CHECK))

    assert (check.status, check.note) == (MessageStatus.SKIPPED, "The check is already answered.")


def test_a_check_whose_window_passed_before_it_could_be_sent_is_skipped() -> None:
    with time_machine.travel(SIGNED_AT, tick=False):
        session = treated()
    with time_machine.travel(SIGNED_AT + timedelta(hours=24 + 48), tick=False):
        check = deliver(message(session, MessageKind.CHECK))

    assert (check.status, check.note) == (
        MessageStatus.SKIPPED,
        "Too late: the check is for the day or two after the session.",
    )
    assert not mail.outbox and not session.check_links.exists()


def test_a_failed_check_tried_again_after_its_window_is_skipped() -> None:
    with time_machine.travel(SIGNED_AT, tick=False):
        session = treated()
    check = message(session, MessageKind.CHECK)
    check.status, check.attempts = MessageStatus.FAILED, 5  # the provider refused it at every try
    check.save(update_fields=["status", "attempts"])
    with time_machine.travel(SIGNED_AT + timedelta(days=7), tick=False):
        assert messaging.send_again(messages=[check]) == 1  # the clinic admin's "try again", a week later
        check = deliver(check)

    assert (check.status, check.note) == (
        MessageStatus.SKIPPED,
        "Too late: the check is for the day or two after the session.",
    )
    assert not mail.outbox and not session.check_links.exists()


# --- The answers and what follows them ------------------------------------------------------------------------


def test_no_soreness_on_the_first_check_ends_the_checks() -> None:
    session = treated()
    report = aftercare_services.check_submit(link=check_link(session), answers=answers(soreness=0))

    assert report is not None and report.soreness == 0
    assert not session.patient.messages.filter(key__endswith=":follow_up").exists()
    assert not AfterEffectReview.objects.exists()


def test_soreness_on_the_first_check_queues_the_check_at_72_hours_after_the_session() -> None:
    session = treated()
    aftercare_services.check_submit(link=check_link(session), answers=answers(soreness=3))

    follow_up = message(session, MessageKind.CHECK, ":follow_up")
    assert follow_up.send_after == session.started_at + timedelta(hours=72)
    assert not AfterEffectReview.objects.exists()  # 3 of 10 a day after is expected (6.5)


def test_soreness_still_there_at_72_hours_is_put_to_review() -> None:
    session = treated()
    aftercare_services.check_submit(link=check_link(session), answers=answers(soreness=3))
    report = aftercare_services.check_submit(
        link=check_link(session, CheckRound.FOLLOW_UP), answers=answers(soreness=2)
    )

    review = AfterEffectReview.objects.get()
    assert review.report == report and review.physiotherapist == session.physiotherapist
    assert review.reasons == ["Soreness still 2 of 10 at 72 hours"]


def test_soreness_on_a_first_check_answered_after_72_hours_is_put_to_review_without_asking_again() -> None:
    with time_machine.travel(SIGNED_AT, tick=False):
        session = treated()
    with time_machine.travel(session.started_at + timedelta(hours=73), tick=False):
        report = aftercare_services.check_submit(link=check_link(session), answers=answers(soreness=3))

    review = AfterEffectReview.objects.get()
    assert review.report == report and review.reasons == ["Soreness still 3 of 10 at 72 hours"]
    assert not session.patient.messages.filter(key__endswith=":follow_up").exists()


def test_gone_at_72_hours_needs_no_review() -> None:
    session = treated()
    aftercare_services.check_submit(link=check_link(session), answers=answers(soreness=3))
    aftercare_services.check_submit(link=check_link(session, CheckRound.FOLLOW_UP), answers=answers(soreness=0))

    assert not AfterEffectReview.objects.exists()


@pytest.mark.parametrize(
    ("given", "reasons"),
    [
        ({"soreness": 7}, ["Soreness 7 of 10"]),
        ({"soreness": 1, "warning_signs": ["breathless_chest_pain"]}, ["Warning sign: breathlessness or chest pain"]),
        ({"soreness": 6}, []),
    ],
)
def test_a_warning_sign_or_soreness_of_7_or_more_is_put_to_review(given: dict[str, Any], reasons: list[str]) -> None:
    session = treated()
    aftercare_services.check_submit(link=check_link(session), answers=answers(**given))

    assert [review.reasons for review in AfterEffectReview.objects.all()] == ([reasons] if reasons else [])


def test_the_same_check_answered_twice_is_stored_once() -> None:
    session = treated()
    link = check_link(session)
    first = aftercare_services.check_submit(link=link, answers=answers(soreness=7))
    again = aftercare_services.check_submit(link=link, answers=answers(soreness=9))
    other_link = aftercare_services.check_submit(link=check_link(session), answers=answers(soreness=9))

    assert first is not None and again is None and other_link is None
    assert list(AfterEffectReport.objects.values_list("soreness", flat=True)) == [7]
    assert AfterEffectReview.objects.count() == 1


def test_the_messages_are_composed_in_the_patients_language() -> None:
    session = treated(patient_fields={"preferred_language": "fr-ca"})
    sent = deliver(message(session, MessageKind.AFTERCARE))

    assert sent.language == "fr-ca"
    with translation.override("fr-ca"):
        assert aftercare_services.sheet_for(session).sections[0].key == "expect"
