"""System checks of our own: the letterhead's logo on every `manage.py check`, and deployment checks run by
`manage.py check --deploy` beside Django's."""

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from django.apps import AppConfig
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.checks import CheckMessage, Error, Tags, Warning, register

# Backends that print a message (patients' addresses, private questionnaire links) to the log, or never send it.
NON_DELIVERING_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}


@register(Tags.security, deploy=True)
def email_backend_check(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.DEBUG:
        return []
    if settings.EMAIL_BACKEND in NON_DELIVERING_EMAIL_BACKENDS:
        return [
            Error(
                f"EMAIL_BACKEND is {settings.EMAIL_BACKEND} with DEBUG off: patients' e-mails would be printed to the "
                "log or never sent.",
                hint="Set DJANGO_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and DJANGO_EMAIL_HOST.",
                id="ims_clinic.E001",
            )
        ]
    if not settings.CLINIC_EMAIL_BACKEND_FROM_ENVIRONMENT:
        return [
            Warning(
                "DJANGO_EMAIL_BACKEND is not set: with DEBUG off the e-mail backend must be chosen explicitly.",
                hint="Set DJANGO_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and DJANGO_EMAIL_HOST.",
                id="ims_clinic.W001",
            )
        ]
    return []


@register(Tags.staticfiles)
def clinic_logo_check(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[CheckMessage]:
    """The letterhead's logo is a static file: one the finders cannot find is not collected, and with the manifest
    storage of production a letter could not print with it."""
    if finders.find(settings.CLINIC_LOGO):
        return []
    return [
        Error(
            f"CLINIC_LOGO is {settings.CLINIC_LOGO!r}, which is not a static file: printed letters would go out "
            "without the clinic's logo.",
            hint="Put the clinic's logo under static/ (for example static/img/clinic-logo.svg), set CLINIC_LOGO to "
            "its path under static/, and run collectstatic.",
            id="ims_clinic.E002",
        )
    ]


@register(Tags.security, deploy=True)
def clinic_details_check(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[CheckMessage]:
    """With DEBUG off, the letterhead must not still give the demo clinic's address or phone."""
    if settings.DEBUG:
        return []
    demo = [
        name
        for name, value, default in (
            ("CLINIC_ADDRESS", settings.CLINIC_ADDRESS, settings.CLINIC_DEMO_ADDRESS),
            ("CLINIC_PHONE", settings.CLINIC_PHONE, settings.CLINIC_DEMO_PHONE),
        )
        if value.replace("\\n", "\n").strip() == default
    ]
    if not demo:
        return []
    return [
        Warning(
            f"{' and '.join(demo)} {'is' if len(demo) == 1 else 'are'} still the demo clinic's: every printed letter "
            "and summary would give patients and doctors the wrong clinic to contact.",
            hint="Set CLINIC_NAME, CLINIC_ADDRESS, CLINIC_PHONE, CLINIC_FAX and CLINIC_EMAIL to the clinic's own.",
            id="ims_clinic.W002",
        )
    ]


@register(Tags.security, deploy=True)
def text_messages_check(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[CheckMessage]:
    """Twilio chosen for text messages needs its account, token and sending number, or no text would ever go."""
    if settings.CLINIC_TEXT_BACKEND != "twilio":
        return []
    missing = [
        name
        for name in ("CLINIC_TWILIO_ACCOUNT_SID", "CLINIC_TWILIO_AUTH_TOKEN", "CLINIC_TWILIO_FROM")
        if not getattr(settings, name)
    ]
    if not missing:
        return []
    return [
        Error(
            f"CLINIC_TEXT_BACKEND is twilio but {', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not set: "
            "no text message to a patient could be sent.",
            hint="Set CLINIC_TWILIO_ACCOUNT_SID, CLINIC_TWILIO_AUTH_TOKEN and CLINIC_TWILIO_FROM (Twilio's console).",
            id="ims_clinic.E003",
        )
    ]


# Text-message backends that deliver nothing: for trying the app and for tests.
NON_DELIVERING_TEXT_BACKENDS = {"console", "locmem", "dummy"}


@register(Tags.security, deploy=True)
def text_backend_delivers_check(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[CheckMessage]:
    """With DEBUG off, a text-message backend that delivers nothing would record texts as sent that no one got."""
    if settings.DEBUG or settings.CLINIC_TEXT_BACKEND not in NON_DELIVERING_TEXT_BACKENDS:
        return []
    return [
        Warning(
            f"CLINIC_TEXT_BACKEND is {settings.CLINIC_TEXT_BACKEND} with DEBUG off: text messages to patients "
            "would be printed or kept in memory, recorded as sent, and never reach them.",
            hint="Set CLINIC_TEXT_BACKEND=twilio with its three CLINIC_TWILIO_ settings.",
            id="ims_clinic.W004",
        )
    ]


# Addresses that only this machine reaches (a site URL naming one cannot be opened from a patient's phone).
LOCAL_HOSTS = {"127.0.0.1", "localhost", "0.0.0.0", "::1", "[::1]"}  # nosec B104 - compared, never bound


@register(Tags.security, deploy=True)
def site_url_check(app_configs: Sequence[AppConfig] | None = None, **kwargs: Any) -> list[CheckMessage]:
    """With DEBUG off, the links in patients' messages must lead to the clinic's site, not to this machine."""
    if settings.DEBUG:
        return []
    host = urlsplit(settings.CLINIC_SITE_URL).hostname or ""
    if host and host not in LOCAL_HOSTS and urlsplit(settings.CLINIC_SITE_URL).scheme == "https":
        return []
    return [
        Warning(
            f"CLINIC_SITE_URL is {settings.CLINIC_SITE_URL!r}: the links in patients' messages would not open "
            "from their phones.",
            hint="Set CLINIC_SITE_URL to the https address patients reach the clinic at, e.g. https://clinic.example.org.",
            id="ims_clinic.W003",
        )
    ]
