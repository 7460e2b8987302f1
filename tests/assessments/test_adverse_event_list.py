"""The adverse events for the incident review: the list, its filters and bad dates, its CSV, and who may read them."""

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts.models import AuditAction, AuditEvent
from accounts.roles import Role
from assessments import services
from assessments.models import AssessmentStatus, NeedledSite, TreatmentSession
from tests.date_cases import OUT_OF_RANGE
from tests.factories import PatientFactory, UserFactory
from tests.pages import body_of, field_error

pytestmark = pytest.mark.django_db

TODAY = datetime(2026, 6, 15, 12, tzinfo=UTC)
LIST = "assessments:adverse-event-list"
EXPORT = "assessments:adverse-event-export"


@pytest.fixture(autouse=True)
def today() -> Any:
    with time_machine.travel(TODAY, tick=False):
        yield


def treatment(physiotherapist: Any, *, days_ago: int, patient: Any = None, **patient_fields: Any) -> TreatmentSession:
    """A session of `days_ago` with two needled sites (recorded as the page table's world records its site)."""
    session = TreatmentSession.objects.create(
        patient=patient or PatientFactory(**patient_fields),
        physiotherapist=physiotherapist,
        started_at=TODAY - timedelta(days=days_ago),
    )
    NeedledSite.objects.create(session=session, muscle="supinator", side="L")
    NeedledSite.objects.create(session=session, muscle="deltoid", side="R")
    return session


def report(session: TreatmentSession, *, days_ago: int, reported_in: TreatmentSession | None = None, **fields: Any):
    data = {"event_type": "bruising", "event_class": "mild", "onset": "after", "action_taken": "Ice; reassured."}
    with time_machine.travel(TODAY - timedelta(days=days_ago), tick=False):
        return services.adverse_event_record(
            session=session,
            reported_in=reported_in,
            reported_by=(reported_in or session).physiotherapist,
            **{**data, **fields},
        )


@pytest.fixture
def maya(physio_client: Client) -> Any:
    return physio_client.user


@pytest.fixture
def daniel() -> Any:
    return UserFactory(username="daniel", first_name="Daniel", last_name="Hart", roles=[Role.PHYSIOTHERAPIST])


def listed(client: Client, **query: str) -> Any:
    return client.get(reverse(LIST), query)


def csv_of(response: Any) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


# --- What the list shows ------------------------------------------------------------------------------------------


def test_a_physiotherapist_reads_each_event_with_its_session_sites_action_and_follow_up(
    physio_client: Client, maya: Any
) -> None:
    session = treatment(maya, days_ago=3, given_name="Odile", family_name="Brandt")
    report(
        session,
        days_ago=3,
        event_type="fainting",
        event_class="significant",
        onset="during",
        description="Felt faint sitting up and slid to the floor.",
        action_taken="Lay flat, legs raised; observed 20 minutes.",
        referral="Family doctor, same day",
    )

    response = listed(physio_client)
    body = body_of(response)

    assert response.status_code == 200
    assert f'href="{session.patient.get_absolute_url()}">Odile Brandt</a>' in body
    assert f'href="{session.get_absolute_url()}">12 June 2026</a>' in body
    assert "Supinator, left; Deltoid, right" in body
    assert "Fainting (syncope)" in body and "Significant (moderate)" in body
    assert "During needling" in body
    assert "Felt faint sitting up and slid to the floor." in body
    assert "Lay flat, legs raised; observed 20 minutes." in body
    assert "Family doctor, same day" in body
    assert f"12 June 2026, 05:00 by {maya}" in body  # noon UTC, in the clinic's time zone
    assert "Reported in the last 30 days from 16 May 2026 to 15 June 2026: 1 event." in body


def test_an_event_reported_at_a_later_visit_names_that_session(physio_client: Client, maya: Any) -> None:
    earlier = treatment(maya, days_ago=10)
    later = treatment(maya, days_ago=2, patient=earlier.patient)
    report(earlier, days_ago=2, reported_in=later, event_type="pain_after", onset="reported_later")

    body = body_of(listed(physio_client))

    assert "Reported at a later visit" in body
    assert f'reported later, in the session of <a href="{later.get_absolute_url()}">13 June 2026</a>' in body
    assert f'href="{earlier.get_absolute_url()}">5 June 2026</a>' in body


def test_the_clinic_admin_reads_the_events_without_links_into_charts_they_cannot_open(
    admin_client: Client, maya: Any
) -> None:
    session = treatment(maya, days_ago=1, given_name="Odile", family_name="Brandt")
    report(session, days_ago=1, action_taken="Pressure for two minutes.")

    response = listed(admin_client)
    body = body_of(response)

    assert response.status_code == 200
    assert "Odile Brandt, patient #" in body and "Pressure for two minutes." in body
    assert session.patient.get_absolute_url() not in body
    assert session.get_absolute_url() not in body
    assert reverse("assessments:adverse-event-report") in body  # the counts, which are theirs too


def test_events_of_a_session_entered_in_error_are_left_out_as_the_counts_leave_them_out(
    physio_client: Client, maya: Any
) -> None:
    kept = treatment(maya, days_ago=2, given_name="Kept")
    voided = treatment(maya, days_ago=2, given_name="Voided")
    report(kept, days_ago=2)
    report(voided, days_ago=2)
    TreatmentSession.objects.filter(pk=voided.pk).update(status=AssessmentStatus.ENTERED_IN_ERROR)

    body = body_of(listed(physio_client))

    assert "Kept " in body and "Voided " not in body


def test_the_list_pages_twenty_five_events_at_a_time_and_keeps_the_filters_across_pages(
    physio_client: Client, maya: Any
) -> None:
    session = treatment(maya, days_ago=1)
    for _ in range(27):
        report(session, days_ago=1)

    first = listed(physio_client, event_class="mild")
    second = listed(physio_client, event_class="mild", page="2")

    assert body_of(first).count("<article") == 25
    assert body_of(second).count("<article") == 2
    assert "event_class=mild" in body_of(first) and "page=2" in body_of(first)
    assert listed(physio_client, page="nonsense").status_code == 200


# --- Filters ------------------------------------------------------------------------------------------------------


def test_the_period_class_type_and_physiotherapist_each_narrow_the_list(
    physio_client: Client, maya: Any, daniel: Any
) -> None:
    mayas = treatment(maya, days_ago=5, given_name="Mayasone")
    daniels = treatment(daniel, days_ago=5, given_name="Danielsone")
    report(mayas, days_ago=5, event_type="bruising")
    report(mayas, days_ago=40, event_type="headache", action_taken="Old headache.")
    report(daniels, days_ago=4, event_type="pneumothorax", event_class="serious", referral="Emergency department")

    by_default = body_of(listed(physio_client))
    assert "Old headache." not in by_default and "Bruising" in by_default and "Pneumothorax" in by_default
    wider = body_of(listed(physio_client, start="2026-05-01", end="2026-06-15"))
    assert "Old headache." in wider and "3 events" in wider
    assert "Pneumothorax" not in body_of(listed(physio_client, event_class="mild")).split("</form>")[-1]
    assert "Bruising" not in body_of(listed(physio_client, event_type="pneumothorax")).split("</form>")[-1]
    only_daniel = body_of(listed(physio_client, practitioner=str(daniel.pk))).split("</form>")[-1]
    assert "Danielsone" in only_daniel and "Mayasone" not in only_daniel


def test_only_an_end_date_runs_from_30_days_before_it(physio_client: Client, maya: Any) -> None:
    report(treatment(maya, days_ago=60), days_ago=60, action_taken="Sixty days ago.")

    body = body_of(listed(physio_client, end="2026-04-20"))

    assert "Sixty days ago." in body
    assert "Reported from 21 March 2026 to 20 April 2026: 1 event." in body


def test_only_a_start_date_runs_to_today(physio_client: Client, maya: Any) -> None:
    report(treatment(maya, days_ago=60), days_ago=60, action_taken="Sixty days ago.")

    body = body_of(listed(physio_client, start="2026-04-01"))

    assert "Sixty days ago." in body
    assert "Reported from 1 April 2026 to 15 June 2026: 1 event." in body


# --- Bad dates: a message at the field, the last 30 days, never a 500 -------------------------------------------


@pytest.mark.parametrize("field", ["start", "end"])
@pytest.mark.parametrize("value", [*OUT_OF_RANGE, "2026-02-30", "not-a-date", "2" * 5000])
def test_an_impossible_date_is_explained_at_its_field_and_the_last_30_days_are_listed(
    physio_client: Client, maya: Any, field: str, value: str
) -> None:
    report(treatment(maya, days_ago=3), days_ago=3, action_taken="Within thirty days.")
    query = {"start": "2026-06-01", "end": "2026-06-15", "event_class": "mild", field: value}

    response = listed(physio_client, **query)
    body = body_of(response)

    assert response.status_code == 400
    message = response.context["form"].errors[field][0]
    assert message in ("Enter a date between 1 January 1900 and 31 December 2100.", "Enter a valid date.")
    assert field_error(response, field, message)
    assert "The period asked for could not be used, so the last 30 days are shown" in body
    assert "Reported in the last 30 days from 16 May 2026 to 15 June 2026: 1 event." in body
    assert "Within thirty days." in body
    assert '<option value="mild" selected>' in body  # the rest of the filters are kept


def test_a_start_after_the_end_is_explained_and_the_last_30_days_are_listed(physio_client: Client, maya: Any) -> None:
    report(treatment(maya, days_ago=3), days_ago=3)

    response = listed(physio_client, start="2026-06-10", end="2026-06-01")

    assert response.status_code == 400
    assert field_error(response, "start", "The start of the period is after its end.")
    assert 'value="2026-06-10"' in body_of(response) and 'value="2026-06-01"' in body_of(response)
    assert "Reported in the last 30 days" in body_of(response)


def test_an_unknown_class_type_or_physiotherapist_is_explained_and_not_applied(
    physio_client: Client, maya: Any, front_desk_client: Client
) -> None:
    report(treatment(maya, days_ago=3), days_ago=3)

    response = listed(
        physio_client, event_class="catastrophic", event_type="<b>x</b>", practitioner=str(front_desk_client.user.pk)
    )

    assert response.status_code == 400
    assert field_error(response, "event_class", "Choose a class from the list.")
    assert field_error(response, "event_type", "Choose a type from the list.")
    assert field_error(response, "practitioner", "Choose a physiotherapist from the list.")
    assert "A filter could not be used; see the message at it." in body_of(response)
    assert "<b>x</b>" not in body_of(response)
    assert "1 event." in body_of(response)


def test_the_whole_range_of_clinic_dates_lists_without_error(physio_client: Client, maya: Any) -> None:
    report(treatment(maya, days_ago=3), days_ago=3)

    response = listed(physio_client, start="1900-01-01", end="2100-12-31")

    assert response.status_code == 200
    assert "1 event." in body_of(response)
    assert export(physio_client, start="1900-01-01", end="2100-12-31").status_code == 200


# --- The CSV for the incident review --------------------------------------------------------------------------------


def export(client: Client, **query: str) -> Any:
    return client.get(reverse(EXPORT), query)


def test_the_csv_has_one_row_per_event_with_the_patients_number_and_not_their_name(
    admin_client: Client, maya: Any
) -> None:
    earlier = treatment(maya, days_ago=9, given_name="Odile", family_name="Brandt")
    later = treatment(maya, days_ago=2, patient=earlier.patient)
    report(earlier, days_ago=9, event_type="bleeding", onset="during", action_taken="Pressure.")
    report(
        earlier,
        days_ago=2,
        reported_in=later,
        event_type="prolonged_aggravation",
        event_class="significant",
        onset="reported_later",
        action_taken="Advised rest.",
        referral="Family doctor",
        description="Private free text stays on the page.",
    )

    response = export(admin_client)
    rows = csv_of(response)

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="adverse-events-20260516-20260615.csv"'
    assert rows[0] == [
        "event date", "patient number", "class", "type", "onset", "needled sites", "action taken",
        "escalated or referred to", "physiotherapist", "session date", "reported by", "reported at",
        "reported at the session of",
    ]  # fmt: skip
    patient = str(earlier.patient.pk)
    assert rows[1][:10] == [
        "2026-06-13", patient, "Significant (moderate)", "Prolonged worsening of symptoms",
        "Reported at a later visit", "Supinator, left; Deltoid, right", "Advised rest.", "Family doctor", str(maya),
        "2026-06-06",
    ]  # fmt: skip
    assert rows[1][10] == str(maya) and rows[1][11].startswith("2026-06-13T") and rows[1][12] == "2026-06-13"
    assert rows[2][:6] == ["2026-06-06", patient, "Mild (minor)", "Bleeding", "During needling", rows[1][5]]
    assert rows[2][12] == ""
    assert len(rows) == 3
    text = "\n".join(",".join(row) for row in rows)
    assert "Odile" not in text and "Brandt" not in text and "Private free text" not in text


def test_the_csv_follows_the_same_filters_as_the_list(physio_client: Client, maya: Any, daniel: Any) -> None:
    report(treatment(maya, days_ago=3), days_ago=3, action_taken="Maya's.")
    report(treatment(daniel, days_ago=3), days_ago=3, action_taken="Daniel's.")
    report(treatment(maya, days_ago=50), days_ago=50, action_taken="Too old.")

    rows = csv_of(export(physio_client, practitioner=str(daniel.pk)))

    assert [row[6] for row in rows[1:]] == ["Daniel's."]


@pytest.mark.parametrize("start", ['=HYPERLINK("http://evil")', "+1+1", "-2", "@SUM(A1)"])
def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_written_as_text(
    physio_client: Client, maya: Any, start: str
) -> None:
    report(treatment(maya, days_ago=1), days_ago=1, action_taken=start, event_class="significant", referral=start)

    row = csv_of(export(physio_client))[1]

    assert row[6] == "'" + start and row[7] == "'" + start


def test_downloading_the_csv_is_an_audited_export_and_reading_the_list_an_audited_view(
    physio_client: Client, maya: Any
) -> None:
    report(treatment(maya, days_ago=1), days_ago=1)

    listed(physio_client)
    csv_of(export(physio_client))

    views = AuditEvent.objects.filter(object_type="assessments.adverseevent", action=AuditAction.VIEW)
    exports = AuditEvent.objects.filter(object_type="assessments.adverseevent", action=AuditAction.EXPORT)
    assert [(event.actor, event.role) for event in views] == [(maya, "Physiotherapist")]
    assert [(event.actor, event.role) for event in exports] == [(maya, "Physiotherapist")]


def test_the_audit_log_says_which_period_filters_and_page_were_read_and_downloaded(
    physio_client: Client, admin_client: Client, maya: Any, daniel: Any
) -> None:
    report(
        treatment(daniel, days_ago=4),
        days_ago=4,
        event_type="pneumothorax",
        event_class="serious",
        referral="Emergency department",
    )
    query = {"start": "2026-05-01", "end": "2026-06-15", "event_class": "serious", "event_type": "pneumothorax"}

    listed(physio_client, **query, practitioner=str(daniel.pk))
    csv_of(export(physio_client, **query))
    listed(physio_client, event_class="nonsense")

    trail = body_of(admin_client.get(reverse("accounts:audit-list")))
    filters = "Reported 1 May 2026 to 15 June 2026; class Serious (major); type Pneumothorax (collapsed lung)"
    assert f"{filters}; physiotherapist {daniel}; page 1" in trail
    assert f"{filters}</span>" in trail  # the download: the same filters, no page
    assert "Reported 16 May 2026 to 15 June 2026; page 1" in trail  # a filter with a mistake is not applied
    download = AuditEvent.objects.get(action=AuditAction.EXPORT, object_type="assessments.adverseevent")
    assert download.data["start"] == "2026-05-01" and download.data["class"] == "serious"


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "2026-02-30"])
def test_a_csv_asked_with_an_impossible_date_shows_the_filters_and_their_message_instead(
    physio_client: Client, maya: Any, value: str
) -> None:
    report(treatment(maya, days_ago=1), days_ago=1)

    response = export(physio_client, start=value)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert response.context["form"].errors["start"]
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


# --- Who may read them --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [LIST, EXPORT])
def test_the_front_desk_may_not_read_or_download_the_adverse_events(
    front_desk_client: Client, maya: Any, name: str
) -> None:
    report(treatment(maya, days_ago=1, given_name="Odile", family_name="Brandt"), days_ago=1)

    response = front_desk_client.get(reverse(name))

    assert response.status_code == 403
    assert b"Brandt" not in response.content


@pytest.mark.parametrize("name", [LIST, EXPORT])
def test_someone_signed_out_is_sent_to_sign_in(client: Client, name: str) -> None:
    response = client.get(reverse(name))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["physio", "admin"])
def test_physiotherapists_and_the_clinic_admin_may_read_and_download(
    request: pytest.FixtureRequest, persona: str
) -> None:
    client = request.getfixturevalue(f"{persona}_client")

    assert client.get(reverse(LIST)).status_code == 200
    assert client.get(reverse(EXPORT)).status_code == 200


def test_the_list_and_the_csv_answer_only_reads(physio_client: Client) -> None:
    assert physio_client.post(reverse(LIST)).status_code == 405
    assert physio_client.post(reverse(EXPORT)).status_code == 405


def test_the_count_report_links_to_the_list_for_the_same_period_and_back(admin_client: Client) -> None:
    report_page = admin_client.get(
        reverse("assessments:adverse-event-report"), {"start": "2026-05-01", "end": "2026-05-31"}
    )
    list_page = listed(admin_client, start="2026-05-01", end="2026-05-31")

    assert f"{reverse(LIST)}?start=2026-05-01&amp;end=2026-05-31" in body_of(report_page)
    assert f"{reverse('assessments:adverse-event-report')}?start=2026-05-01&amp;end=2026-05-31" in body_of(list_page)


def test_a_physiotherapist_finds_the_list_in_the_main_menu(physio_client: Client) -> None:
    home = physio_client.get(reverse("home"))

    assert f'href="{reverse(LIST)}">Adverse events</a>' in body_of(home)
