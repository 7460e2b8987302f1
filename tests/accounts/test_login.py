"""Signing in and out: the demo logins, wrong passwords, lockouts, session lifetimes."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from ims_clinic.management.commands.seed_demo import DEFAULT_DEMO_PASSWORD, DEMO_STAFF
from tests.factories import UserFactory

LOGIN_URL = reverse("accounts:login")
HOME_URL = reverse("home")


def sign_in(client: Client, username: str, password: str, address: str = "10.0.0.5") -> object:
    return client.post(LOGIN_URL, {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.mark.django_db
@pytest.mark.parametrize("staff", DEMO_STAFF, ids=lambda staff: staff.username)
def test_each_demo_login_reaches_the_home_page_of_its_role(staff: object, capsys: pytest.CaptureFixture) -> None:
    call_command("seed_demo", force=True)
    client = Client()

    response = sign_in(client, staff.username, DEFAULT_DEMO_PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == HOME_URL
    home = client.get(HOME_URL)
    assert home.status_code == 200
    assert staff.role.label in home.content.decode()
    assert staff.first_name in home.content.decode()


@pytest.mark.django_db
def test_a_wrong_password_shows_the_error_and_keeps_the_username(password: str) -> None:
    UserFactory(username="maya", roles=[Role.PHYSIOTHERAPIST])

    response = sign_in(Client(), "maya", password + "x")

    assert response.status_code == 200
    body = response.content.decode()
    assert "That username and password do not match" in body
    assert 'value="maya"' in body


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["{password} ", "{PASSWORD}", " {password}"])
def test_the_password_is_checked_exactly_as_typed(password: str, typed: str) -> None:
    UserFactory(username="maya", roles=[Role.PHYSIOTHERAPIST])

    response = sign_in(Client(), "maya", typed.format(password=password, PASSWORD=password.upper()))

    assert "That username and password do not match" in response.content.decode()


@pytest.mark.django_db
def test_a_missing_username_or_password_is_asked_for_at_the_field() -> None:
    response = Client().post(LOGIN_URL, {"username": "", "password": ""})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "username": ["This field is required."],
        "password": ["This field is required."],
    }


@pytest.mark.django_db
def test_an_unknown_username_reads_like_a_wrong_password() -> None:
    response = sign_in(Client(), "nobody-here", "whatever-password")

    assert "That username and password do not match" in response.content.decode()


@pytest.mark.django_db
def test_the_eleventh_wrong_try_is_locked_out_but_another_user_at_the_same_address_is_not(password: str) -> None:
    UserFactory(username="maya", roles=[Role.PHYSIOTHERAPIST])
    UserFactory(username="sam", roles=[Role.FRONT_DESK])
    client = Client()
    for _ in range(10):
        sign_in(client, "maya", "wrong-password-123")

    locked = sign_in(client, "maya", password)

    assert locked.status_code == 429
    assert "Sign-in locked for now" in locked.content.decode()
    assert "locked for 15 minutes" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    other_user = sign_in(Client(), "sam", password)
    assert other_user.status_code == 302
    same_user_elsewhere = sign_in(Client(), "maya", password, address="10.0.0.99")
    assert same_user_elsewhere.status_code == 302


@pytest.mark.django_db
def test_nine_wrong_tries_then_the_right_password_signs_in_and_resets_the_count(password: str) -> None:
    UserFactory(username="maya", roles=[Role.PHYSIOTHERAPIST])
    for _ in range(9):
        sign_in(Client(), "maya", "wrong-password-123")

    assert sign_in(Client(), "maya", password).status_code == 302
    for _ in range(9):
        sign_in(Client(), "maya", "wrong-password-123")
    assert sign_in(Client(), "maya", password).status_code == 302


@pytest.mark.django_db
def test_a_lockout_ends_after_fifteen_minutes(password: str) -> None:
    UserFactory(username="maya", roles=[Role.PHYSIOTHERAPIST])
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(10):
            sign_in(Client(), "maya", "wrong-password-123")
        traveller.shift(timedelta(minutes=14))
        assert sign_in(Client(), "maya", password).status_code == 429
        traveller.shift(timedelta(minutes=2))
        assert sign_in(Client(), "maya", password).status_code == 302


@pytest.mark.django_db
def test_a_forged_forwarded_address_does_not_escape_the_lockout(password: str) -> None:
    UserFactory(username="maya", roles=[Role.PHYSIOTHERAPIST])
    for attempt in range(10):
        Client().post(
            LOGIN_URL,
            {"username": "maya", "password": "wrong-password-123"},
            REMOTE_ADDR="10.0.0.5",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{attempt}",
        )

    response = Client().post(
        LOGIN_URL,
        {"username": "maya", "password": password},
        REMOTE_ADDR="10.0.0.5",
        HTTP_X_FORWARDED_FOR="192.0.2.77",
    )

    assert response.status_code == 429


@pytest.mark.django_db
def test_signing_in_gives_a_new_session_id(password: str) -> None:
    UserFactory(username="maya", roles=[Role.PHYSIOTHERAPIST])
    client = Client()
    client.get(LOGIN_URL)
    client.session.save()
    before = client.session.session_key

    sign_in(client, "maya", password)

    assert client.session.session_key != before


@pytest.mark.django_db
def test_signing_out_ends_the_session_on_the_server_and_clears_the_browser(physio_client: Client) -> None:
    old_cookie = physio_client.cookies["sessionid"].value

    response = physio_client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    replay = Client()
    replay.cookies["sessionid"] = old_cookie
    assert replay.get(HOME_URL).status_code == 302


@pytest.mark.django_db
def test_signing_out_by_get_is_refused(physio_client: Client) -> None:
    assert physio_client.get(reverse("accounts:logout")).status_code == 405
    assert physio_client.get(HOME_URL).status_code == 200


@pytest.mark.django_db
def test_an_idle_session_ends_after_fifteen_minutes(physio_client: Client) -> None:
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        physio_client.get(HOME_URL)
        traveller.shift(timedelta(minutes=14))
        assert physio_client.get(HOME_URL).status_code == 200
        traveller.shift(timedelta(minutes=14))
        assert physio_client.get(HOME_URL).status_code == 200
        traveller.shift(timedelta(minutes=16))
        response = physio_client.get(HOME_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


@pytest.mark.django_db
def test_a_session_ends_after_twelve_hours_however_active(password: str) -> None:
    UserFactory(username="maya", roles=[Role.PHYSIOTHERAPIST])
    client = Client()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in(client, "maya", password)
        for _ in range(12 * 60 // 10):
            traveller.shift(timedelta(minutes=10))
            assert client.get(HOME_URL).status_code == 200
        traveller.shift(timedelta(minutes=10))
        response = client.get(HOME_URL, follow=True)
    assert response.redirect_chain[0][0] == LOGIN_URL
    assert "Your session has ended" in response.content.decode()


@pytest.mark.django_db
def test_a_switched_off_account_cannot_sign_in(password: str) -> None:
    UserFactory(username="gone", roles=[Role.FRONT_DESK], is_active=False)

    client = Client()

    response = sign_in(client, "gone", password)

    assert response.status_code == 200
    assert "That username and password do not match" in response.content.decode()
    assert client.get(HOME_URL).status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("next_url", ["//evil.example/", "https://evil.example/x", "javascript:alert(1)"])
def test_sign_in_never_redirects_off_site(password: str, next_url: str) -> None:
    UserFactory(username="maya", roles=[Role.PHYSIOTHERAPIST])

    response = Client().post(LOGIN_URL, {"username": "maya", "password": password, "next": next_url})

    assert response.status_code == 302
    assert response["Location"] == HOME_URL
