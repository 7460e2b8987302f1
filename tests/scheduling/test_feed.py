"""The practitioner's calendar feed: a secret, revocable URL; initials and type only."""

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from scheduling import services
from scheduling.models import hash_feed_token
from tests.factories import PatientFactory

from .conftest import at

MANAGE = reverse("scheduling:feed-manage")


def feed_url(token: str) -> str:
    return reverse("scheduling:practitioner-feed", kwargs={"token": token})


@pytest.mark.django_db
def test_the_feed_parses_and_holds_initials_and_type_but_no_names(book, maya, desk) -> None:
    book(practitioner=maya, starts_at=at(9), patient=PatientFactory(given_name="Chloé", family_name="Tremblay"))
    cancelled = book(
        practitioner=maya, starts_at=at(10), patient=PatientFactory(given_name="José", family_name="Álvarez")
    )
    services.appointment_cancel(appointment=cancelled, reason="Called", cancelled_by=desk)
    token = services.feed_token_reset(practitioner=maya)

    response = Client().get(feed_url(token))  # no login: calendar apps cannot sign in

    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(event["SUMMARY"]) for event in events] == ["C.T. · IMS treatment"]
    assert events[0].decoded("DTSTART") == at(9)
    for secret in ("Chloé", "Tremblay", "José", "Álvarez", "Called", "604-555"):
        assert secret not in body


@pytest.mark.django_db
def test_only_the_hash_of_the_token_is_stored(maya) -> None:
    token = services.feed_token_reset(practitioner=maya)

    maya.refresh_from_db()
    assert maya.feed_token_hash == hash_feed_token(token) and token not in maya.feed_token_hash


@pytest.mark.django_db
def test_a_wrong_revoked_or_replaced_token_is_not_found(maya) -> None:
    old = services.feed_token_reset(practitioner=maya)
    new = services.feed_token_reset(practitioner=maya)

    assert Client().get(feed_url(old)).status_code == 404
    assert Client().get(feed_url("not-a-token")).status_code == 404
    assert Client().get(feed_url(new)).status_code == 200
    services.feed_token_revoke(practitioner=maya)
    assert Client().get(feed_url(new)).status_code == 404


@pytest.mark.django_db
def test_a_physiotherapist_makes_and_switches_off_their_link(physio_client: Client, maya) -> None:
    made = physio_client.post(MANAGE, {"action": "reset"})
    url = made.context["feed_url"]
    assert url.startswith("http://testserver/schedule/feed/") and url.endswith(".ics")
    assert Client().get(url.removeprefix("http://testserver")).status_code == 200

    physio_client.post(MANAGE, {"action": "revoke"})
    assert Client().get(url.removeprefix("http://testserver")).status_code == 404


@pytest.mark.django_db
def test_a_physiotherapist_without_a_profile_has_no_feed_page(physio_client: Client) -> None:
    assert physio_client.get(MANAGE).status_code == 404
