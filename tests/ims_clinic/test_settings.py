"""Production settings pass Django's deployment checks; every response carries the security headers."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings

from ims_clinic import checks
from ims_clinic import settings as ims_clinic_settings

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True
    )


PRODUCTION = {
    "DJANGO_SECRET_KEY": "a-real-production-secret-" + "k3y" * 15,
    "DJANGO_ALLOWED_HOSTS": "clinic.example.org",
    "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "CLINIC_ADDRESS": "100 Main Street\\nSpringfield, BC  V0V 0V0",
    "CLINIC_PHONE": "250-555-0100",
    "CLINIC_SITE_URL": "https://clinic.example.org",
    "CLINIC_TEXT_BACKEND": "twilio",
    "CLINIC_TWILIO_ACCOUNT_SID": "AC0",
    "CLINIC_TWILIO_AUTH_TOKEN": "example",
    "CLINIC_TWILIO_FROM": "+12505550100",
}


def test_production_settings_pass_check_deploy_at_warning_level() -> None:
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_when_production_would_print_e_mails_to_the_console() -> None:
    env = {**PRODUCTION, "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    result = manage("check", "--deploy", "--fail-level", "WARNING", **env)

    assert result.returncode != 0
    assert "ims_clinic.E001" in result.stderr


def test_check_deploy_fails_when_production_has_no_e_mail_backend_set() -> None:
    env = {name: value for name, value in PRODUCTION.items() if name != "DJANGO_EMAIL_BACKEND"}
    result = manage("check", "--deploy", "--fail-level", "WARNING", **env)

    assert result.returncode != 0
    assert "ims_clinic.W001" in result.stderr


@pytest.mark.parametrize("backend", sorted(checks.NON_DELIVERING_EMAIL_BACKENDS))
def test_the_e_mail_check_refuses_a_non_delivering_backend_with_debug_off(settings: Settings, backend: str) -> None:
    settings.DEBUG = False
    settings.EMAIL_BACKEND = backend
    settings.CLINIC_EMAIL_BACKEND_FROM_ENVIRONMENT = True

    assert [message.id for message in checks.email_backend_check()] == ["ims_clinic.E001"]


def test_the_e_mail_check_lets_the_demo_print_to_the_console_with_debug_on(settings: Settings) -> None:
    settings.DEBUG = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    settings.CLINIC_EMAIL_BACKEND_FROM_ENVIRONMENT = False

    assert checks.email_backend_check() == []


def test_the_e_mail_check_passes_an_smtp_backend_set_explicitly(settings: Settings) -> None:
    settings.DEBUG = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.CLINIC_EMAIL_BACKEND_FROM_ENVIRONMENT = True

    assert checks.email_backend_check() == []


def test_check_deploy_warns_while_the_letterhead_still_gives_the_demo_clinics_address_and_phone() -> None:
    env = {name: value for name, value in PRODUCTION.items() if not name.startswith("CLINIC_")}
    result = manage("check", "--deploy", "--fail-level", "WARNING", **env)

    assert result.returncode != 0
    assert "ims_clinic.W002" in result.stderr
    assert "CLINIC_ADDRESS and CLINIC_PHONE are still the demo clinic's" in result.stderr


@pytest.mark.parametrize("left", ["CLINIC_ADDRESS", "CLINIC_PHONE"])
def test_the_clinic_details_check_names_the_one_detail_left_at_the_demo(settings: Settings, left: str) -> None:
    settings.DEBUG = False
    settings.CLINIC_ADDRESS = "100 Main Street\nSpringfield, BC  V0V 0V0"
    settings.CLINIC_PHONE = "250-555-0100"
    setattr(settings, left, getattr(settings, left.replace("CLINIC_", "CLINIC_DEMO_")))

    [message] = checks.clinic_details_check()

    assert message.id == "ims_clinic.W002" and message.msg.startswith(f"{left} is still the demo clinic's")


def test_the_clinic_details_check_lets_the_demo_keep_its_details_with_debug_on(settings: Settings) -> None:
    settings.DEBUG = True

    assert checks.clinic_details_check() == []


def test_the_logo_check_passes_the_vendored_logo(settings: Settings) -> None:
    settings.CLINIC_LOGO = "img/clinic-logo.svg"

    assert checks.clinic_logo_check() == []


def test_every_check_refuses_a_clinic_logo_that_is_not_a_static_file() -> None:
    result = manage("check", DJANGO_DEBUG="1", CLINIC_LOGO="img/our-logo.png")

    assert result.returncode != 0
    assert "ims_clinic.E002" in result.stderr
    assert "CLINIC_LOGO is 'img/our-logo.png', which is not a static file" in result.stderr


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = manage("check", DJANGO_ALLOWED_HOSTS="clinic.example.org")

    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr


def test_debug_is_off_unless_asked_for() -> None:
    result = manage("diffsettings", "--all", DJANGO_SECRET_KEY="x" * 50)
    assert "DEBUG = False" in result.stdout


def test_passwords_are_hashed_with_argon2_and_need_twelve_characters() -> None:
    # The suite swaps in a fast hasher, so read what the settings module configures.
    assert ims_clinic_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    validators = {v["NAME"].rsplit(".", 1)[-1]: v for v in django_settings.AUTH_PASSWORD_VALIDATORS}
    assert validators["MinimumLengthValidator"]["OPTIONS"]["min_length"] == 12
    assert "NumericPasswordValidator" not in validators


@pytest.mark.django_db
def test_signed_in_pages_carry_the_security_headers_and_are_never_cached(physio_client: Client) -> None:
    response = physio_client.get(reverse("home"))

    csp = response["Content-Security-Policy"]
    for directive in ("default-src 'self'", "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        assert directive in csp
    assert "'nonce-" in csp and "unsafe-inline" not in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_every_script_tag_carries_the_pages_nonce(physio_client: Client) -> None:
    response = physio_client.get(reverse("home"))
    nonce = response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    body = response.content.decode()

    assert body.count("<script") == body.count(f'nonce="{nonce}"') > 0


@pytest.mark.django_db
def test_no_page_loads_anything_from_another_origin(physio_client: Client) -> None:
    body = physio_client.get(reverse("home")).content.decode()

    assert "http://" not in body and "https://" not in body and 'src="//' not in body


@pytest.mark.parametrize(
    ("value", "expected"), [("1", True), ("True", True), (" on ", True), ("no", False), ("0", False)]
)
def test_a_yes_no_setting_reads_the_usual_words(monkeypatch: pytest.MonkeyPatch, value: str, expected: bool) -> None:
    monkeypatch.setenv("CLINIC_SOME_SWITCH", value)

    assert ims_clinic_settings.env_bool("CLINIC_SOME_SWITCH", not expected) is expected


def test_a_yes_no_setting_left_empty_takes_its_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLINIC_SOME_SWITCH", "  ")

    assert ims_clinic_settings.env_bool("CLINIC_SOME_SWITCH", True) is True


@pytest.mark.parametrize("value", ["ture", "yess", "2", "enabled"])
def test_a_yes_no_setting_with_a_typo_stops_the_app(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("CLINIC_SOME_SWITCH", value)

    with pytest.raises(ImproperlyConfigured, match=r"CLINIC_SOME_SWITCH=.* is not a yes/no value"):
        ims_clinic_settings.env_bool("CLINIC_SOME_SWITCH", False)


def test_a_typo_in_debug_stops_manage_py_with_the_reason() -> None:
    result = manage("check", **PRODUCTION, DJANGO_DEBUG="ture")

    assert result.returncode != 0
    assert "DJANGO_DEBUG='ture' is not a yes/no value" in result.stderr
