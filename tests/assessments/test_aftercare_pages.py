"""The pages after a session: the patient's aftercare sheet and check behind their links, the physiotherapist's
review of what was reported (on Today), the sheet printed at the desk, the session and progress pages."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from assessments import needling_safety
from assessments.models import AdverseEvent, AfterEffectReport, AfterEffectReview, CheckLink
from patients.models import MessageKind
from tests.assessments.aftercare import deliver, message, opened, sent_link, treated
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SIGNED_AT = datetime(2026, 3, 10, 17, 0, tzinfo=UTC)
CHECK_DUE = SIGNED_AT + timedelta(hours=24)
UNAVAILABLE = "This link cannot be used"
SORENESS_MESSAGE = "Choose a number from 0 (no soreness) to 10 (the worst you can imagine)."


def answered(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"soreness": "4", "regions": ["upper_limb:R"], "bruising": "small", "words": "A bit stiff."}
    data.update(changes)
    return data


@pytest.fixture
def physio(physio_client: Client) -> Any:
    return physio_client.user  # type: ignore[attr-defined]


@pytest.fixture
def checked(physio: Any) -> tuple[Any, str]:
    """A session signed by the physio persona, and the path of its check sent a day later."""
    with time_machine.travel(SIGNED_AT, tick=False):
        session = treated(physio=physio, muscle="upper-trapezius")
    with time_machine.travel(CHECK_DUE, tick=False):
        path = sent_link(deliver(message(session, MessageKind.CHECK)))
    return session, path


# --- The aftercare sheet ----------------------------------------------------------------------------------------


def test_the_patient_reads_the_aftercare_sheet_on_their_phone_after_their_date_of_birth(physio: Any) -> None:
    session = treated(physio=physio, muscle="upper-trapezius")
    path = sent_link(deliver(message(session, MessageKind.AFTERCARE)))

    asked = Client().get(path)
    client = opened(path, session)
    page = client.get(path)
    again = client.get(path)

    assert asked.status_code == 200 and "date of birth" in asked.content.decode()
    body = page.content.decode()
    assert page.status_code == 200 and again.status_code == 200  # the sheet can be read again
    assert "What to expect" in body and "like being sore after a workout" in body
    assert "If you become short of breath or have chest pain" in body
    assert "shoulder and shoulder blade (right)" in body
    assert "(our clinic's usual advice)" in body
    assert "css/print.css" in body
    assert page["Cache-Control"].startswith("max-age=0") or "no-cache" in page["Cache-Control"]


def test_a_forged_aftercare_link_gets_the_neutral_page() -> None:
    response = Client().get(reverse("aftercare:sheet", kwargs={"token": "x" * 43}))

    assert response.status_code == 404 and UNAVAILABLE in response.content.decode()


def test_the_sheet_is_printed_at_the_desk_by_a_physiotherapist_only(
    physio_client: Client, front_desk_client: Client, admin_client: Client, physio: Any
) -> None:
    session = treated(physio=physio, muscle="deltoid", A1="yes", A2=["apixaban"])
    url = reverse("assessments:session-aftercare", kwargs={"pk": session.pk})

    page = physio_client.get(url)

    body = page.content.decode()
    assert page.status_code == 200 and "data-print" in body and "Your care after treatment" in body
    assert "makes you bleed or bruise more easily" in body
    assert "short of breath" not in body
    assert front_desk_client.get(url).status_code == 403
    assert admin_client.get(url).status_code == 403


# --- The check --------------------------------------------------------------------------------------------------


def test_the_patient_answers_the_check_once(checked: tuple[Any, str]) -> None:
    session, path = checked
    with time_machine.travel(CHECK_DUE + timedelta(hours=2), tick=False):
        client = opened(path, session)
        form = client.get(path)
        sent = client.post(path, answered(warning_signs=["infection"]))
        again = client.post(path, answered(soreness="9"))

    assert form.status_code == 200 and "How sore are you now" in form.content.decode()
    assert sent.status_code == 200 and "Thank you" in sent.content.decode()
    assert "You told us about a warning sign" in sent.content.decode()
    assert again.status_code == 404 and UNAVAILABLE in again.content.decode()
    report = AfterEffectReport.objects.get()
    assert (report.session, report.soreness, report.regions) == (session, 4, ["upper_limb:R"])
    assert (report.bruising, report.warning_signs, report.words) == ("small", ["infection"], "A bit stiff.")


@pytest.mark.parametrize("soreness", ["-1", "11", "x", ""])
def test_out_of_range_soreness_is_refused_at_its_field_and_nothing_is_saved(
    checked: tuple[Any, str], soreness: str
) -> None:
    session, path = checked
    with time_machine.travel(CHECK_DUE, tick=False):
        client = opened(path, session)
        refused = client.post(path, answered(soreness=soreness))

    body = refused.content.decode()
    assert refused.status_code == 400
    assert f'<div class="invalid-feedback" id="soreness-error">{SORENESS_MESSAGE}</div>' in body
    assert "A bit stiff." in body and 'value="upper_limb:R"' in body and "checked" in body
    assert not AfterEffectReport.objects.exists()
    assert CheckLink.objects.get().used_at is None


def test_a_check_after_its_window_gets_the_neutral_page(checked: tuple[Any, str]) -> None:
    _session, path = checked
    with time_machine.travel(CHECK_DUE + timedelta(hours=48, seconds=1), tick=False):
        late = Client().get(path)

    assert late.status_code == 404 and UNAVAILABLE in late.content.decode()


def test_another_patients_check_link_asks_for_its_own_patients_date_of_birth(
    checked: tuple[Any, str], physio: Any
) -> None:
    session, path = checked
    with time_machine.travel(SIGNED_AT, tick=False):
        other = treated(physio=physio)
    with time_machine.travel(CHECK_DUE, tick=False):
        other_path = sent_link(deliver(message(other, MessageKind.CHECK)))
        client = opened(path, session)
        asked = client.get(other_path)
        wrong = client.post(other_path, {"date_of_birth": session.patient.date_of_birth.isoformat()})

    assert "date of birth" in asked.content.decode() and "How sore" not in asked.content.decode()
    assert wrong.status_code == 200 and "How sore" not in wrong.content.decode()
    assert not AfterEffectReport.objects.exists()


def test_a_check_of_a_session_entered_in_error_since_gets_the_neutral_page(checked: tuple[Any, str]) -> None:
    from assessments import services

    session, path = checked
    services.session_mark_entered_in_error(session=session, by=session.physiotherapist, reason="Wrong patient.")
    with time_machine.travel(CHECK_DUE, tick=False):
        client = opened(path, session)
        page = client.get(path)

    assert page.status_code == 404 and UNAVAILABLE in page.content.decode()


# --- The review on Today ----------------------------------------------------------------------------------------


def answer_check(checked: tuple[Any, str], **changes: Any) -> None:
    session, path = checked
    with time_machine.travel(CHECK_DUE, tick=False):
        assert opened(path, session).post(path, answered(**changes)).status_code == 200


def reported(checked: tuple[Any, str], **changes: Any) -> AfterEffectReview:
    answer_check(checked, **changes)
    return AfterEffectReview.objects.get()


def test_a_report_to_review_is_on_todays_list_until_recorded_as_an_adverse_event(
    physio_client: Client, checked: tuple[Any, str]
) -> None:
    review = reported(checked, soreness="8")
    session = checked[0]
    url = reverse("assessments:after-effect-review", kwargs={"pk": review.pk})

    listed = physio_client.get(reverse("home")).content.decode()
    page = physio_client.get(url)
    recorded = physio_client.post(
        reverse("assessments:after-effect-record", kwargs={"pk": review.pk}),
        {"event_type": "pain_after", "event_class": "mild", "action_taken": "Called; advised heat and rest."},
    )
    after = physio_client.get(reverse("home")).content.decode()

    assert "Reported after treatment — to review" in listed and "Soreness 8 of 10" in listed and url in listed
    assert page.status_code == 200 and "A bit stiff." in page.content.decode()
    assert recorded.status_code == 302 and recorded["Location"] == session.get_absolute_url()
    event = AdverseEvent.objects.get()
    assert (event.session, event.onset) == (session, needling_safety.AdverseEventOnset.REPORTED_LATER)
    assert url not in after and "Nothing reported after treatment waits for your review." in after
    assert AfterEffectReview.objects.get().adverse_event == event


def test_closing_a_report_needs_a_note(physio_client: Client, checked: tuple[Any, str]) -> None:
    review = reported(checked, soreness="1", warning_signs=["fainting_dizziness"])
    close = reverse("assessments:after-effect-close", kwargs={"pk": review.pk})

    refused = physio_client.post(close, {"note": "  "})
    closed = physio_client.post(close, {"note": "Called: a brief faint on standing, fine since."})
    listed = physio_client.get(reverse("home")).content.decode()

    assert refused.status_code == 400 and "Say why this report needs no adverse event." in refused.content.decode()
    assert closed.status_code == 302
    review.refresh_from_db()
    assert (review.outcome, review.note) == ("closed", "Called: a brief faint on standing, fine since.")
    assert not AdverseEvent.objects.exists()
    assert reverse("assessments:after-effect-review", kwargs={"pk": review.pk}) not in listed


def test_only_the_sessions_physiotherapist_opens_its_review(
    checked: tuple[Any, str], front_desk_client: Client, admin_client: Client
) -> None:
    review = reported(checked, soreness="9")
    colleague = Client()
    colleague.force_login(UserFactory(username="colleague", roles=[Role.PHYSIOTHERAPIST]))
    url = reverse("assessments:after-effect-review", kwargs={"pk": review.pk})
    record = reverse("assessments:after-effect-record", kwargs={"pk": review.pk})

    assert colleague.get(url).status_code == 404
    event = {"event_type": "pain_after", "event_class": "mild", "action_taken": "Called."}
    assert colleague.post(record, event).status_code == 404
    assert front_desk_client.get(url).status_code == 403
    assert admin_client.get(url).status_code == 403
    assert not AdverseEvent.objects.exists()


# --- The session and progress pages -----------------------------------------------------------------------------


def test_the_session_page_shows_the_messages_and_what_the_patient_reported(
    physio_client: Client, checked: tuple[Any, str]
) -> None:
    reported(checked, soreness="7")
    session = checked[0]

    body = physio_client.get(session.get_absolute_url()).content.decode()

    assert "After the session" in body
    assert "Aftercare sheet: waiting to be sent" in body
    assert "Check after treatment: sent" in body and "by e-mail; answered</li>" in body
    assert "Reported by the patient after treatment" in body and "A bit stiff." in body
    assert "Arm (shoulder to hand) (left)" not in body and "Arm (shoulder to hand) (right)" in body
    assert "To review" in body


def test_the_progress_page_shows_the_soreness_the_patient_reported(
    physio_client: Client, checked: tuple[Any, str]
) -> None:
    answer_check(checked, soreness="5")
    session = checked[0]

    progress = reverse("assessments:progress", kwargs={"patient_pk": session.patient_id})
    body = physio_client.get(progress).content.decode()

    assert "Soreness after sessions, reported by the patient" in body
    assert "<td>5</td>" in body and 'id="chart-soreness-title"' in body


def test_printing_the_sheet_opening_and_closing_a_review_are_audited(
    physio_client: Client, checked: tuple[Any, str]
) -> None:
    from accounts.models import AuditEvent

    review = reported(checked, soreness="9")
    session = checked[0]
    physio_client.get(reverse("assessments:session-aftercare", kwargs={"pk": session.pk}))
    physio_client.get(reverse("assessments:after-effect-review", kwargs={"pk": review.pk}))
    physio_client.post(reverse("assessments:after-effect-close", kwargs={"pk": review.pk}), {"note": "Called; fine."})

    events = AuditEvent.objects.filter(patient_id=session.patient_id, actor=session.physiotherapist)
    seen = set(events.values_list("action", "object_type", "object_id"))
    assert ("print", "assessments.treatmentsession", str(session.pk)) in seen
    assert ("view", "assessments.aftereffectreview", str(review.pk)) in seen
    assert ("update", "assessments.aftereffectreview", str(review.pk)) in seen
