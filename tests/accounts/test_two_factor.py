"""With CLINIC_REQUIRE_MFA, a password alone opens no page: an authenticator code (TOTP) is needed, once each."""

from datetime import datetime
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.roles import Role
from tests.factories import TEST_PASSWORD, UserFactory
from tests.ims_clinic.page_table import ALLOWED, PAGES

SETUP, VERIFY = reverse("accounts:mfa-setup"), reverse("accounts:mfa-verify")
NOON = datetime(2026, 3, 2, 12, 0, 0, tzinfo=ZoneInfo("UTC"))


@pytest.fixture(autouse=True)
def two_factor_required(settings) -> None:
    settings.CLINIC_REQUIRE_MFA = True


def code_for(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def signed_in_with_password(username: str, *roles: Role) -> Client:
    user = UserFactory(username=username, roles=list(roles), is_staff=Role.CLINIC_ADMIN in roles)
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": username, "password": TEST_PASSWORD})
    assert response.status_code == 302
    client.user = user
    return client


def step_of(response) -> str:
    assert response.status_code == 302
    return urlsplit(response["Location"]).path


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "roles"),
    [("front_desk", [Role.FRONT_DESK]), ("physio", [Role.PHYSIOTHERAPIST]), ("admin", [Role.CLINIC_ADMIN])],
)
def test_every_staff_page_sends_a_password_only_session_to_the_code_step(
    persona: str,
    roles: list[Role],
    world: dict[str, object],
) -> None:
    client = signed_in_with_password({"physio": "physio"}.get(persona, persona), *roles)
    enrolled(client.user)
    opened_with_a_password = [
        page
        for page in PAGES
        if page.expected[persona] == ALLOWED
        and page.expected["anonymous"] != ALLOWED
        and not page.url_name.startswith("accounts:mfa-")
    ]
    assert len(opened_with_a_password) > 10

    for page in opened_with_a_password:
        response = client.get(page.url(world))
        assert step_of(response) == VERIFY, page.url_name
        assert parse_qs(urlsplit(response["Location"]).query)["next"] == [page.url(world)]


@pytest.mark.django_db
def test_someone_without_an_app_is_sent_to_enrol_it_first(world: dict[str, object]) -> None:
    client = signed_in_with_password("newcomer", Role.FRONT_DESK)

    assert step_of(client.get(reverse("patients:patient-list"))) == SETUP
    assert step_of(client.get(VERIFY)) == SETUP


@pytest.mark.django_db
def test_the_back_office_also_needs_the_code() -> None:
    client = signed_in_with_password("clinicadmin", Role.CLINIC_ADMIN)
    enrolled(client.user)

    assert step_of(client.get(reverse("admin:index"))) == VERIFY


@pytest.mark.django_db
def test_pages_open_without_login_stay_open_and_signing_out_works(world: dict[str, object]) -> None:
    client = signed_in_with_password("frontdesk", Role.FRONT_DESK)
    enrolled(client.user)

    assert client.get(reverse("healthz")).status_code == 200
    assert client.get(reverse("questionnaire:start", args=[world["token"]])).status_code == 200
    assert step_of(client.post(reverse("accounts:logout"))) == reverse("accounts:login")


@pytest.mark.django_db
def test_enrolment_shows_a_qr_code_and_confirms_the_app_with_a_code() -> None:
    client = signed_in_with_password("frontdesk", Role.FRONT_DESK)

    with time_machine.travel(NOON, tick=False) as clock:
        page = client.get(SETUP, {"next": "/patients/"})
        device = TOTPDevice.objects.get(user=client.user)
        wrong = client.post(SETUP, {"token": "000000" if code_for(device) != "000000" else "111111", "next": "/x/"})
        clock.shift(31)  # past the throttle after a wrong code, and a new code
        right = client.post(SETUP, {"token": code_for(device), "next": "/patients/"})
        opened = client.get(reverse("patients:patient-list"))

    assert 'src="data:image/svg+xml' in page.content.decode() and not device.confirmed
    assert "That code is not right" in wrong.content.decode()
    assert right.status_code == 302 and right["Location"] == "/patients/"
    device.refresh_from_db()
    assert device.confirmed
    assert opened.status_code == 200


@pytest.mark.django_db
def test_a_right_code_opens_the_pages_and_the_next_address_stays_on_this_site() -> None:
    client = signed_in_with_password("physio", Role.PHYSIOTHERAPIST)
    device = enrolled(client.user)

    response = client.post(VERIFY, {"token": code_for(device), "next": "https://evil.example/"})

    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get(reverse("patients:patient-list")).status_code == 200


@pytest.mark.django_db
def test_a_right_code_with_a_next_that_is_no_address_opens_the_home_page() -> None:
    client = signed_in_with_password("physio", Role.PHYSIOTHERAPIST)
    device = enrolled(client.user)

    response = client.post(VERIFY, {"token": code_for(device), "next": "2025-06-01 10:00"})

    assert response.status_code == 302 and response["Location"] == "/"


@pytest.mark.django_db
def test_a_used_code_cannot_be_used_again() -> None:
    with time_machine.travel(NOON, tick=False):
        first = signed_in_with_password("physio", Role.PHYSIOTHERAPIST)
        device = enrolled(first.user)
        code = code_for(device)
        assert first.post(VERIFY, {"token": code}).status_code == 302

        second = Client()
        second.post(reverse("accounts:login"), {"username": "physio", "password": TEST_PASSWORD})
        replayed = second.post(VERIFY, {"token": code})
        still_locked = second.get(reverse("patients:patient-list"))

    assert replayed.status_code == 200
    assert "already used" in replayed.content.decode()
    assert step_of(still_locked) == VERIFY


@pytest.mark.django_db
def test_the_clinic_admin_resets_a_lost_app_and_the_person_enrols_again() -> None:
    admin = signed_in_with_password("clinicadmin", Role.CLINIC_ADMIN)
    admin_device = enrolled(admin.user)
    admin.post(VERIFY, {"token": code_for(admin_device)})
    staff = UserFactory(username="sam", roles=[Role.FRONT_DESK])
    lost = enrolled(staff)

    shown = admin.get(reverse("admin:otp_totp_totpdevice_change", args=[lost.pk]))
    deleted = admin.post(reverse("admin:otp_totp_totpdevice_delete", args=[lost.pk]), {"post": "yes"})

    assert shown.status_code == 200 and lost.key not in shown.content.decode()  # the secret is never shown
    assert deleted.status_code == 302 and not TOTPDevice.objects.filter(pk=lost.pk).exists()
    sam = Client()
    sam.post(reverse("accounts:login"), {"username": "sam", "password": TEST_PASSWORD})
    assert step_of(sam.get(reverse("home"))) == SETUP


def test_two_factor_is_on_by_default_whenever_debug_is_off() -> None:
    import os
    import subprocess
    import sys

    def required(**env: str) -> str:
        environment = {k: v for k, v in os.environ.items() if k not in {"CLINIC_REQUIRE_MFA", "DJANGO_DEBUG"}}
        environment.update(env, DJANGO_SECRET_KEY="x" * 50)
        code = "import django; django.setup(); from django.conf import settings; print(settings.CLINIC_REQUIRE_MFA)"
        finished = subprocess.run(
            [sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True
        )
        return finished.stdout.strip()

    assert required(DJANGO_SETTINGS_MODULE="ims_clinic.settings") == "True"
    assert required(DJANGO_SETTINGS_MODULE="ims_clinic.settings", DJANGO_DEBUG="1") == "False"
    assert required(DJANGO_SETTINGS_MODULE="ims_clinic.settings", CLINIC_REQUIRE_MFA="0") == "False"
