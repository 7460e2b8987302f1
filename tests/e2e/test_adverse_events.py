"""The adverse events for the incident review in Chromium: a physiotherapist filters the list and downloads it, the
clinic admin comes to it from the counts."""

import csv
from datetime import timedelta

from django.utils import timezone

from accounts.roles import Role
from assessments import services
from assessments.models import NeedledSite, TreatmentSession
from tests.factories import PatientFactory, UserFactory


def an_event(physiotherapist: object, given_name: str, **fields: object) -> TreatmentSession:
    session = TreatmentSession.objects.create(
        patient=PatientFactory(given_name=given_name, family_name="Okafor"),
        physiotherapist=physiotherapist,
        started_at=timezone.now() - timedelta(days=2),
    )
    NeedledSite.objects.create(session=session, muscle="infraspinatus", side="R")
    data = {"event_type": "bruising", "event_class": "mild", "onset": "after", "action_taken": "Ice; reassured."}
    services.adverse_event_record(session=session, reported_by=physiotherapist, **{**data, **fields})
    return session


def test_a_physiotherapist_filters_the_adverse_events_and_downloads_them_for_the_review(
    page: object, sign_in_as: object, assert_accessible: object
) -> None:
    from playwright.sync_api import expect

    maya = sign_in_as(Role.PHYSIOTHERAPIST, username="maya", first_name="Maya")
    daniel = UserFactory(username="daniel", first_name="Daniel", last_name="Hart", roles=[Role.PHYSIOTHERAPIST])
    an_event(maya, "Ines")
    an_event(
        daniel,
        "Tomas",
        event_type="pneumothorax",
        event_class="serious",
        onset="after",
        action_taken="Sent to the emergency department by ambulance.",
        referral="Emergency department, St Paul's",
    )

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Adverse events").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Adverse events for review")
    expect(page.get_by_role("status")).to_contain_text("Reported in the last 30 days")
    expect(page.get_by_role("article")).to_have_count(2)
    assert_accessible()

    page.get_by_label("Class").select_option(label="Serious (major)")
    page.get_by_role("button", name="Filter").click()
    events = page.get_by_role("article")
    expect(events).to_have_count(1)
    expect(events).to_contain_text("Pneumothorax (collapsed lung)")
    expect(events).to_contain_text("Infraspinatus, right")
    expect(events).to_contain_text("Emergency department, St Paul's")
    expect(events.get_by_role("link", name="Tomas Okafor")).to_be_visible()
    expect(page.get_by_label("Class")).to_have_value("serious")
    assert_accessible()

    page.get_by_label("Class").select_option(label="Any class")
    page.get_by_label("Physiotherapist").select_option(value=str(maya.pk))
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("article")).to_have_count(1)
    expect(page.get_by_role("article")).to_contain_text("Ines Okafor")

    with page.expect_download() as waiting:
        page.get_by_role("link", name="Download for the incident review (CSV)").click()
    download = waiting.value
    assert download.suggested_filename.startswith("adverse-events-")
    with open(download.path(), encoding="utf-8", newline="") as file:
        rows = list(csv.reader(file))
    assert len(rows) == 2 and rows[1][3] == "Bruising" and "Ines" not in ",".join(rows[1])


def test_the_clinic_admin_goes_from_the_counts_to_each_event_and_back(
    page: object, sign_in_as: object, assert_accessible: object
) -> None:
    from playwright.sync_api import expect

    an_event(UserFactory(first_name="Daniel", roles=[Role.PHYSIOTHERAPIST]), "Ines")
    sign_in_as(Role.CLINIC_ADMIN, username="priya", first_name="Priya")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Adverse events").click()
    page.get_by_role("link", name="Read each event for review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Adverse events for review")
    expect(page.get_by_role("article")).to_contain_text("Ines Okafor, patient #")
    expect(page.get_by_role("article").get_by_role("link")).to_have_count(0)  # charts are not the admin's to open
    assert_accessible()

    page.get_by_role("link", name="Counts by type and class").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Adverse events of needling")
